/**
 * `claw batch` benchmark, two parts, each measured within one run:
 *
 * - Throughput: the same prompts (40 by default) at concurrency 2 and 4, through
 *   `claw batch run jobs.jsonl -o out.jsonl --concurrency N --cli <pinned claude>` (a whole
 *   `deno run -A main.ts` process), the same with `--prewarm` (each worker starts its next job's
 *   CLI while the current job runs), and through bare `claude -p --output-format stream-json
 *   --verbose PROMPT` under `xargs -P N`, one process per prompt, all against one fake API, in
 *   alternating order, each run in a fresh HOME. Prints the median wall times, the CPU time spent
 *   (user + system, children included, from `/usr/bin/time` where it is installed) and the
 *   throughput ratios against xargs (target ≥ 0.95×). claw gives each worker its own CLAUDE_CONFIG_DIR and TMPDIR;
 *   the xargs baseline is the plain way, every CLI in the one fresh HOME, unless
 *   `--xargs-config-dirs`, which gives each prompt's CLI a fresh CLAUDE_CONFIG_DIR of its own.
 * - Memory: claw's own peak RSS for a batch of `--jobs` jobs and one ten times as large, replayed
 *   with `--replay DIR` so no CLI runs: one job is recorded against the fake API with `--record`,
 *   its cassette copied as `DIR/<id>.ndjson` for every id. Peak RSS from `/usr/bin/time -v`, or
 *   by polling VmHWM in `/proc/<pid>/status` without it. Prints both and the ratio (target ≈ 1×),
 *   and the large batch once more with V8's old space capped, which tells memory the batch keeps
 *   alive (it fails) from garbage V8 has not collected yet (it runs).
 *
 * Every process it starts carries a marker and is killed, by pid, if still alive at the end.
 *
 * @example
 * ```sh
 * deno run -A scripts/bench_batch.ts --runs 3
 * deno run -A scripts/bench_batch.ts --runs 1 --jobs 20 --xargs-config-dirs
 * deno run -A scripts/bench_batch.ts --runs 3 --version 2.0.76 --throughput-only
 * ```
 *
 * @module
 */
import { hasGnuTime, median } from "./_bench/stats.ts";
import { cachedDenoDir } from "../tests/_claw.ts";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startFakeApi } from "../src/fake_api/fake_api.ts";
import { offlineEnv } from "../src/fake_api/offline_env.ts";
import { ProcessMarker } from "../src/process/_process_marker.ts";
import { PINNED_CLI_VERSIONS, pinnedCliPath } from "./install_cli.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    runs: { type: "string", default: "3" },
    jobs: { type: "string", default: "40" },
    version: { type: "string", default: PINNED_CLI_VERSIONS[0] },
    "xargs-config-dirs": { type: "boolean", default: false },
    "throughput-only": { type: "boolean", default: false },
  },
});
const runs = Number(values.runs);
const jobCount = Number(values.jobs);
if (!(Number.isInteger(runs) && runs >= 1 && Number.isInteger(jobCount) && jobCount >= 1)) {
  console.error(`Invalid --runs "${values.runs}" or --jobs "${values.jobs}": pass whole numbers`);
  Deno.exit(2);
}
const configDirs = values["xargs-config-dirs"];
const cli = pinnedCliPath(values.version);
const main = new URL("../main.ts", import.meta.url).pathname;
const CONCURRENCIES = [2, 4];
const PROMPT = "Say hello";
const OLD_SPACE_MIB = 24;

try {
  await Deno.stat(cli);
} catch {
  console.error(`Cannot find the pinned CLI at "${cli}": install it with deno task setup`);
  Deno.exit(1);
}

const marker = new ProcessMarker();
const running = new Set<Deno.ChildProcess>();
const stop = () => {
  for (const child of running) {
    try {
      child.kill("SIGKILL");
    } catch {
      // exited already
    }
  }
  marker.killAll();
};
Deno.addSignalListener("SIGINT", stop);

await using api = await startFakeApi({
  script: {
    replies: [{ content: [{ type: "text", text: "Hello! How can I help?" }] }],
    when_exhausted: "repeat_last",
  },
});
const dir = await Deno.makeTempDir({ prefix: "claw-bench-batch-" });
// The runs get a fresh HOME each, so Deno must be told where its cache is.
const denoDir = await cachedDenoDir();

/** What a process of one run sees: a fresh HOME in `folder`, the fake API, the marker. */
async function freshEnv(folder: string): Promise<Record<string, string>> {
  const home = join(folder, "home");
  await Deno.mkdir(join(home, "tmp"), { recursive: true });
  const offline = offlineEnv({ apiUrl: api.url, home, tmpDir: join(home, "tmp") });
  return {
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    DENO_DIR: denoDir,
    NO_COLOR: "1",
    ...marker.env,
    ...Object.fromEntries(
      Object.entries(offline).filter((entry): entry is [string, string] => entry[1] !== undefined),
    ),
  };
}

/** A run's wall time, and its CPU time (user + system, children included) where measured. */
interface Timing {
  ms: number;
  cpuMs: number | undefined;
}

/**
 * Runs `program` to its end in `cwd` and returns its wall time in ms, and its CPU time when
 * `/usr/bin/time` can measure it; a failure throws.
 */
async function timed(
  program: string,
  args: string[],
  options: { cwd: string; env: Record<string, string> },
): Promise<Timing> {
  const cpuFile = join(options.cwd, "cpu.txt");
  const cpu = await hasGnuTime();
  if (cpu) [program, args] = ["/usr/bin/time", ["-f", "%U %S", "-o", cpuFile, program, ...args]];
  const started = performance.now();
  const child = new Deno.Command(program, {
    args,
    cwd: options.cwd,
    env: options.env,
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  running.add(child);
  try {
    const out = await child.output();
    const ms = performance.now() - started;
    if (!out.success) {
      const said = new TextDecoder().decode(out.stderr).trim().split("\n").slice(-5).join("\n");
      throw new Error(`${program} ${args.join(" ")} failed (exit ${out.code}): ${said}`);
    }
    if (!cpu) return { ms, cpuMs: undefined };
    const [user, system] = (await Deno.readTextFile(cpuFile)).trim().split(/\s+/).map(Number);
    return { ms, cpuMs: (user! + system!) * 1000 };
  } finally {
    running.delete(child);
  }
}

async function writeJobs(path: string, count: number, prompt: (i: number) => string) {
  const lines = Array.from(
    { length: count },
    (_, i) => JSON.stringify({ id: id(i), prompt: prompt(i) }),
  );
  await Deno.writeTextFile(path, lines.join("\n") + "\n");
}

function id(i: number): string {
  return `job-${String(i + 1).padStart(4, "0")}`;
}

async function okResults(path: string): Promise<number> {
  const text = await Deno.readTextFile(path);
  return text.split("\n").filter((line) => line.trim() !== "")
    .filter((line) => JSON.parse(line).status === "ok").length;
}

let folders = 0;
async function folder(label: string): Promise<string> {
  const path = join(dir, `${String(++folders).padStart(3, "0")}-${label}`);
  await Deno.mkdir(path, { recursive: true });
  return path;
}

/** `claw batch run` of `count` prompts at `concurrency` (with `--prewarm`); its timing. */
async function clawBatch(count: number, concurrency: number, prewarm = false): Promise<Timing> {
  const cwd = await folder(`claw-${concurrency}${prewarm ? "-prewarm" : ""}`);
  await writeJobs(join(cwd, "jobs.jsonl"), count, (i) => `${PROMPT} ${i + 1}`);
  const args = ["run", "-A", main, "batch", "run", "jobs.jsonl", "-o", "out.jsonl"];
  args.push("--concurrency", String(concurrency), "--cli", cli, ...(prewarm ? ["--prewarm"] : []));
  const timing = await timed(Deno.execPath(), args, { cwd, env: await freshEnv(cwd) });
  const ok = await okResults(join(cwd, "out.jsonl"));
  if (ok !== count) throw new Error(`claw batch: ${ok} of ${count} jobs ok, in ${cwd}`);
  return timing;
}

/** The same prompts through bare `claude -p` under `xargs -P`; its timing. */
async function xargsBatch(count: number, concurrency: number): Promise<Timing> {
  const cwd = await folder(`xargs-${concurrency}`);
  const prompts = Array.from({ length: count }, (_, i) => `${PROMPT} ${i + 1}`);
  await Deno.writeTextFile(join(cwd, "prompts.txt"), prompts.join("\n") + "\n");
  const claude = [cli, "-p", "--output-format", "stream-json", "--verbose"];
  // With --xargs-config-dirs, a shell gives each CLI a fresh config dir: `sh -c '…' sh PROMPT`.
  const each = configDirs
    ? ["sh", "-c", `CLAUDE_CONFIG_DIR="$(mktemp -d "$HOME/cfg-XXXXXX")" exec "$@"`, "sh", ...claude]
    : claude;
  const args = ["-d", "\n", "-n", "1", "-P", String(concurrency), "-a", "prompts.txt", ...each];
  return await timed("xargs", args, { cwd, env: await freshEnv(cwd) });
}

/** Peak RSS, in KiB, of `deno run -A [...v8] main.ts ...args` run to its end in `cwd`. */
async function peakRss(args: string[], cwd: string, v8: string[] = []): Promise<number> {
  const env = await freshEnv(cwd);
  const deno = [Deno.execPath(), "run", "-A", ...v8, main, ...args];
  if (await hasGnuTime()) {
    const report = join(cwd, "time.txt");
    await new Deno.Command("/usr/bin/time", {
      args: ["-v", "-o", report, ...deno],
      cwd,
      env,
      clearEnv: true,
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).output();
    const kib = /Maximum resident set size \(kbytes\): (\d+)/.exec(await Deno.readTextFile(report));
    if (!kib) throw new Error(`No peak RSS in ${report}`);
    return Number(kib[1]);
  }
  const child = new Deno.Command(deno[0]!, {
    args: deno.slice(1),
    cwd,
    env,
    clearEnv: true,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  running.add(child);
  let peak = 0;
  let done = false;
  const status = child.status.finally(() => done = true);
  while (!done) {
    try {
      const vmHwm = /VmHWM:\s+(\d+) kB/.exec(await Deno.readTextFile(`/proc/${child.pid}/status`));
      if (vmHwm) peak = Math.max(peak, Number(vmHwm[1]));
    } catch {
      // exited between two looks
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  running.delete(child);
  if (!(await status).success) throw new Error(`claw ${args.join(" ")} failed in ${cwd}`);
  return peak;
}

/** Memory: record one job, copy its cassette for every id, replay small and large batches. */
async function memory(): Promise<void> {
  const recorded = await folder("record");
  await writeJobs(join(recorded, "one.jsonl"), 1, () => PROMPT);
  await timed(
    Deno.execPath(),
    ["run", "-A", main, "batch", "run", "one.jsonl", "-o", "x.jsonl", "--record", "cassettes"]
      .concat(["--cli", cli]),
    { cwd: recorded, env: await freshEnv(recorded) },
  );
  const cassette = join(recorded, "cassettes", `${encodeURIComponent(id(0))}.ndjson`);
  const sizes = [jobCount, jobCount * 10];
  const replay = await folder("replay");
  await Deno.mkdir(join(replay, "cassettes"));
  for (let i = 0; i < sizes.at(-1)!; i++) {
    await Deno.copyFile(cassette, join(replay, "cassettes", `${encodeURIComponent(id(i))}.ndjson`));
  }
  const replayed = async (size: number, v8: string[] = []) => {
    const cwd = await folder(`replay-${size}`);
    await writeJobs(join(cwd, "jobs.jsonl"), size, () => PROMPT);
    const args = ["batch", "run", "jobs.jsonl", "-o", "out.jsonl", "--concurrency", "4"];
    args.push("--replay", join(replay, "cassettes"), "--cli", cli);
    const kib = await peakRss(args, cwd, v8);
    const ok = await okResults(join(cwd, "out.jsonl"));
    if (ok !== size) throw new Error(`claw batch --replay: ${ok} of ${size} jobs ok, in ${cwd}`);
    return kib;
  };
  const rss: Record<number, number[]> = {};
  for (let run = 0; run < runs; run++) {
    for (const size of run % 2 ? [...sizes].reverse() : sizes) {
      (rss[size] ??= []).push(await replayed(size));
    }
  }
  // V8 grows its heap before it collects: the large batch again with the old space capped tells
  // garbage (it still runs) from memory the batch keeps alive (it fails).
  const capped = await replayed(sizes[1]!, [`--v8-flags=--max-old-space-size=${OLD_SPACE_MIB}`])
    .catch(() => undefined);

  const how = (await hasGnuTime()) ? "/usr/bin/time -v" : "VmHWM polled";
  const [small, large] = sizes.map((size) => median(rss[size]!)) as [number, number];
  console.log(`memory, claw's peak RSS with --replay (no CLI runs; ${how}, median):`);
  console.log(`  ${sizes[0]} jobs: ${(small / 1024).toFixed(1)} MiB`);
  console.log(
    `  ${sizes[1]} jobs: ${(large / 1024).toFixed(1)} MiB; ${sizes[1]}/${sizes[0]} ${
      (large / small).toFixed(3)
    }× (target ≈ 1×)`,
  );
  console.log(
    `  ${sizes[1]} jobs, V8 old space capped at ${OLD_SPACE_MIB} MiB: ${
      capped === undefined
        ? "failed: the batch keeps more than that"
        : `${(capped / 1024).toFixed(1)} MiB, all ok: the batch keeps less than that alive`
    }`,
  );
}

try {
  // Warm-up: file caches, Deno's module cache for main.ts, the CLI's first start.
  await clawBatch(2, 2);
  await xargsBatch(2, 2);

  const claw: Record<number, Timing[]> = {};
  const prewarmed: Record<number, Timing[]> = {};
  const xargs: Record<number, Timing[]> = {};
  for (let run = 0; run < runs; run++) {
    for (const concurrency of CONCURRENCIES) {
      const measure = [
        async () => (claw[concurrency] ??= []).push(await clawBatch(jobCount, concurrency)),
        async () =>
          (prewarmed[concurrency] ??= []).push(await clawBatch(jobCount, concurrency, true)),
        async () => (xargs[concurrency] ??= []).push(await xargsBatch(jobCount, concurrency)),
      ];
      // Alternate which goes first, so drift and a warm cache favour neither.
      if (run % 2 === 1) measure.reverse();
      for (const fn of measure) await fn();
    }
  }

  const xargsHow = configDirs ? "a fresh CLAUDE_CONFIG_DIR per prompt" : "all in one fresh HOME";
  console.log(
    `claw batch: claude ${values.version}, ${jobCount} jobs, ${runs} alternating run(s), fake API on 127.0.0.1`,
  );
  console.log(
    `throughput, median wall time and CPU time (xargs: one bare claude -p per prompt, ${xargsHow}):`,
  );
  const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const timing = (all: Timing[]) => {
    const ms = median(all.map((t) => t.ms));
    const cpu = all.every((t) => t.cpuMs !== undefined)
      ? `, CPU ${seconds(median(all.map((t) => t.cpuMs!)))}`
      : "";
    return { ms, text: `${seconds(ms)} (${(jobCount / (ms / 1000)).toFixed(2)} jobs/s${cpu})` };
  };
  for (const concurrency of CONCURRENCIES) {
    const [c, p, x] = [claw, prewarmed, xargs].map((all) => timing(all[concurrency]!));
    console.log(`  concurrency ${concurrency}:`);
    console.log(`    xargs -P ${concurrency}        ${x!.text}`);
    console.log(
      `    claw batch         ${c!.text}; throughput /xargs ${(x!.ms / c!.ms).toFixed(3)}×`,
    );
    console.log(
      `    claw batch --prewarm ${p!.text}; throughput /xargs ${(x!.ms / p!.ms).toFixed(3)}×, ` +
        `/claw batch ${(c!.ms / p!.ms).toFixed(3)}× (target ≥ 0.95× xargs)`,
    );
  }
  if (!values["throughput-only"]) await memory();
} finally {
  stop();
  Deno.removeSignalListener("SIGINT", stop);
  await Deno.remove(dir, { recursive: true }).catch(() => {});
}
