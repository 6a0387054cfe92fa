import { deepStrictEqual as assertEquals, match, ok, strictEqual } from "node:assert";
import { CASSETTE_MISS_PREFIX, CassetteMissError } from "../errors/claw_error.ts";
import type { ResultEvent } from "../protocol/events.ts";
import { ProcessFacts, TurnFacts } from "./facts.ts";
import { classifyResult, classifyRun, isFailedResult } from "./classify.ts";

// Result objects carry only the fields classification reads; recorded transcripts exercise the
// full shapes in tests/fixtures_decode_test.ts and tests/run_e2e_test.ts.
function result(fields: Partial<ResultEvent>): ResultEvent {
  return {
    type: "result",
    subtype: "success",
    is_error: true,
    session_id: "s1",
    ...fields,
  } as ResultEvent;
}

function kindOf(fields: Partial<ResultEvent>, assistantError?: string): string | undefined {
  const facts = new TurnFacts();
  const processFacts = new ProcessFacts();
  facts.result = result(fields);
  if (assistantError) facts.assistantError = { error: assistantError, text: "" };
  return classifyRun({
    turn: facts,
    process: processFacts,
    status: { code: 1, signal: null },
    stderrTail: undefined,
  })?.kind;
}

Deno.test("API failures with subtype success are classified from status, type and text", () => {
  assertEquals(
    kindOf({ api_error_status: 401, result: "Invalid API key · Fix external API key" }),
    "auth",
  );
  assertEquals(
    kindOf({ api_error_status: null, result: "Not logged in · Please run /login" }),
    "auth",
  );
  assertEquals(
    kindOf({ api_error_status: 429, result: "API Error: Request rejected (429)" }),
    "rate_limit",
  );
  assertEquals(
    kindOf({ api_error_status: 529, result: "API Error: Repeated 529 Overloaded errors." }),
    "overloaded",
  );
  assertEquals(
    kindOf({ terminal_reason: "prompt_too_long", result: "Prompt is too long" }),
    "context_window",
  );
  assertEquals(
    kindOf({ api_error_status: 500, result: "API Error: 500 Something went wrong." }),
    "provider_internal",
  );
  assertEquals(
    kindOf({ api_error_status: 500, result: "API Error: 500 Internal server error." }),
    "api_error",
  );
});

Deno.test("CLI 2.0.x errors without api_error_status are classified from the text and the assistant error", () => {
  assertEquals(kindOf({ result: 'API Error: 401 {"type":"error"}' }), "auth");
  assertEquals(kindOf({ result: "API Error: something" }, "rate_limit"), "rate_limit");
});

Deno.test("error subtypes map to their kinds, even with is_error false (CLI 2.0.x max turns)", () => {
  assertEquals(kindOf({ subtype: "error_max_turns", is_error: false, errors: [] }), "max_turns");
  assertEquals(
    kindOf({ subtype: "error_max_budget_usd", errors: ["Reached maximum budget"] }),
    "budget",
  );
  assertEquals(kindOf({ subtype: "error_max_structured_output_retries" }), "structured_output");
  assertEquals(
    kindOf({
      subtype: "error_during_execution",
      errors: ["No conversation found with session ID: x"],
    }),
    "session_not_found",
  );
  assertEquals(
    kindOf({ subtype: "error_during_execution", terminal_reason: "aborted_streaming" }),
    "aborted",
  );
});

Deno.test("a successful result is no failure, whatever the exit code", () => {
  const facts = new TurnFacts();
  const processFacts = new ProcessFacts();
  facts.result = result({ is_error: false, result: "ok" });
  assertEquals(
    classifyRun({
      turn: facts,
      process: processFacts,
      status: { code: 1, signal: null },
      stderrTail: undefined,
    }),
    undefined,
  );
  ok(!isFailedResult(facts.result));
});

Deno.test("the request id comes from the assistant error, else from the error text", () => {
  const facts = new TurnFacts();
  const processFacts = new ProcessFacts();
  facts.result = result({ result: 'API Error: 500 {"request_id":"req_abc_1"}' });
  assertEquals(
    classifyRun({ turn: facts, process: processFacts, status: undefined, stderrTail: undefined })
      ?.requestId,
    "req_abc_1",
  );
  facts.assistantError = { error: "server_error", text: "", requestId: "req_from_line" };
  assertEquals(
    classifyRun({ turn: facts, process: processFacts, status: undefined, stderrTail: undefined })
      ?.requestId,
    "req_from_line",
  );
});

Deno.test("without a result the process ending decides: signal, truncation, cli_usage, no result", () => {
  const facts = new TurnFacts();
  const processFacts = new ProcessFacts();
  const classify = (status: { code: number; signal: Deno.Signal | null }, stderrTail?: string) =>
    classifyRun({ turn: facts, process: processFacts, status, stderrTail })?.kind;
  assertEquals(classify({ code: 137, signal: "SIGKILL" }), "cli_crashed");
  assertEquals(
    classify({ code: 1, signal: null }, "error: unknown option '--nope'"),
    "cli_usage",
  );
  assertEquals(classify({ code: 0, signal: null }), "no_result");
  processFacts.truncated = true;
  assertEquals(classify({ code: 0, signal: null }), "cli_crashed");
});

Deno.test("claw's own stop reasons win when no result arrived", () => {
  const facts = new TurnFacts();
  const processFacts = new ProcessFacts();
  for (const reason of ["aborted", "timeout", "hang"] as const) {
    const error = classifyRun({
      turn: facts,
      process: processFacts,
      status: { code: 143, signal: "SIGTERM" },
      stderrTail: undefined,
      stopReason: { kind: reason, message: `stopped: ${reason}` },
    });
    assertEquals(error?.kind, reason);
    assertEquals(error?.message, `stopped: ${reason}`);
    assertEquals(error?.signal, "SIGTERM");
  }
});

Deno.test("a 2.0.x interrupt (no terminal_reason, an interrupted user line) is aborted", () => {
  const facts = new TurnFacts();
  const processFacts = new ProcessFacts();
  facts.observe({
    type: "user",
    message: { role: "user", content: [{ type: "text", text: "[Request interrupted by user]" }] },
    parent_tool_use_id: null,
    session_id: "s1",
  });
  facts.result = result({ subtype: "error_during_execution", is_error: false, errors: [] });
  assertEquals(
    classifyRun({ turn: facts, process: processFacts, status: undefined, stderrTail: undefined })
      ?.kind,
    "aborted",
  );
});

Deno.test("api_error gets a hint that fits what failed", () => {
  const hintOf = (fields: Partial<ResultEvent>, assistantError?: string) => {
    const facts = new TurnFacts();
    const processFacts = new ProcessFacts();
    facts.result = result(fields);
    if (assistantError) facts.assistantError = { error: assistantError, text: "" };
    return classifyRun({
      turn: facts,
      process: processFacts,
      status: undefined,
      stderrTail: undefined,
    })?.hint ?? "";
  };
  match(
    hintOf({ api_error_status: 404, result: "There's an issue with the selected model" }),
    /model name/,
  );
  match(
    hintOf({
      api_error_status: null,
      api_error: "connection_failed",
      result: "API Error: Connection refused",
    }),
    /could not reach the API/,
  );
  match(
    hintOf({ api_error_status: 502, result: "API Error: 502 Bad Gateway." }),
    /failed on its side/,
  );
  match(
    hintOf({ api_error_status: 400, result: "API Error: 400 Request was invalid." }),
    /Check the request/,
  );
});

Deno.test("a failure the process implementation reported is the run's error, as it is", () => {
  const failure = new CassetteMissError("stdin line 2 differs");
  const error = classifyRun({
    turn: new TurnFacts(),
    process: new ProcessFacts(),
    status: { code: 1, signal: null, failure },
    stderrTail: undefined,
  });
  strictEqual(error, failure);
});

Deno.test("a fake claude's miss line on stderr becomes a CassetteMissError with the run's details", () => {
  const processFacts = new ProcessFacts();
  const error = classifyRun({
    turn: new TurnFacts(),
    process: processFacts,
    status: { code: 1, signal: null },
    stderrTail: `${CASSETTE_MISS_PREFIX}No cassette in "c" matches this run`,
  });
  ok(error instanceof CassetteMissError);
  assertEquals([error.message, error.exitCode], ['No cassette in "c" matches this run', 1]);
});

Deno.test("a fake claude's error[cassette_miss] and hint lines become one CassetteMissError with that hint", () => {
  const error = classifyRun({
    turn: new TurnFacts(),
    process: new ProcessFacts(),
    status: { code: 1, signal: null },
    stderrTail:
      `${CASSETTE_MISS_PREFIX}No cassette in "c" matches this run\nhint: Record it first\n`,
  });
  ok(error instanceof CassetteMissError);
  assertEquals([error.message, error.hint], [
    'No cassette in "c" matches this run',
    "Record it first",
  ]);
});

Deno.test("claude 2.1's refusal of a resume value that is no session id and no title is session_not_found", () => {
  const refusal =
    'Error: --resume requires a valid session ID or session title when used with --print. Usage: claude -p --resume <session-id|title>. Provided value "nonexistent-id" is not a UUID and does not match any session title.';
  const failure = classifyResult(
    result({ subtype: "error_during_execution", is_error: true, errors: [refusal] }),
  );
  assertEquals(failure.kind, "session_not_found");
});

Deno.test("an interrupt in one turn does not make a later turn of the same process aborted", () => {
  const processFacts = new ProcessFacts();
  const first = new TurnFacts();
  first.observe({
    type: "user",
    message: { role: "user", content: [{ type: "text", text: "[Request interrupted by user]" }] },
    parent_tool_use_id: null,
    session_id: "s1",
  });
  const later = new TurnFacts();
  later.result = result({ subtype: "error_during_execution", errors: ["boom"] });
  const kind = (turn: TurnFacts) =>
    classifyRun({ turn, process: processFacts, status: undefined, stderrTail: undefined })?.kind;
  first.result = later.result;
  assertEquals([kind(first), kind(later)], ["aborted", "api_error"]);
});
