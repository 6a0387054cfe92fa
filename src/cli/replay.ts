/**
 * `claw replay`: serve cassettes as a drop-in fake `claude`.
 *
 * Everything the launcher will need is checked when it is written, not when a run first uses it:
 * the folder of cassettes, where the launcher goes, and the real CLI of the modes that run one.
 *
 * @module
 */
import { join, resolve } from "node:path";
import {
  type CassetteMode,
  parseCassetteMode,
  playlistFromEnv,
} from "../cassette/cassette_spawner.ts";
import { exitLike } from "./_exit_like.ts";
import { CassetteStore } from "../cassette/cassette_store.ts";
import { checkWritable } from "../cassette/recorder.ts";
import {
  type FakeClaudeConfig,
  fakeClaudeConfig,
  type FakeClaudeLauncher,
  launcherEnv,
  runFakeClaude,
  writeFakeClaude,
} from "../cassette/fake_claude.ts";
import { parseTiming, type ReplayTiming } from "../cassette/timing.ts";
import { parseFaults } from "../cassette/faults.ts";
import { ClaudeNotFoundError } from "../errors/claw_error.ts";
import { UsageError } from "./_args.ts";
import { type Flag, flagHelp, parseFlags } from "./_flags.ts";
import { checkFolder, checkOutputPath } from "./_paths.ts";

const FLAGS: readonly Flag[] = [
  {
    name: "cassettes",
    option: "cassettes",
    type: "string",
    value: "DIR",
    help: "The folder of cassettes (it must exist in replay mode)",
  },
  {
    name: "write-bin",
    option: "writeBin",
    type: "string",
    value: "PATH",
    help: "Write a launcher script to PATH (made executable)",
  },
  {
    name: "mode",
    option: "mode",
    type: "string",
    value: "MODE",
    help: "replay (default), record, auto, passthrough",
  },
  {
    name: "timing",
    option: "timing",
    type: "string",
    value: "TIMING",
    help: "instant (default), recorded, or a factor such as 0.5",
  },
  {
    name: "real-claude",
    option: "realClaude",
    type: "string",
    value: "PATH",
    help: "The real CLI: needed by record, auto and passthrough",
  },
  {
    name: "usage",
    option: "usage",
    type: "string",
    value: "FILE",
    help: "Append what every run served and missed to FILE (for claw cassette usage)",
  },
  {
    name: "playlist",
    option: "playlist",
    type: "string",
    value: "A,B,…",
    help: "Cassettes of DIR that answer matching runs in this order (needs --usage)",
  },
  {
    name: "fault",
    option: "fault",
    type: "repeat",
    value: "SPEC",
    help: "Inject a fault into every replayed run (repeatable; the forms are below)",
  },
  {
    name: "json",
    option: "json",
    type: "boolean",
    help: "Report the launcher written as one JSON line on stdout (stable shape)",
  },
  { name: "help", short: "h", option: "help", type: "boolean", help: "Show this help" },
];

/** Help for `claw replay`. */
export const help = `Usage: claw replay --cassettes DIR --write-bin PATH [options]
       claw replay --cassettes DIR [options] -- CLAUDE_ARGS…

Serve recorded cassettes as the Claude Code CLI. --write-bin writes an executable launcher (name it
claude) that code which spawns claude itself can use; the second form runs one replay directly.
A run is matched to a cassette by its arguments; in replay mode a miss fails and names the nearest
cassette and the first argument that differs.

Checked before anything is written or run: in replay mode DIR must be an existing folder (in record
and auto mode it is made); record, auto and passthrough need --real-claude (or, for the second
form, CLAW_REAL_CLAUDE).

Options:
${flagHelp(FLAGS)}

--fault SPEC (repeated or comma-separated; a launcher's default for CLAW_CASSETTE_FAULTS) makes
every replayed run fail on purpose: crash-after:N (killed by SIGKILL after N stdout lines),
exit-after:N:CODE, stall-after:N (silent and alive until signalled), latency:MS (before each
line), stderr:TEXT, or api-error:KIND (the lines, stderr and exit code the real CLI printed for
overloaded, rate_limit, context_window, auth or provider_internal). Checked before anything is
written or run.

With --json, --write-bin prints
  {"launcher":"/abs/PATH","cassettes":"/abs/DIR","cassette_count":44,"mode":"replay",
   "timing":"instant","real_claude":null}
and a refusal prints {"error":{"kind":…,"message":…,"hint":…,…}}. (A direct run's stdout is the
replayed CLI's.)

Exit codes: 0 written (a direct run: the replayed exit code), 1 failure, 2 usage error.

Examples:
  claw replay --cassettes fixtures/cassettes/2.1.332 --write-bin /tmp/bin/claude
  claw run --cli /tmp/bin/claude "Say hello"
  claw replay --cassettes cassettes --mode auto --real-claude "$(which claude)" -- -p "Hi"
  claw replay --cassettes fixtures/cassettes/2.1.332 --fault crash-after:2 -- -p "Say hello"
  claw replay --cassettes retry --playlist fail.ndjson,ok.ndjson --usage usage.ndjson --write-bin bin/claude
`;

/** What `claw replay --write-bin … --json` prints: the launcher and what it serves. */
export interface ReplayReport {
  /** The launcher script, absolute. */
  launcher: string;
  /** The folder of cassettes, absolute. */
  cassettes: string;
  /** How many cassettes the folder holds now (0 in passthrough mode, which never reads it). */
  cassette_count: number;
  /** The launcher's default mode. */
  mode: CassetteMode;
  /** The launcher's default replay speed. */
  timing: ReplayTiming;
  /** The real CLI, absolute, when one was given. */
  real_claude: string | null;
}

/** Runs `claw replay` with `args`; returns the exit code. */
export async function run(args: string[]): Promise<number> {
  const separator = args.indexOf("--");
  const own = separator === -1 ? args : args.slice(0, separator);
  const { values: given, positionals } = parseFlags(own, FLAGS);
  const values = given as Partial<Record<string, string>>;
  if (positionals.length) throw new UsageError(`Unexpected argument "${positionals[0]}"`);
  if (!values.cassettes) throw new UsageError("Missing --cassettes DIR");
  const faults = (given.fault as string[] | undefined)?.join(",");
  let launcher: Launcher;
  try {
    launcher = {
      cassettes: values.cassettes,
      mode: values.mode ? parseCassetteMode(values.mode) : "replay" as const,
      ...(values.timing ? { timing: parseTiming(values.timing) } : {}),
      ...(values["real-claude"] ? { realClaude: values["real-claude"] } : {}),
      ...(values.usage ? { usage: values.usage } : {}),
      ...(values.playlist
        ? { playlist: playlistFromEnv({ CLAW_CASSETTE_PLAYLIST: values.playlist }) ?? [] }
        : {}),
      ...(faults ? { faults: checkFaults(faults) } : {}),
    };
  } catch (error) {
    throw new UsageError((error as Error).message, { cause: error });
  }
  const writeBin = values["write-bin"];
  if (writeBin && separator !== -1) {
    throw new UsageError("Pass either --write-bin or -- CLAUDE_ARGS, not both");
  }
  if (!writeBin && separator === -1) {
    throw new UsageError("Missing --write-bin PATH or -- CLAUDE_ARGS");
  }

  const env = Deno.env.toObject();
  checkRealClaudeGiven(launcher, writeBin, env);
  if (launcher.realClaude) await checkExecutable("--real-claude", launcher.realClaude);
  await checkPlaylist(launcher, env);
  // These two may make folders: they come after the checks that change nothing.
  await checkCassettes(launcher);
  if (writeBin) await checkOutputPath("--write-bin", writeBin);

  if (writeBin) {
    const count = await countCassettes(launcher);
    await writeFakeClaude(writeBin, launcher);
    if (values.json) console.log(JSON.stringify(replayReport(writeBin, launcher, count)));
    else console.log(writeBin);
    return 0;
  }
  return await exitLike(
    await runFakeClaude(args.slice(separator + 1), directConfig(launcher, env)),
  );
}

/** The fake claude's settings for a direct run, checked: a bad variable is a usage error. */
function directConfig(launcher: Launcher, env: Record<string, string>): FakeClaudeConfig {
  try {
    return fakeClaudeConfig({ ...env, ...launcherEnv(launcher) });
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    throw new UsageError(error.message, { cause: error });
  }
}

/**
 * A playlist names cassettes of the folder, and is counted in a usage log: the fake claude is a
 * new process for every run.
 */
async function checkPlaylist(launcher: Launcher, env: Record<string, string>): Promise<void> {
  if (!launcher.playlist) return;
  if (launcher.playlist.length === 0) throw new UsageError("--playlist names no cassette");
  if (!launcher.usage && !env.CLAW_CASSETTE_USAGE) {
    throw new UsageError(
      "--playlist needs --usage FILE: each run of the fake claude is a new process, and the playlist's place is counted in the usage log",
    );
  }
  try {
    await CassetteStore.open(launcher.cassettes, { playlist: launcher.playlist });
  } catch (error) {
    throw new UsageError((error as Error).message, { cause: error });
  }
}

/** `faults`, the --fault values joined by commas, once checked (a `TypeError` when wrong). */
function checkFaults(faults: string): string {
  parseFaults(faults, { source: "--fault" });
  return faults;
}

/** The launcher `claw replay` writes or runs: the mode is always chosen. */
type Launcher = FakeClaudeLauncher & { mode: CassetteMode };

function replayReport(path: string, launcher: Launcher, count: number): ReplayReport {
  return {
    launcher: resolve(path),
    cassettes: resolve(launcher.cassettes),
    cassette_count: count,
    mode: launcher.mode,
    timing: launcher.timing ?? "instant",
    real_claude: launcher.realClaude ? resolve(launcher.realClaude) : null,
  };
}

/**
 * The modes that run the real CLI need to be told which one: a launcher must never look `claude`
 * up on PATH, where it may find itself. A direct run may take it from `CLAW_REAL_CLAUDE`.
 */
function checkRealClaudeGiven(
  launcher: Launcher,
  writeBin: string | undefined,
  env: Record<string, string>,
): void {
  const real = launcher.realClaude;
  if (launcher.mode !== "replay" && !real && (writeBin || !env.CLAW_REAL_CLAUDE)) {
    throw new UsageError(
      `--mode ${launcher.mode} runs the real CLI: pass --real-claude PATH (for example --real-claude "$(which claude)")`,
    );
  }
  if (real && writeBin && resolve(real) === resolve(writeBin)) {
    throw new UsageError(
      `--real-claude and --write-bin are the same file "${writeBin}": the launcher would run itself: pass the real claude to --real-claude`,
    );
  }
}

/**
 * Checks the folder of cassettes for the mode: replay needs an existing folder; record and auto
 * make it and check that it is writable; passthrough never reads it.
 */
async function checkCassettes(launcher: Launcher): Promise<void> {
  const dir = launcher.cassettes;
  if (launcher.mode === "replay") {
    const what = "the folder the cassettes are in (claw record -o DIR/NAME.ndjson records one)";
    await checkFolder("--cassettes", dir, what);
  } else if (launcher.mode !== "passthrough") {
    // The folder is made, and a file written and removed in it, so recording cannot fail there.
    try {
      await checkWritable(join(dir, "cassette.ndjson"));
    } catch (error) {
      throw new UsageError(
        `Cannot record into --cassettes "${dir}": ${
          (error as Error).message
        }: pass a writable folder`,
        { cause: error },
      );
    }
  }
}

/**
 * How many cassettes the folder holds (0 in passthrough mode, which never reads it). Cassettes
 * that no run could use (two with the same key, an unknown format, a record a replay could not
 * play) are refused here, when the launcher is written, rather than on every run; an empty folder
 * in replay mode is a warning.
 */
async function countCassettes(launcher: Launcher): Promise<number> {
  if (launcher.mode === "passthrough") return 0;
  let store: CassetteStore;
  try {
    store = await CassetteStore.open(
      launcher.cassettes,
      launcher.playlist ? { playlist: launcher.playlist } : {},
    );
    await store.check();
  } catch (error) {
    if (!(error instanceof TypeError || error instanceof SyntaxError)) throw error;
    throw new UsageError(`Cannot use --cassettes "${launcher.cassettes}": ${error.message}`, {
      cause: error,
    });
  }
  const count = store.cassettes.length;
  if (count === 0 && launcher.mode === "replay") {
    console.error(
      `warning: --cassettes "${launcher.cassettes}" holds no cassettes: every run will miss until one is recorded there`,
    );
  }
  return count;
}

/** Checks that `path`, given with `flag`, is an executable file. */
async function checkExecutable(flag: string, path: string): Promise<void> {
  let info: Deno.FileInfo | undefined;
  try {
    info = await Deno.stat(path);
  } catch {
    info = undefined;
  }
  const executable = info?.isFile && (Deno.build.os === "windows" || ((info.mode ?? 0) & 0o111));
  if (executable) return;
  throw new ClaudeNotFoundError(
    `Cannot run "${path}" given with ${flag}: it is not an executable file`,
    { hint: `Pass the path of the real claude executable, for example ${flag} "$(which claude)"` },
  );
}
