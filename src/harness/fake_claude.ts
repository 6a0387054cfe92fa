/**
 * The drop-in fake `claude`: a process that behaves like the recorded CLI for code that spawns
 * `claude` itself. It is configured by environment variables, so a launcher script named `claude`
 * can stand in anywhere a real one would (`claw replay --write-bin` writes one).
 *
 * | variable | meaning |
 * |---|---|
 * | `CLAW_CASSETTES` | the folder of cassettes to serve |
 * | `CLAW_CASSETTE_MODE` | `replay` (default under CI), `record`, `auto` (default elsewhere), `passthrough` |
 * | `CLAW_CASSETTE_TIMING` | `instant` (default), `recorded`, or a factor such as `0.5` |
 * | `CLAW_REAL_CLAUDE` | the real CLI, for `record`, `auto` and `passthrough` |
 *
 * @module
 */
import { findClaude } from "../process/discover.ts";
import type { Spawner, SpawnRequest } from "../process/spawn.ts";
import { denoSpawner } from "../process/deno_spawner.ts";
import { cassetteModeFromEnv, cassetteSpawner } from "./cassette_spawner.ts";
import { CassetteStore } from "./cassette_store.ts";
import { parseTiming } from "./timing.ts";

/** What the fake claude needs to know, read from the environment by {@linkcode fakeClaudeConfig}. */
export interface FakeClaudeConfig {
  dir: string;
  env: Record<string, string>;
}

/**
 * Reads and checks the fake claude's configuration. Throws a `TypeError` that names the variable
 * when something is missing or misspelled.
 */
export function fakeClaudeConfig(
  env: Record<string, string> = Deno.env.toObject(),
): FakeClaudeConfig {
  const dir = env.CLAW_CASSETTES;
  if (!dir) {
    throw new TypeError("CLAW_CASSETTES is not set: point it at the folder of cassettes to replay");
  }
  cassetteModeFromEnv(env);
  parseTiming(env.CLAW_CASSETTE_TIMING);
  return { dir, env };
}

/** The spawner of the real CLI named by `CLAW_REAL_CLAUDE` (or found as usual). */
function realSpawner(env: Record<string, string>): Spawner {
  return (request) => {
    const cli =
      findClaude({ ...(env.CLAW_REAL_CLAUDE ? { cli: env.CLAW_REAL_CLAUDE } : {}), env }).path;
    return denoSpawner({ ...request, command: cli });
  };
}

/**
 * Runs the fake claude with `args` as the real CLI would get them, wired to this process's stdio;
 * returns the exit code to end with (or the signal to die of).
 *
 * `--version` answers with the CLI version the cassettes were recorded with.
 *
 * @example
 * ```ts ignore
 * // what `claw fake-claude -p --output-format=stream-json --verbose -- "Say hi"` does
 * const { code } = await runFakeClaude(Deno.args);
 * ```
 */
export async function runFakeClaude(
  args: string[],
  config: FakeClaudeConfig = fakeClaudeConfig(),
): Promise<{ code: number; signal: Deno.Signal | null }> {
  if (args.length === 1 && (args[0] === "--version" || args[0] === "-v")) {
    const store = await CassetteStore.open(config.dir);
    const version = store.cassettes.map((c) => c.header.cli_version).find((v) => v);
    console.log(`${version ?? "0.0.0"} (Claude Code)`);
    return { code: 0, signal: null };
  }
  const spawner = cassetteSpawner({
    dir: config.dir,
    mode: cassetteModeFromEnv(config.env),
    timing: parseTiming(config.env.CLAW_CASSETTE_TIMING),
    real: realSpawner(config.env),
  });
  const request: SpawnRequest = { command: "claude", args, env: config.env, cwd: Deno.cwd() };
  const child = spawner(request);
  const forward = (signal: Deno.Signal) => () => child.kill(signal);
  const handlers = (["SIGINT", "SIGTERM"] as const).map((s) => [s, forward(s)] as const);
  for (const [signal, handler] of handlers) Deno.addSignalListener(signal, handler);
  try {
    Deno.stdin.readable.pipeTo(child.stdin).catch(() => {});
    await Promise.all([
      child.stdout.pipeTo(Deno.stdout.writable, { preventClose: true }),
      child.stderr.pipeTo(Deno.stderr.writable, { preventClose: true }),
    ]);
    return await child.status;
  } finally {
    for (const [signal, handler] of handlers) Deno.removeSignalListener(signal, handler);
  }
}
