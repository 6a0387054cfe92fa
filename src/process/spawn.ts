/**
 * The process seam: everything claw needs from a running `claude`, and nothing more.
 *
 * The real implementation ({@linkcode denoSpawner}) wraps `Deno.Command`; replay and record plug in
 * at the same seam, so the layers above never know whether a process is real.
 *
 * @module
 */
import type { ClawError } from "../errors/claw_error.ts";

/** What to start. `env` is the complete environment of the child (claw has already merged it). */
export interface SpawnRequest {
  /** The executable. */
  command: string;
  /** Arguments, without the executable. */
  args: string[];
  /** The child's whole environment. */
  env: Record<string, string>;
  /** The working directory; the caller's when absent. */
  cwd?: string;
}

/** One of a process's output pipes. */
export type OutputPipe = "stdout" | "stderr";

/** How a process ended: an exit code, or the signal that killed it. */
export interface ProcessStatus {
  /** The exit code; `128 + n` when ended by signal `n` on Unix. */
  code: number;
  /** The signal that ended the process, or `null`. */
  signal: Deno.Signal | null;
  /**
   * A failure the process implementation reports itself, in-process and typed (a replay whose stdin
   * differs from the recording); a run reports it as it is.
   */
  failure?: ClawError;
  /**
   * The pipes that something the process started still held open after it exited: claw killed
   * what it could reach and stopped reading them.
   */
  heldOpen?: readonly OutputPipe[];
}

/**
 * A running `claude`: byte streams in and out, a way to signal it, and its status.
 *
 * Disposing it (`await using`) shuts it down and reaps it.
 */
export interface ClaudeProcess extends AsyncDisposable {
  /** The OS process id, when there is a real process. */
  readonly pid: number | undefined;
  /** The child's stdin. */
  readonly stdin: WritableStream<Uint8Array>;
  /** The child's stdout. */
  readonly stdout: ReadableStream<Uint8Array>;
  /** The child's stderr. */
  readonly stderr: ReadableStream<Uint8Array>;
  /** Resolves once the process has exited and been reaped, and its pipes have settled. */
  readonly status: Promise<ProcessStatus>;
  /**
   * Sends `signal` (default `SIGTERM`) to the process and, where it can, to what it started; does
   * nothing once the process has exited and been cleaned up after.
   */
  kill(signal?: Deno.Signal): void;
  /**
   * Lets the host end while this process idles (a parked spare): its exit and its pipes no longer
   * keep the event loop alive, and when the host ends it is killed (see `_live_children.ts`).
   * Absent where there is no OS process.
   */
  unref?(): void;
  /** Undoes {@linkcode ClaudeProcess.unref}: the process keeps the host alive again. */
  ref?(): void;
}

/**
 * What a spawner needs of an installed `claude`, so that `run()` and `startSession()` know whether
 * to find one before they start it:
 * - `"always"`: every run ends in the real CLI (`denoSpawner`, a recording of it, a cassette
 *   spawner in `record` or `passthrough` mode). The CLI is found first, as without a spawner (the
 *   `cli` option, `CLAUDE_CLI_PATH`, `PATH`, the usual install locations), and is the request's
 *   `command`; none is kind `cli_not_found`, before anything starts.
 * - `"on-miss"`: only a run that was not recorded reaches the real CLI (a cassette spawner in
 *   `auto` mode). The CLI is the request's `command` when one is found; when none is, the run
 *   still starts, and only a miss fails (kind `cli_not_found`).
 * - `"never"`: nothing reaches the real CLI (a replay): nothing is looked for, and the `command`
 *   is the `cli` option as given, else `"claude"`.
 *
 * A spawner that does not say (under {@linkcode NEEDS_CLI}) is treated like `"never"`: its
 * `command` is the `cli` option as given.
 */
export type CliNeed = "always" | "on-miss" | "never";

/**
 * The key under which a {@linkcode Spawner} says what it needs of an installed `claude` (see
 * {@linkcode CliNeed}); {@linkcode withCliNeed} sets it. A registered symbol, so that two copies of
 * claw in one program read each other's spawners.
 */
export const NEEDS_CLI: unique symbol = Symbol.for("claw.needsCli");

/**
 * Starts a process for a {@linkcode SpawnRequest}, at once or asynchronously (a replay looks its
 * cassette up first). Throws, or rejects, when it cannot start: a `ClawError` is reported as it is
 * (a `CassetteMissError` reaches the caller of `run()` unchanged), anything else as kind `spawn`.
 * It may say what it needs of an installed `claude` under {@linkcode NEEDS_CLI}.
 */
export type Spawner = {
  (request: SpawnRequest): ClaudeProcess | Promise<ClaudeProcess>;
  /** What it needs of an installed `claude`; unset: like `"never"`, the `cli` option as given. */
  readonly [NEEDS_CLI]?: CliNeed;
};

/**
 * `spawner`, saying that it needs `need` of an installed `claude` (see {@linkcode CliNeed});
 * `undefined` leaves it unsaid. A spawner that wraps another says what the one it wraps needs:
 * `withCliNeed(wrapper, cliNeedOf(inner))`.
 *
 * @example A spawner of your own that ends in the real CLI gets the CLI found as usual
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { denoSpawner } from "./deno_spawner.ts";
 * import { cliNeedOf, withCliNeed } from "./spawn.ts";
 *
 * const logged = withCliNeed((request) => {
 *   console.log("starting", request.command);
 *   return denoSpawner(request);
 * }, "always");
 * strictEqual(cliNeedOf(logged), "always");
 * ```
 */
export function withCliNeed<T extends Spawner>(spawner: T, need: CliNeed | undefined): T {
  if (need !== undefined) Object.defineProperty(spawner, NEEDS_CLI, { value: need });
  return spawner;
}

/**
 * What `spawner` needs of an installed `claude`: what it says under {@linkcode NEEDS_CLI}, else
 * `undefined` (a spawner of unknown make).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { denoSpawner } from "./deno_spawner.ts";
 * import { cliNeedOf } from "./spawn.ts";
 *
 * strictEqual(cliNeedOf(denoSpawner), "always");
 * strictEqual(cliNeedOf(() => { throw new Error("not started"); }), undefined);
 * ```
 */
export function cliNeedOf(spawner: Spawner): CliNeed | undefined {
  return spawner[NEEDS_CLI];
}
