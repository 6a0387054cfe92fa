/**
 * The errors claw throws: {@linkcode ClawError} with a stable {@linkcode ErrorKind}, and the
 * subclasses for conditions callers catch by class.
 *
 * @module
 */
import { type ErrorKind, hintFor } from "./kinds.ts";

/** What is known about the failed run, carried on a {@linkcode ClawError}. */
export interface ClawErrorDetails {
  /** A recovery hint; defaults to the kind's standard hint. */
  hint?: string;
  /** The Anthropic request id (`req_…`) of the failing API request, when known. */
  requestId?: string;
  /** The session id from `system/init`, when the run got that far. */
  sessionId?: string;
  /** The last few KB of the CLI's stderr. */
  stderrTail?: string;
  /** The CLI's exit code, when it exited. */
  exitCode?: number;
  /** The signal that ended the CLI, when one did. */
  signal?: string;
  /** The last `result` event of the run, when there was one. */
  result?: unknown;
  /** The `error` field of the last synthetic assistant message (`rate_limit`, `authentication_failed`, …). */
  assistantError?: string;
  /** The underlying error. */
  cause?: unknown;
}

/**
 * A run failure with a stable `kind`, the identifiers needed to report it, and a hint.
 *
 * @example Catch and branch on the kind
 * ```ts
 * import { ok as assert } from "node:assert";
 * import { ClawError } from "./claw_error.ts";
 *
 * const error = new ClawError("context_window", "Prompt is too long", { sessionId: "s1" });
 * if (error instanceof ClawError && error.kind === "context_window") {
 *   assert(error.hint.startsWith("Shorten the prompt"));
 * }
 * ```
 */
export class ClawError extends Error {
  /** The stable error kind callers branch on. */
  readonly kind: ErrorKind;
  /** What to do about it. */
  readonly hint: string;
  /** The Anthropic request id, when known. */
  readonly requestId: string | undefined;
  /** The session id, when known. */
  readonly sessionId: string | undefined;
  /** The tail of the CLI's stderr. */
  readonly stderrTail: string | undefined;
  /** The CLI's exit code, when it exited. */
  readonly exitCode: number | undefined;
  /** The signal that ended the CLI, when one did. */
  readonly signal: string | undefined;
  /** The last `result` event, when there was one. */
  readonly result: unknown;
  /** The last assistant `error` category, when there was one. */
  readonly assistantError: string | undefined;

  /** A failure of `kind`; the hint defaults to the kind's own. */
  constructor(kind: ErrorKind, message: string, details: ClawErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = "ClawError";
    this.kind = kind;
    this.hint = details.hint ?? hintFor(kind);
    this.requestId = details.requestId;
    this.sessionId = details.sessionId;
    this.stderrTail = details.stderrTail;
    this.exitCode = details.exitCode;
    this.signal = details.signal;
    this.result = details.result;
    this.assistantError = details.assistantError;
  }

  /**
   * What this error knows about the run, to build an error of another kind that keeps it: every
   * detail but the hint, with `cause` set to this error.
   */
  get details(): ClawErrorDetails {
    const details: ClawErrorDetails = { cause: this };
    if (this.requestId !== undefined) details.requestId = this.requestId;
    if (this.sessionId !== undefined) details.sessionId = this.sessionId;
    if (this.stderrTail !== undefined) details.stderrTail = this.stderrTail;
    if (this.exitCode !== undefined) details.exitCode = this.exitCode;
    if (this.signal !== undefined) details.signal = this.signal;
    if (this.result !== undefined) details.result = this.result;
    if (this.assistantError !== undefined) details.assistantError = this.assistantError;
    return details;
  }

  /** A stable JSON shape for `--json` reports. */
  toJSON(): Record<string, unknown> {
    return {
      kind: this.kind,
      message: this.message,
      hint: this.hint,
      request_id: this.requestId ?? null,
      session_id: this.sessionId ?? null,
      exit_code: this.exitCode ?? null,
      signal: this.signal ?? null,
      stderr_tail: this.stderrTail ?? null,
    };
  }
}

/**
 * Thrown when no `claude` executable can be found.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert";
 * import { ClaudeNotFoundError } from "./claw_error.ts";
 *
 * const error = new ClaudeNotFoundError('Cannot find "claude" on PATH');
 * assert(error.kind === "cli_not_found");
 * ```
 */
export class ClaudeNotFoundError extends ClawError {
  /** Says where claw looked, and with what hint. */
  constructor(message: string, details: ClawErrorDetails = {}) {
    super("cli_not_found", message, details);
    this.name = "ClaudeNotFoundError";
  }
}

/** How {@linkcode InvalidOptionError.describe} names an option: the CLI passes its flag names. */
export type OptionNamer = (option: string) => string;

/**
 * An option or argument claw refused before starting anything (kind `usage`). The message names
 * the library option (`maxTurns`); {@linkcode InvalidOptionError.describe} renders it with other
 * names, so `claw run` can say `--max-turns` from the same check.
 *
 * @example Name the flag instead of the option
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { InvalidOptionError } from "./claw_error.ts";
 *
 * const error = new InvalidOptionError(["maxTurns"], (name) => `Invalid ${name("maxTurns")} "0"`);
 * strictEqual(error.message, 'Invalid maxTurns "0"');
 * strictEqual(error.describe((option) => option === "maxTurns" ? "--max-turns" : option), 'Invalid --max-turns "0"');
 * ```
 */
export class InvalidOptionError extends ClawError {
  /** The options the message is about, by their library names. */
  readonly options: readonly string[];
  readonly #describe: (name: OptionNamer) => string;

  /** `options` the message is about, and how to word it given a way to name them. */
  constructor(options: readonly string[], describe: (name: OptionNamer) => string) {
    super("usage", describe((option) => option));
    this.name = "InvalidOptionError";
    this.options = options;
    this.#describe = describe;
  }

  /** The message, with each option named by `name`. */
  describe(name: OptionNamer): string {
    return this.#describe(name);
  }
}

/**
 * `Invalid <option> "<value>": it must be <requirement>`, an {@linkcode InvalidOptionError} that
 * names the option as the caller does.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { invalidValue } from "./claw_error.ts";
 *
 * const error = invalidValue("maxTurns", 0, "a whole number of at least 1");
 * strictEqual(error.describe(() => "--max-turns"), 'Invalid --max-turns "0": it must be a whole number of at least 1');
 * ```
 */
export function invalidValue(
  option: string,
  value: unknown,
  requirement: string,
): InvalidOptionError {
  return new InvalidOptionError(
    [option],
    (name) => `Invalid ${name(option)} "${value}": it must be ${requirement}`,
  );
}

/**
 * The prefix of the stderr line a fake `claude` (a replay in another process) writes when no
 * cassette matches, as every claw failure is printed: `error[cassette_miss]: <message>`, then
 * `hint: <hint>`. A run reading those lines reports a {@linkcode CassetteMissError} with that
 * message and hint.
 */
export const CASSETTE_MISS_PREFIX = "error[cassette_miss]: ";

/**
 * No cassette matches a run in replay mode (kind `cassette_miss`). The message names the nearest
 * cassette and the first difference.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert";
 * import { CassetteMissError, ClawError } from "./claw_error.ts";
 *
 * const error = new CassetteMissError('No cassette in "cassettes" matches this run');
 * assert(error instanceof ClawError && error.kind === "cassette_miss");
 * ```
 */
export class CassetteMissError extends ClawError {
  /** A miss explained by `message` (the nearest cassette and the difference). */
  constructor(message: string, details: ClawErrorDetails = {}) {
    super("cassette_miss", message, details);
    this.name = "CassetteMissError";
  }
}
