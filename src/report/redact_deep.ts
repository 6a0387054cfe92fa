/**
 * Redaction of everything a report embeds: every string of a value, at any depth, through the
 * rules cassettes are redacted with, before anything is cut short for display (so no piece of a
 * secret survives a cut).
 *
 * @module
 */
import { type RedactionRule, redactText } from "../cassette/redact.ts";

/**
 * `value` with every string in it redacted by `rules` (objects and arrays copied, other values
 * kept).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { redactionRules } from "../cassette/redact.ts";
 * import { redactDeep } from "./redact_deep.ts";
 *
 * const value = { prompt: "key sk-ant-api03-abc", calls: [{ input: { token: "sk-ant-x1" } }], n: 1 };
 * deepStrictEqual(redactDeep(value, redactionRules()), {
 *   prompt: "key [REDACTED_API_KEY]",
 *   calls: [{ input: { token: "[REDACTED_API_KEY]" } }],
 *   n: 1,
 * });
 * ```
 */
export function redactDeep<T>(value: T, rules: readonly RedactionRule[]): T {
  return walk(value, rules) as T;
}

function walk(value: unknown, rules: readonly RedactionRule[]): unknown {
  if (typeof value === "string") return redactText(value, rules);
  if (Array.isArray(value)) return value.map((item) => walk(item, rules));
  if (value instanceof Map) {
    return new Map([...value].map(([key, item]) => [walk(key, rules), walk(item, rules)]));
  }
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [walk(key, rules), walk(item, rules)]),
    );
  }
  return value;
}
