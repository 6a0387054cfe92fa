/**
 * What a recorded run means, apart from its bytes: the kinds of lines the CLI printed, the tools
 * it called and with what, how each turn ended and how the process exited. Two recordings of the
 * same run mean the same even when the CLI streamed its text in other chunks, took other times,
 * or made up other ids; `claw cassette refresh` reports the differences in meaning between a
 * cassette and a new recording of it.
 *
 * @module
 */
import { stdoutText } from "./cassette.ts";
import type { Cassette } from "./cassette.ts";
import { parseObject } from "./_json_object.ts";
import { kindOf } from "./_line_kind.ts";
import { type Hunk, sequenceHunks } from "./_sequence_diff.ts";
import { decodeLine } from "../protocol/decode.ts";
import type { ResultEvent } from "../protocol/events.ts";
import { classifyResult, isFailedResult, resultContext } from "../session/classify.ts";
import { TurnFacts } from "../session/facts.ts";

/** Options of {@linkcode cassetteMeaning}. */
export interface MeaningOptions {
  /**
   * Also take each turn's final text and token usage. Only an API that answers the same every
   * time (a fake one) makes these comparable.
   */
  text?: boolean;
}

/** A recorded run, in the terms {@linkcode meaningChanges} compares. */
export interface CassetteMeaning {
  /**
   * The kinds of the lines on stdout, in order (`system/init`, `assistant/tool_use`,
   * `stream_event/content_block_delta/text_delta`, `result/success`), each run of one kind (or of
   * a short cycle of kinds around streamed deltas) as one entry, so that the chunking of a stream
   * is not a change. Lines printed at moments that vary (`keep_alive`) are left out.
   */
  kinds: string[];
  /** Each tool call once, in order: its name and its input as JSON (placeholders kept). */
  toolCalls: string[];
  /**
   * How each turn ended: the result's subtype, `(is_error)` when it says so, and for a failed
   * one the error kind claw gives it (`error_during_execution → aborted`).
   */
  results: string[];
  /** How the process ended: `code 0`, `signal SIGKILL`, or `none` when the recording has no exit. */
  exit: string;
  /** With `text`: each turn's final text (the whole stdout of a run that printed no result). */
  texts?: string[];
  /** With `text`: each turn's token usage. */
  usage?: string[];
}

/** Line kinds printed at moments that vary from run to run, left out of the comparison. */
const NOISE = new Set(["keep_alive"]);

/**
 * Adds a line's kind to `kinds`, collapsing repeats: a run of one kind, and a run of a cycle of
 * two or three kinds with a streamed delta in it (`system/thinking_tokens` between each
 * `thinking_delta`), stays one entry or one cycle however many chunks the stream had.
 */
function addKind(kinds: string[], kind: string): void {
  if (NOISE.has(kind) || kinds.at(-1) === kind) return;
  kinds.push(kind);
  for (const period of [2, 3]) {
    const end = kinds.length;
    if (end < 2 * period) continue;
    const last = kinds.slice(end - period);
    const repeats = last.every((item, i) => item === kinds[end - 2 * period + i]);
    if (repeats && last.some((item) => item.startsWith("stream_event/content_block_delta"))) {
      kinds.length = end - period;
      return;
    }
  }
}

/**
 * The meaning of a cassette (see {@linkcode CassetteMeaning}).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { readCassetteFile } from "./cassette.ts";
 * import { cassetteMeaning } from "./meaning.ts";
 *
 * const cassette = await readCassetteFile("fixtures/cassettes/2.1.332/tool_bash.ndjson");
 * const meaning = cassetteMeaning(cassette);
 * deepStrictEqual(meaning.toolCalls, ['Bash {"command":"echo claw-$((40+2))"}']);
 * deepStrictEqual([meaning.results, meaning.exit], [["success"], "code 0"]);
 * ```
 */
export function cassetteMeaning(cassette: Cassette, options: MeaningOptions = {}): CassetteMeaning {
  const kinds: string[] = [];
  const toolCalls: string[] = [];
  const toolIds = new Set<string>();
  const results: string[] = [];
  const texts: string[] = [];
  const usage: string[] = [];
  const rawText: string[] = [];
  let exit = "none";
  let turn = new TurnFacts();
  for (const record of cassette.records) {
    if ("exit" in record) {
      exit = record.exit.signal ? `signal ${record.exit.signal}` : `code ${record.exit.code}`;
    }
    if (!("stdout" in record || "stdout_raw" in record)) continue;
    const text = stdoutText(record);
    const line = parseObject(text);
    const kind = kindOf(line);
    addKind(kinds, kind);
    if (kind === "(text)") rawText.push(text);
    if (line?.type === "assistant") {
      for (const call of toolUses(line)) {
        if (call.id !== undefined && toolIds.has(call.id)) continue;
        if (call.id !== undefined) toolIds.add(call.id);
        toolCalls.push(`${call.name} ${stableJson(call.input)}`);
      }
    }
    if (line === undefined) continue;
    for (const item of decodeLine({ text, lineNumber: 0, terminated: true, invalidUtf8: false })) {
      turn.observe(item);
      if (item.type !== "result") continue;
      results.push(describeResult(item, turn));
      texts.push(typeof item.result === "string" ? item.result : "(none)");
      usage.push(describeUsage(item.usage));
      turn = new TurnFacts();
    }
  }
  if (!options.text) return { kinds, toolCalls, results, exit };
  return {
    kinds,
    toolCalls,
    results,
    exit,
    texts: results.length === 0 && rawText.length > 0 ? [rawText.join("\n")] : texts,
    usage,
  };
}

/**
 * The changes from `recorded` to `now`, one line each, in words: `tool calls: recorded Bash
 * {"command":"ls"}, now Read {"file_path":"$CWD/a.txt"}`; `result 1: recorded success, now
 * error_during_execution → api_error`; `line kinds: after assistant/tool_use, recorded
 * control_request/can_use_tool, now nothing`. None when they mean the same. Texts and usage are
 * compared when both have them.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { meaningChanges } from "./meaning.ts";
 *
 * const recorded = { kinds: ["system/init", "result/success"], toolCalls: ['Bash {"command":"ls"}'], results: ["success"], exit: "code 0" };
 * const now = { ...recorded, toolCalls: ['Read {"file_path":"a.txt"}'] };
 * deepStrictEqual(meaningChanges(recorded, now), [
 *   'tool calls: recorded Bash {"command":"ls"}, now Read {"file_path":"a.txt"}',
 * ]);
 * ```
 */
export function meaningChanges(recorded: CassetteMeaning, now: CassetteMeaning): string[] {
  const changes = [
    ...describeHunks("line kinds", sequenceHunks(recorded.kinds, now.kinds)),
    ...describeHunks("tool calls", sequenceHunks(recorded.toolCalls, now.toolCalls)),
    ...pairwise("result", recorded.results, now.results),
  ];
  if (recorded.exit !== now.exit) changes.push(`exit: recorded ${recorded.exit}, now ${now.exit}`);
  if (recorded.texts && now.texts) {
    changes.push(...pairwise("text", recorded.texts.map(quote), now.texts.map(quote)));
  }
  if (recorded.usage && now.usage) changes.push(...pairwise("usage", recorded.usage, now.usage));
  return changes;
}

/** The most hunks of one list that are named; the rest are counted. */
const MAX_HUNKS = 5;
/** The most items of one side of a hunk that are named; the rest are counted. */
const MAX_ITEMS = 6;
/** The longest item shown; a longer one is cut with `…`. */
const MAX_ITEM_CHARS = 160;

function describeHunks(what: string, hunks: readonly Hunk<string>[]): string[] {
  const lines = hunks.slice(0, MAX_HUNKS).map((hunk) => {
    const where = hunk.before === undefined ? "" : `after ${short(hunk.before)}, `;
    return `${what}: ${where}recorded ${list(hunk.removed)}, now ${list(hunk.added)}`;
  });
  if (hunks.length > MAX_HUNKS) {
    lines.push(`${what}: and ${hunks.length - MAX_HUNKS} more differences`);
  }
  return lines;
}

function pairwise(what: string, recorded: readonly string[], now: readonly string[]): string[] {
  const lines: string[] = [];
  for (let i = 0; i < Math.max(recorded.length, now.length); i++) {
    if (recorded[i] === now[i]) continue;
    lines.push(`${what} ${i + 1}: recorded ${recorded[i] ?? "none"}, now ${now[i] ?? "none"}`);
  }
  return lines;
}

function list(items: readonly string[]): string {
  if (items.length === 0) return "nothing";
  const shown = items.slice(0, MAX_ITEMS).map(short).join(", ");
  return items.length > MAX_ITEMS ? `${shown} and ${items.length - MAX_ITEMS} more` : shown;
}

function short(item: string): string {
  return item.length > MAX_ITEM_CHARS ? `${item.slice(0, MAX_ITEM_CHARS - 1)}…` : item;
}

function quote(text: string): string {
  return JSON.stringify(text);
}

/** The tool calls of an assistant line. */
function toolUses(line: Record<string, unknown>): { id?: string; name: string; input: unknown }[] {
  const content = (line.message as { content?: unknown } | undefined)?.content;
  if (!Array.isArray(content)) return [];
  return content.flatMap((block) => {
    if (block?.type !== "tool_use") return [];
    const name = typeof block.name === "string" ? block.name : "(no name)";
    return [
      typeof block.id === "string"
        ? { id: block.id, name, input: block.input }
        : { name, input: block.input },
    ];
  });
}

function describeResult(result: ResultEvent, turn: TurnFacts): string {
  const flagged = `${String(result.subtype)}${result.is_error === true ? " (is_error)" : ""}`;
  if (!isFailedResult(result)) return flagged;
  return `${flagged} → ${classifyResult(result, resultContext(turn)).kind}`;
}

function describeUsage(usage: unknown): string {
  if (typeof usage !== "object" || usage === null) return "(none)";
  const counts = usage as Record<string, unknown>;
  const names: [string, string][] = [
    ["input_tokens", "input"],
    ["output_tokens", "output"],
    ["cache_read_input_tokens", "cache read"],
    ["cache_creation_input_tokens", "cache write"],
  ];
  const parts = names.flatMap(([key, name]) =>
    typeof counts[key] === "number" ? [`${name} ${counts[key]}`] : []
  );
  return parts.length === 0 ? "(none)" : parts.join(", ");
}

/** JSON with the keys of every object sorted, so that key order is not a change. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) => {
    if (typeof inner !== "object" || inner === null || Array.isArray(inner)) return inner;
    return Object.fromEntries(
      Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => a < b ? -1 : 1),
    );
  }) ?? "null";
}
