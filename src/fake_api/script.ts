/**
 * The script format of claw's fake Anthropic Messages API: which replies the fake server gives,
 * in order, to the `POST /v1/messages` requests the real `claude` CLI sends.
 *
 * A script is plain JSON, so it can live in a file next to a test (`claw fake-api --script
 * FILE`). It has two fields:
 *
 * - `replies` is consumed in order, one reply per `POST /v1/messages` request. Every retry and
 *   every non-streaming fallback of the CLI takes a reply of its own, so a script for a failure
 *   lists one reply per attempt (see PROTOCOL.md §4–§5 for how many attempts each failure gets).
 *   The background requests of Claude Code 2.0.x are answered by the server itself and take none.
 * - `when_exhausted` says what a request beyond the last reply gets: `"error"` (default) a 500
 *   saying the script ran out, so a test fails loudly; `"repeat_last"` the last reply again.
 *
 * A reply is one of three kinds, told apart by its fields: a **message reply** (`content`), an
 * **HTTP error reply** (`status`) or an **SSE error reply** (`sse_error`). Unknown fields are
 * rejected, so a typo fails at load time. Every kind takes `delay_ms`: milliseconds to wait before
 * the response headers (with `API_TIMEOUT_MS=3000` the CLI gives up on a request whose headers
 * take longer than 3 s, then retries).
 *
 * ## Message reply
 *
 * An assistant message, streamed as SSE to a request with `stream: true` (`message_start`,
 * `ping`, per block `content_block_start` / deltas / `content_block_stop`, `message_delta`,
 * `message_stop`), otherwise sent as one JSON object.
 *
 * ```json
 * {
 *   "content": [
 *     { "type": "thinking", "thinking": "The user wants a greeting", "signature": "sig" },
 *     { "type": "text", "text": "Hello" },
 *     { "type": "tool_use", "name": "Bash", "input": { "command": "echo hi" } },
 *     { "type": "tool_use", "name": "Read", "input": { "file_path": "notes.txt" } }
 *   ],
 *   "stop_reason": "tool_use",
 *   "usage": { "input_tokens": 10, "output_tokens": 5 },
 *   "model": "claude-sonnet-4-5",
 *   "chunk_size": 16
 * }
 * ```
 *
 * - `content`: blocks of type `text`, `thinking` (streamed as `thinking_delta` chunks, then one
 *   `signature_delta`; `signature` defaults to `sig_fake_<request>_<index>`) or `tool_use` (input
 *   streamed as `input_json_delta` chunks; id `toolu_fake_<request>_<index>`). Any number of each,
 *   in any order; an empty array is a message without content.
 * - `stop_reason`: `end_turn`, `tool_use`, `max_tokens` or `refusal` (default `tool_use` when a
 *   `tool_use` block is present, else `end_turn`); sent in `message_delta`.
 * - `usage` (default 10 input and 5 output tokens), `model` (default: the request's `model`),
 *   `chunk_size` (code points per streamed delta, default 16).
 *
 * ### Echoing the prompt
 *
 * A text block's `text` may hold the placeholder `{{prompt}}`: when the reply is served it becomes
 * the text of the request's last `user` message (its content when that is a string, else the
 * `text` of its text blocks joined with `\n`, leaving out tool results and the blocks that are
 * only a `<system-reminder>`, which Claude Code 2.1 sends before the prompt; `""` when it has no
 * text).
 * With `when_exhausted: "repeat_last"`, one reply then answers any number of runs, concurrent or
 * not, each with its own prompt:
 *
 * ```json
 * {
 *   "replies": [{ "content": [{ "type": "text", "text": "You asked: {{prompt}}" }] }],
 *   "when_exhausted": "repeat_last"
 * }
 * ```
 *
 * The events of such a reply depend on the prompt's length, so keep `{{prompt}}` out of a reply
 * that stalls or disconnects after a number of events, or give it a `chunk_size` larger than any
 * prompt.
 *
 * A message reply can also misbehave mid-stream. An "event" is one SSE frame, counted from 1:
 * `message_start` is event 1, `ping` event 2, the first `content_block_start` event 3.
 *
 * ```json
 * { "content": [{ "type": "text", "text": "Slow but fine" }], "stall_ms": 2000 }
 * ```
 *
 * ```json
 * {
 *   "content": [{ "type": "text", "text": "Dropped" }],
 *   "stall_ms": 500,
 *   "stall_after_events": 3,
 *   "disconnect_after_events": 3
 * }
 * ```
 *
 * - `stall_ms`: pause this long mid-stream, then carry on with the rest of the message.
 * - `stall_after_events`: how many events go out before the stall (needs `stall_ms`; default:
 *   up to and including the first `content_block_delta`, or `message_start` and `ping` in a reply
 *   without deltas). At most the number of events the reply streams: equal means "after
 *   `message_stop`, before the response ends".
 * - `disconnect_after_events`: after this many events, drop the connection (the response body
 *   ends without its final chunk; the CLI sees `ECONNRESET` and retries). Must be less than the
 *   number of events the reply streams. A stall at the same count comes first; a stall that
 *   would come after the drop (also by default placement) is refused.
 *
 * A non-streaming request given such a reply gets the JSON message body in two halves: a stall
 * pauses between them, a disconnect drops the connection after the first.
 *
 * ## HTTP error reply
 *
 * An HTTP error status with Anthropic's error body
 * `{"type":"error","error":{"type","message"},"request_id"}`, or any raw body.
 *
 * ```json
 * {
 *   "status": 429,
 *   "error": { "type": "rate_limit_error", "message": "Slow down" },
 *   "headers": { "retry-after": "1" }
 * }
 * ```
 *
 * ```json
 * {
 *   "status": 502,
 *   "body": "<html><head><title>502 Bad Gateway</title></head><body>502 Bad Gateway</body></html>"
 * }
 * ```
 *
 * - `status`: 400–599.
 * - `error`: `type` and `message` (defaults follow the status, e.g. 500 → `api_error`, 529 →
 *   `overloaded_error`).
 * - `body`: a raw response body sent verbatim instead of the JSON error (not together with
 *   `error`), as a proxy or load balancer would; `content-type` is `text/html; charset=utf-8`
 *   unless `headers` names another.
 * - `headers`: extra response headers, e.g. `retry-after` (which the CLI honours).
 *
 * ## SSE error reply
 *
 * A `200` stream that carries an `event: error` frame with Anthropic's error body, then ends,
 * as the API does when it overloads mid-stream. Claude Code 2.1 retries the stream (without an
 * `api_retry` line) up to `CLAUDE_CODE_MAX_RETRIES` times, then tries one non-streaming request.
 *
 * ```json
 * { "sse_error": { "type": "overloaded_error", "message": "Overloaded" } }
 * ```
 *
 * ```json
 * {
 *   "sse_error": { "type": "api_error", "message": "Internal server error" },
 *   "content": [{ "type": "text", "text": "Half an ans" }],
 *   "after_events": 4
 * }
 * ```
 *
 * - `sse_error`: `type` and `message` of the error.
 * - `after_events`: how many events of the message built from `content` (and `chunk_size`) go out
 *   before the error event (default 0: the error is the first event); less than the number of
 *   events that message streams.
 *
 * A non-streaming request given an SSE error reply gets the same error as an HTTP error, with the
 * status the API uses for its type (`overloaded_error` 529, `api_error` 500, `rate_limit_error`
 * 429, `invalid_request_error` 400, …).
 *
 * ## A whole script
 *
 * A mid-stream disconnect, an overloaded stream, then a good answer (which the CLI reaches with
 * `CLAUDE_CODE_MAX_RETRIES=2` or more):
 *
 * ```json
 * {
 *   "replies": [
 *     { "content": [{ "type": "text", "text": "Lost" }], "disconnect_after_events": 3 },
 *     { "sse_error": { "type": "overloaded_error", "message": "Overloaded" } },
 *     { "content": [{ "type": "text", "text": "Hello" }] }
 *   ],
 *   "when_exhausted": "error"
 * }
 * ```
 *
 * @module
 */
import { defaultStallAfter, messageEvents } from "./_message.ts";

/**
 * A plain text block: streamed as `text_delta` chunks. `{{prompt}}` in its `text` is replaced by
 * the text of the request's last `user` message (see "Echoing the prompt" in the module docs).
 */
export interface FakeTextBlock {
  /** Block type. */
  type: "text";
  /** The whole text of the block; each `{{prompt}}` becomes the request's last user text. */
  text: string;
}

/** An extended-thinking block: streamed as `thinking_delta` chunks, then one `signature_delta`. */
export interface FakeThinkingBlock {
  /** Block type. */
  type: "thinking";
  /** The whole thinking text. */
  thinking: string;
  /** Signature sent in the `signature_delta` (default `sig_fake_<request>_<block index>`). */
  signature?: string;
}

/**
 * A tool call: its `content_block_start` carries `input: {}`, then the JSON of `input` follows
 * in `input_json_delta` chunks. Its id is `toolu_fake_<request>_<block index>`.
 */
export interface FakeToolUseBlock {
  /** Block type. */
  type: "tool_use";
  /** Tool name, e.g. `"Bash"`. */
  name: string;
  /** Tool input: a JSON object. */
  input: Record<string, unknown>;
}

/** One content block of a scripted message reply. */
export type FakeContentBlock = FakeTextBlock | FakeThinkingBlock | FakeToolUseBlock;

/** Why a scripted message stops. */
export type FakeStopReason = "end_turn" | "tool_use" | "max_tokens" | "refusal";

/** Token counts reported for a scripted message. */
export interface FakeUsage {
  /** Input tokens, reported in `message_start`. */
  input_tokens: number;
  /** Output tokens, reported in `message_delta`. */
  output_tokens: number;
}

/** A successful reply: an assistant message, streamed as SSE or sent as one JSON object. */
export interface FakeMessageReply {
  /** Content blocks, in order. */
  content: FakeContentBlock[];
  /** Stop reason (default `tool_use` when a `tool_use` block is present, else `end_turn`). */
  stop_reason?: FakeStopReason;
  /** Token usage (default 10 input, 5 output). */
  usage?: FakeUsage;
  /** Model name reported back (default: the request's `model`). */
  model?: string;
  /** Characters per streamed delta (default 16). */
  chunk_size?: number;
  /** Milliseconds to wait before sending the response headers (default 0). */
  delay_ms?: number;
  /** Milliseconds to pause mid-stream before sending the rest (default: no pause). */
  stall_ms?: number;
  /**
   * Events sent before the stall (needs `stall_ms`; default: up to and including the first
   * `content_block_delta`, or `message_start` and `ping` when there is no delta).
   */
  stall_after_events?: number;
  /** Drop the connection after this many events (less than the events the reply streams). */
  disconnect_after_events?: number;
}

/** Error type and message of an Anthropic error body. */
export interface FakeApiError {
  /** Error type, e.g. `overloaded_error`. */
  type: string;
  /** Human-readable message, e.g. `Overloaded`. */
  message: string;
}

/** An HTTP error reply with an Anthropic-style error body, or a raw body. */
export interface FakeErrorReply {
  /** HTTP status, 400–599. */
  status: number;
  /** Error type and message (defaults follow the status, e.g. 500 → `api_error`). */
  error?: FakeApiError;
  /**
   * A raw body sent verbatim instead of the JSON error (not with `error`), e.g. a proxy's HTML
   * page; `content-type: text/html; charset=utf-8` unless `headers` names another.
   */
  body?: string;
  /** Extra response headers, e.g. `{ "retry-after": "1" }`. */
  headers?: Record<string, string>;
  /** Milliseconds to wait before sending the response headers (default 0). */
  delay_ms?: number;
}

/**
 * A `200` SSE stream that carries an `event: error` frame, then ends. A non-streaming request
 * gets the same error as an HTTP error instead (e.g. `overloaded_error` → 529).
 */
export interface FakeSseErrorReply {
  /** The error sent in the `error` event. */
  sse_error: FakeApiError;
  /** Events of the message built from `content` sent before the error (default 0). */
  after_events?: number;
  /** The partial message streamed before the error (default: no blocks). */
  content?: FakeContentBlock[];
  /** Code points per streamed delta of `content` (default 16). */
  chunk_size?: number;
  /** Milliseconds to wait before sending the response headers (default 0). */
  delay_ms?: number;
}

/** One scripted reply: a message, an HTTP error or an error event inside a stream. */
export type FakeReply = FakeMessageReply | FakeErrorReply | FakeSseErrorReply;

/** What the fake API does once every reply has been used. */
export type FakeWhenExhausted = "error" | "repeat_last";

/** The replies a fake Messages API gives, in order. See the module docs for the JSON shape. */
export interface FakeScript {
  /** Replies, one per `POST /v1/messages` request. */
  replies: FakeReply[];
  /** Behaviour after the last reply (default `"error"`: a 500 naming the exhausted script). */
  when_exhausted?: FakeWhenExhausted;
}

/**
 * Validates untrusted JSON (for example a parsed script file) as a {@linkcode FakeScript}.
 *
 * Unknown fields are rejected too, so a typo such as `stop_reson` does not pass silently.
 *
 * @param json The parsed JSON value.
 * @returns The same value, typed.
 * @throws {TypeError} Naming the first bad field, e.g.
 * `Invalid fake API script: replies[2].status must be a number`.
 *
 * @example Validate a script read from JSON
 * ```ts
 * import { strictEqual, throws } from "node:assert";
 * import { parseFakeScript } from "./script.ts";
 *
 * const script = parseFakeScript(JSON.parse(
 *   '{"replies":[{"content":[{"type":"text","text":"Hello"}]},{"status":529}]}',
 * ));
 * strictEqual(script.replies.length, 2);
 *
 * throws(
 *   () => parseFakeScript({ replies: [{ status: "500" }] }),
 *   /replies\[0\]\.status must be a number/,
 * );
 * ```
 */
export function parseFakeScript(json: unknown): FakeScript {
  const script = record(json, "script");
  knownKeys(script, "script", ["replies", "when_exhausted"]);
  if (!Array.isArray(script.replies)) fail("replies", "must be an array");
  script.replies.forEach((reply, index) => checkReply(reply, `replies[${index}]`));
  if (
    script.when_exhausted !== undefined && script.when_exhausted !== "error" &&
    script.when_exhausted !== "repeat_last"
  ) {
    fail("when_exhausted", 'must be "error" or "repeat_last"');
  }
  return script as unknown as FakeScript;
}

const STOP_REASONS: readonly string[] = ["end_turn", "tool_use", "max_tokens", "refusal"];

function checkReply(value: unknown, at: string): void {
  const reply = record(value, at);
  if ("status" in reply) checkErrorReply(reply, at);
  else if ("sse_error" in reply) checkSseErrorReply(reply, at);
  else checkMessageReply(reply, at);
  if (reply.delay_ms !== undefined) count(reply.delay_ms, `${at}.delay_ms`);
}

function checkErrorReply(reply: Record<string, unknown>, at: string): void {
  knownKeys(reply, at, ["status", "error", "body", "headers", "delay_ms"]);
  if (typeof reply.status !== "number") fail(`${at}.status`, "must be a number");
  if (!Number.isInteger(reply.status) || reply.status < 400 || reply.status > 599) {
    fail(`${at}.status`, "must be an HTTP error status from 400 to 599");
  }
  if (reply.error !== undefined) checkApiError(reply.error, `${at}.error`);
  if (reply.body !== undefined) {
    string(reply.body, `${at}.body`);
    if (reply.error !== undefined) {
      fail(`${at}.body`, "cannot be given with error (body replaces the JSON error body)");
    }
  }
  if (reply.headers !== undefined) {
    const headers = record(reply.headers, `${at}.headers`);
    for (const [name, header] of Object.entries(headers)) {
      string(header, `${at}.headers[${JSON.stringify(name)}]`);
    }
  }
}

function checkSseErrorReply(reply: Record<string, unknown>, at: string): void {
  knownKeys(reply, at, ["sse_error", "after_events", "content", "chunk_size", "delay_ms"]);
  checkApiError(reply.sse_error, `${at}.sse_error`);
  if (reply.content !== undefined) checkContent(reply.content, `${at}.content`);
  checkChunkSize(reply.chunk_size, `${at}.chunk_size`);
  if (reply.after_events !== undefined) {
    count(reply.after_events, `${at}.after_events`);
    const total = eventCount({
      content: (reply.content ?? []) as FakeContentBlock[],
      ...(reply.chunk_size === undefined ? {} : { chunk_size: reply.chunk_size as number }),
    });
    if (reply.after_events >= total) {
      fail(`${at}.after_events`, `must be less than ${total}, the events its content streams`);
    }
  }
}

function checkMessageReply(reply: Record<string, unknown>, at: string): void {
  knownKeys(reply, at, [
    "content",
    "stop_reason",
    "usage",
    "model",
    "chunk_size",
    "delay_ms",
    "stall_ms",
    "stall_after_events",
    "disconnect_after_events",
  ]);
  if (!Array.isArray(reply.content)) {
    fail(`${at}.content`, "must be an array (or give a status for an error reply)");
  }
  checkContent(reply.content, `${at}.content`);
  if (reply.stop_reason !== undefined && !STOP_REASONS.includes(reply.stop_reason as string)) {
    fail(`${at}.stop_reason`, `must be one of ${STOP_REASONS.map((s) => `"${s}"`).join(", ")}`);
  }
  if (reply.usage !== undefined) {
    const usage = record(reply.usage, `${at}.usage`);
    knownKeys(usage, `${at}.usage`, ["input_tokens", "output_tokens"]);
    count(usage.input_tokens, `${at}.usage.input_tokens`);
    count(usage.output_tokens, `${at}.usage.output_tokens`);
  }
  if (reply.model !== undefined) string(reply.model, `${at}.model`);
  checkChunkSize(reply.chunk_size, `${at}.chunk_size`);
  if (reply.stall_ms !== undefined) count(reply.stall_ms, `${at}.stall_ms`);
  const { stall_after_events: stallAfter, disconnect_after_events: disconnectAfter } = reply;
  if (stallAfter === undefined && disconnectAfter === undefined) return;
  const events = messageEvents(reply as unknown as FakeMessageReply, {
    sequence: 1,
    requestModel: "",
  });
  if (stallAfter !== undefined) {
    count(stallAfter, `${at}.stall_after_events`);
    if (reply.stall_ms === undefined) fail(`${at}.stall_after_events`, "needs stall_ms");
    if (stallAfter > events.length) {
      fail(
        `${at}.stall_after_events`,
        `must be at most ${events.length}, the events the reply streams`,
      );
    }
  }
  if (disconnectAfter === undefined) return;
  count(disconnectAfter, `${at}.disconnect_after_events`);
  if (disconnectAfter >= events.length) {
    fail(
      `${at}.disconnect_after_events`,
      `must be less than ${events.length}, the events the reply streams`,
    );
  }
  if (stallAfter !== undefined && stallAfter > disconnectAfter) {
    fail(`${at}.stall_after_events`, "must not be after disconnect_after_events");
  }
  if (reply.stall_ms !== undefined && stallAfter === undefined) {
    const stall = defaultStallAfter(events);
    if (stall > disconnectAfter) {
      fail(
        `${at}.stall_ms`,
        `would never happen: the default stall comes after event ${stall}, past ` +
          "disconnect_after_events (set stall_after_events)",
      );
    }
  }
}

/** How many SSE events a message streams (it does not depend on the request). */
function eventCount(reply: FakeMessageReply): number {
  return messageEvents(reply, { sequence: 1, requestModel: "" }).length;
}

function checkApiError(value: unknown, at: string): void {
  const error = record(value, at);
  knownKeys(error, at, ["type", "message"]);
  string(error.type, `${at}.type`);
  string(error.message, `${at}.message`);
}

function checkContent(value: unknown, at: string): asserts value is unknown[] {
  if (!Array.isArray(value)) fail(at, "must be an array");
  value.forEach((block, index) => checkBlock(block, `${at}[${index}]`));
}

function checkChunkSize(value: unknown, at: string): void {
  if (value === undefined) return;
  count(value, at);
  if (value === 0) fail(at, "must be at least 1");
}

function checkBlock(value: unknown, at: string): void {
  const block = record(value, at);
  switch (block.type) {
    case "text":
      knownKeys(block, at, ["type", "text"]);
      string(block.text, `${at}.text`);
      return;
    case "thinking":
      knownKeys(block, at, ["type", "thinking", "signature"]);
      string(block.thinking, `${at}.thinking`);
      if (block.signature !== undefined) string(block.signature, `${at}.signature`);
      return;
    case "tool_use":
      knownKeys(block, at, ["type", "name", "input"]);
      string(block.name, `${at}.name`);
      record(block.input, `${at}.input`);
      return;
    default:
      fail(`${at}.type`, 'must be "text", "thinking" or "tool_use"');
  }
}

function fail(at: string, problem: string): never {
  throw new TypeError(`Invalid fake API script: ${at} ${problem}`);
}

function record(value: unknown, at: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    fail(at, "must be an object");
  }
  return value as Record<string, unknown>;
}

function string(value: unknown, at: string): asserts value is string {
  if (typeof value !== "string") fail(at, "must be a string");
}

function count(value: unknown, at: string): asserts value is number {
  if (typeof value !== "number") fail(at, "must be a number");
  if (!Number.isInteger(value) || value < 0) fail(at, "must be a whole number, 0 or more");
}

function knownKeys(value: Record<string, unknown>, at: string, keys: readonly string[]): void {
  for (const key of Object.keys(value)) {
    if (!keys.includes(key)) {
      fail(`${at}.${key}`, `is not a known field (expected one of: ${keys.join(", ")})`);
    }
  }
}
