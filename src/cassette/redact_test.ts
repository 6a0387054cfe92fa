import { deepStrictEqual as assertEquals } from "node:assert";
import { redactionRules, redactionSpans, redactLines } from "./redact.ts";

Deno.test("redaction replaces secrets and paths and keeps lines valid JSON", () => {
  const rules = redactionRules({
    root: "/tmp/claw-rec-x1",
    home: "/tmp/claw-rec-x1/home",
    cwd: "/tmp/claw-rec-x1/cwd",
    port: 40123,
  });
  const line = JSON.stringify({
    type: "system",
    cwd: "/tmp/claw-rec-x1/cwd",
    memory: "/tmp/claw-rec-x1/home/.claude/projects/-tmp-claw-rec-x1-cwd/memory/",
    socket: "/tmp/claw-rec-x1/tmp/cc-socks/1.sock",
    text: 'key "sk-ant-api03-abc_DEF-1"\nBearer abc.def-ghi\tmail:\nme@example.com',
    url: "http://127.0.0.1:40123/v1",
    unchanged: "日本語 \u2028 \\",
  });
  const redacted = redactLines(`${line}\nnot json /tmp/claw-rec-x1/cwd\n`, rules);
  const [json = "", text, end] = redacted.split("\n");
  assertEquals(JSON.parse(json), {
    type: "system",
    cwd: "$CWD",
    memory: "$HOME/.claude/projects/$ESCAPED_CWD/memory/",
    socket: "$TMP/tmp/cc-socks/1.sock",
    text: 'key "[REDACTED_API_KEY]"\n[REDACTED_BEARER_TOKEN]\tmail:\n[REDACTED_EMAIL]',
    url: "http://127.0.0.1:$PORT/v1",
    unchanged: "日本語 \u2028 \\",
  });
  assertEquals([text, end], ["not json $CWD", ""]);
});

Deno.test("the spans of a rule are what String.replace replaces, $ patterns filled in", () => {
  const rules = [
    ...redactionRules({ home: "/h/$x", cwd: "/w", port: 4711 }),
    { pattern: /(?<word>[a-z]+)-(\d)/g, replacement: "$<word>#$1$$$2$&$10$`$'" },
    { pattern: /first/, replacement: "[$&]" },
  ];
  const text =
    'first /h/$x/-h--x "apiKey": "v" me@example.com ab-1 Bearer x.y first 127.0.0.1:4711';
  for (const rule of rules) {
    const parts: string[] = [];
    let at = 0;
    for (const span of redactionSpans(text, rule)) {
      parts.push(text.slice(at, span.start), span.replacement);
      at = span.end;
    }
    parts.push(text.slice(at));
    assertEquals(
      parts.join(""),
      text.replace(rule.pattern, rule.replacement),
      String(rule.pattern),
    );
  }
});

Deno.test("temporary paths become $TMP: the system /tmp without TMPDIR, TMPDIR and CLAUDE_CODE_TMPDIR", () => {
  const none = redactionRules({ cwd: "/w" });
  assertEquals(
    redactLines(
      JSON.stringify({ messaging_socket_path: "/tmp/cc-socks/123.sock" }) +
        "\nsee /tmp/claude-1000/-w/tasks and file:///tmp/x and /private/tmp/y and /tmp\n",
      none,
    ),
    '{"messaging_socket_path":"$TMP/cc-socks/123.sock"}\nsee $TMP/claude-1000/$ESCAPED_CWD/tasks and file://$TMP/x and $TMP/y and $TMP\n',
  );
  // Not a temporary path: a longer name, another folder's tmp, a relative or home tmp.
  const kept = "/var/tmp/a /tmpfiles/b /a/tmp/c ./tmp/d ~/tmp/e $HOME/tmp/f /tmp.bak";
  assertEquals(redactLines(kept, none), kept);

  // The run's TMPDIR (with the trailing / macOS gives it) and the CLI's own CLAUDE_CODE_TMPDIR.
  const rules = redactionRules({
    root: "/var/folders/x1/T/",
    tmp: ["/scratch/claude"],
    home: "/home/u",
  });
  assertEquals(
    redactLines(
      "/var/folders/x1/T/cc-socks/9.sock /scratch/claude/claude-1a2b-cwd /tmp/cc-socks/7.sock /home/u2 /home/u/.claude",
      rules,
    ),
    "$TMP/cc-socks/9.sock $TMP/claude-1a2b-cwd $TMP/cc-socks/7.sock /home/u2 $HOME/.claude",
  );
  // TMPDIR=/tmp itself: the same placeholder, and other folders' tmp stay.
  assertEquals(
    redactLines("/tmp/cc-socks/1.sock /var/tmp/x", redactionRules({ root: "/tmp" })),
    "$TMP/cc-socks/1.sock /var/tmp/x",
  );
});
