// The session store over files the real CLIs wrote: each test runs the pinned CLI against claw's
// fake Messages API in a fresh HOME, then reads what it left under HOME/.claude/projects.
import { deepStrictEqual as assertEquals, match, ok, rejects } from "node:assert";
import { join } from "node:path";
import { PINNED_CLI_VERSIONS, pinnedCliPath } from "../../scripts/install_cli.ts";
import { ClawError } from "../errors/claw_error.ts";
import { startFakeApi } from "../fake_api/fake_api.ts";
import { offlineEnv } from "../fake_api/offline_env.ts";
import { conversationRecords, syntheticStore } from "./_synthetic_sessions.ts";
import { run } from "./run.ts";
import {
  exportSession,
  getSessionInfo,
  listSessions,
  projectFolderName,
  readSession,
  type SessionMessage,
  streamSession,
  streamSessionExport,
} from "./store.ts";

function installed(version: string): boolean {
  try {
    return Deno.statSync(pinnedCliPath(version)).isFile;
  } catch {
    return false;
  }
}

/** Two sessions in one folder (the first resumed once), one in another; what the runs said. */
async function sessionsOf(version: string, root: string, home: string) {
  const api = await startFakeApi({
    script: {
      replies: [
        {
          content: [
            { type: "text", text: "Let me check" },
            { type: "tool_use", name: "Bash", input: { command: "echo claw-store" } },
          ],
        },
        { content: [{ type: "text", text: "It printed claw-store" }] },
        { content: [{ type: "text", text: "Second answer" }] },
        { content: [{ type: "text", text: "Another session" }] },
        { content: [{ type: "text", text: "Elsewhere" }] },
      ],
    },
  });
  try {
    const work = join(root, "work dir");
    const other = join(root, "other");
    await Deno.mkdir(work);
    await Deno.mkdir(other);
    const options = {
      cli: pinnedCliPath(version),
      env: offlineEnv({ apiUrl: api.url, home, maxRetries: 0 }),
    };
    const first = await run("Run echo", {
      ...options,
      cwd: work,
      permissionMode: "bypassPermissions",
    })
      .result();
    await run("And now?", { ...options, cwd: work, resume: first.session_id }).result();
    const second = await run("Start over", { ...options, cwd: work }).result();
    const elsewhere = await run("Somewhere else", { ...options, cwd: other }).result();
    return {
      work,
      other,
      first: first.session_id,
      second: second.session_id,
      elsewhere: elsewhere.session_id,
    };
  } finally {
    await api.close();
  }
}

const text = (message: SessionMessage | undefined) =>
  message?.content.map((block) => block.type === "text" ? block.text : `[${block.type}]`).join(" ");

for (const version of PINNED_CLI_VERSIONS) {
  Deno.test({
    name: `[claude ${version}] the store lists, reads and exports the sessions the CLI wrote`,
    ignore: !installed(version),
    async fn() {
      const root = await Deno.makeTempDir({ prefix: "claw-store-" });
      try {
        const env = { HOME: join(root, "home") };
        const ran = await sessionsOf(version, root, env.HOME);

        const listed = await listSessions({ cwd: ran.work, env });
        assertEquals(listed.map((s) => s.id), [ran.second, ran.first], "newest first");
        const [second, first] = listed;
        assertEquals([first!.cwd, first!.firstPrompt, first!.turns], [ran.work, "Run echo", 2]);
        assertEquals([second!.firstPrompt, second!.turns], ["Start over", 1]);
        ok(first!.size > 0 && first!.path.includes(projectFolderName(ran.work)));
        const all = await listSessions({ all: true, env });
        assertEquals(
          new Set(all.map((s) => s.id)),
          new Set([ran.first, ran.second, ran.elsewhere]),
        );

        const { messages } = await readSession(ran.first, { cwd: ran.work, env });
        assertEquals(messages.map((m) => `${m.role}: ${text(m)}`), [
          "user: Run echo",
          "assistant: Let me check [tool_use]",
          "user: [tool_result]",
          "assistant: It printed claw-store",
          "user: And now?",
          "assistant: Second answer",
        ]);
        // Found from any folder too.
        assertEquals(
          (await readSession(ran.elsewhere, { cwd: ran.work, env })).info.cwd,
          ran.other,
        );

        const md = await exportSession(ran.first, "markdown", { cwd: ran.work, env });
        match(md, /^# Session [0-9a-f-]+\n/);
        match(md, /## User\n\nRun echo\n/);
        match(md, /\*\*Tool call\*\* `Bash`\n```json\n\{\n {2}"command": "echo claw-store"/);
        match(md, /\*\*Tool result\*\*\n```\nclaw-store\n```/);
        const json = JSON.parse(await exportSession(ran.first, "json", { cwd: ran.work, env }));
        assertEquals(json.messages, messages);
        const ndjson = await exportSession(ran.first, "ndjson", { cwd: ran.work, env });
        assertEquals(ndjson.trimEnd().split("\n").map((line) => JSON.parse(line)), messages);
      } finally {
        await Deno.remove(root, { recursive: true });
      }
    },
  });
}

Deno.test("CLAUDE_CONFIG_DIR is where the sessions are, when set; an empty folder lists none", async () => {
  const root = await Deno.makeTempDir({ prefix: "claw-store-" });
  try {
    const folder = join(root, "config", "projects", projectFolderName("/w"));
    await Deno.mkdir(folder, { recursive: true });
    assertEquals(
      await listSessions({
        cwd: "/w",
        env: { HOME: "/nowhere", CLAUDE_CONFIG_DIR: join(root, "config") },
      }),
      [],
    );
    assertEquals(await listSessions({ cwd: "/elsewhere", env: { HOME: root } }), []);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("an unknown session is session_not_found; a bad id or format is a usage error", async () => {
  const env = { HOME: "/nonexistent-home" };
  await rejects(
    readSession("0b7c9a52-0000-4000-8000-000000000000", { env }),
    (error: unknown) =>
      error instanceof ClawError && error.kind === "session_not_found" &&
      error.sessionId === "0b7c9a52-0000-4000-8000-000000000000",
  );
  await rejects(
    readSession("../etc/passwd", { env }),
    (e: unknown) => e instanceof ClawError && e.kind === "usage",
  );
  await rejects(
    exportSession("x", "pdf" as "json", { env }),
    (e: unknown) =>
      e instanceof ClawError && e.kind === "usage" && /Invalid format "pdf"/.test(e.message),
  );
});

Deno.test("run() resuming a session the CLI has no file of fails with session_not_found, spawning nothing", async () => {
  const root = await Deno.makeTempDir({ prefix: "claw-store-" });
  try {
    // A stand-in for the CLI that leaves a mark if it is ever started: the real one would refuse
    // the id too (also session_not_found), so only a stand-in shows that nothing was started.
    const cli = join(root, "claude");
    await Deno.writeTextFile(cli, `#!/bin/sh\ntouch "$0.ran"\nexit 1\n`, { mode: 0o755 });
    const id = "0b7c9a52-0000-4000-8000-000000000000";
    const error = await run("Go on", { cli, env: { HOME: root }, cwd: root, resume: id })
      .text().then(() => undefined, (error: unknown) => error);
    ok(error instanceof ClawError && error.kind === "session_not_found", String(error));
    assertEquals(error.sessionId, id);
    await rejects(Deno.stat(`${cli}.ran`), Deno.errors.NotFound);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("a line over maxLineBytes is skipped with a warning to onWarning, never a failure: list, read and export go on", async () => {
  // Synthetic sessions: the second one's second prompt carries 5,000 bytes pasted in.
  await using store = await syntheticStore();
  const [short, long] = [
    "5c0e1a9e-0000-4000-8000-000000000001",
    "5c0e1a9e-0000-4000-8000-000000000002",
  ];
  await store.write(
    short,
    conversationRecords({ sessionId: short, cwd: store.cwd, turns: [["Hi", "Hello"]] }),
  );
  const path = await store.write(
    long,
    conversationRecords({
      sessionId: long,
      cwd: store.cwd,
      turns: [["First", "One"], [`Paste ${"x".repeat(5000)}`, "Two"], ["Third", "Three"]],
      start: "2026-02-01T00:00:00.000Z",
    }),
  );
  const warnings: string[] = [];
  const options = {
    env: store.env,
    cwd: store.cwd,
    maxLineBytes: 1000,
    onWarning: (message: string) => warnings.push(message),
  };
  const skipped = `Skipped line 7 of "${path}": it is `;
  const listed = await listSessions(options);
  assertEquals(listed.map((s) => [s.id, s.turns]), [[long, 2], [short, 1]]);
  // The queue-operation and last-prompt records that repeat the prompt are too long as well.
  assertEquals(warnings.map((w) => w.slice(0, w.indexOf(" of "))), [
    "Skipped line 6",
    "Skipped line 7",
    "Skipped line 10",
  ]);
  ok(warnings[1]!.startsWith(skipped), warnings[1]);
  match(warnings[1]!, /bytes long, over the line limit of 1000 bytes; raise the limit to read it$/);

  warnings.length = 0;
  const { messages } = await readSession(long, options);
  assertEquals(messages.map(text), ["First", "One", "Two", "Third", "Three"]);
  assertEquals(warnings.length, 3, "each skipped line is told once, though the file is read twice");
  const ndjson = await exportSession(long, "ndjson", options);
  assertEquals(ndjson.trimEnd().split("\n").map((line) => JSON.parse(line)), messages);
  assertEquals(await getSessionInfo(long, options), listed[0]);
  const whole = await readSession(long, { env: store.env });
  assertEquals(whole.messages.length, 6, "the default limit reads the line");
  await rejects(
    listSessions({ ...options, maxLineBytes: 0 }),
    (e: unknown) =>
      e instanceof ClawError && e.kind === "usage" && /maxLineBytes "0"/.test(e.message),
  );
});

Deno.test("streamSession gives what readSession gives, a message at a time, and JSON exports as JSON.stringify would", async () => {
  await using store = await syntheticStore();
  const id = "5c0e1a9e-0000-4000-8000-000000000001";
  const turns = [["Use a lock", "Locked"], ["Now a queue", "Queued"]] as const;
  await store.write(id, [
    ...conversationRecords({ sessionId: id, cwd: store.cwd, turns }),
    { type: "cost-state", sessionId: id, totalCostUSD: 0.25 },
  ]);
  const options = { env: store.env, cwd: store.cwd };
  const transcript = await readSession(id, options);
  const session = await streamSession(id, options);
  assertEquals(session.info, transcript.info);
  assertEquals(session.costUsd, 0.25);
  assertEquals(await Array.fromAsync(session.messages), transcript.messages);
  // The descriptors open on the session's file (other tests' files and pipes do not count).
  const openOnSession = () =>
    [...Deno.readDirSync("/proc/self/fd")].filter((fd) => {
      try {
        return Deno.readLinkSync(`/proc/self/fd/${fd.name}`).endsWith(`/${id}.jsonl`);
      } catch {
        return false; // closed meanwhile
      }
    }).length;
  for await (const message of (await streamSession(id, options)).messages) {
    assertEquals(message.role, "user");
    assertEquals(openOnSession(), 1, "the reader holds the file while it reads");
    break;
  }
  assertEquals(openOnSession(), 0, "a reader that stops early lets go of the file");
  const json = await Array.fromAsync(await streamSessionExport(id, "json", options));
  ok(json.length > 4, "written in pieces");
  assertEquals(json.join(""), JSON.stringify(transcript, null, 2) + "\n");
  await rejects(
    streamSessionExport("0b7c9a52-0000-4000-8000-000000000000", "markdown", options),
    (e: unknown) => e instanceof ClawError && e.kind === "session_not_found",
  );
});

Deno.test("the last activity is the last record's own timestamp, also when a later line names one inside it", async () => {
  await using store = await syntheticStore();
  const id = "5c0e1a9e-0000-4000-8000-000000000001";
  const records = conversationRecords({ sessionId: id, cwd: store.cwd, turns: [["Hi", "Hello"]] });
  await store.write(id, [
    ...records,
    // Synthetic bookkeeping with no time of its own: only a time inside it.
    { type: "bookkeeping", sessionId: id, state: { timestamp: "2030-01-01T00:00:00.000Z" } },
  ]);
  const info = await getSessionInfo(id, { env: store.env });
  assertEquals(info?.lastActivity, records.at(-2)!.timestamp);
});
