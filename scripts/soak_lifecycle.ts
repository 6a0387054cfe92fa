/**
 * Soak: the real pinned CLI (against claw's fake Messages API) given up on in every way a caller
 * can — abort, timeout, break, dispose — at random moments, N times. Prints the runs, the kinds
 * they ended with, how long giving up took (p50/p95, from the moment of giving up to the run
 * settling) and how many processes were left. Not part of CI: it takes a few minutes.
 *
 *   deno run -A scripts/soak_lifecycle.ts [--runs 200] [--cli PATH] [--seed N] [--ways abort,dispose]
 */
import { parseArgs } from "node:util";
import { ClawError } from "../src/errors/claw_error.ts";
import { startFakeApi } from "../src/fake_api/fake_api.ts";
import { offlineEnv } from "../src/fake_api/offline_env.ts";
import type { FakeScript } from "../src/fake_api/script.ts";
import { ProcessMarker } from "../src/process/_process_marker.ts";
import { run } from "../src/session/run.ts";
import type { RunOptions } from "../src/session/run_options.ts";
import { pinnedCliPath } from "./install_cli.ts";

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "200" },
    cli: { type: "string" },
    seed: { type: "string", default: "1" },
    ways: { type: "string", default: "abort,timeout,break,dispose,finish" },
  },
});
const runs = Number(values.runs);
const cli = values.cli ?? pinnedCliPath("2.1.332");

// A run long enough to be caught anywhere: start-up, a Bash tool (a child process of the CLI),
// then an answer streamed slowly.
const SCRIPT: FakeScript = {
  replies: [
    { content: [{ type: "tool_use", name: "Bash", input: { command: "sleep 1; echo slept" } }] },
    {
      content: [{ type: "text", text: "Done after a nap, slowly." }],
      chunk_size: 2,
      stall_ms: 500,
    },
  ],
};

type Way = "abort" | "timeout" | "break" | "dispose" | "finish";
const WAYS = values.ways.split(",") as Way[];

let seed = Number(values.seed);
function random(): number {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
}

/** One run given up on in `way` after about `afterMs`; the kind it ended with and the give-up latency. */
async function soakOnce(
  way: Way,
  afterMs: number,
  marker: ProcessMarker,
): Promise<{ kind: string; giveUpMs?: number }> {
  await using api = await startFakeApi({ script: SCRIPT });
  const home = await Deno.makeTempDir({ prefix: "claw-soak-" });
  try {
    const controller = new AbortController();
    const options: RunOptions = {
      cli,
      cwd: home,
      env: { ...offlineEnv({ apiUrl: api.url, home, maxRetries: 0 }), ...marker.env },
      allowedTools: ["Bash"],
      ...(way === "abort" ? { signal: controller.signal } : {}),
      ...(way === "timeout" ? { timeoutMs: afterMs } : {}),
    };
    const claude = run("Take a nap, then say so.", options);
    const started = performance.now();
    let gaveUpAt: number | undefined = way === "timeout" ? started + afterMs : undefined;
    const timer = setTimeout(() => {
      if (way === "abort") {
        gaveUpAt = performance.now();
        controller.abort();
      }
      if (way === "dispose") {
        gaveUpAt = performance.now();
        void claude[Symbol.asyncDispose]();
      }
    }, afterMs);
    let kind = "ok";
    try {
      for await (const _ of claude) {
        if (way === "break" && performance.now() - started >= afterMs) {
          gaveUpAt = performance.now();
          break;
        }
      }
      await claude[Symbol.asyncDispose]();
      if (way !== "break" && way !== "dispose") await claude.result();
    } catch (error) {
      kind = error instanceof ClawError ? error.kind : `uncaught ${String(error)}`;
    } finally {
      clearTimeout(timer);
    }
    const settled = performance.now();
    const gaveUp = gaveUpAt !== undefined && gaveUpAt <= settled;
    if (kind === "ok" && way !== "finish" && !gaveUp) kind = "ok (finished first)";
    return { kind, ...(gaveUp ? { giveUpMs: settled - gaveUpAt! } : {}) };
  } finally {
    await Deno.remove(home, { recursive: true }).catch(() => {});
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
}

const kinds = new Map<string, number>();
const latencies = new Map<Way, number[]>();
let left = 0;
for (let i = 0; i < runs; i++) {
  const way = WAYS[Math.floor(random() * WAYS.length)]!;
  const afterMs = 50 + Math.floor(random() * 4000);
  const marker = new ProcessMarker();
  const { kind, giveUpMs } = await soakOnce(way, afterMs, marker);
  const key = `${way} → ${kind}`;
  kinds.set(key, (kinds.get(key) ?? 0) + 1);
  if (giveUpMs !== undefined) latencies.set(way, [...latencies.get(way) ?? [], giveUpMs]);
  await new Promise((resolve) => setTimeout(resolve, 100));
  const pids = marker.pids();
  left += pids.length;
  marker.killAll();
  if ((i + 1) % 20 === 0) console.error(`${i + 1}/${runs} runs, ${left} processes left so far`);
}
console.log(`runs: ${runs} with ${cli}`);
for (const [key, count] of [...kinds].sort()) console.log(`  ${key.padEnd(40)} ${count}`);
const describe = (name: string, values: number[]) => {
  const sorted = values.toSorted((a, b) => a - b);
  const [p50, p95, max] = [0.5, 0.95, 1].map((p) => percentile(sorted, p).toFixed(0));
  console.log(`  ${name.padEnd(8)} n=${sorted.length} p50=${p50} ms p95=${p95} ms max=${max} ms`);
};
console.log("give-up latency (from giving up to the run settled):");
describe("all", [...latencies.values()].flat());
for (const [way, values] of latencies) describe(way, values);
console.log(`processes left: ${left}`);
