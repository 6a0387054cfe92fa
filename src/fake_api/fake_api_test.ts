import { deepStrictEqual as assertEquals, match, ok, rejects, throws } from "node:assert";
import { DEFAULT_LOGGED_REQUESTS, startFakeApi } from "./fake_api.ts";
import { type FakeScript, parseFakeScript } from "./script.ts";

interface ParsedEvent {
  event: string;
  data: Record<string, unknown>;
}

/** Parses an SSE body strictly: every frame is `event:` + `data:` and ends with a blank line. */
function parseSse(text: string): ParsedEvent[] {
  ok(text.endsWith("\n\n"), "SSE body ends with a blank line");
  return text.slice(0, -2).split("\n\n").map((frame) => {
    const [eventLine, dataLine, ...rest] = frame.split("\n");
    assertEquals(rest, []);
    match(eventLine ?? "", /^event: \w+$/);
    match(dataLine ?? "", /^data: /);
    const event = (eventLine ?? "").slice("event: ".length);
    const data = JSON.parse((dataLine ?? "").slice("data: ".length));
    assertEquals(data.type, event);
    return { event, data };
  });
}

function post(url: string, body: unknown, path = "/v1/messages?beta=true"): Promise<Response> {
  return fetch(`${url}${path}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-api-key": "sk-ant-fake-key",
      "anthropic-version": "2023-06-01",
    },
    body: JSON.stringify(body),
  });
}

const request = {
  model: "claude-sonnet-4-5",
  max_tokens: 1024,
  messages: [{ role: "user", content: "hi" }],
  stream: true,
};

const richReply: FakeScript = {
  replies: [{
    content: [
      { type: "thinking", thinking: "The user says hi, answer them", signature: "sig" },
      { type: "text", text: "Hello there, how can I help you today? 日本語 🚀" },
      { type: "tool_use", name: "Bash", input: { command: "echo hi", description: "Say hi" } },
    ],
    usage: { input_tokens: 12, output_tokens: 34 },
    chunk_size: 8,
  }],
};

Deno.test("fake API streams thinking, text and tool_use blocks as framed SSE", async () => {
  await using api = await startFakeApi({ script: richReply });
  const response = await post(api.url, request);
  assertEquals(response.status, 200);
  assertEquals(response.headers.get("content-type"), "text/event-stream; charset=utf-8");
  assertEquals(response.headers.get("request-id"), "req_fake_1");
  const events = parseSse(await response.text());

  assertEquals(events.map((e) => e.event).slice(0, 2), ["message_start", "ping"]);
  assertEquals(events.map((e) => e.event).slice(-2), ["message_delta", "message_stop"]);
  const start = events[0]?.data.message as Record<string, unknown>;
  assertEquals(start.id, "msg_fake_1");
  assertEquals(start.model, "claude-sonnet-4-5");
  assertEquals(start.content, []);
  assertEquals((start.usage as Record<string, unknown>).input_tokens, 12);
  assertEquals(events.at(-2)?.data, {
    type: "message_delta",
    delta: { stop_reason: "tool_use", stop_sequence: null },
    usage: { output_tokens: 34 },
  });

  const starts = events.filter((e) => e.event === "content_block_start").map((e) => e.data);
  assertEquals(starts, [
    {
      type: "content_block_start",
      index: 0,
      content_block: { type: "thinking", thinking: "", signature: "" },
    },
    { type: "content_block_start", index: 1, content_block: { type: "text", text: "" } },
    {
      type: "content_block_start",
      index: 2,
      content_block: { type: "tool_use", id: "toolu_fake_1_2", name: "Bash", input: {} },
    },
  ]);
  const deltas = (index: number) =>
    events.filter((e) => e.event === "content_block_delta" && e.data.index === index)
      .map((e) => e.data.delta as Record<string, string>);

  const thinking = deltas(0);
  assertEquals(thinking.at(-1), { type: "signature_delta", signature: "sig" });
  ok(thinking.length > 2);
  assertEquals(
    thinking.slice(0, -1).map((d) => d.thinking).join(""),
    "The user says hi, answer them",
  );
  const text = deltas(1);
  ok(text.length > 1 && text.every((d) => d.type === "text_delta"));
  assertEquals(
    text.map((d) => d.text).join(""),
    "Hello there, how can I help you today? 日本語 🚀",
  );
  const input = deltas(2);
  ok(input.length > 1 && input.every((d) => d.type === "input_json_delta"));
  ok(input.every((d) => [...(d.partial_json ?? "")].length <= 8));
  assertEquals(JSON.parse(input.map((d) => d.partial_json).join("")), {
    command: "echo hi",
    description: "Say hi",
  });
  const stops = events.filter((e) => e.event === "content_block_stop").map((e) => e.data.index);
  assertEquals(stops, [0, 1, 2]);
});

Deno.test("fake API answers a non-streaming request with one JSON message", async () => {
  await using api = await startFakeApi({ script: richReply });
  const response = await post(api.url, { ...request, stream: undefined });
  assertEquals(response.headers.get("content-type"), "application/json");
  assertEquals(await response.json(), {
    id: "msg_fake_1",
    type: "message",
    role: "assistant",
    model: "claude-sonnet-4-5",
    content: [
      { type: "thinking", thinking: "The user says hi, answer them", signature: "sig" },
      { type: "text", text: "Hello there, how can I help you today? 日本語 🚀" },
      {
        type: "tool_use",
        id: "toolu_fake_1_2",
        name: "Bash",
        input: { command: "echo hi", description: "Say hi" },
      },
    ],
    stop_reason: "tool_use",
    stop_sequence: null,
    usage: {
      input_tokens: 12,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      output_tokens: 34,
    },
  });
});

Deno.test("fake API defaults stop_reason to end_turn and honours overrides", async () => {
  await using api = await startFakeApi({
    script: {
      replies: [
        { content: [{ type: "text", text: "Hi" }] },
        { content: [{ type: "text", text: "Hi" }], stop_reason: "max_tokens", model: "other" },
      ],
    },
  });
  const first = await (await post(api.url, { ...request, stream: false })).json();
  assertEquals([first.stop_reason, first.model], ["end_turn", "claude-sonnet-4-5"]);
  const second = await (await post(api.url, { ...request, stream: false })).json();
  assertEquals([second.id, second.stop_reason, second.model], [
    "msg_fake_2",
    "max_tokens",
    "other",
  ]);
});

Deno.test("fake API serves error replies with status, headers and request id", async () => {
  await using api = await startFakeApi({
    script: {
      replies: [
        {
          status: 429,
          error: { type: "rate_limit_error", message: "Slow down" },
          headers: { "retry-after": "1" },
        },
        { status: 529 },
      ],
    },
  });
  const limited = await post(api.url, request);
  assertEquals(limited.status, 429);
  assertEquals(limited.headers.get("retry-after"), "1");
  assertEquals(limited.headers.get("request-id"), "req_fake_1");
  assertEquals(limited.headers.get("content-type"), "application/json");
  assertEquals(await limited.json(), {
    type: "error",
    error: { type: "rate_limit_error", message: "Slow down" },
    request_id: "req_fake_1",
  });
  const overloaded = await post(api.url, request);
  assertEquals(overloaded.status, 529);
  assertEquals(await overloaded.json(), {
    type: "error",
    error: { type: "overloaded_error", message: "Overloaded" },
    request_id: "req_fake_2",
  });
});

Deno.test("fake API fails loudly with a 500 once the script is exhausted", async () => {
  await using api = await startFakeApi({
    script: { replies: [{ content: [{ type: "text", text: "only one" }] }] },
  });
  await (await post(api.url, request)).body?.cancel();
  const response = await post(api.url, request);
  assertEquals(response.status, 500);
  assertEquals(response.headers.get("request-id"), "req_fake_2");
  const body = await response.json();
  assertEquals(body.error.type, "api_error");
  match(body.error.message, /script exhausted: request 2 .* only 1 replies/);
});

Deno.test("fake API repeats the last reply when asked to", async () => {
  await using api = await startFakeApi({
    script: {
      replies: [{ content: [{ type: "text", text: "a" }] }, {
        content: [{ type: "text", text: "b" }],
      }],
      when_exhausted: "repeat_last",
    },
  });
  const texts = [];
  for (let i = 0; i < 4; i++) {
    texts.push((await (await post(api.url, { ...request, stream: false })).json()).content[0].text);
  }
  assertEquals(texts, ["a", "b", "b", "b"]);
  assertEquals(api.requests.map((r) => r.reply), [0, 1, 1, 1]);
});

Deno.test("fake API echoes each request's last user text in place of {{prompt}}", async () => {
  await using api = await startFakeApi({
    script: {
      replies: [{ content: [{ type: "text", text: "You asked: {{prompt}} ({{prompt}})" }] }],
      when_exhausted: "repeat_last",
    },
  });
  const asking = (content: unknown, earlier: unknown[] = []) => ({
    ...request,
    stream: false,
    messages: [...earlier, { role: "user", content }],
  });
  const earlier = [
    { role: "user", content: "an earlier question" },
    { role: "assistant", content: [{ type: "text", text: "an earlier answer" }] },
  ];
  const bodies = [
    asking("alpha $& $1"), // a plain string; `$` patterns stay as they are
    asking([
      // Claude Code 2.1 sends a reminder block before the prompt: not part of the echo.
      {
        type: "text",
        text: "<system-reminder>\nAttribution for git commits\n</system-reminder>\n",
      },
      { type: "text", text: "beta" },
      { type: "tool_result", tool_use_id: "toolu_1", content: "ignored" },
      { type: "text", text: "gamma" },
    ], earlier),
    asking([{ type: "tool_result", tool_use_id: "toolu_1", content: "no text" }], earlier),
  ];
  // Concurrent, as 40 `claude -p` runs sharing one script would be.
  const texts = await Promise.all(bodies.map(async (body) => {
    const message = await (await post(api.url, body)).json();
    return message.content[0].text;
  }));
  assertEquals(texts, [
    "You asked: alpha $& $1 (alpha $& $1)",
    "You asked: beta\ngamma (beta\ngamma)",
    "You asked:  ()",
  ]);

  // Streamed, the deltas carry the echoed text.
  const streamed = parseSse(
    await (await post(api.url, { ...asking("delta 日本語"), stream: true })).text(),
  );
  const text = streamed.filter((e) => e.event === "content_block_delta")
    .map((e) => (e.data.delta as Record<string, string>).text).join("");
  assertEquals(text, "You asked: delta 日本語 (delta 日本語)");
});

Deno.test("fake API answers unknown routes with an Anthropic-style 404", async () => {
  await using api = await startFakeApi({ script: { replies: [] } });
  const response = await fetch(`${api.url}/v1/models`);
  assertEquals(response.status, 404);
  assertEquals(response.headers.get("request-id"), "req_fake_1");
  assertEquals(await response.json(), {
    type: "error",
    error: { type: "not_found_error", message: "Fake API has no route for GET /v1/models" },
    request_id: "req_fake_1",
  });
});

Deno.test("fake API answers count_tokens with a stable estimate and uses up no reply", async () => {
  await using api = await startFakeApi({ script: { replies: [] } });
  const count = await post(
    api.url,
    { messages: [{ role: "user", content: "Hi" }] },
    "/v1/messages/count_tokens",
  );
  assertEquals(count.status, 200);
  const { input_tokens } = await count.json();
  assertEquals(typeof input_tokens === "number" && input_tokens > 0, true);
  assertEquals(api.requests[0]?.reply, null);
});

Deno.test("fake API logs requests with parsed bodies and redacted secrets", async () => {
  await using api = await startFakeApi({ script: { replies: [{ status: 500 }] } });
  await (await post(api.url, request)).body?.cancel();
  await (await fetch(`${api.url}/health`, { headers: { authorization: "Bearer t0k" } })).body
    ?.cancel();
  assertEquals(api.requests.length, 2);
  const [first, second] = api.requests;
  assertEquals(first?.sequence, 1);
  assertEquals(first?.method, "POST");
  assertEquals(first?.path, "/v1/messages?beta=true");
  assertEquals(first?.body, request);
  assertEquals(first?.headers["x-api-key"], "[redacted]");
  assertEquals(first?.headers["anthropic-version"], "2023-06-01");
  assertEquals(first?.reply, 0);
  assertEquals(second?.path, "/health");
  assertEquals(second?.reply, null);
  assertEquals(second?.body, null);
  assertEquals(second?.headers.authorization, "[redacted]");
  ok(!JSON.stringify(api.requests).includes("sk-ant-fake-key"));
  ok(!JSON.stringify(api.requests).includes("t0k"));
});

Deno.test("fake API rejects a body that is not a JSON object without using a reply", async () => {
  await using api = await startFakeApi({
    script: { replies: [{ content: [{ type: "text", text: "kept" }] }] },
  });
  const bad = await fetch(`${api.url}/v1/messages`, { method: "POST", body: "not json" });
  assertEquals(bad.status, 400);
  assertEquals((await bad.json()).error.type, "invalid_request_error");
  assertEquals(api.requests[0]?.body, "not json");
  const good = await post(api.url, { ...request, stream: false });
  assertEquals((await good.json()).content[0].text, "kept");
});

Deno.test("fake API answers Claude Code 2.0 background requests without using a reply", async () => {
  await using api = await startFakeApi({
    script: { replies: [{ content: [{ type: "text", text: "real answer" }] }] },
  });
  const warmup = {
    ...request,
    messages: [{ role: "user", content: [{ type: "text", text: "Warmup" }] }],
  };
  const first = await (await post(api.url, warmup)).text();
  ok(first.includes('"text":"Warmup"'));
  const paths = {
    ...request,
    stream: false,
    system: [
      { type: "text", text: "You are a Claude agent, built on Anthropic's Claude Agent SDK." },
      { type: "text", text: "Extract any file paths that this command reads or modifies." },
    ],
    messages: [{ role: "user", content: "Command: echo hi\nOutput: hi" }],
  };
  const extracted = await (await post(api.url, paths)).json();
  match(extracted.content[0].text, /<filepaths>\n<\/filepaths>/);
  const real = await (await post(api.url, { ...request, stream: false })).json();
  assertEquals(real.content[0].text, "real answer");
  assertEquals(api.requests.map((r) => r.reply), [null, null, 0]);
});

Deno.test("fake API waits delay_ms before sending headers", async () => {
  await using api = await startFakeApi({
    script: { replies: [{ content: [{ type: "text", text: "late" }], delay_ms: 150 }] },
  });
  const started = performance.now();
  const response = await post(api.url, request);
  ok(performance.now() - started >= 140);
  await response.body?.cancel();
});

Deno.test("fake API keeps ids per request when requests overlap", async () => {
  await using api = await startFakeApi({
    script: {
      replies: [
        { content: [{ type: "tool_use", name: "Bash", input: {} }], delay_ms: 100 },
        { content: [{ type: "tool_use", name: "Read", input: {} }] },
      ],
    },
  });
  const slow = post(api.url, { ...request, stream: false });
  while (api.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  const fast = await (await post(api.url, { ...request, stream: false })).json();
  const first = await (await slow).json();
  assertEquals([first.id, first.content[0].id], ["msg_fake_1", "toolu_fake_1_0"]);
  assertEquals([fast.id, fast.content[0].id], ["msg_fake_2", "toolu_fake_2_0"]);
});

Deno.test("fake API close aborts a pending delay and is idempotent", async () => {
  const api = await startFakeApi({
    script: { replies: [{ content: [{ type: "text", text: "never" }], delay_ms: 60_000 }] },
  });
  const pending = post(api.url, request).then(async (response) => {
    await response.body?.cancel();
    return response.status;
  }, () => "connection closed");
  while (api.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  const started = performance.now();
  await Promise.all([api.close(), api.close()]);
  ok(performance.now() - started < 5_000);
  ok([503, "connection closed"].includes(await pending));
});

Deno.test("fake API listens on loopback at the port it reports", async () => {
  await using api = await startFakeApi({ script: { replies: [] } });
  ok(api.port > 0);
  assertEquals(api.url, `http://127.0.0.1:${api.port}`);
});

/**
 * Reads a streamed body, noting when each chunk arrived and how the body ended: a clean end
 * counts as a last, empty chunk.
 */
async function readTimed(response: Response): Promise<{
  chunks: { at: number; text: string }[];
  text: string;
  error: unknown;
}> {
  const chunks: { at: number; text: string }[] = [];
  let error: unknown = undefined;
  const reader = response.body?.pipeThrough(new TextDecoderStream()).getReader();
  ok(reader !== undefined);
  try {
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      chunks.push({ at: performance.now(), text: read.value });
    }
    chunks.push({ at: performance.now(), text: "" });
  } catch (caught) {
    error = caught;
  }
  return { chunks, text: chunks.map((chunk) => chunk.text).join(""), error };
}

/** The text received before and after the longest pause between two chunks, and its length. */
function splitAtLongestPause(chunks: { at: number; text: string }[]) {
  let at = 1;
  for (let index = 2; index < chunks.length; index++) {
    const gap = (chunks[index]?.at ?? 0) - (chunks[index - 1]?.at ?? 0);
    if (gap > (chunks[at]?.at ?? 0) - (chunks[at - 1]?.at ?? 0)) at = index;
  }
  return {
    before: chunks.slice(0, at).map((chunk) => chunk.text).join(""),
    after: chunks.slice(at).map((chunk) => chunk.text).join(""),
    pause: (chunks[at]?.at ?? 0) - (chunks[at - 1]?.at ?? 0),
  };
}

Deno.test("fake API streams several tool_use blocks of one message with their own ids", async () => {
  await using api = await startFakeApi({
    script: {
      replies: [{
        content: [
          { type: "thinking", thinking: "Use two tools", signature: "EqQBCkYIBxgCKkDs" },
          { type: "tool_use", name: "Bash", input: { command: "ls" } },
          { type: "tool_use", name: "Read", input: { file_path: "notes.txt" } },
        ],
      }],
    },
  });
  const events = parseSse(await (await post(api.url, request)).text());
  const starts = events.filter((e) => e.event === "content_block_start")
    .map((e) => e.data.content_block);
  assertEquals(starts, [
    { type: "thinking", thinking: "", signature: "" },
    { type: "tool_use", id: "toolu_fake_1_1", name: "Bash", input: {} },
    { type: "tool_use", id: "toolu_fake_1_2", name: "Read", input: {} },
  ]);
  const deltas = events.filter((e) => e.event === "content_block_delta").map((e) => e.data);
  assertEquals(deltas.at(0)?.delta, { type: "thinking_delta", thinking: "Use two tools" });
  assertEquals(deltas.at(1), {
    type: "content_block_delta",
    index: 0,
    delta: { type: "signature_delta", signature: "EqQBCkYIBxgCKkDs" },
  });
  const input = (index: number) =>
    JSON.parse(
      deltas.filter((d) => d.index === index)
        .map((d) => (d.delta as { partial_json: string }).partial_json).join(""),
    );
  assertEquals([input(1), input(2)], [{ command: "ls" }, { file_path: "notes.txt" }]);
  assertEquals(
    (events.find((e) => e.event === "message_delta")?.data.delta as Record<string, unknown>)
      .stop_reason,
    "tool_use",
  );
});

Deno.test("fake API streams the max_tokens and refusal stop reasons in message_delta", async () => {
  await using api = await startFakeApi({
    script: {
      replies: [
        { content: [{ type: "text", text: "Cut off mid-sen" }], stop_reason: "max_tokens" },
        { content: [], stop_reason: "refusal" },
      ],
    },
  });
  for (const expected of ["max_tokens", "refusal"]) {
    const events = parseSse(await (await post(api.url, request)).text());
    assertEquals(events.at(-2)?.data.delta, { stop_reason: expected, stop_sequence: null });
    assertEquals(events.at(-1)?.event, "message_stop");
  }
});

Deno.test("fake API pauses stall_ms after the first content delta, then finishes", async () => {
  await using api = await startFakeApi({
    script: {
      replies: [{ content: [{ type: "text", text: "abcdefgh" }], chunk_size: 2, stall_ms: 300 }],
    },
  });
  const { chunks, text, error } = await readTimed(await post(api.url, request));
  assertEquals(error, undefined);
  const { before, after, pause } = splitAtLongestPause(chunks);
  ok(pause >= 280, `paused ${pause} ms`);
  const sent = parseSse(before);
  assertEquals(sent.map((e) => e.event), [
    "message_start",
    "ping",
    "content_block_start",
    "content_block_delta",
  ]);
  assertEquals(sent.at(-1)?.data.delta, { type: "text_delta", text: "ab" });
  assertEquals(parseSse(after).at(0)?.data.delta, { type: "text_delta", text: "cd" });
  assertEquals(parseSse(text).at(-1)?.event, "message_stop");
});

Deno.test("fake API stalls where stall_after_events says", async () => {
  await using api = await startFakeApi({
    script: {
      replies: [
        { content: [{ type: "text", text: "Hi" }], stall_ms: 300, stall_after_events: 1 },
        { content: [{ type: "text", text: "Hi" }], stall_ms: 300, stall_after_events: 7 },
      ],
    },
  });
  const early = splitAtLongestPause((await readTimed(await post(api.url, request))).chunks);
  ok(early.pause >= 280, `paused ${early.pause} ms`);
  assertEquals(parseSse(early.before).map((e) => e.event), ["message_start"]);
  const late = splitAtLongestPause((await readTimed(await post(api.url, request))).chunks);
  ok(late.pause >= 280, `paused ${late.pause} ms`);
  assertEquals(parseSse(late.before).at(-1)?.event, "message_stop");
  assertEquals(late.after, "");
});

Deno.test("fake API drops the connection after disconnect_after_events events", async () => {
  await using api = await startFakeApi({
    script: {
      replies: [
        { content: [{ type: "text", text: "Never finished" }], disconnect_after_events: 3 },
        { content: [{ type: "text", text: "Never started" }], disconnect_after_events: 0 },
        { content: [{ type: "text", text: "Next" }] },
      ],
    },
  });
  const dropped = await post(api.url, request);
  assertEquals(dropped.status, 200);
  const { text, error } = await readTimed(dropped);
  ok(error instanceof TypeError, `body failed: ${String(error)}`);
  assertEquals(parseSse(text).map((e) => e.event), [
    "message_start",
    "ping",
    "content_block_start",
  ]);
  const empty = await readTimed(await post(api.url, request));
  ok(empty.error instanceof TypeError);
  assertEquals(empty.text, "");
  const next = parseSse(await (await post(api.url, request)).text());
  assertEquals(next.at(-1)?.event, "message_stop");
  assertEquals(api.requests.map((r) => r.reply), [0, 1, 2]);
});

Deno.test("fake API stalls, then drops, when both are scripted at the same event", async () => {
  await using api = await startFakeApi({
    script: {
      replies: [{
        content: [{ type: "text", text: "Hi" }],
        stall_ms: 300,
        stall_after_events: 4,
        disconnect_after_events: 4,
      }],
    },
  });
  const started = performance.now();
  const { text, error } = await readTimed(await post(api.url, request));
  ok(performance.now() - started >= 280);
  ok(error instanceof TypeError);
  assertEquals(parseSse(text).length, 4);
});

Deno.test("fake API splits a misbehaving non-streaming reply around the stall or drop", async () => {
  const content = [{ type: "text" as const, text: "A whole JSON message" }];
  await using api = await startFakeApi({
    script: {
      replies: [{ content, stall_ms: 300 }, { content, disconnect_after_events: 2 }],
    },
  });
  const nonStreaming = { ...request, stream: false };
  const stalled = await readTimed(await post(api.url, nonStreaming));
  const { before, pause } = splitAtLongestPause(stalled.chunks);
  ok(pause >= 280, `paused ${pause} ms`);
  ok(before.length > 0 && before.length < stalled.text.length);
  assertEquals(JSON.parse(stalled.text).content, content);
  const dropped = await post(api.url, nonStreaming);
  assertEquals(dropped.headers.get("content-type"), "application/json");
  const { text, error } = await readTimed(dropped);
  ok(error instanceof TypeError);
  ok(text.startsWith('{"id":"msg_fake_2"'));
  throws(() => JSON.parse(text), SyntaxError);
});

Deno.test("fake API sends an SSE error event inside a 200 stream, then ends it", async () => {
  await using api = await startFakeApi({
    script: {
      replies: [
        { sse_error: { type: "overloaded_error", message: "Overloaded" } },
        {
          sse_error: { type: "api_error", message: "Internal server error" },
          content: [{ type: "text", text: "Half an answer" }],
          chunk_size: 5,
          after_events: 5,
        },
      ],
    },
  });
  const first = await post(api.url, request);
  assertEquals(first.status, 200);
  assertEquals(first.headers.get("content-type"), "text/event-stream; charset=utf-8");
  assertEquals(parseSse(await first.text()), [{
    event: "error",
    data: { type: "error", error: { type: "overloaded_error", message: "Overloaded" } },
  }]);
  const second = parseSse(await (await post(api.url, request)).text());
  assertEquals(second.map((e) => e.event), [
    "message_start",
    "ping",
    "content_block_start",
    "content_block_delta",
    "content_block_delta",
    "error",
  ]);
  assertEquals(second.at(3)?.data.delta, { type: "text_delta", text: "Half " });
  assertEquals(second.at(-1)?.data.error, { type: "api_error", message: "Internal server error" });
});

Deno.test("fake API answers a non-streaming request to an SSE error reply with the HTTP error", async () => {
  await using api = await startFakeApi({
    script: {
      replies: [
        { sse_error: { type: "overloaded_error", message: "Overloaded" } },
        { sse_error: { type: "rate_limit_error", message: "Slow down" } },
        { sse_error: { type: "weird_error", message: "Odd" } },
      ],
    },
  });
  const statuses = [];
  for (let i = 0; i < 3; i++) {
    const response = await post(api.url, { ...request, stream: false });
    statuses.push([response.status, (await response.json()).error]);
  }
  assertEquals(statuses, [
    [529, { type: "overloaded_error", message: "Overloaded" }],
    [429, { type: "rate_limit_error", message: "Slow down" }],
    [500, { type: "weird_error", message: "Odd" }],
  ]);
});

Deno.test("fake API sends a raw HTML body on an error reply", async () => {
  const html = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n" +
    "<body><center><h1>502 Bad Gateway</h1></center></body>\r\n</html>\r\n";
  await using api = await startFakeApi({
    script: {
      replies: [
        { status: 502, body: html },
        { status: 503, body: "upstream connect error", headers: { "Content-Type": "text/plain" } },
      ],
    },
  });
  const gateway = await post(api.url, request);
  assertEquals(gateway.status, 502);
  assertEquals(gateway.headers.get("content-type"), "text/html; charset=utf-8");
  assertEquals(gateway.headers.get("request-id"), "req_fake_1");
  assertEquals(await gateway.text(), html);
  const plain = await post(api.url, request);
  assertEquals(plain.headers.get("content-type"), "text/plain");
  assertEquals(await plain.text(), "upstream connect error");
});

Deno.test("fake API sends retry-after on an overloaded reply", async () => {
  await using api = await startFakeApi({
    script: { replies: [{ status: 529, headers: { "retry-after": "2" } }] },
  });
  const response = await post(api.url, request);
  assertEquals([response.status, response.headers.get("retry-after")], [529, "2"]);
  assertEquals((await response.json()).error.type, "overloaded_error");
});

Deno.test("fake API holds the headers back for delay_ms, so a client timeout fires first", async () => {
  await using api = await startFakeApi({
    script: {
      replies: [{ content: [{ type: "text", text: "too late" }], delay_ms: 400 }, {
        content: [{ type: "text", text: "in time" }],
      }],
    },
  });
  await rejects(
    fetch(`${api.url}/v1/messages`, {
      method: "POST",
      body: JSON.stringify(request),
      signal: AbortSignal.timeout(100),
    }),
    (error: unknown) => error instanceof DOMException && error.name === "TimeoutError",
  );
  const next = await (await post(api.url, { ...request, stream: false })).json();
  assertEquals(next.content[0].text, "in time");
});

Deno.test("fake API logs the whole request body, earlier turns and all", async () => {
  await using api = await startFakeApi({
    script: { replies: [{ content: [{ type: "text", text: "ok" }] }] },
  });
  const long = "x".repeat(300_000);
  const turns = {
    ...request,
    system: [{ type: "text", text: "You are Claude Code" }],
    messages: [
      { role: "user", content: [{ type: "text", text: "first question" }] },
      {
        role: "assistant",
        content: [
          { type: "thinking", thinking: "hmm", signature: "sig" },
          { type: "tool_use", id: "toolu_1", name: "Bash", input: { command: "ls" } },
        ],
      },
      {
        role: "user",
        content: [{ type: "tool_result", tool_use_id: "toolu_1", content: long }],
      },
      { role: "user", content: "second question 日本語" },
    ],
  };
  await (await post(api.url, turns)).body?.cancel();
  assertEquals(api.requests[0]?.body, turns);
});

Deno.test("fake API close cuts a stall short", async () => {
  const api = await startFakeApi({
    script: { replies: [{ content: [{ type: "text", text: "Hi" }], stall_ms: 60_000 }] },
  });
  const response = await post(api.url, request);
  const reading = readTimed(response);
  await new Promise((resolve) => setTimeout(resolve, 50));
  const started = performance.now();
  await api.close();
  await reading;
  ok(performance.now() - started < 5_000);
});

Deno.test("fake API keeps serving after a client leaves during a stall", async () => {
  await using api = await startFakeApi({
    script: {
      replies: [
        { content: [{ type: "text", text: "Hi" }], stall_ms: 60_000 },
        { content: [{ type: "text", text: "Next" }] },
      ],
    },
  });
  const response = await post(api.url, request);
  const reader = response.body?.getReader();
  await reader?.read();
  await reader?.cancel();
  const next = await (await post(api.url, { ...request, stream: false })).json();
  assertEquals(next.content[0].text, "Next");
});

Deno.test("parseFakeScript names the bad field", () => {
  const cases: [unknown, RegExp][] = [
    [[], /^Invalid fake API script: script must be an object$/],
    [{}, /^Invalid fake API script: replies must be an array$/],
    [
      { replies: [{ content: [] }, { status: 500 }, { status: "500" }] },
      /replies\[2\]\.status must be a number$/,
    ],
    [{ replies: [{ status: 200 }] }, /replies\[0\]\.status must be an HTTP error status/],
    [{ replies: [{ status: 500, error: { type: "x" } }] }, /replies\[0\]\.error\.message must/],
    [{ replies: [{ status: 500, headers: { a: 1 } }] }, /replies\[0\]\.headers\["a"\] must be/],
    [{ replies: [{}] }, /replies\[0\]\.content must be an array/],
    [{ replies: [{ content: [{ type: "image" }] }] }, /replies\[0\]\.content\[0\]\.type must be/],
    [
      { replies: [{ content: [{ type: "text", text: 1 }] }] },
      /replies\[0\]\.content\[0\]\.text must be a string/,
    ],
    [
      { replies: [{ content: [{ type: "tool_use", name: "Bash", input: [] }] }] },
      /replies\[0\]\.content\[0\]\.input must be an object/,
    ],
    [{ replies: [{ content: [], stop_reson: "end_turn" }] }, /replies\[0\]\.stop_reson is not/],
    [{ replies: [{ content: [], stop_reason: "done" }] }, /replies\[0\]\.stop_reason must be one/],
    [{ replies: [{ content: [], usage: { input_tokens: 1 } }] }, /usage\.output_tokens must be/],
    [{ replies: [{ content: [], chunk_size: 0 }] }, /replies\[0\]\.chunk_size must be at least 1/],
    [{ replies: [{ content: [], delay_ms: -1 }] }, /replies\[0\]\.delay_ms must be a whole/],
    [{ replies: [], when_exhausted: "loop" }, /when_exhausted must be "error" or "repeat_last"/],
    [{ replies: [{ content: [], stall_ms: "1" }] }, /replies\[0\]\.stall_ms must be a number/],
    [
      { replies: [{ content: [], stall_after_events: 1 }] },
      /replies\[0\]\.stall_after_events needs stall_ms$/,
    ],
    [
      { replies: [{ content: [], stall_ms: 5, stall_after_events: 5 }] },
      /replies\[0\]\.stall_after_events must be at most 4, the events the reply streams$/,
    ],
    [
      { replies: [{ content: [], disconnect_after_events: 1.5 }] },
      /replies\[0\]\.disconnect_after_events must be a whole number/,
    ],
    [
      { replies: [{ content: [{ type: "text", text: "Hi" }], disconnect_after_events: 7 }] },
      /replies\[0\]\.disconnect_after_events must be less than 7, the events the reply streams$/,
    ],
    [
      {
        replies: [{
          content: [],
          stall_ms: 5,
          stall_after_events: 3,
          disconnect_after_events: 2,
        }],
      },
      /replies\[0\]\.stall_after_events must not be after disconnect_after_events$/,
    ],
    [
      { replies: [{ content: [], stall_ms: 5, disconnect_after_events: 1 }] },
      /replies\[0\]\.stall_ms would never happen: the default stall comes after event 2, past/,
    ],
    [{ replies: [{ status: 502, body: 502 }] }, /replies\[0\]\.body must be a string$/],
    [
      { replies: [{ status: 502, body: "<html/>", error: { type: "api_error", message: "x" } }] },
      /replies\[0\]\.body cannot be given with error/,
    ],
    [{ replies: [{ sse_error: "overloaded" }] }, /replies\[0\]\.sse_error must be an object$/],
    [
      { replies: [{ sse_error: { type: "overloaded_error" } }] },
      /replies\[0\]\.sse_error\.message must be a string$/,
    ],
    [
      { replies: [{ sse_error: { type: "api_error", message: "x" }, after_events: 4 }] },
      /replies\[0\]\.after_events must be less than 4, the events its content streams$/,
    ],
    [
      { replies: [{ sse_error: { type: "api_error", message: "x" }, stall_ms: 1 }] },
      /replies\[0\]\.stall_ms is not a known field/,
    ],
    [
      { replies: [{ sse_error: { type: "api_error", message: "x" }, content: [{}] }] },
      /replies\[0\]\.content\[0\]\.type must be/,
    ],
    [
      { replies: [{ sse_error: { type: "api_error", message: "x" }, chunk_size: 0 }] },
      /replies\[0\]\.chunk_size must be at least 1/,
    ],
    [
      { replies: [{ status: 500, sse_error: { type: "api_error", message: "x" } }] },
      /replies\[0\]\.sse_error is not a known field/,
    ],
  ];
  for (const [json, message] of cases) {
    throws(() => parseFakeScript(json), (error: unknown) => {
      ok(error instanceof TypeError);
      match(error.message, message);
      return true;
    });
  }
});

Deno.test("startFakeApi refuses an invalid script before listening", async () => {
  await rejects(
    startFakeApi({ script: { replies: [{ status: "500" }] } as unknown as FakeScript }),
    (error: unknown) => {
      ok(error instanceof TypeError);
      match(error.message, /replies\[0\]\.status must be a number/);
      return true;
    },
  );
});

Deno.test("the fake API's request log stays bounded: 3,005 requests with five 20 MB bodies retain a flat heap", async () => {
  const program = new URL("../../tests/_programs/fake_api_load.ts", import.meta.url).pathname;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--v8-flags=--expose-gc", program],
    stderr: "inherit",
  }).output();
  assertEquals(out.code, 0);
  const { heapUsed, kept } = JSON.parse(new TextDecoder().decode(out.stdout));
  assertEquals(kept, DEFAULT_LOGGED_REQUESTS);
  ok(heapUsed < 40e6, `the heap still holds ${Math.round(heapUsed / 1e6)} MB`);
});

Deno.test("the fake API keeps the last logRequests requests and notes a body over logBodyBytes by its size", async () => {
  await using api = await startFakeApi({
    script: { replies: [], when_exhausted: "error" },
    logRequests: 3,
    logBodyBytes: 100,
  });
  for (const size of [10, 10, 10, 500]) {
    const body = JSON.stringify({ model: "m", pad: "x".repeat(size) });
    await (await fetch(`${api.url}/v1/messages/count_tokens`, { method: "POST", body })).body
      ?.cancel();
  }
  assertEquals(api.requests.map((request) => request.sequence), [2, 3, 4]);
  assertEquals(
    api.requests[2]?.body,
    "(a body of 522 bytes, over the log's limit of 100: not kept)",
  );
  assertEquals(api.requests[2]?.bodyBytes, 522);
  ok(typeof api.requests[1]?.body === "object", "a body under the limit is kept as it came");
});
