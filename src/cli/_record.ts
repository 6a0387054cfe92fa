/** Recording a run from the CLI: the path checked first, the real CLI found as usual, behind a recording spawner. */
import type { Cassette } from "../cassette/cassette.ts";
import { recordingSpawner, type RecordOptions, saveCassette } from "../cassette/recorder.ts";
import { denoSpawner } from "../process/deno_spawner.ts";
import { findClaude } from "../process/discover.ts";
import { buildEnv, type EnvOptions } from "../process/env.ts";
import type { Spawner } from "../process/spawn.ts";
import { checkOutputPath } from "./_paths.ts";

/**
 * Checks that a cassette can be written at `path`, for `flag`: a `UsageError` otherwise (also
 * when `path` is a folder), before anything starts (a run that spent tokens must not fail on a
 * bad path).
 *
 * @example
 * ```ts
 * import { rejects } from "node:assert";
 * import { checkCassettePath } from "./_record.ts";
 *
 * await rejects(checkCassettePath("--record", "/proc/nope/run.ndjson"), /pass a writable path/);
 * ```
 */
export async function checkCassettePath(flag: string, path: string): Promise<void> {
  await checkOutputPath(flag, path);
}

/**
 * The `cli` and `spawner` options that record a run to `path`: the CLI is found here (a custom
 * spawner takes `cli` as it is), and the spawner saves the cassette once the run has ended, then
 * hands it to `onSaved`. A save that fails rejects the run's status with an error that names
 * `path` (caused by the file system's error).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { recordingCli } from "./_record.ts";
 *
 * const { cli } = recordingCli("/tmp/run.ndjson", { cli: "/bin/sh" });
 * strictEqual(cli, "/bin/sh");
 * ```
 */
export function recordingCli(
  path: string,
  options: EnvOptions & {
    cli?: string;
    onSaved?: (cassette: Cassette) => void;
    interruption?: RecordOptions["interruption"];
  },
): { cli: string; spawner: Spawner } {
  const cli = findClaude({
    ...(options.cli === undefined ? {} : { cli: options.cli }),
    env: buildEnv(options),
  }).path;
  const write = saveCassette(path);
  const save = async (cassette: Cassette) => {
    try {
      await write(cassette);
    } catch (error) {
      throw new Error(
        `Cannot save the cassette "${path}" after the run: ${
          error instanceof Error ? error.message : error
        }`,
        { cause: error },
      );
    }
    options.onSaved?.(cassette);
  };
  const interruption = options.interruption;
  return {
    cli,
    spawner: recordingSpawner(denoSpawner, { save, ...(interruption ? { interruption } : {}) }),
  };
}
