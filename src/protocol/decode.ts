/**
 * Turns stdout lines of the Claude Code CLI into typed events and diagnostics.
 *
 * @module
 */

import type {
  ClaudeEvent,
  ClaudeEventMap,
  ContentBlockMap,
  DecodedItem,
  DeltaMap,
  Diagnostic,
  DiagnosticKind,
  StreamPayloadMap,
  SystemEvent,
  SystemEventMap,
  UnknownEvent,
} from "./events.ts";
import { checkMaxLineBytes, HEAD_BYTES, LineSplitter } from "./line_splitter.ts";
import { DEFAULT_MAX_LINE_BYTES, type Line, type LineStreamOptions } from "./line_stream.ts";

/** Options of {@linkcode decodeEvents}: `maxLineBytes`, as for `LineStream`. */
export type DecodeEventsOptions = LineStreamOptions;

/**
 * The `type` values decoded as known events; anything else becomes an `unknown` event.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { KNOWN_EVENT_TYPES } from "./decode.ts";
 *
 * ok(KNOWN_EVENT_TYPES.has("assistant") && !KNOWN_EVENT_TYPES.has("unknown"));
 * ```
 */
export const KNOWN_EVENT_TYPES: ReadonlySet<string> = _kinds<ClaudeEventMap>({
  system: true,
  assistant: true,
  user: true,
  stream_event: true,
  result: true,
  rate_limit_event: true,
  tool_progress: true,
  tool_use_summary: true,
  auth_status: true,
  prompt_suggestion: true,
  conversation_reset: true,
  active_goal: true,
  control_request: true,
  control_response: true,
  control_cancel_request: true,
  keep_alive: true,
  command_lifecycle: true,
});

/**
 * The `subtype` values decoded as known `system` lines; any other `system` line gets
 * `subtype: "unknown"` and keeps its own in `originalSubtype`.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { KNOWN_SYSTEM_SUBTYPES } from "./decode.ts";
 *
 * ok(KNOWN_SYSTEM_SUBTYPES.has("init") && KNOWN_SYSTEM_SUBTYPES.has("hook_response"));
 * ```
 */
export const KNOWN_SYSTEM_SUBTYPES: ReadonlySet<string> = _kinds<SystemEventMap>({
  init: true,
  status: true,
  api_retry: true,
  control_request_progress: true,
  permission_denied: true,
  task_started: true,
  task_updated: true,
  task_progress: true,
  task_notification: true,
  background_tasks_changed: true,
  model_fallback: true,
  model_refusal_fallback: true,
  model_refusal_no_fallback: true,
  compact_boundary: true,
  session_state_changed: true,
  informational: true,
  thinking_tokens: true,
  local_command_output: true,
  hook_started: true,
  hook_progress: true,
  hook_response: true,
  plugin_install: true,
  worker_shutting_down: true,
  commands_changed: true,
  notification: true,
  files_persisted: true,
  memory_recall: true,
  elicitation_complete: true,
  mirror_error: true,
  session_writes_lost: true,
  session_title_changed: true,
});

/**
 * The content block `type` values decoded as known blocks, in `assistant` and `user` messages,
 * `tool_result` content and `content_block_start`; any other block becomes an `unknown` block.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { KNOWN_CONTENT_BLOCK_TYPES } from "./decode.ts";
 *
 * ok(KNOWN_CONTENT_BLOCK_TYPES.has("tool_use"));
 * ```
 */
export const KNOWN_CONTENT_BLOCK_TYPES: ReadonlySet<string> = _kinds<ContentBlockMap>({
  text: true,
  thinking: true,
  redacted_thinking: true,
  tool_use: true,
  tool_result: true,
  image: true,
});

/**
 * The SSE event `type` values decoded as known in `stream_event` lines; any other becomes an
 * `unknown` payload.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { KNOWN_STREAM_PAYLOAD_TYPES } from "./decode.ts";
 *
 * ok(KNOWN_STREAM_PAYLOAD_TYPES.has("content_block_delta"));
 * ```
 */
export const KNOWN_STREAM_PAYLOAD_TYPES: ReadonlySet<string> = _kinds<StreamPayloadMap>({
  message_start: true,
  content_block_start: true,
  content_block_delta: true,
  content_block_stop: true,
  message_delta: true,
  message_stop: true,
});

/**
 * The delta `type` values decoded as known in `content_block_delta`; any other becomes an
 * `unknown` delta.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { KNOWN_DELTA_TYPES } from "./decode.ts";
 *
 * ok(KNOWN_DELTA_TYPES.has("text_delta"));
 * ```
 */
export const KNOWN_DELTA_TYPES: ReadonlySet<string> = _kinds<DeltaMap>({
  text_delta: true,
  input_json_delta: true,
  thinking_delta: true,
  signature_delta: true,
});

const MAX_DIAGNOSTIC_TEXT = 200;

/**
 * Decodes one line. Yields one item, preceded by an `invalid_utf8` diagnostic when the line's
 * bytes were not valid UTF-8 (the event itself is still decoded from the replaced text). A line
 * with `tooLongBytes` set gives a `line_too_long` diagnostic carrying that `byteLength`.
 *
 * A line that is a JSON object becomes an event: a known `type` gives the object itself, anything
 * else an `unknown` event keeping the object in `raw`. Inside a known event, a `system` subtype,
 * content block, SSE event or delta of a kind claw does not know is replaced the same way (see
 * `UnknownSystemEvent` and `UnknownContentBlock` in events.ts). A line that is not JSON gives a `not_json`
 * diagnostic, or `truncated_line` when it is the stream's last line and has no newline. JSON that
 * is not an object gives `not_object`.
 *
 * @example Decode a result line and a line of debug noise
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { decodeLine } from "./decode.ts";
 *
 * const line = { lineNumber: 1, terminated: true, invalidUtf8: false };
 * const [event] = decodeLine({ ...line, text: '{"is_error":false,"type":"result"}' });
 * deepStrictEqual(event?.type, "result");
 * const [noise] = decodeLine({ ...line, text: "[debug] connecting" });
 * deepStrictEqual(noise?.type === "diagnostic" && noise.kind, "not_json");
 * ```
 */
export function decodeLine(line: Line): DecodedItem[] {
  if (line.tooLongBytes !== undefined) return [_tooLong(line, line.tooLongBytes)];
  const item = _decodeText(line);
  return line.invalidUtf8 ? [_invalidUtf8(line), item] : [item];
}

/**
 * A `TransformStream` from {@linkcode Line}s to {@linkcode DecodedItem}s, per
 * {@linkcode decodeLine}.
 *
 * @example Decode lines
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { EventDecoderStream } from "./decode.ts";
 *
 * const lines = ReadableStream.from([
 *   { text: '{"type":"keep_alive"}', lineNumber: 1, terminated: true, invalidUtf8: false },
 * ]);
 * const items = await Array.fromAsync(lines.pipeThrough(new EventDecoderStream()));
 * deepStrictEqual(items, [{ type: "keep_alive" }]);
 * ```
 */
export class EventDecoderStream extends TransformStream<Line, DecodedItem> {
  /** Creates a decoder. */
  constructor() {
    super({
      transform(line, controller) {
        _decodeInto(line, controller);
      },
    });
  }
}

/**
 * Decodes the CLI's `--output-format stream-json` stdout bytes: the same as piping them through
 * `LineStream` and {@linkcode EventDecoderStream}, in one stage (about twice as fast on small
 * lines). A line over `options.maxLineBytes` (default {@linkcode DEFAULT_MAX_LINE_BYTES}, 256
 * MiB) is never decoded: it gives a `line_too_long` diagnostic with its `byteLength`, memory stays
 * near the limit, and the lines after it decode as usual. Throws a `RangeError` for an invalid
 * `maxLineBytes`.
 *
 * @example Decode a byte stream
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { decodeEvents } from "./decode.ts";
 *
 * const stdout = ReadableStream.from([new TextEncoder().encode('{"type":"keep_alive"}\noops\n')]);
 * const items = await Array.fromAsync(decodeEvents(stdout));
 * deepStrictEqual(items.map((item) => item.type), ["keep_alive", "diagnostic"]);
 * ```
 *
 * @example Skip a line over the limit
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { decodeEvents } from "./decode.ts";
 *
 * const line = JSON.stringify({ type: "user", payload: "x".repeat(100) });
 * const bytes = new TextEncoder().encode(`${line}\n{"type":"keep_alive"}\n`);
 * const stdout = ReadableStream.from([bytes]);
 * const [skipped, next] = await Array.fromAsync(decodeEvents(stdout, { maxLineBytes: 64 }));
 * deepStrictEqual(skipped?.type === "diagnostic" && [skipped.kind, skipped.byteLength], [
 *   "line_too_long",
 *   line.length,
 * ]);
 * deepStrictEqual(next, { type: "keep_alive" });
 * ```
 */
export function decodeEvents(
  bytes: ReadableStream<Uint8Array>,
  options: DecodeEventsOptions = {},
): ReadableStream<DecodedItem> {
  const maxLineBytes = checkMaxLineBytes(options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES);
  let splitter: LineSplitter;
  return bytes.pipeThrough(
    new TransformStream<Uint8Array, DecodedItem>({
      start(controller) {
        splitter = new LineSplitter((line) => _decodeInto(line, controller), maxLineBytes);
      },
      transform(chunk) {
        splitter.push(chunk);
      },
      flush() {
        splitter.end();
      },
    }),
  );
}

/**
 * Decodes the stdout of `--output-format json`: one `result` object, or with `--verbose` one array
 * of every message. Problems become diagnostics on line 1.
 *
 * @example Decode the `--verbose` array form
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { decodeJsonOutput } from "./decode.ts";
 *
 * const stdout = '[{"type":"system","subtype":"init","session_id":"s1"},{"type":"result"}]\n';
 * deepStrictEqual(decodeJsonOutput(stdout).map((item) => item.type), ["system", "result"]);
 * ```
 */
export function decodeJsonOutput(text: string): DecodedItem[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return [
      _diagnostic("not_json", 1, text, `Output is not JSON ${_size(text)}: ${_reason(error)}`),
    ];
  }
  return _decodeJsonValue(value, text);
}

/**
 * {@linkcode decodeJsonOutput} for text that may not be `--output-format json` output at all:
 * `undefined` when `text` is not one JSON document, so the caller can decode it as stream-json
 * instead (a transcript whose first line is `[debug] …` starts like a JSON array but is not one).
 *
 * @example Tell json output from a transcript that starts with `[`
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { tryDecodeJsonOutput } from "./decode.ts";
 *
 * deepStrictEqual(tryDecodeJsonOutput('[{"type":"result"}]\n'), [{ type: "result" }]);
 * deepStrictEqual(tryDecodeJsonOutput('[debug] starting\n{"type":"result"}\n'), undefined);
 * ```
 */
export function tryDecodeJsonOutput(text: string): DecodedItem[] | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  return _decodeJsonValue(value, text);
}

function _decodeJsonValue(value: unknown, text: string): DecodedItem[] {
  if (!Array.isArray(value)) return [_classify(value, 1, text)];
  return value.map((element: unknown, index) => {
    if (_isObject(element)) return _event(element);
    const message = `Element ${index} of the output array is ${_kindOf(element)}, not an object`;
    return _diagnostic("not_object", 1, JSON.stringify(element) ?? "", message);
  });
}

function _decodeInto(line: Line, controller: TransformStreamDefaultController<DecodedItem>): void {
  if (line.tooLongBytes !== undefined) {
    controller.enqueue(_tooLong(line, line.tooLongBytes));
    return;
  }
  if (line.invalidUtf8) controller.enqueue(_invalidUtf8(line));
  controller.enqueue(_decodeText(line));
}

function _decodeText(line: Line): DecodedItem {
  let value: unknown;
  try {
    value = JSON.parse(line.text);
  } catch (error) {
    const { text, lineNumber } = line;
    if (!line.terminated) {
      const message = `Line ${lineNumber} ends without a newline and is not complete JSON ${
        _size(text)
      }: ${_reason(error)}`;
      return _diagnostic("truncated_line", lineNumber, text, message);
    }
    const message = `Line ${lineNumber} is not JSON ${_size(text)}: ${_reason(error)}`;
    return _diagnostic("not_json", lineNumber, text, message);
  }
  return _classify(value, line.lineNumber, line.text);
}

function _classify(value: unknown, lineNumber: number, text: string): DecodedItem {
  if (_isObject(value)) return _event(value);
  const message = `Line ${lineNumber} is ${_kindOf(value)}, not a JSON object ${_size(text)}`;
  return _diagnostic("not_object", lineNumber, text, message);
}

function _kinds<T>(kinds: Record<keyof T, true>): ReadonlySet<string> {
  return new Set(Object.keys(kinds));
}

/**
 * The event for a parsed object. Known kinds stay the object itself; unknown kinds inside it
 * (system subtypes, content blocks, SSE events, deltas) are replaced in place by their `unknown`
 * member, so plain `type` and `subtype` comparisons narrow soundly.
 */
function _event(value: Record<string, unknown>): ClaudeEvent {
  const type = value.type;
  if (typeof type !== "string" || !KNOWN_EVENT_TYPES.has(type)) return _unknown(value);
  switch (type) {
    case "system":
      return _system(value);
    case "assistant":
    case "user":
      _message(value.message);
      break;
    case "stream_event":
      _replace(value, "event", _payload);
      break;
  }
  return value as unknown as ClaudeEvent;
}

function _unknown(raw: Record<string, unknown>): UnknownEvent {
  const type = raw.type;
  return typeof type === "string" ? { type: "unknown", originalType: type, raw } : {
    type: "unknown",
    raw,
  };
}

function _system(value: Record<string, unknown>): SystemEvent {
  const { subtype, session_id, uuid } = value;
  if (typeof subtype === "string" && KNOWN_SYSTEM_SUBTYPES.has(subtype)) {
    return value as unknown as SystemEvent;
  }
  return {
    type: "system",
    subtype: "unknown",
    ...(typeof subtype === "string" ? { originalSubtype: subtype } : {}),
    ...(typeof session_id === "string" ? { session_id } : {}),
    ...(typeof uuid === "string" ? { uuid } : {}),
    raw: value,
  };
}

function _message(message: unknown): void {
  if (_isObject(message)) _blocks(message.content);
}

function _blocks(content: unknown): void {
  if (!Array.isArray(content)) return;
  for (let index = 0; index < content.length; index++) {
    const block: unknown = content[index];
    const known = _block(block);
    if (known !== block) content[index] = known;
  }
}

function _block(block: unknown): unknown {
  if (!_isObject(block)) return block;
  const type = block.type;
  if (typeof type !== "string" || !KNOWN_CONTENT_BLOCK_TYPES.has(type)) return _unknown(block);
  if (type === "tool_result") _blocks(block.content);
  return block;
}

function _payload(payload: unknown): unknown {
  if (!_isObject(payload)) return payload;
  const type = payload.type;
  if (typeof type !== "string" || !KNOWN_STREAM_PAYLOAD_TYPES.has(type)) return _unknown(payload);
  if (type === "message_start") _message(payload.message);
  else if (type === "content_block_start") _replace(payload, "content_block", _block);
  else if (type === "content_block_delta") _replace(payload, "delta", _delta);
  return payload;
}

function _delta(delta: unknown): unknown {
  if (!_isObject(delta)) return delta;
  const type = delta.type;
  return typeof type === "string" && KNOWN_DELTA_TYPES.has(type) ? delta : _unknown(delta);
}

/** Sets `object[key]` to `decode(object[key])` when that is a new value. */
function _replace(
  object: Record<string, unknown>,
  key: string,
  decode: (value: unknown) => unknown,
): void {
  const value = object[key];
  const decoded = decode(value);
  if (decoded !== value) object[key] = decoded;
}

function _isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function _kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

function _invalidUtf8(line: Line): Diagnostic {
  const message = `Line ${line.lineNumber} is not valid UTF-8 ${
    _size(line.text)
  }: invalid bytes were replaced with U+FFFD`;
  return _diagnostic("invalid_utf8", line.lineNumber, line.text, message);
}

function _tooLong(line: Line, byteLength: number): Diagnostic {
  const { lineNumber } = line;
  const end = line.terminated ? "" : ", and ends without a newline";
  return {
    type: "diagnostic",
    kind: "line_too_long",
    lineNumber,
    text: byteLength > HEAD_BYTES ? `${line.text}…` : line.text,
    message:
      `Line ${lineNumber} is too long to decode (${byteLength} bytes${end}): it was skipped; raise maxLineBytes to read lines of up to about 512 MiB`,
    byteLength,
  };
}

function _diagnostic(
  kind: DiagnosticKind,
  lineNumber: number,
  text: string,
  message: string,
): Diagnostic {
  const cut = text.length > MAX_DIAGNOSTIC_TEXT
    ? `${text.slice(0, MAX_DIAGNOSTIC_TEXT)}… [${
      text.length - MAX_DIAGNOSTIC_TEXT
    } more characters]`
    : text;
  return { type: "diagnostic", kind, lineNumber, text: cut, message };
}

function _size(text: string): string {
  return `(${text.length} characters)`;
}

function _reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
