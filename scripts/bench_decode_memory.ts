/**
 * Decoder memory and line-size check: streams 1 GB of NDJSON through `decodeEvents` and prints the
 * resident memory along the way (target: flat), then decodes one 100 MB line (target: it decodes).
 *
 * @example
 * ```sh
 * deno run -A scripts/bench_decode_memory.ts            # 1 GB
 * deno run -A scripts/bench_decode_memory.ts --mb 200   # a quicker pass
 * ```
 *
 * @module
 */
import { parseArgs } from "node:util";
import { decodeEvents } from "../src/protocol/decode.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: { mb: { type: "string", default: "1024" } },
});
const totalBytes = Number(values.mb) * 1024 * 1024;
const encoder = new TextEncoder();
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;

// A chunk of realistic lines: a tool result of ~40 KB, deltas, an assistant line, a result.
const block = encoder.encode(
  [
    JSON.stringify({
      type: "user",
      message: {
        role: "user",
        content: [{ type: "tool_result", tool_use_id: "t", content: "x".repeat(40_000) }],
      },
      session_id: "s",
    }),
    ...Array.from(
      { length: 50 },
      (_, i) =>
        JSON.stringify({
          type: "stream_event",
          event: {
            type: "content_block_delta",
            index: 0,
            delta: { type: "text_delta", text: `chunk ${i} 日本語 🚀` },
          },
          session_id: "s",
        }),
    ),
    JSON.stringify({
      type: "assistant",
      message: { id: "m", role: "assistant", content: [{ type: "text", text: "y".repeat(2000) }] },
      session_id: "s",
    }),
  ].join("\n") + "\n",
);

function generated(bytes: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= bytes) return controller.close();
      controller.enqueue(block);
      sent += block.length;
    },
  });
}

const start = Deno.memoryUsage().rss;
let peak = start;
let events = 0;
let decodedBytes = 0;
let nextReport = 256 * 1024 * 1024;
const began = performance.now();
for await (const item of decodeEvents(generated(totalBytes))) {
  events++;
  if (item.type === "assistant") {
    decodedBytes += block.length;
    if (decodedBytes >= nextReport) {
      const rss = Deno.memoryUsage().rss;
      peak = Math.max(peak, rss);
      console.log(`  after ${mib(decodedBytes)}: rss ${mib(rss)}`);
      nextReport += 256 * 1024 * 1024;
    }
  }
}
const seconds = (performance.now() - began) / 1000;
console.log(
  `streamed ${mib(decodedBytes)} (${events} events) in ${seconds.toFixed(1)} s: rss ${
    mib(start)
  } at start, peak ${mib(peak)} (${(peak / start).toFixed(2)}× of start)`,
);

const lineBytes = 100 * 1024 * 1024;
const big = encoder.encode(`{"type":"user","payload":"${"z".repeat(lineBytes)}"}\n`);
const chunks = ReadableStream.from(
  Array.from(
    { length: Math.ceil(big.length / 65536) },
    (_, i) => big.subarray(i * 65536, (i + 1) * 65536),
  ),
);
const lineStart = performance.now();
const [item] = await Array.fromAsync(decodeEvents(chunks));
const ok = item?.type === "user" &&
  (item as unknown as { payload: string }).payload.length === lineBytes;
console.log(
  `one ${mib(big.length)} line in 64 KiB chunks: ${ok ? "decoded" : "FAILED"} in ${
    ((performance.now() - lineStart) / 1000).toFixed(2)
  } s`,
);
if (!ok) Deno.exit(1);
