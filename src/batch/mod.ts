/**
 * Many prompts: a jobs file (JSONL, one prompt and its options per line), `runBatch` (a pool of
 * `claude` processes with retries by error kind, a deadline and a cost cap), the results file and
 * its writer, shards (by a stable hash of each job id, so machines split one file without
 * talking: `--shard I/N`, `JOB_COMPLETION_INDEX`, `SLURM_ARRAY_TASK_ID`) and merging shards.
 *
 * @example Which shard a job belongs to
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { inShard, parseShard } from "./mod.ts";
 *
 * const shards = [parseShard("1/2"), parseShard("2/2")];
 * strictEqual(shards.filter((shard) => inShard("job-1", shard)).length, 1);
 * ```
 *
 * @module
 */
export {
  type BatchOptions,
  type BatchProgress,
  RETRYABLE_KINDS,
  runBatch,
  type StopReason,
} from "./run_batch.ts";
export {
  BatchInputError,
  type BatchJob,
  checkJobs,
  type CheckJobsOptions,
  JOB_FIELDS,
  type JobCounts,
  type JobOptions,
  parseJobLine,
  readJobs,
} from "./job.ts";
export {
  type BatchResult,
  type BatchUsage,
  emptyUsage,
  type JobStatus,
  readResults,
  ResultWriter,
  type ResultWriterOptions,
} from "./result.ts";
export { type MergeOptions, type MergeReport, mergeResults } from "./merge.ts";
export {
  chooseShard,
  inShard,
  parseShard,
  type Shard,
  type ShardChoice,
  shardFromEnv,
  shardOf,
  type ShardOptions,
} from "./shard.ts";
