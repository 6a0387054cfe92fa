/**
 * Many jobs through a bounded pool of `claude` runs: each worker isolated in its own config dir,
 * retries with backoff for the kinds worth retrying, a pause while the rate limit says no, and
 * stops on a cost ceiling, a failure share or a signal. Results arrive as each job ends.
 *
 * @module
 */
import { ClawError } from "../errors/claw_error.ts";
import { ioHint, isIoError } from "../errors/io.ts";
import type { ErrorKind } from "../errors/kinds.ts";
import type { ResultEvent } from "../protocol/events.ts";
import type { Spawner } from "../process/spawn.ts";
import { type ClaudeRun, run } from "../session/run.ts";
import type { RunOptions } from "../session/run_options.ts";
import { type ClaudeSession, startSession } from "../session/session.ts";
import type { SessionOptions } from "../session/session_options.ts";
import type { ClaudeTurn } from "../session/turn.ts";
import { WorkerSpares } from "./_spares.ts";
import { WorkerDirs } from "./_worker_dirs.ts";
import type { BatchJob } from "./job.ts";
import { type BatchResult, emptyUsage, type JobStatus } from "./result.ts";
import { messageOf } from "../errors/message_of.ts";

/** The kinds a job is retried for: the API or the network may do better on the next try. */
export const RETRYABLE_KINDS: ReadonlySet<ErrorKind> = new Set<ErrorKind>([
  "rate_limit",
  "overloaded",
  "provider_internal",
  "hang",
]);

/** Why a batch stopped starting jobs before the end. */
export type StopReason = "max_cost" | "failure_threshold" | "aborted";

/** How a batch is going, after each job. */
export interface BatchProgress {
  /** Jobs finished `ok`. */
  ok: number;
  /** Jobs finished otherwise (failed, aborted). */
  failed: number;
  /** Jobs running now. */
  running: number;
  /** Cost so far, every attempt counted. */
  costUsd: number;
  /** Milliseconds since the batch started. */
  elapsedMs: number;
  /** Why no more jobs start, once something stopped them. */
  stopped: StopReason | undefined;
}

/** Options of {@linkcode runBatch}. */
export interface BatchOptions {
  /** The folder for the workers' dirs; a temporary one, removed at the end, when absent. */
  batchDir?: string;
  /** The environment credentials come from; this process's by default. */
  hostEnv?: Record<string, string | undefined>;
  /** Run options for every job; a job's own fields win. */
  defaults?: Omit<RunOptions, "signal" | "spawner" | "cwd">;
  /** How many jobs run at once. Default 4. */
  concurrency?: number;
  /** Extra attempts for a job that fails with a retryable kind. Default 2. */
  retries?: number;
  /** The first retry's delay in ms, doubled for each next one (with jitter). Default 2000. */
  retryDelayMs?: number;
  /** Stop starting jobs once the cost spent reaches this many US dollars. */
  maxCostUsd?: number;
  /** Stop starting jobs once this share (0–1) of the finished jobs failed. */
  failureThreshold?: number;
  /** How many jobs must have finished before the threshold counts. Default 10. */
  failureThresholdMinimum?: number;
  /** Stops starting jobs and aborts the running ones (their results say `aborted`). */
  signal?: AbortSignal;
  /** The spawner of a job (record or replay); the real `claude` when it returns undefined. */
  spawnerFor?: (job: BatchJob) => Spawner | undefined;
  /**
   * Each worker starts its next job's process while the current job runs (a parked spare, see
   * `prewarm()`), so that the next job does not wait for the CLI's start-up: at most two processes
   * per worker. A job whose own options a started process cannot take starts cold. Not for jobs
   * that `spawnerFor` records or replays (their process is the cassette's). Default `false`.
   */
  prewarm?: boolean;
  /** Called after each job, and when the batch stops starting jobs. */
  onProgress?: (progress: BatchProgress) => void;
  /** Receives warnings (a stored login shared by workers, a rate-limit pause). */
  onWarning?: (message: string) => void;
}

/**
 * Runs `jobs` (read lazily: a jobs file is streamed) through a pool of `concurrency` workers and
 * yields each job's result as it ends. Jobs not started because the batch stopped (cost,
 * failure share) are yielded as `skipped`; jobs running when `signal` aborts end `aborted`.
 * Every process is reaped before the iteration ends, however it ends. A job fails on its own,
 * never the batch: a run that could not be recorded (its cassette not saved) ends `failed` with
 * kind `io`.
 *
 * `runBatch` writes no file, so it takes no lock: where the results go is the caller's choice.
 * A results file is locked by `ResultWriter.open` for as long as the writer is open, so that two
 * batches on one file (each then running every job) cannot happen; open the writer before
 * reading the file for a resume, as `claw batch run` does.
 *
 * @example Two jobs replayed from recorded runs
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { replaySpawner } from "../cassette/testing.ts";
 * import { runBatch } from "./run_batch.ts";
 *
 * const cassette = new URL("../../fixtures/cassettes/2.1.332/text_simple.ndjson", import.meta.url);
 * const jobs = [1, 2].map((n) => ({ id: `job-${n}`, prompt: "Say hello", options: {}, line: n }));
 * const results = await Array.fromAsync(runBatch(jobs, { spawnerFor: () => replaySpawner(cassette) }));
 * strictEqual(results.filter((result) => result.status === "ok").length, 2);
 * strictEqual(results[0]?.result, "Hello from the fake API.");
 * ```
 */
export async function* runBatch(
  jobs: AsyncIterable<BatchJob> | Iterable<BatchJob>,
  options: BatchOptions = {},
): AsyncGenerator<BatchResult> {
  const pool = new Pool(options);
  await using dirs = await WorkerDirs.create(options, pool.concurrency);
  await using spares = new WorkerSpares();
  if (options.prewarm) {
    for (let slot = 0; slot < pool.concurrency; slot++) {
      spares.fill(slot, pool.options(dirs.env(slot)));
    }
  }
  const finished: BatchResult[] = [];
  let wake = Promise.withResolvers<void>();
  const running = new Set<Promise<void>>();
  const source = (Symbol.asyncIterator in jobs ? jobs : toAsync(jobs))[Symbol.asyncIterator]();
  const free = Array.from({ length: pool.concurrency }, (_, slot) => slot);
  let exhausted = false;
  try {
    for (;;) {
      // A fresh wake-up before looking: whatever happens after this look resolves it.
      wake = Promise.withResolvers<void>();
      if (finished.length > 0) {
        yield finished.shift()!;
        continue;
      }
      if (pool.stopped === "aborted") exhausted = true; // stop reading: nothing more starts
      if (!exhausted && free.length > 0) {
        const next = await source.next();
        if (next.done) {
          exhausted = true;
          continue;
        }
        const job = next.value;
        if (!pool.stopped) await pool.waitForRateLimit();
        if (pool.stopped) {
          if (pool.stopped !== "aborted") finished.push(pool.skipped(job));
          continue;
        }
        const slot = free.shift()!;
        const spare = options.prewarm ? { spares, slot } : undefined;
        const work = pool.run(job, dirs.env(slot), spare).then((result) => {
          finished.push(result);
          free.push(slot);
          running.delete(work);
          wake.resolve();
        });
        running.add(work);
        continue;
      }
      if (exhausted && running.size === 0) return;
      await wake.promise;
    }
  } finally {
    pool.abortAll();
    await Promise.allSettled(running);
    await source.return?.();
  }
}

/** A worker's spare: `BatchOptions.prewarm`. */
interface WorkerSpare {
  spares: WorkerSpares;
  slot: number;
}

/** A job's answer: a `run()`, or the turn of a session. */
type Answer = ClaudeRun | ClaudeTurn;

/** What an attempt ended with, and how it failed. */
interface Outcome {
  result: ResultEvent | undefined;
  failure: { error: unknown } | undefined;
}

async function* toAsync<T>(items: Iterable<T>): AsyncGenerator<T> {
  yield* items;
}

/** The state shared by the workers: spending, failures, the rate-limit pause, stopping. */
class Pool {
  readonly concurrency: number;
  readonly #options: BatchOptions;
  readonly #abort = new AbortController();
  readonly #started = performance.now();
  #ok = 0;
  #failed = 0;
  #running = 0;
  #costUsd = 0;
  #pausedUntil = 0;
  #stopped: StopReason | undefined;

  constructor(options: BatchOptions) {
    this.#options = options;
    this.concurrency = options.concurrency ?? 4;
    if (!Number.isInteger(this.concurrency) || this.concurrency < 1) {
      throw new ClawError(
        "usage",
        `Invalid concurrency "${this.concurrency}": it must be a whole number of at least 1`,
      );
    }
    options.signal?.addEventListener("abort", () => this.#stop("aborted"), { once: true });
    if (options.signal?.aborted) this.#stop("aborted");
  }

  get stopped(): StopReason | undefined {
    return this.#stopped;
  }

  /** Aborts every running job (the batch is over, or was abandoned). */
  abortAll(): void {
    this.#abort.abort();
  }

  /** Waits while a rate limit said no, or until the batch stops. */
  async waitForRateLimit(): Promise<void> {
    while (!this.#stopped && Date.now() < this.#pausedUntil) {
      const wait = Math.min(this.#pausedUntil - Date.now(), 1000);
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }

  /** The result of a job that was never started. */
  skipped(job: BatchJob): BatchResult {
    const failure = this.#stopped === "max_cost"
      ? {
        kind: "budget",
        message: "The batch reached its cost limit before this job started",
        hint: "Raise --max-cost, then rerun with --resume",
      }
      : {
        kind: "aborted",
        message: "The batch stopped before this job started: too many jobs failed",
        hint: "Fix what fails, then rerun with --resume",
      };
    return blank(job, "skipped", 0, failure);
  }

  /**
   * The options of a job (or, without `job`, of every job) of the worker whose environment is
   * `env`: the defaults, the job's own, then the worker's environment and the batch's signal.
   */
  options(env: Record<string, string | undefined>, job?: BatchJob): SessionOptions {
    return {
      ...this.#options.defaults,
      ...job?.options,
      env: { ...this.#options.defaults?.env, ...env },
      signal: this.#abort.signal,
      ...(this.#options.onWarning ? { onWarning: this.#options.onWarning } : {}),
    };
  }

  /**
   * Runs `job` until it succeeds, fails for good, or runs out of attempts; on the worker's spare
   * when it has `spare`.
   */
  async run(
    job: BatchJob,
    env: Record<string, string | undefined>,
    spare?: WorkerSpare,
  ): Promise<BatchResult> {
    this.#running++;
    this.#progress();
    const started = performance.now();
    const retries = this.#options.retries ?? 2;
    let outcome: BatchResult | undefined;
    try {
      for (let attempt = 1;; attempt++) {
        outcome = await this.#attempt(job, env, attempt, spare);
        outcome.duration_ms = Math.round(performance.now() - started);
        const retry = outcome.status === "failed" && attempt <= retries &&
          RETRYABLE_KINDS.has(outcome.error_kind as ErrorKind) && !this.#abort.signal.aborted;
        if (!retry) return outcome;
        await this.#backoff(attempt);
        if (this.#abort.signal.aborted || this.#stopped === "aborted") {
          return { ...outcome, status: "aborted", error_kind: "aborted" };
        }
      }
    } finally {
      this.#running--;
      if (outcome?.status === "ok") this.#ok++;
      else this.#failed++;
      this.#checkLimits();
      this.#progress();
    }
  }

  /**
   * One attempt at `job`; never throws. A run that succeeded but could not be reaped cleanly (its
   * recording could not be saved) fails, like any failed run, with its cost and usage counted.
   */
  async #attempt(
    job: BatchJob,
    env: Record<string, string | undefined>,
    attempt: number,
    spare: WorkerSpare | undefined,
  ): Promise<BatchResult> {
    const spawner = this.#options.spawnerFor?.(job);
    const options = this.options(env, job);
    const { result, failure } = spare && !spawner
      ? await this.#inSession(job, options, spare)
      : await this.#oneShot(job.prompt, spawner ? { ...options, spawner } : options);
    if (result) this.#spend(result);
    if (!failure && result) return fromResult(job, "ok", attempt, result);
    const error = failure?.error;
    const known = error instanceof ClawError ? error : undefined;
    const kind = known?.kind ?? (isIoError(error) ? "io" : "internal");
    const status: JobStatus = kind === "aborted" ? "aborted" : "failed";
    const base = result ? fromResult(job, status, attempt, result) : blank(job, status, attempt);
    return {
      ...base,
      error_kind: kind,
      error_message: known?.message ?? messageOf(error),
      error_hint: known?.hint ??
        (kind === "io" ? ioHint(error) : "This is a bug in claw: report it"),
      session_id: base.session_id ?? known?.sessionId ?? null,
    };
  }

  /** `prompt` as one `run()`: what it ended with, and how it failed. */
  #oneShot(prompt: string, options: RunOptions): Promise<Outcome> {
    let answer: ClaudeRun | undefined;
    return this.#drain(
      () => Promise.resolve(answer = run(prompt, options)),
      async () => await answer?.[Symbol.asyncDispose](),
    );
  }

  /** `job` as the one turn of a session on the worker's spare (or a cold one when it has none). */
  #inSession(
    job: BatchJob,
    options: SessionOptions,
    { spares, slot }: WorkerSpare,
  ): Promise<Outcome> {
    let session: ClaudeSession | undefined;
    return this.#drain(
      async () => {
        session = await spares.claim(slot, job.options ?? {}) ??
          await startSession(options);
        return session.send(job.prompt);
      },
      async () => await session?.close(),
    );
  }

  /**
   * Reads the answer `start` gives (a run, or a session's turn) to its result, noting rate
   * limits, then `end`s it, whatever happened. A failed answer may still have ended with a result:
   * its cost and usage count.
   */
  async #drain(start: () => Promise<Answer>, end: () => Promise<void>): Promise<Outcome> {
    let answer: Answer | undefined;
    let failure: { error: unknown } | undefined;
    try {
      answer = await start();
      for await (const item of answer) {
        if (item.type === "rate_limit_event") this.#rateLimited(item.rate_limit_info);
      }
      await answer.result();
    } catch (error) {
      failure = { error };
    }
    try {
      await end();
    } catch (error) {
      failure ??= { error };
    }
    return { result: answer?.lastResult, failure };
  }

  #rateLimited(info: { status: string; resetsAt?: number }): void {
    if (info.status === "allowed" || info.status === "allowed_warning") return;
    const until = (info.resetsAt ?? Date.now() / 1000 + 60) * 1000;
    if (until > this.#pausedUntil) {
      this.#pausedUntil = until;
      this.#options.onWarning?.(
        `The rate limit says ${info.status}: no new job starts until ${
          new Date(until).toISOString()
        }`,
      );
    }
  }

  #spend(result: ResultEvent): void {
    this.#costUsd += typeof result.total_cost_usd === "number" ? result.total_cost_usd : 0;
  }

  async #backoff(attempt: number): Promise<void> {
    const base = (this.#options.retryDelayMs ?? 2000) * 2 ** (attempt - 1);
    const delay = Math.min(base, 60_000) * (0.75 + Math.random() * 0.5);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, delay);
      this.#abort.signal.addEventListener("abort", () => {
        clearTimeout(timer);
        resolve();
      }, { once: true });
    });
  }

  #checkLimits(): void {
    const { maxCostUsd, failureThreshold } = this.#options;
    if (maxCostUsd !== undefined && this.#costUsd >= maxCostUsd) this.#stop("max_cost");
    const done = this.#ok + this.#failed;
    const minimum = this.#options.failureThresholdMinimum ?? 10;
    if (
      failureThreshold !== undefined && done >= minimum && this.#failed / done >= failureThreshold
    ) {
      this.#stop("failure_threshold");
    }
  }

  #stop(reason: StopReason): void {
    if (this.#stopped) return;
    this.#stopped = reason;
    if (reason === "aborted") this.#abort.abort();
    this.#progress();
  }

  #progress(): void {
    this.#options.onProgress?.({
      ok: this.#ok,
      failed: this.#failed,
      running: this.#running,
      costUsd: this.#costUsd,
      elapsedMs: performance.now() - this.#started,
      stopped: this.#stopped,
    });
  }
}

function blank(
  job: BatchJob,
  status: JobStatus,
  attempts: number,
  failure?: { kind: string; message: string; hint: string },
): BatchResult {
  return {
    id: job.id,
    status,
    error_kind: failure?.kind ?? null,
    error_hint: failure?.hint ?? null,
    error_message: failure?.message ?? null,
    result: null,
    structured_output: null,
    session_id: null,
    cost_usd: 0,
    usage: emptyUsage(),
    turns: 0,
    duration_ms: 0,
    attempts,
    line: job.line,
  };
}

function fromResult(
  job: BatchJob,
  status: JobStatus,
  attempts: number,
  result: ResultEvent,
): BatchResult {
  const usage = result.usage ?? {};
  return {
    ...blank(job, status, attempts),
    result: typeof result.result === "string" ? result.result : null,
    structured_output: result.structured_output ?? null,
    session_id: result.session_id ?? null,
    cost_usd: typeof result.total_cost_usd === "number" ? result.total_cost_usd : 0,
    usage: {
      input_tokens: usage.input_tokens ?? 0,
      output_tokens: usage.output_tokens ?? 0,
      cache_creation_input_tokens: usage.cache_creation_input_tokens ?? 0,
      cache_read_input_tokens: usage.cache_read_input_tokens ?? 0,
    },
    turns: typeof result.num_turns === "number" ? result.num_turns : 0,
  };
}
