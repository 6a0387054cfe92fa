/**
 * One parked spare session per batch worker (`BatchOptions.prewarm`): while a worker's job runs,
 * the process of its next job starts and initializes, so that the next job does not wait for the
 * CLI's start-up. At most two processes per worker: the running job's and the spare.
 */
import { ClawError } from "../errors/claw_error.ts";
import { prewarm, type PrewarmOptions, type SpareSession } from "../session/prewarm.ts";
import type { ClaudeSession } from "../session/session.ts";
import type { SessionOptions } from "../session/session_options.ts";

/** The spares of a batch's workers, by worker slot. */
export class WorkerSpares implements AsyncDisposable {
  readonly #spares = new Map<number, Promise<SpareSession | undefined>>();
  /** The options each slot's spares start with, from its first {@linkcode fill}. */
  readonly #options = new Map<number, PrewarmOptions>();

  /** Starts a spare for `slot` with `options` (kept for the slot's later spares), unless it has one. */
  fill(slot: number, options: PrewarmOptions): void {
    this.#options.set(slot, options);
    if (this.#spares.has(slot)) return;
    // A spare that cannot start is no spare: the job starts cold and reports why.
    this.#spares.set(slot, prewarm(options).catch(() => undefined));
  }

  /**
   * The session of `slot`'s spare, claimed with the job's own options, and a new spare started
   * (with the slot's options) for the job after it; `undefined` when the slot has no spare or it
   * cannot serve the job (it is reaped and replaced then too).
   */
  async claim(slot: number, job: SessionOptions): Promise<ClaudeSession | undefined> {
    const spare = await this.#spares.get(slot);
    this.#spares.delete(slot);
    try {
      return spare ? await spare.claim(job) : undefined;
    } catch (error) {
      if (!(error instanceof ClawError && error.kind === "spare_unusable")) throw error;
      await spare?.close();
      return undefined;
    } finally {
      const options = this.#options.get(slot);
      if (options) this.fill(slot, options);
    }
  }

  /** Reaps every spare not claimed. */
  async [Symbol.asyncDispose](): Promise<void> {
    const spares = [...this.#spares.values()];
    this.#spares.clear();
    await Promise.all(spares.map(async (spare) => await (await spare)?.close()));
  }
}
