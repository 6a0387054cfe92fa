/**
 * How fast a cassette replays: `instant` (default), `recorded` (the recorded delays), or a factor
 * that scales the recorded delays (`0.5` = twice as fast).
 *
 * @module
 */

/** A replay speed. */
export type ReplayTiming = "instant" | "recorded" | number;

/**
 * Parses a timing from a flag or `CLAW_CASSETTE_TIMING`. Throws a `TypeError` that says what is
 * accepted.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert";
 * import { parseTiming } from "./timing.ts";
 *
 * assert(parseTiming("recorded") === "recorded" && parseTiming("0.5") === 0.5);
 * ```
 */
export function parseTiming(text: string | undefined): ReplayTiming {
  if (text === undefined || text === "" || text === "instant") return "instant";
  if (text === "recorded") return "recorded";
  const factor = Number(text);
  if (Number.isFinite(factor) && factor >= 0) return factor;
  throw new TypeError(
    `Invalid replay timing "${text}": use instant, recorded, or a factor such as 0.5`,
  );
}

/** The delay, in ms since the start, at which a record recorded at `t` is replayed. */
export function replayAt(t: number, timing: ReplayTiming): number {
  if (timing === "instant") return 0;
  return timing === "recorded" ? t : t * timing;
}
