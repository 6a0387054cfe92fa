/**
 * One-shot overhead benchmark: claw against a bare `claude -p`, on the same fake API, in the same
 * run. Prints wall-time ratios (target ≤ 1.04×).
 *
 * Three measurements, interleaved so drift hits all alike:
 * - bare:    `claude -p --output-format=stream-json --verbose PROMPT`, spawned with Deno.Command
 * - library: `run(PROMPT)` from claw's library in this process
 * - cli:     `deno run -A main.ts run --output stream-json PROMPT`, a whole claw process
 *
 * @example
 * ```sh
 * deno run -A scripts/bench_run.ts --runs 20
 * ```
 *
 * @module
 */
import { parseArgs } from "node:util";
import { startFakeApi } from "../src/fake_api/fake_api.ts";
import { offlineEnv } from "../src/fake_api/offline_env.ts";
import { buildEnv } from "../src/process/env.ts";
import { run } from "../src/session/run.ts";
import { pinnedCliPath } from "./install_cli.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    runs: { type: "string", default: "15" },
    version: { type: "string", default: "2.1.332" },
  },
});
const runs = Number(values.runs);
const cli = pinnedCliPath(values.version);
const main = new URL("../main.ts", import.meta.url).pathname;
const prompt = "Say hello";

await using api = await startFakeApi({
  script: {
    replies: [{ content: [{ type: "text", text: "Hello! How can I help?" }] }],
    when_exhausted: "repeat_last",
  },
});
const home = await Deno.makeTempDir({ prefix: "claw-bench-" });
const env = buildEnv({ env: offlineEnv({ apiUrl: api.url, home, tmpDir: home }) });

async function bare(): Promise<void> {
  const out = await new Deno.Command(cli, {
    args: ["-p", "--output-format=stream-json", "--verbose", "--", prompt],
    env,
    clearEnv: true,
    stdin: "null",
  }).output();
  if (!out.success) throw new Error(`bare claude failed: ${new TextDecoder().decode(out.stderr)}`);
}

async function library(): Promise<void> {
  await run(prompt, { cli, env }).result();
}

async function claw(): Promise<void> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", main, "run", "--cli", cli, "--output", "stream-json", prompt],
    env,
    clearEnv: true,
    stdin: "null",
  }).output();
  if (!out.success) throw new Error(`claw run failed: ${new TextDecoder().decode(out.stderr)}`);
}

async function time(fn: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

// Warm up: file caches, Deno's module cache for main.ts.
await bare();
await library();
await claw();

const samples = { bare: [] as number[], library: [] as number[], cli: [] as number[] };
for (let i = 0; i < runs; i++) {
  samples.bare.push(await time(bare));
  samples.library.push(await time(library));
  samples.cli.push(await time(claw));
}
await Deno.remove(home, { recursive: true });

const base = median(samples.bare);
console.log(
  `claude ${values.version}, ${runs} runs each, median wall time (fake API on 127.0.0.1)`,
);
console.log(`  bare claude -p       ${base.toFixed(1)} ms   1.000×`);
for (
  const [name, xs] of [["library run()", samples.library], ["claw run (CLI)", samples.cli]] as const
) {
  console.log(
    `  ${name.padEnd(20)} ${median(xs).toFixed(1)} ms   ${(median(xs) / base).toFixed(3)}×`,
  );
}
