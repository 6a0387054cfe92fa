/**
 * Test support: the official TypeScript Agent SDK (pinned under `.cache/sdk`), run by Node through
 * the host program `_programs/sdk_scenarios.mjs`, for the SDK tests and the SDK replay benchmark.
 */
import { join } from "node:path";
import { pinnedSdkModulePath, pinnedSdkTypesPath } from "../scripts/install_cli.ts";
import type { FakeScript } from "../src/fake_api/script.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;
const DRIVER = new URL("./_programs/sdk_scenarios.mjs", import.meta.url).pathname;
const SCRIPTS = new URL("./_programs/sdk/", import.meta.url).pathname;

/** The scenarios of `_programs/sdk_scenarios.mjs` (see `_programs/sdk/README.md`). */
export const SDK_SCENARIOS = ["text", "bash", "allow", "deny", "two_turns", "interrupt"] as const;

/** One scenario. */
export type SdkScenario = typeof SDK_SCENARIOS[number];

/** A message the SDK yielded, as JSON. */
export type SdkMessage = Record<string, unknown>;

/** Whether Node and the pinned SDK are there (`deno task setup` installs the SDK). */
export function hasNodeAndSdk(): boolean {
  try {
    const node = new Deno.Command("node", { args: ["--version"] }).outputSync();
    return node.success && Deno.statSync(pinnedSdkTypesPath()).isFile;
  } catch {
    return false;
  }
}

/** The fake API script of `scenario`. */
export async function sdkScript(scenario: SdkScenario): Promise<FakeScript> {
  return JSON.parse(await Deno.readTextFile(join(SCRIPTS, `${scenario}.api.json`)));
}

/**
 * Runs the SDK through `scenario` with `claude` as its `pathToClaudeCodeExecutable`, in `cwd`
 * with exactly `env`; returns the messages it yielded. Throws with the program's stderr when it
 * fails.
 */
export async function runSdk(
  scenario: SdkScenario,
  claude: string,
  place: { cwd: string; env: Record<string, string> },
): Promise<SdkMessage[]> {
  const out = await new Deno.Command("node", {
    args: [DRIVER, scenario, claude, pinnedSdkModulePath()],
    cwd: place.cwd,
    env: place.env,
    clearEnv: true,
    stdin: "null",
  }).output();
  const decoder = new TextDecoder();
  if (!out.success) {
    throw new Error(`${scenario} through ${claude} failed: ${decoder.decode(out.stderr)}`);
  }
  return decoder.decode(out.stdout).trim().split("\n").map((line) => JSON.parse(line));
}

/**
 * Writes what an SDK user writes to record: a `claude` that is `claw record` of the real CLI
 * `real`, into the file named by `CLAW_TEST_CASSETTE`, with the Deno named by `CLAW_DENO`.
 */
export async function writeRecordingClaude(path: string, real: string): Promise<void> {
  await Deno.writeTextFile(
    path,
    `#!/bin/sh\nexec "$CLAW_DENO" run -A --quiet ${MAIN} record -o "$CLAW_TEST_CASSETTE" --cli ${real} -- "$@"\n`,
    { mode: 0o755 },
  );
}
