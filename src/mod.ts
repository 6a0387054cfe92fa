/**
 * claw: drive the Claude Code CLI (`claude`) from Deno programs, scripts and CI, with typed events,
 * a clean process lifecycle, honest errors, and a fake Messages API for offline tests.
 *
 * @example Run a prompt and read the answer
 * ```ts ignore
 * import { ClawError, run } from "./mod.ts";
 *
 * try {
 *   await using claude = run("List the TODOs in src/", { model: "sonnet", maxTurns: 3 });
 *   for await (const event of claude) {
 *     if (event.type === "assistant") console.log(event.message.content);
 *   }
 *   console.log(claude.lastResult?.total_cost_usd);
 * } catch (error) {
 *   if (error instanceof ClawError) console.error(`error[${error.kind}]: ${error.message}\n${error.hint}`);
 * }
 * ```
 *
 * @module
 */
export { ARGV_PROMPT_LIMIT, ClaudeRun, run, type RunOptions } from "./session/run.ts";

export * from "./protocol/events.ts";
export {
  decodeEvents,
  decodeJsonOutput,
  decodeLine,
  EventDecoderStream,
} from "./protocol/decode.ts";
export { type Line, LineStream } from "./protocol/line_stream.ts";
export {
  type AssembledMessage,
  hasInvalidInput,
  type InvalidToolUseBlock,
  MessageAssembler,
  textDelta,
} from "./protocol/assemble.ts";
export {
  type DiagnosticSummary,
  type ResultSummary,
  TranscriptSummarizer,
  type TranscriptSummary,
} from "./protocol/summary.ts";

export { ClaudeNotFoundError, ClawError, type ClawErrorDetails } from "./errors/claw_error.ts";
export { ERROR_KINDS, type ErrorKind, hintFor } from "./errors/kinds.ts";
export {
  classifyResult,
  classifyRun,
  isFailedResult,
  type RunEnding,
  type StopReason,
} from "./errors/classify.ts";

export type { ClaudeProcess, ProcessStatus, Spawner, SpawnRequest } from "./process/spawn.ts";
export { denoSpawner } from "./process/deno_spawner.ts";
export { shutdown, type ShutdownOptions } from "./process/shutdown.ts";
export {
  buildArgs,
  type CliFlags,
  PERMISSION_MODES,
  type PermissionMode,
  type SettingSource,
  validateFlags,
} from "./process/options.ts";
export { buildEnv, type EnvOptions, STRIPPED_VARIABLES } from "./process/env.ts";
export { findClaude, type FindClaudeOptions, type FoundCli } from "./process/discover.ts";
export {
  compareVersions,
  parseCliVersion,
  readCliVersion,
  SUPPORTED_CLI,
  type VersionStanding,
  versionStanding,
} from "./process/version.ts";

export {
  type FakeApi,
  type FakeApiOptions,
  type RecordedRequest,
  startFakeApi,
} from "./harness/fake_api.ts";
export * from "./harness/script.ts";
export { FAKE_API_KEY, offlineEnv, type OfflineEnvOptions } from "./harness/offline_env.ts";
export { promptTooLongReply } from "./harness/replies.ts";

export {
  type Cassette,
  CASSETTE_FORMAT,
  CassetteFormatError,
  type CassetteHeader,
  cassetteKey,
  type CassetteRecord,
  parseCassette,
  serializeCassette,
} from "./harness/cassette.ts";
export { CassetteMissError, CassetteStore, type StoredCassette } from "./harness/cassette_store.ts";
export {
  CASSETTE_MODES,
  type CassetteMode,
  cassetteModeFromEnv,
  type CassetteOptions,
  cassetteSpawner,
  parseCassetteMode,
} from "./harness/cassette_spawner.ts";
export {
  placesOf,
  recordingSpawner,
  type RecordOptions,
  requestKey,
  saveCassette,
} from "./harness/recorder.ts";
export { type ReplayOptions, replayProcess } from "./harness/replay.ts";
export { parseTiming, type ReplayTiming } from "./harness/timing.ts";
export {
  type RedactionRule,
  redactionRules,
  redactLine,
  redactText,
  type RunPlaces,
} from "./harness/redact.ts";
