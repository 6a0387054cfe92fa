/** The words of whatever was thrown. */

/**
 * The message of `error`, or its text when something other than an `Error` was thrown.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { messageOf } from "./message_of.ts";
 *
 * strictEqual(messageOf(new TypeError("bad value")), "bad value");
 * strictEqual(messageOf("a string"), "a string");
 * ```
 */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
