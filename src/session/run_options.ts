/**
 * The options of a run: the CLI's flags plus how to start and supervise the process, checked once
 * before anything starts.
 *
 * @module
 */
import { InvalidOptionError } from "../errors/claw_error.ts";
import type { EnvOptions } from "../process/env.ts";
import { type CliFlags, validateFlags } from "../process/options.ts";
import type { Spawner } from "../process/spawn.ts";

/** Options for `run()`: the CLI flags plus how to start and supervise the process. */
export interface RunOptions extends CliFlags, EnvOptions {
  /**
   * The `claude` executable. Without a `spawner` it is found on `CLAUDE_CLI_PATH`, `PATH` or the
   * usual install locations when absent; a custom `spawner` gets it as it is (default `claude`).
   */
  cli?: string;
  /** The working directory of the run. */
  cwd?: string;
  /** Aborts the run: the process is shut down and the run fails with kind `aborted`. */
  signal?: AbortSignal;
  /** Fails the run with kind `timeout` after this many milliseconds. */
  timeoutMs?: number;
  /** Fails the run with kind `hang` when the CLI prints nothing for this many milliseconds. */
  idleTimeoutMs?: number;
  /** How long the CLI may take to exit after its `result` before it is shut down. Default 10 s. */
  exitTimeoutMs?: number;
  /** Starts the process; the real one by default. Replay and record plug in here. */
  spawner?: Spawner;
  /** Receives warnings (CLI version outside the tested range, a CLI that would not exit). */
  onWarning?: (message: string) => void;
}

const DURATIONS = ["timeoutMs", "idleTimeoutMs", "exitTimeoutMs"] as const;

/**
 * Checks `options` (the flags and the durations) before anything starts. Throws an
 * {@linkcode InvalidOptionError} (kind `usage`) naming the option.
 *
 * @example
 * ```ts
 * import { throws } from "node:assert";
 * import { validateRunOptions } from "./run_options.ts";
 *
 * throws(() => validateRunOptions({ timeoutMs: -5 }), /Invalid timeoutMs "-5": it must be a positive number of milliseconds/);
 * ```
 */
export function validateRunOptions(options: RunOptions): void {
  validateFlags(options);
  for (const option of DURATIONS) {
    const value = options[option];
    if (value !== undefined && !(Number.isFinite(value) && value > 0)) {
      throw new InvalidOptionError(
        [option],
        (name) =>
          `Invalid ${name(option)} "${value}": it must be a positive number of milliseconds`,
      );
    }
  }
}
