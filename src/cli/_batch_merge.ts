/**
 * `claw batch merge`: the shards' results checked against the jobs file and merged into one.
 *
 * @module
 */
import { mergeResults } from "../batch/merge.ts";
import { UsageError } from "./_args.ts";
import { type Flag, parseFlags } from "./_flags.ts";
import { checkInputFile, checkOutputPath } from "./_paths.ts";

const FLAGS: readonly Flag[] = [
  { name: "output", short: "o", option: "output", type: "string", value: "FILE", help: "" },
  { name: "jobs", option: "jobs", type: "string", value: "FILE", help: "" },
  { name: "json", option: "json", type: "boolean", help: "" },
];

/**
 * Runs `claw batch merge` with `args`; exit 0 when every job appears exactly once.
 *
 * @example
 * ```ts
 * import { rejects } from "node:assert";
 * import { runMergeCommand } from "./_batch_merge.ts";
 *
 * await rejects(runMergeCommand(["r.jsonl", "-o", "all.jsonl"]), /^UsageError: Missing --jobs/);
 * ```
 */
export async function runMergeCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(args, FLAGS);
  const output = values.output as string | undefined;
  const jobs = values.jobs as string | undefined;
  if (positionals.length === 0) {
    throw new UsageError("Missing RESULTS: pass the shards' results files");
  }
  if (output === undefined) throw new UsageError("Missing -o FILE: name the merged results file");
  if (jobs === undefined) {
    throw new UsageError("Missing --jobs FILE: name the jobs file the shards ran");
  }
  await checkInputFile("--jobs", jobs, "the JOBS file the shards ran");
  for (const path of positionals) {
    await checkInputFile("", path, "a results file of claw batch run");
  }
  await checkOutputPath("-o", output);
  const report = await mergeResults({ inputs: positionals, jobs, output });
  if (values.json === true) {
    console.log(JSON.stringify(report));
  } else {
    const name = (ids: string[]) =>
      ids.slice(0, 10).map((id) => `"${id}"`).join(", ") +
      (ids.length > 10 ? ` and ${ids.length - 10} more` : "");
    const lines = [
      `claw batch merge: ${report.results}/${report.jobs} jobs, ${report.ok} ok, $${
        report.cost_usd.toFixed(4)
      } → ${output}`,
      report.missing.length ? `missing: ${name(report.missing)}` : "",
      report.duplicates.length ? `duplicate: ${name(report.duplicates)}` : "",
      report.unknown.length ? `not in the jobs file: ${name(report.unknown)}` : "",
      report.failed.length ? `not ok: ${name(report.failed)}` : "",
    ];
    console.error(lines.filter(Boolean).join("\n"));
  }
  return report.complete ? 0 : 1;
}
