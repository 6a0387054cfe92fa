/**
 * One-shot overhead benchmark: `claw run` against a bare `claude -p` and against the floor of any
 * Deno wrapper, on the same fake API, in the same run. Prints median wall times and ratios
 * (targets: claw run ≤ 1.04× bare, and within 3% of the floor).
 *
 * Measured in alternating rounds (bare, floor, claw run, library), so drift hits all alike:
 * - bare:    `claude -p --output-format=stream-json --verbose PROMPT`, spawned from this process
 * - floor:   a three-line Deno program (`deno run`) that spawns the same command and drains stdout
 * - claw:    `deno run -A main.ts run --output stream-json PROMPT`, a whole claw process
 * - library: `run(PROMPT)` from claw's library in this process
 *
 * And `claw --version` (target < 60 ms) against its floor, an empty program under `deno run`.
 *
 * The real CLI's own start-up varies by ±100 ms from run to run, more than claw costs, so the same
 * rounds also time claw and the floor over a stand-in `claude` (a shell script that prints an init
 * and a result line and exits): the difference between the two is claw's own cost, in ms.
 *
 * @example
 * ```sh
 * deno run -A scripts/bench_run.ts --runs 20
 * ```
 *
 * @module
 */
import { median } from "./_bench/stats.ts";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startFakeApi } from "../src/fake_api/fake_api.ts";
import { offlineEnv } from "../src/fake_api/offline_env.ts";
import { buildEnv } from "../src/process/env.ts";
import { run } from "../src/session/run.ts";
import { PINNED_CLI_VERSIONS, pinnedCliPath } from "./install_cli.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    runs: { type: "string", default: "15" },
    version: { type: "string", default: PINNED_CLI_VERSIONS[0] },
  },
});
const runs = Number(values.runs);
const cli = pinnedCliPath(values.version);
const root = new URL("..", import.meta.url).pathname;
const main = join(root, "main.ts");
const prompt = "Say hello";
const claudeArgs = ["-p", "--output-format=stream-json", "--verbose", "--", prompt];

// The floor lives inside the project (git-ignored .cache/) so it runs under the same deno.json.
const floor = join(root, ".cache", "bench", "floor.ts");
await Deno.mkdir(join(root, ".cache", "bench"), { recursive: true });
await Deno.writeTextFile(
  floor,
  `const [cli, ...args] = Deno.args;
const child = new Deno.Command(cli, { args, stdin: "null", stdout: "piped" }).spawn();
for await (const _ of child.stdout) { /* drain */ }
Deno.exit((await child.status).code);
`,
);
const empty = join(root, ".cache", "bench", "empty.ts");
await Deno.writeTextFile(empty, "");
// A stand-in, not the CLI: it takes the CLI's variance out of the wrapper's own cost.
const standIn = join(root, ".cache", "bench", "stand-in-claude");
await Deno.writeTextFile(
  standIn,
  `#!/bin/sh
echo '{"type":"system","subtype":"init","session_id":"s-1","claude_code_version":"2.1.332"}'
echo '{"type":"result","subtype":"success","is_error":false,"result":"hi","session_id":"s-1","num_turns":1,"duration_ms":1,"total_cost_usd":0,"usage":{}}'
`,
  { mode: 0o755 },
);

await using api = await startFakeApi({
  script: {
    replies: [{ content: [{ type: "text", text: "Hello! How can I help?" }] }],
    when_exhausted: "repeat_last",
  },
});
const home = await Deno.makeTempDir({ prefix: "claw-bench-" });
const env = buildEnv({ env: offlineEnv({ apiUrl: api.url, home, tmpDir: home }) });

async function command(program: string, args: string[]): Promise<void> {
  const out = await new Deno.Command(program, { args, env, clearEnv: true, stdin: "null" })
    .output();
  if (!out.success) {
    throw new Error(`${program} ${args.join(" ")} failed: ${new TextDecoder().decode(out.stderr)}`);
  }
}

const clawRun = (claude: string) =>
  command(Deno.execPath(), [
    "run",
    "-A",
    main,
    "run",
    "--cli",
    claude,
    "--output",
    "stream-json",
    prompt,
  ]);

const measured = {
  bare: () => command(cli, claudeArgs),
  floor: () => command(Deno.execPath(), ["run", "-A", floor, cli, ...claudeArgs]),
  claw: () => clawRun(cli),
  library: async () => void await run(prompt, { cli, env, inheritEnv: false }).result(),
  version: () => command(Deno.execPath(), ["run", "-A", main, "--version"]),
  empty: () => command(Deno.execPath(), ["run", "-A", empty]),
  standInFloor: () => command(Deno.execPath(), ["run", "-A", floor, standIn, ...claudeArgs]),
  standInClaw: () => clawRun(standIn),
};
type Name = keyof typeof measured;

async function time(fn: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

// Warm up: file caches, Deno's module cache for main.ts and the floor.
for (const fn of Object.values(measured)) await fn();

const samples: Record<Name, number[]> = {
  bare: [],
  floor: [],
  claw: [],
  library: [],
  version: [],
  empty: [],
  standInFloor: [],
  standInClaw: [],
};
const ratios = { clawBare: [] as number[], clawFloor: [] as number[] };
for (let i = 0; i < runs; i++) {
  const round = {} as Record<Name, number>;
  for (const name of Object.keys(measured) as Name[]) {
    round[name] = await time(measured[name]);
    samples[name].push(round[name]);
  }
  ratios.clawBare.push(round.claw / round.bare);
  ratios.clawFloor.push(round.claw / round.floor);
}
await Deno.remove(home, { recursive: true });

const base = median(samples.bare);
const row = (name: string, ms: number, ratio: string) =>
  console.log(`  ${name.padEnd(34)} ${ms.toFixed(1).padStart(7)} ms   ${ratio}`);
console.log(
  `claude ${values.version}, ${runs} alternating rounds, median wall time (fake API on 127.0.0.1)`,
);
row("bare claude -p", base, "1.000× bare");
row(
  "floor (3-line Deno wrapper)",
  median(samples.floor),
  `${(median(samples.floor) / base).toFixed(3)}× bare`,
);
row(
  "claw run (CLI from source)",
  median(samples.claw),
  `${(median(samples.claw) / base).toFixed(3)}× bare, ${
    median(ratios.clawFloor).toFixed(3)
  }× floor (median of the rounds' ratios: ${median(ratios.clawBare).toFixed(3)}× bare)`,
);
row(
  "library run()",
  median(samples.library),
  `${(median(samples.library) / base).toFixed(3)}× bare`,
);
const own = median(samples.standInClaw) - median(samples.standInFloor);
row(
  "claw's own cost (stand-in claude)",
  own,
  `claw run ${median(samples.standInClaw).toFixed(1)} ms, floor ${
    median(samples.standInFloor).toFixed(1)
  } ms`,
);
row("empty program (deno run)", median(samples.empty), "the floor of any claw command");
row(
  "claw --version",
  median(samples.version),
  `${
    (median(samples.version) / median(samples.empty)).toFixed(3)
  }× the empty program (target < 60 ms)`,
);
