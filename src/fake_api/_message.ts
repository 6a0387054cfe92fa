/**
 * Turns a scripted message reply into what the Messages API would send: one JSON message object
 * (non-streaming) or the sequence of SSE events that builds the same message (streaming).
 *
 * @module
 */
import type { SseEvent } from "./_sse.ts";
import type {
  FakeApiError,
  FakeContentBlock,
  FakeMessageReply,
  FakeStopReason,
  FakeUsage,
} from "./script.ts";

/** Request-specific values a reply is rendered with. */
export interface MessageContext {
  /** 1-based request number: gives `msg_fake_<n>` and `toolu_fake_<n>_<i>`. */
  sequence: number;
  /** Model named in the request, echoed back unless the reply overrides it. */
  requestModel: string;
}

const DEFAULT_USAGE: FakeUsage = { input_tokens: 10, output_tokens: 5 };
const DEFAULT_CHUNK_SIZE = 16;

/** A content block as the API returns it (ids and signatures filled in). */
type ApiBlock =
  | { type: "text"; text: string }
  | { type: "thinking"; thinking: string; signature: string }
  | { type: "tool_use"; id: string; name: string; input: Record<string, unknown> };

/** The complete message object, as a non-streaming response body. */
export function buildMessage(reply: FakeMessageReply, context: MessageContext): unknown {
  const usage = reply.usage ?? DEFAULT_USAGE;
  return {
    ...messageHead(reply, context),
    content: apiBlocks(reply.content, context.sequence),
    stop_reason: stopReason(reply),
    stop_sequence: null,
    usage: {
      input_tokens: usage.input_tokens,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      output_tokens: usage.output_tokens,
    },
  };
}

/**
 * The SSE events of a streamed message: `message_start`, `ping`, then per block
 * `content_block_start` / deltas / `content_block_stop`, then `message_delta` and `message_stop`.
 */
export function messageEvents(reply: FakeMessageReply, context: MessageContext): SseEvent[] {
  const usage = reply.usage ?? DEFAULT_USAGE;
  const chunkSize = reply.chunk_size ?? DEFAULT_CHUNK_SIZE;
  const events: SseEvent[] = [
    event("message_start", {
      message: {
        ...messageHead(reply, context),
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: {
          input_tokens: usage.input_tokens,
          cache_creation_input_tokens: 0,
          cache_read_input_tokens: 0,
          output_tokens: Math.min(1, usage.output_tokens),
        },
      },
    }),
    event("ping", {}),
  ];
  apiBlocks(reply.content, context.sequence).forEach((block, index) => {
    events.push(event("content_block_start", { index, content_block: blockStart(block) }));
    for (const delta of blockDeltas(block, chunkSize)) {
      events.push(event("content_block_delta", { index, delta }));
    }
    events.push(event("content_block_stop", { index }));
  });
  events.push(
    event("message_delta", {
      delta: { stop_reason: stopReason(reply), stop_sequence: null },
      usage: { output_tokens: usage.output_tokens },
    }),
    event("message_stop", {}),
  );
  return events;
}

/**
 * How many events go out before a stall by default: up to and including the first
 * `content_block_delta`, or `message_start` and `ping` when there is no delta.
 */
export function defaultStallAfter(events: readonly SseEvent[]): number {
  const firstDelta = events.findIndex((event) => event.event === "content_block_delta");
  return firstDelta === -1 ? 2 : firstDelta + 1;
}

/** The `error` event the API sends inside a `200` stream, e.g. when it overloads mid-stream. */
export function errorEvent(error: FakeApiError): SseEvent {
  return event("error", { error: { type: error.type, message: error.message } });
}

function event(name: string, fields: Record<string, unknown>): SseEvent {
  return { event: name, data: { type: name, ...fields } };
}

function messageHead(reply: FakeMessageReply, context: MessageContext) {
  return {
    id: `msg_fake_${context.sequence}`,
    type: "message",
    role: "assistant",
    model: reply.model ?? context.requestModel,
  };
}

function stopReason(reply: FakeMessageReply): FakeStopReason {
  if (reply.stop_reason !== undefined) return reply.stop_reason;
  return reply.content.some((block) => block.type === "tool_use") ? "tool_use" : "end_turn";
}

function apiBlocks(blocks: readonly FakeContentBlock[], sequence: number): ApiBlock[] {
  return blocks.map((block, index): ApiBlock => {
    switch (block.type) {
      case "text":
        return { type: "text", text: block.text };
      case "thinking":
        return {
          type: "thinking",
          thinking: block.thinking,
          signature: block.signature ?? `sig_fake_${sequence}_${index}`,
        };
      case "tool_use":
        return {
          type: "tool_use",
          id: `toolu_fake_${sequence}_${index}`,
          name: block.name,
          input: block.input,
        };
    }
  });
}

function blockStart(block: ApiBlock): unknown {
  switch (block.type) {
    case "text":
      return { type: "text", text: "" };
    case "thinking":
      return { type: "thinking", thinking: "", signature: "" };
    case "tool_use":
      return { type: "tool_use", id: block.id, name: block.name, input: {} };
  }
}

function blockDeltas(block: ApiBlock, chunkSize: number): unknown[] {
  switch (block.type) {
    case "text":
      return chunks(block.text, chunkSize).map((text) => ({ type: "text_delta", text }));
    case "thinking":
      return [
        ...chunks(block.thinking, chunkSize).map((thinking) => ({
          type: "thinking_delta",
          thinking,
        })),
        { type: "signature_delta", signature: block.signature },
      ];
    case "tool_use":
      return chunks(JSON.stringify(block.input), chunkSize).map((partial_json) => ({
        type: "input_json_delta",
        partial_json,
      }));
  }
}

/** Splits `text` into pieces of `size` code points, never inside a surrogate pair. */
function chunks(text: string, size: number): string[] {
  const points = Array.from(text);
  const pieces: string[] = [];
  for (let start = 0; start < points.length; start += size) {
    pieces.push(points.slice(start, start + size).join(""));
  }
  return pieces;
}
