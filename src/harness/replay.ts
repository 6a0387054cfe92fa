/**
 * In-process replay: a process implementation of the seam that plays a cassette back.
 *
 * @module
 */
import type { ClaudeProcess, ProcessStatus } from "../process/spawn.ts";
import { type Cassette, stdoutText } from "./cassette.ts";
import { LineCollector } from "./_line_tap.ts";
import { redactionRules, redactLine } from "./redact.ts";
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

/**
 * Plays `cassette` as a {@linkcode ClaudeProcess}: its stdout and stderr lines come out in order
 * (at the chosen timing), and output recorded after a stdin line waits until the same line has
 * been written to stdin, as the real process did; with recorded or scaled timing, the output after
 * a stdin line that came late keeps its recorded delay from that line. A stdin line that differs
 * from the recording (compared after redaction, as it was saved) ends the replay with a message on
 * stderr that starts with `claw cassette miss:` and exit code 1.
 *
 * @example Replay a cassette in-process with run()
 * ```ts ignore
 * import { parseCassette } from "./cassette.ts";
 * import { replayProcess } from "./replay.ts";
 * import { run } from "../session/run.ts";
 *
 * const cassette = parseCassette(await Deno.readTextFile("fixtures/cassettes/2.1.328/text_simple.ndjson"));
 * const answer = await run("Say hello", { spawner: () => replayProcess(cassette) }).text();
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
          emit(
            stderrController,
            `claw cassette miss: stdin line ${index + 1} differs from the cassette "${
              options.source ?? "<memory>"
            }": recorded ${JSON.stringify(record.stdin.slice(0, 200))}, this run ${
              got === undefined ? "closed stdin" : JSON.stringify(got.slice(0, 200))
            }`,
          );
          return { code: 1, signal: null };
        }
      } else if ("stdin_eof" in record) {
        if (!await waitFor(() => stdinClosed)) break;
        catchUp(record.t);
      } else if ("exit" in record) {
        return { code: record.exit.code, signal: record.exit.signal as Deno.Signal | null };
      }
    }
    if (killSignal) return { code: 128 + (SIGNAL_NUMBERS[killSignal] ?? 15), signal: killSignal };
    emit(
      stderrController,
      `claw cassette miss: the cassette "${options.source ?? "<memory>"}" has no exit record`,
    );
    return { code: 1, signal: null };
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
