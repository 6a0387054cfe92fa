/**
 * `claw report`: one self-contained HTML page for a run, a session, a cassette, a batch or a
 * replay miss.
 *
 * @module
 */
import { messageOf } from "../errors/message_of.ts";
import { writeAtomic } from "../process/write_atomic.ts";
import { buildReport } from "../report/report.ts";
import { UsageError } from "./_args.ts";
import { type Flag, flagHelp, parseFlags } from "./_flags.ts";
import { checkOutputPath } from "./_paths.ts";

const FLAGS: readonly Flag[] = [
  {
    name: "output",
    short: "o",
    option: "output",
    type: "string",
    value: "FILE",
    help: "Where to write the page (default: report.html)",
  },
  { name: "open", option: "open", type: "boolean", help: "Open the page in the default browser" },
  {
    name: "json",
    option: "json",
    type: "boolean",
    help: "Print what was written as one JSON object: path, kind, bytes, inputs",
  },
  { name: "help", short: "h", option: "help", type: "boolean", help: "Show this help" },
];

/** Help for `claw report`. */
export const help = `Usage: claw report INPUT… [-o report.html] [--open] [--json]

Write one self-contained HTML page (every byte inline: it opens from disk or as a CI artifact,
with no network) that shows a run, a session, a cassette, a batch or a replay miss. claw tells
each INPUT by its content, and says what it took it for:

  a stream-json transcript  claw run --output stream-json, claude -p --output-format stream-json
                            --verbose, or a stored session's .jsonl: a run report
  a cassette                a run report, timed by the cassette's record times
  a session id              the CLI's stored session (as claw session show reads it)
  batch results             one results file, or one per shard (claw batch run -o), with the
                            jobs file and the folder of the jobs' cassettes (--record DIR) when
                            given: a batch report, each job linked to its run
  a cassette miss           the error's JSON (--json), the failing run's output, or a usage log's
                            missed line, with the folder of cassettes: a replay-miss report

Secrets never reach the page: what it embeds is redacted as cassettes are (API keys, tokens, the
values of secret variables in the environment, HOME and the working directory).

Options:
${flagHelp(FLAGS)}

Exit codes: 0 written; 1 the page could not be written; 2 usage error (an input that cannot be
read or told apart, inputs that make no one report, an output path that cannot be written).

Examples:
  claw run --output stream-json "Fix the tests" > run.ndjson && claw report run.ndjson --open
  claw report cassettes/hello.ndjson -o hello.html
  claw report results-1.jsonl results-2.jsonl jobs.jsonl cassettes/ -o batch.html
  claw replay --cassettes cassettes -- -p "hi" 2> miss.txt; claw report miss.txt cassettes
`;

/** What `claw report --json` prints. */
export interface ReportSummary {
  /** The page written. */
  path: string;
  /** The kind of report. */
  kind: string;
  /** Its size in bytes. */
  bytes: number;
  /** Each input and what it was taken for. */
  inputs: { name: string; kind: string }[];
}

/** Runs `claw report` with `args`. */
export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(args, FLAGS, { command: "claw report" });
  if (positionals.length === 0) {
    throw new UsageError(
      "Give claw report an input: a transcript, cassette, session id, results file or miss",
    );
  }
  const output = typeof values.output === "string" ? values.output : "report.html";
  await checkOutputPath("--output", output);
  const report = await buildReport(positionals);
  const bytes = new TextEncoder().encode(report.html);
  await writeAtomic(output, report.html);
  const summary: ReportSummary = {
    path: output,
    kind: report.kind,
    bytes: bytes.length,
    inputs: report.inputs,
  };
  if (values.json === true) console.log(JSON.stringify(summary));
  else {
    const taken = report.inputs.map((input) => `${input.name} as ${input.kind}`).join(", ");
    console.error(
      `claw report: ${report.kind} report of ${taken}: ${output} (${bytes.length} bytes)`,
    );
  }
  if (values.open === true) await openInBrowser(output);
  return 0;
}

/** Opens `path` with the system's opener; a failure to open is a warning, the page is written. */
async function openInBrowser(path: string): Promise<void> {
  const [program, ...args] = Deno.build.os === "darwin"
    ? ["open", path]
    : Deno.build.os === "windows"
    ? ["explorer.exe", path] // not cmd /c start, which would act on & in the path
    : ["xdg-open", path];
  try {
    const child = new Deno.Command(program!, {
      args,
      stdin: "null",
      stdout: "null",
      stderr: "null",
    })
      .spawn();
    const timer = setTimeout(() => child.kill(), 10_000);
    const status = await child.status;
    clearTimeout(timer);
    if (!status.success) throw new Error(`${program} exited ${status.code}`);
  } catch (error) {
    console.error(
      `claw report: warning: cannot open "${path}" (${
        messageOf(error)
      }): open it in a browser yourself`,
    );
  }
}
