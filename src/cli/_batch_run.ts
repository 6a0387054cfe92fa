/**
 * `claw batch run`: checks the jobs and every path, then runs the shard's jobs through the pool,
 * appending each result as it ends, with a progress line on a terminal and a summary.
 *
 * @module
 */
import { join } from "node:path";
import { checkJobs, readJobs } from "../batch/job.ts";
import { type BatchResult, readResults, ResultWriter } from "../batch/result.ts";
import { type BatchProgress, runBatch, type StopReason } from "../batch/run_batch.ts";
import { chooseShard, inShard, type Shard, type ShardChoice } from "../batch/shard.ts";
import { InvalidOptionError } from "../errors/claw_error.ts";
import { messageOf } from "../errors/message_of.ts";
import { writeAtomic } from "../process/write_atomic.ts";
import type { Spawner } from "../process/spawn.ts";
import type { RunOptions } from "../session/run_options.ts";
import { UsageError } from "./_args.ts";
import { _recordJob, _replayJob } from "./_batch_cassettes.ts";
import { type Flag, flagFor, flagValues, parseFlags } from "./_flags.ts";
import { checkFolder, checkInputFile, checkOutputPath } from "./_paths.ts";
import { RUN_FLAGS } from "./_run_flags.ts";

type Own =
  | "output"
  | "concurrency"
  | "retries"
  | "retryDelay"
  | "maxCost"
  | "failureThreshold"
  | "shard"
  | "shards"
  | "resume"
  | "record"
  | "replay"
  | "batchDir"
  | "prewarm"
  | "report"
  | "json";

/** The run options a job may default: not the session ones (jobs never share a session). */
const DEFAULT_FLAGS = RUN_FLAGS.filter((flag) =>
  !["resume", "continue", "forkSession", "sessionId"].includes(flag.option)
);

const OWN_FLAGS: readonly Flag<Own>[] = [
  { name: "output", short: "o", option: "output", type: "string", value: "FILE", help: "" },
  { name: "concurrency", option: "concurrency", type: "number", value: "N", help: "" },
  { name: "retries", option: "retries", type: "number", value: "N", help: "" },
  { name: "retry-delay", option: "retryDelay", type: "seconds", value: "SECONDS", help: "" },
  { name: "max-cost", option: "maxCost", type: "number", value: "USD", help: "" },
  { name: "failure-threshold", option: "failureThreshold", type: "number", value: "P", help: "" },
  { name: "shard", option: "shard", type: "string", value: "I/N", help: "" },
  { name: "shards", option: "shards", type: "number", value: "N", help: "" },
  { name: "resume", option: "resume", type: "boolean", help: "" },
  { name: "record", option: "record", type: "string", value: "DIR", help: "" },
  { name: "replay", option: "replay", type: "string", value: "DIR", help: "" },
  { name: "batch-dir", option: "batchDir", type: "string", value: "DIR", help: "" },
  { name: "prewarm", option: "prewarm", type: "boolean", help: "" },
  { name: "report", option: "report", type: "string", value: "FILE", help: "" },
  { name: "json", option: "json", type: "boolean", help: "" },
];

/**
 * What `claw batch run --json` prints at the end. Every job of the shard is counted once: `ok`,
 * `failed`, `skipped`, `aborted` (results written by this run), `already_ok` (from an earlier run,
 * with `--resume`) or `not_started` (no result: the batch was stopped by a signal before it
 * started them; `--resume` runs them). `shard` is the shard run (`index` 0-based) and what named it
 * (`--shard 2/3`, `CLAW_SHARD=2/3`, `SLURM_ARRAY_TASK_ID=1 (…)`), or `null` for the whole file.
 */
export interface BatchSummary {
  jobs: number;
  ok: number;
  failed: number;
  skipped: number;
  aborted: number;
  already_ok: number;
  not_started: number;
  cost_usd: number;
  duration_ms: number;
  stopped: StopReason | null;
  output: string;
  shard: ShardChoice | null;
}

/** `value` (of `flag`), refused unless it is a whole number of at least `minimum`. */
function whole(flag: string, value: number | undefined, minimum: number): number | undefined {
  if (value !== undefined && (!Number.isInteger(value) || value < minimum)) {
    throw new UsageError(
      `Invalid ${flag} "${value}": it must be a whole number of at least ${minimum}`,
    );
  }
  return value;
}

/** `value` (of `flag`), refused unless it is above 0 (and at most `max`). */
function positive(flag: string, value: number | undefined, max = Infinity): number | undefined {
  if (value !== undefined && !(value > 0 && value <= max)) {
    const range = max === Infinity ? "a number above 0" : `a number above 0 and at most ${max}`;
    throw new UsageError(`Invalid ${flag} "${value}": it must be ${range}`);
  }
  return value;
}

/**
 * Runs `claw batch run` with `args`; exit 0 when every job of the shard is `ok`.
 *
 * @example Mistakes are refused before anything runs
 * ```ts
 * import { rejects } from "node:assert";
 * import { runBatchCommand } from "./_batch_run.ts";
 *
 * await rejects(runBatchCommand(["jobs.jsonl"]), /^UsageError: Missing -o/);
 * await rejects(runBatchCommand(["a", "b", "-o", "r"]), /one JOBS file/);
 * ```
 */
export async function runBatchCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(args, [...DEFAULT_FLAGS, ...OWN_FLAGS]);
  const own = flagValues(OWN_FLAGS, values) as Partial<Record<Own, string | boolean | number>>;
  const number = (option: Own) => own[option] as number | undefined;
  const defaults = flagValues(DEFAULT_FLAGS, values) as RunOptions;
  if (positionals.length !== 1) {
    throw new UsageError(
      positionals.length === 0
        ? "Missing JOBS: pass one JOBS file (one JSON job per line)"
        : `Expected one JOBS file, got ${positionals.length}: ${positionals.join(" ")}`,
    );
  }
  const jobsPath = positionals[0]!;
  const output = own.output as string | undefined;
  if (output === undefined) throw new UsageError("Missing -o FILE: name the results file");
  const concurrency = whole("--concurrency", number("concurrency"), 1) ?? 4;
  const retries = whole("--retries", number("retries"), 0) ?? 2;
  const retryDelayMs = number("retryDelay");
  const maxCost = positive("--max-cost", number("maxCost"));
  const threshold = positive("--failure-threshold", number("failureThreshold"), 1);
  const shards = whole("--shards", number("shards"), 1);
  const shard = chooseShard(Deno.env.toObject(), {
    shard: own.shard as string | undefined,
    shards,
  });
  if (own.record !== undefined && own.replay !== undefined) {
    throw new UsageError("Choose --record or --replay, not both");
  }
  if (own.prewarm === true && (own.record !== undefined || own.replay !== undefined)) {
    throw new UsageError(
      "--prewarm starts the next job's claude early, but with --record or --replay a job's process is its cassette's: drop --prewarm",
    );
  }
  await checkInputFile("", jobsPath, "a JOBS file (one JSON job per line)");
  await checkOutputPath("-o", output);
  if (typeof own.replay === "string") {
    await checkFolder("--replay", own.replay, "the folder of the recorded jobs");
  }
  if (typeof own.record === "string") await checkOutputPath("--record", join(own.record, "x"));
  if (typeof own.batchDir === "string") {
    await checkOutputPath("--batch-dir", join(own.batchDir, "x"));
  }
  if (typeof own.report === "string") await checkOutputPath("--report", own.report);
  const counted = await checkJobs(jobsPath, shard ? { shard } : {});
  if (counted.total === 0) {
    throw new UsageError(`The jobs file "${jobsPath}" has no jobs: write one JSON job per line`);
  }
  // A shard the environment chose is said, so a task that runs the wrong one is plain to see.
  if (shard && typeof own.shard !== "string") console.error(shardLine(shard, counted));

  const stop = new AbortController();
  const onSignal = () => stop.abort();
  Deno.addSignalListener("SIGINT", onSignal);
  Deno.addSignalListener("SIGTERM", onSignal);
  const progress = new ProgressLine();
  const tally = { ok: 0, failed: 0, skipped: 0, aborted: 0, cost: 0 };
  let stopped: StopReason | undefined;
  let alreadyOk = new Set<string>();
  const started = performance.now();
  try {
    // The lock on the output is taken before it is read: a second batch on it is refused here.
    await using writer = await ResultWriter.open(output, {
      onWarning: (message) => progress.warn(message),
    });
    const done = await resumable(output)
      ? await readResults(output)
      : new Map<string, BatchResult>();
    if (done.size > 0 && own.resume !== true) {
      throw new UsageError(
        `Cannot write -o "${output}": it already holds ${done.size} results: pass --resume to go on with it, or remove it`,
      );
    }
    alreadyOk = new Set([...done.values()].filter((r) => r.status === "ok").map((r) => r.id));
    progress.total = counted.inShard - alreadyOkIn(alreadyOk, shard);
    const results = runBatch(pending(jobsPath, shard, alreadyOk), {
      defaults,
      concurrency,
      retries,
      ...(retryDelayMs === undefined ? {} : { retryDelayMs }),
      ...(maxCost === undefined ? {} : { maxCostUsd: maxCost }),
      ...(threshold === undefined ? {} : { failureThreshold: threshold }),
      ...(typeof own.batchDir === "string" ? { batchDir: own.batchDir } : {}),
      signal: stop.signal,
      spawnerFor: spawnerFor(own.record as string | undefined, own.replay as string | undefined),
      ...(own.prewarm === true ? { prewarm: true } : {}),
      onProgress: (state) => {
        stopped = state.stopped;
        progress.update(state);
      },
      onWarning: (message) => progress.warn(message),
    });
    for await (const result of results) {
      await writer.write(result);
      count(tally, result);
    }
  } catch (error) {
    if (error instanceof InvalidOptionError) {
      throw new UsageError(error.describe((option) => flagFor(DEFAULT_FLAGS, option) ?? option));
    }
    throw error;
  } finally {
    Deno.removeSignalListener("SIGINT", onSignal);
    Deno.removeSignalListener("SIGTERM", onSignal);
    progress.end();
  }
  const already = alreadyOkIn(alreadyOk, shard);
  const ended = tally.ok + tally.failed + tally.skipped + tally.aborted;
  const summary: BatchSummary = {
    jobs: counted.inShard,
    ok: tally.ok,
    failed: tally.failed,
    skipped: tally.skipped,
    aborted: tally.aborted,
    already_ok: already,
    not_started: Math.max(0, counted.inShard - already - ended),
    cost_usd: tally.cost,
    duration_ms: Math.round(performance.now() - started),
    stopped: stopped ?? null,
    output,
    shard: shard ?? null,
  };
  if (typeof own.report === "string") {
    // Also after a SIGTERM: the page shows what finished. The jobs file only for a whole batch,
    // where a job with no result is worth saying.
    const cassettes = (own.record ?? own.replay) as string | undefined;
    const found = cassettes && await Deno.stat(cassettes).then(() => true, () => false);
    await writeBatchReport(own.report, [
      output,
      ...(shard ? [] : [jobsPath]),
      ...(found ? [cassettes] : []),
    ]);
  }
  if (own.json === true) console.log(JSON.stringify(summary));
  else console.error(summaryLine(summary));
  return summary.ok + summary.already_ok === summary.jobs ? 0 : 1;
}

/** `claw batch: shard 2/3 from SLURM_ARRAY_TASK_ID=1 (…): 10 of 30 jobs`. */
function shardLine(shard: ShardChoice, counted: { total: number; inShard: number }): string {
  return `claw batch: shard ${
    shard.index + 1
  }/${shard.count} from ${shard.from}: ${counted.inShard} of ${counted.total} jobs`;
}

function alreadyOkIn(ids: Set<string>, shard: Shard | undefined): number {
  return shard ? [...ids].filter((id) => inShard(id, shard)).length : ids.size;
}

async function* pending(path: string, shard: Shard | undefined, skip: Set<string>) {
  for await (const job of readJobs(path)) {
    if ((!shard || inShard(job.id, shard)) && !skip.has(job.id)) yield job;
  }
}

/** Whether `path` is a file or missing (a device or a pipe holds no results). */
async function resumable(path: string): Promise<boolean> {
  return (await Deno.stat(path).catch(() => undefined))?.isFile ?? true;
}

/** Each job's own cassette in `DIR` (`_batch_cassettes.ts`) to record or replay; else real claude. */
function spawnerFor(
  record: string | undefined,
  replay: string | undefined,
): (job: { id: string }) => Spawner | undefined {
  if (record !== undefined) return (job) => _recordJob(record, job.id);
  if (replay !== undefined) return (job) => _replayJob(replay, job.id);
  return () => undefined;
}

function count(
  tally: { ok: number; failed: number; skipped: number; aborted: number; cost: number },
  result: BatchResult,
) {
  tally[result.status]++;
  tally.cost += result.cost_usd;
}

function summaryLine(summary: BatchSummary): string {
  const parts = [
    `${summary.ok + summary.already_ok}/${summary.jobs} ok`,
    summary.already_ok ? `${summary.already_ok} from before` : "",
    summary.failed ? `${summary.failed} failed` : "",
    summary.skipped ? `${summary.skipped} skipped` : "",
    summary.aborted ? `${summary.aborted} aborted` : "",
    summary.not_started ? `${summary.not_started} not started` : "",
    `$${summary.cost_usd.toFixed(4)}`,
    `${(summary.duration_ms / 1000).toFixed(1)} s`,
    summary.stopped ? `stopped: ${summary.stopped}` : "",
  ].filter(Boolean);
  return `claw batch: ${parts.join(" · ")} → ${summary.output}`;
}

/** The progress line on a terminal (stderr), redrawn in place; nothing when piped. */
class ProgressLine {
  /** The jobs to run, once the output was read. */
  total = 0;
  readonly #enabled = Deno.stderr.isTerminal();
  #last = "";

  update(state: BatchProgress): void {
    if (!this.#enabled) return;
    const done = state.ok + state.failed;
    const rate = done / Math.max(state.elapsedMs / 1000, 0.001);
    const eta = rate > 0 ? `ETA ${Math.round((this.total - done) / rate)} s` : "ETA –";
    const line =
      `${done}/${this.total} done · ${state.failed} failed · ${state.running} running · $${
        state.costUsd.toFixed(4)
      } · ${rate.toFixed(2)}/s · ${eta}`;
    this.#last = line;
    this.#write(`\r\x1b[2K${line}`);
  }

  warn(message: string): void {
    this.#write(
      `${this.#enabled ? "\r\x1b[2K" : ""}warning: ${message}\n${this.#enabled ? this.#last : ""}`,
    );
  }

  end(): void {
    if (this.#enabled && this.#last) this.#write("\r\x1b[2K");
  }

  #write(text: string): void {
    Deno.stderr.writeSync(new TextEncoder().encode(text));
  }
}

/** Writes the batch report of `inputs` to `path`; a report that fails is a warning, not a failure. */
async function writeBatchReport(path: string, inputs: string[]): Promise<void> {
  try {
    const { buildReport } = await import("../report/report.ts");
    const report = await buildReport(inputs);
    await writeAtomic(path, report.html);
    console.error(`claw batch: report written to ${path}`);
  } catch (error) {
    console.error(`claw batch: warning: cannot write the report "${path}": ${messageOf(error)}`);
  }
}
