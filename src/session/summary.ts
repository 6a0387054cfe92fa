/**
 * A summary of a decoded transcript: what `claw inspect` reports.
 *
 * @module
 */
import { classifyResult, isFailedResult, resultContext } from "./classify.ts";
import type { DecodedItem } from "../protocol/events.ts";
import { ProcessFacts, TurnFacts } from "./facts.ts";

/** One `result` event, summarised. */
export interface ResultSummary {
  /** The line it was on (1 for `--output-format json`). */
  line: number;
  /** The result's `subtype`. */
  subtype: string;
  /** The result's `is_error`. */
  is_error: boolean;
  /** Turns the run took, when the result says. */
  num_turns: number | null;
  /** What the run cost, when the result says. */
  total_cost_usd: number | null;
  /** How long the run took, when the result says. */
  duration_ms: number | null;
  /** The session the result belongs to. */
  session_id: string | null;
  /** claw's error kind for a failed result, else `null`. */
  error_kind: string | null;
}

/** One diagnostic, summarised. */
export interface DiagnosticSummary {
  /** The line it is about. */
  line: number;
  /** `not_json`, `not_object`, `invalid_utf8` or `truncated_line`. */
  kind: string;
  /** What was wrong, with the start of the line. */
  message: string;
}

/** The stable shape `claw inspect --json` prints. */
export interface TranscriptSummary {
  /** Lines read (blank lines included). */
  lines: number;
  /** Events decoded (diagnostics excluded). */
  events: number;
  /** Count per kind: `type`, or `type/subtype` for `system` and `result`. */
  kinds: Record<string, number>;
  /** Count per kind claw does not know (a newer CLI's): a `type`, or `system/<subtype>`. */
  unknown: Record<string, number>;
  /** Every line that did not decode cleanly. */
  diagnostics: DiagnosticSummary[];
  /** Session ids in order of first appearance. */
  sessions: string[];
  /** The CLI version from `system/init`. */
  cli_version: string | null;
  /** The model from `system/init`. */
  model: string | null;
  /** Every `result` line, in order. */
  results: ResultSummary[];
}

/**
 * The kind label used in {@linkcode TranscriptSummary.kinds}: the line's own `type`, and
 * `subtype` for `system` and `result`, also for kinds claw does not know.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { kindOf } from "./summary.ts";
 *
 * strictEqual(kindOf({ type: "system", subtype: "unknown", originalSubtype: "brand_new", raw: {} }), "system/brand_new");
 * strictEqual(kindOf({ type: "unknown", originalType: "brand_new", raw: {} }), "brand_new");
 * ```
 */
export function kindOf(item: DecodedItem): string {
  if (item.type === "unknown") return item.originalType ?? "(no type)";
  if (item.type === "system") {
    const subtype = item.subtype === "unknown" ? item.originalSubtype : item.subtype;
    return subtype === undefined ? "system" : `system/${subtype}`;
  }
  if (item.type === "result" && typeof item.subtype === "string") return `result/${item.subtype}`;
  return item.type;
}

/**
 * Builds a {@linkcode TranscriptSummary} item by item, so a transcript of any size is summarised in
 * constant memory (apart from the lists it reports).
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert";
 * import { TranscriptSummarizer } from "./summary.ts";
 *
 * const summarizer = new TranscriptSummarizer();
 * summarizer.add({ type: "keep_alive" }, 1);
 * summarizer.lines = 1;
 * assert(summarizer.summary().kinds.keep_alive === 1);
 * ```
 */
export class TranscriptSummarizer {
  /** Lines read so far; the caller sets it (blank lines produce no item). */
  lines = 0;
  #events = 0;
  #kinds: Record<string, number> = {};
  #unknown: Record<string, number> = {};
  #diagnostics: DiagnosticSummary[] = [];
  #sessions = new Set<string>();
  #process = new ProcessFacts();
  #turn = new TurnFacts();
  #results: ResultSummary[] = [];

  /** Adds one decoded item found on `line`. */
  add(item: DecodedItem, line: number): void {
    this.#process.observe(item);
    this.#turn.observe(item);
    if (item.type === "diagnostic") {
      this.#diagnostics.push({ line: item.lineNumber, kind: item.kind, message: item.message });
      return;
    }
    this.#events++;
    const kind = kindOf(item);
    this.#kinds[kind] = (this.#kinds[kind] ?? 0) + 1;
    if (item.type === "unknown" || (item.type === "system" && item.subtype === "unknown")) {
      this.#unknown[kind] = (this.#unknown[kind] ?? 0) + 1;
    }
    if (item.type === "unknown") return;
    if ("session_id" in item && typeof item.session_id === "string" && item.session_id) {
      this.#sessions.add(item.session_id);
    }
    if (item.type === "result") {
      const turn = this.#turn;
      this.#turn = new TurnFacts();
      this.#results.push({
        line,
        subtype: String(item.subtype),
        is_error: item.is_error === true,
        num_turns: numberOrNull(item.num_turns),
        total_cost_usd: numberOrNull(item.total_cost_usd),
        duration_ms: numberOrNull(item.duration_ms),
        session_id: typeof item.session_id === "string" ? item.session_id : null,
        error_kind: isFailedResult(item) ? classifyResult(item, resultContext(turn)).kind : null,
      });
    }
  }

  /** The summary so far. */
  summary(): TranscriptSummary {
    return {
      lines: this.lines,
      events: this.#events,
      kinds: this.#kinds,
      unknown: this.#unknown,
      diagnostics: this.#diagnostics,
      sessions: [...this.#sessions],
      cli_version: this.#process.cliVersion ?? null,
      model: this.#process.model ?? null,
      results: this.#results,
    };
  }
}

function numberOrNull(value: unknown): number | null {
  return typeof value === "number" ? value : null;
}
