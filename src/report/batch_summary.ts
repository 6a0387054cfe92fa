/**
 * What a batch report shows, from one or more results files (one per shard, as `claw batch run
 * --shard` writes them) and, when given, the jobs file: counts by status and by error kind, cost
 * and duration of every job, the slowest and costliest jobs, retries, a row per shard, and every
 * job.
 *
 * @module
 */
import type { ResultLine } from "./inputs.ts";

/** One job as the report lists it. */
export interface BatchRow {
  /** The job id. */
  id: string;
  /** `ok`, `failed`, `skipped` or `aborted`. */
  status: string;
  /** claw's error kind, unless ok. */
  errorKind: string | null;
  /** The error message, unless ok. */
  errorMessage: string | null;
  /** What to do about the error. */
  errorHint: string | null;
  /** Cost in US dollars. */
  costUsd: number;
  /** Wall time over all attempts, in ms. */
  durationMs: number;
  /** Attempts made. */
  attempts: number;
  /** The CLI's round trips to the model. */
  turns: number;
  /** Tokens in and out. */
  inputTokens: number;
  /** Output tokens. */
  outputTokens: number;
  /** The final answer. */
  result: string | null;
  /** The prompt, when the jobs file is given. */
  prompt: string | null;
  /** The results file it came from. */
  shard: string;
}

/** One results file of several. */
export interface ShardRow {
  /** The results file's name. */
  name: string;
  /** Jobs in it. */
  jobs: number;
  /** Of them, ok. */
  ok: number;
  /** Of them, not ok. */
  notOk: number;
  /** Their cost. */
  costUsd: number;
  /** The longest job's wall time, in ms. */
  longestMs: number;
}

/** Everything a batch report shows. */
export interface BatchSummary {
  /** Jobs with a result. */
  jobs: number;
  /** Jobs in the jobs file with no result, when the jobs file is given. */
  missing: string[];
  /** Count by status, most first. */
  byStatus: [string, number][];
  /** Count by error kind of the jobs not ok, most first. */
  byErrorKind: [string, number][];
  /** Total cost. */
  costUsd: number;
  /** The ids of the jobs not ok, in order. */
  failedIds: string[];
  /** Jobs tried more than once. */
  retried: BatchRow[];
  /** The slowest jobs, slowest first (ten at most). */
  slowest: BatchRow[];
  /** The costliest jobs, costliest first (ten at most). */
  costliest: BatchRow[];
  /** A row per results file, when there are several. */
  shards: ShardRow[];
  /** Every job, in the order of the files. */
  rows: BatchRow[];
}

/** One results file, read. */
export interface ResultsFile {
  /** Its name, as the report shows it. */
  name: string;
  /** Its lines. */
  results: readonly ResultLine[];
}

/**
 * The summary of results files, a later line of a job replacing an earlier one unless the earlier
 * was ok (as `claw batch merge` keeps it).
 *
 * @example Two shards, one failed job
 * ```ts
 * import { deepStrictEqual, strictEqual } from "node:assert";
 * import { batchSummary } from "./batch_summary.ts";
 *
 * const summary = batchSummary([
 *   { name: "results-1.jsonl", results: [{ id: "a", status: "ok", cost_usd: 0.5, duration_ms: 10, attempts: 1 }] },
 *   { name: "results-2.jsonl", results: [{ id: "b", status: "failed", error_kind: "rate_limit", attempts: 3 }] },
 * ]);
 * deepStrictEqual(summary.byStatus, [["failed", 1], ["ok", 1]]);
 * deepStrictEqual(summary.failedIds, ["b"]);
 * strictEqual(summary.shards.length, 2);
 * ```
 */
export function batchSummary(
  files: readonly ResultsFile[],
  prompts: ReadonlyMap<string, string> = new Map(),
): BatchSummary {
  const byId = new Map<string, BatchRow>();
  for (const file of files) {
    for (const line of file.results) {
      const row = rowOf(line, file.name, prompts);
      const earlier = byId.get(row.id);
      if (earlier?.status === "ok" && row.status !== "ok") continue;
      byId.set(row.id, row);
    }
  }
  const rows = [...byId.values()];
  const notOk = rows.filter((row) => row.status !== "ok");
  const top = (by: (row: BatchRow) => number) =>
    [...rows].sort((a, b) => by(b) - by(a) || a.id.localeCompare(b.id)).slice(0, 10);
  return {
    jobs: rows.length,
    missing: [...prompts.keys()].filter((id) => !byId.has(id)),
    byStatus: counted(rows.map((row) => row.status)),
    byErrorKind: counted(notOk.map((row) => row.errorKind ?? "(none)")),
    costUsd: rows.reduce((sum, row) => sum + row.costUsd, 0),
    failedIds: notOk.map((row) => row.id),
    retried: rows.filter((row) => row.attempts > 1),
    slowest: top((row) => row.durationMs),
    costliest: top((row) => row.costUsd),
    shards: files.length < 2 ? [] : files.map((file) => shardRow(file.name, rows)),
    rows,
  };
}

function rowOf(line: ResultLine, shard: string, prompts: ReadonlyMap<string, string>): BatchRow {
  const usage: Record<string, unknown> = { ...line.usage };
  return {
    id: line.id,
    status: line.status,
    errorKind: text(line.error_kind),
    errorMessage: text(line.error_message),
    errorHint: text(line.error_hint),
    costUsd: number(line.cost_usd),
    durationMs: number(line.duration_ms),
    attempts: number(line.attempts),
    turns: number(line.turns),
    inputTokens: number(usage.input_tokens),
    outputTokens: number(usage.output_tokens),
    result: text(line.result),
    prompt: prompts.get(line.id) ?? null,
    shard,
  };
}

function shardRow(name: string, rows: readonly BatchRow[]): ShardRow {
  const own = rows.filter((row) => row.shard === name);
  return {
    name,
    jobs: own.length,
    ok: own.filter((row) => row.status === "ok").length,
    notOk: own.filter((row) => row.status !== "ok").length,
    costUsd: own.reduce((sum, row) => sum + row.costUsd, 0),
    longestMs: own.reduce((most, row) => Math.max(most, row.durationMs), 0),
  };
}

/** Each value and how often it occurs, most first, then by name. */
function counted(values: readonly string[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

function number(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) ? value : 0;
}

function text(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}
