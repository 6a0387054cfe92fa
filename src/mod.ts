/**
 * claw: drive the Claude Code CLI (`claude`) from Deno programs, scripts and CI, with typed events,
 * a clean process lifecycle and honest errors. This entry point is what a first program needs:
 * `run` and `startSession` with their options and callbacks, the events they yield, and
 * `ClawError` with its kinds. The other products have entry points of their own: `claw/protocol`
 * (decoding), `claw/process` (the spawn seam, flags, discovery, versions), `claw/auth`,
 * `claw/doctor`, `claw/batch`, `claw/sessions` (the CLI's stored sessions), `claw/cassette`
 * (record and replay), `claw/fake-api` and `claw/testing`.
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
export {
  addTotals,
  emptyTotals,
  type ProcessSoFar,
  type Totals,
  turnTotals,
} from "./session/totals.ts";
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
export {
  type AgentDefinition,
  type CliFlags,
  EFFORT_LEVELS,
  type EffortLevel,
  PERMISSION_MODES,
  type PermissionMode,
  type PluginConfig,
  type SettingSource,
  type ThinkingConfig,
} from "./process/options.ts";
