/**
 * `claw session new` in a real terminal (tmux), with the real pinned CLIs against the fake API:
 * two turns where the second refers to the first, permission prompts answered `y` and `n`,
 * Ctrl-C during a stalled stream then another turn, `/model`, `/agents`, `/mcp`, `/rewind`,
 * `/exit`, and no `claude` left.
 * Skipped, saying why, where tmux is missing (CI installs it).
 */
import { deepStrictEqual as assertEquals, ok } from "node:assert";
import { claw } from "./_claw.ts";
import { NEWEST_PINNED_CLI, offline } from "./_offline.ts";
import {
  ECHO_SERVER,
  exists,
  forEachCli,
  mentions,
  ProcessMarker,
  scripted,
  tempFolder,
  text,
  toolUse,
} from "./_session.ts";
import { hasTmux, TmuxSession } from "./_tmux.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;
const TESTED = NEWEST_PINNED_CLI;

if (!hasTmux()) console.log("cli_session_tty_test: skipped, tmux is not installed");

forEachCli(
  "the session REPL in a terminal: turns, permission prompts (y, n, a), Ctrl-C, /model and /exit",
  async (version) => {
    if (!hasTmux()) return;
    const marker = new ProcessMarker();
    await using env = await offline({
      replies: [
        text("Noted apple."),
        text("You said apple."),
        toolUse("Bash", { command: "touch yes.txt" }),
        text("Made yes.txt."),
        toolUse("Bash", { command: "touch no.txt" }),
        text("I was not allowed."),
        toolUse("Bash", { command: "touch always.txt" }),
        text("Made always.txt."),
        toolUse("Bash", { command: "touch again.txt" }),
        text("Made again.txt without asking."),
        { content: [{ type: "text", text: "Once upon a time, long ago" }], stall_ms: 60_000 },
        text("Back after the interrupt."),
        // 2.1.332 checks a new model with a request of its own: it gets this answer too.
        text("Now with haiku."),
      ],
      when_exhausted: "repeat_last",
    });
    await using tty = await TmuxSession.start(
      [Deno.execPath(), "run", "-A", MAIN, "session", "new", "--cli", env.options(version).cli!],
      { cwd: env.cwd, env: { ...env.vars(version), ...marker.env, NO_COLOR: "1" }, width: 120 },
    );
    const prompt = async (line: string) => {
      await tty.type(line);
      await tty.sendKeys("Enter");
    };
    await tty.waitFor("Type a prompt", { timeoutMs: 30_000 });

    await prompt("Remember apple");
    await tty.waitFor("Noted apple.", { timeoutMs: 30_000 });
    await prompt("What did I say?");
    await tty.waitFor("You said apple.");
    ok(mentions(scripted(env.api)[1], "Remember apple"), "the second turn carries the first");

    await prompt("Make yes.txt");
    await tty.waitFor("Allow Bash(touch yes.txt)? [y/N/a]");
    await prompt("y");
    await tty.waitFor("Made yes.txt.");
    await prompt("Make no.txt");
    await tty.waitFor("Allow Bash(touch no.txt)? [y/N/a]");
    await prompt("n");
    await tty.waitFor("I was not allowed.");
    await prompt("Make always.txt");
    await tty.waitFor("Allow Bash(touch always.txt)? [y/N/a]");
    await prompt("a");
    await tty.waitFor("Made always.txt.");
    await prompt("Make again.txt");
    await tty.waitFor("Made again.txt without asking.");
    const screen = await tty.screen({ history: true });
    ok(!screen.includes("Allow Bash(touch again.txt)"), "not asked again");
    for (const [file, made] of [["yes", true], ["no", false], ["always", true], ["again", true]]) {
      assertEquals(await exists(`${env.cwd}/${file}.txt`), made, `${file}.txt`);
    }

    await prompt("Tell a long story");
    await tty.waitFor("Once upon"); // streamed before the fake API stalls
    await tty.sendKeys("C-c");
    await tty.waitFor(/^interrupted$/m);
    await prompt("Go on");
    await tty.waitFor("Back after the interrupt.");

    await prompt("/model claude-haiku-4-5");
    await tty.waitFor("model: claude-haiku-4-5");
    await prompt("Say something");
    await tty.waitFor("Now with haiku.");
    const last = scripted(env.api).at(-1)?.body as { model?: string };
    assertEquals(last.model, "claude-haiku-4-5");

    await prompt("/exit");
    assertEquals(await tty.exited({ timeoutMs: 20_000 }), 0);
    await marker.assertNoneLeft();
  },
);

forEachCli(
  "the session REPL shows its prompt at once and starts the CLI while the user types",
  async (version) => {
    if (!hasTmux()) return;
    const marker = new ProcessMarker();
    await using env = await offline({ replies: [text("Started meanwhile.")] });
    await using dir = await tempFolder("claw-repl-slow-");
    // A CLI whose start-up takes 10 s (its --version, which claw checks first, does not).
    const slow = `${dir.path}/claude`;
    await Deno.writeTextFile(
      slow,
      `#!/bin/sh\n[ "$1" = --version ] || sleep 10\nexec '${env.options(version).cli}' "$@"\n`,
      { mode: 0o755 },
    );
    const started = Date.now();
    await using tty = await TmuxSession.start(
      [Deno.execPath(), "run", "-A", MAIN, "session", "new", "--cli", slow],
      { cwd: env.cwd, env: { ...env.vars(version), ...marker.env, NO_COLOR: "1" } },
    );
    await tty.waitFor("Type a prompt", { timeoutMs: 30_000 });
    ok(Date.now() - started < 8000, "the prompt did not wait for the CLI's start-up");
    await tty.type("Say something");
    await tty.sendKeys("Enter");
    await tty.waitFor("Started meanwhile.", { timeoutMs: 30_000 });
    await tty.sendKeys("C-d");
    assertEquals(await tty.exited({ timeoutMs: 20_000 }), 0);
    await marker.assertNoneLeft();
  },
  [TESTED],
);

for (const key of ["C-c", "C-d"]) {
  forEachCli(
    `${key} at an empty prompt ends the session REPL cleanly, reaping the CLI`,
    async (version) => {
      if (!hasTmux()) return;
      const marker = new ProcessMarker();
      await using env = await offline({ replies: [text("Hi.")] });
      await using tty = await TmuxSession.start(
        [Deno.execPath(), "run", "-A", MAIN, "session", "new", "--cli", env.options(version).cli!],
        { cwd: env.cwd, env: { ...env.vars(version), ...marker.env, NO_COLOR: "1" } },
      );
      await tty.waitFor("Type a prompt", { timeoutMs: 30_000 });
      // The banner comes first; the CLI starts while the user types.
      for (const deadline = Date.now() + 30_000; marker.pids().length < 2;) {
        ok(Date.now() < deadline, "claw and its claude are running");
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await tty.sendKeys(key);
      assertEquals(await tty.exited({ timeoutMs: 20_000 }), 0);
      await marker.assertNoneLeft();
    },
  );
}

forEachCli(
  "the session REPL in a terminal: /agents, /mcp to see and switch off a server, /rewind to put a turn's file back",
  async (version) => {
    if (!hasTmux()) return;
    const is20 = version.startsWith("2.0.");
    const marker = new ProcessMarker();
    // The Write call needs the working folder's absolute path, so it is made first.
    await using folder = await tempFolder("claw-test-repl-");
    const cwd = folder.path;
    await using env = await offline({
      replies: [
        toolUse("Write", { file_path: `${cwd}/draft.txt`, content: "a draft\n" }),
        text("Wrote draft.txt."),
      ],
    });
    await using tty = await TmuxSession.start(
      [
        Deno.execPath(),
        "run",
        "-A",
        MAIN,
        "session",
        "new",
        "--cli",
        env.options(version).cli!,
        "--permission-mode",
        "acceptEdits",
        "--mcp-config",
        JSON.stringify({ mcpServers: { echo: ECHO_SERVER } }),
      ],
      { cwd, env: { ...env.vars(version), ...marker.env, NO_COLOR: "1" }, width: 160 },
    );
    const prompt = async (line: string) => {
      await tty.type(line);
      await tty.sendKeys("Enter");
    };
    await tty.waitFor("Type a prompt", { timeoutMs: 30_000 });

    await prompt("/agents");
    // 2.0.76's initialize answer lists no agents.
    await tty.waitFor(is20 ? "error[unsupported]: supportedAgents()" : /^Explore {2}/m);
    // The CLI connects its servers in the background: /mcp again until this one is up.
    for (let tries = 0; !(await tty.screen()).includes("echo: connected"); tries++) {
      ok(tries < 50, "the echo server connected");
      await prompt("/mcp");
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await prompt("/mcp disable echo");
    await tty.waitFor(is20 ? "error[unsupported]: toggleMcpServer()" : "echo: disabled");

    await prompt("Write a draft");
    await tty.waitFor("Wrote draft.txt.", { timeoutMs: 30_000 });
    assertEquals(await Deno.readTextFile(`${cwd}/draft.txt`), "a draft\n");
    await prompt("/rewind");
    await tty.waitFor(is20 ? "Rewound the files to before turn 1" : "before turn 1: draft.txt");
    assertEquals(await exists(`${cwd}/draft.txt`), false, "the turn's file is gone");

    await prompt("/exit");
    assertEquals(await tty.exited({ timeoutMs: 20_000 }), 0);
    await marker.assertNoneLeft();
  },
);

forEachCli(
  "in a terminal, Ctrl-C mid-turn shows ^C once, then the turn is interrupted",
  async (version) => {
    if (!hasTmux()) return;
    const marker = new ProcessMarker();
    await using env = await offline({
      replies: [
        { content: [{ type: "text", text: "Once upon a time, long ago" }], stall_ms: 60_000 },
        text("Back after the interrupt."),
      ],
    });
    await using tty = await TmuxSession.start(
      [Deno.execPath(), "run", "-A", MAIN, "session", "new", "--cli", env.options(version).cli!],
      { cwd: env.cwd, env: { ...env.vars(version), ...marker.env, NO_COLOR: "1" }, width: 120 },
    );
    await tty.waitFor("Type a prompt", { timeoutMs: 30_000 });
    await tty.type("Tell a long story");
    await tty.sendKeys("Enter");
    await tty.waitFor("Once upon");
    await tty.sendKeys("C-c");
    const screen = await tty.waitFor(/^interrupted$/m);
    assertEquals(screen.split("^C").length - 1, 1, `one ^C on the screen:\n${screen}`);
    await tty.sendKeys("C-d");
    assertEquals(await tty.exited({ timeoutMs: 20_000 }), 0);
    await marker.assertNoneLeft();
  },
  [TESTED],
);

forEachCli(
  "in a terminal, session resume ID names the session in its banner, and /id prints it at once",
  async (version) => {
    if (!hasTmux()) return;
    const marker = new ProcessMarker();
    await using env = await offline({
      replies: [text("Noted apple."), text("You said apple.")],
    });
    const first = await claw(
      ["session", "new", "--cli", env.options(version).cli!, "--cwd", env.cwd],
      { stdin: "Remember apple\n/id\n", env: { ...env.vars(version), ...marker.env } },
    );
    const id = first.stdout.trim().split("\n").at(-1) ?? "";
    ok(/^[0-9a-f-]{36}$/.test(id), first.stdout + first.stderr);
    await using tty = await TmuxSession.start(
      [
        ...[Deno.execPath(), "run", "-A", MAIN, "session", "resume", id],
        ...["--cli", env.options(version).cli!],
      ],
      { cwd: env.cwd, env: { ...env.vars(version), ...marker.env, NO_COLOR: "1" }, width: 120 },
    );
    await tty.waitFor(`Resuming session ${id}`, { timeoutMs: 30_000 });
    await tty.type("/id");
    await tty.sendKeys("Enter");
    await tty.waitFor(new RegExp(`^${id}$`, "m"));
    await tty.type("What did I say?");
    await tty.sendKeys("Enter");
    await tty.waitFor("You said apple.", { timeoutMs: 30_000 });
    await tty.waitFor("turn 1 ·", { timeoutMs: 30_000 }); // the turn has ended: type at the prompt
    await tty.type("/id");
    await tty.sendKeys("Enter");
    await tty.waitFor(new RegExp(`^${id}$`, "m"), { count: 2 });
    await tty.sendKeys("C-d");
    assertEquals(await tty.exited({ timeoutMs: 20_000 }), 0);
    await marker.assertNoneLeft();
  },
  [TESTED],
);
