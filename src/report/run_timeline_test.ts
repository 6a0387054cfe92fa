// The events here are synthetic, made by code in the shapes PROTOCOL.md records, to reach what
// the recorded corpus has no example of (a subagent, a retry, a rate limit); the recorded runs
// are reported in tests/report_test.ts.
import { deepStrictEqual, strictEqual } from "node:assert";
import type { DecodedItem } from "../protocol/events.ts";
import { hintFor } from "../errors/kinds.ts";
import { runTimeline, type TimedItem } from "./run_timeline.ts";

const at = (t: number, item: Record<string, unknown>): TimedItem => ({
  t,
  item: item as unknown as DecodedItem,
});
const assistant = (content: unknown[], parent: string | null = null, id = "m") => ({
  type: "assistant",
  session_id: "s",
  parent_tool_use_id: parent,
  message: { id, content, usage: { input_tokens: 3, output_tokens: 2 } },
});
const toolResult = (id: string, text: string, parent: string | null = null) => ({
  type: "user",
  parent_tool_use_id: parent,
  message: { role: "user", content: [{ type: "tool_result", tool_use_id: id, content: text }] },
});
const result = (extra: Record<string, unknown> = {}) => ({
  type: "result",
  subtype: "success",
  is_error: false,
  duration_ms: 1000,
  duration_api_ms: 400,
  num_turns: 3,
  session_id: "s",
  total_cost_usd: 0.02,
  usage: { input_tokens: 30, output_tokens: 20 },
  result: "Done",
  ...extra,
});

Deno.test("a subagent's work is nested under the Task call that started it, and timed", () => {
  const timeline = runTimeline([
    at(0, {
      type: "system",
      subtype: "init",
      session_id: "s",
      model: "m",
      claude_code_version: "2.1.337",
    }),
    at(10, assistant([{ type: "tool_use", id: "task", name: "Task", input: { prompt: "look" } }])),
    at(20, assistant([{ type: "text", text: "Looking" }], "task", "sub1")),
    at(30, assistant([{ type: "tool_use", id: "grep", name: "Grep", input: {} }], "task", "sub2")),
    at(80, toolResult("grep", "3 matches", "task")),
    at(310, toolResult("task", "Found 3")),
    at(1000, result()),
  ], { prompts: ["Find it"] });
  const [turn] = timeline.turns;
  strictEqual(turn?.steps.length, 1);
  const task = turn?.steps[0]?.type === "tool" ? turn.steps[0].call : undefined;
  strictEqual(task?.name, "Task");
  strictEqual(task?.ms, 300);
  deepStrictEqual(task?.children.map((step) => step.type === "tool" ? step.call.name : step.text), [
    "Looking",
    "Grep",
  ]);
  strictEqual(turn?.toolMs, 300, "the subagent's own calls are inside the Task call's time");
  strictEqual(turn?.cliMs, 300);
  strictEqual(timeline.totals.toolCalls, 2);
  strictEqual(timeline.cliVersion, "2.1.337");
});

Deno.test("retries, rate limits and a failed turn are kept with their turn, kind and hint", () => {
  const timeline = runTimeline([
    at(0, {
      type: "system",
      subtype: "api_retry",
      attempt: 1,
      max_retries: 2,
      retry_delay_ms: 500,
      error_status: 529,
      error: "overloaded",
    }),
    at(5, {
      type: "rate_limit_event",
      rate_limit_info: { status: "allowed_warning", rateLimitType: "five_hour" },
    }),
    at(
      900,
      result({
        subtype: "error_during_execution",
        is_error: true,
        result: "API Error: 529 Overloaded",
        api_error_status: 529,
      }),
    ),
  ], { prompts: ["Hi"] });
  deepStrictEqual(timeline.retries.map((retry) => [retry.turn, retry.status, retry.error]), [
    [1, 529, "overloaded"],
  ]);
  strictEqual(timeline.rateLimits[0]?.info.rateLimitType, "five_hour");
  strictEqual(timeline.turns[0]?.errorKind, "api_error");
  strictEqual(timeline.errors[0]?.kind, "api_error");
  strictEqual(timeline.errors[0]?.message, "API Error: 529 Overloaded");
  strictEqual(timeline.errors[0]?.hint, timeline.turns[0]?.hint);
  strictEqual(
    timeline.errors[0]?.hint,
    hintFor("api_error"),
    "the kind's own hint, none finer known",
  );
});

Deno.test("a session's turns cost what each result adds to the process's total", () => {
  const timeline = runTimeline([
    at(0, result({ total_cost_usd: 0.01 })),
    at(10, result({ total_cost_usd: 0.03 })),
  ], { prompts: ["One", "Two"] });
  const cents = (usd: number | null) => Math.round((usd ?? NaN) * 100);
  deepStrictEqual(timeline.turns.map((turn) => [turn.prompt, cents(turn.costUsd)]), [
    ["One", 1],
    ["Two", 2],
  ]);
  strictEqual(cents(timeline.totals.costUsd), 3);
});

Deno.test("a stored session's user lines are its prompts; an interruption's notice is not", () => {
  const line = (t: number, text: string) =>
    at(t, {
      type: "user",
      parentUuid: null,
      sessionId: "s1",
      version: "2.1.337",
      message: { role: "user", content: text },
    });
  const items = [
    line(0, "First"),
    at(100, assistant([{ type: "text", text: "One" }], null, "a")),
    line(200, "[Request interrupted by user]"),
    line(300, "Second"),
    at(450, assistant([{ type: "text", text: "Two" }], null, "b")),
  ];
  const stored = runTimeline(items, { userLinesArePrompts: true });
  deepStrictEqual(stored.turns.map((turn) => [turn.prompt, turn.wallMs]), [
    ["First", 100],
    ["Second", 150],
  ]);
  deepStrictEqual(stored.turns[0]?.tokens, { input: 3, output: 2, cacheWrite: 0, cacheRead: 0 });
  strictEqual(stored.totals.costUsd, null, "a stored session says no cost");
  deepStrictEqual([stored.sessionIds, stored.cliVersion], [["s1", "s"], "2.1.337"]);
  strictEqual(runTimeline(items).turns.length, 1, "in the CLI's output such lines open nothing");
});

Deno.test("API time is what each result adds to the process's running total", () => {
  const timeline = runTimeline([
    at(0, result({ duration_ms: 500, duration_api_ms: 300 })),
    at(10, result({ duration_ms: 400, duration_api_ms: 450 })),
  ]);
  deepStrictEqual(timeline.turns.map((turn) => [turn.apiMs, turn.cliMs]), [[300, 200], [150, 250]]);
  strictEqual(timeline.totals.apiMs, 450);
});

Deno.test("tool calls made in parallel count once in the turn's tool time", () => {
  const use = (id: string) => ({ type: "tool_use", id, name: "Read", input: {} });
  const timeline = runTimeline([
    at(100, assistant([use("a"), use("b")])),
    at(400, toolResult("a", "x")),
    at(600, toolResult("b", "y")),
    at(1000, result({ duration_api_ms: 300 })),
  ]);
  strictEqual(timeline.turns[0]?.toolMs, 500, "100 to 600, not 300 + 500");
  strictEqual(timeline.turns[0]?.cliMs, 200);
});
