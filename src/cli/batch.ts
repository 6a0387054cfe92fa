/**
 * `claw batch`: many prompts through a bounded pool (`run`), and the results of shards merged
 * (`merge`). A thin layer over `src/batch/`.
 *
 * @module
 */
import { UsageError } from "./_args.ts";

/** Help for `claw batch`. */
export const help =
  `Usage: claw batch run JOBS.jsonl -o RESULTS.jsonl [--concurrency N] [--resume] [--shard I/N]
                      [--max-cost USD] [--retries N] [--failure-threshold P] [run options]
       claw batch merge RESULTS.jsonl... -o ALL.jsonl --jobs JOBS.jsonl [--json]

Runs many prompts through claude, a few at a time, with a result line per job written as each
job ends (appended and synced: a crash loses no finished job).

A job line: {"id": "a1", "prompt": "…", …}, with any of model, fallbackModel, cwd, allowedTools,
disallowedTools, tools, maxTurns, maxBudgetUsd, jsonSchema, systemPrompt, appendSystemPrompt,
permissionMode, resume, addDirs, settings, mcpConfig, timeoutMs. Every line is checked before
anything runs: a missing or duplicate id, an unknown field or a bad value is named with its line.

A result line: {"id", "status": "ok"|"failed"|"skipped"|"aborted", "error_kind", "error_hint",
"error_message", "result", "structured_output", "session_id", "cost_usd", "usage", "turns",
"duration_ms", "attempts", "line"}. A job is one prompt; "turns" is the CLI's num_turns, the job's
round trips to the model (a tool call costs one more).

run:
  -o, --output FILE          The results file (required). It must not hold results yet, unless
                             --resume: then jobs already ok are skipped and the rest run again.
                             One batch at a time: FILE.lock names the pid of the batch writing it
  --concurrency N            Jobs at once (default 4). Each worker has its own CLAUDE_CONFIG_DIR
                             and TMPDIR, so concurrent CLIs never share .claude.json or a login
  --retries N                Extra attempts for rate_limit, overloaded, provider_internal and
                             hang failures, with exponential backoff (default 2)
  --retry-delay SECONDS      The first retry's delay, doubled each time (default 2)
  --max-cost USD             Start no job once this much was spent; the rest are skipped
  --failure-threshold P      Stop once this share (0-1) of at least 10 finished jobs failed
  --shard I/N                Run only the jobs of shard I of N (a stable hash of the id); also
                             from CLAW_SHARD, JOB_COMPLETION_INDEX with --shards N, or a Slurm
                             array task: SLURM_ARRAY_TASK_ID less SLURM_ARRAY_TASK_MIN, of
                             SLURM_ARRAY_TASK_COUNT. A shard from the environment is said on
                             stderr, with the variables read
  --shards N                 The shard count for JOB_COMPLETION_INDEX (a Kubernetes Indexed Job)
                             or SLURM_ARRAY_TASK_ID, which is then the 0-based shard itself, so
                             a task submitted again alone (sbatch --array=K) keeps its shard
  --record DIR, --replay DIR Record each job as DIR/<id>.ndjson, or replay it from there (an id
                             too long for a file name is shortened and hashed)
  --batch-dir DIR            Keep the workers' dirs (and their sessions) here (default: a
                             temporary folder, removed at the end)
  --prewarm                  Each worker starts its next job's claude while the current job
                             runs (at most two per worker), hiding the CLI's start-up; a job
                             with its own options it cannot take starts cold. Not with --record
                             or --replay
  --report FILE              Write the batch's HTML report (claw report) at the end, also after
                             Ctrl-C or SIGTERM, for what finished; each job links to its run
                             with --record or --replay
  --json                     Print a summary object at the end
  Any claw run option (--model, --max-turns, --allowed-tools, …) is a default for every job.

merge: checks that every job of --jobs appears exactly once across the shards' results, names
the missing, duplicate and unknown ids, sums cost and usage, writes one result per job to -o.

On a terminal a progress line shows done, failed, running, cost, rate and ETA. Ctrl-C or SIGTERM
stops starting jobs, aborts the running ones (their results say aborted), reaps every process
and exits; run again with --resume to go on.

Exit codes: 0 every job ok (merge: complete); 1 any job not ok (merge: incomplete); 2 usage error.

Examples:
  claw batch run jobs.jsonl -o results.jsonl --concurrency 4 --model sonnet
  claw batch run jobs.jsonl -o results.jsonl --resume
  claw batch run jobs.jsonl -o results.jsonl --report report.html
  CLAW_SHARD=2/3 claw batch run jobs.jsonl -o results-2.jsonl
  sbatch --array=0-2 --wrap 'claw batch run jobs.jsonl -o results-$SLURM_ARRAY_TASK_ID.jsonl'
  claw batch merge results-*.jsonl -o all.jsonl --jobs jobs.jsonl
`;

/** Runs `claw batch` with `args`; returns the exit code. */
export async function run(args: string[]): Promise<number> {
  // The subcommand may follow flags (`claw batch --json merge …`), but not their values.
  const named = args.findIndex((arg) => arg === "run" || arg === "merge");
  const at = named === -1 ? args.findIndex((arg) => !arg.startsWith("-")) : named;
  const kind = at === -1 ? undefined : args[at];
  const rest = at === -1 ? args : [...args.slice(0, at), ...args.slice(at + 1)];
  switch (kind) {
    case "run": {
      const batch = await import("./_batch_run.ts");
      return await batch.runBatchCommand(rest);
    }
    case "merge": {
      const merge = await import("./_batch_merge.ts");
      return await merge.runMergeCommand(rest);
    }
    case undefined:
      throw new UsageError("Missing subcommand: use run or merge");
    default:
      throw new UsageError(`Unknown subcommand "${kind}": use run or merge`);
  }
}
