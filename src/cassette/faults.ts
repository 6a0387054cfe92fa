/**
 * Injected faults: make any replay fail on purpose, the way a real `claude` can (it dies, exits
 * early, stalls, is slow, complains on stderr, or meets an API error), to test the code that
 * drives it.
 *
 * A fault list is written `KIND:VALUE` pieces joined by commas, in an option, in
 * `CLAW_CASSETTE_FAULTS`, or with `claw replay --fault`:
 *
 * | fault | what the replayed process does |
 * |---|---|
 * | `crash-after:N` | after N stdout lines, dies by SIGKILL (exit code 137): its output stops there |
 * | `exit-after:N:CODE` | after N stdout lines, exits with CODE (0–255) |
 * | `stall-after:N` | after N stdout lines, stops writing and never exits, until it is signalled |
 * | `latency:MS` | waits MS milliseconds before each stdout line |
 * | `stderr:TEXT` | writes TEXT and a newline on stderr before anything else |
 * | `api-error:KIND` | ends with the lines, stderr and exit code the real CLI prints for that API error |
 *
 * @module
 */
import { compareVersions } from "../process/version.ts";
import type { ClaudeProcess } from "../process/spawn.ts";
import type { RecordedApiError } from "./_api_errors.ts";
import { faultedProcess, type FaultEnd } from "./_faulted_process.ts";
import { killedBy } from "./_killed_by.ts";

/** Every fault kind. */
export const FAULT_KINDS = [
  "crash-after",
  "exit-after",
  "stall-after",
  "latency",
  "stderr",
  "api-error",
] as const;

/** The API errors an `api-error` fault injects, each a kind claw reports (see `ErrorKind`). */
export const API_ERROR_KINDS = [
  "overloaded",
  "rate_limit",
  "context_window",
  "auth",
  "provider_internal",
] as const;

/** One of {@linkcode API_ERROR_KINDS}. */
export type ApiErrorKind = typeof API_ERROR_KINDS[number];

/** One injected fault: see the module doc for what each does. */
export type Fault =
  | { kind: "crash-after"; lines: number }
  | { kind: "exit-after"; lines: number; code: number }
  | { kind: "stall-after"; lines: number }
  | { kind: "latency"; ms: number }
  | { kind: "stderr"; text: string }
  | { kind: "api-error"; error: ApiErrorKind };

/** One replayed run, as a function that picks its faults sees it. */
export interface FaultRun {
  /** How many runs the same spawner replayed before this one (0 for its first). */
  index: number;
  /** The run's arguments, after the executable. */
  argv: readonly string[];
}

/** Options for {@linkcode parseFaults}. */
export interface ParseFaultsOptions {
  /** Where the text came from (`CLAW_CASSETTE_FAULTS`, `--fault`), for the message. */
  source?: string;
}

/** Options for {@linkcode withFaults}. */
export interface WithFaultsOptions {
  /**
   * The CLI version of the replayed run: an `api-error` fault ends it as that version did, when
   * the corpus has it, else as the newest recorded version does.
   */
  cliVersion?: string | null;
}

const FORMS =
  `crash-after:N, exit-after:N:CODE, stall-after:N, latency:MS, stderr:TEXT or api-error:KIND (KIND: ${
    API_ERROR_KINDS.join(", ")
  }), joined by commas`;

/** The faults that end a run: one per run at most. */
const ENDINGS: ReadonlySet<Fault["kind"]> = new Set(
  ["crash-after", "exit-after", "stall-after", "api-error"] as const,
);

/** A piece of a fault list starts with a known kind and a colon (spaces before it allowed). */
const PIECE_START = new RegExp(`^\\s*(?:${FAULT_KINDS.join("|")}):`);

/**
 * Parses a fault list: `KIND:VALUE` pieces joined by commas. A comma splits only where the text
 * after it starts with a known kind and a colon, so a `stderr:TEXT` may hold commas. An empty text
 * is no fault. Anything wrong is one `TypeError` that names the piece and lists the forms: an
 * unknown kind, a count or milliseconds that is not a whole number >= 0, an exit code outside
 * 0–255, an unknown API error kind, or two faults that each end the run.
 *
 * @example
 * ```ts
 * import { deepStrictEqual, throws } from "node:assert";
 * import { parseFaults } from "./faults.ts";
 *
 * deepStrictEqual(parseFaults("crash-after:3,latency:50,stderr:careful, it is hot"), [
 *   { kind: "crash-after", lines: 3 },
 *   { kind: "latency", ms: 50 },
 *   { kind: "stderr", text: "careful, it is hot" },
 * ]);
 * throws(() => parseFaults("crash-after:many"), /Invalid fault "crash-after:many"/);
 * ```
 */
export function parseFaults(text: string, options: ParseFaultsOptions = {}): Fault[] {
  if (text === "") return [];
  const where = options.source === undefined ? "" : ` in ${options.source}`;
  const pieces: string[] = [];
  for (const part of text.split(",")) {
    const last = pieces.length - 1;
    const inStderr = last >= 0 && /^\s*stderr:/.test(pieces[last]!);
    if (inStderr && !PIECE_START.test(part)) pieces[last] += `,${part}`;
    else pieces.push(part);
  }
  const faults = pieces.map((piece) => parsePiece(piece, where));
  const ending = pieces.filter((_, i) => ENDINGS.has(faults[i]!.kind));
  if (ending.length > 1) {
    throw new TypeError(
      `Invalid faults "${ending[0]}" and "${
        ending[1]
      }"${where}: only one of crash-after, exit-after, stall-after and api-error can end a run: keep one`,
    );
  }
  return faults;
}

function parsePiece(piece: string, where: string): Fault {
  const refuse = (why: string) =>
    new TypeError(`Invalid fault "${piece}"${where}: ${why}: use ${FORMS}`);
  const colon = piece.indexOf(":");
  if (colon === -1) throw refuse("expected KIND:VALUE");
  const kind = piece.slice(0, colon).trim();
  const value = piece.slice(colon + 1);
  const whole = (text: string, name: string) => {
    if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) {
      throw refuse(`${name} must be a whole number >= 0`);
    }
    return Number(text);
  };
  switch (kind) {
    case "crash-after":
    case "stall-after":
      return { kind, lines: whole(value, "N") };
    case "exit-after": {
      const [lines, code, ...rest] = value.split(":");
      if (code === undefined || rest.length > 0) throw refuse("expected exit-after:N:CODE");
      const exit = whole(code, "CODE");
      if (exit > 255) throw refuse("CODE must be a whole number from 0 to 255");
      return { kind, lines: whole(lines!, "N"), code: exit };
    }
    case "latency":
      return { kind, ms: whole(value, "MS") };
    case "stderr":
      return { kind, text: value };
    case "api-error":
      if (!(API_ERROR_KINDS as readonly string[]).includes(value)) {
        throw refuse(`unknown API error kind "${value}"`);
      }
      return { kind, error: value as ApiErrorKind };
    default:
      throw refuse(`unknown kind "${kind}"`);
  }
}

/**
 * The faults in `CLAW_CASSETTE_FAULTS` (none when it is unset or empty); a bad value is a
 * `TypeError` that names the variable.
 *
 * @example
 * ```ts
 * import { deepStrictEqual, throws } from "node:assert";
 * import { faultsFromEnv } from "./faults.ts";
 *
 * deepStrictEqual(faultsFromEnv({ CLAW_CASSETTE_FAULTS: "api-error:auth" }), [
 *   { kind: "api-error", error: "auth" },
 * ]);
 * throws(() => faultsFromEnv({ CLAW_CASSETTE_FAULTS: "boom:1" }), /in CLAW_CASSETTE_FAULTS/);
 * ```
 */
export function faultsFromEnv(
  env: Record<string, string | undefined> = {
    CLAW_CASSETTE_FAULTS: Deno.env.get("CLAW_CASSETTE_FAULTS"),
  },
): Fault[] {
  return parseFaults(env.CLAW_CASSETTE_FAULTS ?? "", { source: "CLAW_CASSETTE_FAULTS" });
}

/** Faults as a replaying spawner takes them: a fault list, the faults, or a function per run. */
export type FaultsOption = string | readonly Fault[] | ((run: FaultRun) => readonly Fault[]);

/**
 * Injects the faults `option` names (default: `CLAW_CASSETTE_FAULTS`, read and checked now) into
 * each replayed process it is given, counting the runs for a function of {@linkcode FaultRun}.
 *
 * @example The first run crashes, the second does not
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { faultInjector } from "./faults.ts";
 * import { parseCassette } from "./cassette.ts";
 * import { replayProcess } from "./replay.ts";
 *
 * const path = new URL("../../fixtures/cassettes/2.1.332/text_simple.ndjson", import.meta.url);
 * const cassette = parseCassette(await Deno.readTextFile(path));
 * const inject = faultInjector(({ index }) => index === 0 ? [{ kind: "crash-after", lines: 1 }] : []);
 * const ended = async (process: ReturnType<typeof inject>) => {
 *   await process.stdin.close(); // the recorded run's stdin was closed at once
 *   await Promise.all([new Response(process.stdout).text(), new Response(process.stderr).text()]);
 *   return await process.status;
 * };
 * strictEqual((await ended(inject(replayProcess(cassette), []))).signal, "SIGKILL");
 * strictEqual((await ended(inject(replayProcess(cassette), []))).code, 0);
 * ```
 */
export function faultInjector(
  option: FaultsOption | undefined = faultsFromEnv(),
): (process: ClaudeProcess, argv: readonly string[], cliVersion?: string | null) => ClaudeProcess {
  const listed = typeof option === "string" ? parseFaults(option) : option;
  const faultsOf = typeof listed === "function" ? listed : () => listed;
  let index = 0;
  return (process, argv, cliVersion) => {
    const faults = faultsOf({ index: index++, argv });
    return faults.length === 0
      ? process
      : withFaults(process, faults, cliVersion === undefined ? {} : { cliVersion });
  };
}

/**
 * `process` (a replay) with `faults` applied: its stdout lines are counted (split on `\n`) and each
 * fault acts at a line boundary; stdin passes through; `kill()` passes through and also ends a
 * stall (the status is then killed by that signal). When a fault ends the run early, the replay
 * under it is stopped. A fault whose point the replay never reaches (it printed fewer than N lines;
 * for `api-error`, nothing but `system` and control lines) leaves the replay's own end.
 *
 * `api-error:KIND` passes the replay's `system`, `control_request` and `control_response` lines
 * (so `system/init` and the answer to `initialize` still come), then, at the first other line,
 * stops the replay and prints the lines the real CLI printed after that API error (recorded in the
 * corpus; their `session_id` set to the replayed run's, from its `system/init`), then its stderr
 * lines, and exits with its code. The recording is that of `options.cliVersion` when the corpus
 * has that version, else of the newest one.
 *
 * Throws a `TypeError` when two faults each end the run.
 *
 * @example A replay that dies by SIGKILL after its first line
 * ```ts
 * import { deepStrictEqual, strictEqual } from "node:assert";
 * import { parseCassette } from "./cassette.ts";
 * import { withFaults } from "./faults.ts";
 * import { replayProcess } from "./replay.ts";
 *
 * const path = new URL("../../fixtures/cassettes/2.1.332/text_simple.ndjson", import.meta.url);
 * const replay = replayProcess(parseCassette(await Deno.readTextFile(path)));
 * const crashed = withFaults(replay, [{ kind: "crash-after", lines: 1 }]);
 * await crashed.stdin.close();
 * const stdout = await new Response(crashed.stdout).text();
 * strictEqual(stdout.split("\n").length, 2); // one line, then nothing
 * deepStrictEqual(await crashed.status, { code: 137, signal: "SIGKILL" });
 * ```
 */
export function withFaults(
  process: ClaudeProcess,
  faults: readonly Fault[],
  options: WithFaultsOptions = {},
): ClaudeProcess {
  if (faults.length === 0) return process;
  let end: FaultEnd | undefined;
  let latencyMs = 0;
  const stderr: string[] = [];
  for (const fault of faults) {
    if (ENDINGS.has(fault.kind) && end !== undefined) {
      throw new TypeError(
        `Invalid faults: only one of crash-after, exit-after, stall-after and api-error can end a run, got ${
          faults.filter((f) => ENDINGS.has(f.kind)).map((f) => f.kind).join(" and ")
        }: keep one`,
      );
    }
    switch (fault.kind) {
      case "crash-after":
        end = { kind: "status", lines: fault.lines, status: killedBy("SIGKILL") };
        break;
      case "exit-after":
        end = { kind: "status", lines: fault.lines, status: { code: fault.code, signal: null } };
        break;
      case "stall-after":
        end = { kind: "stall", lines: fault.lines };
        break;
      case "api-error":
        end = {
          kind: "api-error",
          recorded: () => recordedApiError(fault.error, options.cliVersion),
        };
        break;
      case "latency":
        latencyMs += fault.ms;
        break;
      case "stderr":
        stderr.push(fault.text);
        break;
    }
  }
  return faultedProcess(process, { end, latencyMs, stderr });
}

/**
 * The recorded ending of `kind` for `cliVersion` when the corpus has it, else the newest's. The
 * corpus's endings (40 KB) load only when a run meets its `api-error` fault.
 */
async function recordedApiError(
  kind: ApiErrorKind,
  cliVersion: string | null | undefined,
): Promise<RecordedApiError> {
  const { API_ERRORS } = await import("./_api_errors.ts");
  const versions = Object.keys(API_ERRORS).sort((a, b) => compareVersions(b, a));
  const version = cliVersion && API_ERRORS[cliVersion] ? cliVersion : versions[0]!;
  return API_ERRORS[version]![kind];
}
