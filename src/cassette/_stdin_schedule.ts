/**
 * When refresh writes a recording's stdin to a live CLI: each thing the host did (a stdin line,
 * closing stdin, a signal) is done once the live output has reached the point where the host did
 * it in the recording.
 *
 * That point is the last line the CLI printed before the host acted, counted by kind since the
 * host's previous action: "the 1st `control_request/can_use_tool` line since the prompt", "the
 * 1st `stream_event/content_block_delta/text_delta`", "the 2nd `result/success`". Lines the CLI
 * prints in passing (a `system/status`, a `keep_alive`) are not waited for: the line before them
 * is. An action with no output before it since the previous one is done right away.
 *
 * The CLI makes up ids per run: the `request_id` of each `control_request` it sends (a
 * `can_use_tool`, an `mcp_message`) and the id of each `tool_use` block. The k-th live one of a
 * kind is paired with the k-th recorded one, as replay pairs a client's ids (see
 * `_client_ids.ts`), and a stdin line written afterwards gets the live id where it had the
 * recorded one (as a whole JSON string): the answer to a `can_use_tool` request names the request
 * this run's CLI sent.
 *
 * A live run that strays (its turn ends without the line an action waits for, or its output ends
 * first) stops the schedule: stdin is closed so the CLI finishes, and {@linkcode
 * StdinSchedule.problem} says what was missing.
 */
import type { CassetteRecord } from "./cassette.ts";
import { stdoutText } from "./cassette.ts";
import { parseObject } from "./_json_object.ts";
import { kindOf } from "./_line_kind.ts";

/** What the host does next on the live CLI. */
export type HostAction =
  | { write: string }
  | { close: true }
  | { kill: Deno.Signal };

/** One thing the host did in the recording, and the output it did it after. */
interface Step {
  /** The stdin line (with its newline, unless the recording had none), or the end or signal. */
  action: HostAction;
  /** How messages name it: `stdin line 3`, `the end of stdin`, `the SIGINT`. */
  name: string;
  /** The line kind it waited for, and how many of that kind since the previous action. */
  after?: { kind: string; count: number };
  /** How many `result` lines the recording had since the previous action, before this one. */
  results: number;
}

/** Lines printed in passing: the host never waits for one of these. */
function inPassing(kind: string): boolean {
  return (kind.startsWith("system/") && kind !== "system/init") || kind === "keep_alive" ||
    kind === "rate_limit_event";
}

/**
 * The ids a CLI line (parsed, of kind `kind`) makes up, by what kind of id:
 * `control_request/<subtype>`, `tool_use`.
 */
function madeUpIds(line: Record<string, unknown> | undefined, kind: string): [string, string][] {
  if (line === undefined) return [];
  if (line.type === "control_request" && typeof line.request_id === "string") {
    return [[kind, line.request_id]];
  }
  if (line.type !== "assistant") return [];
  const content = (line.message as { content?: unknown } | undefined)?.content;
  if (!Array.isArray(content)) return [];
  return content.flatMap((block): [string, string][] =>
    block?.type === "tool_use" && typeof block.id === "string" ? [["tool_use", block.id]] : []
  );
}

/** `1st`, `2nd`, `3rd`, `4th`, … */
function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? "th" : ["th", "st", "nd", "rd"][n % 10] ?? "th";
  return `${n}${suffix}`;
}

/**
 * The host's side of one recording, played against a live CLI: {@linkcode start} gives what is
 * due before any output, {@linkcode observe} what each live stdout line makes due.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { StdinSchedule } from "./_stdin_schedule.ts";
 *
 * const schedule = new StdinSchedule([
 *   { t: 1, stdin: '{"type":"user"}' },
 *   { t: 2, stdout: { type: "result", subtype: "success" } },
 *   { t: 3, stdin_eof: true },
 *   { t: 4, exit: { code: 0, signal: null } },
 * ]);
 * deepStrictEqual(schedule.start(), [{ write: '{"type":"user"}\n' }]);
 * deepStrictEqual(schedule.observe('{"type":"system","subtype":"init"}'), []);
 * deepStrictEqual(schedule.observe('{"type":"result","subtype":"success"}'), [{ close: true }]);
 * ```
 */
export class StdinSchedule {
  readonly #steps: Step[] = [];
  readonly #restore: (line: string) => string;
  /** The recorded made-up ids, by kind of id, in order. */
  readonly #recordedIds = new Map<string, string[]>();
  /** How many made-up ids of each kind the live run has printed. */
  readonly #liveIds = new Map<string, number>();
  /** Recorded id → live id, as JSON strings, for those that differ. */
  readonly #renames = new Map<string, string>();
  /** Live line kinds since the last action, counted. */
  #seen = new Map<string, number>();
  #next = 0;
  #problem: string | undefined;

  /**
   * The schedule of `records` (a cassette's); `restore` turns the placeholders of a stdin line
   * into the live run's places (see `placeRestorer`).
   */
  constructor(records: readonly CassetteRecord[], restore: (line: string) => string = (l) => l) {
    this.#restore = restore;
    let segment: string[] = [];
    let stdinLines = 0;
    for (const record of records) {
      if ("stdout" in record || "stdout_raw" in record) {
        const line = parseObject(stdoutText(record));
        const recordedKind = kindOf(line);
        segment.push(recordedKind);
        for (const [kind, id] of madeUpIds(line, recordedKind)) {
          const ids = this.#recordedIds.get(kind) ?? [];
          ids.push(id);
          this.#recordedIds.set(kind, ids);
        }
        continue;
      }
      let action: HostAction;
      let name: string;
      if ("stdin" in record) {
        action = { write: record.eol === false ? record.stdin : `${record.stdin}\n` };
        name = `stdin line ${++stdinLines}`;
      } else if ("stdin_eof" in record) {
        action = { close: true };
        name = "the end of stdin";
      } else if ("kill" in record) {
        action = { kill: record.kill as Deno.Signal };
        name = `the ${record.kill}`;
      } else {
        continue;
      }
      this.#steps.push({ action, name, ...anchor(segment) });
      segment = [];
    }
  }

  /** Whether every recorded action was done, or the schedule stopped. */
  get done(): boolean {
    return this.#next >= this.#steps.length;
  }

  /** Why the schedule stopped before its end, when the live run strayed from the recording. */
  get problem(): string | undefined {
    return this.#problem;
  }

  /** The actions due before the CLI printed anything. */
  start(): HostAction[] {
    return this.#due();
  }

  /** Takes one live stdout line (without its newline); returns the actions now due. */
  observe(text: string): HostAction[] {
    if (this.done) return [];
    const line = parseObject(text);
    const kind = kindOf(line);
    this.#seen.set(kind, (this.#seen.get(kind) ?? 0) + 1);
    for (const [idKind, id] of madeUpIds(line, kind)) {
      const index = this.#liveIds.get(idKind) ?? 0;
      this.#liveIds.set(idKind, index + 1);
      const recorded = this.#recordedIds.get(idKind)?.[index];
      if (recorded !== undefined && recorded !== id) {
        this.#renames.set(JSON.stringify(recorded), JSON.stringify(id));
      }
    }
    const due = this.#due();
    if (due.length > 0 || this.done) return due;
    const step = this.#steps[this.#next]!;
    if (kind.startsWith("result") && this.#results() > step.results) {
      return this.#stop(
        `${step.name} was written after the CLI's ${
          describe(step)
        }, and this run ended a turn without it`,
      );
    }
    return [];
  }

  /** Says the live output ended; returns the problem when actions were left undone. */
  end(): string | undefined {
    if (!this.done) {
      const step = this.#steps[this.#next]!;
      this.#stop(
        `the CLI's output ended before its ${describe(step)}, which ${step.name} waited for`,
      );
    }
    return this.#problem;
  }

  /** The actions from the next one on whose point the live run has reached. */
  #due(): HostAction[] {
    const due: HostAction[] = [];
    while (!this.done) {
      const step = this.#steps[this.#next]!;
      if (step.after && (this.#seen.get(step.after.kind) ?? 0) < step.after.count) break;
      due.push("write" in step.action ? { write: this.#rekey(step.action.write) } : step.action);
      this.#next++;
      this.#seen = new Map();
    }
    return due;
  }

  /** How many `result` lines the live run printed since the last action. */
  #results(): number {
    let count = 0;
    for (const [kind, seen] of this.#seen) if (kind.startsWith("result")) count += seen;
    return count;
  }

  /** Stops the schedule for `problem`: stdin is closed (unless it was), nothing more is written. */
  #stop(problem: string): HostAction[] {
    this.#problem ??= problem;
    const closed = this.#steps.slice(0, this.#next).some((step) => "close" in step.action);
    const killed = this.#steps.slice(0, this.#next).some((step) => "kill" in step.action);
    this.#next = this.#steps.length;
    return closed || killed ? [] : [{ close: true }];
  }

  /** A stdin line with the live run's ids and places. */
  #rekey(line: string): string {
    for (const [recorded, live] of this.#renames) {
      if (line.includes(recorded)) line = line.replaceAll(recorded, live);
    }
    return this.#restore(line);
  }
}

/** What an action waited for, from the kinds of the lines since the previous action. */
function anchor(segment: readonly string[]): Pick<Step, "after" | "results"> {
  const results = segment.filter((kind) => kind.startsWith("result")).length;
  let at = segment.length - 1;
  while (at > 0 && inPassing(segment[at]!)) at--;
  if (at < 0) return { results };
  const kind = segment[at]!;
  const count = segment.slice(0, at + 1).filter((k) => k === kind).length;
  return { after: { kind, count }, results };
}

/** `1st control_request/can_use_tool line`. */
function describe(step: Step): string {
  return step.after ? `${ordinal(step.after.count)} ${step.after.kind} line` : "start";
}
