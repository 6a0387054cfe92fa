/**
 * Failures of the file system or the OS, which claw reports as kind `io`: Deno raises most of
 * them as `Deno.errors` classes, but some (a full disk, a name too long) only as a plain `Error`
 * with the errno name in `code` (`ENOSPC`, `ENAMETOOLONG`).
 *
 * @module
 */

const ERRNO_NAME = /^E[A-Z0-9]+$/;

/** Codes of a full disk or an exhausted quota. */
const NO_SPACE = new Set(["ENOSPC", "EDQUOT"]);

/**
 * Whether `error` is a failure of the file system or the OS, or was caused by one (followed
 * through `cause`): one of `Deno.errors`, or an `Error` whose `code` is an errno name.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { isIoError } from "./io.ts";
 *
 * const full = Object.assign(new Error("No space left on device (os error 28)"), { code: "ENOSPC" });
 * strictEqual(isIoError(new Error('Cannot write "out.jsonl"', { cause: full })), true);
 * strictEqual(isIoError(new Deno.errors.NotFound("gone")), true);
 * strictEqual(isIoError(new TypeError("x is undefined")), false);
 * ```
 */
export function isIoError(error: unknown): boolean {
  return errnoOf(error) !== undefined;
}

/**
 * What to do about `error`, a failure {@linkcode isIoError} accepts: free space for a full disk,
 * a shorter name for one too long, otherwise check the path and its permissions.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { ioHint } from "./io.ts";
 *
 * const long = Object.assign(new Error("File name too long (os error 36)"), { code: "ENAMETOOLONG" });
 * strictEqual(ioHint(long), "Use a shorter file name (at most 255 bytes for each part of the path), then rerun");
 * ```
 */
export function ioHint(error: unknown): string {
  const code = errnoOf(error);
  if (code !== undefined && NO_SPACE.has(code)) {
    return "Free some space on that disk, or write somewhere else, then rerun";
  }
  if (code === "ENAMETOOLONG") {
    return "Use a shorter file name (at most 255 bytes for each part of the path), then rerun";
  }
  return "Check that the path exists and that claw may read or write it, then rerun";
}

/**
 * The errno name of the first file system error among `error` and its causes (`""` for one of
 * `Deno.errors` without a code); `undefined` when there is none.
 */
function errnoOf(error: unknown): string | undefined {
  for (let seen = 0; error instanceof Error && seen < 8; seen++) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === "string" && ERRNO_NAME.test(code)) return code;
    if (Object.values(Deno.errors).some((type) => error instanceof type)) return "";
    error = error.cause;
  }
  return undefined;
}
