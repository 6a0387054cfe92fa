import { deepStrictEqual } from "node:assert";
import type { Cassette, CassetteRecord } from "./cassette.ts";
import { cassetteHeader } from "./cassette.ts";
import { cassetteMeaning, meaningChanges } from "./meaning.ts";

const header = await cassetteHeader(["-p", "--output-format=stream-json", "--verbose", "--", "hi"]);

function cassette(lines: Record<string, unknown>[], code = 0): Cassette {
  const records: CassetteRecord[] = lines.map((line, i) => ({ t: i * 7.5, stdout: line }));
  records.push({ t: 999, exit: { code, signal: null } });
  return { header, records };
}

const init = (id: string) => ({ type: "system", subtype: "init", session_id: id });
const delta = (text: string, type = "text_delta") => ({
  type: "stream_event",
  event: { type: "content_block_delta", index: 0, delta: { type, text } },
});
const toolUse = (id: string, name: string, input: Record<string, unknown>) => ({
  type: "assistant",
  message: { role: "assistant", content: [{ type: "tool_use", id, name, input }] },
  session_id: "s",
});
const success = (text: string, output = 5) => ({
  type: "result",
  subtype: "success",
  is_error: false,
  result: text,
  usage: { input_tokens: 10, output_tokens: output },
  session_id: "s",
});

Deno.test("meaning leaves out chunking, times, ids and key order", () => {
  const recorded = cassette([
    init("s-1"),
    delta("Hel"),
    delta("lo"),
    toolUse("toolu_1", "Bash", { command: "ls", timeout: 5 }),
    success("Hello"),
  ]);
  const now = cassette([
    init("s-2"),
    delta("Hello"),
    toolUse("toolu_9", "Bash", { timeout: 5, command: "ls" }),
    success("Hello"),
  ]);
  deepStrictEqual(meaningChanges(cassetteMeaning(recorded), cassetteMeaning(now)), []);
});

Deno.test("meaning names a different tool call with its input", () => {
  const recorded = cassette([init("s"), toolUse("t1", "Bash", { command: "ls" }), success("ok")]);
  const now = cassette([
    init("s"),
    toolUse("t1", "Read", { file_path: "$CWD/a.txt" }),
    success("ok"),
  ]);
  deepStrictEqual(meaningChanges(cassetteMeaning(recorded), cassetteMeaning(now)), [
    'tool calls: recorded Bash {"command":"ls"}, now Read {"file_path":"$CWD/a.txt"}',
  ]);
});

Deno.test("meaning names a failed result with the error kind claw gives it, and the exit", () => {
  const recorded = cassette([init("s"), success("ok")]);
  const now = cassette([
    init("s"),
    {
      type: "result",
      subtype: "error_max_turns",
      is_error: true,
      errors: ["Reached maximum number of turns (1)"],
      session_id: "s",
    },
  ], 1);
  deepStrictEqual(meaningChanges(cassetteMeaning(recorded), cassetteMeaning(now)), [
    "line kinds: after system/init, recorded result/success, now result/error_max_turns",
    "result 1: recorded success, now error_max_turns (is_error) → max_turns",
    "exit: recorded code 0, now code 1",
  ]);
});

Deno.test("meaning names a line kind that is gone, after the line before it", () => {
  const ask = {
    type: "control_request",
    request_id: "r1",
    request: { subtype: "can_use_tool", tool_name: "Bash", input: {} },
  };
  const call = toolUse("t1", "Bash", { command: "ls" });
  const recorded = cassette([init("s"), call, ask, success("ok")]);
  const now = cassette([init("s"), call, success("ok")]);
  deepStrictEqual(meaningChanges(cassetteMeaning(recorded), cassetteMeaning(now)), [
    "line kinds: after assistant/tool_use, recorded control_request/can_use_tool, now nothing",
  ]);
});

Deno.test("meaning compares final text and usage only when asked", () => {
  const recorded = cassette([init("s"), success("Hello", 5)]);
  const now = cassette([init("s"), success("Hi there", 7)]);
  deepStrictEqual(meaningChanges(cassetteMeaning(recorded), cassetteMeaning(now)), []);
  deepStrictEqual(
    meaningChanges(
      cassetteMeaning(recorded, { text: true }),
      cassetteMeaning(now, { text: true }),
    ),
    [
      'text 1: recorded "Hello", now "Hi there"',
      "usage 1: recorded input 10, output 5, now input 10, output 7",
    ],
  );
});

Deno.test("meaning keeps one cycle of kinds around streamed deltas however many chunks", () => {
  const tokens = { type: "system", subtype: "thinking_tokens", tokens: 1 };
  const thinking = delta("…", "thinking_delta");
  const short = cassette([init("s"), thinking, tokens, success("ok")]);
  const long = cassette([
    init("s"),
    thinking,
    tokens,
    thinking,
    tokens,
    thinking,
    tokens,
    success("ok"),
  ]);
  deepStrictEqual(cassetteMeaning(long).kinds, cassetteMeaning(short).kinds);
  deepStrictEqual(cassetteMeaning(long).kinds, [
    "system/init",
    "stream_event/content_block_delta/thinking_delta",
    "system/thinking_tokens",
    "result/success",
  ]);
});

Deno.test("meaning keeps repeated turns apart by their results", () => {
  const turn = { type: "assistant", message: { role: "assistant", content: [] } };
  const two = cassette([init("s"), turn, success("a"), turn, success("b")]);
  const one = cassette([init("s"), turn, success("a")]);
  deepStrictEqual(meaningChanges(cassetteMeaning(two), cassetteMeaning(one)), [
    "line kinds: after result/success, recorded assistant/empty, result/success, now nothing",
    "result 2: recorded success, now none",
  ]);
});
