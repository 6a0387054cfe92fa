import { deepStrictEqual as assertEquals, ok, rejects, strictEqual, throws } from "node:assert";
// Test-only: "zod" comes from tests/imports.json (deno task test|check), not deno.json.
import { z } from "zod";
import {
  isStandardSchema,
  type StandardJsonSchemaOptions,
  type StandardSchemaV1,
  toJsonSchema,
  validateStandard,
} from "./standard_schema.ts";

/** A Standard Schema without Standard JSON Schema, as valibot's schemas are. */
function validateOnly(vendor: string): StandardSchemaV1<string> {
  return {
    "~standard": {
      version: 1,
      vendor,
      validate: (value) =>
        typeof value === "string" ? { value } : { issues: [{ message: "Expected a string" }] },
    },
  };
}

function withConverter(
  input: (options: StandardJsonSchemaOptions) => Record<string, unknown>,
): StandardSchemaV1 {
  return {
    "~standard": {
      version: 1,
      vendor: "example",
      validate: (value) => ({ value }),
      jsonSchema: { input, output: input },
    },
  };
}

Deno.test("isStandardSchema tells Standard Schemas from JSON Schemas and other values", () => {
  ok(isStandardSchema(z.object({ answer: z.string() })));
  ok(isStandardSchema(validateOnly("valibot")));
  const callable = Object.assign(() => {}, { "~standard": validateOnly("arktype")["~standard"] });
  ok(isStandardSchema(callable), "a callable schema (arktype's types are functions)");
  ok(!isStandardSchema({ type: "object" }));
  ok(!isStandardSchema({ "~standard": { version: 2, vendor: "x", validate: () => ({}) } }));
  ok(!isStandardSchema({ "~standard": { version: 1, vendor: "x" } }));
  ok(!isStandardSchema(null));
  ok(!isStandardSchema("schema"));
});

Deno.test("toJsonSchema returns a plain JSON Schema object itself", () => {
  const schema = { type: "object", properties: { answer: { type: "string" } } };
  strictEqual(toJsonSchema(schema, "jsonSchema option"), schema);
});

Deno.test("toJsonSchema turns a zod schema into draft 2020-12 JSON Schema without $schema", () => {
  const schema = z.object({ answer: z.string(), tags: z.array(z.string()).optional() });
  assertEquals(toJsonSchema(schema, "jsonSchema option"), {
    type: "object",
    properties: { answer: { type: "string" }, tags: { type: "array", items: { type: "string" } } },
    required: ["answer"],
  });
});

Deno.test("toJsonSchema describes what the model writes: a default is optional, a transform's input", () => {
  const schema = z.object({
    count: z.number().default(1),
    word: z.string().transform((word) => word.length),
  });
  assertEquals(toJsonSchema(schema, "jsonSchema option"), {
    type: "object",
    properties: { count: { type: "number", default: 1 }, word: { type: "string" } },
    required: ["word"],
  });
});

Deno.test("toJsonSchema falls back to draft-07 when the library refuses draft 2020-12", () => {
  const targets: string[] = [];
  const schema = withConverter(({ target }) => {
    targets.push(target);
    if (target !== "draft-07") throw new Error(`Unsupported target "${target}"`);
    return { $schema: "http://json-schema.org/draft-07/schema#", type: "string" };
  });
  assertEquals(toJsonSchema(schema, "jsonSchema option"), { type: "string" });
  assertEquals(targets, ["draft-2020-12", "draft-07"]);
});

Deno.test("toJsonSchema names the vendor when a Standard Schema cannot describe itself", () => {
  throws(() => toJsonSchema(validateOnly("valibot"), "jsonSchema option"), {
    name: "TypeError",
    message:
      'The jsonSchema option is a Standard Schema from "valibot" that cannot describe itself as JSON Schema: pass a JSON Schema object, or a schema library that implements Standard JSON Schema (zod 4.2 or later)',
  });
});

Deno.test("toJsonSchema keeps the library's error as the cause when no draft converts", () => {
  const refusal = new Error("Custom checks cannot be represented in JSON Schema");
  const schema = withConverter(() => {
    throw refusal;
  });
  throws(() => toJsonSchema(schema, "jsonSchema option"), (error: unknown) => {
    ok(error instanceof TypeError);
    strictEqual(error.cause, refusal);
    strictEqual(
      error.message,
      'The jsonSchema option, a Standard Schema from "example", cannot be converted to JSON Schema: Custom checks cannot be represented in JSON Schema: leave out what JSON Schema cannot express (transforms, custom checks) or pass a JSON Schema object',
    );
    return true;
  });
});

Deno.test("toJsonSchema refuses values that are no schema at all", () => {
  throws(() => toJsonSchema(["string"] as unknown as Record<string, unknown>, "input schema"), {
    name: "TypeError",
    message: "The input schema is an array: pass a JSON Schema object or a Standard Schema",
  });
  throws(() => toJsonSchema(withConverter(() => [] as never), "input schema"), {
    name: "TypeError",
    message:
      'The input schema, a Standard Schema from "example", gave an array as its JSON Schema: pass a JSON Schema object instead',
  });
});

Deno.test("validateStandard returns a zod schema's output, defaults and transforms applied", async () => {
  const schema = z.object({ word: z.string().transform((word) => word.length), n: z.number() })
    .extend({ flag: z.boolean().default(false) });
  assertEquals(await validateStandard(schema, { word: "four", n: 1 }), {
    ok: true,
    value: { word: 4, n: 1, flag: false },
  });
});

Deno.test("validateStandard formats zod issues as path: message", async () => {
  const schema = z.object({ answer: z.string(), nested: z.object({ items: z.array(z.number()) }) });
  assertEquals(await validateStandard(schema, { answer: 42, nested: { items: [1, "two"] } }), {
    ok: false,
    issues: [
      "answer: Invalid input: expected string, received number",
      "nested.items.1: Invalid input: expected number, received string",
    ],
  });
  assertEquals(await validateStandard(z.string(), 1), {
    ok: false,
    issues: ["Invalid input: expected string, received number"],
  });
});

Deno.test("validateStandard reads path segments given as { key } objects and awaits async validation", async () => {
  const schema: StandardSchemaV1 = {
    "~standard": {
      version: 1,
      vendor: "example",
      validate: () =>
        Promise.resolve({
          issues: [{ message: "Too long", path: [{ key: "list" }, 3, Symbol.for("s")] }],
        }),
    },
  };
  assertEquals(await validateStandard(schema, {}), {
    ok: false,
    issues: ["list.3.Symbol(s): Too long"],
  });
});

Deno.test("validateStandard lets a schema's own exception through", async () => {
  const broken: StandardSchemaV1 = {
    "~standard": {
      version: 1,
      vendor: "example",
      validate: () => {
        throw new RangeError("Broken schema");
      },
    },
  };
  await rejects(validateStandard(broken, {}), { name: "RangeError", message: "Broken schema" });
});
