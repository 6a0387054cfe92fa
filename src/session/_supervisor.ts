/** The timers that stop a run: the caller's signal, the overall timeout, the idle and exit watchdogs. */
import { shutdown } from "../process/shutdown.ts";
import type { ClaudeProcess } from "../process/spawn.ts";
import type { StopReason } from "./classify.ts";

type Timer = ReturnType<typeof setTimeout>;

/** What a {@linkcode Supervisor} watches for. */
export interface SupervisorOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  idleTimeoutMs?: number;
  exitTimeoutMs?: number;
  onWarning?: (message: string) => void;
}

/** Stops a process when its run is aborted, times out, goes idle, or will not exit after its result. */
export class Supervisor {
  /** Why the supervisor stopped the process, once it has. */
  stopReason: StopReason | undefined;
  readonly #process: ClaudeProcess;
  readonly #options: SupervisorOptions;
  readonly #onStop: () => void;
  #timeout: Timer | undefined;
  #idle: Timer | undefined;
  #exit: Timer | undefined;
  readonly #onAbort = () => this.#stop("aborted");

  constructor(process: ClaudeProcess, options: SupervisorOptions, onStop: () => void) {
    this.#process = process;
    this.#options = options;
    this.#onStop = onStop;
    options.signal?.addEventListener("abort", this.#onAbort, { once: true });
    // Deno sets up its timers on the first setTimeout (about 20 ms on a slow machine): pay that
    // now, while the CLI boots, rather than after its result, where the exit watchdog needs one.
    clearTimeout(setTimeout(() => {}, 0));
    if (options.timeoutMs !== undefined) {
      this.#timeout = setTimeout(() => this.#stop("timeout"), options.timeoutMs);
    }
    this.sawOutput();
  }

  /** The process printed something: the idle watchdog starts again. */
  sawOutput(): void {
    if (this.#options.idleTimeoutMs === undefined || this.stopReason) return;
    clearTimeout(this.#idle);
    this.#idle = setTimeout(() => this.#stop("hang"), this.#options.idleTimeoutMs);
  }

  /** The process printed its result: it has `exitTimeoutMs` (default 10 s) to exit. */
  sawResult(): void {
    clearTimeout(this.#idle);
    this.#idle = undefined;
    clearTimeout(this.#exit);
    this.#exit = setTimeout(() => {
      this.#options.onWarning?.("Claude Code did not exit after its result: shutting it down");
      shutdown(this.#process);
    }, this.#options.exitTimeoutMs ?? 10_000);
  }

  #stop(reason: StopReason): void {
    if (this.stopReason) return;
    this.stopReason = reason;
    this.#onStop();
    shutdown(this.#process);
  }

  /** Clears every timer and listener. */
  dispose(): void {
    clearTimeout(this.#timeout);
    clearTimeout(this.#idle);
    clearTimeout(this.#exit);
    this.#options.signal?.removeEventListener("abort", this.#onAbort);
  }
}
