import { deepStrictEqual as assertEquals, ok, strictEqual } from "node:assert";
import { type AssembledMessage, hasInvalidInput, MessageAssembler, textDelta } from "./assemble.ts";
import {
  type AssistantMessage,
  type ClaudeEvent,
  type ContentBlock,
  isStreamPayload,
  type StreamEvent,
  type StreamPayload,
  type ToolUseBlock,
} from "./events.ts";
import { decodeEvents } from "./decode.ts";
import { _sampleLines } from "./_sample_lines.ts";

function streamOf(parent: string | null = null, id = "msg_fake_1") {
  const line = (event: StreamPayload, extra: Partial<StreamEvent> = {}): StreamEvent => ({
    type: "stream_event",
    event,
    session_id: "s1",
    parent_tool_use_id: parent,
    uuid: crypto.randomUUID(),
    ...extra,
    api_message_id: id,
  });
  const message: AssistantMessage = {
    id,
    type: "message",
    role: "assistant",
    model: "claude-opus-5-5",
    content: [],
    stop_reason: null,
    stop_sequence: null,
    usage: { input_tokens: 10, output_tokens: 1 },
  };
  return {
    start: () => line({ type: "message_start", message }, { ttft_ms: 5 }),
    block: (index: number, content_block: ContentBlock) =>
      line({ type: "content_block_start", index, content_block }),
    text: (index: number, text: string) =>
      line({ type: "content_block_delta", index, delta: { type: "text_delta", text } }),
    json: (index: number, partial_json: string) =>
      line({
        type: "content_block_delta",
        index,
        delta: { type: "input_json_delta", partial_json },
      }),
    thinking: (index: number, thinking: string) =>
      line({ type: "content_block_delta", index, delta: { type: "thinking_delta", thinking } }),
    signature: (index: number, signature: string) =>
      line({ type: "content_block_delta", index, delta: { type: "signature_delta", signature } }),
    stop: (index: number) => line({ type: "content_block_stop", index }),
    delta: (stop_reason: string, output_tokens: number) =>
      line({
        type: "message_delta",
        delta: { stop_reason, stop_sequence: null },
        usage: { output_tokens },
      }),
    end: (extra: Partial<StreamEvent> = {}) => line({ type: "message_stop" }, extra),
  };
}

function assemble(events: ClaudeEvent[]): AssembledMessage[] {
  const assembler = new MessageAssembler();
  return events.flatMap((event) => assembler.push(event) ?? []);
}

const toolUse: ToolUseBlock = { type: "tool_use", id: "toolu_01", name: "Bash", input: {} };

Deno.test("assembler joins text deltas and takes stop reason and usage from message_delta", () => {
  const s = streamOf();
  const [message] = assemble([
    s.start(),
    s.block(0, { type: "text", text: "" }),
    s.text(0, "Hello, "),
    s.text(0, "world"),
    s.stop(0),
    s.delta("end_turn", 12),
    s.end(),
  ]);
  assertEquals(message, {
    id: "msg_fake_1",
    model: "claude-opus-5-5",
    parentToolUseId: null,
    sessionId: "s1",
    content: [{ type: "text", text: "Hello, world" }],
    stopReason: "end_turn",
    stopSequence: null,
    usage: { input_tokens: 10, output_tokens: 12 },
    abandoned: false,
  });
});

Deno.test("assembler replaces the {} placeholder with the input from input_json_delta chunks", () => {
  const s = streamOf();
  const [message] = assemble([
    s.start(),
    s.block(0, toolUse),
    s.json(0, ""),
    s.json(0, '{"comm'),
    s.json(0, 'and": "ls'),
    s.json(0, ' -la"}'),
    s.stop(0),
    s.end(),
  ]);
  assertEquals(message?.content, [{ ...toolUse, input: { command: "ls -la" } }]);
});

Deno.test("assembler keeps the legitimate {} input of a tool_use that gets no deltas", () => {
  const s = streamOf();
  const [message] = assemble([s.start(), s.block(0, toolUse), s.stop(0), s.end()]);
  assertEquals(message?.content, [toolUse]);
  const [empty] = assemble([s.start(), s.block(0, toolUse), s.json(0, ""), s.stop(0), s.end()]);
  assertEquals(empty?.content, [toolUse]);
});

Deno.test("assembler does not share the placeholder object between tool_use blocks", () => {
  const s = streamOf();
  const start = s.block(0, toolUse);
  assemble([s.start(), start, s.json(0, '{"a":1}'), s.stop(0), s.end()]);
  ok(isStreamPayload(start.event, "content_block_start"));
  assertEquals(start.event.content_block, toolUse);
});

Deno.test("assembler keeps the raw text of tool input that is not valid JSON", () => {
  const s = streamOf();
  const [message] = assemble([
    s.start(),
    s.block(0, toolUse),
    s.json(0, '{"command": "l'),
    s.end(),
  ]);
  const [block] = message?.content ?? [];
  ok(block !== undefined && hasInvalidInput(block));
  strictEqual(block.rawInput, '{"command": "l');
  assertEquals(block.input, {});
  ok(block.inputError.length > 0);
});

Deno.test("assembler joins thinking deltas and the signature", () => {
  const s = streamOf();
  const [message] = assemble([
    s.start(),
    s.block(0, { type: "thinking", thinking: "", signature: "" }),
    s.thinking(0, "Let me "),
    s.thinking(0, "think."),
    s.signature(0, "EqQBCkYIBxgCKkD"),
    s.stop(0),
    s.block(1, { type: "text", text: "" }),
    s.text(1, "Done."),
    s.stop(1),
    s.end(),
  ]);
  assertEquals(message?.content, [
    { type: "thinking", thinking: "Let me think.", signature: "EqQBCkYIBxgCKkD" },
    { type: "text", text: "Done." },
  ]);
});

Deno.test("assembler marks a message ended by abandoned_blocks as abandoned", () => {
  const s = streamOf();
  const abandoned_blocks = { api_message_id: "msg_fake_1", from_block_index: 0 };
  const [message] = assemble([
    s.start(),
    s.block(0, { type: "text", text: "" }),
    s.text(0, "Partial"),
    s.stop(0),
    s.end({ abandoned_blocks }),
  ]);
  strictEqual(message?.abandoned, true);
  assertEquals(message.abandonedBlocks, abandoned_blocks);
  assertEquals(message.content, [{ type: "text", text: "Partial" }]);
});

Deno.test("assembler keeps interleaved subagent streams apart", () => {
  const main = streamOf(null);
  const sub = streamOf("toolu_agent", "msg_fake_1");
  const messages = assemble([
    main.start(),
    sub.start(),
    main.block(0, { type: "text", text: "" }),
    sub.block(0, { type: "text", text: "" }),
    main.text(0, "main "),
    sub.text(0, "sub "),
    main.text(0, "text"),
    sub.text(0, "text"),
    sub.end(),
    main.end(),
  ]);
  assertEquals(
    messages.map((message) => [message.parentToolUseId, message.content]),
    [
      ["toolu_agent", [{ type: "text", text: "sub text" }]],
      [null, [{ type: "text", text: "main text" }]],
    ],
  );
});

Deno.test("assembler leaves no holes when a block start was not seen", () => {
  const s = streamOf();
  const [message] = assemble([s.start(), s.block(1, { type: "text", text: "late" }), s.end()]);
  assertEquals(message?.content, [{ type: "text", text: "late" }]);
});

Deno.test("assembler starts over when a message_start repeats an id", () => {
  const s = streamOf();
  const [message] = assemble([
    s.start(),
    s.block(0, { type: "text", text: "" }),
    s.text(0, "lost"),
    s.start(),
    s.block(0, { type: "text", text: "" }),
    s.text(0, "kept"),
    s.end(),
  ]);
  assertEquals(message?.content, [{ type: "text", text: "kept" }]);
});

Deno.test("assembler ignores other events and stream events of a message it never saw start", () => {
  const s = streamOf();
  const messages = assemble([
    { type: "keep_alive" },
    { type: "unknown", raw: {} },
    s.block(0, { type: "text", text: "" }),
    s.text(0, "orphan"),
    s.end(),
  ]);
  assertEquals(messages, []);
});

Deno.test("assembler exposes the text so far for live rendering", () => {
  const s = streamOf();
  const assembler = new MessageAssembler();
  assembler.push(s.start());
  assembler.push(s.block(0, { type: "text", text: "" }));
  const delta = s.text(0, "Hel");
  assembler.push(delta);
  strictEqual(textDelta(delta), "Hel");
  strictEqual(textDelta(s.stop(0)), undefined);
  assertEquals(assembler.pending.map((message) => message.content), [[{
    type: "text",
    text: "Hel",
  }]]);
  assembler.push(s.end());
  assertEquals(assembler.pending, []);
});

Deno.test("assembler works on decoded sample lines", async () => {
  const sample = _sampleLines();
  const text = [
    sample.init,
    sample.status,
    sample.messageStart,
    sample.textStart,
    sample.textDelta,
    sample.assistantText,
    sample.blockStop,
    sample.messageDelta,
    sample.messageStop,
    sample.result,
  ].join("\n") + "\n";
  const bytes = ReadableStream.from([new TextEncoder().encode(text)]);
  const items = await Array.fromAsync(decodeEvents(bytes));
  const messages = assemble(items.filter((item) => item.type !== "diagnostic"));
  strictEqual(messages.length, 1);
  assertEquals(messages[0]?.content, [
    { type: "text", text: "I'll list the files in the working directory. " },
  ]);
  strictEqual(messages[0]?.stopReason, "tool_use");
});
