import { deepStrictEqual, ok as assert, strictEqual } from "node:assert";
import { findJsonSyntaxError } from "./_json_syntax.ts";

const VALID = [
  "{}",
  "[]",
  ' { "a" : [ 1, -2.5e+3, 0, true, false, null, "x\\u00e9\\n\\"" ] } ',
  '"just a string"',
  "0",
  "-0.0E-1",
  '{"nested": {"deeper": [[[]]]}}',
];
const INVALID = [
  "",
  "{",
  '{"a": 1,}',
  "[1, 2,]",
  '{"a" 1}',
  "{'a': 1}",
  '{"a": x}',
  '{"a": tru}',
  '{"a": 01}',
  '{"a": 1.}',
  '{"a": -}',
  '{"a": "\\q"}',
  '{"a": "\\u12"}',
  '{"a": "line\nbreak"}',
  '{"a": "unterminated}',
  '{"a": 1} {"b": 2}',
  '{"a": 1, // comment\n}',
  "[1 2]",
  "nope",
];

Deno.test("findJsonSyntaxError agrees with JSON.parse about what is valid", () => {
  for (const text of [...VALID, ...INVALID]) {
    let parses = true;
    try {
      JSON.parse(text);
    } catch {
      parses = false;
    }
    strictEqual(findJsonSyntaxError(text) === undefined, parses, JSON.stringify(text));
  }
});

Deno.test("findJsonSyntaxError points at the line and column of the mistake", () => {
  deepStrictEqual(findJsonSyntaxError('{\n  "a": 1\n  "b": 2\n}'), {
    line: 3,
    column: 3,
    reason: 'expected "," or "}"',
  });
  deepStrictEqual(findJsonSyntaxError("[1, 2,]"), {
    line: 1,
    column: 7,
    reason: 'expected a value (a trailing comma before "]"?)',
  });
  deepStrictEqual(findJsonSyntaxError('{"a": 1'), {
    line: 1,
    column: 8,
    reason: 'unexpected end of file: expected "}"',
  });
});

Deno.test("findJsonSyntaxError never quotes the text it reads", () => {
  const error = findJsonSyntaxError('{"key": "sk-SECRETVALUE", "a": nope}');
  assert(error);
  assert(!error.reason.includes("SECRETVALUE") && !error.reason.includes("nope"), error.reason);
});
