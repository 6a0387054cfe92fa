import { deepStrictEqual as assertEquals, strictEqual, throws } from "node:assert";
import { type Line, LineStream } from "./line_stream.ts";

const encoder = new TextEncoder();

function bytes(...parts: (string | number[])[]): Uint8Array[] {
  return parts.map((part) =>
    typeof part === "string" ? encoder.encode(part) : new Uint8Array(part)
  );
}

async function split(chunks: Uint8Array[]): Promise<Line[]> {
  return await Array.fromAsync(ReadableStream.from(chunks).pipeThrough(new LineStream()));
}

function line(text: string, lineNumber: number, more: Partial<Line> = {}): Line {
  return { text, lineNumber, terminated: true, invalidUtf8: false, ...more };
}

Deno.test("line stream splits on \\n and \\r\\n", async () => {
  assertEquals(await split(bytes("a\nb\r\nc\n")), [line("a", 1), line("b", 2), line("c", 3)]);
});

Deno.test("line stream joins a \\r\\n split across chunks", async () => {
  assertEquals(await split(bytes("one\r", "\ntwo\r", "\n")), [line("one", 1), line("two", 2)]);
});

Deno.test("line stream strips a single \\r only", async () => {
  assertEquals(await split(bytes("a\r\r\n")), [line("a\r", 1)]);
});

Deno.test("line stream emits a final line without newline as unterminated", async () => {
  assertEquals(await split(bytes("a\n", "b", "c")), [
    line("a", 1),
    line("bc", 2, { terminated: false }),
  ]);
});

Deno.test("line stream skips blank lines but counts them", async () => {
  assertEquals(await split(bytes("\n\r\na\n  \n\nb\n\n")), [line("a", 3), line("b", 6)]);
});

Deno.test("line stream emits nothing for an empty stream", async () => {
  assertEquals(await split([]), []);
  assertEquals(await split(bytes("", "")), []);
});

Deno.test("line stream does not break lines at U+2028 or U+2029 or a lone \\r", async () => {
  assertEquals(await split(bytes('{"a":"x\u2028y\u2029z"}\n', "p\rq\n")), [
    line('{"a":"x\u2028y\u2029z"}', 1),
    line("p\rq", 2),
  ]);
});

Deno.test("line stream decodes characters split mid-UTF-8 across chunks", async () => {
  const all = encoder.encode("日本語 🚀\n🚀\n");
  const chunks = Array.from(all, (byte) => new Uint8Array([byte]));
  assertEquals(await split(chunks), [line("日本語 🚀", 1), line("🚀", 2)]);
  assertEquals(await split([all.subarray(0, 2), all.subarray(2, 13), all.subarray(13)]), [
    line("日本語 🚀", 1),
    line("🚀", 2),
  ]);
});

Deno.test("line stream replaces invalid UTF-8 and flags only that line", async () => {
  assertEquals(await split(bytes("ok\n", [0x61, 0xff, 0x62, 10], "fine\n", [0xc3])), [
    line("ok", 1),
    line("a\ufffdb", 2, { invalidUtf8: true }),
    line("fine", 3),
    line("\ufffd", 4, { invalidUtf8: true, terminated: false }),
  ]);
});

Deno.test("line stream strips a byte order mark on the first line only", async () => {
  assertEquals(await split(bytes("\ufeffa\n\ufeffb\n")), [line("a", 1), line("\ufeffb", 2)]);
});

Deno.test("line stream joins a 10 MB line from many small chunks", async () => {
  const big = "x".repeat(10 * 1024 * 1024);
  const all = encoder.encode(`first\n${big}\r\nlast`);
  const chunks: Uint8Array[] = [];
  for (let offset = 0; offset < all.length; offset += 4093) {
    chunks.push(all.subarray(offset, offset + 4093));
  }
  const lines = await split(chunks);
  strictEqual(lines.length, 3);
  strictEqual(lines[1]?.text.length, big.length);
  strictEqual(lines[1]?.text === big, true);
  assertEquals(lines[2], line("last", 3, { terminated: false }));
});

// Line limit: synthetic input, generated here by code.

async function splitWithLimit(chunks: Uint8Array[], maxLineBytes: number): Promise<Line[]> {
  return await Array.fromAsync(
    ReadableStream.from(chunks).pipeThrough(new LineStream({ maxLineBytes })),
  );
}

function tooLong(text: string, lineNumber: number, tooLongBytes: number, more: Partial<Line> = {}) {
  return line(text, lineNumber, { tooLongBytes, ...more });
}

/** `bytes` cut into chunks of 1, 2, 3, … bytes, so lines end at every possible offset. */
function ragged(all: Uint8Array): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let offset = 0, size = 1; offset < all.length; offset += size, size++) {
    chunks.push(all.subarray(offset, offset + size));
  }
  return chunks;
}

Deno.test("line stream skips a line over the limit that arrives in one chunk", async () => {
  const long = "x".repeat(50);
  assertEquals(await splitWithLimit(bytes(`short\n${long}\nafter\n`), 10), [
    line("short", 1),
    tooLong(long, 2, 50),
    line("after", 3),
  ]);
});

Deno.test("line stream skips a line over the limit that arrives across many chunks", async () => {
  const long = "y".repeat(5000);
  const all = encoder.encode(`first\r\n${long}\r\n\nsecond\r\nthird`);
  for (const chunks of [ragged(all), Array.from(all, (byte) => new Uint8Array([byte]))]) {
    assertEquals(await splitWithLimit(chunks, 100), [
      line("first", 1),
      tooLong("y".repeat(200), 2, 5000),
      line("second", 4),
      line("third", 5, { terminated: false }),
    ]);
  }
});

Deno.test("line stream decodes a line of exactly the limit, with \\n or \\r\\n, in any chunking", async () => {
  const limit = 64;
  const exact = "e".repeat(limit);
  const over = "o".repeat(limit + 1);
  for (const eol of ["\n", "\r\n"]) {
    const all = encoder.encode([exact, over, exact, "ok"].join(eol) + eol);
    const expected = [line(exact, 1), tooLong(over, 2, limit + 1), line(exact, 3), line("ok", 4)];
    assertEquals(await splitWithLimit([all], limit), expected);
    assertEquals(await splitWithLimit(ragged(all), limit), expected);
    assertEquals(
      await splitWithLimit(Array.from(all, (byte) => new Uint8Array([byte])), limit),
      expected,
    );
  }
});

Deno.test("line stream reports a last line over the limit without a newline as unterminated", async () => {
  const chunks = bytes("ok\n", "z".repeat(30), "z".repeat(30));
  assertEquals(await splitWithLimit(chunks, 20), [
    line("ok", 1),
    tooLong("z".repeat(60), 2, 60, { terminated: false }),
  ]);
});

Deno.test("line stream keeps the start of a skipped line without cutting a character", async () => {
  // 3-byte characters: 200 bytes hold 66 of them and a third of the 67th.
  const long = "語".repeat(1000);
  const [skipped] = await splitWithLimit(ragged(encoder.encode(`${long}\n`)), 500);
  assertEquals(skipped, tooLong("語".repeat(66), 1, 3000));
});

Deno.test("line stream counts lines after a skipped one, blank ones too", async () => {
  const all = encoder.encode(`${"a".repeat(300)}\n\n\n${"b".repeat(300)}\n \nc\n`);
  assertEquals(
    (await splitWithLimit(ragged(all), 100)).map((l) => [l.lineNumber, l.tooLongBytes ?? l.text]),
    [[1, 300], [4, 300], [6, "c"]],
  );
});

Deno.test("line stream has no limit with maxLineBytes Infinity and refuses a bad limit", async () => {
  const long = "i".repeat(100_000);
  assertEquals(await splitWithLimit(bytes(`${long}\n`), Infinity), [line(long, 1)]);
  for (const bad of [0, -1, 1.5, NaN]) {
    throws(() => new LineStream({ maxLineBytes: bad }), RangeError);
  }
});
