/**
 * Agent SDK replay benchmark: the official TypeScript Agent SDK (run by Node) through each scenario
 * of `tests/_programs/sdk_scenarios.mjs`, live (the real CLI 2.1.332 against claw's fake API) and
 * replayed (the fake claude `claw replay --write-bin` writes, no API), interleaved, in the same
 * run. Prints the median wall time of each, the replay's ratio to the live run, and the messages
 * per second the replay delivers to the SDK; and two floors measured alongside: Node importing
 * the SDK (what every SDK run pays) and a bare `deno run` (what every Deno-based fake claude pays).
 *
 * @example
 * ```sh
 * deno run -A scripts/bench_sdk_replay.ts --runs 5
 * ```
 *
 * @module
 */
import { median } from "./_bench/stats.ts";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { pinnedCliPath, pinnedSdkModulePath } from "./install_cli.ts";
import { writeFakeClaude } from "../src/cassette/fake_claude.ts";
import { type Offline, offline } from "../tests/_offline.ts";
import {
  hasNodeAndSdk,
  runSdk,
  SDK_SCENARIOS,
  sdkScript,
  writeRecordingClaude,
} from "../tests/_sdk.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: { runs: { type: "string", default: "5" } },
});
const runs = Number(values.runs);
const VERSION = "2.1.332";
if (!hasNodeAndSdk()) {
  console.error("Needs node and the pinned Agent SDK: run deno task setup");
  Deno.exit(1);
}

const root = await Deno.makeTempDir({ prefix: "claw-bench-sdk-" });
const time = async (fn: () => Promise<unknown>) => {
  const start = performance.now();
  await fn();
  return performance.now() - start;
};
const hostEnv = { PATH: Deno.env.get("PATH") ?? "", CLAW_DENO: Deno.execPath() };
/** The environment of the CLI in `place`, and what the host programs need. */
const envOf = (place: Offline): Record<string, string> => ({
  ...place.vars(VERSION),
  ...hostEnv,
});

try {
  const cassettes = join(root, "cassettes");
  const recorder = join(root, "record", "claude");
  await Deno.mkdir(join(root, "record"));
  await writeRecordingClaude(recorder, pinnedCliPath(VERSION));
  const launcher = join(root, "bin", "claude");
  await writeFakeClaude(launcher, { cassettes }); // what claw replay --write-bin writes

  const sdkFloor = join(root, "import_sdk.mjs");
  const sdk = `file://${pinnedSdkModulePath()}`;
  await Deno.writeTextFile(sdkFloor, `await import(${JSON.stringify(sdk)});\n`);
  const trivial = join(root, "trivial.ts");
  await Deno.writeTextFile(trivial, "console.log('{}');\n");
  const floors = {
    "node imports the SDK": () => new Deno.Command("node", { args: [sdkFloor] }).output(),
    "bare deno run": () =>
      new Deno.Command(Deno.execPath(), { args: ["run", "-A", "--quiet", trivial] }).output(),
  };

  const rows: string[] = [];
  const floorSamples: Record<string, number[]> = {};
  for (const scenario of SDK_SCENARIOS) {
    const liveSamples: number[] = [];
    const replaySamples: number[] = [];
    let messages = 0;
    // Record once into the folder the launcher serves.
    const script = await sdkScript(scenario);
    {
      await using once = await offline(script);
      const env = { ...envOf(once), CLAW_TEST_CASSETTE: join(cassettes, `${scenario}.ndjson`) };
      await runSdk(scenario, recorder, { cwd: once.cwd, env });
    }

    for (let i = 0; i < runs; i++) {
      // Live: a fresh script each time, so the replies come in order.
      await using fresh = await offline(script);
      const live = { cwd: fresh.cwd, env: envOf(fresh) };
      liveSamples.push(await time(() => runSdk(scenario, pinnedCliPath(VERSION), live)));
      // Replay: the same place, nothing listening at the API's address.
      await fresh.api.close();
      replaySamples.push(
        await time(async () => messages = (await runSdk(scenario, launcher, live)).length),
      );
      for (const [name, fn] of Object.entries(floors)) {
        (floorSamples[name] ??= []).push(await time(fn));
      }
    }
    const live = median(liveSamples);
    const replay = median(replaySamples);
    rows.push(
      `  ${scenario.padEnd(10)} live ${live.toFixed(0).padStart(5)} ms  replay ${
        replay.toFixed(0).padStart(5)
      } ms  ${(replay / live).toFixed(2)}× live  ${messages} messages, ${
        (messages / (replay / 1000)).toFixed(0)
      } messages/s`,
    );
  }
  console.log(`Agent SDK ${"0.3.332"} through claude ${VERSION}, ${runs} runs each, medians`);
  for (const row of rows) console.log(row);
  for (const [name, xs] of Object.entries(floorSamples)) {
    console.log(`  floor: ${name.padEnd(22)} ${median(xs).toFixed(0).padStart(5)} ms`);
  }
} finally {
  await Deno.remove(root, { recursive: true });
}
