/**
 * `claw session new|resume|continue|fork` with piped stdin (one prompt per line, answers on
 * stdout), the real pinned CLIs against the fake API. The terminal side is in
 * cli_session_tty_test.ts.
 */
import { deepStrictEqual as assertEquals, match, ok } from "node:assert";
import { claw } from "./_claw.ts";
import { type Offline, offline } from "./_offline.ts";
import {
  exists,
  forEachCli,
  mentions,
  ProcessMarker,
  scripted,
  text,
  toolUse,
} from "./_session.ts";

/** `claw session ARGS` against `env`'s fake API with CLI `version`, prompts piped in. */
function session(
  env: Offline,
  version: string,
  marker: ProcessMarker,
  args: string[],
  stdin: string,
) {
  return claw(["session", ...args, "--cli", env.options(version).cli!, "--cwd", env.cwd], {
    stdin,
    env: { ...env.vars(version), ...marker.env },
  });
}

forEachCli("piped prompts are the turns of one session, each answer on stdout", async (version) => {
  const marker = new ProcessMarker();
  await using env = await offline({ replies: [text("Noted apple."), text("You said apple.")] });
  const out = await session(
    env,
    version,
    marker,
    ["new"],
    "Remember apple\n\nWhat did I say?\n/id\n",
  );
  assertEquals(out.code, 0, out.stderr);
  const [first, second, id] = out.stdout.trim().split("\n");
  assertEquals([first, second], ["Noted apple.", "You said apple."]);
  match(id ?? "", /^[0-9a-f-]{36}$/);
  ok(mentions(scripted(env.api)[1], "Remember apple"), "the second turn carries the first");
  match(out.stderr, new RegExp(`session ${id}`), "each turn's cost line names the session");
  await marker.assertNoneLeft();
});

forEachCli(
  "piped, a tool that needs approval is denied unless --permission-mode allows it",
  async (version) => {
    const marker = new ProcessMarker();
    await using env = await offline({
      replies: [
        toolUse("Bash", { command: "touch denied.txt" }),
        text("It was denied."),
        toolUse("Bash", { command: "touch allowed.txt" }),
        text("Made it."),
      ],
    });
    const denied = await session(env, version, marker, ["new"], "Make denied.txt\n");
    assertEquals(denied.stdout.trim(), "It was denied.");
    assertEquals(await exists(`${env.cwd}/denied.txt`), false);
    const allowed = await session(
      env,
      version,
      marker,
      ["new", "--permission-mode", "bypassPermissions"],
      "Make allowed.txt\n",
    );
    assertEquals(allowed.stdout.trim(), "Made it.");
    assertEquals(await exists(`${env.cwd}/allowed.txt`), true);
    await marker.assertNoneLeft();
  },
);

forEachCli(
  "resume ID and continue go on with a stored session; an unknown id fails before starting",
  async (version) => {
    const marker = new ProcessMarker();
    await using env = await offline({
      replies: [text("Noted plum."), text("You said plum."), text("Still plum.")],
    });
    const first = await session(env, version, marker, ["new"], "Remember plum\n/id\n");
    const id = first.stdout.trim().split("\n").at(-1)!;
    const resumed = await session(env, version, marker, ["resume", id], "Which fruit?\n/id\n");
    assertEquals(resumed.stdout.trim().split("\n"), ["You said plum.", id]);
    const continued = await session(env, version, marker, ["continue"], "And now?\n");
    assertEquals(continued.stdout.trim(), "Still plum.");
    ok(mentions(scripted(env.api).at(-1), "Remember plum"), "continue carried the history");
    const unknown = await session(
      env,
      version,
      marker,
      ["resume", "00000000-0000-4000-8000-000000000000"],
      "Hi\n",
    );
    assertEquals(unknown.code, 1);
    match(unknown.stderr, /error\[session_not_found\]/);
    assertEquals(scripted(env.api).length, 3, "the unknown id spent no request");
    await marker.assertNoneLeft();
  },
);

forEachCli(
  "piped slash commands: /help, /mode, /cost, and an unknown one named",
  async (version) => {
    const marker = new ProcessMarker();
    await using env = await offline({ replies: [text("Hi.")] });
    const out = await session(
      env,
      version,
      marker,
      ["new"],
      "/help\n/mode acceptEdits\nHello\n/cost\n/frobnicate\n/exit\nnever sent\n",
    );
    assertEquals(out.code, 0, out.stderr);
    assertEquals(out.stdout.trim(), "Hi.");
    match(out.stderr, /\/model NAME/);
    match(out.stderr, /permission mode: acceptEdits/);
    match(
      out.stderr,
      /1 turn · 1 round trip · [\d.]+ s · \$0\.\d{4} · 10 in \/ 5 out tokens · session [0-9a-f-]{36}\n/,
    );
    match(out.stderr, /Unknown command "\/frobnicate": try \/help/);
    assertEquals(scripted(env.api).length, 1, "nothing was sent after /exit");
    await marker.assertNoneLeft();
  },
);

forEachCli(
  "piped, /id after session resume ID prints the id before any prompt",
  async (version) => {
    const marker = new ProcessMarker();
    await using env = await offline({ replies: [text("Noted plum."), text("You said plum.")] });
    const first = await session(env, version, marker, ["new"], "Remember plum\n/id\n");
    const id = first.stdout.trim().split("\n").at(-1)!;
    const resumed = await session(env, version, marker, ["resume", id], "/id\nWhich fruit?\n/id\n");
    assertEquals(resumed.stdout.trim().split("\n"), [id, "You said plum.", id]);
    await marker.assertNoneLeft();
  },
);

forEachCli(
  "/help and /mode list only the permission modes the running CLI has",
  async (version) => {
    const marker = new ProcessMarker();
    await using env = await offline({ replies: [text("Hi.")] });
    const has = version.startsWith("2.0.")
      ? ["default", "acceptEdits", "bypassPermissions", "dontAsk", "plan", "delegate"]
      : ["default", "manual", "acceptEdits", "auto", "bypassPermissions", "dontAsk", "plan"];
    const lacks = version.startsWith("2.0.") ? "auto" : "delegate";
    const out = await session(env, version, marker, ["new"], `/help\n/mode\n/mode ${lacks}\n`);
    assertEquals(out.code, 0, out.stderr);
    const lines = out.stderr.split("\n");
    assertEquals(
      lines.find((line) => line.startsWith("/mode MODE")),
      `/mode MODE    switch the permission mode (${has.join(", ")})`,
    );
    ok(lines.includes(`Permission modes of Claude Code ${version}: ${has.join(", ")}`), out.stderr);
    ok(
      lines.includes(
        `Unknown permission mode "${lacks}": Claude Code ${version} has ${has.join(", ")}`,
      ),
      out.stderr,
    );
    assertEquals(scripted(env.api).length, 0, "nothing was sent");
    await marker.assertNoneLeft();
  },
);

forEachCli(
  "a turn is one prompt: each cost line counts the model's round trips, /cost the turns too",
  async (version) => {
    const marker = new ProcessMarker();
    await using env = await offline({
      replies: [toolUse("Bash", { command: "true" }), text("Ran it."), text("Hello.")],
    });
    const out = await session(
      env,
      version,
      marker,
      ["new", "--permission-mode", "bypassPermissions"],
      "Run true\nSay hello\n/cost\n",
    );
    assertEquals(out.code, 0, out.stderr);
    assertEquals(out.stdout.trim().split("\n"), ["Ran it.", "Hello."]);
    const costs = out.stderr.split("\n").filter((line) => / · \$\d/.test(line));
    assertEquals(costs.map((line) => line.split(" · ").slice(0, -4).join(" · ")), [
      "turn 1 · 2 round trips",
      "turn 2 · 1 round trip",
      "2 turns · 3 round trips",
    ]);
    await marker.assertNoneLeft();
  },
);

Deno.test("claw session usage mistakes exit 2 with one line naming them", async () => {
  const cases: [string[], RegExp][] = [
    [["session"], /Missing subcommand/],
    [["session", "frobnicate"], /Unknown subcommand "frobnicate"/],
    [["session", "resume"], /takes one session ID, got 0/],
    [["session", "new", "a prompt"], /takes no prompt/],
    [["session", "new", "--max-turns", "0"], /Invalid --max-turns "0"/],
  ];
  for (const [args, message] of cases) {
    const out = await claw(args);
    assertEquals(out.code, 2, `${args.join(" ")}: ${out.stderr}`);
    match(out.stderr.split("\n")[0] ?? "", message);
  }
});

forEachCli("SIGTERM ends the session REPL mid-turn with 143, reaping the CLI", async (version) => {
  const marker = new ProcessMarker();
  await using env = await offline({
    replies: [{ content: [{ type: "text", text: "A stalled answer" }], stall_ms: 60_000 }],
  });
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL("../main.ts", import.meta.url).pathname,
      "session",
      "new",
      "--cli",
      env.options(version).cli!,
      "--cwd",
      env.cwd,
    ],
    env: { NO_COLOR: "1", ...env.vars(version), ...marker.env },
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stdin = child.stdin.getWriter();
  await stdin.write(new TextEncoder().encode("Tell a long story\n"));
  while (scripted(env.api).length === 0) await new Promise((resolve) => setTimeout(resolve, 50));
  child.kill("SIGTERM");
  const out = await child.output();
  assertEquals(out.code, 143);
  await stdin.close().catch(() => {});
  await marker.assertNoneLeft();
});
