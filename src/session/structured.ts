/**
 * Structured output: what a run (or one turn of a session) given a JSON schema produced, taken
 * from its `result` event and checked.
 *
 * @module
 */
import { ClawError } from "../errors/claw_error.ts";
import type { ResultEvent } from "../protocol/events.ts";
import { isFailedResult, missingStructuredOutput } from "./classify.ts";
import { isStandardSchema, type StandardSchemaV1, validateStandard } from "./standard_schema.ts";

/**
 * The schema of a run's structured output or of an MCP tool's input: a plain JSON Schema object,
 * or a schema of any library that implements Standard Schema and Standard JSON Schema (zod 4.2 or
 * later), whose JSON Schema `toJsonSchema` in `standard_schema.ts` gives.
 */
export type JsonSchemaOption = Record<string, unknown> | StandardSchemaV1;

/**
 * The structured output of a successful `result` event.
 *
 * Claude Code itself makes the model answer through its StructuredOutput tool and validates that
 * answer against the JSON Schema it was given (`--json-schema`), retrying a few times. So with a
 * plain JSON Schema object claw validates nothing more and returns `structured_output` as it is.
 * With a Standard Schema, claw also validates `structured_output` with it and returns the
 * schema's output (defaults and transforms applied).
 *
 * @throws {ClawError} Of kind `structured_output`, with the result in its details: when the CLI
 * gave up after its retries, when the turn failed otherwise, when the result carries no
 * structured output, or when the output does not match the Standard Schema.
 *
 * @example Read the answer of a run given a JSON schema
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import type { ResultEvent } from "../protocol/events.ts";
 * import { structuredOutputOf } from "./structured.ts";
 *
 * const result = {
 *   type: "result",
 *   subtype: "success",
 *   is_error: false,
 *   result: '{"answer":"42"}',
 *   structured_output: { answer: "42" },
 * } as ResultEvent;
 * const schema = { type: "object", properties: { answer: { type: "string" } }, required: ["answer"] };
 * deepStrictEqual(await structuredOutputOf<{ answer: string }>(result, schema), { answer: "42" });
 * ```
 *
 * @example Tell why there is none
 * ```ts
 * import { rejects } from "node:assert";
 * import type { ResultEvent } from "../protocol/events.ts";
 * import { structuredOutputOf } from "./structured.ts";
 *
 * const result = { type: "result", subtype: "success", is_error: false, result: "Hi" } as ResultEvent;
 * await rejects(structuredOutputOf(result, undefined), { kind: "structured_output" });
 * ```
 */
export async function structuredOutputOf<T = unknown>(
  result: ResultEvent,
  schema: JsonSchemaOption | StandardSchemaV1<unknown, T> | undefined,
): Promise<T> {
  const fail = (message: string, hint?: string) =>
    new ClawError("structured_output", message, {
      result,
      ...(hint === undefined ? {} : { hint }),
    });
  if (result.subtype === "error_max_structured_output_retries") {
    throw fail(
      `The model did not produce output matching the JSON schema: ${
        cliWords(result) ?? "Claude Code gave up after its retries"
      }`,
    );
  }
  if (isFailedResult(result)) {
    const words = cliWords(result);
    throw fail(
      `The turn failed (result subtype "${result.subtype}") before producing structured output${
        words === undefined ? "" : `: ${words}`
      }`,
      "Handle the failed result first: its subtype and text say what went wrong",
    );
  }
  if (result.structured_output === undefined) {
    if (schema === undefined) {
      throw fail(
        "The result has no structured_output: the run was not given a JSON schema",
        "Pass the jsonSchema option to make Claude Code answer with structured output",
      );
    }
    throw missingStructuredOutput(result);
  }
  if (schema === undefined || !isStandardSchema(schema)) return result.structured_output as T;
  const checked = await validateStandard<T>(
    schema as StandardSchemaV1<unknown, T>,
    result.structured_output,
  );
  if (!checked.ok) {
    throw fail(`The structured output does not match the schema: ${checked.issues.join("; ")}`);
  }
  return checked.value;
}

/** The CLI's own account of a failed result: its `errors`, else its text. */
function cliWords(result: ResultEvent): string | undefined {
  const errors = (result.errors ?? []).filter((error) => error !== "");
  if (errors.length > 0) return errors.join("; ");
  return typeof result.result === "string" && result.result !== "" ? result.result : undefined;
}
