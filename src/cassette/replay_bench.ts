// In-process replay throughput: `deno bench -A src/cassette/replay_bench.ts`.
//
// One large cassette (~16 MB of stream-json stdout, mostly partial-message events) replayed
// through `run()` with a replay spawner, against the floor of any replay: `decodeEvents` over the
// same stdout bytes, in the same run. Events per second = the events printed below divided by the
// time per iteration.
import { decodeEvents } from "../protocol/decode.ts";
import { _sampleLines, _sampleTurnBody } from "../protocol/_sample_lines.ts";
import { run } from "../session/run.ts";
import { type Cassette, cassetteHeader, type CassetteRecord, stdoutRecord } from "./cassette.ts";
import { replayProcess } from "./replay.ts";
import { replaySpawner } from "./testing.ts";

const TARGET = 16 * 1024 * 1024;
const CHUNK = 64 * 1024;
const PROMPT = "Replay me";

async function largeCassette(): Promise<{ cassette: Cassette; stdout: Uint8Array }> {
  const s = _sampleLines();
  const turn = _sampleTurnBody(s);
  const turnBytes = turn.reduce((sum, line) => sum + line.length + 1, 0);
  const lines = [
    s.init,
    ...Array.from({ length: Math.ceil(TARGET / turnBytes) }, () => turn).flat(),
    s.result,
  ];
  const records: CassetteRecord[] = [
    { t: 0, stdin_eof: true },
    ...lines.map((line, i) => stdoutRecord(i, line, true)),
    { t: lines.length, exit: { code: 0, signal: null } },
  ];
  const argv = ["-p", "--output-format=stream-json", "--verbose", "--", PROMPT];
  const cassette: Cassette = {
    header: await cassetteHeader(argv, {
      cli_version: "2.1.332",
      recorded_at: new Date(0).toISOString(),
    }),
    records,
  };
  return { cassette, stdout: new TextEncoder().encode(lines.join("\n") + "\n") };
}

const { cassette, stdout } = await largeCassette();
const chunks: Uint8Array[] = [];
for (let offset = 0; offset < stdout.length; offset += CHUNK) {
  chunks.push(stdout.subarray(offset, offset + CHUNK));
}
let expected = 0;
for await (const _ of decodeEvents(ReadableStream.from(chunks))) expected++;
const size = `${(stdout.length / 1e6).toFixed(0)} MB`;
console.log(`replay bench: ${expected} events, ${size} of stdout per iteration`);

function check(count: number): void {
  if (count !== expected) throw new Error(`Decoded ${count} events, expected ${expected}`);
}

Deno.bench({
  name: `decodeEvents over the stdout bytes, 64 KiB chunks (${size})`,
  group: "replay",
  baseline: true,
  async fn() {
    let count = 0;
    for await (const _ of decodeEvents(ReadableStream.from(chunks))) count++;
    check(count);
  },
});

Deno.bench({
  name: `replayProcess stdout → decodeEvents (${size})`,
  group: "replay",
  async fn() {
    const child = replayProcess(cassette);
    await child.stdin.close();
    let count = 0;
    for await (const _ of decodeEvents(child.stdout)) count++;
    await child.status;
    check(count);
  },
});

const spawner = replaySpawner(cassette);
Deno.bench({
  name: `run() with replaySpawner (${size})`,
  group: "replay",
  async fn() {
    let count = 0;
    for await (const _ of run(PROMPT, { spawner })) count++;
    check(count);
  },
});
