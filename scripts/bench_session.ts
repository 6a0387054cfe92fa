/**
 * Multi-turn session benchmark: a session of `--turns` turns (default 10) against claw's fake
 * Messages API on 127.0.0.1, four ways, in alternating rounds (A B C D, then D C B A, …), each
 * measurement with a fresh fake API and a fresh HOME. Prints median wall times and ratios measured
 * in the same run, never absolute times held against a bound.
 *
 * - floor:         a bare Deno driver in this process (no claw code) that spawns the CLI with
 *                  `-p --input-format=stream-json --output-format=stream-json --verbose`, writes
 *                  one user message per turn, each after the previous turn's `result` line, closes
 *                  stdin after the last and waits for the exit
 * - claw stream:   `startSession({ transport: "stream" })`, `send(…).result()` per turn, `close()`
 * - claw per-turn: the same on `transport: "per-turn"` (one CLI process per turn)
 * - official SDK:  the TypeScript Agent SDK's streaming `query()` under Node
 *                  (`scripts/_bench/sdk_session.mjs`), its prompt an async iterable that yields the
 *                  next user message after the previous `result`; skipped without Node or the SDK
 *
 * Each also sums the `duration_ms` of its turns' results: the CLI's own turn times, which leave
 * out its start-up. The SPEC target: the stream transport within 1.1× that sum.
 *
 * @example
 * ```sh
 * deno run -A scripts/bench_session.ts --turns 10 --rounds 3 --cli-version 2.1.332
 * ```
 *
 * @module
 */
import { lines, median } from "./_bench/stats.ts";
import { parseArgs } from "node:util";
import {
  PINNED_CLI_VERSIONS,
  PINNED_SDK_VERSION,
  pinnedCliPath,
  pinnedSdkModulePath,
} from "./install_cli.ts";
import type { FakeScript } from "../src/fake_api/script.ts";
import { startSession } from "../src/session/session.ts";
import type { SessionTransport } from "../src/session/session_options.ts";
import { hasCli, type Offline, offline } from "../tests/_offline.ts";
import { hasNodeAndSdk } from "../tests/_sdk.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    turns: { type: "string", default: "10" },
    rounds: { type: "string", default: "3" },
    "cli-version": { type: "string", default: PINNED_CLI_VERSIONS[0] },
  },
});
const turns = Number(values.turns);
const rounds = Number(values.rounds);
const version = values["cli-version"];
if (!(Number.isInteger(turns) && turns > 0) || !(Number.isInteger(rounds) && rounds > 0)) {
  console.error(
    `Invalid --turns "${values.turns}" or --rounds "${values.rounds}": pass whole numbers above 0`,
  );
  Deno.exit(2);
}
if (!hasCli(version)) {
  console.error(`Cannot find the pinned CLI "${version}": run deno task setup`);
  Deno.exit(1);
}
const cli = pinnedCliPath(version);
const SCRIPT: FakeScript = {
  replies: [{ content: [{ type: "text", text: "ok" }] }],
  when_exhausted: "repeat_last",
};
const prompt = (i: number) => `turn ${i}`;

/** One measurement: wall time, and the sum of the CLI's own turn times (`duration_ms`). */
interface Sample {
  wallMs: number;
  cliTurnsMs: number;
  /**
   * Turns 2 to N, start-up left out: wall time from the first turn's result to the last one's,
   * and the sum of those turns' `duration_ms`.
   */
  later: { wallMs: number; cliMs: number };
  /** The SDK only: the Node child's whole wall time, start-up and SDK import included. */
  childMs?: number;
}

/** The same environment for every variant: the offline variables and PATH, nothing inherited. */
const envOf = (place: Offline): Record<string, string> => ({
  PATH: Deno.env.get("PATH") ?? "",
  ...place.vars(version),
});

async function floor(place: Offline): Promise<Sample> {
  const encoder = new TextEncoder();
  const message = (i: number) =>
    encoder.encode(
      JSON.stringify({ type: "user", message: { role: "user", content: prompt(i) } }) + "\n",
    );
  const start = performance.now();
  const child = new Deno.Command(cli, {
    args: ["-p", "--input-format=stream-json", "--output-format=stream-json", "--verbose"],
    cwd: place.cwd,
    env: envOf(place),
    clearEnv: true,
    stdin: "piped",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const stdin = child.stdin.getWriter();
  let results = 0;
  let cliTurnsMs = 0;
  const turnEnds: number[] = [];
  const durations: number[] = [];
  try {
    await stdin.write(message(1));
    for await (const line of lines(child.stdout)) {
      if (!line.includes('"result"')) continue;
      const event = JSON.parse(line);
      if (event.type !== "result") continue;
      if (event.is_error) throw new Error(`The floor's turn ${results + 1} failed: ${line}`);
      cliTurnsMs += event.duration_ms;
      turnEnds.push(performance.now());
      durations.push(event.duration_ms);
      results++;
      if (results < turns) await stdin.write(message(results + 1));
      else await stdin.close();
    }
  } catch (error) {
    child.kill();
    await child.status;
    throw error;
  }
  const status = await child.status;
  const wallMs = performance.now() - start;
  if (!status.success || results !== turns) {
    throw new Error(`The floor's CLI exited ${status.code} after ${results} of ${turns} results`);
  }
  return { wallMs, cliTurnsMs, later: laterTurns(turnEnds, durations) };
}

/** The `later` part of a sample, from when each turn's result arrived and its `duration_ms`. */
function laterTurns(turnEnds: number[], durations: number[]): Sample["later"] {
  return {
    wallMs: turnEnds.at(-1)! - turnEnds[0]!,
    cliMs: durations.slice(1).reduce((sum, ms) => sum + ms, 0),
  };
}

async function claw(place: Offline, transport: SessionTransport): Promise<Sample> {
  const options = { ...place.options(version), inheritEnv: false, env: envOf(place), transport };
  const start = performance.now();
  const session = await startSession(options);
  const turnEnds: number[] = [];
  const durations: number[] = [];
  try {
    for (let i = 1; i <= turns; i++) {
      const turn = session.send(prompt(i));
      await turn.result();
      turnEnds.push(performance.now());
      durations.push(turn.totals?.durationMs ?? NaN);
    }
  } finally {
    await session.close();
  }
  const cliTurnsMs = durations.reduce((sum, ms) => sum + ms, 0);
  return { wallMs: performance.now() - start, cliTurnsMs, later: laterTurns(turnEnds, durations) };
}

const sdkProgram = new URL("./_bench/sdk_session.mjs", import.meta.url).pathname;
const sdkUrl = `file://${pinnedSdkModulePath()}`;

async function sdk(place: Offline): Promise<Sample> {
  const start = performance.now();
  const out = await new Deno.Command("node", {
    args: [sdkProgram, sdkUrl, cli, String(turns)],
    cwd: place.cwd,
    env: envOf(place),
    clearEnv: true,
    stdin: "null",
  }).output();
  const childMs = performance.now() - start;
  const decoder = new TextDecoder();
  if (!out.success) throw new Error(`The SDK session failed: ${decoder.decode(out.stderr)}`);
  const report: { wallMs: number; durationMs: number[]; turnEnds: number[] } = JSON.parse(
    decoder.decode(out.stdout),
  );
  const cliTurnsMs = report.durationMs.reduce((sum, ms) => sum + ms, 0);
  const later = laterTurns(report.turnEnds, report.durationMs);
  return { wallMs: report.wallMs, cliTurnsMs, later, childMs };
}

const variants: Record<string, (place: Offline) => Promise<Sample>> = {
  floor,
  "claw stream": (place) => claw(place, "stream"),
  "claw per-turn": (place) => claw(place, "per-turn"),
};
const sdkSkipped = hasNodeAndSdk()
  ? undefined
  : `node or the Agent SDK ${PINNED_SDK_VERSION} is missing (run deno task setup)`;
if (sdkSkipped === undefined) variants["official SDK"] = sdk;
const names = Object.keys(variants);

async function measure(name: string): Promise<Sample> {
  await using place = await offline(SCRIPT);
  return await variants[name]!(place);
}

// Warm up, untimed: the CLI's files in the page cache, Node's and the SDK's too.
for (const name of names) await measure(name);

const samples: Record<string, Sample[]> = Object.fromEntries(names.map((name) => [name, []]));
const began = performance.now();
for (let round = 0; round < rounds; round++) {
  const order = round % 2 === 0 ? names : [...names].reverse();
  for (const name of order) samples[name]!.push(await measure(name));
}
const benchSeconds = (performance.now() - began) / 1000;

const wall = (name: string) => median(samples[name]!.map((sample) => sample.wallMs));
const cliTurns = (name: string) => median(samples[name]!.map((sample) => sample.cliTurnsMs));
/** The median over the rounds of `a`'s wall time over `b`'s, both from the same round. */
const roundRatio = (a: string, b: string) =>
  median(samples[a]!.map((sample, i) => sample.wallMs / samples[b]![i]!.wallMs));
const ms = (value: number) => `${value.toFixed(0).padStart(6)} ms`;
const times = (value: number) => `${value.toFixed(3)}×`;

const startUp: Record<string, string> = {
  floor: "1 CLI start-up (driver runs in this process: no Deno start-up)",
  "claw stream": "1 CLI start-up + initialize (library in this process: no Deno start-up)",
  "claw per-turn": `${turns} CLI start-ups (library in this process: no Deno start-up)`,
  "official SDK": "1 CLI start-up + initialize (timed inside Node: no Node start-up, no import)",
};
console.log(
  `${turns}-turn session, claude ${version}, fake API on 127.0.0.1, ${rounds} alternating ` +
    `round(s), medians (${benchSeconds.toFixed(0)} s)`,
);
console.log(
  `  ${"variant".padEnd(16)} ${"wall".padStart(9)} ${"CLI turns".padStart(9)}   wall time includes`,
);
for (const name of names) {
  console.log(
    `  ${name.padEnd(16)} ${ms(wall(name))} ${ms(cliTurns(name))}   ${startUp[name]}`,
  );
}
if (sdkSkipped === undefined) {
  const child = median(samples["official SDK"]!.map((sample) => sample.childMs ?? NaN));
  console.log(
    `  ${"SDK node child".padEnd(16)} ${ms(child)} ${"".padStart(9)}   ` +
      "the whole `node` process: Node start-up, SDK import, 1 CLI start-up",
  );
} else {
  console.log(`  official SDK: skipped, ${sdkSkipped}`);
}
console.log(
  "  (CLI turns: the sum of the results' duration_ms, the CLI's own turn times; no start-up)",
);
console.log("Every round's wall times (CLI turns), in ms");
for (const name of names) {
  const each = samples[name]!.map((sample) =>
    `${sample.wallMs.toFixed(0)} (${sample.cliTurnsMs.toFixed(0)})`
  );
  console.log(`  ${name.padEnd(16)} ${each.join("  ")}`);
}

const stream = wall("claw stream");
const base = wall("floor");
const rows: [string, string][] = [
  [
    "claw stream / floor",
    `${times(stream / base)} (median of the rounds' ratios ${
      times(roundRatio("claw stream", "floor"))
    })`,
  ],
  [
    "claw stream / CLI turns",
    `${times(stream / cliTurns("claw stream"))} (wall includes start-up)`,
  ],
  [
    "floor / CLI turns",
    `${times(base / cliTurns("floor"))} (where the target sits against the floor)`,
  ],
  ["claw per-turn / claw stream", times(wall("claw per-turn") / stream)],
];
if (sdkSkipped === undefined) {
  const sdkWall = wall("official SDK");
  rows.push(
    ["SDK / claw stream", `${times(sdkWall / stream)} (SDK timed inside Node)`],
    ["SDK / floor", `${times(sdkWall / base)} (SDK timed inside Node)`],
  );
}
const laterRatio = (name: string) =>
  median(samples[name]!.map((sample) => sample.later.wallMs / sample.later.cliMs));
rows.push(
  [
    "claw stream, turns 2-N",
    `${times(laterRatio("claw stream"))} of the CLI's own turn times (SPEC target ≤ 1.1×; ` +
    "from the first result to the last: no start-up)",
  ],
  ["floor, turns 2-N", `${times(laterRatio("floor"))} of the CLI's own turn times (the floor)`],
);
if (sdkSkipped === undefined) {
  rows.push(["SDK, turns 2-N", `${times(laterRatio("official SDK"))} of the CLI's own turn times`]);
}
rows.push([
  "claw stream overhead",
  `${((stream - base) / turns).toFixed(1)} ms per turn over the floor ((claw − floor) / ${turns})`,
]);
console.log("Ratios (of the medians above)");
for (const [name, value] of rows) console.log(`  ${name.padEnd(28)} ${value}`);
