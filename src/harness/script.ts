/**
 * The script format of claw's fake Anthropic Messages API: which replies the fake server gives,
 * in order, to the `POST /v1/messages` requests the real `claude` CLI sends.
 *
 * A script is plain JSON, so it can live in a file next to a test:
 *
 * ```json
 * {
 *   "replies": [
 *     {
 *       "content": [
 *         { "type": "thinking", "thinking": "The user wants a greeting", "signature": "sig" },
 *         { "type": "text", "text": "Hello" },
 *         { "type": "tool_use", "name": "Bash", "input": { "command": "echo hi" } }
 *       ],
 *       "stop_reason": "tool_use",
 *       "usage": { "input_tokens": 10, "output_tokens": 5 },
 *       "model": "claude-sonnet-4-5",
 *       "chunk_size": 16,
 *       "delay_ms": 0
 *     },
 *     {
 *       "status": 500,
 *       "error": { "type": "api_error", "message": "Internal server error" },
 *       "headers": { "retry-after": "1" }
 *     }
 *   ],
 *   "when_exhausted": "error"
 * }
 * ```
 *
 * - `replies` is consumed in order, one reply per `POST /v1/messages` request (retries and
 *   non-streaming fallbacks of the CLI each take a reply of their own).
 * - A message reply has `content` (blocks of type `text`, `thinking` or `tool_use`) and optional
 *   `stop_reason` (default `tool_use` when a `tool_use` block is present, else `end_turn`),
 *   `usage` (default 10 input and 5 output tokens), `model` (default: the request's `model`),
 *   `chunk_size` (characters per streamed delta, default 16) and `delay_ms` (wait before the
 *   response headers, default 0).
 * - An error reply has `status` (an HTTP status) and optional `error` (`type` and `message`;
 *   defaults follow the status, e.g. 529 → `overloaded_error`), `headers` (extra response headers)
 *   and `delay_ms`.
 * - `when_exhausted` says what a request beyond the last reply gets: `"error"` (default) a 500
 *   saying the script ran out, so a test fails loudly; `"repeat_last"` the last reply again.
 *
 * @module
 */

/** A plain text block: streamed as `text_delta` chunks. */
export interface FakeTextBlock {
  /** Block type. */
  type: "text";
  /** The whole text of the block. */
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
}

/** An HTTP error reply with an Anthropic-style error body. */
export interface FakeErrorReply {
  /** HTTP status, 400–599. */
  status: number;
  /** Error type and message (defaults follow the status, e.g. 500 → `api_error`). */
  error?: { type: string; message: string };
  /** Extra response headers, e.g. `{ "retry-after": "1" }`. */
  headers?: Record<string, string>;
  /** Milliseconds to wait before sending the response headers (default 0). */
  delay_ms?: number;
}

/** One scripted reply: a message or an HTTP error. */
export type FakeReply = FakeMessageReply | FakeErrorReply;

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
  if ("status" in reply) {
    knownKeys(reply, at, ["status", "error", "headers", "delay_ms"]);
    if (typeof reply.status !== "number") fail(`${at}.status`, "must be a number");
    if (!Number.isInteger(reply.status) || reply.status < 400 || reply.status > 599) {
      fail(`${at}.status`, "must be an HTTP error status from 400 to 599");
    }
    if (reply.error !== undefined) {
      const error = record(reply.error, `${at}.error`);
      knownKeys(error, `${at}.error`, ["type", "message"]);
      string(error.type, `${at}.error.type`);
      string(error.message, `${at}.error.message`);
    }
    if (reply.headers !== undefined) {
      const headers = record(reply.headers, `${at}.headers`);
      for (const [name, header] of Object.entries(headers)) {
        string(header, `${at}.headers[${JSON.stringify(name)}]`);
      }
    }
  } else {
    knownKeys(reply, at, ["content", "stop_reason", "usage", "model", "chunk_size", "delay_ms"]);
    if (!Array.isArray(reply.content)) {
      fail(`${at}.content`, "must be an array (or give a status for an error reply)");
    }
    reply.content.forEach((block, index) => checkBlock(block, `${at}.content[${index}]`));
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
    if (reply.chunk_size !== undefined) {
      count(reply.chunk_size, `${at}.chunk_size`);
      if (reply.chunk_size === 0) fail(`${at}.chunk_size`, "must be at least 1");
    }
  }
  if (reply.delay_ms !== undefined) count(reply.delay_ms, `${at}.delay_ms`);
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

function string(value: unknown, at: string): void {
  if (typeof value !== "string") fail(at, "must be a string");
}

function count(value: unknown, at: string): void {
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
