/**
 * `claw session rename|tag|archive|unarchive|delete` and the store functions behind them (and
 * `forkSession`, `getSessionMessages`, the subagent readers) end to end: sessions the pinned CLIs
 * wrote against the fake API in a throw-away HOME, changed by `main.ts` as a subprocess, then read
 * back where the CLI reads them. 2.1 resumes a session by the title claw gave it
 * (`claude -p --resume "<title>"`) and unarchives a session claw archived when a prompt comes (it
 * rewrites the mark); 2.0.76 shows claw's title and tag in its interactive session picker (run in
 * tmux, where installed); both resume a fork claw wrote with the earlier turns in the request,
 * neither finds a deleted session, and a session a running claude has open is refused. Where Node
 * and the pinned Agent SDK are installed, the SDK's `getSessionInfo` reads the title, tag and
 * archived mark claw wrote.
 *
 * Claude Code 2.0.76 reads titles and tags only in its interactive `/resume` picker (its
 * `-p --resume` takes an id only), knows no archived mark, and keeps subagents flat beside the
 * sessions, where `listSubagents` (like the SDK's) does not look. 2.1's picker leaves out the
 * sessions of `claude -p`, which all of these are, so it is not used here.
 */
import { deepStrictEqual as assertEquals, match, ok } from "node:assert";
import { dirname, join } from "node:path";
import { pinnedSdkTypesPath } from "../scripts/install_cli.ts";
import { run } from "../src/session/run.ts";
import { startSession } from "../src/session/session.ts";
import { getSessionInfo } from "../src/session/store.ts";
import { forkSession } from "../src/session/store_fork.ts";
import { getSessionMessages } from "../src/session/stored_messages.ts";
import { getSubagentMessages, listSubagents } from "../src/session/subagents.ts";
import { FAKE_API_KEY } from "../src/fake_api/offline_env.ts";
import { cachedDenoDir, claw, type ClawOutput } from "./_claw.ts";
import {
  NEWEST_PINNED_CLI,
  type Offline,
  offline,
  OLDEST_PINNED_CLI,
  pinnedCliPath,
} from "./_offline.ts";
import { hasNodeAndSdk } from "./_sdk.ts";
import {
  forEachCli,
  mentions,
  ProcessMarker,
  scripted,
  sessionOptions,
  text,
  toolUse,
} from "./_session.ts";
import { hasTmux, TmuxSession } from "./_tmux.ts";

/** Whether `version` is a 2.1.x CLI, whose session registry and title resume claw reads. */
const is21 = (version: string) => version.startsWith("2.1.");
const OLD = OLDEST_PINNED_CLI;
const MAIN = new URL("../main.ts", import.meta.url).pathname;

if (!hasTmux()) {
  console.log("cli_session_edit_test: terminal checks skipped, tmux is not installed");
}

function ok0(out: ClawOutput): ClawOutput {
  assertEquals(out.code, 0, out.stderr);
  return out;
}

/** Runs the pinned `claude` itself (not through claw) with `args`, in the test's cwd. */
async function claude(env: Offline, version: string, marker: ProcessMarker, args: string[]) {
  const out = await new Deno.Command(pinnedCliPath(version), {
    args,
    cwd: env.cwd,
    env: { ...env.vars(version), ...marker.env },
    stdin: "null",
  }).output();
  const decoder = new TextDecoder();
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
}

/** What the Agent SDK's `getSessionInfo` says of session `id` in `home` (Node runs it). */
async function sdkSessionInfo(home: string, id: string): Promise<Record<string, unknown>> {
  const sdk = join(dirname(pinnedSdkTypesPath()), "sdk.mjs");
  const program = `import { getSessionInfo } from ${JSON.stringify(sdk)};
console.log(JSON.stringify(await getSessionInfo(process.argv[1])));`;
  const out = await new Deno.Command("node", {
    args: ["--input-type=module", "-e", program, id],
    env: { HOME: home, PATH: Deno.env.get("PATH") ?? "" },
    clearEnv: true,
    stdin: "null",
  }).output();
  const decoder = new TextDecoder();
  assertEquals(out.code, 0, decoder.decode(out.stderr));
  return JSON.parse(decoder.decode(out.stdout));
}

forEachCli(
  "claw session rename, tag, archive, fork and delete change sessions the CLI then reads back",
  async (version) => {
    const marker = new ProcessMarker();
    const withAgent = is21(version);
    await using env = await offline({
      replies: [
        text("Noted apple."),
        ...withAgent
          ? [
            toolUse("Agent", {
              description: "Look around",
              prompt: "Say what you see",
              subagent_type: "general-purpose",
              run_in_background: false,
            }),
            text("I see a tree."),
            text("The agent saw a tree."),
          ]
          : [text("Second session.")],
        text("You said apple."),
        text("Forked: apple."),
      ],
    });
    const options = (extra = {}) => env.options(version, { env: marker.env, ...extra });
    const session = (...args: string[]) => claw(["session", ...args], { env: env.vars(version) });
    const info = async (id: string) =>
      await getSessionInfo(id, { cwd: env.cwd, env: { HOME: env.home } });

    // Made once: a session of one turn, and another (with a subagent on 2.1).
    const apple = (await run("Remember apple", options()).result()).session_id;
    const other = (await run(
      withAgent ? "Use an agent" : "Another session",
      options({ permissionMode: "bypassPermissions" }),
    ).result()).session_id;
    const appleFile = (await info(apple))!.path;

    // rename: one JSON line; the listing shows the title.
    const renamed = JSON.parse(
      ok0(await session("rename", apple, "Apple", "talk", "--json")).stdout,
    );
    assertEquals(renamed, { id: apple, path: appleFile, title: "Apple talk" });
    // tag, then clear it, then tag again.
    assertEquals(
      JSON.parse(ok0(await session("tag", apple, "fruit", "--json", "--cwd", env.cwd)).stdout),
      { id: apple, path: appleFile, tag: "fruit" },
    );
    assertEquals(
      ok0(await session("tag", apple, "--clear")).stdout,
      `Cleared the tag of session ${apple}\n`,
    );
    assertEquals((await info(apple))?.tag, undefined);
    assertEquals(
      ok0(await session("tag", apple, "fruit")).stdout,
      `Tagged session ${apple}: #fruit\n`,
    );
    // archive, unarchive, archive again.
    assertEquals(ok0(await session("archive", apple)).stdout, `Archived session ${apple}\n`);
    assertEquals(
      JSON.parse(ok0(await session("unarchive", apple, "--json")).stdout).archived,
      false,
    );
    ok0(await session("archive", apple));
    const listed = JSON.parse(ok0(await session("list", "--cwd", env.cwd, "--json")).stdout);
    const entry = listed.find((s: { id: string }) => s.id === apple);
    assertEquals([entry.title, entry.tag, entry.archived], ["Apple talk", "fruit", true]);
    const table = ok0(await session("list", "--cwd", env.cwd)).stdout;
    match(table, /^ID +LAST ACTIVITY +TURNS +SIZE +TITLE +FIRST PROMPT\n/);
    match(table, new RegExp(`${apple} .* Apple talk #fruit \\(archived\\) +Remember apple\n`));
    match(
      ok0(await session("show", apple)).stdout,
      new RegExp(`^Session ${apple}\nApple talk #fruit \\(archived\\) · ${env.cwd} · 1 prompt · `),
    );

    if (version === NEWEST_PINNED_CLI && hasNodeAndSdk()) {
      // The official SDK reads what claw wrote.
      const sdk = await sdkSessionInfo(env.home, apple);
      assertEquals([sdk.customTitle, sdk.tag, sdk.archived], ["Apple talk", "fruit", true]);
    }

    // The CLI reads the title back: 2.1 resumes a session by it. A prompt sent in an archived
    // session unarchives it.
    const resumed = is21(version)
      ? JSON.parse(
        (await claude(env, version, marker, [
          "-p",
          "Which fruit?",
          "--resume",
          "Apple talk",
          "--output-format",
          "json",
        ])).stdout,
      )
      : await run("Which fruit?", options({ resume: apple })).result();
    assertEquals([resumed.session_id, resumed.result], [apple, "You said apple."]);
    ok(mentions(scripted(env.api).at(-1), "Remember apple"), "the resumed request carries turn 1");
    assertEquals((await info(apple))?.archived, false);
    if (is21(version)) {
      // 2.1 read claw's archived mark: it unarchived the session itself when the prompt came.
      const mark = JSON.parse(
        await Deno.readTextFile(join(appleFile.replace(/\.jsonl$/, ""), "archived.json")),
      );
      assertEquals([mark.archived, mark.by], [false, "cli"]);
    }

    // fork up to the first answer: the CLI resumes the fork with that turn and nothing after it.
    const messages = await getSessionMessages(apple, { cwd: env.cwd, env: { HOME: env.home } });
    assertEquals(messages.map((m) => m.type), ["user", "assistant", "user", "assistant"]);
    const { sessionId: fork } = await forkSession(apple, {
      cwd: env.cwd,
      env: { HOME: env.home },
      upToMessageId: messages[1]!.uuid,
    });
    assertEquals((await info(fork))?.title, "Apple talk (fork)");
    const forked = await run("What did I say?", options({ resume: fork })).result();
    assertEquals([forked.session_id, forked.result], [fork, "Forked: apple."]);
    const request = scripted(env.api).at(-1);
    ok(mentions(request, "Remember apple") && mentions(request, "Noted apple."), "turn 1 carried");
    ok(!mentions(request, "Which fruit?"), "nothing after the fork point");

    if (withAgent) {
      // The subagent's transcript, in the SDK's shape.
      const agents = await listSubagents(other, { cwd: env.cwd, env: { HOME: env.home } });
      assertEquals(agents.length, 1);
      const agentMessages = await getSubagentMessages(other, agents[0]!, {
        env: { HOME: env.home },
      });
      assertEquals(agentMessages.map((m) => m.type), ["user", "assistant"]);
      const call = (await getSessionMessages(other, { env: { HOME: env.home } }))
        .flatMap((m) => (m.message as { content?: { type: string; id?: string }[] }).content ?? [])
        .find((block) => block.type === "tool_use");
      ok(call?.id && agentMessages.every((m) => m.parent_tool_use_id === call.id));
    }

    // delete: without a terminal it needs --yes; then the transcript and its folder go, and the
    // CLI no longer finds the session.
    const otherFile = (await info(other))!.path;
    const refused = await session("delete", other);
    assertEquals(refused.code, 2);
    match(refused.stderr, /^claw session delete needs --yes when stdin is not a terminal/);
    assertEquals(
      JSON.parse(ok0(await session("delete", other, "--yes", "--json")).stdout),
      { id: other, path: otherFile, deleted: true },
    );
    for (const gone of [otherFile, otherFile.replace(/\.jsonl$/, "")]) {
      ok(!(await Deno.stat(gone).then(() => true, () => false)), `${gone} is gone`);
    }
    ok(await info(apple) && await info(fork), "the other sessions stay");
    const lost = await claude(env, version, marker, ["-p", "Go on", "--resume", other]);
    assertEquals(lost.code, 1);
    match(lost.stdout + lost.stderr, /No conversation found with session ID/);

    // A session a running claude has open is refused, and free again once it ends.
    {
      await using _open = await startSession(
        sessionOptions(env, version, marker, { resume: apple }),
      );
      const busy = await session("rename", apple, "While open");
      assertEquals([busy.code, busy.stdout], [1, ""]);
      // 2.1 says which session it has open (its registry); 2.0.x only where it runs.
      const why = is21(version)
        ? "has it open"
        : "that does not say which session it has open \\(Claude Code 2\\.0\\.x\\)";
      const said = new RegExp(
        `^error\\[session_in_use\\]: Cannot rename session "${apple}": a running claude \\(pid (\\d+)\\) ${why}`,
      ).exec(busy.stderr);
      ok(said && marker.pids().includes(Number(said[1])), busy.stderr);
      const json = await session("delete", apple, "--yes", "--json");
      assertEquals([json.code, JSON.parse(json.stdout).error.kind], [1, "session_in_use"]);
    }
    await marker.assertNoneLeft();
    ok0(await session("rename", apple, "After it closed"));
    assertEquals((await info(apple))?.title, "After it closed");

    if (version === OLD && hasTmux()) {
      // 2.0.76 reads titles and tags in its interactive session picker (2.1's leaves out the
      // sessions of claude -p, which is all these are).
      await acceptInteractiveStart(env);
      {
        await using tty = await TmuxSession.start([pinnedCliPath(version), "--resume"], {
          cwd: env.cwd,
          env: { ...env.vars(version), ...marker.env },
          width: 120,
          height: 30,
        });
        const picker = await tty.waitFor(/Apple talk \(fork\)/, { timeoutMs: 20_000 });
        match(picker, /After it closed\n.* · #fruit/);
      }
      await marker.assertNoneLeft();
    }
  },
);

/**
 * What the interactive CLI asks once, answered in `~/.claude.json` as a user would: onboarding
 * done, the working directory trusted, the fake API key approved.
 */
async function acceptInteractiveStart(env: Offline): Promise<void> {
  const path = join(env.home, ".claude.json");
  const config = JSON.parse(await Deno.readTextFile(path));
  config.hasCompletedOnboarding = true;
  config.projects = {
    ...config.projects,
    [env.cwd]: { ...config.projects?.[env.cwd], hasTrustDialogAccepted: true },
  };
  config.customApiKeyResponses = { approved: [FAKE_API_KEY.slice(-20)], rejected: [] };
  await Deno.writeTextFile(path, JSON.stringify(config));
}

Deno.test({
  name: "claw session delete on a terminal asks first: no keeps the session, yes deletes it",
  ignore: !hasTmux(),
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const marker = new ProcessMarker();
    await using env = await offline({ replies: [text("Noted.")] });
    const id =
      (await run("Remember apple", env.options(NEWEST_PINNED_CLI, { env: marker.env })).result())
        .session_id;
    const path = (await getSessionInfo(id, { cwd: env.cwd, env: { HOME: env.home } }))!.path;
    const ask = async (answer: string) => {
      await using tty = await TmuxSession.start(
        [Deno.execPath(), "run", "-A", MAIN, "session", "delete", id, "--cwd", env.cwd],
        {
          env: { HOME: env.home, DENO_DIR: await cachedDenoDir(), NO_COLOR: "1" },
          width: 160,
        },
      );
      await tty.waitFor(
        new RegExp(`Delete session ${id} \\(Remember apple, 1 prompt\\)\\? \\[y/N\\] $`, "m"),
      );
      await tty.type(answer);
      await tty.sendKeys("Enter");
      assertEquals(await tty.exited(), 0);
    };
    await ask("n");
    ok(await Deno.stat(path).then(() => true), "kept");
    await ask("y");
    ok(!(await Deno.stat(path).then(() => true, () => false)), "deleted");
    await marker.assertNoneLeft();
  },
});

Deno.test(
  "claw session edits: an unknown id is session_not_found; usage mistakes exit 2 before reading",
  async () => {
    const home = await Deno.makeTempDir({ prefix: "claw-test-home-" });
    try {
      const session = (...args: string[]) => claw(["session", ...args], { env: { HOME: home } });
      const unknown = "0b7c9a52-0000-4000-8000-000000000000";
      for (
        const args of [["rename", unknown, "T"], ["tag", unknown, "t"], ["archive", unknown], [
          "unarchive",
          unknown,
        ], ["delete", unknown, "--yes"]]
      ) {
        const out = await session(...args);
        assertEquals([out.code, out.stdout], [1, ""], args.join(" "));
        match(out.stderr, new RegExp(`^error\\[session_not_found\\]: No session "${unknown}"`));
      }
      const cases: [string[], RegExp][] = [
        [["rename"], /^Missing ID: claw session rename takes ID TITLE/],
        [["rename", unknown], /^Missing TITLE/],
        [["rename", unknown, " "], /^Invalid TITLE " ": it must be a text that is not empty/],
        [["tag", unknown], /^Missing TAG: /],
        [["tag", unknown, "a", "b"], /^Expected one TAG, got 2/],
        [["tag", unknown, "a", "--clear"], /^Pass either a TAG or --clear, not both/],
        [["archive", unknown, "extra"], /^Unexpected "extra": claw session archive takes one ID/],
        [["delete", unknown], /^claw session delete needs --yes when stdin is not a terminal/],
        [["unarchive", "../etc"], /^Invalid session ID "\.\.\/etc"/],
        [
          ["archive", unknown, "--cwd", join(home, "missing")],
          /^Cannot use --cwd ".*missing": no such folder/,
        ],
      ];
      for (const [args, message] of cases) {
        const out = await session(...args);
        assertEquals([out.code, out.stdout], [2, ""], args.join(" "));
        match(out.stderr, message);
        match(out.stderr, new RegExp(`\\n\\nUsage: claw session (\\w+\\|)?${args[0]}\\b`));
      }
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
);
