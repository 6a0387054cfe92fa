/**
 * Reading one JSON config file for a check: missing, unreadable, empty, invalid (with line and
 * column, never quoting the text) or parsed.
 *
 * @module
 */
import { findJsonSyntaxError } from "./_json_syntax.ts";
import { messageOf } from "../errors/message_of.ts";

/** What {@linkcode readJsonFile} found. */
export type JsonFileRead =
  | { kind: "missing" }
  | { kind: "unreadable"; reason: string }
  | { kind: "empty" }
  | { kind: "invalid"; line: number; column: number; reason: string }
  | { kind: "parsed"; value: unknown };

/**
 * Reads and parses the JSON file at `path`. A leading byte order mark is skipped (the CLI accepts
 * one); a file of only white space is `empty`.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { readJsonFile } from "./_json_file.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/a.json`, '{"a": 1,}');
 * deepStrictEqual(readJsonFile(`${dir}/a.json`), {
 *   kind: "invalid",
 *   line: 1,
 *   column: 9,
 *   reason: 'expected a double-quoted property name (a trailing comma before "}"?)',
 * });
 * deepStrictEqual(readJsonFile(`${dir}/none.json`), { kind: "missing" });
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export function readJsonFile(path: string): JsonFileRead {
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return { kind: "missing" };
    if (error instanceof Deno.errors.PermissionDenied) {
      return { kind: "unreadable", reason: "permission denied" };
    }
    if (error instanceof Deno.errors.IsADirectory) {
      return { kind: "unreadable", reason: "it is a folder" };
    }
    if (error instanceof Deno.errors.NotCapable) {
      return { kind: "unreadable", reason: "claw was not allowed to read it (--allow-read)" };
    }
    return { kind: "unreadable", reason: messageOf(error) };
  }
  if (text.startsWith("\ufeff")) text = text.slice(1);
  if (text.trim() === "") return { kind: "empty" };
  try {
    return { kind: "parsed", value: JSON.parse(text) };
  } catch {
    const found = findJsonSyntaxError(text);
    return found
      ? { kind: "invalid", ...found }
      : { kind: "invalid", line: 1, column: 1, reason: "not valid JSON" };
  }
}

/**
 * How a check prints an invalid read: `invalid JSON at line 3, column 5: expected ","`.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { describeInvalid } from "./_json_file.ts";
 *
 * strictEqual(
 *   describeInvalid({ line: 3, column: 5, reason: 'expected ","' }),
 *   'invalid JSON at line 3, column 5: expected ","',
 * );
 * ```
 */
export function describeInvalid(read: { line: number; column: number; reason: string }): string {
  return `invalid JSON at line ${read.line}, column ${read.column}: ${read.reason}`;
}

/** Whether `value` is a plain JSON object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * A field path segment: `name` when it is a plain identifier, else a JSON-quoted key in brackets,
 * so a key never breaks the path it is printed in.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { fieldName } from "./_json_file.ts";
 *
 * strictEqual(fieldName("env", "API_KEY"), "env.API_KEY");
 * strictEqual(fieldName("hooks", "my event"), 'hooks["my event"]');
 * ```
 */
export function fieldName(parent: string, key: string): string {
  if (/^[A-Za-z_$][\w$-]*$/.test(key)) return parent ? `${parent}.${key}` : key;
  return `${parent}[${JSON.stringify(key)}]`;
}
