// Decoding throughput on a ~64 MB stream-json transcript: `deno bench -A src/protocol/`.
import { decodeEvents } from "./decode.ts";
import { _sampleLines, _sampleTurnBody } from "./_sample_lines.ts";

const CHUNK = 64 * 1024;
const TARGET = 64 * 1024 * 1024;

function transcript(): Uint8Array {
  const s = _sampleLines();
  const turn = [s.init, ..._sampleTurnBody(s), s.result].join("\n") + "\n";
  return new TextEncoder().encode(turn.repeat(Math.ceil(TARGET / turn.length)));
}

function chunked(bytes: Uint8Array): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let offset = 0; offset < bytes.length; offset += CHUNK) {
    chunks.push(bytes.subarray(offset, offset + CHUNK));
  }
  return chunks;
}

function bench(group: string, bytes: Uint8Array): void {
  const size = `${(bytes.length / 1e6).toFixed(0)} MB`;
  const chunks = chunked(bytes);
  Deno.bench({
    name: `${group}: split + JSON.parse (${size})`,
    group,
    baseline: true,
    fn() {
      let count = 0;
      for (const line of new TextDecoder().decode(bytes).split("\n")) {
        if (line.length > 0 && JSON.parse(line) !== null) count++;
      }
      if (count === 0) throw new Error("Decoded nothing");
    },
  });
  Deno.bench({
    name: `${group}: decodeEvents, 64 KiB chunks (${size})`,
    group,
    async fn() {
      let count = 0;
      for await (const _ of decodeEvents(ReadableStream.from(chunks))) count++;
      if (count === 0) throw new Error("Decoded nothing");
    },
  });
}

bench("transcript", transcript());

// Worst case for per-line overhead: nothing but small `text_delta` stream events.
const delta = _sampleLines().textDelta + "\n";
bench("deltas", new TextEncoder().encode(delta.repeat(Math.ceil(TARGET / 4 / delta.length))));
