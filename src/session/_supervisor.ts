/**
 * The timers that stop a run: the caller's signal, the overall timeout, the start-up, idle and
 * exit watchdogs.
 */
import { shutdown } from "../process/shutdown.ts";
import type { ClaudeProcess } from "../process/spawn.ts";
import type { StopReason } from "./classify.ts";
import {
  DEFAULT_EXIT_TIMEOUT_MS,
  DEFAULT_STARTUP_TIMEOUT_MS,
  DEFAULT_TIMEOUT_MS,
} from "./run_options.ts";

type Timer = ReturnType<typeof setTimeout>;

/** What a {@linkcode Supervisor} watches for. */
export interface SupervisorOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  startupTimeoutMs?: number;
  idleTimeoutMs?: number;
  exitTimeoutMs?: number;
  onWarning?: (message: string) => void;
}

/**
 * Stops a process when its run is aborted, times out, prints nothing after starting, goes idle,
 * or will not exit after its result. A duration of `Infinity` turns its watchdog off.
 */
export class Supervisor {
  /** Why the supervisor stopped the process, once it has. */
  stopReason: StopReason | undefined;
  readonly #process: ClaudeProcess;
  readonly #options: SupervisorOptions;
  #timeout: Timer | undefined;
  #waiting: Timer | undefined;
  #exit: Timer | undefined;
  #started = false;
  readonly #onAbort = () => this.#stop({ kind: "aborted", message: "The run was aborted" });

  /** Starts watching `process`. */
  constructor(process: ClaudeProcess, options: SupervisorOptions) {
    this.#process = process;
    this.#options = options;
    options.signal?.addEventListener("abort", this.#onAbort, { once: true });
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#timeout = arm(
      timeoutMs,
      () =>
        this.#stop({ kind: "timeout", message: `The run timed out after ${seconds(timeoutMs)}` }),
    );
    // The start-up bound, not the idle one: the CLI takes a second or two before its first line.
    const startupMs = options.startupTimeoutMs ?? DEFAULT_STARTUP_TIMEOUT_MS;
    this.#waiting = arm(startupMs, () =>
      this.#stop({
        kind: "hang",
        message: `Claude Code printed nothing in the ${seconds(startupMs)} after it started`,
      }));
  }

  /** The process printed something: the idle watchdog starts (again). */
  sawOutput(): void {
    if (this.stopReason) return;
    if (this.#started && this.#options.idleTimeoutMs === undefined) return;
    this.#started = true;
    clearTimeout(this.#waiting);
    const idleMs = this.#options.idleTimeoutMs ?? Infinity;
    this.#waiting = arm(idleMs, () =>
      this.#stop({
        kind: "hang",
        message: `Claude Code printed nothing for ${seconds(idleMs)} before its result`,
      }));
  }

  /** The process printed its result: it has `exitTimeoutMs` (default 10 s) to exit. */
  sawResult(): void {
    clearTimeout(this.#waiting);
    this.#waiting = undefined;
    clearTimeout(this.#exit);
    this.#exit = arm(this.#options.exitTimeoutMs ?? DEFAULT_EXIT_TIMEOUT_MS, () => {
      this.#options.onWarning?.("Claude Code did not exit after its result: shutting it down");
      shutdown(this.#process);
    });
  }

  #stop(reason: StopReason): void {
    if (this.stopReason) return;
    this.stopReason = reason;
    shutdown(this.#process);
  }

  /** Clears every timer and listener. */
  dispose(): void {
    clearTimeout(this.#timeout);
    clearTimeout(this.#waiting);
    clearTimeout(this.#exit);
    this.#options.signal?.removeEventListener("abort", this.#onAbort);
  }
}

/** A timer for `ms`, or none for `Infinity` (which `setTimeout` would fire at once). */
function arm(ms: number, then: () => void): Timer | undefined {
  return Number.isFinite(ms) ? setTimeout(then, Math.min(ms, 2 ** 31 - 1)) : undefined;
}

function seconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${+(ms / 1000).toFixed(1)} s`;
}
