/**
 * Test support: the real pinned `claude` CLIs running offline against claw's fake Messages API.
 */
import {
  NEWEST_PINNED_CLI,
  OLDEST_PINNED_CLI,
  PINNED_CLI_VERSIONS,
  pinnedCliPath,
} from "../scripts/install_cli.ts";
import { type FakeApi, startFakeApi } from "../src/fake_api/fake_api.ts";
import { offlineEnv } from "../src/fake_api/offline_env.ts";
import type { FakeScript } from "../src/fake_api/script.ts";
import { recordingSpawner, saveCassette } from "../src/cassette/recorder.ts";
import { denoSpawner } from "../src/process/deno_spawner.ts";
import type { RunOptions } from "../src/session/run_options.ts";

export { NEWEST_PINNED_CLI, OLDEST_PINNED_CLI, PINNED_CLI_VERSIONS, pinnedCliPath };

/** Whether the pinned CLI `version` is installed (`deno task setup`). */
export function hasCli(version: string): boolean {
  try {
    return Deno.statSync(pinnedCliPath(version)).isFile;
  } catch {
    return false;
  }
}

/** A fake API, a fresh HOME and a working directory for one test; dispose to clean up. */
export interface Offline extends AsyncDisposable {
  api: FakeApi;
  home: string;
  cwd: string;
  /** Run options that point the pinned CLI `version` at the fake API. */
  options(version: string, extra?: RunOptions): RunOptions;
  /** The variables of {@linkcode options} that are set, for a process started by hand. */
  vars(version: string): Record<string, string>;
}

/** Starts a fake API with `script` and makes a fresh HOME and cwd. */
export async function offline(
  script: FakeScript,
  settings: { maxRetries?: number } = {},
): Promise<Offline> {
  const api = await startFakeApi({ script });
  const home = await Deno.makeTempDir({ prefix: "claw-test-home-" });
  const cwd = await Deno.makeTempDir({ prefix: "claw-test-cwd-" });
  // The CLI writes temp files under TMPDIR: keep them inside the throw-away HOME.
  const tmp = `${home}/tmp`;
  await Deno.mkdir(tmp);
  const env = offlineEnv({
    apiUrl: api.url,
    home,
    maxRetries: settings.maxRetries ?? 0,
    tmpDir: tmp,
  });
  const options = (version: string, extra: RunOptions = {}): RunOptions => ({
    cli: pinnedCliPath(version),
    cwd,
    timeoutMs: 90_000,
    ...extra,
    env: { ...env, ...extra.env },
  });
  return {
    api,
    home,
    cwd,
    options,
    vars(version) {
      const defined = Object.entries(options(version).env ?? {})
        .filter((entry): entry is [string, string] => entry[1] !== undefined);
      return Object.fromEntries(defined);
    },
    async [Symbol.asyncDispose]() {
      await api.close();
      await Deno.remove(home, { recursive: true }).catch(() => {});
      await Deno.remove(cwd, { recursive: true }).catch(() => {});
    },
  };
}

/** Whether a process with `pid` still exists (zombies count as gone: they hold no resources). */
export function processAlive(pid: number): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return !/^\d+ \(.*\) Z /.test(stat);
  } catch {
    return false;
  }
}

/** The pids of live processes whose parent is `pid`. */
export function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const stat = Deno.readTextFileSync(`/proc/${entry.name}/stat`);
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[1]) === pid && fields[0] !== "Z") children.push(Number(entry.name));
    } catch {
      // exited while we looked
    }
  }
  return children;
}

/** Run options that record the run (the real CLI, found from `cli`) as a cassette at `path`. */
export function recordTo(path: string): Pick<RunOptions, "spawner"> {
  return { spawner: recordingSpawner(denoSpawner, { save: saveCassette(path) }) };
}
