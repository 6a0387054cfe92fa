/**
 * Schemas from any validation library, through the vendor-neutral interfaces of
 * [Standard Schema](https://standardschema.dev): Standard Schema V1 to validate a value, Standard
 * JSON Schema V1 to describe a schema as JSON Schema. The interfaces are written out here, so claw
 * depends on no schema library.
 *
 * @module
 */
import { messageOf } from "../errors/message_of.ts";

/** One segment of an issue's path, in the object form the spec allows besides a bare key. */
export interface StandardPathSegment {
  /** The key of the segment. */
  readonly key: PropertyKey;
}

/** One problem a Standard Schema found in a value. */
export interface StandardIssue {
  /** What is wrong, in the library's words. */
  readonly message: string;
  /** Where in the value it is wrong; absent or empty for the value itself. */
  readonly path?: ReadonlyArray<PropertyKey | StandardPathSegment> | undefined;
}

/** A value that passed validation: the schema's output. */
export interface StandardSuccessResult<Output> {
  /** The validated (possibly transformed) value. */
  readonly value: Output;
  /** Always absent on success. */
  readonly issues?: undefined;
}

/** A value that failed validation. */
export interface StandardFailureResult {
  /** Every problem found. */
  readonly issues: ReadonlyArray<StandardIssue>;
}

/** What a Standard Schema's `validate` returns. */
export type StandardResult<Output> = StandardSuccessResult<Output> | StandardFailureResult;

/** The static input and output types a Standard Schema carries for inference. */
export interface StandardTypes<Input, Output> {
  /** The type the schema accepts. */
  readonly input: Input;
  /** The type validation produces. */
  readonly output: Output;
}

/** The JSON Schema dialects a Standard JSON Schema converter may be asked for. */
export type StandardJsonSchemaTarget =
  | "draft-2020-12"
  | "draft-07"
  | "openapi-3.0"
  // deno-lint-ignore ban-types
  | (string & {});

/** What a Standard JSON Schema converter is called with. */
export interface StandardJsonSchemaOptions {
  /** The JSON Schema dialect to produce. */
  readonly target: StandardJsonSchemaTarget;
  /** Options of the library itself. */
  readonly libraryOptions?: Record<string, unknown> | undefined;
}

/** The `~standard.jsonSchema` of a Standard JSON Schema: the schema as JSON Schema, both sides. */
export interface StandardJsonSchemaConverter {
  /** The JSON Schema of what the schema accepts. */
  readonly input: (options: StandardJsonSchemaOptions) => Record<string, unknown>;
  /** The JSON Schema of what the schema produces. */
  readonly output: (options: StandardJsonSchemaOptions) => Record<string, unknown>;
}

/** The `~standard` property of a {@linkcode StandardSchemaV1}. */
export interface StandardSchemaV1Props<Input = unknown, Output = Input> {
  /** The version of the Standard Schema spec: 1. */
  readonly version: 1;
  /** The library the schema comes from (`"zod"`, `"valibot"`, `"arktype"`, …). */
  readonly vendor: string;
  /** Checks `value`, synchronously or not. */
  readonly validate: (value: unknown) => StandardResult<Output> | Promise<StandardResult<Output>>;
  /** Types for inference only; never set at runtime. */
  readonly types?: StandardTypes<Input, Output> | undefined;
  /** Present when the schema also implements Standard JSON Schema V1. */
  readonly jsonSchema?: StandardJsonSchemaConverter | undefined;
}

/**
 * A schema of any library that implements Standard Schema V1 (zod 3.24+, valibot 1, arktype 2,
 * …): it validates a value and says what is wrong.
 *
 * @example A hand-written Standard Schema
 * ```ts
 * import { ok } from "node:assert";
 * import { isStandardSchema, type StandardSchemaV1 } from "./standard_schema.ts";
 *
 * const positive: StandardSchemaV1<number> = {
 *   "~standard": {
 *     version: 1,
 *     vendor: "example",
 *     validate: (value) =>
 *       typeof value === "number" && value > 0 ? { value } : { issues: [{ message: "Expected a positive number" }] },
 *   },
 * };
 * ok(isStandardSchema(positive));
 * ```
 */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  /** The Standard Schema interface. */
  readonly "~standard": StandardSchemaV1Props<Input, Output>;
}

/** The output type of a Standard Schema. */
export type StandardOutput<Schema extends StandardSchemaV1> = NonNullable<
  Schema["~standard"]["types"]
>["output"];

/**
 * Whether `value` is a Standard Schema V1: an object (or a function, as arktype's types are) whose
 * `~standard` has `version: 1` and a `validate` function.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { isStandardSchema } from "./standard_schema.ts";
 *
 * ok(!isStandardSchema({ type: "object" }));
 * ok(isStandardSchema({ "~standard": { version: 1, vendor: "x", validate: (value: unknown) => ({ value }) } }));
 * ```
 */
export function isStandardSchema(value: unknown): value is StandardSchemaV1 {
  const props = standardProps(value);
  return props !== undefined && props["version"] === 1 && typeof props["validate"] === "function";
}

/**
 * The JSON Schema of `schema`. A plain JSON Schema object is returned as it is. A Standard Schema
 * is asked through Standard JSON Schema for the JSON Schema of its input side (what a model must
 * write; validation then turns it into the output), in draft 2020-12 or else draft-07, without
 * the top-level `$schema` key (neither `--json-schema` nor an MCP `inputSchema` needs it).
 *
 * `what` names the schema in errors (`"jsonSchema option"`).
 *
 * @throws {TypeError} When `schema` is neither, or is a Standard Schema that cannot describe
 * itself as JSON Schema.
 *
 * @example A plain JSON Schema passes through
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { toJsonSchema } from "./standard_schema.ts";
 *
 * const schema = { type: "object", properties: { answer: { type: "string" } } };
 * strictEqual(toJsonSchema(schema, "jsonSchema option"), schema);
 * ```
 *
 * @example A Standard JSON Schema describes itself
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { toJsonSchema } from "./standard_schema.ts";
 *
 * const schema = {
 *   "~standard": {
 *     version: 1 as const,
 *     vendor: "example",
 *     validate: (value: unknown) => ({ value }),
 *     jsonSchema: {
 *       input: () => ({ $schema: "https://json-schema.org/draft/2020-12/schema", type: "string" }),
 *       output: () => ({ $schema: "https://json-schema.org/draft/2020-12/schema", type: "string" }),
 *     },
 *   },
 * };
 * deepStrictEqual(toJsonSchema(schema, "jsonSchema option"), { type: "string" });
 * ```
 */
export function toJsonSchema(
  schema: Record<string, unknown> | StandardSchemaV1,
  what: string,
): Record<string, unknown> {
  const props = standardProps(schema);
  if (props === undefined) {
    if (!isPlainObject(schema)) {
      throw new TypeError(
        `The ${what} is ${describe(schema)}: pass a JSON Schema object or a Standard Schema`,
      );
    }
    return schema;
  }
  const vendor = typeof props["vendor"] === "string" ? props["vendor"] : "an unnamed library";
  const converter = props["jsonSchema"];
  const input = isPlainObject(converter) ? converter["input"] : undefined;
  if (typeof input !== "function") {
    throw new TypeError(
      `The ${what} is a Standard Schema from "${vendor}" that cannot describe itself as JSON Schema: pass a JSON Schema object, or a schema library that implements Standard JSON Schema (zod 4.2 or later)`,
    );
  }
  let converted: unknown;
  try {
    converted = input.call(converter, { target: "draft-2020-12" });
  } catch {
    try {
      converted = input.call(converter, { target: "draft-07" });
    } catch (error) {
      throw new TypeError(
        `The ${what}, a Standard Schema from "${vendor}", cannot be converted to JSON Schema: ${
          messageOf(error)
        }: leave out what JSON Schema cannot express (transforms, custom checks) or pass a JSON Schema object`,
        { cause: error },
      );
    }
  }
  if (!isPlainObject(converted)) {
    throw new TypeError(
      `The ${what}, a Standard Schema from "${vendor}", gave ${
        describe(converted)
      } as its JSON Schema: pass a JSON Schema object instead`,
    );
  }
  const { $schema: _dialect, ...jsonSchema } = converted;
  return jsonSchema;
}

/** What {@linkcode validateStandard} found: the validated value, or the issues as text. */
export type StandardValidation<T> =
  | { ok: true; value: T }
  | { ok: false; issues: string[] };

/**
 * Validates `value` with a Standard Schema, formatting each issue as `path.to.field: message`
 * (just the message for an issue about the value itself).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { type StandardSchemaV1, validateStandard } from "./standard_schema.ts";
 *
 * const answer: StandardSchemaV1<{ answer: string }> = {
 *   "~standard": {
 *     version: 1,
 *     vendor: "example",
 *     validate: (value) =>
 *       typeof (value as { answer?: unknown }).answer === "string"
 *         ? { value: value as { answer: string } }
 *         : { issues: [{ message: "Expected a string", path: [{ key: "answer" }] }] },
 *   },
 * };
 * deepStrictEqual(await validateStandard(answer, { answer: "42" }), { ok: true, value: { answer: "42" } });
 * deepStrictEqual(await validateStandard(answer, { answer: 42 }), { ok: false, issues: ["answer: Expected a string"] });
 * ```
 */
export async function validateStandard<T>(
  schema: StandardSchemaV1<unknown, T>,
  value: unknown,
): Promise<StandardValidation<T>> {
  const result = await schema["~standard"].validate(value);
  if (result.issues === undefined) return { ok: true, value: result.value };
  return { ok: false, issues: result.issues.map(formatIssue) };
}

function formatIssue(issue: StandardIssue): string {
  const path = (issue.path ?? []).map((segment) =>
    String(typeof segment === "object" ? segment.key : segment)
  );
  return path.length === 0 ? issue.message : `${path.join(".")}: ${issue.message}`;
}

function standardProps(value: unknown): Record<string, unknown> | undefined {
  if ((typeof value !== "object" || value === null) && typeof value !== "function") {
    return undefined;
  }
  const props: unknown = (value as Record<string, unknown>)["~standard"];
  return isPlainObject(props) ? props : undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return `a ${typeof value}`;
}
