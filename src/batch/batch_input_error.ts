/**
 * The error `claw batch` throws for input it cannot use: a jobs or results file with bad lines,
 * or a bad shard.
 *
 * @module
 */
import { ClawError } from "../errors/claw_error.ts";

/** What a {@linkcode BatchInputError} is about. */
export interface BatchInputErrorDetails {
  /** The file with the problem, when there is one. */
  path?: string | undefined;
  /** The 1-based line of the problem, when there is exactly one. */
  line?: number | undefined;
  /** Every problem listed, each as `FILE:LINE: problem` (default: just the message). */
  problems?: readonly string[] | undefined;
  /** What to do about it (default: fix the input, then rerun). */
  hint?: string | undefined;
  /** The underlying error. */
  cause?: unknown;
}

/**
 * Input `claw batch` refused (kind `usage`, so the CLI exits 2): a jobs file line that is not a
 * valid job, duplicate ids, a malformed results file, a bad `--shard`. The message says where
 * (`jobs.jsonl:12: duplicate id "a" (first on line 3)`) and `problems` lists every problem found.
 *
 * @example Branch on the class, read where the problem is
 * ```ts
 * import { ok, strictEqual } from "node:assert";
 * import { ClawError } from "../errors/claw_error.ts";
 * import { BatchInputError } from "./batch_input_error.ts";
 *
 * const error = new BatchInputError('jobs.jsonl:3: missing prompt', { path: "jobs.jsonl", line: 3 });
 * ok(error instanceof ClawError);
 * strictEqual(error.kind, "usage");
 * strictEqual(error.line, 3);
 * strictEqual(error.problems.length, 1);
 * ```
 */
export class BatchInputError extends ClawError {
  /** The file with the problem, when there is one. */
  readonly path: string | undefined;
  /** The 1-based line of the problem, when there is exactly one. */
  readonly line: number | undefined;
  /** Every problem listed in the message, each as `FILE:LINE: problem`. */
  readonly problems: readonly string[];

  /** Input refused for the reason in `message`. */
  constructor(message: string, details: BatchInputErrorDetails = {}) {
    super("usage", message, {
      hint: details.hint ?? "Fix the batch input, then rerun: nothing was started",
      cause: details.cause,
    });
    this.name = "BatchInputError";
    this.path = details.path;
    this.line = details.line;
    this.problems = details.problems ?? [message];
  }
}
