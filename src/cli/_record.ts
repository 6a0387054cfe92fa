/** Recording a run from the CLI: the real CLI found as usual, behind a recording spawner. */
import { recordingSpawner, saveCassette } from "../cassette/recorder.ts";
import { denoSpawner } from "../process/deno_spawner.ts";
import { findClaude } from "../process/discover.ts";
import { buildEnv, type EnvOptions } from "../process/env.ts";

/**
 * The `cli` and `spawner` options that record a run to `path`: the CLI is found here (a custom
 * spawner takes `cli` as it is), and the spawner saves the cassette once the run has ended.
 */
export function recordingCli(
  path: string,
  options: EnvOptions & { cli?: string },
): { cli: string; spawner: ReturnType<typeof recordingSpawner> } {
  const cli = findClaude({
    ...(options.cli === undefined ? {} : { cli: options.cli }),
    env: buildEnv(options),
  }).path;
  return { cli, spawner: recordingSpawner(denoSpawner, { save: saveCassette(path) }) };
}
