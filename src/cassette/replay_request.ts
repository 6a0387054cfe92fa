/**
 * The one replay path for a spawn request: `--version` answered, the request matched to the
 * cassettes of its argv, replayed with its own redaction and places.
 *
 * @module
 */
import { CassetteMissError } from "../errors/claw_error.ts";
import type { ClaudeProcess, ProcessStatus, SpawnRequest } from "../process/spawn.ts";
import type { CandidateOptions } from "./cassette_store.ts";
import type { UsageLog } from "./usage_log.ts";
import { cassetteHeader } from "./cassette.ts";
import { redactLine } from "./redact.ts";
import { type ReplayCandidate, replayCandidates, replayProcess } from "./replay.ts";
import { asksVersion, placesOf, requestKey, requestRules } from "./request.ts";
import { placeRestorer } from "./restore.ts";
import type { ReplayTiming } from "./timing.ts";

/** Where {@linkcode replayRequest} finds what to replay. */
export interface CassetteSource {
  /**
   * The cassettes that may answer a run with `argv` (whose key, argv only, see `cassetteKey`, is
   * `argvKey`), first by path; throws a `CassetteMissError` that explains the miss when there is
   * none. `options` carries the runs counted so far and a custom matcher, for a source that
   * honours them (see `CassetteStore.matching`).
   */
  candidates(
    argvKey: string,
    argv: readonly string[],
    options?: CandidateOptions,
  ): Promise<ReplayCandidate[]>;
  /** The CLI version the cassettes were recorded with, for `--version`; `null` when unknown. */
  cliVersion(): Promise<string | null>;
}

/** Options for {@linkcode replayRequest}. */
export interface ReplayRequestOptions {
  /** How fast to play; `instant` by default. */
  timing?: ReplayTiming;
  /** The CLI version in use; a cassette recorded with another one is flagged through `onWarning`. */
  cliVersion?: string;
  /** Receives warnings. */
  onWarning?: (message: string) => void;
  /** Counts the runs served (for `times` and playlists) and logs what was served and missed. */
  usage?: UsageLog;
  /** Decides instead of the argv and the header's rules whether a cassette answers a run. */
  match?: CandidateOptions["match"];
}

/**
 * The one replay path for a spawn request: `--version` is answered with the recorded CLI version;
 * any other request is matched by the key of its argv against `source` (a miss throws a
 * `CassetteMissError`), and its stdin picks among the cassettes recorded with that argv (see
 * {@linkcode replayCandidates}). Stdin is compared after the request's own redaction; replayed
 * output gets the request's own places back (see `restore.ts`).
 *
 * @example Serve a run from a single cassette
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { parseCassette } from "./cassette.ts";
 * import { replayRequest } from "./replay_request.ts";
 *
 * const path = new URL("../../fixtures/cassettes/2.1.332/text_simple.ndjson", import.meta.url);
 * const cassette = parseCassette(await Deno.readTextFile(path));
 * const source = { candidates: () => Promise.resolve([{ path: "text_simple", cassette }]), cliVersion: () => Promise.resolve("2.1.332") };
 * const version = await replayRequest({ command: "claude", args: ["--version"], env: {} }, source);
 * strictEqual(await new Response(version.stdout).text(), "2.1.332 (Claude Code)\n");
 * ```
 */
export async function replayRequest(
  request: SpawnRequest,
  source: CassetteSource,
  options: ReplayRequestOptions = {},
): Promise<ClaudeProcess> {
  if (asksVersion(request.args)) return versionProcess(await source.cliVersion());
  const { argv, key } = await requestKey(request);
  const { usage } = options;
  let candidates: ReplayCandidate[];
  try {
    candidates = await source.candidates(key, argv, {
      ...(usage ? { counts: await usage.counts() } : {}),
      ...(options.match ? { match: options.match } : {}),
    });
  } catch (error) {
    if (error instanceof CassetteMissError) await usage?.missed(argv, error.message);
    throw error;
  }
  // One warning per run, for the first cassette of another CLI version.
  const other = options.cliVersion === undefined
    ? undefined
    : candidates.find(({ cassette }) =>
      cassette.header.cli_version && cassette.header.cli_version !== options.cliVersion
    );
  if (other) {
    options.onWarning?.(
      `The cassette "${other.path}" was recorded with Claude Code ${other.cassette.header.cli_version}, not ${options.cliVersion}: re-record it if the CLI's output changed`,
    );
  }
  const rules = requestRules(request);
  return replayCandidates(candidates, {
    redact: (line) => redactLine(line, rules),
    restore: placeRestorer(placesOf(request)),
    ...(options.timing === undefined ? {} : { timing: options.timing }),
    ...(usage
      ? {
        onEnd: (path: string | undefined, status: ProcessStatus) =>
          path === undefined
            ? usage.missed(argv, status.failure?.message ?? "the replay missed")
            : usage.served(path),
      }
      : {}),
  });
}

/** A process that answers `--version` as Claude Code `version` would. */
async function versionProcess(version: string | null): Promise<ClaudeProcess> {
  const header = await cassetteHeader(["--version"], { cli_version: version });
  return replayProcess({
    header,
    records: [
      { t: 0, stdout_raw: `${version ?? "0.0.0"} (Claude Code)` },
      { t: 0, exit: { code: 0, signal: null } },
    ],
  });
}
