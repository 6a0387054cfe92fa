/**
 * Record and replay: cassettes (recorded runs of the real CLI), the recorder, in-process replay,
 * a folder of cassettes served by mode (replay, record, auto, passthrough), redaction, and the
 * drop-in fake `claude` executable.
 *
 * @example Replay a folder of recorded runs; a run that was never recorded misses loudly
 * ```ts
 * import { rejects, strictEqual } from "node:assert";
 * import { run } from "../mod.ts";
 * import { CassetteMissError, cassetteSpawner } from "./mod.ts";
 *
 * const spawner = cassetteSpawner({ dir: "fixtures/cassettes/2.1.332", mode: "replay" });
 * strictEqual(await run("Say hello", { spawner }).text(), "Hello from the fake API.");
 * await rejects(run("Say goodbye", { spawner }).text(), CassetteMissError);
 * ```
 *
 * @module
 */
export {
  type Cassette,
  CASSETTE_FORMAT,
  CassetteFormatError,
  type CassetteHeader,
  cassetteHeader,
  type CassetteHeaderFields,
  cassetteKey,
  CassetteReader,
  type CassetteRecord,
  parseCassette,
  readCassetteFile,
  serializeCassette,
  type StdoutRecord,
} from "./cassette.ts";
export {
  argvDifference,
  type CandidateOptions,
  CassetteStore,
  type CassetteStoreOptions,
  DuplicateCassetteError,
  type StoredCassette,
} from "./cassette_store.ts";
export { match, type MatchRequest, type MatchRules, type Pattern } from "./matchers.ts";
export { type Times } from "./times.ts";
export { readUsageLog, type UsageEntry, UsageLog, type UsageLogOptions } from "./usage_log.ts";
export {
  type TimesBreach,
  type UsageMiss,
  type UsageReport,
  usageReport,
  type UsageReportOptions,
} from "./usage_report.ts";
export {
  CASSETTE_MODES,
  type CassetteMode,
  cassetteModeFromEnv,
  type CassetteOptions,
  cassetteSpawner,
  parseCassetteMode,
  playlistFromEnv,
} from "./cassette_spawner.ts";
export { recordingSpawner, type RecordOptions, saveCassette } from "./recorder.ts";
export {
  type ReplayCandidate,
  replayCandidates,
  type ReplayOptions,
  replayProcess,
} from "./replay.ts";
export { type CassetteSource, replayRequest, type ReplayRequestOptions } from "./replay_request.ts";
export { asksVersion, placesOf, requestKey, requestRules } from "./request.ts";
export { parseTiming, type ReplayTiming } from "./timing.ts";
export {
  API_ERROR_KINDS,
  type ApiErrorKind,
  type Fault,
  FAULT_KINDS,
  faultInjector,
  type FaultRun,
  faultsFromEnv,
  type FaultsOption,
  parseFaults,
  type ParseFaultsOptions,
  withFaults,
  type WithFaultsOptions,
} from "./faults.ts";
export { inputText, runInput } from "./run_input.ts";
export { placeRestorer } from "./restore.ts";
export {
  type CassetteMeaning,
  cassetteMeaning,
  meaningChanges,
  type MeaningOptions,
} from "./meaning.ts";
export {
  refreshCassette,
  refreshFolder,
  type RefreshFolderOptions,
  type RefreshOptions,
  type RefreshOutcome,
  type RefreshReport,
  type RefreshResult,
} from "./refresh.ts";
export {
  escapePath,
  type RedactionRule,
  redactionRules,
  redactLine,
  redactText,
  type RunPlaces,
} from "./redact.ts";
export {
  type FakeClaudeConfig,
  fakeClaudeConfig,
  type FakeClaudeLauncher,
  launcherEnv,
  runFakeClaude,
  writeFakeClaude,
} from "./fake_claude.ts";
export { CASSETTE_MISS_PREFIX, CassetteMissError } from "../errors/claw_error.ts";
