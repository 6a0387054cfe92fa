/**
 * Assembles whole messages from the `stream_event` lines of `--include-partial-messages`.
 *
 * @module
 */

import {
  type AbandonedBlocks,
  type AssistantMessage,
  type ClaudeEvent,
  type ContentBlock,
  isContentBlock,
  isDelta,
  isStreamPayload,
  type StreamEvent,
  type ToolUseBlock,
  type Usage,
} from "./events.ts";

/**
 * A `tool_use` block whose accumulated input JSON did not parse.
 *
 * @example Report a tool call with broken input
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { type InvalidToolUseBlock } from "./assemble.ts";
 *
 * const block: InvalidToolUseBlock = {
 *   type: "tool_use", id: "toolu_01", name: "Bash", input: {},
 *   rawInput: '{"command": "l', inputError: "Unterminated string in JSON at position 14",
 * };
 * const report = `${block.name} input is not valid JSON: ${block.inputError}`;
 * strictEqual(report, "Bash input is not valid JSON: Unterminated string in JSON at position 14");
 * ```
 */
export interface InvalidToolUseBlock extends ToolUseBlock {
  /** The accumulated `partial_json` text; `input` keeps the `content_block_start` value. */
  rawInput: string;
  /** Why `rawInput` did not parse. */
  inputError: string;
}

/** A message put together from its stream events. */
export interface AssembledMessage {
  /** The API message id from `message_start`. */
  id: string;
  /** The model that wrote it. */
  model: string;
  /** The Agent tool_use id for subagent messages, else `null`. */
  parentToolUseId: string | null;
  /** The session it belongs to. */
  sessionId: string;
  /**
   * The blocks in stream order. A `tool_use` block whose input did not parse is an
   * {@linkcode InvalidToolUseBlock}: check with {@linkcode hasInvalidInput}.
   */
  content: ContentBlock[];
  /** Why the message ended (`end_turn`, `tool_use`, …), from `message_delta`. */
  stopReason: string | null;
  /** The stop sequence that ended it, if one did. */
  stopSequence: string | null;
  /** `message_start` usage updated by `message_delta`. */
  usage: Usage;
  /** `true` when the CLI abandoned the stream (interrupt, dropped connection); it may be retried. */
  abandoned: boolean;
  /** From the synthetic `message_stop` of an abandoned stream. */
  abandonedBlocks?: AbandonedBlocks;
}

interface _Pending {
  message: AssembledMessage;
  /** `input_json_delta` chunks per block index, joined once when the block stops. */
  json: Map<number, string[]>;
}

/**
 * Puts messages together from `stream_event` lines. Feed it every event; it ignores everything
 * but `stream_event` and returns the message when its `message_stop` arrives.
 *
 * Text and thinking deltas are appended, `signature_delta` fills the thinking block's signature,
 * and a `tool_use` block that receives `input_json_delta` chunks gets the parse of their
 * concatenation as `input`, while one that receives none keeps its legitimate `{}`. Streams are
 * keyed by `parent_tool_use_id` and `api_message_id`, so interleaved subagent streams stay apart;
 * events for a message whose `message_start` was not seen are ignored.
 *
 * @example Assemble a streamed text message
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import type { StreamEvent, StreamPayload } from "./events.ts";
 * import { MessageAssembler } from "./assemble.ts";
 *
 * const line = (event: StreamPayload): StreamEvent => ({
 *   type: "stream_event", event, session_id: "s1", parent_tool_use_id: null, api_message_id: "m1",
 * });
 * const assembler = new MessageAssembler();
 * const message = {
 *   id: "m1", type: "message", role: "assistant", model: "claude-opus-5-5", content: [],
 *   stop_reason: null, stop_sequence: null, usage: { input_tokens: 3, output_tokens: 1 },
 * } as const;
 * assembler.push(line({ type: "message_start", message: { ...message, content: [] } }));
 * assembler.push(line({ type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }));
 * assembler.push(line({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Hi" } }));
 * deepStrictEqual(assembler.pending[0]?.content, [{ type: "text", text: "Hi" }]);
 * assembler.push(line({ type: "content_block_stop", index: 0 }));
 * const done = assembler.push(line({ type: "message_stop" }));
 * deepStrictEqual(done?.content, [{ type: "text", text: "Hi" }]);
 * ```
 */
export class MessageAssembler {
  #pending = new Map<string, _Pending>();

  /** The messages still streaming, for live rendering; their blocks hold the text so far. */
  get pending(): AssembledMessage[] {
    return [...this.#pending.values()].map((pending) => pending.message);
  }

  /** Takes one event; returns the assembled message when this event completes it. */
  push(event: ClaudeEvent): AssembledMessage | undefined {
    if (event.type !== "stream_event") return undefined;
    const key = `${event.parent_tool_use_id ?? ""}\n${event.api_message_id ?? ""}`;
    const payload = event.event;
    if (isStreamPayload(payload, "message_start")) {
      this.#pending.set(key, { message: _start(event, payload.message), json: new Map() });
      return undefined;
    }
    const pending = this.#pending.get(key);
    if (pending === undefined) return undefined;
    const { message, json } = pending;
    if (isStreamPayload(payload, "content_block_start")) {
      const block = payload.content_block;
      message.content[payload.index] = isContentBlock(block, "tool_use")
        ? { ...block, input: { ...block.input } }
        : { ...block };
    } else if (isStreamPayload(payload, "content_block_delta")) {
      const block = message.content[payload.index];
      const delta = payload.delta;
      if (block === undefined) return undefined;
      if (isDelta(delta, "text_delta") && isContentBlock(block, "text")) {
        block.text += delta.text;
      } else if (isDelta(delta, "thinking_delta") && isContentBlock(block, "thinking")) {
        block.thinking += delta.thinking;
      } else if (isDelta(delta, "signature_delta") && isContentBlock(block, "thinking")) {
        block.signature = (block.signature ?? "") + delta.signature;
      } else if (isDelta(delta, "input_json_delta") && isContentBlock(block, "tool_use")) {
        const chunks = json.get(payload.index);
        if (chunks === undefined) json.set(payload.index, [delta.partial_json]);
        else chunks.push(delta.partial_json);
      }
    } else if (isStreamPayload(payload, "content_block_stop")) {
      _finishToolInput(message, json, payload.index);
    } else if (isStreamPayload(payload, "message_delta")) {
      if (payload.delta.stop_reason !== undefined) message.stopReason = payload.delta.stop_reason;
      if (payload.delta.stop_sequence !== undefined) {
        message.stopSequence = payload.delta.stop_sequence;
      }
      if (payload.usage !== undefined) message.usage = { ...message.usage, ...payload.usage };
    } else if (isStreamPayload(payload, "message_stop")) {
      for (const index of json.keys()) _finishToolInput(message, json, index);
      message.content = message.content.filter((block) => block !== undefined);
      if (event.abandoned_blocks !== undefined) {
        message.abandoned = true;
        message.abandonedBlocks = event.abandoned_blocks;
      }
      this.#pending.delete(key);
      return message;
    }
    return undefined;
  }
}

/**
 * Whether `block` is a `tool_use` block whose streamed input did not parse.
 *
 * @example Tell broken tool input apart
 * ```ts
 * import { ok } from "node:assert";
 * import { hasInvalidInput } from "./assemble.ts";
 *
 * ok(!hasInvalidInput({ type: "tool_use", id: "toolu_01", name: "Bash", input: {} }));
 * ```
 */
export function hasInvalidInput(block: ContentBlock): block is InvalidToolUseBlock {
  return isContentBlock(block, "tool_use") && "rawInput" in block && "inputError" in block;
}

/**
 * The text of a `text_delta` stream event, for rendering text as it streams; `undefined` for any
 * other event.
 *
 * @example Print streamed text
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { textDelta } from "./assemble.ts";
 *
 * const event = {
 *   type: "stream_event", session_id: "s1", parent_tool_use_id: null,
 *   event: { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Hel" } },
 * } as const;
 * deepStrictEqual(textDelta(event), "Hel");
 * ```
 */
export function textDelta(event: ClaudeEvent): string | undefined {
  if (event.type !== "stream_event") return undefined;
  const payload = event.event;
  if (!isStreamPayload(payload, "content_block_delta")) return undefined;
  return isDelta(payload.delta, "text_delta") ? payload.delta.text : undefined;
}

function _start(event: StreamEvent, message: AssistantMessage): AssembledMessage {
  return {
    id: message.id,
    model: message.model,
    parentToolUseId: event.parent_tool_use_id,
    sessionId: event.session_id,
    content: [],
    stopReason: message.stop_reason ?? null,
    stopSequence: message.stop_sequence ?? null,
    usage: { ...message.usage },
    abandoned: false,
  };
}

/** Applies THE RULE: deltas replace the `{}` placeholder; no deltas keep the start input. */
function _finishToolInput(
  message: AssembledMessage,
  json: Map<number, string[]>,
  index: number,
): void {
  const chunks = json.get(index);
  json.delete(index);
  const block = message.content[index];
  if (chunks === undefined || block === undefined || !isContentBlock(block, "tool_use")) return;
  const text = chunks.join("");
  if (text.trim() === "") return;
  try {
    const input: unknown = JSON.parse(text);
    if (typeof input === "object" && input !== null && !Array.isArray(input)) {
      block.input = input as Record<string, unknown>;
      return;
    }
    _markInvalid(block, text, "Tool input is not a JSON object");
  } catch (error) {
    _markInvalid(block, text, error instanceof Error ? error.message : String(error));
  }
}

function _markInvalid(block: ToolUseBlock, rawInput: string, inputError: string): void {
  Object.assign(
    block,
    { rawInput, inputError } satisfies Omit<InvalidToolUseBlock, keyof ToolUseBlock>,
  );
}
