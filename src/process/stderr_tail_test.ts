import { deepStrictEqual as assertEquals } from "node:assert";
import { StderrTail } from "./stderr_tail.ts";

const bytes = (...chunks: string[]) =>
  ReadableStream.from(chunks.map((chunk) => new TextEncoder().encode(chunk)));

Deno.test("StderrTail hands each stderr line to onLine as it comes, split across chunks, the last without newline too", async () => {
  const lines: string[] = [];
  const tail = new StderrTail(bytes("first li", "ne\r\nsecond\n", "third"), {
    onLine: (line) => lines.push(line),
  });
  await tail.done;
  assertEquals(lines, ["first line", "second", "third"]);
  assertEquals(tail.text, "first line\r\nsecond\nthird");
});

Deno.test("StderrTail stops calling an onLine that throws and keeps the tail", async () => {
  let calls = 0;
  const tail = new StderrTail(bytes("a\nb\nc\n"), {
    onLine: () => {
      calls++;
      throw new Error("broken callback");
    },
  });
  await tail.done;
  assertEquals([calls, tail.text], [1, "a\nb\nc"]);
});

Deno.test("StderrTail hands a line that never ends out in 64 KiB pieces", async () => {
  const pieces: number[] = [];
  const tail = new StderrTail(bytes("x".repeat(150_000)), {
    onLine: (line) => pieces.push(line.length),
  });
  await tail.done;
  assertEquals(pieces, [65_536, 65_536, 18_928]);
});
