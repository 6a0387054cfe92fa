/**
 * `claw cassette usage LOG… --cassettes DIR`: what a test suite did with a folder of cassettes,
 * from the usage logs its replays appended.
 *
 * @module
 */
import { usageReport } from "../cassette/usage_report.ts";
import { UsageError } from "./_args.ts";
import { type Flag, parseFlags } from "./_flags.ts";
import { checkFolder, checkInputFile } from "./_paths.ts";

const FLAGS: readonly Flag[] = [
  { name: "cassettes", option: "cassettes", type: "string", value: "DIR", help: "" },
  { name: "strict", option: "strict", type: "boolean", help: "" },
  { name: "json", option: "json", type: "boolean", help: "" },
];

/**
 * Runs `claw cassette usage` with `args`; exit 1 with `--strict` when a cassette went unused or
 * broke its `times`, or a run missed.
 *
 * @example
 * ```ts
 * import { rejects } from "node:assert";
 * import { runUsageCommand } from "./_cassette_usage.ts";
 *
 * await rejects(runUsageCommand(["usage.ndjson"]), /^UsageError: Missing --cassettes DIR/);
 * ```
 */
export async function runUsageCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(args, FLAGS, { command: "claw cassette usage" });
  const cassettes = values.cassettes as string | undefined;
  if (positionals.length === 0) {
    throw new UsageError("Missing LOG: pass the usage log replays wrote (CLAW_CASSETTE_USAGE)");
  }
  if (cassettes === undefined) {
    throw new UsageError("Missing --cassettes DIR: name the folder of cassettes the log is about");
  }
  await checkFolder("--cassettes", cassettes, "the folder of cassettes the runs replayed");
  for (const log of positionals) {
    await checkInputFile("", log, "a usage log (set CLAW_CASSETTE_USAGE=FILE while tests run)");
  }
  const report = await usageReport({ logs: positionals, cassettes });
  const problems = report.unused.length + report.times.length + report.misses.length;
  if (values.json === true) {
    console.log(JSON.stringify(report));
  } else {
    const lines = [
      `claw cassette usage: ${report.runs} run(s) over ${report.cassette_count} cassette(s) in ${cassettes}: ${
        problems === 0 ? "every cassette used, no miss" : `${problems} problem(s)`
      }`,
      ...report.unused.map((path) => `unused: ${path}`),
      ...report.times.map((t) => `times: ${t.path} served ${t.served}, allows ${t.times}`),
      ...report.misses.map((miss) =>
        `missed${miss.count > 1 ? ` ${miss.count}×` : ""}: ${
          JSON.stringify(miss.argv)
        }: ${miss.message}`
      ),
    ];
    console.error(lines.join("\n"));
  }
  return values.strict === true && problems > 0 ? 1 : 0;
}
