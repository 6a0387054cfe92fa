/**
 * Cross-process replay benchmark: runs per second through the drop-in fake `claude` (the launcher
 * `claw replay --write-bin` writes), against a bare `deno run` of a trivial script in the same run
 * (the floor of any Deno-based fake claude). Prints medians and ratios.
 *
 * Three measurements, interleaved so drift hits all alike:
 * - floor:    `deno run -A --quiet trivial.ts`, a script that prints one line
 * - launcher: the fake claude replaying a small cassette, spawned with Deno.Command
 * - run():    claw's library `run(PROMPT, { cli: launcher })`, the whole path a user's test takes
 *
 * @example
 * ```sh
 * deno run -A scripts/bench_replay.ts --runs 20
 * ```
 *
 * @module
 */
import { median } from "./_bench/stats.ts";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { cassetteKey, type CassetteRecord, serializeCassette } from "../src/cassette/cassette.ts";
import { writeFakeClaude } from "../src/cassette/fake_claude.ts";
import { _sampleLines } from "../src/protocol/_sample_lines.ts";
import { run } from "../src/session/run.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: { runs: { type: "string", default: "15" } },
});
const runs = Number(values.runs);
const PROMPT = "Say hello";
const ARGV = ["-p", "--output-format=stream-json", "--verbose", "--", PROMPT];

const root = await Deno.makeTempDir({ prefix: "claw-bench-replay-" });
try {
  // A small one-turn run: init, a text answer, the result.
  const s = _sampleLines();
  const lines = [s.init, s.assistantText, s.result];
  const records: CassetteRecord[] = [
    { t: 0, stdin_eof: true },
    ...lines.map((line, i) => ({ t: i + 1, stdout: JSON.parse(line) })),
    { t: lines.length + 1, exit: { code: 0, signal: null } },
  ];
  const header = {
    type: "claw_cassette" as const,
    format: 1,
    key: await cassetteKey(ARGV),
    cli_version: "2.1.332",
    argv: ARGV,
    env: [],
    cwd: "$CWD",
    recorded_at: new Date().toISOString(),
  };
  await Deno.mkdir(join(root, "cassettes"));
  await Deno.writeTextFile(
    join(root, "cassettes", "hello.ndjson"),
    serializeCassette({ header, records }),
  );
  const claude = join(root, "bin", "claude");
  await writeFakeClaude(claude, { cassettes: join(root, "cassettes") });
  const trivial = join(root, "trivial.ts");
  await Deno.writeTextFile(trivial, 'console.log(\'{"type":"result"}\');\n');

  const floor = async () => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--quiet", trivial],
      stdin: "null",
    }).output();
    if (!out.success) throw new Error("the trivial script failed");
  };
  const launcher = async () => {
    const out = await new Deno.Command(claude, { args: ARGV, stdin: "null" }).output();
    if (!out.success) {
      throw new Error(`the fake claude failed: ${new TextDecoder().decode(out.stderr)}`);
    }
  };
  const library = async () => {
    await run(PROMPT, { cli: claude }).result();
  };

  const time = async (fn: () => Promise<void>) => {
    const start = performance.now();
    await fn();
    return performance.now() - start;
  };
  // Warm up: file caches, Deno's module cache for main.ts.
  for (const fn of [floor, launcher, library]) await fn();
  const samples = { floor: [] as number[], launcher: [] as number[], library: [] as number[] };
  for (let i = 0; i < runs; i++) {
    samples.floor.push(await time(floor));
    samples.launcher.push(await time(launcher));
    samples.library.push(await time(library));
  }

  const base = median(samples.floor);
  console.log(`Cross-process replay, ${runs} runs each, median wall time per run`);
  for (
    const [name, xs] of [
      ["bare deno run (floor)", samples.floor],
      ["fake claude launcher", samples.launcher],
      ["run() via launcher", samples.library],
    ] as const
  ) {
    const ms = median(xs);
    console.log(
      `  ${name.padEnd(22)} ${ms.toFixed(1).padStart(6)} ms  ${
        (1000 / ms).toFixed(1).padStart(5)
      } runs/s  ${(ms / base).toFixed(2)}×`,
    );
  }
} finally {
  await Deno.remove(root, { recursive: true });
}
