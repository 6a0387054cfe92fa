// forkSession over synthetic session files made by code (`_synthetic_sessions.ts`);
// tests/cli_session_edit_test.ts has the real CLIs resume forks of sessions they wrote.
import { deepStrictEqual as assertEquals, ok, rejects } from "node:assert";
import { join } from "node:path";
import { ClawError } from "../errors/claw_error.ts";
import { conversationRecords, syntheticStore } from "./_synthetic_sessions.ts";
import { getSessionMessages } from "./stored_messages.ts";
import { getSessionInfo } from "./store.ts";
import { forkSession } from "./store_fork.ts";

const ID = "5c0e1a9e-0000-4000-8000-000000000001";

const records = () =>
  conversationRecords({
    sessionId: ID,
    cwd: "/work/project",
    turns: [["Remember apple", "Noted"], ["Which fruit?", "Apple"], ["And now?", "Still apple"]],
  });

const lines = async (path: string) =>
  (await Deno.readTextFile(path)).trimEnd().split("\n").map((line) => JSON.parse(line));

Deno.test("forkSession copies the conversation under a new id, fresh uuids chained as before", async () => {
  await using store = await syntheticStore();
  const source = await store.write(ID, [
    ...records(),
    { type: "cost-state", sessionId: ID, totalCostUSD: 0.01 },
    { type: "atis-latch", atis: "x", sessionId: ID },
  ]);
  const before = await Deno.readTextFile(source);
  const { sessionId } = await forkSession(ID, { env: store.env });
  ok(/^[0-9a-f-]{36}$/.test(sessionId) && sessionId !== ID);
  assertEquals(await Deno.readTextFile(source), before, "the source is not changed");
  const path = join(store.folder, `${sessionId}.jsonl`);
  assertEquals((await Deno.stat(path)).mode! & 0o777, 0o600);
  const fork = await lines(path);
  // The conversation's records, then the CLI's state that goes with it, then the title.
  assertEquals(fork.map((r) => r.type), [
    ...Array(3).fill(["user", "attachment", "assistant"]).flat(),
    "atis-latch",
    "custom-title",
  ]);
  ok(fork.every((r) => r.sessionId === sessionId));
  const original = records().filter((r) => typeof r.uuid === "string");
  fork.slice(0, 9).forEach((record, i) => {
    assertEquals(record.forkedFrom, { sessionId: ID, messageUuid: original[i]!.uuid });
    ok(record.uuid !== original[i]!.uuid, "a fresh uuid");
    assertEquals(record.parentUuid, i === 0 ? null : fork[i - 1].uuid, "chained as before");
    assertEquals(record.message, original[i]!.message);
  });
  assertEquals(fork[2].requestSessionId, ID, "an answer keeps the session that asked for it");
  assertEquals(fork.at(-1).customTitle, "Remember apple (fork)");
  const info = await getSessionInfo(sessionId, { env: store.env });
  assertEquals([info?.title, info?.turns, info?.firstPrompt], [
    "Remember apple (fork)",
    3,
    "Remember apple",
  ]);
  assertEquals(
    (await getSessionMessages(sessionId, { env: store.env })).map((m) => m.uuid),
    fork.filter((r) => r.type !== "attachment").slice(0, 6).map((r) => r.uuid),
  );
});

Deno.test("forkSession up to a message keeps only the conversation that led to it, rewound branches left out", async () => {
  await using store = await syntheticStore();
  const all = records();
  // A rewound branch: another answer to the first prompt, written after the rest.
  all.push({
    type: "assistant",
    uuid: "rewound",
    parentUuid: "5c0e1a9e-t0",
    sessionId: ID,
    timestamp: "2026-01-02T04:00:00.000Z",
    message: { role: "assistant", content: [{ type: "text", text: "Other branch" }] },
  });
  await store.write(ID, all);
  const { sessionId } = await forkSession(ID, {
    env: store.env,
    upToMessageId: "5c0e1a9e-a1",
    title: "  Up to the second answer ",
  });
  const fork = await lines(join(store.folder, `${sessionId}.jsonl`));
  assertEquals(
    fork.filter((r) => r.forkedFrom).map((r) => r.forkedFrom.messageUuid),
    ["5c0e1a9e-u0", "5c0e1a9e-t0", "5c0e1a9e-a0", "5c0e1a9e-u1", "5c0e1a9e-t1", "5c0e1a9e-a1"],
  );
  assertEquals(fork.at(-1).customTitle, "Up to the second answer");
  const fromRewound = await forkSession(ID, { env: store.env, upToMessageId: "rewound" });
  const rewound = await lines(join(store.folder, `${fromRewound.sessionId}.jsonl`));
  assertEquals(
    rewound.filter((r) => r.forkedFrom).map((r) => r.forkedFrom.messageUuid),
    ["5c0e1a9e-u0", "5c0e1a9e-t0", "rewound"],
  );
  await rejects(
    forkSession(ID, { env: store.env, upToMessageId: "no-such-message" }),
    (error: unknown) =>
      error instanceof ClawError && error.kind === "usage" &&
      /Invalid upToMessageId "no-such-message": session ".*" holds no such message/.test(
        error.message,
      ),
  );
});

Deno.test("forkSession names the fork after the source's title; an empty or unknown session is refused", async () => {
  await using store = await syntheticStore();
  await store.write(ID, [
    ...records(),
    { type: "custom-title", customTitle: "Fruit", sessionId: ID },
  ]);
  const { sessionId } = await forkSession(ID, { env: store.env });
  assertEquals((await getSessionInfo(sessionId, { env: store.env }))?.title, "Fruit (fork)");

  const empty = "5c0e1a9e-0000-4000-8000-000000000002";
  await store.write(empty, [{ type: "queue-operation", operation: "enqueue", sessionId: empty }]);
  await rejects(
    forkSession(empty, { env: store.env }),
    (error: unknown) =>
      error instanceof ClawError && error.kind === "usage" &&
      /holds no message/.test(error.message),
  );
  await rejects(
    forkSession("0b7c9a52-0000-4000-8000-000000000000", { env: store.env }),
    (error: unknown) => error instanceof ClawError && error.kind === "session_not_found",
  );
});

Deno.test("forkSession refuses a line over maxLineBytes (kind usage) rather than fork without its record", async () => {
  await using store = await syntheticStore();
  const long = conversationRecords({
    sessionId: ID,
    cwd: "/work/project",
    turns: [["Remember apple", `Noted ${"a".repeat(5000)}`]],
  });
  await store.write(ID, long);
  await rejects(
    forkSession(ID, { env: store.env, maxLineBytes: 1000 }),
    (error: unknown) =>
      error instanceof ClawError && error.kind === "usage" &&
      /^Cannot fork session ".*": its line 4 is \d+ bytes long, over maxLineBytes \(1000\): raise it to copy the line$/
        .test(error.message),
  );
  const names = [];
  for await (const entry of Deno.readDir(store.folder)) names.push(entry.name);
  assertEquals(names, [`${ID}.jsonl`], "no fork was written");
  ok((await forkSession(ID, { env: store.env })).sessionId, "the default limit copies it");
});
