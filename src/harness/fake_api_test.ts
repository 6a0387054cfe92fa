import { deepStrictEqual as assertEquals, match, ok, rejects, throws } from "node:assert";
import { startFakeApi } from "./fake_api.ts";
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
  const count = await post(api.url, {}, "/v1/messages/count_tokens");
  assertEquals(count.status, 404);
  await count.body?.cancel();
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
