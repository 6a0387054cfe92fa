/**
 * A scripted fake Anthropic Messages API on loopback, so the real `claude` CLI can run
 * deterministically, offline and without credentials: point it at the server with
 * `ANTHROPIC_BASE_URL` and a fake `ANTHROPIC_API_KEY`.
 *
 * @module
 */
import {
  apiErrorResponse,
  defaultApiError,
  rawErrorResponse,
  statusForErrorType,
} from "./_api_error.ts";
import { backgroundReply } from "./_background.ts";
import { delay } from "./_delay.ts";
import {
  buildMessage,
  defaultStallAfter,
  errorEvent,
  type MessageContext,
  messageEvents,
} from "./_message.ts";
import { pacedBody } from "./_paced_body.ts";
import { echoPrompt } from "./_prompt_echo.ts";
import { encodeSseEvent } from "./_sse.ts";
import {
  type FakeMessageReply,
  type FakeReply,
  type FakeScript,
  parseFakeScript,
} from "./script.ts";

/** Options for {@linkcode startFakeApi}. */
export interface FakeApiOptions {
  /** Replies to serve, in order (validated with {@linkcode parseFakeScript}). */
  script: FakeScript;
  /** Port to listen on (default 0: a free port chosen by the OS). */
  port?: number;
  /** Interface to bind: loopback only. */
  hostname?: "127.0.0.1";
  /**
   * How many requests {@linkcode FakeApi.requests} keeps: the last this many, so a long test or a
   * load run does not keep every request in memory. Default {@linkcode DEFAULT_LOGGED_REQUESTS}.
   */
  logRequests?: number;
  /**
   * A request body over this many bytes is logged as a note of its size instead of the body.
   * Default {@linkcode DEFAULT_LOGGED_BODY_BYTES}.
   */
  logBodyBytes?: number;
}

/** How many requests the fake API keeps in its log by default: the last 500. */
export const DEFAULT_LOGGED_REQUESTS = 500;

/** The largest request body the fake API keeps in its log by default: 1 MiB. */
export const DEFAULT_LOGGED_BODY_BYTES = 1024 * 1024;

/** One request the fake API received, as logged in {@linkcode FakeApi.requests}. */
export interface RecordedRequest {
  /** 1-based request number, shared with the `req_fake_<n>` request id and `msg_fake_<n>`. */
  sequence: number;
  /** HTTP method, e.g. `POST`. */
  method: string;
  /** Path with query string, e.g. `/v1/messages?beta=true`. */
  path: string;
  /** Request headers (lower-case names); secret values are replaced by `[redacted]`. */
  headers: Record<string, string>;
  /**
   * The whole body parsed as JSON (never trimmed: a resumed conversation's `messages` hold every
   * earlier turn); the raw text when it is not JSON; `null` when empty. A body over the log's
   * limit (`logBodyBytes`) is not kept: this is then a note of its size, a string.
   */
  body: unknown;
  /** The body's size in bytes. */
  bodyBytes: number;
  /**
   * Index in `script.replies` of the reply that answered this request; `null` when no scripted
   * reply did: unknown route, invalid body, exhausted script, or a background request of Claude
   * Code 2.0.x (subagent "Warmup", Bash path extraction), which the fake API answers itself so it
   * cannot steal a scripted reply.
   */
  reply: number | null;
}

/** A running fake Messages API. Close it with `close()` or `await using`. */
export interface FakeApi extends AsyncDisposable {
  /** Base URL for `ANTHROPIC_BASE_URL`, e.g. `http://127.0.0.1:43211`. */
  readonly url: string;
  /** Port the server listens on. */
  readonly port: number;
  /**
   * The requests received, in arrival order: every one, up to the last `logRequests` (500 by
   * default); `sequence` counts them all.
   */
  readonly requests: readonly RecordedRequest[];
  /** Stops the server, aborting responses still in flight. Safe to call twice. */
  close(): Promise<void>;
}

const SECRET_HEADERS = new Set(["x-api-key", "authorization", "proxy-authorization", "cookie"]);

/**
 * Starts a fake Anthropic Messages API that answers `POST /v1/messages` with the script's
 * replies, in order: streamed as SSE when the request has `stream: true`, otherwise as one JSON
 * message (the CLI's non-streaming fallback). Replies can also fail as scripted: HTTP errors
 * (JSON or raw bodies), an `error` event inside a stream, a stall or a dropped connection
 * mid-stream, slow headers (see {@linkcode FakeScript} for the format). Every response carries a
 * `request-id` header `req_fake_<n>`. A `{{prompt}}` in a scripted text block becomes the text of
 * the request's last user message, so one reply can answer many prompts. `POST /v1/messages/count_tokens` (which CLI 2.1.x calls for
 * `get_context_usage`) is answered with a stable estimate, a quarter of the body's JSON length,
 * and uses up no reply. Any other route gets an Anthropic-style 404.
 *
 * The background requests of Claude Code 2.0.x (subagent "Warmup" at start-up, Bash file-path
 * extraction after each Bash call) are answered with canned messages and use up no scripted
 * reply: they run concurrently with the conversation and would otherwise take replies at random.
 *
 * @param options The script and where to listen.
 * @returns The running server; close it when done.
 * @throws {TypeError} When the script is invalid (see {@linkcode parseFakeScript}).
 *
 * @example Serve one scripted message
 * ```ts
 * import { deepStrictEqual, strictEqual } from "node:assert";
 * import { startFakeApi } from "./fake_api.ts";
 *
 * await using api = await startFakeApi({
 *   script: { replies: [{ content: [{ type: "text", text: "Hello" }] }] },
 * });
 * const response = await fetch(`${api.url}/v1/messages`, {
 *   method: "POST",
 *   headers: { "content-type": "application/json", "x-api-key": "sk-ant-fake-key" },
 *   body: JSON.stringify({ model: "claude-sonnet-4-5", max_tokens: 64, messages: [] }),
 * });
 * const message = await response.json();
 * deepStrictEqual(message.content, [{ type: "text", text: "Hello" }]);
 * strictEqual(response.headers.get("request-id"), "req_fake_1");
 * strictEqual(api.requests[0]?.headers["x-api-key"], "[redacted]");
 * ```
 */
export async function startFakeApi(options: FakeApiOptions): Promise<FakeApi> {
  const script = parseFakeScript(options.script);
  const keep = positiveWhole(options.logRequests ?? DEFAULT_LOGGED_REQUESTS, "logRequests");
  const bodyLimit = positiveWhole(
    options.logBodyBytes ?? DEFAULT_LOGGED_BODY_BYTES,
    "logBodyBytes",
  );
  const closing = new AbortController();
  const requests: RecordedRequest[] = [];
  let sequence = 0;
  let replyIndex = 0;

  /** The next scripted reply and its index, or `undefined` once the script is exhausted. */
  function nextReply(): [FakeReply, number] | undefined {
    const index = replyIndex++;
    const reply = script.replies[index];
    if (reply !== undefined) return [reply, index];
    const last = script.replies.length - 1;
    const repeat = script.replies[last];
    return script.when_exhausted === "repeat_last" && repeat !== undefined
      ? [repeat, last]
      : undefined;
  }

  async function handle(request: Request): Promise<Response> {
    const number = ++sequence;
    const requestId = `req_fake_${number}`;
    const url = new URL(request.url);
    const bytes = await request.bytes();
    const body = parseBody(new TextDecoder().decode(bytes));
    const bodyBytes = bytes.length;
    const recorded: RecordedRequest = {
      sequence: number,
      method: request.method,
      path: url.pathname + url.search,
      headers: redactHeaders(request.headers),
      body: bodyBytes > bodyLimit
        ? `(a body of ${bodyBytes} bytes, over the log's limit of ${bodyLimit}: not kept)`
        : body,
      bodyBytes,
      reply: null,
    };
    requests.push(recorded);
    if (requests.length > keep) requests.shift();
    if (request.method === "POST" && url.pathname === "/v1/messages/count_tokens") {
      return countTokensResponse(body, requestId);
    }
    if (request.method !== "POST" || url.pathname !== "/v1/messages") {
      return apiErrorResponse({
        status: 404,
        error: {
          type: "not_found_error",
          message: `Fake API has no route for ${request.method} ${url.pathname}`,
        },
        requestId,
      });
    }
    if (typeof body !== "object" || body === null || Array.isArray(body)) {
      return apiErrorResponse({
        status: 400,
        error: { type: "invalid_request_error", message: "Request body must be a JSON object" },
        requestId,
      });
    }
    const fields = body as Record<string, unknown>;
    const background = backgroundReply(fields);
    const attempt = replyIndex + 1;
    const next = background === undefined ? nextReply() : [background, null] as const;
    if (next === undefined) {
      return apiErrorResponse({
        status: 500,
        error: {
          type: "api_error",
          message: `Fake API script exhausted: request ${attempt} to /v1/messages arrived ` +
            `but the script has only ${script.replies.length} replies`,
        },
        requestId,
      });
    }
    const [reply, index] = next;
    recorded.reply = index;
    // Only the server's own signal: Deno's `request.signal` also aborts after every completed
    // response (with a warning), and a client that goes away cancels the body stream anyway.
    const signal = closing.signal;
    if (!await delay(reply.delay_ms ?? 0, signal)) {
      return apiErrorResponse({
        status: 503,
        error: { type: "api_error", message: "Fake API is shutting down" },
        requestId,
      });
    }
    return replyResponse(echoPrompt(reply, fields), {
      streaming: fields.stream === true,
      context: {
        sequence: number,
        requestModel: typeof fields.model === "string" ? fields.model : "claude-fake",
      },
      requestId,
      signal,
    });
  }

  const listening = Promise.withResolvers<Deno.NetAddr>();
  const server = Deno.serve({
    hostname: options.hostname ?? "127.0.0.1",
    port: options.port ?? 0,
    signal: closing.signal,
    onListen: listening.resolve,
    onError(error) {
      // Also called, quietly, when a body fails after its headers went out (the returned
      // response is then unused): that is how a scripted disconnect drops the connection.
      return apiErrorResponse({
        status: 500,
        error: { type: "api_error", message: `Fake API failed: ${String(error)}` },
        requestId: `req_fake_${sequence}`,
      });
    },
  }, handle);
  const { port } = await listening.promise;

  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= (async () => {
      closing.abort();
      await server.finished;
    })();
    return closed;
  };

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    close,
    [Symbol.asyncDispose]: close,
  };
}

function positiveWhole(value: number, name: string): number {
  if (Number.isSafeInteger(value) && value > 0) return value;
  throw new RangeError(`Invalid ${name} "${value}": it must be a whole number of at least 1`);
}

function parseBody(text: string): unknown {
  if (text === "") return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function redactHeaders(headers: Headers): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of headers) {
    result[name] = SECRET_HEADERS.has(name) ? "[redacted]" : value;
  }
  return result;
}

/** What a reply is rendered with. */
interface ReplyTarget {
  /** Whether the request asked for SSE (`stream: true`). */
  streaming: boolean;
  /** Request number and model. */
  context: MessageContext;
  /** The `request-id` header value. */
  requestId: string;
  /** The server's shutdown signal. */
  signal: AbortSignal;
}

/** The response a scripted reply gives one request. */
function replyResponse(reply: FakeReply, target: ReplyTarget): Response {
  const { streaming, context, requestId, signal } = target;
  if ("status" in reply) {
    const headers = reply.headers === undefined ? {} : { headers: reply.headers };
    return reply.body === undefined
      ? apiErrorResponse({
        status: reply.status,
        error: reply.error ?? defaultApiError(reply.status),
        requestId,
        ...headers,
      })
      : rawErrorResponse({ status: reply.status, body: reply.body, requestId, ...headers });
  }
  if ("sse_error" in reply) {
    if (!streaming) {
      return apiErrorResponse({
        status: statusForErrorType(reply.sse_error.type),
        error: reply.sse_error,
        requestId,
      });
    }
    const partial: FakeMessageReply = {
      content: reply.content ?? [],
      ...(reply.chunk_size === undefined ? {} : { chunk_size: reply.chunk_size }),
    };
    const events = [
      ...messageEvents(partial, context).slice(0, reply.after_events ?? 0),
      errorEvent(reply.sse_error),
    ];
    return sseResponse(pacedBody(events.map(encodeSseEvent), { signal }), requestId);
  }
  const stall = reply.stall_ms === undefined ? {} : { stallMs: reply.stall_ms };
  const drops = reply.disconnect_after_events !== undefined;
  if (streaming) {
    const events = messageEvents(reply, context);
    return sseResponse(
      pacedBody(events.map(encodeSseEvent), {
        signal,
        ...stall,
        stallAfter: reply.stall_after_events ?? defaultStallAfter(events),
        ...(drops ? { disconnectAfter: reply.disconnect_after_events } : {}),
      }),
      requestId,
    );
  }
  const json = JSON.stringify(buildMessage(reply, context));
  const headers = { "content-type": "application/json", "request-id": requestId };
  if (reply.stall_ms === undefined && !drops) return new Response(json, { headers });
  // A misbehaving non-streaming reply: the JSON in two halves, the stall or the drop between.
  const half = Math.floor(json.length / 2);
  const halves = pacedBody([json.slice(0, half), json.slice(half)], {
    signal,
    ...stall,
    stallAfter: 1,
    ...(drops ? { disconnectAfter: 1 } : {}),
  });
  return new Response(halves, { headers });
}

function sseResponse(body: ReadableStream<Uint8Array>, requestId: string): Response {
  return new Response(body, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      "request-id": requestId,
    },
  });
}

/** A `count_tokens` answer: a stable estimate, so what depends on it replays. */
function countTokensResponse(body: unknown, requestId: string): Response {
  const inputTokens = Math.ceil(JSON.stringify(body ?? "").length / 4);
  return Response.json({ input_tokens: inputTokens }, { headers: { "request-id": requestId } });
}
