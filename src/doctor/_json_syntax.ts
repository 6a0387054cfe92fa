/**
 * Where a JSON text stops being JSON, as a line and column, without quoting the text: V8's own
 * `JSON.parse` messages quote a slice of the input ("Unexpected token 'x', "{"key": "sk-…" is
 * not valid JSON"), which could print a secret.
 *
 * @module
 */

/** The first syntax error in a JSON text. */
export interface JsonSyntaxError {
  /** 1-based line. */
  line: number;
  /** 1-based column, in UTF-16 code units. */
  column: number;
  /** What was wrong there, lower case, never quoting the text. */
  reason: string;
}

class Stop {
  constructor(readonly at: number, readonly reason: string) {}
}

const WHITESPACE = new Set([" ", "\t", "\n", "\r"]);
const ESCAPES = new Set(['"', "\\", "/", "b", "f", "n", "r", "t"]);

/**
 * The first syntax error in `text` (RFC 8259 JSON), or `undefined` when it is valid.
 *
 * @example A trailing comma
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { findJsonSyntaxError } from "./_json_syntax.ts";
 *
 * deepStrictEqual(findJsonSyntaxError('{\n  "a": 1,\n}'), {
 *   line: 3,
 *   column: 1,
 *   reason: 'expected a double-quoted property name (a trailing comma before "}"?)',
 * });
 * deepStrictEqual(findJsonSyntaxError('{"a": [1, 2]}'), undefined);
 * ```
 */
export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  let i = 0;
  const stop = (reason: string, at = i): never => {
    throw new Stop(at, reason);
  };
  const skipWhitespace = () => {
    while (i < text.length && WHITESPACE.has(text[i]!)) i++;
  };
  const end = () => i >= text.length;
  const string = () => {
    i++; // the opening quote
    while (true) {
      if (end()) stop("unterminated string");
      const char = text.charCodeAt(i);
      if (char === 0x22) {
        i++;
        return;
      }
      if (char < 0x20) stop("control character in a string (escape it)");
      if (char === 0x5c) {
        const escape = text[i + 1];
        if (escape === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
            stop("bad \\u escape in a string");
          }
          i += 6;
        } else if (escape !== undefined && ESCAPES.has(escape)) i += 2;
        else stop("bad escape in a string");
      } else i++;
    }
  };
  const number = () => {
    const match = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!match || match[0] === "-") stop("bad number");
    i += match![0].length;
    if (/^[\d.eE+-]/.test(text[i] ?? "")) stop("bad number");
  };
  const value = (depth: number): void => {
    if (depth > 1000) stop("nested more than 1000 levels deep");
    skipWhitespace();
    if (end()) stop("unexpected end of file: expected a value");
    const char = text[i]!;
    if (char === "{") object(depth);
    else if (char === "[") array(depth);
    else if (char === '"') string();
    else if (char === "-" || (char >= "0" && char <= "9")) number();
    else {
      const word = ["true", "false", "null"].find((w) => text.startsWith(w, i));
      if (!word) stop("expected a value");
      i += word!.length;
    }
  };
  const object = (depth: number) => {
    i++;
    skipWhitespace();
    if (text[i] === "}") {
      i++;
      return;
    }
    let afterComma = false;
    while (true) {
      skipWhitespace();
      if (end()) stop("unexpected end of file: expected a property name");
      if (text[i] !== '"') {
        stop(
          afterComma && text[i] === "}"
            ? 'expected a double-quoted property name (a trailing comma before "}"?)'
            : "expected a double-quoted property name",
        );
      }
      string();
      skipWhitespace();
      if (text[i] !== ":") stop(end() ? 'unexpected end of file: expected ":"' : 'expected ":"');
      i++;
      value(depth + 1);
      skipWhitespace();
      if (text[i] === ",") {
        i++;
        afterComma = true;
        continue;
      }
      if (text[i] === "}") {
        i++;
        return;
      }
      stop(end() ? 'unexpected end of file: expected "}"' : 'expected "," or "}"');
    }
  };
  const array = (depth: number) => {
    i++;
    skipWhitespace();
    if (text[i] === "]") {
      i++;
      return;
    }
    while (true) {
      skipWhitespace();
      if (text[i] === "]") stop('expected a value (a trailing comma before "]"?)');
      value(depth + 1);
      skipWhitespace();
      if (text[i] === ",") {
        i++;
        continue;
      }
      if (text[i] === "]") {
        i++;
        return;
      }
      stop(end() ? 'unexpected end of file: expected "]"' : 'expected "," or "]"');
    }
  };
  try {
    value(0);
    skipWhitespace();
    if (!end()) stop("unexpected text after the JSON value");
    return undefined;
  } catch (error) {
    if (!(error instanceof Stop)) throw error;
    return { ...lineAndColumn(text, error.at), reason: error.reason };
  }
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let at = text.indexOf("\n"); at !== -1 && at < offset; at = text.indexOf("\n", at + 1)) {
    line++;
    lineStart = at + 1;
  }
  return { line, column: offset - lineStart + 1 };
}
