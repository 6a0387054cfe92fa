/**
 * What a report shows of one run or session, built from its events in order: the turns (each a
 * prompt and what the CLI did with it, up to its `result`), every tool call with its input and
 * result and the subagent work it started, tokens and cost per turn, retries, rate-limit events,
 * errors with their kind and hint, and the final result.
 *
 * Times come from the events where they allow: a `result` gives a turn's wall and API time; the
 * time of each line (a cassette records it, a stored session stamps it) gives each tool call's
 * time, so a turn's wall time splits into API, tool and the CLI's own time.
 *
 * @module
 */
import type {
  ContentBlock,
  DecodedItem,
  RateLimitInfo,
  ResultEvent,
  ToolResultBlock,
} from "../protocol/events.ts";
import { classifyResult, isFailedResult } from "../session/classify.ts";
import { type ProcessSoFar, turnTotals } from "../session/totals.ts";
import { hintFor } from "../errors/kinds.ts";

/** One decoded line and when it was printed (ms from the start), when that is known. */
export interface TimedItem {
  /** The event (or diagnostic). */
  item: DecodedItem;
  /** When it was printed, in ms from the start of the run; absent when unknown. */
  t?: number;
}

/** Tokens by kind. */
export interface TokenCounts {
  /** Input tokens not read from the cache. */
  input: number;
  /** Output tokens. */
  output: number;
  /** Input tokens written to the cache. */
  cacheWrite: number;
  /** Input tokens read from the cache. */
  cacheRead: number;
}

/** One tool call: what was asked, what came back, and the work it started. */
export interface ToolCall {
  /** The `tool_use` id. */
  id: string;
  /** The tool's name (`Bash`, `Read`, `Task`, `mcp__…`). */
  name: string;
  /** The input the model gave it. */
  input: unknown;
  /** The result's text, or `null` when no result came back. */
  result: string | null;
  /** Whether the result was an error. */
  isError: boolean;
  /** From the call to its result, in ms, when the lines' times are known. */
  ms: number | null;
  /** What a subagent did for this call (its text and its own tool calls). */
  children: Step[];
}

/** One thing the model did in a turn, in order. */
export type Step =
  | { type: "text"; text: string }
  | { type: "tool"; call: ToolCall };

/** One turn: a prompt, and what the CLI did until its `result`. */
export interface Turn {
  /** 1-based. */
  index: number;
  /** The prompt, when the input shows it. */
  prompt: string | null;
  /** The turn's wall time, in ms: the result's `duration_ms`, else from the lines' times. */
  wallMs: number | null;
  /** Time waiting for the API, in ms (the result's `duration_api_ms`). */
  apiMs: number | null;
  /** Time in tools, in ms: the sum of the top-level tool calls' times, when known. */
  toolMs: number | null;
  /** The rest of the wall time: the CLI's own. */
  cliMs: number | null;
  /** What the turn cost, in US dollars (`null` when no result says). */
  costUsd: number | null;
  /** Tokens by kind. */
  tokens: TokenCounts;
  /** The CLI's round trips to the model in the turn (`num_turns`). */
  roundTrips: number | null;
  /** What the model said and did, in order. */
  steps: Step[];
  /** The result's subtype (`success`, `error_max_turns`, …), or `null` without a result. */
  subtype: string | null;
  /** The final text of the turn. */
  result: string | null;
  /** claw's error kind when the turn failed. */
  errorKind: string | null;
  /** What to do about the failure. */
  hint: string | null;
}

/** A retry the CLI made (`system/api_retry`). */
export interface Retry {
  /** The turn it happened in, 1-based. */
  turn: number;
  /** The attempt, 1-based. */
  attempt: number;
  /** How many the CLI allows. */
  maxRetries: number;
  /** The HTTP status, or `null` for a network error. */
  status: number | null;
  /** The CLI's category (`overloaded`, `rate_limit`, …). */
  error: string;
  /** How long the CLI waited before it, in ms. */
  delayMs: number;
}

/** A `rate_limit_event`. */
export interface RateLimitNote {
  /** The turn it came in, 1-based. */
  turn: number;
  /** What the CLI reported. */
  info: RateLimitInfo;
}

/** An error seen in the run: a failed turn, an API error message, a line that did not decode. */
export interface RunError {
  /** The turn, 1-based (0 before any). */
  turn: number;
  /** claw's kind (`rate_limit`, `api_error`, …), or the diagnostic's kind. */
  kind: string;
  /** What happened. */
  message: string;
  /** What to do. */
  hint: string;
}

/** Everything a run report shows. */
export interface RunTimeline {
  /** The CLI version, from `system/init`. */
  cliVersion: string | null;
  /** The model, from `system/init`. */
  model: string | null;
  /** Session ids in order of first appearance. */
  sessionIds: string[];
  /** The turns, in order. */
  turns: Turn[];
  /** Every retry. */
  retries: Retry[];
  /** Every rate-limit event. */
  rateLimits: RateLimitNote[];
  /** Every error. */
  errors: RunError[];
  /** The last turn's result text. */
  finalResult: string | null;
  /** Sums over the turns. */
  totals: {
    /** `null` when no turn says what it cost (a stored session). */
    costUsd: number | null;
    wallMs: number;
    apiMs: number;
    toolMs: number | null;
    toolCalls: number;
    tokens: TokenCounts;
  };
}

/** What the input says besides its events. */
export interface TimelineOptions {
  /** The prompts sent on stdin or in argv, in order, when the events do not show them. */
  prompts?: readonly string[];
  /**
   * Whether a user line with text is a prompt that opens a turn: so in a stored session, whose
   * lines are the conversation; not in the CLI's output, where such a line is a notice.
   */
  userLinesArePrompts?: boolean;
}

/**
 * The timeline of a run or session from its decoded lines, in order.
 *
 * @example A run with one tool call
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { runTimeline } from "./run_timeline.ts";
 *
 * const items = [
 *   { t: 0, item: { type: "system", subtype: "init", session_id: "s", model: "m", cwd: "/", tools: [] } },
 *   { t: 100, item: { type: "assistant", session_id: "s", parent_tool_use_id: null, message: { content: [{ type: "tool_use", id: "u1", name: "Bash", input: { command: "ls" } }] } } },
 *   { t: 350, item: { type: "user", parent_tool_use_id: null, message: { role: "user", content: [{ type: "tool_result", tool_use_id: "u1", content: "a b" }] } } },
 *   { t: 900, item: { type: "result", subtype: "success", is_error: false, duration_ms: 900, duration_api_ms: 500, num_turns: 2, session_id: "s", total_cost_usd: 0.01, usage: {}, result: "done" } },
 * ] as never;
 * const timeline = runTimeline(items, { prompts: ["List files"] });
 * strictEqual(timeline.turns[0]?.toolMs, 250);
 * strictEqual(timeline.turns[0]?.cliMs, 150);
 * strictEqual(timeline.totals.toolCalls, 1);
 * ```
 */
export function runTimeline(
  items: readonly TimedItem[],
  options: TimelineOptions = {},
): RunTimeline {
  const builder = new TimelineBuilder(options.prompts ?? [], options.userLinesArePrompts ?? false);
  for (const timed of items) builder.add(timed);
  return builder.finish();
}

class TimelineBuilder {
  readonly #prompts: string[];
  readonly #timeline: RunTimeline = {
    cliVersion: null,
    model: null,
    sessionIds: [],
    turns: [],
    retries: [],
    rateLimits: [],
    errors: [],
    finalResult: null,
    totals: {
      costUsd: null,
      wallMs: 0,
      apiMs: 0,
      toolMs: null,
      toolCalls: 0,
      tokens: { input: 0, output: 0, cacheWrite: 0, cacheRead: 0 },
    },
  };
  #turn: Turn | undefined;
  #turnItems: DecodedItem[] = [];
  #turnStart: number | undefined;
  #turnLast: number | undefined;
  /** What the process's last result said of its running totals. */
  readonly #soFar: ProcessSoFar = { costUsd: 0, durationApiMs: 0 };
  /** The turn's own top-level calls, with when each was made. */
  #turnCalls: { call: ToolCall; t: number | undefined }[] = [];
  #callCount = 0;
  #assistantError: string | undefined;
  readonly #calls = new Map<string, { call: ToolCall; t: number | undefined }>();
  readonly #messages = new Set<string>();

  readonly #userLinesArePrompts: boolean;

  constructor(prompts: readonly string[], userLinesArePrompts: boolean) {
    this.#prompts = [...prompts];
    this.#userLinesArePrompts = userLinesArePrompts;
  }

  add({ item, t }: TimedItem): void {
    // The CLI's output says `session_id`; its session files say `sessionId` and `version`.
    const line = item as unknown as Record<string, unknown>;
    const session = stringOrNull(line.session_id) ?? stringOrNull(line.sessionId);
    if (session !== null && !this.#timeline.sessionIds.includes(session)) {
      this.#timeline.sessionIds.push(session);
    }
    if (item.type === "user" || item.type === "assistant") {
      this.#timeline.cliVersion ??= stringOrNull(line.version);
    }
    switch (item.type) {
      case "system":
        return this.#system(item, t);
      case "user":
        return this.#user(item, t);
      case "assistant":
        return this.#assistant(item, t);
      case "result":
        return this.#result(item, t);
      case "rate_limit_event": {
        const turn = this.#current(t); // a rate limit belongs to the turn it comes in
        this.#turnItems.push(item);
        this.#timeline.rateLimits.push({ turn: turn.index, info: item.rate_limit_info });
        return;
      }
      case "diagnostic":
        this.#timeline.errors.push({
          turn: this.#turn?.index ?? 0,
          kind: item.kind,
          message: item.message,
          hint: "A line the CLI printed was not a JSON event; the report skips it",
        });
        return;
    }
  }

  finish(): RunTimeline {
    const timeline = this.#timeline;
    if (this.#turn && this.#turn.subtype === null) this.#close(undefined, this.#turnLast);
    for (const turn of timeline.turns) {
      if (turn.costUsd !== null) {
        timeline.totals.costUsd = (timeline.totals.costUsd ?? 0) + turn.costUsd;
      }
      timeline.totals.wallMs += turn.wallMs ?? 0;
      timeline.totals.apiMs += turn.apiMs ?? 0;
      if (turn.toolMs !== null) {
        timeline.totals.toolMs = (timeline.totals.toolMs ?? 0) + turn.toolMs;
      }
      for (const key of ["input", "output", "cacheWrite", "cacheRead"] as const) {
        timeline.totals.tokens[key] += turn.tokens[key];
      }
    }
    timeline.totals.toolCalls = this.#callCount;
    timeline.finalResult = timeline.turns.findLast((turn) => turn.result !== null)?.result ?? null;
    return timeline;
  }

  /** The open turn, opened now when there is none. */
  #current(t: number | undefined, prompt?: string): Turn {
    if (!this.#turn) {
      this.#turn = {
        index: this.#timeline.turns.length + 1,
        prompt: prompt ?? this.#prompts.shift() ?? null,
        wallMs: null,
        apiMs: null,
        toolMs: null,
        cliMs: null,
        costUsd: null,
        tokens: { input: 0, output: 0, cacheWrite: 0, cacheRead: 0 },
        roundTrips: null,
        steps: [],
        subtype: null,
        result: null,
        errorKind: null,
        hint: null,
      };
      this.#timeline.turns.push(this.#turn);
      this.#turnItems = [];
      this.#turnCalls = [];
      this.#turnStart = t;
      this.#assistantError = undefined;
    }
    if (t !== undefined) this.#turnLast = t;
    return this.#turn;
  }

  #system(item: Extract<DecodedItem, { type: "system" }>, t: number | undefined): void {
    if (item.subtype === "init") {
      this.#timeline.cliVersion ??= stringOrNull(item.claude_code_version);
      this.#timeline.model ??= stringOrNull(item.model);
      return;
    }
    if (item.subtype === "api_retry") {
      const turn = this.#current(t);
      this.#turnItems.push(item);
      this.#timeline.retries.push({
        turn: turn.index,
        attempt: item.attempt,
        maxRetries: item.max_retries,
        status: item.error_status ?? null,
        error: String(item.error),
        delayMs: item.retry_delay_ms,
      });
    }
  }

  #user(item: Extract<DecodedItem, { type: "user" }>, t: number | undefined): void {
    const content = item.message?.content;
    const blocks: ContentBlock[] = typeof content === "string"
      ? [{ type: "text", text: content }]
      : Array.isArray(content)
      ? content
      : [];
    const results = blocks.filter((block): block is ToolResultBlock =>
      block.type === "tool_result"
    );
    if (results.length === 0) {
      // A stored session's prompt opens a turn; an interruption's notice does not.
      if (!this.#userLinesArePrompts || item.parent_tool_use_id || item.isSynthetic) return;
      const text = blocks.flatMap((block) => block.type === "text" ? [block.text] : []).join("\n");
      if (text === "" || text.startsWith("[Request interrupted")) return;
      if (this.#turn && this.#turn.steps.length > 0) this.#close(undefined, this.#turnLast);
      const turn = this.#current(t, text);
      if (turn.prompt === null) turn.prompt = text;
      return;
    }
    this.#current(t);
    this.#turnItems.push(item);
    for (const block of results) {
      const open = this.#calls.get(block.tool_use_id);
      if (!open) continue;
      open.call.result = toolResultText(block.content);
      open.call.isError = block.is_error === true;
      if (open.t !== undefined && t !== undefined) open.call.ms = Math.max(0, t - open.t);
    }
  }

  #assistant(item: Extract<DecodedItem, { type: "assistant" }>, t: number | undefined): void {
    const turn = this.#current(t);
    this.#turnItems.push(item);
    if (item.error !== undefined) this.#assistantError = String(item.error);
    this.#timeline.model ??= stringOrNull(item.message?.model);
    const parent = item.parent_tool_use_id ? this.#calls.get(item.parent_tool_use_id) : undefined;
    const steps = parent ? parent.call.children : turn.steps;
    const usage = item.message?.usage;
    const id = item.message?.id;
    if (usage && !parent && !(id && this.#messages.has(id))) {
      // Counted once a message (its blocks come one line each); a result's counts replace these,
      // and a stored session, which has no result lines, keeps them.
      if (id) this.#messages.add(id);
      turn.tokens.input += usage.input_tokens ?? 0;
      turn.tokens.output += usage.output_tokens ?? 0;
      turn.tokens.cacheWrite += usage.cache_creation_input_tokens ?? 0;
      turn.tokens.cacheRead += usage.cache_read_input_tokens ?? 0;
    }
    for (const block of item.message?.content ?? []) {
      if (block.type === "text" && block.text.trim() !== "") {
        steps.push({ type: "text", text: block.text });
      } else if (block.type === "tool_use") {
        const call: ToolCall = {
          id: block.id,
          name: block.name,
          input: block.input,
          result: null,
          isError: false,
          ms: null,
          children: [],
        };
        this.#calls.set(block.id, { call, t });
        this.#callCount++;
        if (!parent) this.#turnCalls.push({ call, t });
        steps.push({ type: "tool", call });
      }
    }
  }

  #result(item: ResultEvent, t: number | undefined): void {
    this.#current(t);
    this.#close(item, t);
  }

  /** Ends the open turn, with its result when there is one. */
  #close(result: ResultEvent | undefined, t: number | undefined): void {
    const turn = this.#turn;
    if (!turn) return;
    this.#turn = undefined;
    const calls = this.#turnCalls;
    turn.toolMs = calls.length === 0
      ? (this.#turnStart === undefined ? null : 0)
      : calls.every(({ call, t }) => call.ms !== null && t !== undefined)
      ? coveredMs(calls.map(({ call, t }) => [t!, t! + call.ms!]))
      : null;
    if (result) {
      const totals = turnTotals(result, this.#turnItems, this.#soFar);
      this.#soFar.costUsd = Number(result.total_cost_usd) || 0;
      this.#soFar.durationApiMs = Number(result.duration_api_ms) || 0;
      turn.costUsd = totals.costUsd;
      turn.tokens = {
        input: totals.inputTokens,
        output: totals.outputTokens,
        cacheWrite: totals.cacheCreationInputTokens,
        cacheRead: totals.cacheReadInputTokens,
      };
      turn.roundTrips = totals.turns;
      turn.wallMs = totals.durationMs;
      turn.apiMs = totals.durationApiMs;
      turn.subtype = String(result.subtype);
      turn.result = typeof result.result === "string" ? result.result : null;
      if (isFailedResult(result)) {
        const failure = classifyResult(
          result,
          this.#assistantError === undefined ? {} : { assistantError: this.#assistantError },
        );
        turn.errorKind = failure.kind;
        turn.hint = failure.hint ?? hintFor(failure.kind);
        this.#timeline.errors.push({
          turn: turn.index,
          kind: failure.kind,
          message: failure.message,
          hint: turn.hint,
        });
      }
    } else if (this.#turnStart !== undefined && t !== undefined) {
      turn.wallMs = Math.max(0, t - this.#turnStart);
    }
    if (turn.wallMs !== null) {
      const spent = (turn.apiMs ?? 0) + (turn.toolMs ?? 0);
      turn.cliMs = turn.apiMs === null && turn.toolMs === null
        ? null
        : Math.max(0, turn.wallMs - spent);
    }
  }
}

/** How long the intervals `[start, end]` cover together: calls made in parallel count once. */
function coveredMs(intervals: [number, number][]): number {
  let covered = 0;
  let reached = -Infinity;
  for (const [start, end] of intervals.toSorted((a, b) => a[0] - b[0])) {
    if (end > reached) covered += end - Math.max(start, reached);
    reached = Math.max(reached, end);
  }
  return covered;
}

/** The text of a tool result's content (a string, or blocks whose text is joined). */
function toolResultText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return content === undefined ? "" : JSON.stringify(content);
  return content.map((block) =>
    block && typeof block === "object" && "text" in block && typeof block.text === "string"
      ? block.text
      : JSON.stringify(block)
  ).join("\n");
}

function stringOrNull(value: unknown): string | null {
  return typeof value === "string" && value !== "" ? value : null;
}
