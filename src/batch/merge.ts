/**
 * Merging the results files of a sharded batch into one, in the order of the jobs file, and
 * checking that every job has exactly one result.
 *
 * @module
 */
import { BatchInputError } from "./batch_input_error.ts";
import { readJobs } from "./job.ts";
import { type BatchResult, type BatchUsage, emptyUsage } from "./result.ts";
import { _resultLine, _resultLines } from "./_result_format.ts";
import { _show } from "./_show.ts";
import { writeAtomic } from "../process/write_atomic.ts";

/** Options of {@linkcode mergeResults}. */
export interface MergeOptions {
  /** The results files to merge, one per shard. */
  inputs: string[];
  /** The jobs file the shards ran. */
  jobs: string;
  /** Where to write the merged results (replaced atomically). */
  output: string;
}

/**
 * What {@linkcode mergeResults} found. `jobs` = `ok` + `failed.length` + `missing.length`. The
 * costs and tokens are those of the merged results, one per job.
 */
export interface MergeReport {
  /** No job missing, none duplicated, no result for a job not in the jobs file. */
  complete: boolean;
  /** Jobs in the jobs file. */
  jobs: number;
  /** Results written to the output: one per job that has one. */
  results: number;
  /** Ids of jobs with no result in any input, in jobs file order. */
  missing: string[];
  /**
   * Ids of jobs with results in more than one input, or `ok` twice in one input, in jobs file
   * order (or first seen, for unknown ids).
   */
  duplicates: string[];
  /** Ids with results that are not in the jobs file, in the order first seen. */
  unknown: string[];
  /** Ids of jobs whose merged result is not `ok` (`failed`, `skipped` or `aborted`), in order. */
  failed: string[];
  /** What the merged results cost, in US dollars. */
  cost_usd: number;
  /** The merged results' token counts, summed. */
  usage: BatchUsage;
  /** Jobs whose merged result is `ok`. */
  ok: number;
}

/**
 * Merges the results files of the shards of one batch (`inputs`) into `output`: one line per job
 * of `jobs` that has a result, in the jobs file's order, written atomically (a temp file renamed
 * over `output`, which may be one of the inputs). Within one input the last line for an id wins,
 * as on `--resume`. A job with results in two inputs is a duplicate (the merged line is an `ok`
 * one if any, else the first input's). The report says what is missing, duplicated or unknown;
 * the merge is `complete` only when nothing is. Throws a `BatchInputError` for an unreadable or
 * malformed jobs or results file, or a jobs file with duplicate ids.
 *
 * @example Merge two shards' results
 * ```ts
 * import { deepStrictEqual, strictEqual } from "node:assert";
 * import { mergeResults } from "./merge.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/jobs.jsonl`, ["a", "b", "c"]
 *   .map((id) => JSON.stringify({ id, prompt: `Prompt ${id}` })).join("\n"));
 * await Deno.writeTextFile(`${dir}/1.jsonl`, '{"id": "c", "status": "ok", "cost_usd": 0.5}\n');
 * await Deno.writeTextFile(`${dir}/2.jsonl`, '{"id": "a", "status": "failed", "cost_usd": 0.25}\n');
 * const report = await mergeResults({
 *   inputs: [`${dir}/1.jsonl`, `${dir}/2.jsonl`],
 *   jobs: `${dir}/jobs.jsonl`,
 *   output: `${dir}/merged.jsonl`,
 * });
 * strictEqual(report.complete, false);
 * deepStrictEqual(report.missing, ["b"]);
 * deepStrictEqual(report.failed, ["a"]);
 * strictEqual(report.cost_usd, 0.75);
 * const merged = (await Deno.readTextFile(`${dir}/merged.jsonl`)).trim().split("\n");
 * deepStrictEqual(merged.map((line) => JSON.parse(line).id), ["a", "c"]);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function mergeResults(options: MergeOptions): Promise<MergeReport> {
  const jobLines = new Map<string, number>();
  for await (const job of readJobs(options.jobs)) {
    const first = jobLines.get(job.id);
    if (first !== undefined) {
      throw new BatchInputError(
        `${options.jobs}:${job.line}: duplicate id ${_show(job.id)} (first on line ${first})`,
        { path: options.jobs, line: job.line, hint: "Give every job a unique id" },
      );
    }
    jobLines.set(job.id, job.line);
  }

  const merged = new Map<string, BatchResult>();
  const duplicates = new Set<string>();
  const unknown = new Set<string>();
  for (const input of options.inputs) {
    const latest = new Map<string, BatchResult>();
    const ok = new Set<string>();
    for await (const { result } of _resultLines(input)) {
      latest.set(result.id, result);
      if (result.status !== "ok") continue;
      if (ok.has(result.id)) duplicates.add(result.id);
      ok.add(result.id);
    }
    for (const [id, result] of latest) {
      if (!jobLines.has(id)) unknown.add(id);
      const earlier = merged.get(id);
      if (earlier === undefined) {
        merged.set(id, result);
        continue;
      }
      duplicates.add(id);
      if (earlier.status !== "ok" && result.status === "ok") merged.set(id, result);
    }
  }

  const report: MergeReport = {
    complete: false,
    jobs: jobLines.size,
    results: 0,
    missing: [],
    duplicates: [],
    unknown: [...unknown],
    failed: [],
    cost_usd: 0,
    usage: emptyUsage(),
    ok: 0,
  };
  const lines: string[] = [];
  for (const id of jobLines.keys()) {
    if (duplicates.has(id)) report.duplicates.push(id);
    const result = merged.get(id);
    if (result === undefined) {
      report.missing.push(id);
      continue;
    }
    lines.push(_resultLine(result));
    if (result.status === "ok") report.ok++;
    else report.failed.push(id);
    report.cost_usd += result.cost_usd;
    for (const key of Object.keys(report.usage) as (keyof BatchUsage)[]) {
      report.usage[key] += result.usage[key];
    }
  }
  for (const id of duplicates) if (!jobLines.has(id)) report.duplicates.push(id);
  report.results = lines.length;
  report.complete = report.missing.length === 0 && report.duplicates.length === 0 &&
    report.unknown.length === 0;
  await writeAtomic(options.output, lines);
  return report;
}
