/**
 * claw: drive the Claude Code CLI (`claude`) from Deno programs, scripts and CI, with typed events,
 * a clean process lifecycle and honest errors. This is the core: runs, events, decoding, the
 * process layer, auth, the doctor and the error taxonomy. Record/replay lives in
 * `claw/cassette`, the fake Messages API in `claw/fake-api`, test helpers in `claw/testing`.
 *
 * @example Run a prompt and read the answer (here replayed from a recorded run)
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { ClawError, run } from "./mod.ts";
 * import { cassetteSpawner } from "./cassette/mod.ts";
 *
 * // Without `spawner`, run() starts the real claude; this one replays the recorded corpus.
 * const spawner = cassetteSpawner({ dir: "fixtures/cassettes/2.1.332", mode: "replay" });
 * try {
 *   await using claude = run("Say hello", { spawner });
 *   for await (const event of claude) {
 *     if (event.type === "assistant") console.log(event.message.content);
 *   }
 *   strictEqual(claude.lastResult?.result, "Hello from the fake API.");
 * } catch (error) {
 *   if (error instanceof ClawError) console.error(`error[${error.kind}]: ${error.message}\n${error.hint}`);
 *   throw error;
 * }
 * ```
 *
 * @module
 */
export { ClaudeRun, run } from "./session/run.ts";
export {
  ClaudeSession,
  type InterruptOutcome,
  type SendOptions,
  startSession,
  type StreamedMessage,
  type UserContent,
} from "./session/session.ts";
export type {
  AccountInfo,
  InitializeResult,
  LoadedPlugin,
  McpSetServersResult,
  ReadFileResult,
  ReloadPluginsOptions,
  ReloadPluginsResult,
  RewindFilesResult,
  SupportedAgent,
  SupportedModel,
} from "./session/control_answers.ts";
export { ClaudeTurn } from "./session/turn.ts";
export {
  type ClaimOptions,
  prewarm,
  type PrewarmOptions,
  SpareSession,
} from "./session/prewarm.ts";
export {
  DEFAULT_CONTROL_TIMEOUT_MS,
  type McpServerConfig,
  type ResolvedSession,
  resolveSession,
  SESSION_TRANSPORTS,
  type SessionOptions,
  type SessionTransport,
} from "./session/session_options.ts";
export {
  type AllowTool,
  type CanUseTool,
  type DenyTool,
  permissionAnswer,
  type ToolPermission,
  type ToolPermissionContext,
} from "./session/permissions.ts";
export {
  type HookCallback,
  type HookEvent,
  type HookFailure,
  type HookInput,
  type HookMatcher,
  type HookOutput,
  type HookPolicy,
  type HookRegistry,
  type Hooks,
  registerHooks,
} from "./session/hooks.ts";
export {
  type McpContent,
  type McpServer,
  mcpServer,
  type McpTool,
  type McpToolContext,
  type McpToolResult,
  tool,
} from "./session/mcp_server.ts";
export type {
  ElicitationRequest,
  ElicitationResult,
  OnElicitation,
} from "./session/elicitation.ts";
export { type JsonSchemaOption, structuredOutputOf } from "./session/structured.ts";
export {
  isStandardSchema,
  type StandardFailureResult,
  type StandardIssue,
  type StandardJsonSchemaConverter,
  type StandardJsonSchemaOptions,
  type StandardJsonSchemaTarget,
  type StandardOutput,
  type StandardPathSegment,
  type StandardResult,
  type StandardSchemaV1,
  type StandardSchemaV1Props,
  type StandardSuccessResult,
  type StandardTypes,
  type StandardValidation,
  toJsonSchema,
  validateStandard,
} from "./session/standard_schema.ts";
export { addTotals, emptyTotals, type Totals, turnTotals } from "./session/totals.ts";
export {
  ToolObserver,
  type ToolObservers,
  type ToolResult,
  type ToolUse,
} from "./session/tool_observer.ts";
export { type RunOptions, validateRunOptions } from "./session/run_options.ts";
export { lookupModel, type ModelInfo } from "./session/model_registry.ts";
export {
  estimatePromptTokens,
  type PreflightOptions,
  preflightPrompt,
} from "./session/preflight.ts";
export {
  configDir,
  credentialsPath,
  type Env,
  globalConfigPath,
  type SettingsLayer,
  settingsLayers,
} from "./process/config_paths.ts";
export {
  apiKey,
  apiKeyFromEnv,
  type AuthChoice,
  type AuthContext,
  AuthMethod,
  auto,
  oauth,
  oauthToken,
  oauthTokenFromEnv,
} from "./auth/auth_method.ts";
export {
  type ActiveCredential,
  AUTH_SOURCES,
  type AuthMethodName,
  type AuthReport,
  type AuthSource,
  type AuthSourceReport,
  resolveAuth,
  type ResolveAuthOptions,
} from "./auth/resolve_auth.ts";
export {
  AUTH_WARNING_IDS,
  type AuthWarning,
  type AuthWarningFacts,
  type AuthWarningId,
} from "./auth/auth_warnings.ts";
export {
  type AuthStatus,
  authStatus,
  type AuthStatusOptions,
  type CliFacts,
} from "./auth/auth_status.ts";
export {
  type CliAuthStatus,
  readCliAuthStatus,
  type ReadCliAuthStatusOptions,
} from "./auth/cli_auth_status.ts";
export { type LogoutOutcome, type LogoutSeams, removeClaudeLogin } from "./auth/logout.ts";
export { type Check, type CheckStatus } from "./doctor/check.ts";
export { CHECK_IDS, type DoctorOptions, type DoctorReport, runDoctor } from "./doctor/doctor.ts";
export {
  type BatchOptions,
  type BatchProgress,
  RETRYABLE_KINDS,
  runBatch,
  type StopReason,
} from "./batch/run_batch.ts";
export {
  BatchInputError,
  type BatchJob,
  checkJobs,
  type CheckJobsOptions,
  JOB_FIELDS,
  type JobCounts,
  type JobOptions,
  parseJobLine,
  readJobs,
} from "./batch/job.ts";
export {
  type BatchResult,
  type BatchUsage,
  emptyUsage,
  type JobStatus,
  readResults,
  ResultWriter,
  type ResultWriterOptions,
} from "./batch/result.ts";
export { type MergeOptions, type MergeReport, mergeResults } from "./batch/merge.ts";
export { inShard, parseShard, type Shard, shardFromEnv, shardOf } from "./batch/shard.ts";
export {
  exportSession,
  findSessionFile,
  getSessionInfo,
  listSessions,
  projectFolderName,
  readSession,
  SESSION_EXPORT_FORMATS,
  type SessionBlock,
  type SessionExportFormat,
  type SessionInfo,
  type SessionMessage,
  type SessionStoreOptions,
  type SessionStream,
  type SessionTranscript,
  streamSession,
  streamSessionExport,
} from "./session/store.ts";
export {
  getSessionMessages,
  type GetSessionMessagesOptions,
  type StoredMessage,
} from "./session/stored_messages.ts";
export {
  getSubagentMessages,
  type GetSubagentMessagesOptions,
  listSubagents,
} from "./session/subagents.ts";
export {
  archiveSession,
  deleteSession,
  renameSession,
  type SessionMutationOptions,
  tagSession,
  unarchiveSession,
} from "./session/store_edit.ts";
export {
  forkSession,
  type ForkSessionOptions,
  type ForkSessionResult,
} from "./session/store_fork.ts";
export {
  ARGV_PROMPT_LIMIT,
  launch,
  type Launched,
  type LaunchPlan,
  planLaunch,
  planSessionLaunch,
  resolveResume,
} from "./session/launch.ts";
export {
  classifyResult,
  isFailedResult,
  type ResultContext,
  type ResultFailure,
} from "./session/classify.ts";
export {
  type DiagnosticSummary,
  type ResultSummary,
  TranscriptSummarizer,
  type TranscriptSummary,
} from "./session/summary.ts";

export * from "./protocol/events.ts";
export {
  decodeEvents,
  type DecodeEventsOptions,
  decodeJsonOutput,
  decodeLine,
  EventDecoderStream,
  KNOWN_CONTENT_BLOCK_TYPES,
  KNOWN_DELTA_TYPES,
  KNOWN_EVENT_TYPES,
  KNOWN_STREAM_PAYLOAD_TYPES,
  KNOWN_SYSTEM_SUBTYPES,
  tryDecodeJsonOutput,
} from "./protocol/decode.ts";
export {
  DEFAULT_MAX_LINE_BYTES,
  type Line,
  LineStream,
  type LineStreamOptions,
} from "./protocol/line_stream.ts";
export {
  type AssembledMessage,
  hasInvalidInput,
  type InvalidToolUseBlock,
  MessageAssembler,
  textDelta,
} from "./protocol/assemble.ts";

export {
  CASSETTE_MISS_PREFIX,
  CassetteMissError,
  ClaudeNotFoundError,
  ClawError,
  type ClawErrorDetails,
  InvalidOptionError,
  type OptionNamer,
} from "./errors/claw_error.ts";
export { ERROR_KINDS, type ErrorKind, type FailureScope, hintFor } from "./errors/kinds.ts";

export {
  type ClaudeProcess,
  type CliNeed,
  cliNeedOf,
  NEEDS_CLI,
  type OutputPipe,
  type ProcessStatus,
  type Spawner,
  type SpawnRequest,
  withCliNeed,
} from "./process/spawn.ts";
export { denoSpawner } from "./process/deno_spawner.ts";
export { shutdown, type ShutdownOptions } from "./process/shutdown.ts";
export { type BridgeEvents, bridgeStdio } from "./process/stdio_bridge.ts";
export {
  type AgentDefinition,
  buildArgs,
  type CliFlags,
  EFFORT_LEVELS,
  type EffortLevel,
  PERMISSION_MODES,
  type PermissionMode,
  type PluginConfig,
  type SettingSource,
  type ThinkingConfig,
  validateFlags,
} from "./process/options.ts";
export { buildEnv, type EnvOptions, STRIPPED_VARIABLES } from "./process/env.ts";
export { findClaude, type FindClaudeOptions, type FoundCli } from "./process/discover.ts";
export {
  compareVersions,
  parseCliVersion,
  readCliVersion,
  type ReadCliVersionOptions,
  SUPPORTED_CLI,
  type VersionStanding,
  versionStanding,
  versionWarning,
} from "./process/version.ts";
