/**
 * The jobs of `claw batch`: a JSONL file, one job per line, each a prompt with a unique id and the
 * run options it sets, read and checked as a stream.
 *
 * ```jsonl
 * {"id": "readme", "prompt": "Summarise README.md", "cwd": "repos/a", "maxTurns": 3}
 * {"id": "license", "prompt": "Which license is this?", "model": "haiku"}
 * ```
 *
 * @module
 */
import { InvalidOptionError } from "../errors/claw_error.ts";
import type { Line } from "../protocol/line_stream.ts";
import { type RunOptions, validateRunOptions } from "../session/run_options.ts";
import { BatchInputError } from "./batch_input_error.ts";
import { _cannotRead, _openLines, _unreadable } from "./_lines.ts";
import { _checkJobOptions } from "./_job_options.ts";
import { _show as show } from "./_show.ts";
import { inShard, type Shard } from "./shard.ts";

export { BatchInputError } from "./batch_input_error.ts";

/** The run options a job may set; the batch's own options fill in the rest. */
export type JobOptions = Pick<
  RunOptions,
  | "model"
  | "fallbackModel"
  | "cwd"
  | "allowedTools"
  | "disallowedTools"
  | "tools"
  | "maxTurns"
  | "maxBudgetUsd"
  | "jsonSchema"
  | "systemPrompt"
  | "appendSystemPrompt"
  | "permissionMode"
  | "resume"
  | "addDirs"
  | "settings"
  | "mcpConfig"
  | "timeoutMs"
>;

/**
 * Every field a job line may have: `id`, `prompt` and the {@linkcode JobOptions}, named as in
 * `RunOptions`.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { JOB_FIELDS } from "./job.ts";
 *
 * const fields: readonly string[] = JOB_FIELDS;
 * ok(fields.includes("maxTurns") && !fields.includes("spawner"));
 * ```
 */
export const JOB_FIELDS = [
  "id",
  "prompt",
  "model",
  "fallbackModel",
  "cwd",
  "allowedTools",
  "disallowedTools",
  "tools",
  "maxTurns",
  "maxBudgetUsd",
  "jsonSchema",
  "systemPrompt",
  "appendSystemPrompt",
  "permissionMode",
  "resume",
  "addDirs",
  "settings",
  "mcpConfig",
  "timeoutMs",
] as const satisfies readonly ("id" | "prompt" | keyof JobOptions)[];

/** One job of a batch. */
export interface BatchJob {
  /** Unique within the jobs file: results are matched to jobs by it. */
  id: string;
  /** The prompt to run. */
  prompt: string;
  /** The run options this job sets. */
  options: JobOptions;
  /** Its 1-based line number in the jobs file. */
  line: number;
}

/** How many jobs {@linkcode checkJobs} found. */
export interface JobCounts {
  /** Jobs in the file. */
  total: number;
  /** Jobs in the shard (all of them without a shard). */
  inShard: number;
}

/** Options of {@linkcode checkJobs}. */
export interface CheckJobsOptions {
  /** Count the jobs of this shard in `inShard`. */
  shard?: Shard | undefined;
}

const JOBS_HINT =
  'Fix the jobs file: one JSON object per line, like {"id": "a", "prompt": "…"}; nothing was started';
const MAX_LISTED = 20;

/**
 * Parses one line of a jobs file (`line` is its 1-based number). Throws a
 * {@linkcode BatchInputError} naming the line when the text is not a JSON object, lacks a
 * non-empty string `id` or `prompt`, has a field not in {@linkcode JOB_FIELDS} (suggesting the
 * one it likely meant) or a value the run would refuse (a `cwd` must be an existing folder).
 *
 * @example Parse a job, refuse a typo
 * ```ts
 * import { deepStrictEqual, throws } from "node:assert";
 * import { parseJobLine } from "./job.ts";
 *
 * const job = parseJobLine('{"id": "a", "prompt": "Hi", "maxTurns": 2}', 7);
 * deepStrictEqual(job, { id: "a", prompt: "Hi", options: { maxTurns: 2 }, line: 7 });
 *
 * throws(
 *   () => parseJobLine('{"id": "a", "prompt": "Hi", "modle": "haiku"}', 3),
 *   /^BatchInputError: Line 3: unknown field "modle": did you mean "model"\?/,
 * );
 * ```
 */
export function parseJobLine(text: string, line: number): BatchJob {
  const job = toJob(text, line);
  if (typeof job === "string") {
    throw new BatchInputError(`Line ${line}: ${job}`, { line, hint: JOBS_HINT });
  }
  return job;
}

/**
 * Streams the jobs of the JSONL file at `path`, one line at a time (the file is never loaded
 * whole). Blank lines are skipped but counted in `line`. Throws a {@linkcode BatchInputError} at
 * the first line that is not a valid job (`jobs.jsonl:12: missing prompt`) or when the file
 * cannot be read. Ids are not checked for duplicates here: {@linkcode checkJobs} does that.
 *
 * @example Read the jobs of a file
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { readJobs } from "./job.ts";
 *
 * const path = await Deno.makeTempFile({ suffix: ".jsonl" });
 * await Deno.writeTextFile(path, '{"id": "a", "prompt": "One"}\n\n{"id": "b", "prompt": "Two"}\n');
 * const jobs = await Array.fromAsync(readJobs(path));
 * deepStrictEqual(jobs.map((job) => [job.id, job.line]), [["a", 1], ["b", 3]]);
 * await Deno.remove(path);
 * ```
 */
export async function* readJobs(path: string): AsyncGenerator<BatchJob> {
  for await (const line of await openJobs(path)) {
    const job = lineToJob(line);
    if (typeof job === "string") {
      throw new BatchInputError(`${path}:${line.lineNumber}: ${job}`, {
        path,
        line: line.lineNumber,
        hint: JOBS_HINT,
      });
    }
    yield job;
  }
}

/**
 * Checks the whole jobs file at `path` in one streaming pass, before anything runs: every line is
 * a valid job and every id is unique. Only the ids are kept in memory. Throws one
 * {@linkcode BatchInputError} listing every problem, up to 20 then `and N more`, each as
 * `jobs.jsonl:12: duplicate id "a" (first on line 3)`. Returns how many jobs there are, in all and
 * in `options.shard`.
 *
 * @example Count the jobs, or list every problem
 * ```ts
 * import { deepStrictEqual, rejects } from "node:assert";
 * import { checkJobs } from "./job.ts";
 *
 * const path = await Deno.makeTempFile({ suffix: ".jsonl" });
 * await Deno.writeTextFile(path, '{"id": "a", "prompt": "One"}\n{"id": "b", "prompt": "Two"}\n');
 * deepStrictEqual(await checkJobs(path), { total: 2, inShard: 2 });
 *
 * await Deno.writeTextFile(path, '{"id": "a", "prompt": "One"}\n{"id": "a"}\n{"id": "a", "prompt": "Two"}\n');
 * await rejects(checkJobs(path), (error: Error) =>
 *   error.message.includes(`${path}:2: missing prompt`) &&
 *   error.message.includes(`${path}:3: duplicate id "a" (first on line 1)`));
 * await Deno.remove(path);
 * ```
 */
export async function checkJobs(path: string, options: CheckJobsOptions = {}): Promise<JobCounts> {
  const { shard } = options;
  const firstLines = new Map<string, number>();
  const problems: { line: number; text: string }[] = [];
  let unlisted = 0;
  let total = 0;
  let inTheShard = 0;
  const report = (line: number, problem: string) => {
    if (problems.length < MAX_LISTED) problems.push({ line, text: `${path}:${line}: ${problem}` });
    else unlisted++;
  };
  for await (const line of await openJobs(path)) {
    total++;
    const job = lineToJob(line);
    if (typeof job === "string") {
      report(line.lineNumber, job);
      continue;
    }
    const first = firstLines.get(job.id);
    if (first !== undefined) {
      report(line.lineNumber, `duplicate id ${show(job.id)} (first on line ${first})`);
      continue;
    }
    firstLines.set(job.id, line.lineNumber);
    if (shard === undefined || inShard(job.id, shard)) inTheShard++;
  }
  const [only] = problems;
  if (only !== undefined && problems.length === 1) {
    throw new BatchInputError(only.text, { path, line: only.line, hint: JOBS_HINT });
  }
  if (problems.length > 1) {
    const listed = problems.map((problem) => problem.text);
    const more = unlisted > 0 ? [`and ${unlisted} more`] : [];
    throw new BatchInputError(
      `The jobs file "${path}" has ${problems.length + unlisted} problems: fix them, then rerun\n${
        [...listed, ...more].join("\n")
      }`,
      { path, problems: listed, hint: JOBS_HINT },
    );
  }
  return { total, inShard: inTheShard };
}

/** The lines of the jobs file, or a {@linkcode BatchInputError} saying why it cannot be read. */
async function openJobs(path: string): Promise<ReadableStream<Line>> {
  try {
    return await _openLines(path);
  } catch (error) {
    throw new BatchInputError(_cannotRead("jobs file", path, error), {
      path,
      hint: "Pass the path of a JSONL file with one job per line",
      cause: error,
    });
  }
}

function lineToJob(line: Line): BatchJob | string {
  return _unreadable(line) ?? toJob(line.text, line.lineNumber);
}

/** The job on line `line`, or what is wrong with it. */
function toJob(text: string, line: number): BatchJob | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return `not valid JSON (${(error as Error).message}): write one JSON object per line`;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return `expected a JSON object like {"id": "a", "prompt": "…"}, got ${kindOf(value)}`;
  }
  const fields = value as Record<string, unknown>;
  for (const field of ["id", "prompt"] as const) {
    const given = fields[field];
    if (given === undefined) {
      return field === "id"
        ? 'missing id: give every job a unique one, like "id": "job-1"'
        : "missing prompt: give every job the prompt to run";
    }
    if (typeof given !== "string" || given.trim() === "") {
      const like = typeof given === "number" ? `, like "${given}"` : "";
      return `invalid ${field} ${show(given)}: it must be a non-empty string${like}`;
    }
  }
  const options = _checkJobOptions(fields, JOB_FIELDS);
  if (typeof options === "string") return options;
  try {
    validateRunOptions(options);
  } catch (error) {
    if (!(error instanceof InvalidOptionError)) throw error;
    return error.message.charAt(0).toLowerCase() + error.message.slice(1);
  }
  const folder = options.cwd === undefined ? undefined : folderProblem(options.cwd);
  if (folder !== undefined) return folder;
  return { id: fields.id as string, prompt: fields.prompt as string, options, line };
}

/** Why `cwd` is not an existing folder, or `undefined` when it is. */
function folderProblem(cwd: string): string | undefined {
  try {
    if (Deno.statSync(cwd).isDirectory) return undefined;
    return `invalid cwd ${show(cwd)}: it is a file, it must be a folder`;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      return `invalid cwd ${
        show(cwd)
      }: no such folder (a relative path starts from the folder claw runs in)`;
    }
    return `cannot check cwd ${show(cwd)}: ${(error as Error).message}`;
  }
}

function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return `a ${typeof value}`;
}
