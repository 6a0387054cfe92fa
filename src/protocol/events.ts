/**
 * Types for every line the Claude Code CLI prints on stdout with `--output-format stream-json`:
 * every kind CLI 2.1.332 and 2.0.76 were seen printing, and every message kind the TypeScript
 * Agent SDK released with 2.1.332 (`@anthropic-ai/claude-agent-sdk` 0.3.332) declares.
 *
 * A known event is the parsed JSON object itself: fields this file does not declare are still
 * there. A kind this version of claw does not know (a line's `type`, a `system` line's `subtype`,
 * a content block's, SSE event's or delta's `type`) is decoded to that union's `unknown` member:
 * the discriminant is the literal `"unknown"`, the original value is in `originalType` (a `system`
 * line's in `originalSubtype`) and the object as printed is in `raw`. So plain comparisons narrow,
 * `if (event.type === "system" && event.subtype === "init") event.model`, and
 * `JSON.stringify(event)` gives back the line whenever every kind in it is known. Fields are
 * optional unless every observed line of that kind carried them in both supported CLI versions
 * (2.1.x and 2.0.x) and the SDK does not mark them optional.
 *
 * @example Narrow with plain comparisons
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import type { ClaudeEvent } from "./events.ts";
 *
 * function texts(event: ClaudeEvent): string[] {
 *   if (event.type !== "assistant") return [];
 *   return event.message.content.flatMap((block) => block.type === "text" ? [block.text] : []);
 * }
 * const event: ClaudeEvent = {
 *   type: "assistant", parent_tool_use_id: null, session_id: "s1",
 *   message: {
 *     id: "msg_1", type: "message", role: "assistant", model: "claude-opus-5-5",
 *     content: [{ type: "text", text: "Hi" }, { type: "unknown", originalType: "fancy", raw: {} }],
 *     stop_reason: null, stop_sequence: null, usage: {},
 *   },
 * };
 * deepStrictEqual(texts(event), ["Hi"]);
 * ```
 *
 * @module
 */

/** A string union that still accepts, and autocompletes, values a newer CLI may add. */
export type OpenString<T extends string> = T | (string & Record<never, never>);

// ---------------------------------------------------------------------------------------------
// Shared shapes

/** Token usage as reported by the Messages API. */
export interface Usage {
  input_tokens?: number;
  output_tokens?: number;
  cache_creation_input_tokens?: number;
  cache_read_input_tokens?: number;
  cache_creation?: { ephemeral_5m_input_tokens?: number; ephemeral_1h_input_tokens?: number };
  server_tool_use?: { web_search_requests?: number; web_fetch_requests?: number };
  service_tier?: string | null;
}

/** Per-model usage in `result.modelUsage`. */
export interface ModelUsage {
  inputTokens?: number;
  outputTokens?: number;
  cacheReadInputTokens?: number;
  cacheCreationInputTokens?: number;
  webSearchRequests?: number;
  costUSD?: number;
  contextWindow?: number;
  maxOutputTokens?: number;
}

/** A `{ type: "text" }` content block. */
export interface TextBlock {
  type: "text";
  text: string;
  citations?: unknown[] | null;
}

/** A `{ type: "thinking" }` content block. */
export interface ThinkingBlock {
  type: "thinking";
  thinking: string;
  signature?: string;
}

/** A `{ type: "redacted_thinking" }` content block. */
export interface RedactedThinkingBlock {
  type: "redacted_thinking";
  data: string;
}

/** A `{ type: "tool_use" }` content block: the model calls a tool. */
export interface ToolUseBlock {
  type: "tool_use";
  id: string;
  name: string;
  input: Record<string, unknown>;
}

/** A `{ type: "image" }` content block. */
export interface ImageBlock {
  type: "image";
  source: { type: string; media_type?: string; data?: string; url?: string };
}

/** A `{ type: "tool_result" }` content block: the outcome of a tool call, in a user message. */
export interface ToolResultBlock {
  type: "tool_result";
  tool_use_id: string;
  content?: string | ContentBlock[];
  /** Omitted on some successful results (Write, Read, Edit), `false` on successful Bash results. */
  is_error?: boolean;
}

/**
 * A content block of a type this version of claw does not know (`server_tool_use`, say). Its
 * `type` is `"unknown"`, so comparing `block.type` with a known type narrows the union.
 *
 * @example Read an unknown block's own type
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { decodeLine } from "./decode.ts";
 *
 * const content = [{ type: "server_tool_use", id: "srvtoolu_1", name: "web_search" }];
 * const text = JSON.stringify({ type: "user", message: { role: "user", content } });
 * const [event] = decodeLine({ text, lineNumber: 1, terminated: true, invalidUtf8: false });
 * const block = event?.type === "user" && typeof event.message.content !== "string"
 *   ? event.message.content[0]
 *   : undefined;
 * strictEqual(block?.type === "unknown" && block.originalType, "server_tool_use");
 * strictEqual(block?.type === "unknown" && block.raw.name, "web_search");
 * ```
 */
export interface UnknownContentBlock {
  type: "unknown";
  /** The block's own `type`; absent when it had no string `type`. */
  originalType?: string;
  /** The block as the CLI printed it. */
  raw: Record<string, unknown>;
}

/** Known content blocks by their `type`; used by {@linkcode isContentBlock}. */
export interface ContentBlockMap {
  text: TextBlock;
  thinking: ThinkingBlock;
  redacted_thinking: RedactedThinkingBlock;
  tool_use: ToolUseBlock;
  tool_result: ToolResultBlock;
  image: ImageBlock;
}

/** Any content block, discriminated on `type`: `block.type === "text"` narrows it. */
export type ContentBlock = ContentBlockMap[keyof ContentBlockMap] | UnknownContentBlock;

// ---------------------------------------------------------------------------------------------
// system

/** Fields every `system` line carries. */
export interface SystemEventBase {
  type: "system";
  session_id: string;
  uuid?: string;
  /** When the CLI wrote the line, as an ISO timestamp (2.1.337 and later). */
  written_at?: string;
}

/** `system/init`: printed before the first model request of every turn. */
export interface SystemInitEvent extends SystemEventBase {
  subtype: "init";
  cwd: string;
  tools: string[];
  mcp_servers: { name: string; status: string; source?: string }[];
  model: string;
  permissionMode: OpenString<
    "default" | "acceptEdits" | "bypassPermissions" | "plan" | "dontAsk" | "auto"
  >;
  slash_commands?: string[];
  terminal_slash_commands?: string[];
  apiKeySource?: string;
  /** Only in 2.0.x. */
  betas?: string[];
  claude_code_version?: string;
  output_style?: string;
  agents?: string[];
  skills?: string[];
  plugins?: { name: string; path?: string; version?: string }[];
  plugin_errors?: { plugin: string; type: string; message: string; path?: string }[];
  capabilities?: unknown;
  analytics_disabled?: boolean;
  product_feedback_disabled?: boolean;
  memory_paths?: { auto?: string };
  original_cwd?: string;
  additional_directories?: string[];
  messaging_socket_path?: string;
  fast_mode_state?: string;
  fast_mode_disabled_reason?: string | null;
  effort?: string | null;
  per_turn_effort_active?: boolean;
  ultrathink_available?: boolean;
  ultrathink_typed_raises?: boolean;
  view_mode?: string;
}

/**
 * `system/status`: `requesting` before each request in partial mode, `compacting`, or `null`
 * with a permission mode change.
 */
export interface SystemStatusEvent extends SystemEventBase {
  subtype: "status";
  status: OpenString<"requesting" | "compacting"> | null;
  permissionMode?: string;
  compact_result?: OpenString<"success" | "failed">;
  compact_error?: string;
}

/** The `error` category of `system/api_retry` and of synthetic assistant error messages. */
export type ApiErrorCategory = OpenString<
  | "authentication_failed"
  | "oauth_org_not_allowed"
  | "account_on_hold"
  | "verification_required"
  | "billing_error"
  | "rate_limit"
  | "overloaded"
  | "invalid_request"
  | "model_not_found"
  | "server_error"
  | "unknown"
  | "max_output_tokens"
  | "cloud_credential_error"
>;

/** `system/api_retry`: printed before each retry sleep. */
export interface SystemApiRetryEvent extends SystemEventBase {
  subtype: "api_retry";
  /** 1-based. */
  attempt: number;
  max_retries: number;
  retry_delay_ms: number;
  /** The HTTP status, or `null` for network errors. */
  error_status: number | null;
  error: ApiErrorCategory;
  /** Set when the retry follows a request that got no response in time. */
  no_response?: { waited_ms: number; retry_wait_ms: number };
}

/** `system/control_request_progress`: a control request written on stdin started or is retrying. */
export interface SystemControlRequestProgressEvent extends SystemEventBase {
  subtype: "control_request_progress";
  request_id: string;
  status: OpenString<"started" | "api_retry">;
  attempt?: number;
  max_retries?: number;
  retry_delay_ms?: number;
  error_status?: number | null;
}

/** `system/permission_denied`: a tool call denied by the permission mode. */
export interface SystemPermissionDeniedEvent extends SystemEventBase {
  subtype: "permission_denied";
  tool_name: string;
  tool_use_id: string;
  message: string;
  agent_id?: string;
  decision_reason_type?: string;
  decision_reason?: string;
}

/** What a subagent task has used so far, in `task_progress` and `task_notification`. */
export interface TaskUsage {
  total_tokens: number;
  tool_uses: number;
  duration_ms: number;
}

/** `system/task_started`: a subagent (Agent tool) or background task started. */
export interface SystemTaskStartedEvent extends SystemEventBase {
  subtype: "task_started";
  task_id: string;
  run_id?: string;
  tool_use_id?: string;
  description?: string;
  subagent_type?: string;
  is_backgrounded?: boolean;
  spawn_depth?: number;
  parent_task_id?: string;
  task_type?: string;
  workflow_name?: string;
  prompt?: string;
  skip_transcript?: boolean;
  ambient?: boolean;
}

/** `system/task_updated`: a task changed, e.g. `patch.status`. */
export interface SystemTaskUpdatedEvent extends SystemEventBase {
  subtype: "task_updated";
  task_id: string;
  run_id?: string;
  patch?: {
    status?: OpenString<"pending" | "running" | "completed" | "failed" | "killed" | "paused">;
    description?: string;
    end_time?: number;
    total_paused_ms?: number;
    error?: string;
    is_backgrounded?: boolean;
  };
}

/** `system/task_progress`: a running task reports its usage and last tool. */
export interface SystemTaskProgressEvent extends SystemEventBase {
  subtype: "task_progress";
  task_id: string;
  run_id?: string;
  tool_use_id?: string;
  description: string;
  subagent_type?: string;
  usage: TaskUsage;
  last_tool_name?: string;
  summary?: string;
}

/** `system/task_notification`: a task finished. */
export interface SystemTaskNotificationEvent extends SystemEventBase {
  subtype: "task_notification";
  task_id: string;
  run_id?: string;
  tool_use_id?: string;
  status?: OpenString<"completed" | "failed" | "stopped">;
  reason?: string;
  output_file?: string;
  summary?: string;
  usage?: TaskUsage;
  resource_links?: { uri: string; name: string; [key: string]: unknown }[];
  skip_transcript?: boolean;
  ambient?: boolean;
}

/** One entry of `system/background_tasks_changed`. */
export interface BackgroundTask {
  task_id: string;
  run_id?: string;
  task_type: string;
  subagent_type?: string;
  description: string;
  parent_task_id?: string;
  ambient?: boolean;
}

/** `system/background_tasks_changed`: the set of background tasks changed. */
export interface SystemBackgroundTasksChangedEvent extends SystemEventBase {
  subtype: "background_tasks_changed";
  tasks: BackgroundTask[];
}

/** `system/model_fallback`: `--fallback-model` took over after repeated overload errors. */
export interface SystemModelFallbackEvent extends SystemEventBase {
  subtype: "model_fallback";
  trigger?: string;
  original_model: string;
  fallback_model: string;
  content?: string;
}

/** `system/model_refusal_fallback`: a refusal made the CLI switch to (or back from) a fallback. */
export interface SystemModelRefusalFallbackEvent extends SystemEventBase {
  subtype: "model_refusal_fallback";
  trigger: OpenString<"refusal">;
  direction: OpenString<"retry" | "revert" | "sticky">;
  scope?: OpenString<"session" | "local">;
  original_model: string;
  fallback_model: string;
  request_id: string | null;
  api_refusal_category?: string | null;
  api_refusal_explanation?: string | null;
  retracted_message_uuids?: string[];
  refused_user_message_uuid?: string | null;
  content: string;
}

/** `system/model_refusal_no_fallback`: a second refusal with no fallback model. */
export interface SystemModelRefusalNoFallbackEvent extends SystemEventBase {
  subtype: "model_refusal_no_fallback";
  original_model?: string;
  request_id?: string | null;
  api_refusal_category?: string | null;
  api_refusal_explanation?: string | null;
  refused_user_message_uuid?: string | null;
  content?: string;
}

/** `system/compact_boundary`: the conversation was compacted. */
export interface SystemCompactBoundaryEvent extends SystemEventBase {
  subtype: "compact_boundary";
  compact_metadata?: {
    trigger?: OpenString<"manual" | "auto">;
    pre_tokens?: number;
    post_tokens?: number;
    duration_ms?: number;
  };
}

/** `system/session_state_changed`. */
export interface SystemSessionStateChangedEvent extends SystemEventBase {
  subtype: "session_state_changed";
  state?: OpenString<"idle" | "running" | "requires_action">;
}

/** `system/informational`: a notice such as a refusal. */
export interface SystemInformationalEvent extends SystemEventBase {
  subtype: "informational";
  content: string;
  level?: OpenString<"info" | "notice" | "suggestion" | "warning">;
  tool_use_id?: string;
  prevent_continuation?: boolean;
  tag?: string;
}

/** `system/thinking_tokens`: one per thinking delta, also without partial mode. */
export interface SystemThinkingTokensEvent extends SystemEventBase {
  subtype: "thinking_tokens";
  estimated_tokens: number;
  estimated_tokens_delta: number;
  user_message_uuid?: string;
}

/** `system/local_command_output`: what a local slash command printed. */
export interface SystemLocalCommandOutputEvent extends SystemEventBase {
  subtype: "local_command_output";
  content: string;
}

/** `system/hook_started`: a hook began to run. */
export interface SystemHookStartedEvent extends SystemEventBase {
  subtype: "hook_started";
  hook_id: string;
  hook_name: string;
  hook_event: string;
}

/** `system/hook_progress`: output of a running hook so far. */
export interface SystemHookProgressEvent extends SystemEventBase {
  subtype: "hook_progress";
  hook_id: string;
  hook_name: string;
  hook_event: string;
  stdout: string;
  stderr: string;
  output: string;
}

/** `system/hook_response`: a hook finished (2.0.x sends no `hook_id`, `output` or `outcome`). */
export interface SystemHookResponseEvent extends SystemEventBase {
  subtype: "hook_response";
  hook_id?: string;
  hook_name: string;
  hook_event: string;
  output?: string;
  stdout: string;
  stderr: string;
  exit_code?: number;
  outcome?: OpenString<"success" | "error" | "cancelled">;
}

/** `system/plugin_install`: progress of installing a plugin. */
export interface SystemPluginInstallEvent extends SystemEventBase {
  subtype: "plugin_install";
  status: OpenString<"started" | "installed" | "failed" | "completed">;
  name?: string;
  error?: string;
}

/** `system/worker_shutting_down`: the CLI is about to stop. */
export interface SystemWorkerShuttingDownEvent extends SystemEventBase {
  subtype: "worker_shutting_down";
  reason: string;
}

/**
 * A slash command or skill, as `system/commands_changed`, the `initialize` answer
 * (`supportedCommands()`) and `reloadSkills()` list it.
 */
export interface SlashCommand {
  /** Its name, without the slash; a plugin's is `plugin:command`. */
  name: string;
  /** What it does. */
  description: string;
  /** What its arguments look like (may be empty). */
  argumentHint: string;
  /** Other names for it (2.1.x). */
  aliases?: string[];
  /** Whether it comes with the CLI (2.1.x). */
  builtin?: boolean;
}

/** `system/commands_changed`: the available slash commands changed. */
export interface SystemCommandsChangedEvent extends SystemEventBase {
  subtype: "commands_changed";
  commands: SlashCommand[];
}

/** `system/notification`: a notice meant for the user interface. */
export interface SystemNotificationEvent extends SystemEventBase {
  subtype: "notification";
  key: string;
  text: string;
  priority: OpenString<"low" | "medium" | "high" | "immediate">;
  color?: string;
  timeout_ms?: number;
}

/** `system/files_persisted`: files uploaded for the session, and those that failed. */
export interface SystemFilesPersistedEvent extends SystemEventBase {
  subtype: "files_persisted";
  files: { filename: string; file_id: string }[];
  failed: { filename: string; error: string }[];
  processed_at: string;
}

/** `system/memory_recall`: memories brought into the conversation. */
export interface SystemMemoryRecallEvent extends SystemEventBase {
  subtype: "memory_recall";
  mode: OpenString<"select" | "synthesize">;
  memories: {
    path: string;
    scope: OpenString<"personal" | "team" | "organization">;
    content?: string;
  }[];
}

/** `system/elicitation_complete`: an MCP server's elicitation was answered. */
export interface SystemElicitationCompleteEvent extends SystemEventBase {
  subtype: "elicitation_complete";
  mcp_server_name: string;
  elicitation_id: string;
}

/** `system/mirror_error`: the session could not be mirrored. */
export interface SystemMirrorErrorEvent extends SystemEventBase {
  subtype: "mirror_error";
  error: string;
  key: { projectKey: string; sessionId: string; subpath?: string };
}

/** `system/session_writes_lost`: the disk was full, so transcript or config writes were lost. */
export interface SystemSessionWritesLostEvent extends SystemEventBase {
  subtype: "session_writes_lost";
  error_code: OpenString<"ENOSPC" | "EDQUOT">;
  lost: OpenString<"transcript" | "global_config">[];
  transcript_session_ids?: string[];
}

/**
 * `system/session_title_changed`: the session got a title (the `title` option, `--name`, or the
 * CLI's own; 2.1.x).
 */
export interface SystemSessionTitleChangedEvent extends SystemEventBase {
  subtype: "session_title_changed";
  title: string;
}

/**
 * A `system` line with a subtype this version of claw does not know. Its `subtype` is
 * `"unknown"`, so comparing `event.subtype` with a known subtype narrows the union.
 *
 * @example Read an unknown subtype
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { decodeLine } from "./decode.ts";
 *
 * const text = '{"type":"system","subtype":"brand_new","session_id":"s1","detail":42}';
 * const [event] = decodeLine({ text, lineNumber: 1, terminated: true, invalidUtf8: false });
 * if (event?.type === "system" && event.subtype === "unknown") {
 *   strictEqual(event.originalSubtype, "brand_new");
 *   strictEqual(event.session_id, "s1");
 *   strictEqual(event.raw.detail, 42);
 * }
 * strictEqual(event?.type === "system" && event.subtype, "unknown");
 * ```
 */
export interface UnknownSystemEvent {
  type: "system";
  subtype: "unknown";
  /** The line's own `subtype`; absent when it had no string `subtype`. */
  originalSubtype?: string;
  /** The line's `session_id`, when it had a string one. */
  session_id?: string;
  /** The line's `uuid`, when it had a string one. */
  uuid?: string;
  /** The line as the CLI printed it. */
  raw: Record<string, unknown>;
}

/** Known `system` lines by `subtype`; used by {@linkcode isSystemEvent}. */
export interface SystemEventMap {
  init: SystemInitEvent;
  status: SystemStatusEvent;
  api_retry: SystemApiRetryEvent;
  control_request_progress: SystemControlRequestProgressEvent;
  permission_denied: SystemPermissionDeniedEvent;
  task_started: SystemTaskStartedEvent;
  task_updated: SystemTaskUpdatedEvent;
  task_progress: SystemTaskProgressEvent;
  task_notification: SystemTaskNotificationEvent;
  background_tasks_changed: SystemBackgroundTasksChangedEvent;
  model_fallback: SystemModelFallbackEvent;
  model_refusal_fallback: SystemModelRefusalFallbackEvent;
  model_refusal_no_fallback: SystemModelRefusalNoFallbackEvent;
  compact_boundary: SystemCompactBoundaryEvent;
  session_state_changed: SystemSessionStateChangedEvent;
  informational: SystemInformationalEvent;
  thinking_tokens: SystemThinkingTokensEvent;
  local_command_output: SystemLocalCommandOutputEvent;
  hook_started: SystemHookStartedEvent;
  hook_progress: SystemHookProgressEvent;
  hook_response: SystemHookResponseEvent;
  plugin_install: SystemPluginInstallEvent;
  worker_shutting_down: SystemWorkerShuttingDownEvent;
  commands_changed: SystemCommandsChangedEvent;
  notification: SystemNotificationEvent;
  files_persisted: SystemFilesPersistedEvent;
  memory_recall: SystemMemoryRecallEvent;
  elicitation_complete: SystemElicitationCompleteEvent;
  mirror_error: SystemMirrorErrorEvent;
  session_writes_lost: SystemSessionWritesLostEvent;
  session_title_changed: SystemSessionTitleChangedEvent;
}

/** Any `system` line, discriminated on `subtype`: `event.subtype === "init"` narrows it. */
export type SystemEvent = SystemEventMap[keyof SystemEventMap] | UnknownSystemEvent;

// ---------------------------------------------------------------------------------------------
// assistant and user

/** The API message inside an `assistant` line. */
export interface AssistantMessage {
  id: string;
  type: "message";
  role: "assistant";
  /** `"<synthetic>"` for API error messages made up by the CLI. */
  model: string;
  /** In practice one block per line: the CLI prints one `assistant` line per content block. */
  content: ContentBlock[];
  /** Always `null` on stdout, except on synthetic error messages. */
  stop_reason: string | null;
  stop_sequence: string | null;
  /** The `message_start` usage, not the final one (that is in `result`). */
  usage: Usage;
  context_management?: unknown;
  diagnostics?: unknown;
  container?: unknown;
  stop_details?: unknown;
}

/** An `assistant` line: one content block of a model response. */
export interface AssistantEvent {
  type: "assistant";
  message: AssistantMessage;
  /** The Agent tool_use id for subagent messages, else `null`. */
  parent_tool_use_id: string | null;
  session_id: string;
  uuid?: string;
  timestamp?: string;
  /** The API's `request-id` response header. */
  request_id?: string;
  /** Error category on synthetic error messages, e.g. `rate_limit`, `authentication_failed`. */
  error?: ApiErrorCategory;
  is_api_error_message?: boolean;
  api_error_status?: number | null;
  api_error_type?: string;
  api_error?: string;
  api_error_params?: unknown;
  /** `true` on the partial message of an interrupted stream. */
  aborted?: boolean;
  /** The uuid of the user message this answers. */
  user_message_uuid?: string;
  refused_message_id?: string;
  agent_id?: string;
  subagent_type?: string;
  task_description?: string;
  thinking_duration_ms?: number;
  thinking_display?: string;
  /** On the synthetic answer to a local slash command: the command's output, in tags. */
  local_command_source?: string;
  /**
   * On the synthetic answer to a local slash command, which command ran:
   * `{ command: "model", args: "sonnet" }`; `form` (2.1.337 and later) says how it is shown.
   */
  local_command_run?: { command: string; args: string; form?: string };
}

/** The message inside a `user` line. */
export interface UserMessage {
  role: "user";
  /** A string for replayed stdin messages, else blocks (usually `tool_result`). */
  content: string | ContentBlock[];
}

/** One entry of `tool_result_meta`. */
export interface ToolResultMeta {
  id: string;
  permission_decision?: {
    decision: OpenString<"accept" | "reject">;
    source?: string;
    reason_type?: string;
  };
  non_execution_kind?: string;
}

/** A `user` line: tool results, replayed stdin messages, synthetic nudges, subagent prompts. */
export interface UserEvent {
  type: "user";
  message: UserMessage;
  parent_tool_use_id: string | null;
  /** Always printed on stdout, but optional in the SDK's type of a user message. */
  session_id?: string;
  uuid?: string;
  timestamp?: string;
  /** Tool-specific result object, or a string such as `"Error: …"` on failures. */
  tool_use_result?: unknown;
  tool_result_meta?: ToolResultMeta[];
  isSynthetic?: boolean;
  isReplay?: boolean;
  /**
   * On the replayed line that echoes a slash command's `<local-command-stdout>` (2.1.337 and
   * later): which command ran.
   */
  local_command_run?: { command: string; args: string; form?: string };
  refused_message_id?: string;
  agent_id?: string;
  subagent_type?: string;
  task_description?: string;
}

// ---------------------------------------------------------------------------------------------
// stream_event

/** SSE `message_start`. */
export interface MessageStartPayload {
  type: "message_start";
  message: AssistantMessage;
}

/** SSE `content_block_start`; a `tool_use` block starts with the `{}` placeholder input. */
export interface ContentBlockStartPayload {
  type: "content_block_start";
  index: number;
  content_block: ContentBlock;
}

/** A `text_delta`. */
export interface TextDelta {
  type: "text_delta";
  text: string;
}

/** An `input_json_delta`: a chunk of a tool_use block's input JSON text. */
export interface InputJsonDelta {
  type: "input_json_delta";
  partial_json: string;
}

/** A `thinking_delta`. */
export interface ThinkingDelta {
  type: "thinking_delta";
  thinking: string;
}

/** A `signature_delta`: the signature of a thinking block. */
export interface SignatureDelta {
  type: "signature_delta";
  signature: string;
}

/** A delta of a type this version of claw does not know; `delta.type === "text_delta"` narrows. */
export interface UnknownDelta {
  type: "unknown";
  /** The delta's own `type`, e.g. `"citations_delta"`; absent when it had no string `type`. */
  originalType?: string;
  /** The delta as the CLI printed it. */
  raw: Record<string, unknown>;
}

/** Known deltas by `type`; used by {@linkcode isDelta}. */
export interface DeltaMap {
  text_delta: TextDelta;
  input_json_delta: InputJsonDelta;
  thinking_delta: ThinkingDelta;
  signature_delta: SignatureDelta;
}

/** Any content block delta, discriminated on `type`. */
export type Delta = DeltaMap[keyof DeltaMap] | UnknownDelta;

/** SSE `content_block_delta`. */
export interface ContentBlockDeltaPayload {
  type: "content_block_delta";
  index: number;
  delta: Delta;
}

/** SSE `content_block_stop`. */
export interface ContentBlockStopPayload {
  type: "content_block_stop";
  index: number;
}

/** SSE `message_delta`: the final stop reason and usage of a message. */
export interface MessageDeltaPayload {
  type: "message_delta";
  delta: { stop_reason?: string | null; stop_sequence?: string | null };
  usage?: Usage;
  context_management?: unknown;
}

/** SSE `message_stop`. */
export interface MessageStopPayload {
  type: "message_stop";
}

/** An SSE event of a type this version of claw does not know; `payload.type` comparisons narrow. */
export interface UnknownStreamPayload {
  type: "unknown";
  /** The SSE event's own `type`; absent when it had no string `type`. */
  originalType?: string;
  /** The SSE event as the CLI printed it. */
  raw: Record<string, unknown>;
}

/** Known SSE events by `type`; used by {@linkcode isStreamPayload}. */
export interface StreamPayloadMap {
  message_start: MessageStartPayload;
  content_block_start: ContentBlockStartPayload;
  content_block_delta: ContentBlockDeltaPayload;
  content_block_stop: ContentBlockStopPayload;
  message_delta: MessageDeltaPayload;
  message_stop: MessageStopPayload;
}

/** The raw Anthropic SSE event inside a `stream_event` line, discriminated on `type`. */
export type StreamPayload = StreamPayloadMap[keyof StreamPayloadMap] | UnknownStreamPayload;

/** Where an abandoned stream stopped; carried by the CLI's synthetic `message_stop`. */
export interface AbandonedBlocks {
  api_message_id: string;
  from_block_index: number;
}

/** A `stream_event` line (`--include-partial-messages`): one raw SSE event. */
export interface StreamEvent {
  type: "stream_event";
  event: StreamPayload;
  session_id: string;
  parent_tool_use_id: string | null;
  uuid?: string;
  /** The id of the API message this event belongs to (2.1.x). */
  api_message_id?: string;
  /** On `message_start`. */
  ttft_ms?: number;
  thinking_display?: string;
  /** On a synthetic `message_stop` that ends an abandoned stream. */
  abandoned_blocks?: AbandonedBlocks;
}

// ---------------------------------------------------------------------------------------------
// result

/** The `result` subtypes seen so far. API failures use `success` with `is_error: true`. */
export type ResultSubtype = OpenString<
  | "success"
  | "error_max_turns"
  | "error_max_budget_usd"
  | "error_max_structured_output_retries"
  | "error_during_execution"
>;

/** One entry of `result.permission_denials`. */
export interface PermissionDenial {
  tool_name: string;
  tool_use_id: string;
  tool_input: Record<string, unknown>;
}

/**
 * The `result` line: the last line of every turn that started a session. Check `is_error`, not
 * `subtype`: API failures end with `subtype: "success"` and `is_error: true`.
 */
export interface ResultEvent {
  type: "result";
  subtype: ResultSubtype;
  is_error: boolean;
  duration_ms: number;
  duration_api_ms: number;
  num_turns: number;
  session_id: string;
  total_cost_usd: number;
  usage: Usage;
  modelUsage: Record<string, ModelUsage>;
  permission_denials: PermissionDenial[];
  uuid?: string;
  /** When the CLI wrote the line, as an ISO timestamp (2.1.337 and later). */
  written_at?: string;
  /** The final text, or the error text when `is_error`; absent on `error_*` subtypes. */
  result?: string;
  /** On `error_*` subtypes. */
  errors?: string[];
  stop_reason?: string | null;
  terminal_reason?: string;
  api_error_status?: number | null;
  api_error_type?: string;
  api_error?: string;
  structured_output?: unknown;
  result_index?: number;
  fast_mode_state?: string;
  fast_mode_disabled_reason?: string | null;
  subagent_stats?: unknown;
  safety_stops?: unknown;
  queued_turn_count?: number;
  model_usage_since_last_result?: Record<string, ModelUsage>;
  ttft_ms?: number;
  ttft_stream_ms?: number;
  time_to_request_ms?: number;
  first_content_frame_ms?: number;
}

// ---------------------------------------------------------------------------------------------
// other lines

/** The `rate_limit_info` of a `rate_limit_event` line. */
export interface RateLimitInfo {
  status: OpenString<"allowed" | "allowed_warning" | "rejected">;
  resetsAt?: number;
  rateLimitType?: string;
  utilization?: number;
  unifiedRateLimitFallbackAvailable?: boolean;
  isUsingOverage?: boolean;
  overageStatus?: OpenString<"allowed" | "allowed_warning" | "rejected">;
  overageResetsAt?: number;
  overageDisabledReason?: string;
  surpassedThreshold?: number;
}

/** A `rate_limit_event` line. */
export interface RateLimitEvent {
  type: "rate_limit_event";
  rate_limit_info: RateLimitInfo;
  session_id?: string;
  uuid?: string;
}

/** A `tool_progress` line: a heartbeat of a long-running tool. */
export interface ToolProgressEvent {
  type: "tool_progress";
  tool_use_id: string;
  tool_name: string;
  parent_tool_use_id: string | null;
  elapsed_time_seconds: number;
  heartbeat?: boolean;
  task_id?: string;
  subagent_type?: string;
  /** Set while a subagent's request is being retried. */
  subagent_retry?: {
    agent_id: string;
    attempt: number;
    max_retries: number;
    retry_delay_ms: number;
    error_status: number | null;
    error_category: string;
  };
  session_id?: string;
  uuid?: string;
}

/** A `tool_use_summary` line: a one-line summary of the tool calls before it. */
export interface ToolUseSummaryEvent {
  type: "tool_use_summary";
  summary: string;
  preceding_tool_use_ids: string[];
  session_id: string;
  uuid?: string;
}

/** An `auth_status` line: progress of an authentication the CLI is doing. */
export interface AuthStatusEvent {
  type: "auth_status";
  isAuthenticating: boolean;
  output: string[];
  error?: string;
  session_id: string;
  uuid?: string;
}

/** A `prompt_suggestion` line: a prompt the CLI suggests as the next user message. */
export interface PromptSuggestionEvent {
  type: "prompt_suggestion";
  suggestion: string;
  session_id: string;
  uuid?: string;
}

/** A `conversation_reset` line: the conversation started afresh, e.g. after `/clear`. */
export interface ConversationResetEvent {
  type: "conversation_reset";
  new_conversation_id: string;
  trigger?: OpenString<"clear" | "plan_mode_exit" | "fresh_session" | "onboarding">;
  user_message_uuid?: string;
  timestamp?: string;
  session_id: string;
  uuid?: string;
}

/** An `active_goal` line: the goal the session works towards, or `null` once it is cleared. */
export interface ActiveGoalEvent {
  type: "active_goal";
  value: {
    condition: string;
    iterations: number;
    set_at: number;
    tokens_at_start: number;
    last_reason?: string;
  } | null;
  session_id: string;
  uuid?: string;
}

/** A `control_request` line from the CLI, e.g. `can_use_tool` with `--permission-prompt-tool stdio`. */
export interface ControlRequestEvent {
  type: "control_request";
  request_id: string;
  /**
   * On `hook_callback` and `mcp_message` (2.1.337 and later): the CLI flushed what it printed
   * before asking.
   */
  flush?: boolean;
  request: {
    subtype: OpenString<"can_use_tool" | "hook_callback" | "mcp_message" | "elicitation">;
    tool_name?: string;
    display_name?: string;
    input?: Record<string, unknown>;
    description?: string;
    permission_suggestions?: unknown[];
    blocked_path?: string;
    tool_use_id?: string;
  };
}

/** A `control_response` line: the CLI's answer to a control request written on stdin. */
export interface ControlResponseEvent {
  type: "control_response";
  response: {
    subtype: OpenString<"success" | "error">;
    request_id: string;
    response?: Record<string, unknown>;
    error?: string;
    error_code?: string;
  };
}

/** A `control_cancel_request` line: the CLI withdraws a control request it sent the host. */
export interface ControlCancelRequestEvent {
  type: "control_cancel_request";
  request_id: string;
}

/** A `keep_alive` line. */
export interface KeepAliveEvent {
  type: "keep_alive";
}

/**
 * A `command_lifecycle` line (2.1.x): where a user message the host gave a `uuid` stands,
 * `queued`, `started`, then `completed` (after the turn's `result`).
 */
export interface CommandLifecycleEvent {
  type: "command_lifecycle";
  /** The `uuid` of the user message. */
  command_uuid: string;
  state: OpenString<"queued" | "started" | "completed">;
  uuid?: string;
  session_id?: string;
  /** Whether the CLI is idle after the command (2.1.337 and later). */
  idle?: boolean;
  /** When the CLI wrote the line, as an ISO timestamp (2.1.337 and later). */
  written_at?: string;
}

/**
 * A line whose `type` this version of claw does not know, or a JSON object without a string
 * `type`.
 *
 * @example Count lines of kinds a newer CLI added
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { decodeLine } from "./decode.ts";
 *
 * const text = '{"type":"brand_new","value":1}';
 * const items = decodeLine({ text, lineNumber: 1, terminated: true, invalidUtf8: false });
 * deepStrictEqual(items, [
 *   { type: "unknown", originalType: "brand_new", raw: { type: "brand_new", value: 1 } },
 * ]);
 * ```
 */
export interface UnknownEvent {
  type: "unknown";
  /** The line's own `type`; absent when it had no string `type`. */
  originalType?: string;
  /** The parsed line, untouched. */
  raw: Record<string, unknown>;
}

/** Known events by `type`. */
export interface ClaudeEventMap {
  system: SystemEvent;
  assistant: AssistantEvent;
  user: UserEvent;
  stream_event: StreamEvent;
  result: ResultEvent;
  rate_limit_event: RateLimitEvent;
  tool_progress: ToolProgressEvent;
  tool_use_summary: ToolUseSummaryEvent;
  auth_status: AuthStatusEvent;
  prompt_suggestion: PromptSuggestionEvent;
  conversation_reset: ConversationResetEvent;
  active_goal: ActiveGoalEvent;
  control_request: ControlRequestEvent;
  control_response: ControlResponseEvent;
  control_cancel_request: ControlCancelRequestEvent;
  keep_alive: KeepAliveEvent;
  command_lifecycle: CommandLifecycleEvent;
}

/**
 * Any stdout line, discriminated on `type`; `system` lines are discriminated further on
 * `subtype`.
 *
 * @example Handle the events of a run
 * ```ts
 * import { strictEqual } from "node:assert";
 * import type { ClaudeEvent } from "./events.ts";
 *
 * function describe(event: ClaudeEvent): string {
 *   switch (event.type) {
 *     case "system":
 *       return event.subtype === "init" ? `model ${event.model}` : `system/${event.subtype}`;
 *     case "result":
 *       return event.is_error ? `failed: ${event.result ?? event.errors?.join("; ")}` : "done";
 *     case "unknown":
 *       return `unknown line of type ${event.originalType ?? "(none)"}`;
 *     default:
 *       return event.type;
 *   }
 * }
 * strictEqual(describe({ type: "unknown", originalType: "x", raw: { type: "x" } }), "unknown line of type x");
 * strictEqual(describe({ type: "system", subtype: "init", session_id: "s1", model: "m" } as ClaudeEvent), "model m");
 * ```
 */
export type ClaudeEvent = ClaudeEventMap[keyof ClaudeEventMap] | UnknownEvent;

/**
 * Why a line could not be turned into an event, or what was wrong with it. `line_too_long`: the
 * line was over `maxLineBytes` (or too long for a JavaScript string) and was skipped undecoded.
 */
export type DiagnosticKind =
  | "not_json"
  | "not_object"
  | "invalid_utf8"
  | "truncated_line"
  | "line_too_long";

/**
 * A problem with one stdout line, reported instead of throwing or dropping the line.
 *
 * @example Tell diagnostics apart from events
 * ```ts
 * import { ok } from "node:assert";
 * import type { DecodedItem } from "./events.ts";
 *
 * const item: DecodedItem = {
 *   type: "diagnostic", kind: "not_json", lineNumber: 2, text: "Debug: hi",
 *   message: "Line 2 is not JSON (9 characters): Unexpected token 'D', \"Debug: hi\" is not valid JSON",
 * };
 * ok(item.type === "diagnostic" && item.message.startsWith("Line 2 is not JSON"));
 * ```
 */
export interface Diagnostic {
  type: "diagnostic";
  kind: DiagnosticKind;
  /** 1-based. */
  lineNumber: number;
  /** The line, cut to about 200 characters. */
  text: string;
  /** What was wrong, as a sentence: `Line 3 is not JSON (12 characters): …`. */
  message: string;
  /**
   * The line's length in bytes, without its `\n` or `\r\n`: set on `line_too_long` only, whose
   * `text` is the line's first 200 bytes (followed by `…` when there are more).
   */
  byteLength?: number;
}

/** What a decoder yields per line. */
export type DecodedItem = ClaudeEvent | Diagnostic;

// ---------------------------------------------------------------------------------------------
// guards

/**
 * Whether `event` is a `system` line with the given subtype: the same narrowing as
 * `event.type === "system" && event.subtype === "init"`, for a subtype held in a variable.
 *
 * @example Narrow to `system/init`
 * ```ts
 * import { ok } from "node:assert";
 * import { type ClaudeEvent, isSystemEvent } from "./events.ts";
 *
 * const event = { type: "system", subtype: "init", session_id: "s1", model: "m" } as ClaudeEvent;
 * ok(isSystemEvent(event, "init") && event.model === "m");
 * ```
 */
export function isSystemEvent<K extends keyof SystemEventMap>(
  event: DecodedItem,
  subtype: K,
): event is SystemEventMap[K] {
  return event.type === "system" && event.subtype === subtype;
}

/**
 * Whether `block` is a content block of the given type: the same narrowing as
 * `block.type === "text"`, for a type held in a variable.
 *
 * @example Read the text of a text block
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { type ContentBlock, isContentBlock } from "./events.ts";
 *
 * const blocks: ContentBlock[] = [
 *   { type: "text", text: "hi" },
 *   { type: "unknown", originalType: "server_tool_use", raw: { type: "server_tool_use" } },
 * ];
 * deepStrictEqual(blocks.filter((b) => isContentBlock(b, "text")).map((b) => b.text), ["hi"]);
 * ```
 */
export function isContentBlock<K extends keyof ContentBlockMap>(
  block: ContentBlock,
  type: K,
): block is ContentBlockMap[K] {
  return block.type === type;
}

/**
 * Whether `payload`, the `event` of a `stream_event` line, is an SSE event of the given type: the
 * same narrowing as `payload.type === "content_block_stop"`, for a type held in a variable.
 *
 * @example Narrow to `content_block_delta`
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { isStreamPayload, type StreamPayload } from "./events.ts";
 *
 * const payload: StreamPayload = { type: "content_block_stop", index: 2 };
 * deepStrictEqual(isStreamPayload(payload, "content_block_stop") ? payload.index : -1, 2);
 * ```
 */
export function isStreamPayload<K extends keyof StreamPayloadMap>(
  payload: StreamPayload,
  type: K,
): payload is StreamPayloadMap[K] {
  return payload.type === type;
}

/**
 * Whether `delta` is a content block delta of the given type: the same narrowing as
 * `delta.type === "text_delta"`, for a type held in a variable.
 *
 * @example Read a text delta
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { type Delta, isDelta } from "./events.ts";
 *
 * const delta: Delta = { type: "text_delta", text: "Hel" };
 * deepStrictEqual(isDelta(delta, "text_delta") ? delta.text : "", "Hel");
 * ```
 */
export function isDelta<K extends keyof DeltaMap>(delta: Delta, type: K): delta is DeltaMap[K] {
  return delta.type === type;
}

/**
 * The CLI version a `system/init` line names (decoded or raw JSON), else `undefined`: the one
 * place claw reads the version from the CLI's output.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { cliVersionOf } from "./events.ts";
 *
 * strictEqual(cliVersionOf({ type: "system", subtype: "init", claude_code_version: "2.1.332" }), "2.1.332");
 * strictEqual(cliVersionOf({ type: "result", subtype: "success" }), undefined);
 * ```
 */
export function cliVersionOf(line: Record<string, unknown> | DecodedItem): string | undefined {
  const { type, subtype, claude_code_version: version } = line as Record<string, unknown>;
  return type === "system" && subtype === "init" && typeof version === "string" && version !== ""
    ? version
    : undefined;
}
