/**
 * What `claw report` is given, told apart by its content, not its name: a stream-json transcript
 * (`claw run --output stream-json`, `claude -p --output-format stream-json --verbose`, or a stored
 * session's `.jsonl`), a cassette, a session id (the CLI's stored session), a batch results file,
 * a batch jobs file, a folder of cassettes, or a cassette miss (the error's JSON, the failing run's
 * output, or a usage log's `missed` line).
 *
 * @module
 */
import { basename } from "node:path";
import { decodeLine, tryDecodeJsonOutput } from "../protocol/decode.ts";
import { LineStream } from "../protocol/line_stream.ts";
import { readJobs } from "../batch/job.ts";
import { type BatchResult, readResults } from "../batch/result.ts";
import { ClawError } from "../errors/claw_error.ts";
import { messageOf } from "../errors/message_of.ts";
import { type Cassette, readCassetteFile } from "../cassette/cassette.ts";
import { parseArgv } from "../cassette/canonical_argv.ts";
import { isSessionId } from "../process/options.ts";
import { findSessionFile, type SessionStoreOptions } from "../session/store.ts";
import type { TimedItem } from "./run_timeline.ts";

/** A batch result line, as far as a report needs one (`BatchResult` of `claw/batch`). */
export type ResultLine = Partial<BatchResult> & Pick<BatchResult, "id" | "status">;

/** One input, read and told apart. */
export type ReportInput =
  | { kind: "transcript"; path: string; items: TimedItem[]; prompts: string[]; stored: boolean }
  | { kind: "cassette"; path: string; cassette: Cassette; items: TimedItem[]; prompts: string[] }
  | {
    kind: "session";
    id: string;
    path: string;
    items: TimedItem[];
    prompts: string[];
    stored: boolean;
  }
  | { kind: "results"; path: string; results: ResultLine[] }
  | { kind: "jobs"; path: string; prompts: Map<string, string> }
  | { kind: "cassettes"; path: string }
  | { kind: "miss"; path: string; message: string; argv: string[] | null };

/** Where stored sessions are, for a session id. */
export type InputOptions = Pick<SessionStoreOptions, "env" | "cwd">;

const MISS_LINE = /^error\[cassette_miss\]: (.+)/;

/**
 * Reads `arg` and says what it is. A file it cannot read, or cannot tell, is a usage error naming
 * it.
 *
 * @example A cassette from the recorded corpus
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { readInput } from "./inputs.ts";
 *
 * const input = await readInput("fixtures/cassettes/2.1.332/text_simple.ndjson");
 * strictEqual(input.kind, "cassette");
 * ```
 */
export async function readInput(arg: string, options: InputOptions = {}): Promise<ReportInput> {
  const info = await Deno.stat(arg).catch(() => undefined);
  if (!info) {
    if (isSessionId(arg)) {
      const path = await findSessionFile(arg, options);
      const text = await readText(path);
      return { kind: "session", id: arg, path, ...transcriptItems(text) };
    }
    throw usage(`Cannot read "${arg}": no such file or folder, and not a session id`);
  }
  if (info.isDirectory) return { kind: "cassettes", path: arg };
  // The first line tells most kinds apart; each is then read once, by its own reader.
  const first = await firstLine(arg);
  if (first === undefined) {
    throw usage(`"${arg}" is empty: give a file with at least one line to report on`);
  }
  const json = parseJson(first);
  if (json?.type === "claw_cassette") {
    const cassette = await readCassetteFile(arg);
    return { kind: "cassette", path: arg, cassette, ...cassetteItems(cassette) };
  }
  if (json && typeof json.id === "string" && typeof json.status === "string") {
    // Read as claw batch reads it: a last line cut short by a crash is left out
    return { kind: "results", path: arg, results: [...(await readResults(arg)).values()] };
  }
  if (json && typeof json.prompt === "string" && typeof json.type !== "string") {
    const prompts = new Map<string, string>();
    for await (const job of readJobs(arg)) prompts.set(job.id, job.prompt);
    return { kind: "jobs", path: arg, prompts };
  }
  const text = await readText(arg);
  if (json && typeof json.type === "string") {
    return { kind: "transcript", path: arg, ...transcriptItems(text) };
  }
  const miss = missOf(text);
  if (miss) return { kind: "miss", path: arg, ...miss };
  // `--output-format json --verbose`: one JSON array of every event
  const whole = text.trimStart().startsWith("[") ? tryDecodeJsonOutput(text) : undefined;
  if (whole) {
    return {
      kind: "transcript",
      path: arg,
      items: whole.map((item) => ({ item })),
      prompts: [],
      stored: false,
    };
  }
  throw usage(
    `Cannot tell what "${arg}" is: give a stream-json transcript, a cassette, a session id, a batch results or jobs file, a folder of cassettes, or a cassette miss`,
  );
}

/** What a report calls an input: its file name, or the session id. */
export function inputName(input: ReportInput): string {
  return input.kind === "session" ? input.id : basename(input.path);
}

/** A cassette's lines as timed events, and the prompts it was given (argv or stdin). */
export function cassetteItems(cassette: Cassette): { items: TimedItem[]; prompts: string[] } {
  const items: TimedItem[] = [];
  const prompts: string[] = [];
  const stdin: string[] = [];
  let line = 0;
  for (const record of cassette.records) {
    if ("stdout" in record || "stdout_raw" in record) {
      const text = "stdout" in record ? JSON.stringify(record.stdout) : record.stdout_raw;
      for (const item of decodeLine(lineOf(text, ++line))) items.push({ item, t: record.t });
    } else if ("stdin" in record) {
      stdin.push(record.stdin);
      const prompt = promptOf(parseJson(record.stdin));
      if (prompt !== undefined) prompts.push(prompt);
    }
  }
  if (prompts.length === 0) {
    // A prompt in argv, or piped as plain text
    const operand = parseArgv(cassette.header.argv).operands[0];
    if (operand !== undefined) prompts.push(operand);
    else if (stdin.length > 0) prompts.push(stdin.join("\n"));
  }
  return { items, prompts };
}

/** A transcript's lines as events, timed by their `timestamp` where they have one. */
export function transcriptItems(
  text: string,
): { items: TimedItem[]; prompts: string[]; stored: boolean } {
  const items: TimedItem[] = [];
  let start: number | undefined;
  let stored = false;
  text.split("\n").forEach((raw, index) => {
    if (raw.trim() === "") return;
    for (const item of decodeLine(lineOf(raw, index + 1))) {
      const stamp = "timestamp" in item && typeof item.timestamp === "string"
        ? Date.parse(item.timestamp)
        : NaN;
      // The CLI's session files link each line to the one before: their user lines are prompts.
      if ("parentUuid" in item) stored = true;
      if (Number.isFinite(stamp)) {
        start ??= stamp;
        items.push({ item, t: stamp - start });
      } else items.push({ item });
    }
  });
  return { items, prompts: [], stored };
}

/** The miss a text reports: an error JSON, a run's output, or a usage log's `missed` line. */
function missOf(text: string): { message: string; argv: string[] | null } | undefined {
  for (const line of text.split("\n")) {
    const json = parseJson(line.trim());
    const error = json?.error as Record<string, unknown> | undefined;
    if (error?.kind === "cassette_miss" && typeof error.message === "string") {
      return { message: error.message, argv: null };
    }
    const missed = json?.missed as Record<string, unknown> | undefined;
    if (missed && typeof missed.message === "string" && Array.isArray(missed.argv)) {
      return { message: missed.message, argv: missed.argv.map(String) };
    }
    const printed = MISS_LINE.exec(line);
    if (printed) return { message: printed[1]!, argv: null };
  }
  return undefined;
}

/** The prompt of a stdin line: a user message's text. */
function promptOf(json: Record<string, unknown> | undefined): string | undefined {
  if (json?.type !== "user") return undefined;
  const content = (json.message as { content?: unknown } | undefined)?.content;
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return undefined;
  const text = content.flatMap((block) =>
    block && typeof block === "object" && block.type === "text" ? [String(block.text)] : []
  ).join("\n");
  return text === "" ? undefined : text;
}

function lineOf(text: string, lineNumber: number) {
  return { text, lineNumber, terminated: true, invalidUtf8: false };
}

function parseJson(text: string): Record<string, unknown> | undefined {
  if (!text.startsWith("{")) return undefined;
  try {
    const value = JSON.parse(text);
    return value && typeof value === "object" && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The first line of the file at `path` that is not blank, trimmed; `undefined` for none. */
async function firstLine(path: string): Promise<string | undefined> {
  try {
    const file = await Deno.open(path);
    // Leaving the loop cancels the stream, which closes the file; so does its end.
    for await (const line of file.readable.pipeThrough(new LineStream())) {
      if (line.text.trim() !== "") return line.text.trim();
    }
    return undefined;
  } catch (error) {
    throw usage(`Cannot read "${path}": ${messageOf(error)}`);
  }
}

async function readText(path: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    throw usage(`Cannot read "${path}": ${messageOf(error)}`);
  }
}

/** A usage error of `claw report` (exit 2), pointing at its help. */
export function usage(message: string): ClawError {
  return new ClawError("usage", message, {
    hint: "Run claw report --help for the inputs it reads",
  });
}
