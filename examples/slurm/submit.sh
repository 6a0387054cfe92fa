#!/usr/bin/env bash
# Submits claw batch to Slurm: an array of TASKS tasks, task K running shard K+1 of TASKS of
# JOBS.jsonl into OUT_DIR/results-K.jsonl, and a merge job that starts once every task ended ok
# (--dependency=afterok) and writes OUT_DIR/results.jsonl. Prints the merge job's id last.
#
# Usage: submit.sh JOBS.jsonl OUT_DIR TASKS [IDS]
#   IDS  the task ids to submit (default 0-(TASKS-1)). A task that failed runs again alone with
#        its id (submit.sh JOBS.jsonl OUT_DIR TASKS 1): claw batch run --resume skips the jobs
#        already ok in its results file; a new merge waits for it.
#
# OUT_DIR must be on storage every node shares. Each task runs `claw` from PATH with the
# environment of this shell (sbatch --export=ALL): set CLAUDE_CODE_OAUTH_TOKEN (claude
# setup-token) or ANTHROPIC_API_KEY before, never in a script. CLAW_CONCURRENCY (default 4) is
# the CPUs each task asks for and the jobs it runs at once; sbatch's own variables (SBATCH_PARTITION,
# SBATCH_TIMELIMIT, SBATCH_ACCOUNT, …) apply to the tasks and the merge.
set -euo pipefail

fail() {
  echo "submit.sh: $*" >&2
  exit 2
}

[ $# -ge 3 ] && [ $# -le 4 ] || fail "Usage: submit.sh JOBS.jsonl OUT_DIR TASKS [IDS]"
jobs=$1 out=$2 tasks=$3
[[ $tasks =~ ^[1-9][0-9]*$ ]] || fail "Invalid TASKS \"$tasks\": it must be a whole number of at least 1"
ids=${4:-0-$((tasks - 1))}
[[ $ids =~ ^[0-9]+(-[0-9]+)?(,[0-9]+(-[0-9]+)?)*$ ]] ||
  fail "Invalid IDS \"$ids\": name task ids from 0 to $((tasks - 1)), like 1 or 0,2 or 0-$((tasks - 1))"
concurrency=${CLAW_CONCURRENCY:-4}
[[ $concurrency =~ ^[1-9][0-9]*$ ]] ||
  fail "Invalid CLAW_CONCURRENCY \"$concurrency\": it must be a whole number of at least 1"
[ -f "$jobs" ] && [ -r "$jobs" ] || fail "Cannot read JOBS \"$jobs\": pass the jobs file (one JSON job per line)"
command -v sbatch >/dev/null || fail "Cannot find sbatch on PATH: run this on a Slurm login node"
command -v claw >/dev/null ||
  fail "Cannot find claw on PATH: install it (deno task compile) where every node finds it, and add it to PATH"
if [ -z "${CLAUDE_CODE_OAUTH_TOKEN:-}${ANTHROPIC_API_KEY:-}" ]; then
  echo "submit.sh: warning: neither CLAUDE_CODE_OAUTH_TOKEN nor ANTHROPIC_API_KEY is set: the tasks will need a stored login" >&2
fi

here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out/logs"
# The tasks run on other nodes: give them absolute paths.
jobs=$(cd "$(dirname "$jobs")" && pwd)/$(basename "$jobs")
out=$(cd "$out" && pwd)

# --parsable prints "id" (or "id;cluster" in a federation).
array=$(sbatch --parsable --export=ALL --job-name=claw-batch --array="$ids" \
  --cpus-per-task="$concurrency" --output="$out/logs/task-%A_%a.log" \
  "$here/task.sh" "$jobs" "$out" "$tasks")
array=${array%%;*}
merge=$(sbatch --parsable --export=ALL --job-name=claw-batch-merge \
  --dependency="afterok:$array" --kill-on-invalid-dep=yes --output="$out/logs/merge-%j.log" \
  "$here/merge.sh" "$jobs" "$out" "$tasks")
merge=${merge%%;*}

echo "tasks: job $array, array $ids of $tasks shards, logs in $out/logs"
echo "merge: job $merge writes $out/results.jsonl once every task ended ok"
echo "$merge"
