/**
 * `claw record -o FILE -- CLAUDE_ARGS…`: run the real CLI and save the run as a cassette.
 *
 * @module
 */
import { resolve } from "node:path";
import type { Cassette } from "../cassette/cassette.ts";
import { UsageError } from "./_args.ts";
import { type Flag, flagHelp, parseFlags } from "./_flags.ts";
import { checkCassettePath, recordingCli } from "./_record.ts";
import type { ClaudeProcess } from "../process/spawn.ts";
import { bridgeStdio } from "../process/stdio_bridge.ts";

const FLAGS: readonly Flag[] = [
  {
    name: "output",
    short: "o",
    option: "output",
    type: "string",
    value: "FILE",
    help: "The cassette to write (checked before claude starts)",
  },
  {
    name: "cli",
    option: "cli",
    type: "string",
    value: "PATH",
    help: "The claude executable (default: CLAUDE_CLI_PATH, PATH, known places)",
  },
  {
    name: "json",
    option: "json",
    type: "boolean",
    help:
      "Print what was recorded as one JSON line on stdout (stable shape); claude's output goes to stderr",
  },
  { name: "help", short: "h", option: "help", type: "boolean", help: "Show this help" },
];

/** Help for `claw record`. */
export const help = `Usage: claw record -o FILE [--cli PATH] [--json] -- CLAUDE_ARGS…

Run the real Claude Code CLI with CLAUDE_ARGS, passing its stdin, stdout, stderr and exit code
through, and save the run as a cassette: every stdout, stderr and stdin line with its time, then
the exit. Secrets, emails, HOME and the working directory are redacted when the file is saved.
FILE is checked before claude starts: its folder must exist or be creatable, and be writable.
A run that ends early is saved too, its header marked interrupted: SIGINT, SIGTERM and SIGHUP are
passed on to the CLI (what it does with them is recorded), and a closed stdout stops it (SIGTERM).
To record a program that spawns claude itself (an Agent SDK), make a claude that execs
claw record -o FILE --cli REAL -- "$@" and point the program at it.

Options:
${flagHelp(FLAGS)}

Without --json, stdout is the CLI's own. With --json, stdout is claw's alone: the CLI's stdout
goes to stderr with its stderr (the cassette keeps them apart), and once the run is saved stdout
gets one line
  {"cassette":"/abs/FILE","replaced":false,"key":"k2:…","cli_version":"2.1.332","argv":[…],
   "recorded_at":"…","exit":{"code":0,"signal":null},"records":{"stdout":5,"stderr":0,"stdin":0}}
or, when claw fails, {"error":{"kind":…,"message":…,"hint":…,…}} instead. "replaced" is true
when FILE was there before the run: re-recording replaces the cassette, and says so.

Exit codes: the CLI's own; 1 claw failed (claude not found, the cassette not saved); 2 usage error
(also: FILE cannot be written).

Examples:
  claw record -o cassettes/hello.ndjson -- -p --output-format stream-json --verbose "Say hello"
  claw inspect cassettes/hello.ndjson
`;

/**
 * What `claw record --json` prints once the run is saved: the cassette's absolute path, whether
 * it replaced a file, its header fields, the exit, and how many lines of each stream it holds.
 */
export interface RecordReport {
  /** The cassette file, absolute. */
  cassette: string;
  /** Whether a file was at that path before the run (a cassette re-recorded), now replaced. */
  replaced: boolean;
  /** The matching key. */
  key: string;
  /** The CLI version the run reported, when it did. */
  cli_version: string | null;
  /** The arguments, redacted as saved. */
  argv: string[];
  /** ISO time of the recording. */
  recorded_at: string;
  /** How the CLI ended. */
  exit: { code: number; signal: string | null } | null;
  /** Lines recorded per stream. */
  records: { stdout: number; stderr: number; stdin: number };
}

/**
 * The {@linkcode RecordReport} of `cassette`, saved at `path`.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { cassetteHeader } from "../cassette/cassette.ts";
 * import { recordReport } from "./record.ts";
 *
 * const header = await cassetteHeader(["-p", "hi"], { recorded_at: "2026-01-01T00:00:00.000Z" });
 * const report = recordReport("/c/hi.ndjson", {
 *   header,
 *   records: [{ t: 1, stdout_raw: "{}" }, { t: 2, exit: { code: 0, signal: null } }],
 * }, { replaced: false });
 * deepStrictEqual([report.cassette, report.replaced, report.exit, report.records], [
 *   "/c/hi.ndjson",
 *   false,
 *   { code: 0, signal: null },
 *   { stdout: 1, stderr: 0, stdin: 0 },
 * ]);
 * ```
 */
export function recordReport(
  path: string,
  cassette: Cassette,
  options: { replaced: boolean },
): RecordReport {
  const records = { stdout: 0, stderr: 0, stdin: 0 };
  let exit: RecordReport["exit"] = null;
  for (const record of cassette.records) {
    if ("stdout" in record || "stdout_raw" in record) records.stdout++;
    else if ("stderr" in record) records.stderr++;
    else if ("stdin" in record) records.stdin++;
    else if ("exit" in record) exit = record.exit;
  }
  const { key, cli_version, argv, recorded_at } = cassette.header;
  return {
    cassette: resolve(path),
    replaced: options.replaced,
    key,
    cli_version,
    argv,
    recorded_at,
    exit,
    records,
  };
}

/**
 * Runs `claw record` with `args`; returns the CLI's exit code. With `--json`, stdout is claw's
 * alone: the CLI's stdout goes to stderr, and the report is the one line on stdout.
 */
export async function run(args: string[]): Promise<number> {
  const separator = args.indexOf("--");
  if (separator === -1) throw new UsageError("Missing -- before the claude arguments");
  const { values, positionals } = parseFlags(args.slice(0, separator), FLAGS);
  if (positionals.length) throw new UsageError(`Unexpected argument "${positionals[0]}" before --`);
  const output = values.output as string | undefined;
  if (!output) throw new UsageError("Missing -o FILE: where to write the cassette");
  const claudeArgs = args.slice(separator + 1);
  if (!claudeArgs.length) throw new UsageError("Missing the claude arguments after --");
  await checkCassettePath("-o", output);
  const json = values.json === true;
  const replaced = await Deno.lstat(output).then(() => true, () => false);
  const env = Deno.env.toObject();
  let saved: Cassette | undefined;
  let interruption: string | undefined;
  const cli = values.cli as string | undefined;
  const { cli: found, spawner } = recordingCli(output, {
    ...(cli ? { cli } : {}),
    hostEnv: env,
    onSaved: (cassette) => saved = cassette,
    interruption: () => interruption === undefined ? undefined : { reason: interruption },
  });
  const child = await spawner({ command: found, args: claudeArgs, env, cwd: Deno.cwd() });
  const status = await bridgeStdio(json ? allOnStderr(child) : child, {
    onSignal: (signal) => interruption ??= `claw record got ${signal}`,
    onStdoutClosed: () => interruption ??= "stdout closed",
  });
  if (!saved) return status.code;
  const notes = [
    replaced ? "replaced the file that was there" : "",
    interruption ? `interrupted: ${interruption}` : "",
  ].filter(Boolean);
  console.error(`claw: recorded ${output}${notes.length ? ` (${notes.join("; ")})` : ""}`);
  if (json) {
    const line = JSON.stringify(recordReport(output, saved, { replaced }));
    // A reader of stdout that went away misses the report; the cassette is saved all the same.
    try {
      console.log(line);
    } catch (error) {
      if (!(error instanceof Deno.errors.BrokenPipe)) throw error;
    }
  }
  return status.code;
}

/**
 * `child` with its stdout sent to stderr with its stderr (`--json`: stdout is claw's). The
 * recorder around `child` still reads each stream on its own.
 */
function allOnStderr(child: ClaudeProcess): ClaudeProcess {
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const writer = writable.getWriter();
  const into = () => new WritableStream<Uint8Array>({ write: (chunk) => writer.write(chunk) });
  Promise.all([child.stdout.pipeTo(into()), child.stderr.pipeTo(into())])
    .then(() => writer.close(), (error) => writer.abort(error))
    .catch(() => {});
  return {
    pid: child.pid,
    stdin: child.stdin,
    stdout: ReadableStream.from<Uint8Array>([]),
    stderr: readable,
    status: child.status,
    kill: (signal) => child.kill(signal),
    [Symbol.asyncDispose]: () => child[Symbol.asyncDispose](),
  };
}
