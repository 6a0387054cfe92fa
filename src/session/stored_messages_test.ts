// getSessionMessages over synthetic session files made by code (`_synthetic_sessions.ts`);
// tests/cli_session_edit_test.ts reads sessions the real CLIs wrote.
import { deepStrictEqual as assertEquals, rejects } from "node:assert";
import { ClawError } from "../errors/claw_error.ts";
import { conversationRecords, syntheticStore } from "./_synthetic_sessions.ts";
import { getSessionMessages } from "./stored_messages.ts";

const ID = "5c0e1a9e-0000-4000-8000-000000000001";

Deno.test("getSessionMessages gives the SDK's shape: one entry per user or assistant record, oldest first", async () => {
  await using store = await syntheticStore();
  const records = conversationRecords({
    sessionId: ID,
    cwd: store.cwd,
    turns: [["Remember apple", "Noted"], ["Which fruit?", "Apple"]],
  });
  await store.write(ID, [
    ...records,
    // What the CLI adds that is no message of the conversation.
    {
      type: "user",
      uuid: "meta",
      parentUuid: "5c0e1a9e-a1",
      isMeta: true,
      sessionId: ID,
      message: { role: "user", content: "<local-command-caveat>" },
    },
    {
      type: "system",
      uuid: "notice",
      parentUuid: "meta",
      subtype: "informational",
      sessionId: ID,
      content: "Note",
    },
    {
      type: "assistant",
      uuid: "side",
      parentUuid: null,
      isSidechain: true,
      sessionId: ID,
      message: { role: "assistant", content: [] },
    },
  ]);
  const messages = await getSessionMessages(ID, { env: store.env });
  assertEquals(messages.map((m) => [m.type, m.uuid]), [
    ["user", "5c0e1a9e-u0"],
    ["assistant", "5c0e1a9e-a0"],
    ["user", "5c0e1a9e-u1"],
    ["assistant", "5c0e1a9e-a1"],
  ]);
  assertEquals(messages[0], {
    type: "user",
    uuid: "5c0e1a9e-u0",
    session_id: ID,
    message: { role: "user", content: "Remember apple" },
    parent_tool_use_id: null,
    parent_agent_id: null,
    timestamp: records[1]!.timestamp,
  });
  const withSystem = await getSessionMessages(ID, { env: store.env, includeSystemMessages: true });
  assertEquals(withSystem.map((m) => m.type).at(-1), "system");
  const page = await getSessionMessages(ID, { env: store.env, offset: 1, limit: 2 });
  assertEquals(page.map((m) => m.uuid), ["5c0e1a9e-a0", "5c0e1a9e-u1"]);
  assertEquals((await getSessionMessages(ID, { env: store.env, offset: 3 })).length, 1);
  assertEquals((await getSessionMessages(ID, { env: store.env, limit: 0 })).length, 4);
});

Deno.test("getSessionMessages of an unknown session is [], as in the SDK; bad options are usage errors", async () => {
  await using store = await syntheticStore();
  const env = store.env;
  assertEquals(await getSessionMessages("0b7c9a52-0000-4000-8000-000000000000", { env }), []);
  const usage = (error: unknown) => error instanceof ClawError && error.kind === "usage";
  await rejects(getSessionMessages("../x", { env }), usage);
  await rejects(getSessionMessages(ID, { env, offset: -1 }), usage);
  await rejects(getSessionMessages(ID, { env, limit: 1.5 }), usage);
});

Deno.test("getSessionMessages skips a line over maxLineBytes with a warning to onWarning, never a failure", async () => {
  await using store = await syntheticStore();
  const records = conversationRecords({
    sessionId: ID,
    cwd: store.cwd,
    turns: [["Remember apple", "Noted"], ["Say it long", `Apple ${"a".repeat(5000)}`]],
  });
  const path = await store.write(ID, records);
  const warnings: string[] = [];
  const onWarning = (message: string) => warnings.push(message);
  const messages = await getSessionMessages(ID, { env: store.env, maxLineBytes: 1000, onWarning });
  // The long answer's record is left out: the conversation ends at the prompt before it.
  assertEquals(messages.map((m) => m.uuid), ["5c0e1a9e-u0", "5c0e1a9e-a0", "5c0e1a9e-u1"]);
  assertEquals(warnings.length, 1);
  assertEquals(
    warnings[0]!.replace(/\d+ bytes long/, "N bytes long"),
    `Skipped line 9 of "${path}": it is N bytes long, over the line limit of 1000 bytes; raise the limit to read it`,
  );
  assertEquals((await getSessionMessages(ID, { env: store.env })).length, 4, "read by default");
});
