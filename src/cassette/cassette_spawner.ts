/**
 * Cassette modes: replay recorded runs, record new ones, record only what is missing, or pass
 * through to the real CLI, all behind the process seam.
 *
 * @module
 */
import { join } from "node:path";
import { denoSpawner } from "../process/deno_spawner.ts";
import { findClaude, isExecutableFile } from "../process/discover.ts";
import {
  type CliNeed,
  cliNeedOf,
  type Spawner,
  type SpawnRequest,
  withCliNeed,
} from "../process/spawn.ts";
import { parseArgv } from "./canonical_argv.ts";
import type { CassetteHeader } from "./cassette.ts";
import { faultInjector, type FaultsOption } from "./faults.ts";
import type { MatchRequest } from "./matchers.ts";
import { UsageLog } from "./usage_log.ts";
import { inputText } from "./run_input.ts";
import { CassetteStore } from "./cassette_store.ts";
import { recordingSpawner, type RecordOptions, saveCassette } from "./recorder.ts";
import { replayRequest } from "./replay_request.ts";
import { replayOrRecord } from "./_replay_or_record.ts";
import { asksVersion, requestKey } from "./request.ts";
import { parseTiming, type ReplayTiming } from "./timing.ts";

/** The cassette modes. */
export const CASSETTE_MODES = ["replay", "record", "auto", "passthrough"] as const;

/** `replay`: never reaches a real CLI, a miss fails. `record`: always run the real CLI and save.
 * `auto`: replay when recorded, else record. `passthrough`: the real CLI, nothing saved. */
export type CassetteMode = typeof CASSETTE_MODES[number];

/** Options for {@linkcode cassetteSpawner}. */
export interface CassetteOptions {
  /** The folder of cassettes. */
  dir: string;
  /** The mode; see {@linkcode cassetteModeFromEnv} for the default. */
  mode?: CassetteMode;
  /** Replay speed; instant by default. */
  timing?: ReplayTiming;
  /**
   * Starts the real CLI in record, auto and passthrough modes: by default the CLI that `run()`
   * found (see `CliNeed`), started with `denoSpawner`.
   */
  real?: Spawner;
  /** Receives warnings, such as a cassette recorded with another CLI version. */
  onWarning?: (message: string) => void;
  /** The CLI version in use; a cassette recorded with another one is flagged through `onWarning`. */
  cliVersion?: string;
  /** Why a recorded run was signalled, when the caller knows: see `RecordOptions.interruption`. */
  interruption?: RecordOptions["interruption"];
  /**
   * Faults injected into every replayed run (not into `--version` probes, recordings or
   * passthrough): a fault list (see `parseFaults`), the faults, or a function that picks each
   * run's. Default: `CLAW_CASSETTE_FAULTS`, checked when the spawner is made.
   */
  faults?: FaultsOption;
  /**
   * Decides instead of the argv and the header's match rules whether a cassette answers a run
   * (see `match` in `matchers.ts`, which it may call). The stdin rules still apply.
   */
  match?: (request: MatchRequest, cassette: CassetteHeader) => boolean;
  /**
   * Cassettes of the folder (paths relative to it) that answer, in order, the runs that match
   * them: a retry loop's calls get one recording each. Default: `CLAW_CASSETTE_PLAYLIST`, a
   * comma-separated list.
   */
  playlist?: readonly string[];
  /**
   * A file every replay appends what it served and what missed to (see `usage_log.ts`), for
   * `claw cassette usage`. Default: `CLAW_CASSETTE_USAGE`.
   */
  usage?: string;
  /**
   * Count the runs served for `times` and the playlist from the usage log, across processes, not
   * only this spawner's runs: what the fake `claude`, a new process per run, does.
   */
  sharedCounts?: boolean;
}

/**
 * The playlist in `CLAW_CASSETTE_PLAYLIST`: cassette paths, relative to the folder, separated by
 * commas.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { playlistFromEnv } from "./cassette_spawner.ts";
 *
 * deepStrictEqual(playlistFromEnv({ CLAW_CASSETTE_PLAYLIST: "fail.ndjson, ok.ndjson" }), ["fail.ndjson", "ok.ndjson"]);
 * ```
 */
export function playlistFromEnv(
  env: Record<string, string | undefined> = Deno.env.toObject(),
): string[] | undefined {
  const list = env.CLAW_CASSETTE_PLAYLIST?.split(",").map((name) => name.trim()).filter(Boolean);
  return list?.length ? list : undefined;
}

/**
 * Parses a cassette mode; a misspelled one is an error that lists the modes.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert";
 * import { parseCassetteMode } from "./cassette_spawner.ts";
 *
 * assert(parseCassetteMode("auto") === "auto");
 * ```
 */
export function parseCassetteMode(text: string): CassetteMode {
  if ((CASSETTE_MODES as readonly string[]).includes(text)) return text as CassetteMode;
  throw new TypeError(`Invalid cassette mode "${text}": use ${CASSETTE_MODES.join(", ")}`);
}

/**
 * The mode from `CLAW_CASSETTE_MODE`, else `replay` under CI (`CI` set) and `auto` elsewhere.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert";
 * import { cassetteModeFromEnv } from "./cassette_spawner.ts";
 *
 * assert(cassetteModeFromEnv({ CI: "true" }) === "replay");
 * assert(cassetteModeFromEnv({ CLAW_CASSETTE_MODE: "record" }) === "record");
 * ```
 */
export function cassetteModeFromEnv(
  env: Record<string, string | undefined> = Deno.env.toObject(),
): CassetteMode {
  const chosen = env.CLAW_CASSETTE_MODE;
  if (chosen) {
    try {
      return parseCassetteMode(chosen);
    } catch {
      throw new TypeError(
        `Invalid CLAW_CASSETTE_MODE "${chosen}": use ${CASSETTE_MODES.join(", ")}`,
      );
    }
  }
  return env.CI && env.CI !== "false" ? "replay" : "auto";
}

/**
 * A file name for a new cassette: a slug of its first input (the prompt, on argv or stdin) and
 * its key.
 */
function cassetteFileName(header: CassetteHeader): string {
  const prompt = header.input === undefined
    ? parseArgv(header.argv).operands.at(-1) ?? "run"
    : inputText(header.input);
  const slug =
    prompt.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 40) || "run";
  return `${slug}-${header.key.slice(3, 11)}.ndjson`;
}

/**
 * A spawner that serves runs from a folder of cassettes according to the mode, matching a run by
 * the canonical form of its argv (see `request.ts`). A miss in replay mode throws a
 * `CassetteMissError` naming the nearest cassette and the first differing argv element;
 * `run()` rethrows it as it is. `--version` is answered with the recorded CLI version in replay and
 * auto mode (in auto mode from the real CLI while nothing is recorded).
 *
 * Runs whose first input comes on stdin (the Agent SDKs send every prompt there, with one argv)
 * are told apart by that input: the stdin picks among the cassettes of the argv. In auto mode, a
 * run whose input none of them recorded is recorded from that point (see `_replay_or_record.ts`):
 * the real CLI gets the stdin lines so far, and its answers to the control requests the replay
 * already answered are dropped.
 *
 * The real CLI that `record`, `auto` and `passthrough` start is found as `run()` finds it without
 * a spawner (the `cli` option, `CLAUDE_CLI_PATH`, `PATH`, the usual install locations): `record`
 * and `passthrough` fail without one (kind `cli_not_found`) before anything starts, `replay` never
 * looks for one, and `auto` replays what it can without one and fails only a miss.
 *
 * @example Test code that calls run() without spending tokens
 * ```ts
 * import { rejects, strictEqual } from "node:assert";
 * import { CassetteMissError } from "../errors/claw_error.ts";
 * import { run } from "../session/run.ts";
 * import { cassetteSpawner } from "./cassette_spawner.ts";
 *
 * const spawner = cassetteSpawner({ dir: "fixtures/cassettes/2.1.332", mode: "replay" });
 * strictEqual(await run("Say hello", { spawner }).text(), "Hello from the fake API.");
 * await rejects(run("Say something new", { spawner }).text(), CassetteMissError);
 * ```
 */
export function cassetteSpawner(options: CassetteOptions): Spawner {
  const mode = options.mode ?? cassetteModeFromEnv();
  const real = options.real ?? realClaude;
  return withCliNeed(cassettes(mode, real, options), cliNeed(mode, real));
}

/**
 * What a cassette spawner in `mode` needs of an installed `claude`, starting `real` (see
 * `CliNeed`): `replay` nothing, `record` and `passthrough` what `real` needs, `auto` the real CLI
 * only for a miss.
 */
function cliNeed(mode: CassetteMode, real: Spawner): CliNeed | undefined {
  if (mode === "replay") return "never";
  const need = cliNeedOf(real);
  return mode === "auto" && need === "always" ? "on-miss" : need;
}

/**
 * The real CLI, for the runs a cassette spawner records or passes through: the request's
 * `command` when it is an executable (the CLI `run()` found), else the CLI found as usual from
 * the request's environment (a `ClaudeNotFoundError` when there is none: an `auto` run that missed
 * its cassettes where no CLI was found).
 */
const realClaude: Spawner = withCliNeed((request: SpawnRequest) => {
  if (isExecutableFile(request.command)) return denoSpawner(request);
  const given = request.command === "claude" ? {} : { cli: request.command };
  return denoSpawner({ ...request, command: findClaude({ ...given, env: request.env }).path });
}, "always");

/** {@linkcode cassetteSpawner}'s spawner, before it says what it needs. */
function cassettes(mode: CassetteMode, real: Spawner, options: CassetteOptions): Spawner {
  const timing = options.timing ?? parseTiming(Deno.env.get("CLAW_CASSETTE_TIMING"));
  const playlist = options.playlist ?? playlistFromEnv();
  const inject = faultInjector(options.faults);
  let store: Promise<CassetteStore> | undefined;
  const usageFile = options.usage ?? Deno.env.get("CLAW_CASSETTE_USAGE");
  const usage = new UsageLog({
    dir: options.dir,
    ...(usageFile ? { file: usageFile } : {}),
    shared: options.sharedCounts ?? false,
  });

  const record = (request: SpawnRequest) =>
    recordingSpawner(real, {
      save: async (cassette) => {
        await saveCassette(join(options.dir, cassetteFileName(cassette.header)))(cassette);
        store = undefined; // the next run sees the new cassette
      },
      ...(options.interruption ? { interruption: options.interruption } : {}),
    })(request);

  // Whether the store can answer the request: a run by its argv, a --version probe by any version.
  const answers = async (store: CassetteStore, request: SpawnRequest) => {
    if (asksVersion(request.args)) return await store.cliVersion() !== null;
    const { key, argv } = await requestKey(request);
    try {
      return store.matching(key, argv, {
        counts: await usage.counts(),
        ...(options.match ? { match: options.match } : {}),
      }).length > 0;
    } catch {
      return false;
    }
  };

  return async (request) => {
    if (mode === "passthrough") return real(request);
    if (mode === "record") return record(request); // a --version probe passes through unrecorded
    const opened = await (store ??= CassetteStore.open(options.dir, playlist ? { playlist } : {}));
    if (mode === "auto" && !await answers(opened, request)) return record(request);
    const replayed = await replayRequest(request, opened, {
      timing,
      ...(options.cliVersion === undefined ? {} : { cliVersion: options.cliVersion }),
      ...(options.onWarning === undefined ? {} : { onWarning: options.onWarning }),
      ...(options.match ? { match: options.match } : {}),
      usage,
    });
    // The recordings of this argv may all differ in the input still to come on stdin.
    const faulted = asksVersion(request.args)
      ? replayed
      : inject(replayed, request.args, await opened.cliVersion());
    return mode === "auto" ? replayOrRecord(faulted, () => record(request)) : faulted;
  };
}
