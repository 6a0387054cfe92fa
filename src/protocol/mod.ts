/**
 * The stream-json protocol of the Claude Code CLI, as data: every event type
 * (`src/protocol/events.ts`, documented field by field from what the real CLI prints), the
 * tolerant decoder that turns lines into those events (an unknown event keeps its raw JSON, a line
 * that is not JSON becomes a `diagnostic`), the line splitter, and the assembler that rebuilds
 * messages from partial-message deltas. Nothing here starts a process: feed it any byte stream.
 *
 * @example Decode a transcript's lines into typed events
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { decodeEvents } from "./mod.ts";
 *
 * const lines = ReadableStream.from([
 *   '{"type":"system","subtype":"init","session_id":"s1","model":"m","tools":[]}\n',
 *   "not json\n",
 *   '{"type":"result","subtype":"success","is_error":false,"result":"hi","session_id":"s1"}\n',
 * ]).pipeThrough(new TextEncoderStream());
 * const types = [];
 * for await (const event of decodeEvents(lines)) types.push(event.type);
 * strictEqual(types.join(" "), "system diagnostic result");
 * ```
 *
 * @module
 */
export * from "./events.ts";
export {
  decodeEvents,
  type DecodeEventsOptions,
  decodeJsonOutput,
  decodeLine,
  EventDecoderStream,
  KNOWN_CONTENT_BLOCK_TYPES,
  KNOWN_DELTA_TYPES,
  KNOWN_EVENT_TYPES,
  KNOWN_STREAM_PAYLOAD_TYPES,
  KNOWN_SYSTEM_SUBTYPES,
  tryDecodeJsonOutput,
} from "./decode.ts";
export {
  DEFAULT_MAX_LINE_BYTES,
  type Line,
  LineStream,
  type LineStreamOptions,
} from "./line_stream.ts";
export {
  type AssembledMessage,
  hasInvalidInput,
  type InvalidToolUseBlock,
  MessageAssembler,
  textDelta,
} from "./assemble.ts";
