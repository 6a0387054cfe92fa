/** The first place where two JSON values differ, in words, for cassette misses. */
import { isObject } from "./_json_object.ts";

/**
 * Where `recorded` and `live` (parsed JSON) first differ, as `path: recorded …, this run …`, or
 * `undefined` when they are equal. Objects compare by their keys, not the order of the keys (the
 * CLI reads them the same); arrays and scalars compare exactly.
 */
export function jsonDifference(recorded: unknown, live: unknown, path = ""): string | undefined {
  if (Object.is(recorded, live)) return undefined;
  const at = path || "the line";
  if (Array.isArray(recorded) && Array.isArray(live)) {
    for (let i = 0; i < Math.max(recorded.length, live.length); i++) {
      if (i >= recorded.length || i >= live.length) {
        return `${path}[${i}]: recorded ${show(recorded[i])}, this run ${show(live[i])}`;
      }
      const difference = jsonDifference(recorded[i], live[i], `${path}[${i}]`);
      if (difference) return difference;
    }
    return undefined;
  }
  if (isObject(recorded) && isObject(live)) {
    const keys = new Set([...Object.keys(recorded), ...Object.keys(live)]);
    for (const key of keys) {
      const difference = jsonDifference(recorded[key], live[key], path ? `${path}.${key}` : key);
      if (difference) return difference;
    }
    return undefined;
  }
  return `${at}: recorded ${show(recorded)}, this run ${show(live)}`;
}

function show(value: unknown): string {
  if (value === undefined) return "(nothing)";
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}…` : text;
}
