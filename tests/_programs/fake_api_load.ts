/**
 * A load on claw's fake API in a process of its own (run with `--v8-flags=--expose-gc`): 3,005
 * requests, five of them with a 20 MB body, then a forced collection. Prints the heap still in
 * use, in bytes, and how many requests the log kept.
 */
import { startFakeApi } from "../../src/fake_api/fake_api.ts";

const api = await startFakeApi({ script: { replies: [], when_exhausted: "error" } });
const big = JSON.stringify({ model: "m", messages: [{ role: "user", content: "x".repeat(20e6) }] });
const small = JSON.stringify({ model: "m", messages: [{ role: "user", content: "hi" }] });
for (let index = 0; index < 3005; index++) {
  const body = index % 600 === 0 ? big : small;
  // count_tokens answers without a script: the load is the requests themselves.
  const response = await fetch(`${api.url}/v1/messages/count_tokens`, { method: "POST", body });
  await response.body?.cancel();
}
(globalThis as { gc?: () => void }).gc?.();
console.log(JSON.stringify({ heapUsed: Deno.memoryUsage().heapUsed, kept: api.requests.length }));
await api.close();
