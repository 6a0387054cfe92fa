/**
 * `claw report`'s work: reads the inputs, tells which report they make (a run, a session, a
 * cassette, a batch or a replay miss), and renders it as one self-contained HTML page, with the
 * same redaction as cassettes applied to everything it embeds.
 *
 * @module
 */
import { ndjsonFiles } from "../cassette/cassette_store.ts";
import { parseCassette, parseCassetteHeader } from "../cassette/cassette.ts";
import { redactText } from "../cassette/redact.ts";
import { requestRules } from "../cassette/request.ts";
import { VERSION } from "../version.ts";
import { batchPage, type JobRun } from "./batch_page.ts";
import { batchSummary } from "./batch_summary.ts";
import { cassetteItems, inputName, readInput, type ReportInput, usage } from "./inputs.ts";
import { missPage } from "./miss_page.ts";
import { missView } from "./miss_view.ts";
import { redactDeep } from "./redact_deep.ts";
import { compactRun, runPage } from "./run_page.ts";
import { runTimeline } from "./run_timeline.ts";

/** The kinds of report, by what they show. */
export const REPORT_KINDS = ["run", "session", "cassette", "batch", "miss"] as const;

/** One of {@linkcode REPORT_KINDS}. */
export type ReportKind = typeof REPORT_KINDS[number];

/** Options for {@linkcode buildReport}. */
export interface ReportOptions {
  /** The environment: where stored sessions are, and the secret values to redact. */
  env?: Record<string, string | undefined>;
  /** The working directory: whose stored sessions, and the path shown as `$CWD`. */
  cwd?: string;
  /** What the page says made it; `claw <version>` by default. */
  generatedBy?: string;
}

/**
 * What an input was taken for: a transcript, a cassette, a stored session, batch results, a jobs
 * file, a folder of cassettes, or a cassette miss.
 */
export type InputKind =
  | "transcript"
  | "cassette"
  | "session"
  | "results"
  | "jobs"
  | "cassettes"
  | "miss";

/** A report, rendered. */
export interface Report {
  /** Which kind of report the inputs made. */
  kind: ReportKind;
  /** The inputs, each with what it was taken for. */
  inputs: { name: string; kind: InputKind }[];
  /** The whole HTML document. */
  html: string;
}

/**
 * The report of `args` (paths, or a session id): one run or session, a cassette, one or more
 * batch results files (with the jobs file and a folder of the jobs' cassettes when given), or a
 * cassette miss (with the folder of cassettes when given). Inputs that make no one report are a
 * `usage` error that says what to give.
 *
 * @example The report of a recorded run
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { buildReport } from "./report.ts";
 *
 * const report = await buildReport(["fixtures/cassettes/2.1.332/tool_bash.ndjson"]);
 * strictEqual(report.kind, "cassette");
 * strictEqual(report.html.includes("Tool calls"), true);
 * ```
 */
export async function buildReport(
  args: readonly string[],
  options: ReportOptions = {},
): Promise<Report> {
  if (args.length === 0) throw usage("Give claw report at least one input");
  const env = options.env ?? Deno.env.toObject();
  const cwd = options.cwd ?? Deno.cwd();
  const inputs: ReportInput[] = [];
  for (const arg of args) inputs.push(await readInput(arg, { env, cwd }));
  const rules = requestRules({
    command: "claude",
    args: [],
    cwd,
    env: Object.fromEntries(
      Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined),
    ),
  });
  const generatedBy = options.generatedBy ?? `claw ${VERSION}`;
  const made = await render(inputs, generatedBy, rules);
  return {
    kind: made.kind,
    inputs: inputs.map((input) => ({ name: inputName(input), kind: input.kind })),
    html: made.html,
  };
}

async function render(
  inputs: readonly ReportInput[],
  generatedBy: string,
  rules: ReturnType<typeof requestRules>,
): Promise<{ kind: ReportKind; html: string }> {
  const of = <K extends ReportInput["kind"]>(kind: K) =>
    inputs.filter((input): input is Extract<ReportInput, { kind: K }> => input.kind === kind);
  const runs = inputs.filter((input) =>
    input.kind === "transcript" || input.kind === "cassette" || input.kind === "session"
  );
  const folders = of("cassettes");
  const results = of("results");
  const misses = of("miss");
  const jobs = of("jobs");

  if (runs.length === 1 && inputs.length === 1) {
    const run = runs[0] as Extract<ReportInput, { items: unknown }>;
    const kind = run.kind === "transcript" ? "run" : run.kind;
    const timeline = redactDeep(
      runTimeline(run.items, {
        prompts: run.prompts,
        userLinesArePrompts: "stored" in run && run.stored,
      }),
      rules,
    );
    const source = redactText(inputName(run), rules);
    return { kind, html: runPage(timeline, { kind, source, generatedBy }) };
  }
  if (results.length > 0 && runs.length === 0 && misses.length === 0 && jobs.length <= 1) {
    if (folders.length > 1) throw usage("Give a batch report one folder of the jobs' cassettes");
    const prompts = jobs[0]?.prompts ?? new Map<string, string>();
    const summary = redactDeep(
      batchSummary(
        // Shards by path: two shards' files may share a name in different folders
        results.map((input) => ({ name: redactText(input.path, rules), results: input.results })),
        prompts,
      ),
      rules,
    );
    const jobRuns = folders[0] ? await runsOfJobs(folders[0].path, rules) : undefined;
    return {
      kind: "batch",
      html: batchPage(summary, {
        sources: results.map((input) => redactText(inputName(input), rules)),
        generatedBy,
        ...(jobRuns ? { runs: jobRuns } : {}),
      }),
    };
  }
  if (
    misses.length === 1 && folders.length <= 1 && inputs.length === misses.length + folders.length
  ) {
    const miss = misses[0]!;
    const view = redactDeep(await missView(miss, folders[0]?.path), rules);
    const source = redactText(inputName(miss), rules);
    return { kind: "miss", html: missPage(view, { source, generatedBy }) };
  }
  const given = inputs.map((input) => `${inputName(input)} (${describe(input.kind)})`).join(", ");
  throw usage(
    `Cannot make one report of ${given}: give one transcript, cassette or session id; or batch results files (with their jobs file and a folder of the jobs' cassettes); or one cassette miss (with its folder of cassettes)`,
  );
}

/** The runs of a batch's jobs, from the cassettes `claw batch run --record DIR` saved. */
async function runsOfJobs(
  dir: string,
  rules: ReturnType<typeof requestRules>,
): Promise<Map<string, JobRun>> {
  const runs = new Map<string, JobRun>();
  for (const path of await ndjsonFiles(dir)) {
    const text = await Deno.readTextFile(path);
    const first = text.slice(0, text.indexOf("\n") === -1 ? undefined : text.indexOf("\n"));
    let jobId: string | undefined;
    try {
      jobId = parseCassetteHeader(first, path).job_id;
    } catch {
      continue; // not a cassette: nothing to link
    }
    if (jobId === undefined) continue;
    const { items, prompts } = cassetteItems(parseCassette(text, path));
    runs.set(jobId, { body: compactRun(redactDeep(runTimeline(items, { prompts }), rules)) });
  }
  return runs;
}

function describe(kind: InputKind): string {
  const words: Record<InputKind, string> = {
    transcript: "a transcript",
    cassette: "a cassette",
    session: "a session",
    results: "batch results",
    jobs: "a jobs file",
    cassettes: "a folder",
    miss: "a cassette miss",
  };
  return words[kind];
}
