/**
 * In-process replay: a process implementation of the seam that plays a cassette back.
 *
 * @module
 */
import { CassetteMissError } from "../errors/claw_error.ts";
import type { ClaudeProcess, ProcessStatus } from "../process/spawn.ts";
import { type Cassette, stdoutText } from "./cassette.ts";
import { ClientIds } from "./_client_ids.ts";
import { EarlyAnswers } from "./_early_answers.ts";
import { killedBy } from "./_killed_by.ts";
import { LineCollector } from "./_line_tap.ts";
import {
  firstPending,
  type InputCursor,
  isInput,
  matchStdin,
  stdinDifference,
  take as takeInput,
} from "./_pending_inputs.ts";
import { stdinChecks } from "./matchers.ts";
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
  /**
   * Turns the placeholders of a replayed output line into the run's own places (see
   * `restore.ts`); by default they stay. {@linkcode replayRequest} passes the request's places.
   */
  restore?: (line: string) => string;
  /**
   * Told, before the status settles, which candidate the replay played to its end (`undefined`
   * when it missed); the status waits for what it returns. {@linkcode replayRequest} writes the
   * usage log here.
   */
  onEnd?: (path: string | undefined, status: ProcessStatus) => void | Promise<void>;
}

/** A recorded run that may serve a live one: see {@linkcode replayCandidates}. */
export interface ReplayCandidate {
  /** Where it came from, for messages. */
  path: string;
  /** The recording. */
  cassette: Cassette;
}

function missed(message: string): ProcessStatus {
  return { code: 1, signal: null, failure: new CassetteMissError(message) };
}

/** Something the host did to the process, in order: a stdin line, closing stdin, a signal. */
type HostEvent = { stdin: string } | { stdin_eof: true } | { kill: Deno.Signal };

/** One candidate as the replay follows it: where it is, and how its client ids pair up. */
interface Track extends InputCursor {
  path: string;
  /** Whether the recorded run got any stdin line: one that got none ignores the host's lines. */
  readsStdin: boolean;
  /** The record the host's last event matched, if it matched one. */
  matched: number | undefined;
}

/**
 * Plays `cassette` as a {@linkcode ClaudeProcess}: its stdout and stderr lines come out in order
 * (at the chosen timing), and output recorded after a stdin line waits until the same line has
 * been written to stdin, as the real process did; with recorded or scaled timing, the output after
 * a stdin line that came late keeps its recorded delay from that line. Lines the host writes
 * concurrently may come in another order than recorded (an answer to one of the CLI's requests
 * matches by its request id; see `_pending_inputs.ts`). A stdin line that differs from the
 * recording (compared after redaction, as it was saved, with the client's per-run ids set aside:
 * see `_client_ids.ts`) ends the replay with exit code 1 and a `CassetteMissError` as the status's
 * `failure`. A signal the recording marks (`kill`) is waited for like a stdin line,
 * and the CLI's recorded answer to it follows; an unrecorded signal ends the replay at once.
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
  return replayCandidates([{ path: options.source ?? "<memory>", cassette }], options);
}

/**
 * Plays whichever of `candidates` (recordings of one argv, first by path first) the host's input
 * turns out to match, as {@linkcode replayProcess} plays one: the output comes from the first
 * candidate still matching, and each stdin line (or closing stdin, or a signal) drops the
 * candidates that recorded something else at that point. Runs of one configuration share their
 * output up to the first user input (an `initialize` answer), so the output already played from a
 * dropped candidate stands for the next one's. When none is left, the replay misses and names the
 * difference from the nearest (the first by path of those that matched longest).
 *
 * @example Two recordings of one argv: the stdin picks the one to play
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { cassetteHeader } from "./cassette.ts";
 * import { replayCandidates } from "./replay.ts";
 *
 * const recorded = async (prompt: string, answer: string) => ({
 *   path: `${prompt}.ndjson`,
 *   cassette: { header: await cassetteHeader(["-p"], { input: prompt }), records: [
 *     { t: 0, stdin: prompt }, { t: 0, stdin_eof: true as const },
 *     { t: 1, stdout_raw: answer }, { t: 2, exit: { code: 0, signal: null } },
 *   ] },
 * });
 * const process = replayCandidates([await recorded("hi", "Hello"), await recorded("bye", "Goodbye")]);
 * const writer = process.stdin.getWriter();
 * await writer.write(new TextEncoder().encode("bye\n"));
 * await writer.close();
 * strictEqual(await new Response(process.stdout).text(), "Goodbye\n");
 * ```
 */
export function replayCandidates(
  candidates: readonly ReplayCandidate[],
  options: ReplayOptions = {},
): ClaudeProcess {
  const timing = options.timing ?? "instant";
  const secrets = redactionRules();
  const redact = options.redact ?? ((line: string) => redactLine(line, secrets));
  const restore = options.restore ?? ((line: string) => line);
  const encoder = new TextEncoder();
  let stdoutController!: ReadableStreamDefaultController<Uint8Array>;
  let stderrController!: ReadableStreamDefaultController<Uint8Array>;
  const stdout = new ReadableStream<Uint8Array>({ start: (c) => void (stdoutController = c) });
  const stderr = new ReadableStream<Uint8Array>({ start: (c) => void (stderrController = c) });

  const events: HostEvent[] = [];
  let wake: (() => void) | undefined;
  const happened = (event: HostEvent) => {
    events.push(event);
    wake?.();
    wake = undefined;
  };
  const collector = new LineCollector((line) => happened({ stdin: line }));
  const stdin = new WritableStream<Uint8Array>({
    write: (chunk) => collector.push(chunk),
    close: () => {
      collector.end();
      happened({ stdin_eof: true });
    },
  });

  let finished = false;
  // When the recorded delays are kept, they count from the start or from the last stdin line that
  // arrived later than recorded: output after it keeps its recorded delay.
  let origin = performance.now();
  const catchUp = (t: number) => {
    const late = performance.now() - origin - replayAt(t, timing);
    if (late > 0) origin += late;
  };
  /** Resolves when the host does something new (or at once when it has since `seen`). */
  const nextEvent = (seen: number) =>
    events.length > seen ? Promise.resolve() : new Promise<void>((resolve) => wake = resolve);

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

  let tracks: Track[] = candidates.map(({ path, cassette }) => ({
    path,
    records: cassette.records,
    next: 0,
    ahead: new Set<number>(),
    ids: new ClientIds(),
    checks: stdinChecks(cassette.header, cassette.records),
    readsStdin: cassette.records.some((record) => "stdin" in record),
    matched: undefined,
  }));
  let stdinLines = 0;

  /**
   * Takes host event `index` against every track's pending input records (a stdin line against
   * those it may match: see `_pending_inputs.ts`; closing stdin and a signal against the next
   * one), dropping the tracks that recorded something else; returns why the nearest one differs
   * when none is left.
   */
  const take = (index: number): string | undefined => {
    const event = events[index]!;
    if ("stdin" in event) stdinLines++;
    const live = "stdin" in event ? redact(event.stdin) : undefined;
    const misses: string[] = [];
    tracks = tracks.filter((track) => {
      track.matched = undefined;
      if ("stdin" in event && !track.readsStdin) return true;
      // Closing stdin and a signal come where they were recorded; a line may come early.
      const found = live === undefined ? { nearest: firstPending(track) } : matchStdin(track, live);
      const at = "at" in found ? found.at : found.nearest;
      const record = at === undefined ? undefined : track.records[at];
      const difference = "at" in found
        ? undefined
        : record === undefined
        ? "the recording had ended"
        : inputDifference(track, at!, event, live);
      if (difference === undefined && at !== undefined) {
        takeInput(track, at);
        track.matched = at;
      } else {
        const what = "stdin" in event || (record && "stdin" in record)
          ? `stdin line ${"stdin" in event ? stdinLines : stdinLines + 1}`
          : "stdin_eof" in event
          ? "the end of stdin"
          : `signal ${event.kill}`;
        misses.push(`${what} differs from the cassette "${track.path}": ${difference}`);
      }
      return difference === undefined;
    });
    const lead = tracks[0];
    if (lead) {
      const matched = lead.matched === undefined ? undefined : lead.records[lead.matched];
      if (matched) catchUp(matched.t);
      if (matched && "stdin" in matched) early.took(matched.stdin, (id) => lead.ids.live(id));
      return undefined;
    }
    const others = candidates.length > 1
      ? ` (the nearest of the ${candidates.length} cassettes recorded with these arguments)`
      : "";
    return `${misses[0]}${others}`;
  };

  const early = new EarlyAnswers();

  /** The first signal the host sent that the lead has not answered, if any. */
  let kills = 0;
  const pendingKill = (taken: number): Deno.Signal | undefined => {
    if (kills === 0) return undefined;
    for (let i = taken; i < events.length; i++) {
      const event = events[i]!;
      if ("kill" in event) return event.kill;
    }
    return undefined;
  };

  const play = async (): Promise<ProcessStatus> => {
    let taken = 0;
    while (tracks.length > 0) {
      const lead = tracks[0]!;
      const record = lead.records[lead.next];
      if (record === undefined) break;
      // A stdin line the host wrote before its turn (concurrently with earlier ones) is in.
      if (lead.ahead.delete(lead.next)) {
        lead.next++;
        continue;
      }
      // A signal the recording answers hurries the replay to that point; any other ends it now.
      const signal = pendingKill(taken);
      if (
        signal && !lead.records.some((r, i) => i >= lead.next && "kill" in r && r.kill === signal)
      ) {
        return killedBy(signal);
      }
      const due = signal ? 0 : replayAt(record.t, timing) - (performance.now() - origin);
      if (due > 0) {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const seen = events.length;
        await Promise.race([new Promise((r) => timer = setTimeout(r, due)), nextEvent(seen)]);
        clearTimeout(timer);
        if (events.length > seen) continue;
      }
      if (isInput(record)) {
        if (events.length <= taken && early.owing) {
          for (const answer of early.due(lead.records, lead.next, (id) => lead.ids.live(id))) {
            emit(stdoutController, restore(lead.ids.rekey(stdoutText(answer))));
          }
        }
        while (events.length <= taken) await nextEvent(taken);
        const event = events[taken]!;
        const difference = take(taken++);
        if (difference === undefined) continue;
        return "kill" in event ? killedBy(event.kill) : missed(difference);
      }
      lead.next++;
      if ("stdout" in record || "stdout_raw" in record) {
        if (early.sentEarly(record, (id) => lead.ids.live(id))) continue;
        const text = restore(lead.ids.rekey(stdoutText(record)));
        emit(stdoutController, text, "eol" in record ? record.eol : undefined);
      } else if ("stderr" in record) {
        emit(stderrController, restore(record.stderr), record.eol);
      } else if ("exit" in record) {
        return { code: record.exit.code, signal: record.exit.signal as Deno.Signal | null };
      }
    }
    const signal = pendingKill(taken);
    if (signal) return killedBy(signal);
    return missed(
      `The cassette "${tracks[0]?.path ?? "<memory>"}" has no exit record: re-record it`,
    );
  };

  const status = play().then(async (status) => {
    await options.onEnd?.(status.failure ? undefined : tracks[0]?.path, status);
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
      kills++;
      happened({ kill: signal });
    },
    async [Symbol.asyncDispose]() {
      process.kill();
      await status;
    },
  };
  return process;
}

/** Why recorded input `at` differs from what the host did, or `undefined` when it matches. */
function inputDifference(
  track: Track,
  at: number,
  event: HostEvent,
  live: string | undefined,
): string | undefined {
  const record = track.records[at]!;
  if ("stdin" in record && live !== undefined) return stdinDifference(track, at, live);
  if ("stdin_eof" in record && "stdin_eof" in event) return undefined;
  if ("kill" in record && "kill" in event && record.kill === event.kill) return undefined;
  const recorded = "stdin" in record
    ? JSON.stringify(record.stdin.slice(0, 120))
    : "stdin_eof" in record
    ? "the end of stdin"
    : "kill" in record
    ? `signal ${record.kill}`
    : "something else";
  const happened = "stdin" in event
    ? JSON.stringify((live ?? "").slice(0, 120))
    : "stdin_eof" in event
    ? "closed stdin"
    : `signal ${event.kill}`;
  return `recorded ${recorded}, this run ${happened}`;
}
