/**
 * `claw inspect`: decode a stream-json or json transcript, or a cassette, and summarise it.
 *
 * @module
 */
import {
  CassetteFormatError,
  CassetteReader,
  looksLikeCassette,
  stdoutText,
} from "../cassette/cassette.ts";
import { ClawError } from "../errors/claw_error.ts";
import { versionStanding } from "../process/version.ts";
import { decodeLine, tryDecodeJsonOutput } from "../protocol/decode.ts";
import type { DecodedItem } from "../protocol/events.ts";
import { LineStream } from "../protocol/line_stream.ts";
import { TranscriptSummarizer, type TranscriptSummary } from "../session/summary.ts";
import { UsageError } from "./_args.ts";
import { type Flag, flagHelp, parseFlags } from "./_flags.ts";
import { checkInputFile } from "./_paths.ts";
import { colourEnabled, styles } from "./_style.ts";

const FLAGS: readonly Flag[] = [
  {
    name: "json",
    option: "json",
    type: "boolean",
    help: "Print the summary as one JSON object (stable shape)",
  },
  {
    name: "strict",
    option: "strict",
    type: "boolean",
    help: "Exit 1 when there is any diagnostic",
  },
  { name: "help", short: "h", option: "help", type: "boolean", help: "Show this help" },
];

/** Help for `claw inspect`. */
export const help = `Usage: claw inspect FILE|- [--json] [--strict]

Decode a Claude Code transcript (--output-format stream-json, or json with or without --verbose)
or a claw cassette, and summarise it: lines, events, counts per kind, unknown kinds, diagnostics
with line numbers, sessions, CLI version, model, and each result with its error kind. For a
cassette, its stdout is summarised with the cassette's line numbers, plus its key, argv, recording
time, exit, and whether its CLI version is outside the range claw supports.

Options:
${flagHelp(FLAGS)}

With --json a failure is {"error":{"kind":…,"message":…,"hint":…,…}} on stdout instead of the
summary (and error[kind] on stderr).

Exit codes: 0 the input was read; 1 it is not a transcript (no line of it is a JSON object), a
cassette that cannot be read, or --strict found diagnostics; 2 usage error (also: FILE does not
exist or is a folder).

Examples:
  claude -p --output-format stream-json --verbose "hi" > run.ndjson; claw inspect run.ndjson
  claw inspect - --json < run.ndjson
  claw inspect cassettes/hello.ndjson
`;

/** What `claw inspect` says about a cassette, on top of the summary of its stdout. */
export interface CassetteSummary {
  key: string;
  cli_version: string | null;
  argv: string[];
  recorded_at: string;
  /** The exit record; `null` when the cassette has none. */
  exit: { code: number; signal: string | null } | null;
  /** Set when the recording's CLI version is outside the range claw supports or was tested with. */
  version_flag: null | "below_minimum" | "newer_than_tested";
  /** The first user input when it came on stdin (part of the key), else `null`. */
  input: string | null;
  /** The program that drove the run, when it said so. */
  client: { entrypoint?: string; sdk_version?: string } | null;
  /** Set when the host signalled the CLI before it exited. */
  interrupted: { signal: string; t: number; reason?: string } | null;
}

/** The stable shape `claw inspect --json` prints: `cassette` is `null` for a transcript. */
export interface InspectSummary extends TranscriptSummary {
  cassette: CassetteSummary | null;
}

/**
 * Decodes `bytes` (any transcript format, or a cassette) into a summary, streaming. Throws a
 * `CassetteFormatError` for a cassette that cannot be read; `source` names it in the message.
 *
 * Input is `--output-format json` output only when it is one JSON document as a whole; anything
 * else, also a transcript whose first line is `[debug] …` or `[]`, is stream-json. Input that
 * starts with `[` is read whole to tell (its bytes, and its text while it is parsed); any other
 * input is streamed.
 */
export async function summarize(
  bytes: ReadableStream<Uint8Array>,
  source = "<stdin>",
): Promise<InspectSummary> {
  const summarizer = new TranscriptSummarizer();
  const [head, body] = bytes.tee();
  const start = await peek(head);
  if (looksLikeCassette(start)) return await summarizeCassette(body, source, summarizer);
  let transcript = body;
  if (start.startsWith("[")) {
    const chunks = await Array.fromAsync(body);
    const json = jsonOutput(chunks);
    if (json) {
      summarizer.lines = json.lines;
      for (const item of json.items) summarizer.add(item, 1);
      return { ...summarizer.summary(), cassette: null };
    }
    transcript = ReadableStream.from(chunks);
  }
  for await (const line of transcript.pipeThrough(new LineStream())) {
    summarizer.lines = line.lineNumber;
    for (const item of decodeLine(line)) summarizer.add(item, line.lineNumber);
  }
  return { ...summarizer.summary(), cassette: null };
}

/** The items of `--output-format json` output, or `undefined` when `chunks` are not one document. */
function jsonOutput(chunks: Uint8Array[]): { items: DecodedItem[]; lines: number } | undefined {
  let text: string;
  try {
    const decoder = new TextDecoder();
    const parts = chunks.map((chunk) => decoder.decode(chunk, { stream: true }));
    parts.push(decoder.decode());
    text = parts.join("");
  } catch {
    return undefined; // Too long for one string: not a document JSON.parse could read.
  }
  const items = tryDecodeJsonOutput(text);
  if (!items) return undefined;
  return { items, lines: text.replace(/\n$/, "").split("\n").length };
}

async function summarizeCassette(
  body: ReadableStream<Uint8Array>,
  source: string,
  summarizer: TranscriptSummarizer,
): Promise<InspectSummary> {
  const reader = new CassetteReader(source, { partial: true }); // a cut recording shows as it is
  let exit: CassetteSummary["exit"] = null;
  for await (const line of body.pipeThrough(new LineStream())) {
    summarizer.lines = line.lineNumber;
    if (line.tooLongBytes !== undefined) {
      // Too long to read as a record: reported like a stdout line of that size.
      for (const item of decodeLine(line)) summarizer.add(item, line.lineNumber);
      continue;
    }
    const record = reader.read(line.text, line.lineNumber);
    if (!record) continue;
    if ("stdout" in record || "stdout_raw" in record) {
      const text = stdoutText(record);
      const terminated = !("eol" in record && record.eol === false);
      const stdout = { text, lineNumber: line.lineNumber, terminated, invalidUtf8: false };
      for (const item of decodeLine(stdout)) summarizer.add(item, line.lineNumber);
    } else if ("exit" in record) {
      exit = { code: record.exit.code, signal: record.exit.signal };
    }
  }
  const header = reader.finish();
  const standing = header.cli_version ? versionStanding(header.cli_version) : "unknown";
  return {
    ...summarizer.summary(),
    cassette: {
      key: header.key,
      cli_version: header.cli_version,
      argv: header.argv,
      recorded_at: header.recorded_at,
      exit,
      version_flag: standing === "below_minimum" || standing === "newer_than_tested"
        ? standing
        : null,
      input: header.input ?? null,
      client: header.client ?? null,
      interrupted: header.interrupted ?? null,
    },
  };
}

/** The start of the stream: enough text to tell a JSON array, a cassette and a transcript apart. */
async function peek(stream: ReadableStream<Uint8Array>): Promise<string> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let text = "";
  try {
    while (true) {
      const { value, done } = await reader.read();
      if (done) return text + decoder.decode();
      text = (text + decoder.decode(value, { stream: true })).trimStart();
      if (text.length >= 64 || text.includes("\n")) return text;
    }
  } finally {
    // Not awaited: a tee branch's cancel settles only once the other branch is done too.
    reader.cancel().catch(() => {});
  }
}

async function open(path: string): Promise<ReadableStream<Uint8Array>> {
  if (path === "-") return Deno.stdin.readable;
  await checkInputFile("", path, "a transcript or a cassette, or - to read stdin");
  const file = await Deno.open(path);
  return file.readable;
}

/**
 * Refuses input that is no transcript at all: nothing, or not one line that is a JSON object
 * (a cassette is one, whatever its stdout held).
 */
function checkTranscript(name: string, summary: InspectSummary): void {
  if (summary.cassette !== null || summary.events > 0) return;
  const anyJson = summary.diagnostics.some((d) => d.kind !== "not_json");
  const read = `${count(summary.lines, "line")} read`;
  const why = summary.lines === 0
    ? "it is empty"
    : `no line of it is ${anyJson ? "a JSON object" : "JSON"} (${read})`;
  throw new ClawError("protocol", `${name} is not a transcript: ${why}`, {
    hint:
      "Pass what claude -p --output-format stream-json --verbose (or --output-format json) printed, or a cassette claw record wrote",
  });
}

/** Runs `claw inspect` with `args`; returns the exit code. */
export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(args, FLAGS);
  if (positionals.length !== 1) {
    throw new UsageError(
      positionals.length === 0
        ? "Missing FILE: pass a transcript path, or - to read stdin"
        : `Expected one FILE, got ${positionals.length}`,
    );
  }
  const path = positionals[0]!;
  const input = await open(path);
  let summary: InspectSummary;
  try {
    summary = await summarize(input, path === "-" ? "<stdin>" : path);
  } catch (error) {
    if (error instanceof CassetteFormatError) {
      throw new ClawError("protocol", error.message, {
        hint: "A cassette is read as claw record wrote it: re-record it, or restore the file",
        cause: error,
      });
    }
    throw new Error(`Cannot read "${path}": ${error instanceof Error ? error.message : error}`, {
      cause: error,
    });
  }
  checkTranscript(path === "-" ? "stdin" : `"${path}"`, summary);
  if (values.json) console.log(JSON.stringify(summary, null, 2));
  else console.log(render(path, summary));
  return values.strict && summary.diagnostics.length > 0 ? 1 : 0;
}

function render(path: string, summary: InspectSummary): string {
  const s = styles(colourEnabled(Deno.stdout));
  const out = [
    `${s.bold(path === "-" ? "stdin" : path)}: ${count(summary.lines, "line")}, ${
      count(summary.events, "event")
    }, ${count(summary.diagnostics.length, "diagnostic")}`,
  ];
  const cassette = summary.cassette;
  if (cassette) {
    const exit = cassette.exit === null
      ? "no exit record"
      : cassette.exit.signal
      ? `killed by ${cassette.exit.signal}`
      : `exit ${cassette.exit.code}`;
    const flag = cassette.version_flag === null
      ? ""
      : ` ${s.yellow(`(${cassette.version_flag.replaceAll("_", " ")})`)}`;
    out.push(
      `cassette ${cassette.key} · recorded ${cassette.recorded_at} with CLI ${
        cassette.cli_version ?? "unknown"
      }${flag} · ${exit}`,
      `argv: ${cassette.argv.map(shellWord).join(" ")}`,
    );
    if (cassette.input !== null) out.push(`input: ${cassette.input}`);
    if (cassette.client !== null) {
      out.push(`client: ${[cassette.client.entrypoint, cassette.client.sdk_version].join(" ")}`);
    }
    const stopped = cassette.interrupted;
    if (stopped !== null) {
      out.push(
        s.yellow(
          `interrupted: ${stopped.signal} at ${stopped.t} ms${
            stopped.reason ? ` (${stopped.reason})` : ""
          }`,
        ),
      );
    }
  }
  out.push(
    `CLI ${summary.cli_version ?? "unknown"} · model ${summary.model ?? "unknown"} · sessions ${
      summary.sessions.join(", ") || "none"
    }`,
    s.bold("kinds:"),
  );
  const kinds = Object.entries(summary.kinds).sort(([a], [b]) => a.localeCompare(b));
  for (const [kind, count] of kinds) out.push(`  ${kind.padEnd(32)} ${count}`);
  if (summary.results.length) out.push(s.bold("results:"));
  for (const r of summary.results) {
    const outcome = r.is_error ? s.red(`error[${r.error_kind}]`) : s.green("ok");
    const cost = r.total_cost_usd === null ? "" : `, $${r.total_cost_usd.toFixed(4)}`;
    const time = r.duration_ms === null ? "" : `, ${(r.duration_ms / 1000).toFixed(1)} s`;
    out.push(
      `  line ${r.line}: ${r.subtype}, ${outcome}, ${
        r.num_turns === null ? "? round trips" : count(r.num_turns, "round trip")
      }${cost}${time}`,
    );
  }
  const unknown = Object.entries(summary.unknown);
  if (unknown.length) {
    out.push(`${s.bold("unknown kinds:")} ${unknown.map(([k, n]) => `${k} ×${n}`).join(", ")}`);
  }
  if (summary.diagnostics.length) out.push(s.bold("diagnostics:"));
  for (const d of summary.diagnostics) {
    out.push(s.yellow(`  line ${d.line}: ${d.kind}: ${d.message}`));
  }
  return out.join("\n");
}

/** `n` and `word`, plural but for one: `1 turn`, `2 turns`. */
function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function shellWord(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : JSON.stringify(arg);
}
