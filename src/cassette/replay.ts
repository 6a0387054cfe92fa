/**
 * In-process replay: a process implementation of the seam that plays a cassette back.
 *
 * @module
 */
import { CassetteMissError } from "../errors/claw_error.ts";
import type { ClaudeProcess, ProcessStatus, SpawnRequest } from "../process/spawn.ts";
import { type Cassette, cassetteHeader, stdoutText } from "./cassette.ts";
import { LineCollector } from "./_line_tap.ts";
import { redactionRules, redactLine } from "./redact.ts";
import { asksVersion, requestKey, requestRules } from "./request.ts";
import { replayAt, type ReplayTiming } from "./timing.ts";

/** Options for {@linkcode replayProcess}. */
export interface ReplayOptions {
  /** How fast to play; `instant` by default. */
  timing?: ReplayTiming;
  /** Where the cassette came from, for messages. */
  source?: string;
  /**
   * Redacts a stdin line before it is compared with the recorded (redacted) one; by default the
   * secret patterns only. {@linkcode cassetteSpawner} passes the rules of the run's own places.
   */
  redact?: (line: string) => string;
}

const SIGNAL_NUMBERS: Partial<Record<string, number>> = { SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };

function missed(message: string): ProcessStatus {
  return { code: 1, signal: null, failure: new CassetteMissError(message) };
}

/**
 * Plays `cassette` as a {@linkcode ClaudeProcess}: its stdout and stderr lines come out in order
 * (at the chosen timing), and output recorded after a stdin line waits until the same line has
 * been written to stdin, as the real process did; with recorded or scaled timing, the output after
 * a stdin line that came late keeps its recorded delay from that line. A stdin line that differs
 * from the recording (compared after redaction, as it was saved) ends the replay with exit code 1
 * and a `CassetteMissError` as the status's `failure`.
 *
 * @example Replay a cassette in-process with run(), whatever the arguments
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { run } from "../session/run.ts";
 * import { parseCassette } from "./cassette.ts";
 * import { replayProcess } from "./replay.ts";
 *
 * const path = new URL("../../fixtures/cassettes/2.1.332/text_simple.ndjson", import.meta.url);
 * const cassette = parseCassette(await Deno.readTextFile(path));
 * const answer = await run("Say anything", { spawner: () => replayProcess(cassette) }).text();
 * strictEqual(answer, "Hello from the fake API.");
 * ```
 */
export function replayProcess(cassette: Cassette, options: ReplayOptions = {}): ClaudeProcess {
  const timing = options.timing ?? "instant";
  const secrets = redactionRules();
  const redact = options.redact ?? ((line: string) => redactLine(line, secrets));
  const encoder = new TextEncoder();
  let stdoutController!: ReadableStreamDefaultController<Uint8Array>;
  let stderrController!: ReadableStreamDefaultController<Uint8Array>;
  const stdout = new ReadableStream<Uint8Array>({ start: (c) => void (stdoutController = c) });
  const stderr = new ReadableStream<Uint8Array>({ start: (c) => void (stderrController = c) });

  const received: string[] = [];
  let stdinClosed = false;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  const collector = new LineCollector((line) => {
    received.push(line);
    notify();
  });
  const stdin = new WritableStream<Uint8Array>({
    write: (chunk) => collector.push(chunk),
    close: () => {
      collector.end();
      stdinClosed = true;
      notify();
    },
  });

  const { promise: killed, resolve: kill } = Promise.withResolvers<Deno.Signal>();
  let killSignal: Deno.Signal | undefined;
  let finished = false;
  // When the recorded delays are kept, they count from the start or from the last stdin line that
  // arrived later than recorded: output after it keeps its recorded delay.
  let origin = performance.now();
  const catchUp = (t: number) => {
    const late = performance.now() - origin - replayAt(t, timing);
    if (late > 0) origin += late;
  };

  const waitFor = async (ready: () => boolean): Promise<boolean> => {
    while (!ready()) {
      if (finished) return false;
      const signal = new Promise<void>((resolve) => wake = resolve);
      await Promise.race([signal, killed]);
      if (finished) return false;
    }
    return true;
  };

  const emit = (
    controller: ReadableStreamDefaultController<Uint8Array>,
    text: string,
    eol?: false,
  ) => {
    try {
      controller.enqueue(encoder.encode(eol === false ? text : `${text}\n`));
    } catch {
      // the reader cancelled: nothing more to deliver to it
    }
  };

  const play = async (): Promise<ProcessStatus> => {
    let stdinIndex = 0;
    for (const record of cassette.records) {
      const due = replayAt(record.t, timing) - (performance.now() - origin);
      if (due > 0) {
        let timer: ReturnType<typeof setTimeout> | undefined;
        await Promise.race([new Promise((r) => timer = setTimeout(r, due)), killed]);
        clearTimeout(timer);
      }
      if (finished) break;
      if ("stdout" in record || "stdout_raw" in record) {
        emit(stdoutController, stdoutText(record), "eol" in record ? record.eol : undefined);
      } else if ("stderr" in record) {
        emit(stderrController, record.stderr, record.eol);
      } else if ("stdin" in record) {
        const index = stdinIndex++;
        if (!await waitFor(() => received.length > index || stdinClosed)) break;
        catchUp(record.t);
        const line = received[index];
        const got = line === undefined ? undefined : redact(line);
        if (got !== record.stdin) {
          return missed(
            `stdin line ${index + 1} differs from the cassette "${
              options.source ?? "<memory>"
            }": recorded ${JSON.stringify(record.stdin.slice(0, 200))}, this run ${
              got === undefined ? "closed stdin" : JSON.stringify(got.slice(0, 200))
            }`,
          );
        }
      } else if ("stdin_eof" in record) {
        if (!await waitFor(() => stdinClosed)) break;
        catchUp(record.t);
      } else if ("exit" in record) {
        return { code: record.exit.code, signal: record.exit.signal as Deno.Signal | null };
      }
    }
    if (killSignal) return { code: 128 + (SIGNAL_NUMBERS[killSignal] ?? 15), signal: killSignal };
    return missed(
      `The cassette "${options.source ?? "<memory>"}" has no exit record: re-record it`,
    );
  };

  const status = play().then((status) => {
    finished = true;
    for (const controller of [stdoutController, stderrController]) {
      try {
        controller.close();
      } catch {
        // already cancelled by the reader
      }
    }
    return status;
  });

  const process: ClaudeProcess = {
    pid: undefined,
    stdin,
    stdout,
    stderr,
    status,
    kill(signal: Deno.Signal = "SIGTERM") {
      if (finished) return;
      finished = true;
      killSignal = signal;
      kill(signal);
    },
    async [Symbol.asyncDispose]() {
      process.kill();
      await status;
    },
  };
  return process;
}

/** Where {@linkcode replayRequest} finds what to replay. */
export interface CassetteSource {
  /** The cassette recorded under `key`; throws a `CassetteMissError` that explains the miss. */
  load(key: string, argv: readonly string[]): Promise<{ path: string; cassette: Cassette }>;
  /** The CLI version the cassettes were recorded with, for `--version`; `null` when unknown. */
  cliVersion(): Promise<string | null>;
}

/** Options for {@linkcode replayRequest}. */
export interface ReplayRequestOptions {
  /** How fast to play; `instant` by default. */
  timing?: ReplayTiming;
  /** The CLI version in use; a cassette recorded with another one is flagged through `onWarning`. */
  cliVersion?: string;
  /** Receives warnings. */
  onWarning?: (message: string) => void;
}

/**
 * The one replay path for a spawn request: `--version` is answered with the recorded CLI version;
 * any other request is matched by its key against `source` (a miss throws a `CassetteMissError`)
 * and replayed with the request's own redaction rules for its stdin.
 *
 * @example Serve a run from a single cassette
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { parseCassette } from "./cassette.ts";
 * import { replayRequest } from "./replay.ts";
 *
 * const path = new URL("../../fixtures/cassettes/2.1.332/text_simple.ndjson", import.meta.url);
 * const cassette = parseCassette(await Deno.readTextFile(path));
 * const source = { load: () => Promise.resolve({ path: "text_simple", cassette }), cliVersion: () => Promise.resolve("2.1.332") };
 * const version = await replayRequest({ command: "claude", args: ["--version"], env: {} }, source);
 * strictEqual(await new Response(version.stdout).text(), "2.1.332 (Claude Code)\n");
 * ```
 */
export async function replayRequest(
  request: SpawnRequest,
  source: CassetteSource,
  options: ReplayRequestOptions = {},
): Promise<ClaudeProcess> {
  if (asksVersion(request.args)) return versionProcess(await source.cliVersion());
  const { argv, key } = await requestKey(request);
  const { path, cassette } = await source.load(key, argv);
  const recordedWith = cassette.header.cli_version;
  if (options.cliVersion && recordedWith && recordedWith !== options.cliVersion) {
    options.onWarning?.(
      `The cassette "${path}" was recorded with Claude Code ${recordedWith}, not ${options.cliVersion}: re-record it if the CLI's output changed`,
    );
  }
  const rules = requestRules(request);
  return replayProcess(cassette, {
    source: path,
    redact: (line) => redactLine(line, rules),
    ...(options.timing === undefined ? {} : { timing: options.timing }),
  });
}

/** A process that answers `--version` as Claude Code `version` would. */
async function versionProcess(version: string | null): Promise<ClaudeProcess> {
  const header = await cassetteHeader(["--version"], { cli_version: version });
  return replayProcess({
    header,
    records: [
      { t: 0, stdout_raw: `${version ?? "0.0.0"} (Claude Code)` },
      { t: 0, exit: { code: 0, signal: null } },
    ],
  });
}
