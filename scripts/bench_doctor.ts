/**
 * `claw doctor --live` wall time for each pinned CLI, against its floor measured in the same
 * rounds: a bare `claude -p` of one prompt against a fake API with a fresh HOME (what the live
 * check cannot do without). Prints medians and the ratio (target: the live check under 2 s).
 *
 * Alternating rounds per CLI: bare `claude -p`; `claw doctor --live --json` as a whole process
 * (every check, the live one included); the live check's own time from its detail.
 *
 * @example
 * ```sh
 * deno run -A scripts/bench_doctor.ts --runs 5
 * ```
 *
 * @module
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startFakeApi } from "../src/fake_api/fake_api.ts";
import { FAKE_API_KEY, offlineEnv } from "../src/fake_api/offline_env.ts";
import { PINNED_CLI_VERSIONS, pinnedCliPath } from "./install_cli.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: { runs: { type: "string", default: "5" } },
});
const runs = Number(values.runs);
const main = join(new URL("..", import.meta.url).pathname, "main.ts");

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function bareRun(cli: string): Promise<number> {
  await using api = await startFakeApi({
    script: { replies: [{ content: [{ type: "text", text: "ok" }] }] },
  });
  const home = await Deno.makeTempDir({ prefix: "claw-bench-doctor-" });
  try {
    await Deno.mkdir(`${home}/tmp`);
    const env = Object.fromEntries(
      Object.entries({
        PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
        ...offlineEnv({ apiUrl: api.url, home, maxRetries: 0, tmpDir: `${home}/tmp` }),
      }).filter((entry): entry is [string, string] => entry[1] !== undefined),
    );
    const started = performance.now();
    await new Deno.Command(cli, {
      args: ["-p", "--output-format=stream-json", "--verbose", "--", "Say ok"],
      env,
      clearEnv: true,
      cwd: home,
      stdin: "null",
      stdout: "piped",
      stderr: "null",
    }).output();
    return performance.now() - started;
  } finally {
    await Deno.remove(home, { recursive: true });
  }
}

async function doctorRun(cli: string): Promise<{ wall: number; live: number }> {
  const started = performance.now();
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", main, "doctor", "--live", "--json", "--cli", cli],
    env: { ANTHROPIC_API_KEY: FAKE_API_KEY },
    stdin: "null",
    stdout: "piped",
    stderr: "null",
  }).output();
  const wall = performance.now() - started;
  const report = JSON.parse(new TextDecoder().decode(out.stdout));
  const live = report.checks.find((check: { id: string }) => check.id === "live");
  const seconds = /in ([\d.]+) s/.exec(live?.detail ?? "")?.[1];
  if (live?.status !== "ok" || !seconds) throw new Error(`live check failed: ${live?.detail}`);
  return { wall, live: Number(seconds) * 1000 };
}

for (const version of PINNED_CLI_VERSIONS) {
  const cli = pinnedCliPath(version);
  await bareRun(cli); // warm-up
  await doctorRun(cli);
  const bare: number[] = [], wall: number[] = [], live: number[] = [];
  for (let round = 0; round < runs; round++) {
    bare.push(await bareRun(cli));
    const doctor = await doctorRun(cli);
    wall.push(doctor.wall);
    live.push(doctor.live);
  }
  const [b, w, l] = [median(bare), median(wall), median(live)];
  console.log(
    `Claude Code ${version}: bare claude -p ${(b / 1000).toFixed(2)} s · live check ${
      (l / 1000).toFixed(2)
    } s (${(l / b).toFixed(2)}× bare) · whole claw doctor --live ${(w / 1000).toFixed(2)} s (${
      (w / b).toFixed(2)
    }× bare) · medians of ${runs}`,
  );
}
