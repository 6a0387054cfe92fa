/**
 * How many runs a cassette may answer: the header's `times`. Without it a cassette answers every
 * run that matches it. `"times": 2` means exactly two; `{"at_least": 1}`, `{"at_most": 3}` and
 * both together bound it. A replay refuses a run past the upper bound (the cassette is used up);
 * the usage report (`claw cassette usage`) names a cassette used fewer times than the lower one.
 *
 * @module
 */
import { isObject } from "./_json_object.ts";

/** The header's `times`: exactly that many runs, or bounds. */
export type Times = number | { exactly?: number; at_least?: number; at_most?: number };

/** The bounds of {@linkcode Times}: `max` is `Infinity` when there is none. */
export interface TimesBounds {
  /** The fewest runs the cassette must answer. */
  min: number;
  /** The most runs it may answer. */
  max: number;
}

/**
 * The bounds a header's `times` sets (no `times`: 0 to `Infinity`).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { timesBounds } from "./times.ts";
 *
 * deepStrictEqual(timesBounds(1), { min: 1, max: 1 });
 * deepStrictEqual(timesBounds({ at_least: 2 }), { min: 2, max: Infinity });
 * deepStrictEqual(timesBounds(undefined), { min: 0, max: Infinity });
 * ```
 */
export function timesBounds(times: Times | undefined): TimesBounds {
  if (times === undefined) return { min: 0, max: Infinity };
  if (typeof times === "number") return { min: times, max: times };
  if (times.exactly !== undefined) return { min: times.exactly, max: times.exactly };
  return { min: times.at_least ?? 0, max: times.at_most ?? Infinity };
}

/**
 * A `times` in words, for messages: `exactly 1 run`, `at least 2 runs`, `2 to 3 runs`.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { describeTimes } from "./times.ts";
 *
 * strictEqual(describeTimes({ at_most: 1 }), "at most 1 run");
 * ```
 */
export function describeTimes(times: Times): string {
  const { min, max } = timesBounds(times);
  const runs = (n: number) => `${n} run${n === 1 ? "" : "s"}`;
  if (min === max) return `exactly ${runs(min)}`;
  if (max === Infinity) return `at least ${runs(min)}`;
  if (min === 0) return `at most ${runs(max)}`;
  return `${min} to ${runs(max)}`;
}

/**
 * What is wrong with a `times` read from a header, in words, or `undefined`.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { timesProblem } from "./times.ts";
 *
 * strictEqual(timesProblem({ at_least: 3, at_most: 1 }), "at_least 3 is more than at_most 1");
 * strictEqual(timesProblem(2), undefined);
 * ```
 */
export function timesProblem(value: unknown): string | undefined {
  const count = (n: unknown) => typeof n === "number" && Number.isInteger(n) && n >= 0;
  if (typeof value === "number") return count(value) ? undefined : "it must be a whole number";
  if (!isObject(value)) {
    return 'it is a whole number, or {"exactly": N}, {"at_least": N}, {"at_most": N}';
  }
  const entries = Object.entries(value);
  const known = ["exactly", "at_least", "at_most"];
  const bad = entries.find(([key, n]) => !known.includes(key) || !count(n));
  if (bad || entries.length === 0) {
    return 'it is a whole number, or {"exactly": N}, {"at_least": N}, {"at_most": N}';
  }
  const times = value as Exclude<Times, number>;
  if (times.exactly !== undefined && entries.length > 1) {
    return "exactly cannot be given with at_least or at_most";
  }
  if ((times.at_least ?? 0) > (times.at_most ?? Infinity)) {
    return `at_least ${times.at_least} is more than at_most ${times.at_most}`;
  }
  return undefined;
}
