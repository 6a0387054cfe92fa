#!/usr/bin/env bash
# The merge job (submit.sh submits it after the array, --dependency=afterok): checks that every
# job of JOBS.jsonl came back exactly once across the tasks' results files (exit 1 otherwise,
# naming the missing and duplicate ids) and writes OUT_DIR/results.jsonl.
#
# Usage: sbatch --dependency=afterok:ARRAY_JOB merge.sh JOBS.jsonl OUT_DIR TASKS
set -euo pipefail

jobs=$1 out=$2 tasks=$3
results=()
for ((k = 0; k < tasks; k++)); do results+=("$out/results-$k.jsonl"); done
exec claw batch merge "${results[@]}" -o "$out/results.jsonl" --jobs "$jobs"
