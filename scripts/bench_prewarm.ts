/**
 * Start-up hidden by spare processes, against claw's fake Messages API on 127.0.0.1, in
 * alternating rounds (A B C …, then … C B A), each measurement with a fresh fake API and HOME.
 * Prints medians and ratios measured in the same run, never absolute times held against a bound.
 *
 * 1. The first answer of a new session after `--idle-ms` (default 1 s) of idle, a user opening a
 *    chat: from the prompt to its `result`.
 *    - floor:       the same turn sent to a session whose process is up and has answered once
 *    - bare first turn: a bare Deno driver (no claw code) that starts and initializes the CLI,
 *      waits, then sends the turn: the floor of a first turn in a process
 *    - claw spare:  `prewarm()`, the idle, then `claim()` and the turn (and with `warmContext`)
 *    - claw cold:   `startSession()` and the turn
 *    - SDK prewarm / SDK startup: the official TypeScript SDK's `prewarm()` (claimed with the
 *      folder) and `startup()` (`scripts/_bench/sdk_prewarm.mjs`; skipped without Node or the SDK)
 *    Targets: the spare within 1.1× the floor, and ahead of the SDK's best.
 * 2. `--turns` turns (default 10) `--idle-ms` apart: the sum of each turn's time from `send()` to
 *    its `result`, on `stream`, on `per-turn` with `prewarm: true`, and on `per-turn` without.
 *    And a bare driver doing what per-turn with spares does (each next process started and
 *    initialized during the wait). Target: per-turn with spares within 1.1× stream.
 * 3. `claw batch` with and without `--prewarm` against `xargs -P`: `scripts/bench_batch.ts`.
 *
 * @example
 * ```sh
 * deno run -A scripts/bench_prewarm.ts --rounds 5 --cli-version 2.1.337
 * ```
 *
 * @module
 */
import { lines, median } from "./_bench/stats.ts";
import { parseArgs } from "node:util";
import { PINNED_CLI_VERSIONS, pinnedCliPath, pinnedSdkModulePath } from "./install_cli.ts";
import { prewarm, type PrewarmOptions } from "../src/session/prewarm.ts";
import { startSession } from "../src/session/session.ts";
import type { SessionOptions } from "../src/session/session_options.ts";
import { hasCli, type Offline, offline } from "../tests/_offline.ts";
import { hasNodeAndSdk } from "../tests/_sdk.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    rounds: { type: "string", default: "5" },
    turns: { type: "string", default: "10" },
    "idle-ms": { type: "string", default: "1000" },
    "cli-version": { type: "string", default: PINNED_CLI_VERSIONS[0] },
  },
});
const [rounds, turns, idleMs] = [values.rounds, values.turns, values["idle-ms"]].map(Number);
const version = values["cli-version"];
if (![rounds, turns].every((n) => Number.isInteger(n) && n! > 0) || !(idleMs! >= 0)) {
  console.error("Pass whole numbers above 0 for --rounds and --turns, and --idle-ms of 0 or more");
  Deno.exit(2);
}
if (!hasCli(version)) {
  console.error(`Cannot find the pinned CLI "${version}": run deno task setup`);
  Deno.exit(1);
}
const cli = pinnedCliPath(version);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every variant gets the same environment: the offline variables and PATH, nothing inherited. */
function optionsOf(place: Offline, extra: SessionOptions = {}): SessionOptions {
  return {
    ...place.options(version),
    inheritEnv: false,
    env: { PATH: Deno.env.get("PATH") ?? "", ...place.vars(version) },
    ...extra,
  };
}

/** One measurement: wall time, and the CLI's own `duration_ms` of the turns timed. */
interface Sample {
  ms: number;
  cliMs: number;
}

/** Times `turn`, from before it to after its result. */
async function timed(turn: () => Promise<{ duration_ms: number }>): Promise<Sample> {
  const start = performance.now();
  const result = await turn();
  return { ms: performance.now() - start, cliMs: result.duration_ms };
}

/**
 * A bare Deno driver, no claw code: starts the CLI in stream-json mode (resuming `resume`),
 * initializes it, waits `idleMs`, then times one user message to its `result`: the floor of a
 * first turn in a process.
 */
async function bareFirstTurn(
  place: Offline,
  resume?: string,
): Promise<Sample & { sessionId: string }> {
  const child = new Deno.Command(cli, {
    args: [
      ...["-p", "--input-format=stream-json", "--output-format=stream-json", "--verbose"],
      ...(resume ? [`--resume=${resume}`] : []),
    ],
    cwd: place.cwd,
    env: optionsOf(place).env as Record<string, string>,
    clearEnv: true,
    stdin: "piped",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const stdin = child.stdin.getWriter();
  const write = (line: unknown) =>
    stdin.write(new TextEncoder().encode(JSON.stringify(line) + "\n"));
  const output = lines(child.stdout);
  // Read by hand: leaving a for-await loop would end the generator.
  const next = async (type: string) => {
    for (let line = await output.next(); !line.done; line = await output.next()) {
      const event = JSON.parse(line.value);
      if (event.type === type) return event;
    }
    throw new Error(`The CLI ended before a ${type} line`);
  };
  try {
    await write({ type: "control_request", request_id: "i1", request: { subtype: "initialize" } });
    await next("control_response");
    await sleep(idleMs!);
    const start = performance.now();
    await write({ type: "user", message: { role: "user", content: "first question" } });
    const result = await next("result");
    const ms = performance.now() - start;
    return { ms, cliMs: result.duration_ms, sessionId: result.session_id };
  } finally {
    await stdin.close().catch(() => {});
    await output.return(undefined);
    await child.status;
  }
}

// ---- 1. the first answer after idle ------------------------------------------------------------

/** `prewarm()` with `extra`, the idle, then `claim()` and the turn. */
function claimed(extra: PrewarmOptions): Variant {
  return async (place) => {
    await using spare = await prewarm({ ...optionsOf(place), ...extra });
    await sleep(idleMs!);
    let session;
    const sample = await timed(async () => {
      session = await spare.claim();
      return await session.send("first question").result();
    });
    await session!.close();
    return sample;
  };
}

type Variant = (place: Offline) => Promise<Sample>;

const firstAnswer: Record<string, Variant> = {
  "bare first turn": (place) => bareFirstTurn(place),
  floor: async (place) => {
    await using session = await startSession(optionsOf(place));
    await session.send("warm-up question").result();
    await sleep(idleMs!);
    return await timed(() => session.send("first question").result());
  },
  "claw spare": claimed({}),
  "claw spare, warmContext": claimed({ warmContext: true }),
  "claw cold": async (place) => {
    await sleep(idleMs!);
    let session;
    const sample = await timed(async () => {
      session = await startSession(optionsOf(place));
      return await session.send("first question").result();
    });
    await session!.close();
    return sample;
  },
};
if (hasNodeAndSdk()) {
  for (const mode of ["prewarm", "startup"]) {
    firstAnswer[`SDK ${mode}`] = (place) => sdk(place, mode);
  }
} else {
  console.log("SDK variants skipped: node or the pinned Agent SDK is missing (deno task setup)");
}

async function sdk(place: Offline, mode: string): Promise<Sample> {
  const program = new URL("./_bench/sdk_prewarm.mjs", import.meta.url).pathname;
  const out = await new Deno.Command("node", {
    args: [program, `file://${pinnedSdkModulePath()}`, cli, mode, String(idleMs)],
    cwd: place.cwd,
    env: optionsOf(place).env as Record<string, string>,
    clearEnv: true,
    stdin: "null",
  }).output();
  const decoder = new TextDecoder();
  if (!out.success) throw new Error(`SDK ${mode} failed: ${decoder.decode(out.stderr)}`);
  const { firstAnswerMs, durationMs } = JSON.parse(decoder.decode(out.stdout));
  return { ms: firstAnswerMs, cliMs: durationMs };
}

// ---- 2. turns with idle between them -----------------------------------------------------------

const spacedTurns: Record<string, Variant> = {
  "bare per-turn": async (place) => {
    const total = { ms: 0, cliMs: 0 };
    let sessionId: string | undefined;
    for (let i = 1; i <= turns!; i++) {
      const turn = await bareFirstTurn(place, sessionId);
      [total.ms, total.cliMs, sessionId] = [
        total.ms + turn.ms,
        total.cliMs + turn.cliMs,
        turn.sessionId,
      ];
    }
    return total;
  },
  stream: (place) => turnsOn(optionsOf(place)),
  "per-turn + prewarm": (place) =>
    turnsOn(optionsOf(place, { transport: "per-turn", prewarm: true })),
  "per-turn": (place) => turnsOn(optionsOf(place, { transport: "per-turn" })),
};

/** The sum of each turn's time from `send()` to its result, with `idleMs` before each. */
async function turnsOn(options: SessionOptions): Promise<Sample> {
  await using session = await startSession(options);
  const total = { ms: 0, cliMs: 0 };
  for (let i = 1; i <= turns!; i++) {
    await sleep(idleMs!);
    const { ms, cliMs } = await timed(() => session.send(`turn ${i}`).result());
    total.ms += ms;
    total.cliMs += cliMs;
  }
  return total;
}

// ---- the rounds ---------------------------------------------------------------------------------

async function measure(variants: Record<string, Variant>): Promise<Map<string, Sample>> {
  const samples = new Map(Object.keys(variants).map((name) => [name, [] as Sample[]]));
  const names = Object.keys(variants);
  for (let round = 0; round < rounds!; round++) {
    for (const name of round % 2 === 0 ? names : names.toReversed()) {
      await using place = await offline({
        replies: [{ content: [{ type: "text", text: "ok" }] }],
        when_exhausted: "repeat_last",
      });
      samples.get(name)!.push(await variants[name]!(place));
    }
  }
  return new Map(
    [...samples].map((
      [name, all],
    ) => [name, { ms: median(all.map((s) => s.ms)), cliMs: median(all.map((s) => s.cliMs)) }]),
  );
}

function report(title: string, medians: Map<string, Sample>, base: string): void {
  console.log(`\n${title} (the CLI's own duration_ms in brackets)`);
  for (const [name, { ms, cliMs }] of medians) {
    const ratio = (ms / medians.get(base)!.ms).toFixed(3);
    const own = `(${cliMs.toFixed(0)} ms)`.padStart(9);
    console.log(`  ${name.padEnd(20)} ${ms.toFixed(0).padStart(7)} ms ${own}   ${ratio}× ${base}`);
  }
}

console.log(
  `Claude Code ${version}, ${rounds} rounds, ${idleMs} ms idle; medians, ratios from this run`,
);
const first = await measure(firstAnswer);
report("1. First answer of a new session after the idle", first, "floor");
const sdkBest = Math.min(
  ...[...first].filter(([name]) => name.startsWith("SDK")).map(([, sample]) => sample.ms),
);
if (Number.isFinite(sdkBest)) {
  for (const name of ["claw spare", "claw spare, warmContext"]) {
    console.log(`  ${name} / SDK's best: ${(first.get(name)!.ms / sdkBest).toFixed(3)}×`);
  }
}
const ratio = (medians: Map<string, Sample>, a: string, b: string) =>
  console.log(`  ${a} / ${b}: ${(medians.get(a)!.ms / medians.get(b)!.ms).toFixed(3)}×`);
ratio(first, "claw spare", "bare first turn");
ratio(first, "claw spare, warmContext", "bare first turn");
const outside = (name: string) => first.get(name)!.ms - first.get(name)!.cliMs;
console.log(
  `  outside the CLI's own turn time: floor ${outside("floor").toFixed(0)} ms, claw spare ${
    outside("claw spare").toFixed(0)
  } ms: the rest of the spare's gap is the CLI's first turn in a process`,
);
const spaced = await measure(spacedTurns);
report(`2. ${turns} turns, ${idleMs} ms apart: the sum of the turns' times`, spaced, "stream");
ratio(spaced, "per-turn + prewarm", "bare per-turn");
