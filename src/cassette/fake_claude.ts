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
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { CASSETTE_MISS_PREFIX, ClawError } from "../errors/claw_error.ts";
import { findClaude } from "../process/discover.ts";
import type { ClaudeProcess, Spawner, SpawnRequest } from "../process/spawn.ts";
import { denoSpawner } from "../process/deno_spawner.ts";
import { type CassetteMode, cassetteModeFromEnv, cassetteSpawner } from "./cassette_spawner.ts";
import { parseTiming, type ReplayTiming } from "./timing.ts";

/** What the fake claude needs to know, read from the environment by {@linkcode fakeClaudeConfig}. */
export interface FakeClaudeConfig {
  /** The folder of cassettes. */
  dir: string;
  /** The environment the fake claude runs with (its settings, and what the real CLI gets). */
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
 * returns the exit code to end with (or the signal to die of). A miss is one line on stderr that
 * starts with `claw cassette miss: `, and exit code 1.
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
  const spawner = cassetteSpawner({
    dir: config.dir,
    mode: cassetteModeFromEnv(config.env),
    timing: parseTiming(config.env.CLAW_CASSETTE_TIMING),
    real: realSpawner(config.env),
  });
  const request: SpawnRequest = { command: "claude", args, env: config.env, cwd: Deno.cwd() };
  let child: ClaudeProcess;
  try {
    child = await spawner(request);
  } catch (error) {
    return fail(error);
  }
  const forward = (signal: Deno.Signal) => () => child.kill(signal);
  const handlers = (["SIGINT", "SIGTERM"] as const).map((s) => [s, forward(s)] as const);
  for (const [signal, handler] of handlers) Deno.addSignalListener(signal, handler);
  try {
    Deno.stdin.readable.pipeTo(child.stdin).catch(() => {});
    await Promise.all([
      child.stdout.pipeTo(Deno.stdout.writable, { preventClose: true }),
      child.stderr.pipeTo(Deno.stderr.writable, { preventClose: true }),
    ]);
    const status = await child.status;
    return status.failure ? fail(status.failure) : status;
  } finally {
    for (const [signal, handler] of handlers) Deno.removeSignalListener(signal, handler);
  }
}

/**
 * Says on stderr why the fake claude cannot serve the run, and exits 1: across the process
 * boundary a miss can only travel as text, under the prefix a run turns back into a
 * `CassetteMissError`.
 */
function fail(error: unknown): { code: number; signal: null } {
  const message = error instanceof Error ? error.message : String(error);
  const miss = error instanceof ClawError && error.kind === "cassette_miss";
  console.error(`${miss ? CASSETTE_MISS_PREFIX : "claw fake-claude: "}${message}`);
  return { code: 1, signal: null };
}

/** What a fake claude launcher serves: see {@linkcode writeFakeClaude}. */
export interface FakeClaudeLauncher {
  /** The folder of cassettes (made absolute). */
  cassettes: string;
  /** The cassette mode; `replay` by default. */
  mode?: CassetteMode;
  /** The replay speed; instant by default. */
  timing?: ReplayTiming;
  /** The real CLI, for `record`, `auto` and `passthrough` (made absolute). */
  realClaude?: string;
}

/**
 * The environment variables that configure the fake claude for `launcher`.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { launcherEnv } from "./fake_claude.ts";
 *
 * deepStrictEqual(launcherEnv({ cassettes: "/c", timing: 0.5 }), {
 *   CLAW_CASSETTES: "/c",
 *   CLAW_CASSETTE_MODE: "replay",
 *   CLAW_CASSETTE_TIMING: "0.5",
 * });
 * ```
 */
export function launcherEnv(launcher: FakeClaudeLauncher): Record<string, string> {
  return {
    CLAW_CASSETTES: resolve(launcher.cassettes),
    CLAW_CASSETTE_MODE: launcher.mode ?? "replay",
    ...(launcher.timing === undefined ? {} : { CLAW_CASSETTE_TIMING: String(launcher.timing) }),
    ...(launcher.realClaude ? { CLAW_REAL_CLAUDE: resolve(launcher.realClaude) } : {}),
  };
}

/**
 * Writes an executable launcher script at `path` (name it `claude`) that runs this claw as the
 * fake claude for `launcher`: what `claw replay --write-bin` does. The settings are defaults that
 * the same variables in the environment override.
 *
 * @example Write a launcher and ask it for the CLI version
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { join } from "node:path";
 * import { writeFakeClaude } from "./fake_claude.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await writeFakeClaude(join(dir, "bin", "claude"), { cassettes: join(dir, "cassettes") });
 * const out = await new Deno.Command(join(dir, "bin", "claude"), { args: ["--version"] }).output();
 * strictEqual(new TextDecoder().decode(out.stdout), "0.0.0 (Claude Code)\n");
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function writeFakeClaude(path: string, launcher: FakeClaudeLauncher): Promise<void> {
  // Inside "${NAME:=…}" a shell still expands $, ` and \, and " would end the word.
  const escape = (value: string) => value.replace(/[\\"$`]/g, "\\$&");
  const defaults = Object.entries(launcherEnv(launcher)).map(([name, value]) =>
    `: "\${${name}:=${escape(value)}}"; export ${name}`
  );
  const script = [
    "#!/bin/sh",
    "# A drop-in fake claude written by `claw replay --write-bin`: it replays claw cassettes.",
    "# The variables below are defaults; set them in the environment to override.",
    ...defaults,
    `exec ${clawCommand().map(quote).join(" ")} fake-claude "$@"`,
    "",
  ].join("\n");
  await Deno.mkdir(dirname(resolve(path)), { recursive: true });
  await Deno.writeTextFile(path, script, { mode: 0o755 });
  await Deno.chmod(path, 0o755);
}

/** The command that starts claw again: the compiled binary itself, or deno with main.ts. */
function clawCommand(): string[] {
  const exec = Deno.execPath();
  if (!/(^|\/)deno(\.exe)?$/.test(exec)) return [exec];
  return [exec, "run", "-A", "--quiet", fileURLToPath(new URL("../../main.ts", import.meta.url))];
}

function quote(value: string): string {
  return `'${value.replaceAll("'", `'"'"'`)}'`;
}
