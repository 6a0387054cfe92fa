/**
 * What turns cost and used, per turn and summed per session.
 *
 * The CLI's `result` reports usage, turn count and `duration_ms` per turn, but `total_cost_usd`,
 * `modelUsage` and `duration_api_ms` add up over the whole process (observed with 2.1.337,
 * 2.1.332 and 2.0.76: `duration_api_ms` 14, 20, 28 over three turns of 69, 19 and 17 ms): a
 * turn's cost is `model_usage_since_last_result` where the CLI gives it (2.1.x), otherwise the
 * difference from the process's previous result, and its API time is the difference too.
 *
 * @module
 */
import type { DecodedItem, RateLimitInfo, ResultEvent } from "../protocol/events.ts";

/** Cost, tokens by kind, model round trips and time. */
export interface Totals {
  /** Cost in US dollars, as the CLI computes it. */
  costUsd: number;
  /** Input tokens (not from cache). */
  inputTokens: number;
  /** Output tokens. */
  outputTokens: number;
  /** Input tokens written to the cache. */
  cacheCreationInputTokens: number;
  /** Input tokens read from the cache. */
  cacheReadInputTokens: number;
  /** Model round trips (the CLI's `num_turns`). */
  turns: number;
  /** Wall time of the turns, as the CLI measured it, in ms. */
  durationMs: number;
  /** Time spent waiting for the API, in ms. */
  durationApiMs: number;
  /** `rate_limit_event` lines seen. */
  rateLimitEvents: number;
  /** The last rate-limit state the CLI reported. */
  rateLimit: RateLimitInfo | undefined;
}

/**
 * Totals of nothing yet.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { emptyTotals } from "./totals.ts";
 *
 * strictEqual(emptyTotals().costUsd, 0);
 * ```
 */
export function emptyTotals(): Totals {
  return {
    costUsd: 0,
    inputTokens: 0,
    outputTokens: 0,
    cacheCreationInputTokens: 0,
    cacheReadInputTokens: 0,
    turns: 0,
    durationMs: 0,
    durationApiMs: 0,
    rateLimitEvents: 0,
    rateLimit: undefined,
  };
}

/** What a process's previous result said of the running totals (zeros before its first). */
export interface ProcessSoFar {
  /** Its `total_cost_usd`. */
  costUsd: number;
  /** Its `duration_api_ms`. */
  durationApiMs: number;
}

/**
 * The totals of one turn: its `result` and its other items (for `rate_limit_event` lines).
 * `before` is what the process's previous result said ({@linkcode ProcessSoFar}), or just its
 * `total_cost_usd` (the API time is then taken as the result gives it). A running total lower than
 * before starts again: a new process.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { turnTotals } from "./totals.ts";
 *
 * const result = { type: "result", total_cost_usd: 0.3, num_turns: 1, duration_ms: 40, usage: { input_tokens: 10, output_tokens: 5 } } as never;
 * const totals = turnTotals(result, [], 0.1);
 * strictEqual(totals.costUsd.toFixed(2), "0.20");
 * strictEqual(totals.inputTokens, 10);
 *
 * const second = { type: "result", total_cost_usd: 0.3, duration_api_ms: 20 } as never;
 * strictEqual(turnTotals(second, [], { costUsd: 0.1, durationApiMs: 14 }).durationApiMs, 6);
 * ```
 */
export function turnTotals(
  result: ResultEvent,
  items: readonly DecodedItem[],
  before: number | ProcessSoFar,
): Totals {
  const { costUsd, durationApiMs } = typeof before === "number"
    ? { costUsd: before, durationApiMs: 0 }
    : before;
  const usage = result.usage ?? {};
  const totals = emptyTotals();
  totals.costUsd = turnCost(result, costUsd);
  totals.inputTokens = usage.input_tokens ?? 0;
  totals.outputTokens = usage.output_tokens ?? 0;
  totals.cacheCreationInputTokens = usage.cache_creation_input_tokens ?? 0;
  totals.cacheReadInputTokens = usage.cache_read_input_tokens ?? 0;
  totals.turns = numberOr0(result.num_turns);
  totals.durationMs = numberOr0(result.duration_ms);
  const api = numberOr0(result.duration_api_ms);
  totals.durationApiMs = api >= durationApiMs ? api - durationApiMs : api;
  for (const item of items) {
    if (item.type !== "rate_limit_event") continue;
    totals.rateLimitEvents++;
    totals.rateLimit = item.rate_limit_info;
  }
  return totals;
}

/**
 * `a` and `b` added up; the later rate-limit state wins.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { addTotals, emptyTotals } from "./totals.ts";
 *
 * const turn = { ...emptyTotals(), costUsd: 0.5, turns: 2 };
 * strictEqual(addTotals(turn, turn).turns, 4);
 * ```
 */
export function addTotals(a: Totals, b: Totals): Totals {
  return {
    costUsd: a.costUsd + b.costUsd,
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    cacheCreationInputTokens: a.cacheCreationInputTokens + b.cacheCreationInputTokens,
    cacheReadInputTokens: a.cacheReadInputTokens + b.cacheReadInputTokens,
    turns: a.turns + b.turns,
    durationMs: a.durationMs + b.durationMs,
    durationApiMs: a.durationApiMs + b.durationApiMs,
    rateLimitEvents: a.rateLimitEvents + b.rateLimitEvents,
    rateLimit: b.rateLimit ?? a.rateLimit,
  };
}

function turnCost(result: ResultEvent, processCostBefore: number): number {
  const since = result.model_usage_since_last_result;
  if (since && typeof since === "object") {
    return Object.values(since).reduce((sum, usage) => sum + numberOr0(usage?.costUSD), 0);
  }
  const total = numberOr0(result.total_cost_usd);
  return total >= processCostBefore ? total - processCostBefore : total;
}

function numberOr0(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) ? value : 0;
}
