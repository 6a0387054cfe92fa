/** Recording a run from the CLI: the path checked first, the real CLI found as usual, behind a recording spawner. */
import { checkWritable, recordingSpawner, saveCassette } from "../cassette/recorder.ts";
import { denoSpawner } from "../process/deno_spawner.ts";
import { findClaude } from "../process/discover.ts";
import { buildEnv, type EnvOptions } from "../process/env.ts";
import type { Spawner } from "../process/spawn.ts";
import { UsageError } from "./_args.ts";

/**
 * Checks that a cassette can be written at `path`, for `flag`: a {@linkcode UsageError} otherwise,
 * before anything starts (a run that spent tokens must not fail on a bad path).
 */
export async function checkCassettePath(flag: string, path: string): Promise<void> {
  try {
    await checkWritable(path);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new UsageError(`Cannot write ${flag} "${path}": ${reason}: pass a writable path`);
  }
}

/**
 * The `cli` and `spawner` options that record a run to `path`: the CLI is found here (a custom
 * spawner takes `cli` as it is), and the spawner saves the cassette once the run has ended.
 */
export function recordingCli(
  path: string,
  options: EnvOptions & { cli?: string },
): { cli: string; spawner: Spawner } {
  const cli = findClaude({
    ...(options.cli === undefined ? {} : { cli: options.cli }),
    env: buildEnv(options),
  }).path;
  return { cli, spawner: recordingSpawner(denoSpawner, { save: saveCassette(path) }) };
}
