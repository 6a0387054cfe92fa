import { deepStrictEqual as assertEquals, strictEqual } from "node:assert";
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
