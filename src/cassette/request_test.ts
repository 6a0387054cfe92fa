import { deepStrictEqual as assertEquals, notDeepStrictEqual } from "node:assert";
import type { SpawnRequest } from "../process/spawn.ts";
import { redactText } from "./redact.ts";
import { placesOf, requestKey, requestRules } from "./request.ts";

const request = (args: string[], env: Record<string, string> = {}): SpawnRequest => ({
  command: "claude",
  args,
  env,
  cwd: "/work/project",
});

Deno.test("the README's recording and claw run's argv have one key; the argv is kept as given", async () => {
  const recorded = await requestKey(
    request(["-p", "--output-format", "stream-json", "--verbose", "Say hello"]),
  );
  const run = await requestKey(
    request(["-p", "--output-format=stream-json", "--verbose", "--", "Say hello"]),
  );
  assertEquals(recorded.key, run.key);
  assertEquals(recorded.argv, ["-p", "--output-format", "stream-json", "--verbose", "Say hello"]);
  notDeepStrictEqual(
    (await requestKey(request(["-p", "--", "Say hello!"]))).key,
    (await requestKey(request(["-p", "--", "Say hello"]))).key,
  );
});

Deno.test("paths in the argv are redacted before the key is made, so it matches across machines", async () => {
  const here = await requestKey(
    request(["--add-dir", "/work/project/docs", "-p", "hi"], { HOME: "/home/a" }),
  );
  const there = await requestKey({
    ...request(["-p", "--add-dir=/srv/checkout/docs", "--", "hi"], { HOME: "/home/b" }),
    cwd: "/srv/checkout",
  });
  assertEquals(here.key, there.key);
  assertEquals(here.argv, ["--add-dir", "$CWD/docs", "-p", "hi"]);
});

Deno.test("a request's temporary folders are places: TMPDIR, CLAUDE_CODE_TMPDIR, and /tmp always", () => {
  assertEquals(placesOf(request([], { TMPDIR: "/t", CLAUDE_CODE_TMPDIR: "/c" })), {
    cwd: "/work/project",
    root: "/t",
    tmp: ["/c"],
  });
  assertEquals(placesOf(request([], { TMPDIR: "/t", CLAUDE_CODE_TMPDIR: "/t" })).tmp, undefined);
  // Without TMPDIR (the usual case) the CLI's socket under /tmp is redacted all the same.
  const rules = requestRules(request([], { HOME: "/home/u" }));
  assertEquals(
    redactText("/tmp/cc-socks/123.sock in /home/u", rules),
    "$TMP/cc-socks/123.sock in $HOME",
  );
  const withTmpdir = requestRules(request([], { TMPDIR: "/var/folders/x/T/" }));
  assertEquals(
    redactText("/var/folders/x/T/cc-socks/5.sock", withTmpdir),
    "$TMP/cc-socks/5.sock",
  );
});
