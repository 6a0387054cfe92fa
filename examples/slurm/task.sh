#!/usr/bin/env bash
# One task of claw's Slurm array (submit.sh submits it): runs shard K+1 of TASKS of JOBS.jsonl,
# K being this task's id, into OUT_DIR/results-K.jsonl. With --shards, claw takes the task id
# itself as the 0-based shard, so the task submitted again alone (sbatch --array=K) keeps its
# shard; --resume skips the jobs already ok there, and goes on after a requeue.
#
# Usage: sbatch --array=0-2 task.sh JOBS.jsonl OUT_DIR TASKS
set -euo pipefail

jobs=$1 out=$2 tasks=$3
if ! command -v claw >/dev/null; then
  echo "task.sh: cannot find claw on PATH on $(hostname): install it where every node finds it" >&2
  exit 2
fi
exec claw batch run "$jobs" -o "$out/results-$SLURM_ARRAY_TASK_ID.jsonl" --shards "$tasks" \
  --concurrency "${SLURM_CPUS_PER_TASK:-4}" --resume
