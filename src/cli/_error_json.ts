/**
 * How the CLI reports a failure: one {@linkcode ErrorReport} for every command and every error, so
 * the text line on stderr (`error[kind]: message`, then `hint: …`) and the JSON object on stdout
 * (with `--json`, or `claw run --output json`) always agree.
 */
import { ClawError } from "../errors/claw_error.ts";
import { ioHint, isIoError } from "../errors/io.ts";
import { hintFor } from "../errors/kinds.ts";
import { UsageError } from "./_args.ts";

/**
 * A failure as `--json` prints it, on one line of stdout. The shape is stable: every field is
 * always there, `null` when it is not known.
 *
 * `kind` is an `ErrorKind` (see `src/errors/kinds.ts`; `usage` when claw refused the command line
 * before starting anything, exit 2), or one of two kinds of the CLI's own, exit 1: `io` (a file or
 * folder could not be read or written after the command had started) and `internal` (an error
 * claw did not expect: a bug).
 */
export interface ErrorReport {
  /** What failed. */
  error: {
    /** The stable kind to branch on. */
    kind: string;
    /** What failed, in one line. */
    message: string;
    /** What to do about it. */
    hint: string;
    /** The Anthropic request id of the failing API request, when known. */
    request_id: string | null;
    /** The session id, when the run got that far. */
    session_id: string | null;
    /** The CLI's exit code, when it exited. */
    exit_code: number | null;
    /** The signal that ended the CLI, when one did. */
    signal: string | null;
    /** The last few KB of the CLI's stderr, when there was a CLI. */
    stderr_tail: string | null;
  };
}

const INTERNAL_HINT =
  "claw did not expect this error: please report it with the command that caused it";

/**
 * The report of `error`, whatever was thrown: a `ClawError` keeps its kind, hint and details; a
 * `UsageError` is kind `usage` (its hint names `claw <command> --help` when `command` is given);
 * a file system error (a full disk and a name too long included), or an error caused by one, is
 * `io`; anything else is `internal`.
 *
 * @example A refused option and a failed run
 * ```ts
 * import { deepStrictEqual, strictEqual } from "node:assert";
 * import { ClawError } from "../errors/claw_error.ts";
 * import { UsageError } from "./_args.ts";
 * import { errorReport } from "./_error_json.ts";
 *
 * const usage = errorReport(new UsageError('Invalid --port "x"'), "fake-api").error;
 * deepStrictEqual([usage.kind, usage.hint], [
 *   "usage",
 *   "Fix the option: nothing was started (claw fake-api --help lists the options)",
 * ]);
 * const failed = errorReport(new ClawError("auth", "Invalid API key", { exitCode: 1 })).error;
 * deepStrictEqual([failed.kind, failed.exit_code, failed.request_id], ["auth", 1, null]);
 * strictEqual(errorReport(new Deno.errors.NotFound("gone")).error.kind, "io");
 * ```
 */
export function errorReport(error: unknown, command?: string): ErrorReport {
  if (error instanceof ClawError) {
    return report(error.kind, error.message, error.hint, {
      request_id: error.requestId ?? null,
      session_id: error.sessionId ?? null,
      exit_code: error.exitCode ?? null,
      signal: error.signal ?? null,
      stderr_tail: error.stderrTail ?? null,
    });
  }
  if (error instanceof UsageError) {
    const help = command === undefined ? "" : ` (claw ${command} --help lists the options)`;
    return report("usage", error.message, `${hintFor("usage")}${help}`);
  }
  if (isIoError(error)) return report("io", (error as Error).message, ioHint(error));
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return report("internal", message, INTERNAL_HINT);
}

/**
 * {@linkcode errorReport} as the one line of JSON that `--json` prints (without the newline).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { ClawError } from "../errors/claw_error.ts";
 * import { errorJson } from "./_error_json.ts";
 *
 * const line = errorJson(new ClawError("rate_limit", "Too many requests"));
 * strictEqual(JSON.parse(line).error.kind, "rate_limit");
 * strictEqual(line.includes("\n"), false);
 * ```
 */
export function errorJson(error: unknown, command?: string): string {
  return JSON.stringify(errorReport(error, command));
}

function report(
  kind: string,
  message: string,
  hint: string,
  details: Partial<Omit<ErrorReport["error"], "kind" | "message" | "hint">> = {},
): ErrorReport {
  return {
    error: {
      kind,
      message,
      hint,
      request_id: details.request_id ?? null,
      session_id: details.session_id ?? null,
      exit_code: details.exit_code ?? null,
      signal: details.signal ?? null,
      stderr_tail: details.stderr_tail ?? null,
    },
  };
}
