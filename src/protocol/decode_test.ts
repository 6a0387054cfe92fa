import { deepStrictEqual as assertEquals, ok, strictEqual, throws } from "node:assert";
import {
  decodeEvents,
  decodeJsonOutput,
  decodeLine,
  EventDecoderStream,
  tryDecodeJsonOutput,
} from "./decode.ts";
import { type DecodedItem, type Diagnostic, isSystemEvent } from "./events.ts";
import { DEFAULT_MAX_LINE_BYTES, LineStream } from "./line_stream.ts";
import { _sampleLines } from "./_sample_lines.ts";

const encoder = new TextEncoder();
const sample = _sampleLines();

async function decode(...chunks: (string | Uint8Array)[]): Promise<DecodedItem[]> {
  const bytes = chunks.map((chunk) => typeof chunk === "string" ? encoder.encode(chunk) : chunk);
  return await Array.fromAsync(decodeEvents(ReadableStream.from(bytes)));
}

function diagnostics(items: DecodedItem[]): Diagnostic[] {
  return items.filter((item): item is Diagnostic => item.type === "diagnostic");
}

Deno.test("decoder yields known events as the parsed line", async () => {
  const lines = [sample.init, sample.assistantText, sample.toolResult, sample.result];
  const items = await decode(lines.join("\n") + "\n");
  assertEquals(items.map((item) => item.type), ["system", "assistant", "user", "result"]);
  assertEquals(items.map((item) => JSON.stringify(item)), lines);
  const [init] = items;
  ok(init !== undefined && isSystemEvent(init, "init"));
  strictEqual(init.claude_code_version, "2.1.332");
});

Deno.test("decoder keeps a result line whose type is not the first key", async () => {
  const [result] = await decode(sample.result + "\n");
  ok(result?.type === "result");
  strictEqual(result.is_error, false);
  strictEqual(result.result, "The directory contains one file: file.txt.");
});

Deno.test("decoder keeps the raw line of an unknown event type", async () => {
  const line = '{"type":"brand_new_kind","isAuthenticating":true,"output":["…"]}';
  assertEquals(await decode(line + "\n"), [
    { type: "unknown", originalType: "brand_new_kind", raw: JSON.parse(line) },
  ]);
});

// Synthetic lines, generated here: kinds no CLI version prints, inside known events.
Deno.test("decoder turns a system line of an unknown subtype into subtype unknown", async () => {
  const line = '{"type":"system","subtype":"brand_new","session_id":"s1","uuid":"u1","x":[1]}';
  assertEquals(await decode(line + "\n"), [{
    type: "system",
    subtype: "unknown",
    originalSubtype: "brand_new",
    session_id: "s1",
    uuid: "u1",
    raw: JSON.parse(line),
  }]);
  assertEquals(await decode('{"type":"system","subtype":3}\n'), [
    { type: "system", subtype: "unknown", raw: { type: "system", subtype: 3 } },
  ]);
});

Deno.test("decoder turns unknown content blocks into unknown blocks and keeps the known ones", async () => {
  const server = { type: "server_tool_use", id: "srvtoolu_1", name: "web_search", input: {} };
  const reference = { type: "tool_reference", tool_name: "Bash" };
  const result = { type: "tool_result", tool_use_id: "toolu_1", content: [reference] };
  const assistant = {
    type: "assistant",
    message: { content: [{ type: "text", text: "a" }, server] },
  };
  const user = { type: "user", message: { role: "user", content: [result, 42] } };
  const [a, u] = await decode(`${JSON.stringify(assistant)}\n${JSON.stringify(user)}\n`);
  ok(a?.type === "assistant" && u?.type === "user");
  assertEquals(a.message.content, [
    { type: "text", text: "a" },
    { type: "unknown", originalType: "server_tool_use", raw: server },
  ]);
  assertEquals(u.message.content, [
    {
      type: "tool_result",
      tool_use_id: "toolu_1",
      content: [{ type: "unknown", originalType: "tool_reference", raw: reference }],
    },
    42,
  ]);
});

Deno.test("decoder turns unknown SSE events, streamed blocks and deltas into unknown members", async () => {
  const stream = (event: unknown) =>
    JSON.stringify({ type: "stream_event", event, session_id: "s", parent_tool_use_id: null });
  const ping = { type: "ping" };
  const citations = { type: "citations_delta", citation: { cited_text: "x" } };
  const block = { type: "mcp_tool_use", id: "mcptoolu_1" };
  const lines = [
    stream(ping),
    stream({ type: "content_block_delta", index: 0, delta: citations }),
    stream({ type: "content_block_start", index: 1, content_block: block }),
    stream({ type: "message_start", message: { content: [block] } }),
    stream({ type: "content_block_stop", index: 1 }),
  ];
  const items = await decode(lines.join("\n") + "\n");
  const payloads = items.map((item) => item.type === "stream_event" ? item.event : undefined);
  assertEquals(payloads, [
    { type: "unknown", originalType: "ping", raw: ping },
    {
      type: "content_block_delta",
      index: 0,
      delta: { type: "unknown", originalType: "citations_delta", raw: citations },
    },
    {
      type: "content_block_start",
      index: 1,
      content_block: { type: "unknown", originalType: "mcp_tool_use", raw: block },
    },
    {
      type: "message_start",
      message: { content: [{ type: "unknown", originalType: "mcp_tool_use", raw: block }] },
    },
    { type: "content_block_stop", index: 1 },
  ]);
  assertEquals(JSON.stringify(items[4]), lines[4], "a line of known kinds round-trips");
});

Deno.test("decoder leaves a known event whose nested parts are missing or malformed as it is", async () => {
  const lines = [
    '{"type":"assistant"}',
    '{"type":"assistant","message":{"content":"text"}}',
    '{"type":"stream_event","event":null}',
    '{"type":"stream_event","event":{"type":"content_block_delta","index":0}}',
  ];
  const items = await decode(lines.join("\n") + "\n");
  assertEquals(items.map((item) => JSON.stringify(item)), lines);
});

Deno.test("decodeJsonOutput decodes unknown kinds in each element of the array", () => {
  const text = JSON.stringify([
    { type: "system", subtype: "brand_new", session_id: "s1" },
    { type: "assistant", message: { content: [{ type: "fancy" }] } },
  ]);
  const [system, assistant] = decodeJsonOutput(text);
  strictEqual(system?.type === "system" && system.subtype, "unknown");
  ok(assistant?.type === "assistant");
  strictEqual(assistant.message.content[0]?.type, "unknown");
});

Deno.test("decoder keeps an object without a string type as an unknown event", async () => {
  assertEquals(await decode('{"hello":1}\n{"type":7}\n'), [
    { type: "unknown", raw: { hello: 1 } },
    { type: "unknown", raw: { type: 7 } },
  ]);
});

Deno.test("decoder keeps unknown fields on a known event", async () => {
  const line = '{"type":"system","subtype":"status","status":"requesting","session_id":"s",' +
    '"uuid":"u","brand_new_field":{"nested":[1,2]}}';
  const [event] = await decode(line + "\n");
  strictEqual(JSON.stringify(event), line);
});

Deno.test("decoder reports a non-JSON line with its number and keeps the events around it", async () => {
  const items = await decode(`${sample.init}\nDebug: starting MCP servers\n${sample.result}\n`);
  assertEquals(items.map((item) => item.type), ["system", "diagnostic", "result"]);
  const [diagnostic] = diagnostics(items);
  strictEqual(diagnostic?.kind, "not_json");
  strictEqual(diagnostic.lineNumber, 2);
  strictEqual(diagnostic.text, "Debug: starting MCP servers");
  ok(diagnostic.message.startsWith("Line 2 is not JSON (27 characters): "), diagnostic.message);
});

Deno.test("decoder reports JSON that is not an object", async () => {
  const items = await decode('[1,2]\n42\n"text"\nnull\n');
  assertEquals(items.map((item) => item.type === "diagnostic" && item.kind), [
    "not_object",
    "not_object",
    "not_object",
    "not_object",
  ]);
  assertEquals(
    diagnostics(items).map((item) => item.message),
    [
      "Line 1 is an array, not a JSON object (5 characters)",
      "Line 2 is a number, not a JSON object (2 characters)",
      "Line 3 is a string, not a JSON object (6 characters)",
      "Line 4 is null, not a JSON object (4 characters)",
    ],
  );
});

Deno.test("decoder skips blank lines and counts them in line numbers", async () => {
  const items = await decode(`\n\r\n${sample.status}\n\n  \nnope\n\n`);
  assertEquals(items.map((item) => item.type), ["system", "diagnostic"]);
  strictEqual(diagnostics(items)[0]?.lineNumber, 6);
});

Deno.test("decoder does not split a line at U+2028 inside a JSON string", async () => {
  const line =
    '{"type":"assistant","message":{"content":[{"type":"text","text":"a\u2028b\u2029c"}]}}';
  const items = await decode(line + "\n");
  strictEqual(items.length, 1);
  strictEqual(JSON.stringify(items[0]), line);
});

Deno.test("decoder yields an unterminated last line that parses as the event", async () => {
  const items = await decode(`${sample.init}\n${sample.result}`);
  assertEquals(items.map((item) => item.type), ["system", "result"]);
});

Deno.test("decoder reports an unterminated last line that does not parse as truncated", async () => {
  const items = await decode(`${sample.init}\n${sample.result.slice(0, 100)}`);
  const [diagnostic] = diagnostics(items);
  strictEqual(diagnostic?.kind, "truncated_line");
  strictEqual(diagnostic.lineNumber, 2);
  ok(diagnostic.message.startsWith("Line 2 ends without a newline and is not complete JSON"));
});

Deno.test("decoder yields the event and an invalid_utf8 diagnostic for invalid UTF-8 JSON", async () => {
  const items = await decode(
    encoder.encode('{"type":"keep_alive","note":"'),
    new Uint8Array([0xff, 0xfe]),
    encoder.encode('"}\n'),
  );
  assertEquals(items.map((item) => item.type === "diagnostic" ? item.kind : item.type), [
    "invalid_utf8",
    "keep_alive",
  ]);
  assertEquals(items[1], { type: "keep_alive", note: "\ufffd\ufffd" });
});

Deno.test("decoder cuts the text of a giant garbage line but keeps its length", async () => {
  const garbage = "x".repeat(1_000_000);
  const [diagnostic] = diagnostics(await decode(garbage + "\n"));
  ok(diagnostic !== undefined && diagnostic.text.length < 300);
  ok(diagnostic.text.startsWith("x".repeat(200) + "…"));
  ok(diagnostic.message.includes("(1000000 characters)"), diagnostic.message);
});

Deno.test("decoder handles chunks split mid-UTF-8 and mid-\\r\\n", async () => {
  const text = [sample.init, sample.toolResult, sample.result].join("\r\n") + "\r\n";
  const all = encoder.encode(text);
  const rocket = all.indexOf(0xf0); // first byte of the 4-byte 🚀 in the tool output
  const crlf = all.indexOf(13);
  const cuts = [0, crlf + 1, rocket + 1, rocket + 3, all.length - 1, all.length];
  const chunks = cuts.slice(1).map((end, i) => all.subarray(cuts[i], end));
  const items = await decode(...chunks);
  assertEquals(items.map((item) => JSON.stringify(item)), [
    sample.init,
    sample.toolResult,
    sample.result,
  ]);
});

Deno.test("decoder decodes a 10 MB line split into many small chunks", async () => {
  const line = _sampleLines({ toolOutputBytes: 6 * 1024 * 1024 }).toolResult;
  ok(line.length > 10 * 1024 * 1024);
  const all = encoder.encode(line + "\r\n" + sample.result + "\n");
  const chunks: Uint8Array[] = [];
  for (
    let offset = 0, size = 1;
    offset < all.length;
    offset += size, size = (size * 7) % 65_521 + 1
  ) {
    chunks.push(all.subarray(offset, offset + size));
  }
  const items = await decode(...chunks);
  assertEquals(items.map((item) => item.type), ["user", "result"]);
  strictEqual(JSON.stringify(items[0]), line);
});

Deno.test("decodeLine returns one item for a valid line", () => {
  const items = decodeLine({
    text: sample.status,
    lineNumber: 4,
    terminated: true,
    invalidUtf8: false,
  });
  assertEquals(items, [JSON.parse(sample.status)]);
});

Deno.test("decodeJsonOutput reads the single result object", () => {
  assertEquals(decodeJsonOutput(sample.result + "\n"), [JSON.parse(sample.result)]);
});

Deno.test("decodeJsonOutput reads the --verbose array of messages", () => {
  const text = `[${sample.init},${sample.assistantText},${sample.result},7]\n`;
  const items = decodeJsonOutput(text);
  assertEquals(items.map((item) => item.type), ["system", "assistant", "result", "diagnostic"]);
  assertEquals(items[3], {
    type: "diagnostic",
    kind: "not_object",
    lineNumber: 1,
    text: "7",
    message: "Element 3 of the output array is a number, not an object",
  });
});

Deno.test("decodeJsonOutput reports output that is not JSON", () => {
  const [item] = decodeJsonOutput("API Error: 500 Internal server error\n");
  ok(item?.type === "diagnostic" && item.kind === "not_json");
  ok(item.message.startsWith("Output is not JSON (37 characters): "), item.message);
});

Deno.test("tryDecodeJsonOutput decodes a JSON document and gives undefined for anything else", () => {
  const array = `[${sample.init},${sample.result}]\n`;
  assertEquals(tryDecodeJsonOutput(array), decodeJsonOutput(array));
  assertEquals(tryDecodeJsonOutput(sample.result), [JSON.parse(sample.result)]);
  strictEqual(tryDecodeJsonOutput(`[debug] starting\n${sample.init}\n`), undefined);
  strictEqual(tryDecodeJsonOutput(`[]\n${sample.init}\n`), undefined);
  strictEqual(tryDecodeJsonOutput(""), undefined);
});

// Line limit: synthetic input, generated here by code.

Deno.test("decoder reports a line over maxLineBytes as line_too_long and decodes the next lines", async () => {
  const long = _sampleLines({ toolOutputBytes: 10_000 }).toolResult;
  const longBytes = encoder.encode(long);
  const head = new TextDecoder().decode(longBytes.subarray(0, 200), { stream: true });
  const all = encoder.encode(`${sample.init}\n${long}\r\n\n${sample.result}\n`);
  const chunkings = [
    [all],
    Array.from(
      { length: Math.ceil(all.length / 97) },
      (_, i) => all.subarray(i * 97, (i + 1) * 97),
    ),
  ];
  for (const chunks of chunkings) {
    const items = await Array.fromAsync(
      decodeEvents(ReadableStream.from(chunks), { maxLineBytes: 5000 }),
    );
    assertEquals(items.map((item) => item.type), ["system", "diagnostic", "result"]);
    assertEquals(items[1], {
      type: "diagnostic",
      kind: "line_too_long",
      lineNumber: 2,
      text: `${head}…`,
      message: `Line 2 is too long to decode (${longBytes.length} bytes): it was skipped; ` +
        "raise maxLineBytes to read lines of up to about 512 MiB",
      byteLength: longBytes.length,
    });
  }
});

Deno.test("decoder decodes a line of exactly maxLineBytes", async () => {
  const items = await Array.fromAsync(
    decodeEvents(ReadableStream.from([encoder.encode(`${sample.result}\r\n`)]), {
      maxLineBytes: sample.result.length,
    }),
  );
  assertEquals(items, [JSON.parse(sample.result)]);
});

Deno.test("decoder says when a line over the limit also ends without a newline", async () => {
  const items = await Array.fromAsync(
    decodeEvents(ReadableStream.from([encoder.encode(`${sample.init}\n{"type":"assis`)]), {
      maxLineBytes: 10,
    }),
  );
  const [first, second] = diagnostics(items);
  ok(first?.message.startsWith("Line 1 is too long to decode ("), first?.message);
  strictEqual(second?.message.startsWith("Line 2 is too long to decode (14 bytes, and ends"), true);
  strictEqual(second.text, '{"type":"assis');
});

Deno.test("decodeLine and EventDecoderStream report a line marked too long", async () => {
  const line = { text: "{", lineNumber: 7, terminated: true, invalidUtf8: false, tooLongBytes: 9 };
  const [item] = decodeLine(line);
  ok(item?.type === "diagnostic" && item.kind === "line_too_long");
  assertEquals([item.lineNumber, item.byteLength, item.text], [7, 9, "{"]);
  const lines = ReadableStream.from([encoder.encode(`${"x".repeat(30)}\n{"type":"keep_alive"}\n`)])
    .pipeThrough(new LineStream({ maxLineBytes: 25 }))
    .pipeThrough(new EventDecoderStream());
  assertEquals(
    (await Array.fromAsync(lines)).map((i) => i.type === "diagnostic" ? i.kind : i.type),
    ["line_too_long", "keep_alive"],
  );
});

Deno.test("decodeEvents refuses an invalid maxLineBytes up front", () => {
  for (const bad of [0, -5, 2.5, NaN]) {
    throws(() => decodeEvents(ReadableStream.from([]), { maxLineBytes: bad }), RangeError);
  }
});

const MiB = 1024 * 1024;

/**
 * A stream of one `user` line of `lineBytes` bytes then a `keep_alive` line, made lazily in fresh
 * 64 KiB chunks as a process's stdout would be (never the whole line at once). Calls `sample`
 * every 4 MiB.
 */
function hugeLine(lineBytes: number, sample: () => void): ReadableStream<Uint8Array> {
  const prefix = encoder.encode('{"type":"user","payload":"');
  const suffix = encoder.encode('"}\n{"type":"keep_alive"}\n');
  const fill = lineBytes - prefix.length - 2;
  let sent = -1;
  return new ReadableStream({
    pull(controller) {
      if (sent === -1) {
        controller.enqueue(prefix.slice());
        sent = 0;
      } else if (sent < fill) {
        const size = Math.min(64 * 1024, fill - sent);
        controller.enqueue(new Uint8Array(size).fill(0x78));
        sent += size;
        if (sent % (4 * MiB) === 0) sample();
      } else {
        controller.enqueue(suffix.slice());
        controller.close();
      }
    },
  });
}

Deno.test("decoder skips a 600 MiB line with the default limit, its memory bounded by the limit", async () => {
  // Over V8's longest string (about 512 MiB), so before the limit this threw a TypeError.
  const lineBytes = 600 * MiB;
  const start = Deno.memoryUsage().rss;
  let peak = start;
  const sample = () => peak = Math.max(peak, Deno.memoryUsage().rss);
  const items = await Array.fromAsync(decodeEvents(hugeLine(lineBytes, sample)));
  sample();
  assertEquals(items.length, 2);
  const [skipped, next] = items;
  ok(skipped?.type === "diagnostic" && skipped.kind === "line_too_long");
  assertEquals([skipped.lineNumber, skipped.byteLength], [1, lineBytes]);
  ok(skipped.text.startsWith('{"type":"user","payload":"xxx'));
  assertEquals(next, { type: "keep_alive" });
  // Holding the line's bytes whole would take at least 600 MiB (joining it, 1.2 GiB); skipping
  // it holds at most the limit's worth of chunks before dropping them (measured: about 300 MiB).
  const growth = peak - start;
  ok(growth < 2 * DEFAULT_MAX_LINE_BYTES, `RSS grew ${(growth / MiB).toFixed(0)} MiB`);
});

Deno.test("decoder reports a line too long for a JavaScript string under a higher limit", async () => {
  // One 600 MiB chunk: with the limit off, the line is decoded and cannot become a string.
  const next = encoder.encode('\n{"type":"keep_alive"}\n');
  const all = new Uint8Array(600 * MiB + next.length).fill(0x78);
  all.set(next, 600 * MiB);
  const items = await Array.fromAsync(
    decodeEvents(ReadableStream.from([all]), { maxLineBytes: Infinity }),
  );
  assertEquals(items.map((item) => item.type === "diagnostic" ? item.byteLength : item), [
    600 * MiB,
    { type: "keep_alive" },
  ]);
});
