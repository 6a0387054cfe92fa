/**
 * The cassette format: one recorded run of the Claude Code CLI as versioned, diffable NDJSON.
 *
 * ```ndjson
 * {"type":"claw_cassette","format":1,"key":"k2:3f2a…","cli_version":"2.1.332","argv":["-p","--output-format=stream-json","--verbose","--","Say hi"],"env":["ANTHROPIC_API_KEY","HOME"],"cwd":"$CWD","recorded_at":"2026-11-21T06:00:00.000Z"}
 * {"t":0,"stdin_eof":true}
 * {"t":412.5,"stdout":{"type":"system","subtype":"init","session_id":"…"}}
 * {"t":530.1,"stdout":{"type":"result","subtype":"success","is_error":false}}
 * {"t":541.9,"exit":{"code":0,"signal":null}}
 * ```
 *
 * - The header comes first: format version, a stable matching key, the CLI version, the argv as
 *   it was given (with the machine's paths as placeholders; matching uses its canonical form), the
 *   names (never the values) of the variables that configure the CLI, the cwd placeholder and the
 *   recording time.
 * - Then one record per line the process wrote or read, in order, with `t`, the milliseconds since
 *   the start: `stdout` holds a JSON line as the object itself when that re-serialises to the same
 *   bytes, else `stdout_raw` holds the text; `stderr` and `stdin` hold text; `eol: false` marks a
 *   last line that had no newline; `stdin_eof` marks stdin closing.
 * - `kill` marks a signal the host sent the process (an abort, Ctrl-C): what followed it is the
 *   CLI's answer to it.
 * - Last, the `exit` record: the exit code and the signal, if one ended the process.
 *
 * Everything is redacted when the cassette is saved (see `redact.ts`).
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { LineStream } from "../protocol/line_stream.ts";
import { canonicalArgv } from "./canonical_argv.ts";
import { recordKind, RecordOrder, recordProblem } from "./_record_checks.ts";
import { type MatchRules, matchRulesProblem } from "./matchers.ts";
import { type Times, timesProblem } from "./times.ts";

/** The cassette format version this claw writes and reads. */
export const CASSETTE_FORMAT = 1;

/** The first line of a cassette. */
export interface CassetteHeader {
  /** Always `claw_cassette`: what tells a cassette from a transcript. */
  type: "claw_cassette";
  /** The format version ({@linkcode CASSETTE_FORMAT}). */
  format: number;
  /** The matching key when it was written: see {@linkcode cassetteKey}. */
  key: string;
  /** The CLI version from `system/init` (or `--version`), when known. */
  cli_version: string | null;
  /** The arguments after the executable, redacted. */
  argv: string[];
  /** Names of the CLI-relevant variables that were set; values are never saved. */
  env: string[];
  /** Always the placeholder `$CWD`: the real cwd is redacted everywhere. */
  cwd: string;
  /** ISO time of the recording. */
  recorded_at: string;
  /**
   * The conversation's first user input when it came on stdin, redacted (see
   * `runInput` in `run_input.ts`): part of the key, so one folder holds many runs of one configuration.
   * Absent when the prompt was on argv.
   */
  input?: string;
  /** Where it was recorded: `Deno.build.os` and `Deno.build.arch`, such as `linux-x86_64`. */
  platform?: string;
  /** The claw version that recorded it. */
  claw_version?: string;
  /**
   * The credential the CLI was given, by kind and variable name (never a value): `api_key
   * (ANTHROPIC_API_KEY)`, `auth_token (ANTHROPIC_AUTH_TOKEN)`, `oauth_token
   * (CLAUDE_CODE_OAUTH_TOKEN)`, `bedrock`, `vertex`, `foundry`, or `login` (none in the
   * environment: the credentials file or keychain, if any).
   */
  auth?: string;
  /** The program that drove the CLI, when it said so in the environment. */
  client?: {
    /** `CLAUDE_CODE_ENTRYPOINT`, such as `sdk-ts` or `sdk-py`. */
    entrypoint?: string;
    /** `CLAUDE_AGENT_SDK_VERSION`, such as `0.3.332`. */
    sdk_version?: string;
  };
  /**
   * Set when the host signalled the CLI before it exited (an abort, Ctrl-C, a closed pipe): the
   * first signal, when (`t`), and why when the recorder knows. Replay plays the rest of the
   * recording when the same signal reaches it at that point (see the `kill` record).
   */
  interrupted?: { signal: string; t: number; reason?: string };
  /** The batch job the run was, for a cassette `claw batch run --record` saved. */
  job_id?: string;
  /**
   * How the cassette matches a run beyond its canonical argv: flags to ignore, patterns for the
   * prompt, flag values and stdin lines (see `matchers.ts`). `claw cassette match` edits it.
   */
  match?: MatchRules;
  /** How many runs the cassette may answer (see `times.ts`); every matching run without it. */
  times?: Times;
}

/** The optional header fields, as {@linkcode cassetteHeader} takes them. */
export type CassetteHeaderFields = Partial<
  Omit<CassetteHeader, "type" | "format" | "key" | "argv" | "cwd">
>;

/** A line the process wrote on stdout. */
export type StdoutRecord =
  | { t: number; stdout: Record<string, unknown> }
  | { t: number; stdout_raw: string; eol?: false };

/** One recorded event of the run, after the header. */
export type CassetteRecord =
  | StdoutRecord
  | { t: number; stderr: string; eol?: false }
  | { t: number; stdin: string; eol?: false }
  | { t: number; stdin_eof: true }
  | { t: number; kill: string }
  | { t: number; exit: { code: number; signal: string | null } };

/** A whole cassette. */
export interface Cassette {
  /** The first line. */
  header: CassetteHeader;
  /** Every line after it, in order. */
  records: CassetteRecord[];
}

/**
 * A cassette that cannot be read: a broken line, a record a replay could not play (a field of the
 * wrong type, a signal no host can send, stdin after its end, no exit last), or an unknown format
 * version. The message names the file and the line, and says to re-record it.
 */
export class CassetteFormatError extends SyntaxError {
  /** The file (or `<memory>`). */
  readonly source: string;
  /** The 1-based line, when one is to blame. */
  readonly lineNumber: number | undefined;

  /** A cassette `source` that cannot be read, at `lineNumber` when one is to blame. */
  constructor(message: string, source: string, lineNumber?: number) {
    super(message);
    this.name = "CassetteFormatError";
    this.source = source;
    this.lineNumber = lineNumber;
  }
}

/**
 * The stable matching key of a run: a hash of the canonical form of its redacted argv (see
 * `request.ts` for what the canonical form makes equal) and, when the conversation's first user
 * input came on stdin, of that input (see `runInput` in `run_input.ts`). Two runs with the same flags and
 * prompt, however spelled, in different folders or on different machines get the same key; runs
 * of one configuration with different prompts on stdin (an Agent SDK's runs) get different keys.
 * The key is `k2:…` for argv alone and `k3:…` with an input. (Format-1 cassettes written before
 * the canonical form carry `k1:` keys, a hash of the argv as given; a cassette store computes
 * every cassette's key from its header when it opens, so those still match.)
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert";
 * import { cassetteKey } from "./cassette.ts";
 *
 * const key = await cassetteKey(["-p", "--", "hi"]);
 * assert(key === await cassetteKey(["hi", "--print"]) && key.startsWith("k2:"));
 * assert((await cassetteKey(["-p"], "hi")).startsWith("k3:"));
 * ```
 */
export async function cassetteKey(argv: readonly string[], input?: string): Promise<string> {
  const canonical = JSON.stringify(
    input === undefined ? canonicalArgv(argv) : [canonicalArgv(argv), input],
  );
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", new TextEncoder().encode(canonical)),
  );
  return `${input === undefined ? "k2" : "k3"}:${
    Array.from(digest.subarray(0, 12), (b) => b.toString(16).padStart(2, "0")).join("")
  }`;
}

/**
 * A header for a cassette of a run with `argv` (already redacted): the key is computed (from the
 * argv and `fields.input`), the rest defaults to an unknown CLI version, no variables and the
 * current time; the other fields are kept as given.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { cassetteHeader, cassetteKey } from "./cassette.ts";
 *
 * const header = await cassetteHeader(["-p", "--", "hi"], { cli_version: "2.1.332" });
 * strictEqual(header.key, await cassetteKey(["-p", "--", "hi"]));
 * ```
 */
export async function cassetteHeader(
  argv: string[],
  fields: CassetteHeaderFields = {},
): Promise<CassetteHeader> {
  const { cli_version = null, env = [], recorded_at = new Date().toISOString(), ...rest } = fields;
  return {
    type: "claw_cassette",
    format: CASSETTE_FORMAT,
    key: await cassetteKey(argv, fields.input),
    cli_version,
    argv,
    env,
    cwd: "$CWD",
    recorded_at,
    ...rest,
  };
}

/**
 * The record for one stdout line: the object itself when it re-serialises byte for byte, else the
 * raw text.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert";
 * import { stdoutRecord } from "./cassette.ts";
 *
 * assert("stdout" in stdoutRecord(1, '{"type":"keep_alive"}', true));
 * assert("stdout_raw" in stdoutRecord(1, "debug noise", true));
 * ```
 */
export function stdoutRecord(t: number, line: string, eol: boolean): StdoutRecord {
  if (eol && line.startsWith("{")) {
    try {
      const value = JSON.parse(line);
      if (JSON.stringify(value) === line) {
        STDOUT_TEXT.set(value, line);
        return { t, stdout: value };
      }
    } catch {
      // not JSON: kept as text
    }
  }
  return eol ? { t, stdout_raw: line } : { t, stdout_raw: line, eol: false };
}

/**
 * The text of a stdout record, as the process printed it (without the newline). A `stdout` object
 * read from a cassette (or made by {@linkcode stdoutRecord}) keeps the text it was read from, so
 * replay does not serialise it again: to change what a replay prints, give the record a new
 * object rather than editing the one it has.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert";
 * import { stdoutText } from "./cassette.ts";
 *
 * assert(stdoutText({ t: 0, stdout: { type: "keep_alive" } }) === '{"type":"keep_alive"}');
 * ```
 */
export function stdoutText(record: StdoutRecord): string {
  if (!("stdout" in record)) return record.stdout_raw;
  return STDOUT_TEXT.get(record.stdout) ?? JSON.stringify(record.stdout);
}

/**
 * The text of stdout objects whose line was at hand when they were made (recorded, or read from
 * a cassette file), so that a replay need not serialise each again.
 */
const STDOUT_TEXT = new WeakMap<object, string>();

/**
 * Serialises a cassette to NDJSON text.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert";
 * import { parseCassette, serializeCassette } from "./cassette.ts";
 *
 * const header = { type: "claw_cassette" as const, format: 1, key: "k1:0", cli_version: null, argv: [], env: [], cwd: "$CWD", recorded_at: "2026-01-01T00:00:00.000Z" };
 * const text = serializeCassette({ header, records: [{ t: 1, exit: { code: 0, signal: null } }] });
 * assert(parseCassette(text).records.length === 1);
 * ```
 */
export function serializeCassette(cassette: Cassette): string {
  return [cassette.header, ...cassette.records].map((line) => JSON.stringify(line)).join("\n") +
    "\n";
}

/**
 * Reads a cassette line by line, the header first, then the records: the one cassette reader,
 * for whole texts ({@linkcode parseCassette}), files ({@linkcode readCassetteFile}) and
 * `claw inspect`. Throws {@linkcode CassetteFormatError}, naming the line, for a broken line (see
 * {@linkcode parseCassetteRecord}), records in an order no run has (a stdin line or a second end
 * of stdin after the end of stdin, anything after the exit, no exit at the end), a missing header
 * or a format version this claw does not know.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { CassetteReader } from "./cassette.ts";
 *
 * const reader = new CassetteReader("run.ndjson");
 * reader.read('{"type":"claw_cassette","format":1,"key":"k1:0","argv":[]}', 1);
 * const record = reader.read('{"t":1,"exit":{"code":0,"signal":null}}', 2);
 * strictEqual(record && "exit" in record ? record.exit.code : -1, 0);
 * strictEqual(reader.finish().key, "k1:0");
 * ```
 */
export class CassetteReader {
  readonly #source: string;
  readonly #partial: boolean;
  #header: CassetteHeader | undefined;
  readonly #order = new RecordOrder();

  /**
   * `source` names the cassette in messages. With `partial`, records that stop before the exit
   * (a recording cut off) are read as they are, as `claw inspect` shows them; a replay never
   * takes such a cassette.
   */
  constructor(source = "<memory>", options: { partial?: boolean } = {}) {
    this.#source = source;
    this.#partial = options.partial ?? false;
  }

  /** Takes the line numbered `lineNumber`: returns its record, or `undefined` for the header or a blank line. */
  read(line: string, lineNumber: number): CassetteRecord | undefined {
    if (line.trim() === "") return undefined;
    if (this.#header === undefined) {
      this.#header = parseCassetteHeader(line, this.#source, lineNumber);
      return undefined;
    }
    const record = parseCassetteRecord(line, this.#source, lineNumber);
    const problem = this.#order.add(recordKind(record), lineNumber);
    if (problem) throw recordError(this.#source, lineNumber, problem);
    return record;
  }

  /**
   * The header, once every line was read; throws when there was none, or (unless `partial`) when
   * the records did not end with the exit record.
   */
  finish(): CassetteHeader {
    if (!this.#header) {
      throw new CassetteFormatError(
        `Cannot read cassette "${this.#source}": it is empty`,
        this.#source,
      );
    }
    const end = this.#partial ? undefined : this.#order.end();
    if (end) {
      throw new CassetteFormatError(
        `Cannot read cassette "${this.#source}": it ${end.problem}; re-record it with claw record`,
        this.#source,
        end.lineNumber,
      );
    }
    return this.#header;
  }
}

/**
 * Reads cassette text. Throws {@linkcode CassetteFormatError} for a broken line, a missing header or
 * a format version this claw does not know.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert";
 * import { CassetteFormatError, parseCassette } from "./cassette.ts";
 *
 * try {
 *   parseCassette('{"type":"claw_cassette","format":99}\n', "old.ndjson");
 * } catch (error) {
 *   assert(error instanceof CassetteFormatError && error.message.includes("format 99"));
 * }
 * ```
 */
export function parseCassette(text: string, source = "<memory>"): Cassette {
  const reader = new CassetteReader(source);
  const records: CassetteRecord[] = [];
  text.split("\n").forEach((line, index) => {
    const record = reader.read(line, index + 1);
    if (record) records.push(record);
  });
  return { header: reader.finish(), records };
}

/**
 * Reads a cassette file, streaming it line by line (see {@linkcode CassetteReader}).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { readCassetteFile } from "./cassette.ts";
 *
 * const cassette = await readCassetteFile("fixtures/demo/demo.ndjson");
 * strictEqual(cassette.records.at(-1)?.t !== undefined, true);
 * ```
 */
export async function readCassetteFile(path: string | URL): Promise<Cassette> {
  const source = path instanceof URL ? fileURLToPath(path) : path;
  const reader = new CassetteReader(source);
  const records: CassetteRecord[] = [];
  const file = await Deno.open(path);
  for await (const line of file.readable.pipeThrough(new LineStream())) {
    const record = reader.read(line.text, line.lineNumber);
    if (record) records.push(record);
  }
  return { header: reader.finish(), records };
}

/**
 * Reads the header line of a cassette (its first non-blank line, usually line 1). Throws
 * {@linkcode CassetteFormatError} when it is not one, or has a format this claw does not read.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { parseCassetteHeader } from "./cassette.ts";
 *
 * const header = parseCassetteHeader('{"type":"claw_cassette","format":1,"key":"k1:0","argv":[]}', "run.ndjson");
 * strictEqual(header.key, "k1:0");
 * ```
 */
export function parseCassetteHeader(line: string, source: string, lineNumber = 1): CassetteHeader {
  return checkHeader(parseLine(line, source, lineNumber), source, lineNumber);
}

/**
 * Reads one record line of a cassette (any line after the header). Throws
 * {@linkcode CassetteFormatError} naming the line when it is not JSON or not a record a replay
 * can play: a finite time `t` of 0 or more, exactly one kind (`stdout` holding an object;
 * `stdout_raw`, `stderr`, `stdin` holding text, with `eol` only as `false`; `stdin_eof: true`;
 * `kill` naming a signal; `exit` with a whole-number `code` and a `signal` that is null or a
 * signal name). The order of the records is the reader's to check ({@linkcode CassetteReader}).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { parseCassetteRecord } from "./cassette.ts";
 *
 * deepStrictEqual(parseCassetteRecord('{"t":1,"stderr":"x"}', "run.ndjson", 2), { t: 1, stderr: "x" });
 * ```
 */
export function parseCassetteRecord(
  line: string,
  source: string,
  lineNumber: number,
): CassetteRecord {
  const value = parseLine(line, source, lineNumber);
  const problem = recordProblem(value);
  if (problem) throw recordError(source, lineNumber, problem);
  const record = value as CassetteRecord;
  // A line written by serializeCassette holds the stdout text as it was: keep it for replay.
  if ("stdout" in record && typeof record.stdout === "object" && record.stdout !== null) {
    const prefix = `{"t":${JSON.stringify(record.t)},"stdout":`;
    if (line.startsWith(prefix) && line.endsWith("}") && Object.keys(record).length === 2) {
      STDOUT_TEXT.set(record.stdout, line.slice(prefix.length, -1));
    }
  }
  return record;
}

function recordError(source: string, lineNumber: number, problem: string): CassetteFormatError {
  return new CassetteFormatError(
    `Cannot read cassette "${source}": line ${lineNumber} ${problem}; re-record it with claw record`,
    source,
    lineNumber,
  );
}

function parseLine(line: string, source: string, lineNumber: number): unknown {
  try {
    return JSON.parse(line);
  } catch (error) {
    throw new CassetteFormatError(
      `Cannot read cassette "${source}": line ${lineNumber} is not JSON (${
        (error as Error).message
      }); re-record it with claw record`,
      source,
      lineNumber,
    );
  }
}

/** Whether `text` starts like a cassette (so `claw inspect` can tell it from a transcript). */
export function looksLikeCassette(firstLine: string): boolean {
  return /^\s*\{"type":"claw_cassette"/.test(firstLine);
}

function checkHeader(value: unknown, source: string, lineNumber: number): CassetteHeader {
  const header = value as Partial<CassetteHeader> | null;
  if (typeof header !== "object" || header === null || header.type !== "claw_cassette") {
    throw new CassetteFormatError(
      `Cannot read cassette "${source}": the first line is not a claw cassette header; record one with claw record -o FILE -- <claude args>`,
      source,
      lineNumber,
    );
  }
  if (header.format !== CASSETTE_FORMAT) {
    throw new CassetteFormatError(
      `Cannot read cassette "${source}": it has format ${header.format} and this claw reads format ${CASSETTE_FORMAT}; re-record it with this claw (claw record), or use the claw version that wrote it`,
      source,
      lineNumber,
    );
  }
  if (
    typeof header.key !== "string" || !Array.isArray(header.argv) ||
    !header.argv.every((arg) => typeof arg === "string") ||
    (header.input !== undefined && typeof header.input !== "string")
  ) {
    throw new CassetteFormatError(
      `Cannot read cassette "${source}": the header has no key or argv, or one of another type ("key" and "input" are strings, "argv" a list of strings); re-record it with claw record`,
      source,
      lineNumber,
    );
  }
  const rules = header.match === undefined ? undefined : matchRulesProblem(header.match);
  const times = header.times === undefined ? undefined : timesProblem(header.times);
  if (rules || times) {
    throw new CassetteFormatError(
      `Cannot read cassette "${source}": its header's ${
        rules ? `"match" is wrong: ${rules}` : `"times" is wrong: ${times}`
      }; fix it with claw cassette match`,
      source,
      lineNumber,
    );
  }
  return header as CassetteHeader;
}
