// listSubagents and getSubagentMessages over a synthetic side folder made by code;
// tests/cli_session_edit_test.ts reads the subagent transcripts claude 2.1.332 wrote.
import { deepStrictEqual as assertEquals, rejects } from "node:assert";
import { join } from "node:path";
import { ClawError } from "../errors/claw_error.ts";
import { conversationRecords, syntheticStore } from "./_synthetic_sessions.ts";
import { getSubagentMessages, listSubagents } from "./subagents.ts";

const ID = "5c0e1a9e-0000-4000-8000-000000000001";

Deno.test("listSubagents lists <id>/subagents/agent-*.jsonl; getSubagentMessages reads one with its meta", async () => {
  await using store = await syntheticStore();
  await store.write(
    ID,
    conversationRecords({ sessionId: ID, cwd: store.cwd, turns: [["Use agents", "Done"]] }),
  );
  const env = store.env;
  assertEquals(await listSubagents(ID, { env }), [], "no side folder: no subagents");
  const folder = join(store.folder, ID, "subagents");
  await Deno.mkdir(folder, { recursive: true });
  const sidechain = (agentId: string) =>
    conversationRecords({ sessionId: ID, cwd: store.cwd, turns: [[`Task ${agentId}`, "Found"]] })
      .map((record) => ({ ...record, isSidechain: true, agentId }));
  for (const agent of ["b2", "a1"]) {
    await Deno.writeTextFile(
      join(folder, `agent-${agent}.jsonl`),
      sidechain(agent).map((r) => JSON.stringify(r) + "\n").join(""),
    );
  }
  await Deno.writeTextFile(
    join(folder, "agent-a1.meta.json"),
    JSON.stringify({ agentType: "general-purpose", toolUseId: "toolu_1", parentAgentId: "b2" }),
  );
  assertEquals(await listSubagents(ID, { env }), ["a1", "b2"]);
  const messages = await getSubagentMessages(ID, "a1", { env });
  assertEquals(
    messages.map((m) => [m.type, m.parent_tool_use_id, m.parent_agent_id, m.session_id]),
    [["user", "toolu_1", "b2", ID], ["assistant", "toolu_1", "b2", ID]],
  );
  assertEquals((messages[0]?.message as { content: string }).content, "Task a1");
  // Without a meta file the subagent's messages have no parents.
  assertEquals((await getSubagentMessages(ID, "b2", { env }))[0]?.parent_tool_use_id, null);
  assertEquals((await getSubagentMessages(ID, "a1", { env, offset: 1 })).length, 1);
  assertEquals(await getSubagentMessages(ID, "zz", { env }), []);
  assertEquals(await listSubagents("0b7c9a52-0000-4000-8000-000000000000", { env }), []);
  await rejects(
    getSubagentMessages(ID, "../a1", { env }),
    (error: unknown) => error instanceof ClawError && error.kind === "usage",
  );
});
