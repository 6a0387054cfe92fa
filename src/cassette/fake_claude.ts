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
 * | `CLAW_CASSETTE_USAGE` | a usage log every run appends to (see `usage_log.ts`); runs are counted from it, for `times` and playlists |
 * | `CLAW_CASSETTE_PLAYLIST` | cassettes (paths in the folder, comma-separated) that answer the runs that match them in order; needs `CLAW_CASSETTE_USAGE` |
 * | `CLAW_CASSETTE_FAULTS` | faults injected into every replayed run, such as `crash-after:2` or `api-error:overloaded` (see `faults.ts`) |
 *
 * @module
 */
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { CASSETTE_MISS_PREFIX, ClaudeNotFoundError, ClawError } from "../errors/claw_error.ts";
import { isExecutableFile } from "../process/discover.ts";
import type { ClaudeProcess, ProcessStatus, Spawner, SpawnRequest } from "../process/spawn.ts";
import { denoSpawner } from "../process/deno_spawner.ts";
import { bridgeStdio } from "../process/stdio_bridge.ts";
import {
  type CassetteMode,
  cassetteModeFromEnv,
  cassetteSpawner,
  playlistFromEnv,
} from "./cassette_spawner.ts";
import { parseTiming, type ReplayTiming } from "./timing.ts";
import { faultsFromEnv } from "./faults.ts";
import { messageOf } from "../errors/message_of.ts";

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
  faultsFromEnv(env);
  if (playlistFromEnv(env) && !env.CLAW_CASSETTE_USAGE) {
    throw new TypeError(
      "CLAW_CASSETTE_PLAYLIST is set but CLAW_CASSETTE_USAGE is not: each run of the fake claude is a new process, so it counts the playlist's runs in the usage log; set CLAW_CASSETTE_USAGE to a file",
    );
  }
  return { dir, env };
}

/** The spawner of the real CLI named by `CLAW_REAL_CLAUDE` (or found as usual). */
function realSpawner(env: Record<string, string>): Spawner {
  return (request) => {
    const real = env.CLAW_REAL_CLAUDE;
    if (!real) {
      // Searching PATH could find this very launcher (it is called claude): the real one is named.
      throw new ClaudeNotFoundError(
        `CLAW_CASSETTE_MODE=${
          cassetteModeFromEnv(env)
        } runs the real CLI, but CLAW_REAL_CLAUDE is not set: set it to the real claude executable (claw replay --real-claude PATH --write-bin … writes it into the launcher)`,
        { hint: "Set CLAW_REAL_CLAUDE, or use CLAW_CASSETTE_MODE=replay" },
      );
    }
    if (!isExecutableFile(real)) {
      throw new ClaudeNotFoundError(
        `Cannot run "${real}" from CLAW_REAL_CLAUDE: it is not an executable file`,
        { hint: "Set CLAW_REAL_CLAUDE to the real claude executable, for example $(which claude)" },
      );
    }
    return denoSpawner({ ...request, command: real });
  };
}

/**
 * Runs the fake claude with `args` as the real CLI would get them, wired to this process's stdio;
 * returns the exit code to end with (or the signal to die of). A miss is printed as every claw
 * failure is, `error[cassette_miss]: <message>` then `hint: <hint>` on stderr, and exit code 1.
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
  let interruption: string | undefined;
  const playlist = playlistFromEnv(config.env);
  const spawner = cassetteSpawner({
    dir: config.dir,
    mode: cassetteModeFromEnv(config.env),
    timing: parseTiming(config.env.CLAW_CASSETTE_TIMING),
    real: realSpawner(config.env),
    ...(config.env.CLAW_CASSETTE_USAGE ? { usage: config.env.CLAW_CASSETTE_USAGE } : {}),
    ...(playlist ? { playlist } : {}),
    sharedCounts: true,
    faults: faultsFromEnv(config.env),
    interruption: () => interruption === undefined ? undefined : { reason: interruption },
  });
  const request: SpawnRequest = { command: "claude", args, env: config.env, cwd: Deno.cwd() };
  let child: ClaudeProcess;
  try {
    child = await spawner(request);
  } catch (error) {
    return fail(error);
  }
  let status: ProcessStatus;
  try {
    status = await bridgeStdio(child, {
      onSignal: (signal) => interruption ??= `the fake claude got ${signal}`,
      onStdoutClosed: () => interruption ??= "stdout closed",
    });
  } catch (error) {
    return fail(error); // auto mode could not start the real CLI it turned to
  }
  return status.failure ? fail(status.failure) : status;
}

/**
 * Says on stderr why the fake claude cannot serve the run, and exits 1. A miss is the two lines
 * every claw failure prints (`error[cassette_miss]: …`, `hint: …`): across the process boundary
 * it can only travel as text, which a run turns back into the same `CassetteMissError`.
 */
function fail(error: unknown): { code: number; signal: null } {
  const message = messageOf(error);
  if (error instanceof ClawError && error.kind === "cassette_miss") {
    console.error(`${CASSETTE_MISS_PREFIX}${message}\nhint: ${error.hint}`);
  } else {
    console.error(`claw fake-claude: ${message}`);
  }
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
  /** Faults injected into every replayed run: a fault list (see `parseFaults` in `faults.ts`). */
  faults?: string;
  /** The usage log every run appends to (made absolute). */
  usage?: string;
  /** The playlist: cassettes of the folder that answer matching runs in order (needs `usage`). */
  playlist?: readonly string[];
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
    ...(launcher.faults ? { CLAW_CASSETTE_FAULTS: launcher.faults } : {}),
    ...(launcher.usage ? { CLAW_CASSETTE_USAGE: resolve(launcher.usage) } : {}),
    ...(launcher.playlist?.length ? { CLAW_CASSETTE_PLAYLIST: launcher.playlist.join(",") } : {}),
  };
}

/**
 * Writes an executable launcher script at `path` (name it `claude`) that runs this claw as the
 * fake claude for `launcher`: what `claw replay --write-bin` does. The settings are defaults that
 * the same variables in the environment override.
 *
 * The launcher finds Deno when it runs, not when it is written, so that it survives the Deno it
 * was written with going away (an npx cache cleared): `CLAW_DENO` if set, else `deno` on `PATH`,
 * else the Deno that wrote it. When none is there it prints one line on stderr that says which
 * Deno it needs and how to get it, and exits 127.
 *
 * @example Write a launcher and ask it for the CLI version
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { join } from "node:path";
 * import { writeFakeClaude } from "./fake_claude.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await Deno.mkdir(join(dir, "cassettes"));
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
    ...execClaw(),
    "",
  ].join("\n");
  await Deno.mkdir(dirname(resolve(path)), { recursive: true });
  await Deno.writeTextFile(path, script, { mode: 0o755 });
  await Deno.chmod(path, 0o755);
}

/**
 * The lines that start claw again as the fake claude: the compiled binary itself, or main.ts with
 * the Deno found when the launcher runs (`CLAW_DENO`, `deno` on PATH, then the running one).
 */
function execClaw(): string[] {
  const exec = Deno.execPath();
  if (!/(^|\/)deno(\.exe)?$/.test(exec)) return [`exec ${quote(exec)} fake-claude "$@"`];
  const fallback = exec;
  const main = fileURLToPath(new URL("../../main.ts", import.meta.url));
  const version = Deno.version.deno;
  const missing =
    `claw fake-claude: Cannot find Deno to run claw (${main}): "deno" is not on PATH, CLAW_DENO is not set and ${
      JSON.stringify(fallback)
    }, the Deno that wrote this launcher, is gone; install Deno ${version} with npm i -g deno@${version} or set CLAW_DENO to a deno executable`;
  return [
    "# Deno is found when the launcher runs: CLAW_DENO, else deno on PATH, else the one that wrote it.",
    'if [ -n "${CLAW_DENO:-}" ]; then deno=$CLAW_DENO',
    "elif command -v deno >/dev/null 2>&1; then deno=deno",
    `elif [ -x ${quote(fallback)} ]; then deno=${quote(fallback)}`,
    `else echo ${quote(missing)} >&2; exit 127`,
    "fi",
    `exec "$deno" run -A --quiet ${quote(main)} fake-claude "$@"`,
  ];
}

function quote(value: string): string {
  return `'${value.replaceAll("'", `'"'"'`)}'`;
}
