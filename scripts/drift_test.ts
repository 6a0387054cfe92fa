import { deepStrictEqual as assertEquals } from "node:assert";
import { compareShapes, type Shape } from "./drift.ts";

function shape(fields: Record<string, string[]>): Shape {
  return {
    fields: new Map(Object.entries(fields).map(([kind, keys]) => [kind, new Set(keys)])),
    problems: [],
  };
}

Deno.test("compareShapes names new and vanished line kinds and fields, and nothing when equal", () => {
  const corpus = shape({
    "system/init": ["type", "subtype", "session_id"],
    result: ["type", "subtype", "result"],
    "stream_event:message_start": ["type", "event"],
  });
  assertEquals(compareShapes(corpus, corpus), []);
  const newer = shape({
    "system/init": ["type", "subtype", "session_id", "fast_mode"],
    result: ["type", "subtype"],
    "system/session_state": ["type", "subtype"],
  });
  assertEquals(compareShapes(corpus, newer), [
    "new line kind: system/session_state",
    "line kind gone: stream_event:message_start",
    "new field on system/init: fast_mode",
    "field gone from result: result",
  ]);
});
