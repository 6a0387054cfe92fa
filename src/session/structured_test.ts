import { deepStrictEqual as assertEquals, ok, strictEqual } from "node:assert";
// Test-only: "zod" comes from tests/imports.json (deno task test|check), not deno.json.
import { z } from "zod";
import { ClawError } from "../errors/claw_error.ts";
import type { ResultEvent } from "../protocol/events.ts";
import { structuredOutputOf } from "./structured.ts";
import { run } from "./run.ts";
import { cassetteSpawner } from "../cassette/cassette_spawner.ts";
import { captureClawError } from "../errors/_capture.ts";

/** The `result` event of a cassette recorded from the real CLI. */
async function recordedResult(version: string, scenario: string): Promise<ResultEvent> {
  const url = new URL(`../../fixtures/cassettes/${version}/${scenario}.ndjson`, import.meta.url);
  const lines = (await Deno.readTextFile(url)).split("\n").filter((line) => line.trim() !== "");
  for (const line of lines.slice(1)) {
    const record: unknown = JSON.parse(line);
    if (typeof record !== "object" || record === null || !("stdout" in record)) continue;
    const event = record.stdout;
    if (typeof event === "object" && event !== null && "type" in event && event.type === "result") {
      return event as ResultEvent;
    }
  }
  throw new Error(`No result event in the ${version} cassette "${scenario}"`);
}

/** The same JSON Schema the cassettes were recorded with (`--json-schema`). */
const ANSWER_SCHEMA = {
  type: "object",
  properties: { answer: { type: "string" } },
  required: ["answer"],
  additionalProperties: false,
};

async function structuredError(
  result: ResultEvent,
  schema: Parameters<typeof structuredOutputOf>[1],
): Promise<ClawError> {
  try {
    await structuredOutputOf(result, schema);
  } catch (error) {
    ok(error instanceof ClawError, `expected a ClawError, got ${error}`);
    strictEqual(error.kind, "structured_output");
    strictEqual(error.result, result);
    return error;
  }
  throw new Error("structuredOutputOf did not throw");
}

for (const version of ["2.1.332", "2.0.76"]) {
  Deno.test(`structuredOutputOf returns the recorded structured output as is with a JSON Schema (${version})`, async () => {
    const result = await recordedResult(version, "structured_valid");
    assertEquals(await structuredOutputOf(result, ANSWER_SCHEMA), { answer: "42" });
    assertEquals(await structuredOutputOf(result, undefined), { answer: "42" });
  });

  Deno.test(`structuredOutputOf validates the recorded output with a zod schema (${version})`, async () => {
    const result = await recordedResult(version, "structured_valid");
    const answer: { answer: number } = await structuredOutputOf(
      result,
      z.object({ answer: z.string().transform(Number) }),
    );
    assertEquals(answer, { answer: 42 });
  });

  Deno.test(`structuredOutputOf lists the issues when the output does not match a zod schema (${version})`, async () => {
    const result = await recordedResult(version, "structured_valid");
    const error = await structuredError(
      result,
      z.object({ answer: z.number(), reason: z.string() }),
    );
    strictEqual(
      error.message,
      "The structured output does not match the schema: answer: Invalid input: expected number, received string; reason: Invalid input: expected string, received undefined",
    );
  });

  Deno.test(`structuredOutputOf reports the CLI's own words when it gave up on the schema (${version})`, async () => {
    const result = await recordedResult(version, "structured_invalid");
    const error = await structuredError(result, ANSWER_SCHEMA);
    strictEqual(
      error.message,
      `The model did not produce output matching the JSON schema: ${result.errors?.join("; ")}`,
    );
  });

  Deno.test(`structuredOutputOf says a recorded success without structured_output was given a schema the model never used (${version}, synthetic)`, async () => {
    // Synthetic: the recorded valid result with its structured_output deleted.
    const result = { ...await recordedResult(version, "structured_valid") };
    delete result.structured_output;
    const error = await structuredError(result, ANSWER_SCHEMA);
    ok(error.message.startsWith("The result has no structured_output: Claude Code ended the turn"));
  });
}

Deno.test("structuredOutputOf says when the model ended without structured output (2.1.332)", async () => {
  const result = await recordedResult("2.1.332", "structured_never");
  strictEqual(result.subtype, "success");
  const error = await structuredError(result, ANSWER_SCHEMA);
  strictEqual(
    error.message,
    'The result has no structured_output: Claude Code ended the turn without calling its StructuredOutput tool (its text: "No structured output here.")',
  );
});

Deno.test("structuredOutputOf says to pass jsonSchema when the run had none (2.1.332)", async () => {
  const result = await recordedResult("2.1.332", "structured_never");
  const error = await structuredError(result, undefined);
  strictEqual(
    error.message,
    "The result has no structured_output: the run was not given a JSON schema",
  );
  ok(error.hint.includes("jsonSchema"));
});

Deno.test("structuredOutputOf refuses a failed turn: 2.0.76 ran out of turns instead", async () => {
  const result = await recordedResult("2.0.76", "structured_never");
  strictEqual(result.subtype, "error_max_turns");
  const error = await structuredError(result, z.object({ answer: z.string() }));
  strictEqual(
    error.message,
    'The turn failed (result subtype "error_max_turns") before producing structured output',
  );
});

Deno.test("structuredOutputOf refuses a recorded success marked is_error (synthetic)", async () => {
  // Synthetic: the recorded valid result flagged as an error, as API failures are.
  const result = { ...await recordedResult("2.1.332", "structured_valid"), is_error: true };
  const error = await structuredError(result, ANSWER_SCHEMA);
  strictEqual(
    error.message,
    'The turn failed (result subtype "success") before producing structured output: {"answer":"42"}',
  );
});

Deno.test("with jsonSchema, a run that ends success without a structured value fails result(), text() and structured() with kind structured_output (2.1.332)", async () => {
  const dir = new URL("../../fixtures/cassettes/2.1.332", import.meta.url).pathname;
  const options = {
    spawner: cassetteSpawner({ dir, mode: "replay" }),
    jsonSchema: ANSWER_SCHEMA,
    maxTurns: 4,
  };
  const prompt = "Answer in JSON, never"; // the recorded prompt
  for (const read of ["result", "text", "structured"] as const) {
    const error = await captureClawError(run(prompt, options)[read]());
    strictEqual(error.kind, "structured_output", `${read}() fails`);
    strictEqual(
      (error.result as ResultEvent | undefined)?.subtype,
      "success",
      `${read}() keeps it`,
    );
  }
});
