// The store's changes over synthetic session files made by code (`_synthetic_sessions.ts`);
// tests/cli_session_edit_test.ts makes real sessions with the pinned CLIs and has the CLI read back
// what these functions write.
import { deepStrictEqual as assertEquals, ok, rejects } from "node:assert";
import { join } from "node:path";
import { ClawError } from "../errors/claw_error.ts";
import { conversationRecords, syntheticStore } from "./_synthetic_sessions.ts";
import { getSessionInfo, listSessions } from "./store.ts";
import {
  archiveSession,
  deleteSession,
  renameSession,
  tagSession,
  unarchiveSession,
} from "./store_edit.ts";

const ID = "5c0e1a9e-0000-4000-8000-000000000001";
const OTHER = "5c0e1a9e-0000-4000-8000-000000000002";
const UNKNOWN = "0b7c9a52-0000-4000-8000-000000000000";

const records = (sessionId = ID) =>
  conversationRecords({
    sessionId,
    cwd: "/work/project",
    turns: [["Remember apple", "Noted"], ["Which fruit?", "Apple"]],
  });

const lines = async (path: string) =>
  (await Deno.readTextFile(path)).trimEnd().split("\n").map((line) => JSON.parse(line));

const kindOf = (kind: string) => (error: unknown) =>
  error instanceof ClawError && error.kind === kind;

Deno.test("renameSession appends a whole custom-title line, as the CLI does; the store reads it back", async () => {
  await using store = await syntheticStore();
  const path = await store.write(ID, records());
  const before = await Deno.readTextFile(path);
  await renameSession(ID, "  Fruit\ttalk \n", { env: store.env });
  const after = await Deno.readTextFile(path);
  ok(after.startsWith(before), "nothing before the new line changed");
  assertEquals(
    after.slice(before.length),
    `{"type":"custom-title","customTitle":"Fruit talk","sessionId":"${ID}"}\n`,
  );
  assertEquals((await Deno.stat(path)).mode! & 0o777, 0o600);
  assertEquals((await getSessionInfo(ID, { env: store.env }))?.title, "Fruit talk");
  await renameSession(ID, "Second name", { env: store.env });
  assertEquals((await listSessions({ cwd: store.cwd, env: store.env }))[0]?.title, "Second name");
  await rejects(renameSession(ID, " \n ", { env: store.env }), kindOf("usage"));
});

Deno.test("renameSession keeps the CLI's custom-title.json in step when there is one, and makes none", async () => {
  await using store = await syntheticStore();
  const path = await store.write(ID, records());
  const other = await store.write(OTHER, records(OTHER));
  // What the CLI's /rename leaves beside the transcript.
  const side = join(store.folder, ID);
  await Deno.mkdir(side);
  await Deno.writeTextFile(
    join(side, "custom-title.json"),
    '{"customTitle":"From the CLI","by":"user","at":"2026-01-02T03:04:05.000Z"}',
  );
  assertEquals((await getSessionInfo(ID, { env: store.env }))?.title, "From the CLI");
  await renameSession(ID, "From claw", { env: store.env });
  const copy = JSON.parse(await Deno.readTextFile(join(side, "custom-title.json")));
  assertEquals([copy.customTitle, copy.by], ["From claw", "user"]);
  ok(!Number.isNaN(Date.parse(copy.at)));
  assertEquals((await Deno.stat(join(side, "custom-title.json"))).mode! & 0o777, 0o600);
  assertEquals((await lines(path)).at(-1).customTitle, "From claw");
  await renameSession(OTHER, "Only a record", { env: store.env });
  await rejects(Deno.stat(other.replace(/\.jsonl$/, "")), Deno.errors.NotFound);
});

Deno.test("tagSession appends tag records: cleaned, cleared with null; an empty tag is a usage error", async () => {
  await using store = await syntheticStore();
  const path = await store.write(ID, records());
  await tagSession(ID, " re\u200bd\u0007 ", { env: store.env });
  assertEquals((await lines(path)).at(-1), { type: "tag", tag: "red", sessionId: ID });
  assertEquals((await getSessionInfo(ID, { env: store.env }))?.tag, "red");
  await tagSession(ID, null, { env: store.env });
  assertEquals((await lines(path)).at(-1), { type: "tag", tag: "", sessionId: ID });
  assertEquals((await getSessionInfo(ID, { env: store.env }))?.tag, undefined);
  await rejects(tagSession(ID, " \u200b ", { env: store.env }), kindOf("usage"));
});

Deno.test("an append after a line the CLI left cut short starts on a line of its own", async () => {
  await using store = await syntheticStore();
  const path = await store.write(ID, records());
  await Deno.writeTextFile(path, '{"type":"assistant","uuid":"cut', { append: true });
  await tagSession(ID, "blue", { env: store.env });
  const text = await Deno.readTextFile(path);
  ok(text.endsWith(`"uuid":"cut\n{"type":"tag","tag":"blue","sessionId":"${ID}"}\n`));
  assertEquals((await getSessionInfo(ID, { env: store.env }))?.tag, "blue");
});

Deno.test("archiveSession writes archived.json (0600, in a 0700 folder); unarchive and a later prompt undo it", async () => {
  await using store = await syntheticStore();
  const path = await store.write(ID, records());
  const transcript = await Deno.readTextFile(path);
  assertEquals((await getSessionInfo(ID, { env: store.env }))?.archived, undefined);
  await archiveSession(ID, { env: store.env });
  const mark = join(store.folder, ID, "archived.json");
  const written = JSON.parse(await Deno.readTextFile(mark));
  assertEquals([written.archived, written.by], [true, "claw"]);
  assertEquals((await Deno.stat(mark)).mode! & 0o777, 0o600);
  assertEquals((await Deno.stat(join(store.folder, ID))).mode! & 0o777, 0o700);
  assertEquals(await Deno.readTextFile(path), transcript, "the transcript is not changed");
  assertEquals(
    [...await Array.fromAsync(Deno.readDir(join(store.folder, ID)))].map((e) => e.name),
    ["archived.json"],
    "no temporary file is left",
  );
  assertEquals((await getSessionInfo(ID, { env: store.env }))?.archived, true);
  await unarchiveSession(ID, { env: store.env });
  assertEquals((await getSessionInfo(ID, { env: store.env }))?.archived, false);

  // A prompt sent after the mark unarchives the session, as the SDK and the CLI read it.
  await archiveSession(ID, { env: store.env });
  const later = conversationRecords({
    sessionId: ID,
    cwd: store.cwd,
    turns: [["Back again", "Hello"]],
    start: new Date(Date.now() + 60_000).toISOString(),
  });
  await Deno.writeTextFile(path, later.map((r) => JSON.stringify(r) + "\n").join(""), {
    append: true,
  });
  assertEquals((await getSessionInfo(ID, { env: store.env }))?.archived, false);
});

Deno.test("deleteSession removes the transcript and its folder, and nothing else", async () => {
  await using store = await syntheticStore();
  const path = await store.write(ID, records());
  const other = await store.write(OTHER, records(OTHER));
  const side = join(store.folder, ID);
  await Deno.mkdir(join(side, "subagents"), { recursive: true });
  await Deno.mkdir(join(side, "tool-results"));
  await Deno.writeTextFile(join(side, "subagents", "agent-a1.jsonl"), "{}\n");
  await Deno.writeTextFile(join(side, "tool-results", "toolu_1.txt"), "output");
  await Deno.mkdir(join(store.folder, "memory"));
  await Deno.writeTextFile(join(store.folder, "agent-a2.jsonl"), "{}\n"); // a 2.0.x subagent
  await deleteSession(ID, { env: store.env });
  await rejects(Deno.stat(path), Deno.errors.NotFound);
  await rejects(Deno.stat(side), Deno.errors.NotFound);
  const left = (await Array.fromAsync(Deno.readDir(store.folder))).map((e) => e.name).sort();
  assertEquals(left, [`${OTHER}.jsonl`, "agent-a2.jsonl", "memory"]);
  assertEquals((await Deno.readTextFile(other)).length > 0, true);
  await rejects(deleteSession(ID, { env: store.env }), kindOf("session_not_found"));
});

Deno.test("every change of an unknown session is session_not_found; of an id that is no UUID, usage", async () => {
  await using store = await syntheticStore();
  const env = store.env;
  // A 2.0.x subagent transcript beside the sessions: found by name, but never a session to change.
  const agent = join(store.folder, "agent-a2.jsonl");
  await Deno.writeTextFile(agent, "{}\n");
  const changes = [
    (id: string) => renameSession(id, "Title", { env }),
    (id: string) => tagSession(id, "tag", { env }),
    (id: string) => archiveSession(id, { env }),
    (id: string) => unarchiveSession(id, { env }),
    (id: string) => deleteSession(id, { env }),
  ];
  for (const change of changes) {
    await rejects(
      change(UNKNOWN),
      (error: unknown) =>
        kindOf("session_not_found")(error) && (error as ClawError).sessionId === UNKNOWN,
    );
    await rejects(change("../../etc/passwd"), kindOf("usage"));
    await rejects(change("agent-a2"), /Invalid session id "agent-a2": it must be a UUID/);
  }
  assertEquals(await Deno.readTextFile(agent), "{}\n");
});

Deno.test({
  name:
    "a session a live process registered is refused, kept as it was; a stale or reused pid is not",
  ignore: Deno.build.os !== "linux",
}, async () => {
  await using store = await syntheticStore();
  const path = await store.write(ID, records());
  const registry = join(store.configDir, "sessions");
  await Deno.mkdir(registry);
  // A stand-in for a running claude: any live process of ours, registered as the CLI does.
  const child = new Deno.Command("sleep", { args: ["30"], stdin: "null" }).spawn();
  try {
    const stat = await Deno.readTextFile(`/proc/${child.pid}/stat`);
    const procStart = stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
    const register = (fields: Record<string, unknown>) =>
      Deno.writeTextFile(
        join(registry, `${child.pid}.json`),
        JSON.stringify({
          pid: child.pid,
          sessionId: ID,
          procStart,
          kind: "interactive",
          ...fields,
        }),
      );
    const transcript = await Deno.readTextFile(path);
    await register({});
    for (
      const change of [
        () => renameSession(ID, "Title", { env: store.env }),
        () => tagSession(ID, "tag", { env: store.env }),
        () => archiveSession(ID, { env: store.env }),
        () => deleteSession(ID, { env: store.env }),
      ]
    ) {
      await rejects(change(), (error: unknown) =>
        kindOf("session_in_use")(error) &&
        (error as ClawError).message.includes(`a running claude (pid ${child.pid}) has it open`));
    }
    assertEquals(await Deno.readTextFile(path), transcript);
    await rejects(Deno.stat(join(store.folder, ID)), Deno.errors.NotFound);

    // Registered from another pid namespace or machine: it cannot be checked, so it counts.
    if (await Deno.stat("/etc/machine-id").then(() => true, () => false)) {
      await register({ pidDomain: "linux:another-machine:pid:[1]" });
      await rejects(
        renameSession(ID, "Title", { env: store.env }),
        /another pid namespace or on another machine .* if it is gone, remove ".*\.json"$/,
      );
    }
    // Another session of the same process, or a pid reused by a process started later: free.
    await register({ sessionId: OTHER });
    await renameSession(ID, "Other session registered", { env: store.env });
    await register({ procStart: "1" });
    await renameSession(ID, "Pid reused", { env: store.env });
  } finally {
    child.kill();
    await child.status;
  }
  // The process is gone and its file stayed behind (as after a kill): the session is free.
  await renameSession(ID, "Stale registration", { env: store.env });
  assertEquals((await getSessionInfo(ID, { env: store.env }))?.title, "Stale registration");
});
