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
}

/**
 * Starts a process for a {@linkcode SpawnRequest}, at once or asynchronously (a replay looks its
 * cassette up first). Throws, or rejects, when it cannot start: a `ClawError` is reported as it is
 * (a `CassetteMissError` reaches the caller of `run()` unchanged), anything else as kind `spawn`.
 */
export type Spawner = (request: SpawnRequest) => ClaudeProcess | Promise<ClaudeProcess>;
