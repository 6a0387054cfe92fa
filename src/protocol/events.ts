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
  /** Input tokens processed afresh: neither read from nor written to the prompt cache. */
  input_tokens?: number;
  /** Output tokens; `1` on `assistant` lines, whose usage is the `message_start` one. */
  output_tokens?: number;
  /** Input tokens written to the prompt cache by this request. */
  cache_creation_input_tokens?: number;
  /** Input tokens read from the prompt cache instead of being processed again. */
  cache_read_input_tokens?: number;
  /** The cache writes split by how long they live (5 minutes, 1 hour). */
  cache_creation?: { ephemeral_5m_input_tokens?: number; ephemeral_1h_input_tokens?: number };
  /** How many server-side web searches and web fetches the request made. */
  server_tool_use?: { web_search_requests?: number; web_fetch_requests?: number };
  /** The API service tier that served the request, e.g. `"standard"`; `null` if unknown. */
  service_tier?: string | null;
}

/** Per-model usage in `result.modelUsage`. */
export interface ModelUsage {
  /** Input tokens this model processed afresh (not from or into the prompt cache). */
  inputTokens?: number;
  /** Output tokens this model produced, thinking tokens included. */
  outputTokens?: number;
  /** Input tokens this model read from the prompt cache. */
  cacheReadInputTokens?: number;
  /** Input tokens this model wrote to the prompt cache. */
  cacheCreationInputTokens?: number;
  /** Server-side web searches made through this model. */
  webSearchRequests?: number;
  /** The CLI's estimate of what this model's calls cost, in US dollars; not a bill. */
  costUSD?: number;
  /** The model's context window in tokens, e.g. `200000`. */
  contextWindow?: number;
  /** The most output tokens the CLI lets this model produce in one request, e.g. `128000`. */
  maxOutputTokens?: number;
}

/** A `{ type: "text" }` content block. */
export interface TextBlock {
  /** The discriminant: `block.type === "text"` narrows a {@linkcode ContentBlock} to this. */
  type: "text";
  /** What the model wrote; on a synthetic error message, the error in words. */
  text: string;
  /** Sources the API attached to the text (web search results, documents); usually absent. */
  citations?: unknown[] | null;
}

/** A `{ type: "thinking" }` content block. */
export interface ThinkingBlock {
  /** The discriminant: `block.type === "thinking"` narrows a {@linkcode ContentBlock} to this. */
  type: "thinking";
  /** The model's reasoning as the API returned it; it can be a summary, or empty. */
  thinking: string;
  /** The API's signature over the reasoning; sent back unchanged with it in later requests. */
  signature?: string;
}

/** A `{ type: "redacted_thinking" }` content block. */
export interface RedactedThinkingBlock {
  /** The discriminant: `"redacted_thinking"` narrows a {@linkcode ContentBlock} to this. */
  type: "redacted_thinking";
  /** The reasoning, encrypted by the API: opaque, sent back unchanged in later requests. */
  data: string;
}

/** A `{ type: "tool_use" }` content block: the model calls a tool. */
export interface ToolUseBlock {
  /** The discriminant: `block.type === "tool_use"` narrows a {@linkcode ContentBlock} to this. */
  type: "tool_use";
  /** The call's id (`toolu_…`); the `tool_result` that answers it has it as `tool_use_id`. */
  id: string;
  /** The tool called, e.g. `Bash`, or `mcp__<server>__<tool>` for an MCP tool. */
  name: string;
  /** The arguments, parsed; `{}` in a stream's `content_block_start`, which deltas then fill. */
  input: Record<string, unknown>;
}

/** A `{ type: "image" }` content block. */
export interface ImageBlock {
  /** The discriminant: `block.type === "image"` narrows a {@linkcode ContentBlock} to this. */
  type: "image";
  /** Where the image is, as its `type` says: base64 `data` with its `media_type`, or a `url`. */
  source: { type: string; media_type?: string; data?: string; url?: string };
}

/** A `{ type: "tool_result" }` content block: the outcome of a tool call, in a user message. */
export interface ToolResultBlock {
  /** The discriminant: `"tool_result"` narrows a {@linkcode ContentBlock} to this. */
  type: "tool_result";
  /** The `id` of the `tool_use` block this answers. */
  tool_use_id: string;
  /** What the tool returned: text (a `<persisted-output>` preview when large) or blocks. */
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
  /** Always `"unknown"`, so comparing with a known type narrows it away; see `originalType`. */
  type: "unknown";
  /** The block's own `type`; absent when it had no string `type`. */
  originalType?: string;
  /** The block as the CLI printed it. */
  raw: Record<string, unknown>;
}

/** Known content blocks by their `type`; used by {@linkcode isContentBlock}. */
export interface ContentBlockMap {
  /** Text the model wrote, or text in a user message. */
  text: TextBlock;
  /** The model's reasoning before its answer. */
  thinking: ThinkingBlock;
  /** Reasoning the API encrypted. */
  redacted_thinking: RedactedThinkingBlock;
  /** A tool call by the model. */
  tool_use: ToolUseBlock;
  /** A tool's answer, in a `user` line. */
  tool_result: ToolResultBlock;
  /** An image, in a user message or a tool result. */
  image: ImageBlock;
}

/** Any content block, discriminated on `type`: `block.type === "text"` narrows it. */
export type ContentBlock = ContentBlockMap[keyof ContentBlockMap] | UnknownContentBlock;

// ---------------------------------------------------------------------------------------------
// system

/** Fields every `system` line carries. */
export interface SystemEventBase {
  /** Always `"system"`; `subtype` says which `system` line it is. */
  type: "system";
  /** The session it belongs to: the same on every line of a run, and what `--resume` takes. */
  session_id: string;
  /** This line's own id, unique within the session. */
  uuid?: string;
  /** When the CLI wrote the line, as an ISO timestamp (2.1.337 and later). */
  written_at?: string;
}

/** `system/init`: printed before the first model request of every turn. */
export interface SystemInitEvent extends SystemEventBase {
  /** The discriminant within {@linkcode SystemEvent}, always `"init"`. */
  subtype: "init";
  /** The working directory the CLI runs in; its transcripts live in a folder named after it. */
  cwd: string;
  /** The tools the model may call, e.g. `Bash`; `StructuredOutput` with `--json-schema`. */
  tools: string[];
  /** The configured MCP servers, each with its connection `status` and where it was defined. */
  mcp_servers: { name: string; status: string; source?: string }[];
  /** The full id of the model the turn runs, e.g. `claude-sonnet-5-5` for `--model sonnet`. */
  model: string;
  /** The permission mode (`--permission-mode`) deciding which tool calls need approval. */
  permissionMode: OpenString<
    "default" | "acceptEdits" | "bypassPermissions" | "plan" | "dontAsk" | "auto"
  >;
  /** Names of the slash commands and skills a prompt may invoke, without the `/`. */
  slash_commands?: string[];
  /** The `slash_commands` that only make sense in a terminal (2.1.x; absent when none). */
  terminal_slash_commands?: string[];
  /** Where the API key came from: `ANTHROPIC_API_KEY`, `apiKeyHelper`, …, or `none` (a login). */
  apiKeySource?: string;
  /** Only in 2.0.x. */
  betas?: string[];
  /** The CLI's version, e.g. `2.1.332`; read it with {@linkcode cliVersionOf}. */
  claude_code_version?: string;
  /** The active output style: `default` unless settings choose another. */
  output_style?: string;
  /** Names of the subagent types the Agent tool can start, e.g. `general-purpose`, `Explore`. */
  agents?: string[];
  /** Names of the skills the model can load. */
  skills?: string[];
  /** The plugins loaded, with their directory and declared version. */
  plugins?: { name: string; path?: string; version?: string }[];
  /** Plugins that failed to load, or loaded without a component; absent when none did. */
  plugin_errors?: { plugin: string; type: string; message: string; path?: string }[];
  /** Protocol features this CLI announces, to detect features without comparing versions. */
  capabilities?: unknown;
  /** Whether the CLI sends no analytics, e.g. under `DISABLE_TELEMETRY=1`. */
  analytics_disabled?: boolean;
  /** Whether the CLI's product feedback prompts are off. */
  product_feedback_disabled?: boolean;
  /** Where memory files live: `auto` is the project's memory folder under `~/.claude/projects/`. */
  memory_paths?: { auto?: string };
  /** The directory the CLI was started in, before any change of `cwd`. */
  original_cwd?: string;
  /** Directories beyond `cwd` that tools may use (`--add-dir`). */
  additional_directories?: string[];
  /** The local socket the CLI listens on, `/tmp/cc-socks/<pid>.sock`. */
  messaging_socket_path?: string;
  /** Whether fast mode is `on`, `off`, or in `cooldown` after a rate limit. */
  fast_mode_state?: string;
  /** Why fast mode cannot run, e.g. `sdk_opt_in_required`; `null` when nothing blocks it. */
  fast_mode_disabled_reason?: string | null;
  /** The effort level the next request asks for (`low` … `max`); `null` when none is sent. */
  effort?: string | null;
  /** Whether an effort level set for a single turn is in force (`false` in observed runs). */
  per_turn_effort_active?: boolean;
  /** Whether the `ultrathink` keyword can raise the thinking effort in this session. */
  ultrathink_available?: boolean;
  /** Whether typing `ultrathink` in a prompt raises the effort of that turn. */
  ultrathink_typed_raises?: boolean;
  /** `focus` when the user sees only each turn's final message (`/focus`), else `default`. */
  view_mode?: string;
}

/**
 * `system/status`: `requesting` before each request in partial mode, `compacting`, or `null`
 * with a permission mode change.
 */
export interface SystemStatusEvent extends SystemEventBase {
  /** The discriminant within {@linkcode SystemEvent}, always `"status"`. */
  subtype: "status";
  /** `requesting` before each API request (partial mode), `compacting`, or `null` when neither. */
  status: OpenString<"requesting" | "compacting"> | null;
  /** The new permission mode, on the line that follows a `set_permission_mode` request. */
  permissionMode?: string;
  /** How a compaction ended, on the line that closes it. */
  compact_result?: OpenString<"success" | "failed">;
  /** Why the compaction failed, when `compact_result` is `failed`. */
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
  /** The discriminant within {@linkcode SystemEvent}, always `"api_retry"`. */
  subtype: "api_retry";
  /** 1-based. */
  attempt: number;
  /** How many retries the CLI allows: 10 by default, or `CLAUDE_CODE_MAX_RETRIES`. */
  max_retries: number;
  /** How long the CLI waits before this retry, in ms (about 500·2^n with jitter, capped). */
  retry_delay_ms: number;
  /** The HTTP status, or `null` for network errors. */
  error_status: number | null;
  /** The failure's category, e.g. `server_error`, `overloaded`; `unknown` for network errors. */
  error: ApiErrorCategory;
  /** Set when the retry follows a request that got no response in time. */
  no_response?: { waited_ms: number; retry_wait_ms: number };
}

/** `system/control_request_progress`: a control request written on stdin started or is retrying. */
export interface SystemControlRequestProgressEvent extends SystemEventBase {
  /** The discriminant within {@linkcode SystemEvent}, always `"control_request_progress"`. */
  subtype: "control_request_progress";
  /** The `request_id` of the control request, written on stdin, that this reports on. */
  request_id: string;
  /** `started`, or `api_retry` while an API request made for the control request is retried. */
  status: OpenString<"started" | "api_retry">;
  /** On `api_retry`: the retry's number, 1-based. */
  attempt?: number;
  /** On `api_retry`: how many retries are allowed. */
  max_retries?: number;
  /** On `api_retry`: how long the CLI waits before the retry, in ms. */
  retry_delay_ms?: number;
  /** On `api_retry`: the HTTP status that failed, or `null` for a network error. */
  error_status?: number | null;
}

/** `system/permission_denied`: a tool call denied by the permission mode. */
export interface SystemPermissionDeniedEvent extends SystemEventBase {
  /** The discriminant within {@linkcode SystemEvent}, always `"permission_denied"`. */
  subtype: "permission_denied";
  /** The tool whose call was denied, e.g. `Write`. */
  tool_name: string;
  /** The denied call's `tool_use` id; its `tool_result` carries `message` as an error. */
  tool_use_id: string;
  /** The rejection text the model gets as the tool's result. */
  message: string;
  /** The subagent whose call was denied; absent for the main thread. */
  agent_id?: string;
  /** What decided the denial, e.g. `mode`, `rule`, `classifier` (not on every CLI run). */
  decision_reason_type?: string;
  /** The deciding component's reason in words, when it gave one. */
  decision_reason?: string;
}

/** What a subagent task has used so far, in `task_progress` and `task_notification`. */
export interface TaskUsage {
  /** Tokens the task has used, input and output together. */
  total_tokens: number;
  /** Tool calls the task has made. */
  tool_uses: number;
  /** How long the task has run, in ms. */
  duration_ms: number;
}

/** `system/task_started`: a subagent (Agent tool) or background task started. */
export interface SystemTaskStartedEvent extends SystemEventBase {
  /** The discriminant within {@linkcode SystemEvent}, always `"task_started"`. */
  subtype: "task_started";
  /** The task's id: on every `task_*` line of it, and its subagent's messages' `agent_id`. */
  task_id: string;
  /** The id of this run of the task; a resumed task keeps `task_id` and gets a new `run_id`. */
  run_id?: string;
  /** The tool call that started the task; its subagent's lines name it `parent_tool_use_id`. */
  tool_use_id?: string;
  /** The short description the model gave the task. */
  description?: string;
  /** The subagent's type, e.g. `general-purpose`; absent on tasks that are not agents. */
  subagent_type?: string;
  /** Whether the task runs in the background instead of blocking the call that started it. */
  is_backgrounded?: boolean;
  /** How deeply a subagent is nested: 1 when the main thread started it. */
  spawn_depth?: number;
  /** The task whose agent started this one; absent when the main thread did. */
  parent_task_id?: string;
  /** The kind of task, e.g. `local_agent`, `local_bash`, `local_workflow`. */
  task_type?: string;
  /** The workflow's name, when `task_type` is `local_workflow`. */
  workflow_name?: string;
  /** What the task was asked to do. */
  prompt?: string;
  /** Whether it is a housekeeping task that a transcript view should hide. */
  skip_transcript?: boolean;
  /** Whether the task is not user activity, so activity indicators should leave it out. */
  ambient?: boolean;
}

/** `system/task_updated`: a task changed, e.g. `patch.status`. */
export interface SystemTaskUpdatedEvent extends SystemEventBase {
  /** The discriminant within {@linkcode SystemEvent}, always `"task_updated"`. */
  subtype: "task_updated";
  /** The task that changed. */
  task_id: string;
  /** The run of the task that changed. */
  run_id?: string;
  /** Only the fields of the task that changed, to merge into what is known of it. */
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
  /** The discriminant within {@linkcode SystemEvent}, always `"task_progress"`. */
  subtype: "task_progress";
  /** The task reporting. */
  task_id: string;
  /** The run of the task reporting. */
  run_id?: string;
  /** The tool call that started the task. */
  tool_use_id?: string;
  /** The task's short description. */
  description: string;
  /** The subagent's type, on Agent tasks. */
  subagent_type?: string;
  /** What the task has used so far. */
  usage: TaskUsage;
  /** The tool the task called last. */
  last_tool_name?: string;
  /** A one-line status of the task, when the CLI made one. */
  summary?: string;
}

/** `system/task_notification`: a task finished. */
export interface SystemTaskNotificationEvent extends SystemEventBase {
  /** The discriminant within {@linkcode SystemEvent}, always `"task_notification"`. */
  subtype: "task_notification";
  /** The task that ended. */
  task_id: string;
  /** The run of the task that ended. */
  run_id?: string;
  /** The tool call that started the task. */
  tool_use_id?: string;
  /** How the task ended: `completed`, `failed` or `stopped`. */
  status?: OpenString<"completed" | "failed" | "stopped">;
  /** Why a resumed process closed the task, e.g. `worker_restart`; absent otherwise. */
  reason?: string;
  /** The file holding the task's output, `/tmp/claude-<uid>/…/tasks/<id>.output`. */
  output_file?: string;
  /** What the task came to, in a few words. */
  summary?: string;
  /** What the task used in all. */
  usage?: TaskUsage;
  /** Files a background MCP task returned by reference in its final result. */
  resource_links?: { uri: string; name: string; [key: string]: unknown }[];
  /** Whether it is a housekeeping task that a transcript view should hide. */
  skip_transcript?: boolean;
  /** Whether the task is not user activity, so activity indicators should leave it out. */
  ambient?: boolean;
}

/** One entry of `system/background_tasks_changed`. */
export interface BackgroundTask {
  /** The task's id, as on its `task_*` lines. */
  task_id: string;
  /** The id of the task's current run. */
  run_id?: string;
  /** The kind of task, e.g. `local_agent`, `local_bash`. */
  task_type: string;
  /** The subagent's type, on agent tasks. */
  subagent_type?: string;
  /** The task's short description. */
  description: string;
  /** The task whose agent started this one; absent when the main thread did. */
  parent_task_id?: string;
  /** Whether the task is not user activity, so activity indicators should leave it out. */
  ambient?: boolean;
}

/** `system/background_tasks_changed`: the set of background tasks changed. */
export interface SystemBackgroundTasksChangedEvent extends SystemEventBase {
  /** The discriminant within {@linkcode SystemEvent}, always `"background_tasks_changed"`. */
  subtype: "background_tasks_changed";
  /** Every live background task after the change: replace the known set with it. */
  tasks: BackgroundTask[];
}

/** `system/model_fallback`: `--fallback-model` took over after repeated overload errors. */
export interface SystemModelFallbackEvent extends SystemEventBase {
  /** The discriminant within {@linkcode SystemEvent}, always `"model_fallback"`. */
  subtype: "model_fallback";
  /** What caused the switch, e.g. `overloaded` after repeated 529 responses. */
  trigger?: string;
  /** The model that kept failing. */
  original_model: string;
  /** The model now used, as `--fallback-model` named it. */
  fallback_model: string;
  /** The notice in words. */
  content?: string;
}

/** `system/model_refusal_fallback`: a refusal made the CLI switch to (or back from) a fallback. */
export interface SystemModelRefusalFallbackEvent extends SystemEventBase {
  /** The discriminant within {@linkcode SystemEvent}, always `"model_refusal_fallback"`. */
  subtype: "model_refusal_fallback";
  /** Always `refusal`: the model ended its answer with `stop_reason: "refusal"`. */
  trigger: OpenString<"refusal">;
  /** `retry`: the turn is retried on the fallback (`revert`, `sticky` are no longer sent). */
  direction: OpenString<"retry" | "revert" | "sticky">;
  /** `session`: the session's model was swapped; `local`: only a subagent's answer fell back. */
  scope?: OpenString<"session" | "local">;
  /** The model that refused. */
  original_model: string;
  /** The model the turn is retried on. */
  fallback_model: string;
  /** The API request id of the refused response, or `null`. */
  request_id: string | null;
  /** The refusal's category from the API, e.g. `cyber`; `null` when it gave none. */
  api_refusal_category?: string | null;
  /** The API's explanation of the refusal, for display only; `null` when it gave none. */
  api_refusal_explanation?: string | null;
  /** Uuids of lines already printed (the refused answer) that a transcript should drop. */
  retracted_message_uuids?: string[];
  /** The user message the refused request answered; `null` when no person wrote it. */
  refused_user_message_uuid?: string | null;
  /** The notice in words. */
  content: string;
}

/** `system/model_refusal_no_fallback`: a second refusal with no fallback model. */
export interface SystemModelRefusalNoFallbackEvent extends SystemEventBase {
  /** The discriminant within {@linkcode SystemEvent}, always `"model_refusal_no_fallback"`. */
  subtype: "model_refusal_no_fallback";
  /** The model that refused. */
  original_model?: string;
  /** The API request id of the refused response, or `null`. */
  request_id?: string | null;
  /** The refusal's category from the API, e.g. `cyber`; `null` when it gave none. */
  api_refusal_category?: string | null;
  /** The API's explanation of the refusal, for display only; `null` when it gave none. */
  api_refusal_explanation?: string | null;
  /** The user message the refused request answered; `null` when no person wrote it. */
  refused_user_message_uuid?: string | null;
  /** The notice in words. */
  content?: string;
}

/** `system/compact_boundary`: the conversation was compacted. */
export interface SystemCompactBoundaryEvent extends SystemEventBase {
  /** The discriminant within {@linkcode SystemEvent}, always `"compact_boundary"`. */
  subtype: "compact_boundary";
  /** What started the compaction (`manual` or `auto`), and the token counts before and after. */
  compact_metadata?: {
    trigger?: OpenString<"manual" | "auto">;
    pre_tokens?: number;
    post_tokens?: number;
    duration_ms?: number;
  };
}

/** `system/session_state_changed`. */
export interface SystemSessionStateChangedEvent extends SystemEventBase {
  /** The discriminant within {@linkcode SystemEvent}, always `"session_state_changed"`. */
  subtype: "session_state_changed";
  /** `running` during a turn, `requires_action` while awaiting an answer, `idle` when done. */
  state?: OpenString<"idle" | "running" | "requires_action">;
}

/** `system/informational`: a notice such as a refusal. */
export interface SystemInformationalEvent extends SystemEventBase {
  /** The discriminant within {@linkcode SystemEvent}, always `"informational"`. */
  subtype: "informational";
  /** The notice, to show as plain text. */
  content: string;
  /** How prominently to show it, from `info` (transcript only) to `warning`. */
  level?: OpenString<"info" | "notice" | "suggestion" | "warning">;
  /** The tool call the notice is about; repeated progress notices of one call share it. */
  tool_use_id?: string;
  /** Whether the turn stops after this notice, e.g. a Stop hook refused to go on. */
  prevent_continuation?: boolean;
  /** An opaque feature tag for special handling; ignore values you do not know. */
  tag?: string;
}

/** `system/thinking_tokens`: one per thinking delta, also without partial mode. */
export interface SystemThinkingTokensEvent extends SystemEventBase {
  /** The discriminant within {@linkcode SystemEvent}, always `"thinking_tokens"`. */
  subtype: "thinking_tokens";
  /** The running estimate of tokens in the current thinking block. */
  estimated_tokens: number;
  /** How much this line adds to `estimated_tokens`. */
  estimated_tokens_delta: number;
  /** The host-given `uuid` of the user message whose turn is thinking. */
  user_message_uuid?: string;
}

/** `system/local_command_output`: what a local slash command printed. */
export interface SystemLocalCommandOutputEvent extends SystemEventBase {
  /** The discriminant within {@linkcode SystemEvent}, always `"local_command_output"`. */
  subtype: "local_command_output";
  /** What the slash command printed, e.g. the report of `/cost`. */
  content: string;
}

/** `system/hook_started`: a hook began to run. */
export interface SystemHookStartedEvent extends SystemEventBase {
  /** The discriminant within {@linkcode SystemEvent}, always `"hook_started"`. */
  subtype: "hook_started";
  /** The id shared by the `hook_*` lines of one hook run. */
  hook_id: string;
  /** The hook's name, as its configuration gives it. */
  hook_name: string;
  /** The event that fired the hook, e.g. `PreToolUse`, `SessionStart`. */
  hook_event: string;
}

/** `system/hook_progress`: output of a running hook so far. */
export interface SystemHookProgressEvent extends SystemEventBase {
  /** The discriminant within {@linkcode SystemEvent}, always `"hook_progress"`. */
  subtype: "hook_progress";
  /** The id shared by the `hook_*` lines of one hook run. */
  hook_id: string;
  /** The hook's name, as its configuration gives it. */
  hook_name: string;
  /** The event that fired the hook, e.g. `PreToolUse`. */
  hook_event: string;
  /** What the hook has written to stdout so far. */
  stdout: string;
  /** What the hook has written to stderr so far. */
  stderr: string;
  /** What the hook has written so far, stdout and stderr together. */
  output: string;
}

/** `system/hook_response`: a hook finished (2.0.x sends no `hook_id`, `output` or `outcome`). */
export interface SystemHookResponseEvent extends SystemEventBase {
  /** The discriminant within {@linkcode SystemEvent}, always `"hook_response"`. */
  subtype: "hook_response";
  /** The id shared by the `hook_*` lines of one hook run (not sent by 2.0.x). */
  hook_id?: string;
  /** The hook's name, as its configuration gives it. */
  hook_name: string;
  /** The event that fired the hook, e.g. `PreToolUse`. */
  hook_event: string;
  /** Everything the hook wrote, stdout and stderr together (not sent by 2.0.x). */
  output?: string;
  /** Everything the hook wrote to stdout. */
  stdout: string;
  /** Everything the hook wrote to stderr. */
  stderr: string;
  /** The hook command's exit status, when it ran as a command. */
  exit_code?: number;
  /** Whether the hook succeeded, failed or was cancelled (not sent by 2.0.x). */
  outcome?: OpenString<"success" | "error" | "cancelled">;
}

/** `system/plugin_install`: progress of installing a plugin. */
export interface SystemPluginInstallEvent extends SystemEventBase {
  /** The discriminant within {@linkcode SystemEvent}, always `"plugin_install"`. */
  subtype: "plugin_install";
  /** `started` and `completed` bracket a whole install; `installed`, `failed` report one part. */
  status: OpenString<"started" | "installed" | "failed" | "completed">;
  /** The plugin or marketplace the line is about. */
  name?: string;
  /** Why the install failed, as raw text: treat it as untrusted. */
  error?: string;
}

/** `system/worker_shutting_down`: the CLI is about to stop. */
export interface SystemWorkerShuttingDownEvent extends SystemEventBase {
  /** The discriminant within {@linkcode SystemEvent}, always `"worker_shutting_down"`. */
  subtype: "worker_shutting_down";
  /** A short snake_case reason set by the CLI, e.g. `host_exit`. */
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
  /** The discriminant within {@linkcode SystemEvent}, always `"commands_changed"`. */
  subtype: "commands_changed";
  /** The full new list of slash commands: replace the known list with it. */
  commands: SlashCommand[];
}

/** `system/notification`: a notice meant for the user interface. */
export interface SystemNotificationEvent extends SystemEventBase {
  /** The discriminant within {@linkcode SystemEvent}, always `"notification"`. */
  subtype: "notification";
  /** Names the notice, so that a later one with the same key replaces it. */
  key: string;
  /** The notice, as plain text. */
  text: string;
  /** How urgently to show it. */
  priority: OpenString<"low" | "medium" | "high" | "immediate">;
  /** A theme colour for it, when it has one. */
  color?: string;
  /** How long to show it, in ms. */
  timeout_ms?: number;
}

/** `system/files_persisted`: files uploaded for the session, and those that failed. */
export interface SystemFilesPersistedEvent extends SystemEventBase {
  /** The discriminant within {@linkcode SystemEvent}, always `"files_persisted"`. */
  subtype: "files_persisted";
  /** The files uploaded, with the id each got. */
  files: { filename: string; file_id: string }[];
  /** The files that could not be uploaded, and why. */
  failed: { filename: string; error: string }[];
  /** When the uploads were done, as an ISO timestamp. */
  processed_at: string;
}

/** `system/memory_recall`: memories brought into the conversation. */
export interface SystemMemoryRecallEvent extends SystemEventBase {
  /** The discriminant within {@linkcode SystemEvent}, always `"memory_recall"`. */
  subtype: "memory_recall";
  /** `select`: whole memory files were chosen; `synthesize`: a paragraph distilled from many. */
  mode: OpenString<"select" | "synthesize">;
  /** The memories recalled: a file path (or URL), a scope, and the text when there is no file. */
  memories: {
    path: string;
    scope: OpenString<"personal" | "team" | "organization">;
    content?: string;
  }[];
}

/** `system/elicitation_complete`: an MCP server's elicitation was answered. */
export interface SystemElicitationCompleteEvent extends SystemEventBase {
  /** The discriminant within {@linkcode SystemEvent}, always `"elicitation_complete"`. */
  subtype: "elicitation_complete";
  /** The MCP server that asked. */
  mcp_server_name: string;
  /** The elicitation that was completed. */
  elicitation_id: string;
}

/** `system/mirror_error`: the session could not be mirrored. */
export interface SystemMirrorErrorEvent extends SystemEventBase {
  /** The discriminant within {@linkcode SystemEvent}, always `"mirror_error"`. */
  subtype: "mirror_error";
  /** What went wrong. */
  error: string;
  /** Which session (project, session id, sub-path) could not be mirrored. */
  key: { projectKey: string; sessionId: string; subpath?: string };
}

/** `system/session_writes_lost`: the disk was full, so transcript or config writes were lost. */
export interface SystemSessionWritesLostEvent extends SystemEventBase {
  /** The discriminant within {@linkcode SystemEvent}, always `"session_writes_lost"`. */
  subtype: "session_writes_lost";
  /** `ENOSPC` when the disk was full, `EDQUOT` when the disk quota was used up. */
  error_code: OpenString<"ENOSPC" | "EDQUOT">;
  /** What was not saved: `transcript` lines, `global_config` (`~/.claude.json`), or both. */
  lost: OpenString<"transcript" | "global_config">[];
  /** The sessions whose transcripts lost lines, when `lost` has `transcript`. */
  transcript_session_ids?: string[];
}

/**
 * `system/session_title_changed`: the session got a title (the `title` option, `--name`, or the
 * CLI's own; 2.1.x).
 */
export interface SystemSessionTitleChangedEvent extends SystemEventBase {
  /** The discriminant within {@linkcode SystemEvent}, always `"session_title_changed"`. */
  subtype: "session_title_changed";
  /** The session's new title. */
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
  /** Always `"system"`. */
  type: "system";
  /** Always `"unknown"`, so comparing with a known subtype narrows it away. */
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
  /** Printed before the first model request of every turn. */
  init: SystemInitEvent;
  /** The CLI started or stopped requesting or compacting, or changed permission mode. */
  status: SystemStatusEvent;
  /** An API request failed and will be retried. */
  api_retry: SystemApiRetryEvent;
  /** A control request written on stdin started or is retrying. */
  control_request_progress: SystemControlRequestProgressEvent;
  /** A tool call was denied without asking. */
  permission_denied: SystemPermissionDeniedEvent;
  /** A subagent or background task started. */
  task_started: SystemTaskStartedEvent;
  /** A task's state changed. */
  task_updated: SystemTaskUpdatedEvent;
  /** A running task's usage so far. */
  task_progress: SystemTaskProgressEvent;
  /** A task ended. */
  task_notification: SystemTaskNotificationEvent;
  /** The set of background tasks changed. */
  background_tasks_changed: SystemBackgroundTasksChangedEvent;
  /** `--fallback-model` took over after repeated overload errors. */
  model_fallback: SystemModelFallbackEvent;
  /** A refusal made the CLI retry on a fallback model. */
  model_refusal_fallback: SystemModelRefusalFallbackEvent;
  /** A refusal with no fallback model to retry on. */
  model_refusal_no_fallback: SystemModelRefusalNoFallbackEvent;
  /** The conversation was compacted. */
  compact_boundary: SystemCompactBoundaryEvent;
  /** The session became idle, busy, or in need of an answer. */
  session_state_changed: SystemSessionStateChangedEvent;
  /** A notice to show as plain text. */
  informational: SystemInformationalEvent;
  /** Progress of a thinking block, in estimated tokens. */
  thinking_tokens: SystemThinkingTokensEvent;
  /** What a local slash command printed. */
  local_command_output: SystemLocalCommandOutputEvent;
  /** A hook began to run. */
  hook_started: SystemHookStartedEvent;
  /** A running hook's output so far. */
  hook_progress: SystemHookProgressEvent;
  /** A hook finished. */
  hook_response: SystemHookResponseEvent;
  /** Progress of a plugin install. */
  plugin_install: SystemPluginInstallEvent;
  /** The CLI is about to stop. */
  worker_shutting_down: SystemWorkerShuttingDownEvent;
  /** The available slash commands changed. */
  commands_changed: SystemCommandsChangedEvent;
  /** A notice for the user interface. */
  notification: SystemNotificationEvent;
  /** Files were uploaded for the session. */
  files_persisted: SystemFilesPersistedEvent;
  /** Memories were brought into the turn. */
  memory_recall: SystemMemoryRecallEvent;
  /** An MCP server's elicitation was answered. */
  elicitation_complete: SystemElicitationCompleteEvent;
  /** The session could not be mirrored. */
  mirror_error: SystemMirrorErrorEvent;
  /** Transcript or config writes were lost to a full disk. */
  session_writes_lost: SystemSessionWritesLostEvent;
  /** The session got a title (2.1.x). */
  session_title_changed: SystemSessionTitleChangedEvent;
}

/** Any `system` line, discriminated on `subtype`: `event.subtype === "init"` narrows it. */
export type SystemEvent = SystemEventMap[keyof SystemEventMap] | UnknownSystemEvent;

// ---------------------------------------------------------------------------------------------
// assistant and user

/** The API message inside an `assistant` line. */
export interface AssistantMessage {
  /** The API message id (`msg_…`); the same on every `assistant` line of one response. */
  id: string;
  /** Always `"message"`, as in the Messages API. */
  type: "message";
  /** Always `"assistant"`. */
  role: "assistant";
  /** `"<synthetic>"` for API error messages made up by the CLI. */
  model: string;
  /** In practice one block per line: the CLI prints one `assistant` line per content block. */
  content: ContentBlock[];
  /** Always `null` on stdout, except on synthetic error messages. */
  stop_reason: string | null;
  /** The stop sequence that ended the response, if one did; else `null`. */
  stop_sequence: string | null;
  /** The `message_start` usage, not the final one (that is in `result`). */
  usage: Usage;
  /** The API's report of the context edits it applied; `null` when none. */
  context_management?: unknown;
  /** On synthetic error messages only: the CLI's diagnostics of the failure, often `null`. */
  diagnostics?: unknown;
  /** On synthetic error messages only: the code-execution container, `null` when none. */
  container?: unknown;
  /** On synthetic error messages only: details of the stop, e.g. a refusal's category. */
  stop_details?: unknown;
}

/** An `assistant` line: one content block of a model response. */
export interface AssistantEvent {
  /** Always `"assistant"`. */
  type: "assistant";
  /** The API message, holding the one content block this line delivers. */
  message: AssistantMessage;
  /** The Agent tool_use id for subagent messages, else `null`. */
  parent_tool_use_id: string | null;
  /** The session it belongs to: the same on every line of a run, and what `--resume` takes. */
  session_id: string;
  /** This line's own id, unique within the session. */
  uuid?: string;
  /** When the block finished, as an ISO timestamp by the CLI's clock; for display, not order. */
  timestamp?: string;
  /** The API's `request-id` response header. */
  request_id?: string;
  /** Error category on synthetic error messages, e.g. `rate_limit`, `authentication_failed`. */
  error?: ApiErrorCategory;
  /** `true` on a synthetic message the CLI made up to report an API error. */
  is_api_error_message?: boolean;
  /** On synthetic error messages: the HTTP status, or `null` for a network error. */
  api_error_status?: number | null;
  /** On synthetic error messages: the API's error type, e.g. `rate_limit_error`, if known. */
  api_error_type?: string;
  /** On synthetic error messages: a finer cause, e.g. `connection_failed`, `max_output_tokens`. */
  api_error?: string;
  /** On some synthetic error messages: parameters of the API error (rarely seen). */
  api_error_params?: unknown;
  /** `true` on the partial message of an interrupted stream. */
  aborted?: boolean;
  /** The uuid of the user message this answers. */
  user_message_uuid?: string;
  /** On the synthetic message after a refusal: the id of the API message that was refused. */
  refused_message_id?: string;
  /** The subagent that produced the message (its task's `task_id`); absent on the main thread. */
  agent_id?: string;
  /** The type of the subagent that produced the message, e.g. `general-purpose`. */
  subagent_type?: string;
  /** The description of the subagent task that produced the message. */
  task_description?: string;
  /** On a thinking block: how long the model thought, in ms. */
  thinking_duration_ms?: number;
  /** On a thinking block: how thinking is shown; `updates` in observed runs. */
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
  /** Always `"user"`. */
  role: "user";
  /** A string for replayed stdin messages, else blocks (usually `tool_result`). */
  content: string | ContentBlock[];
}

/** One entry of `tool_result_meta`. */
export interface ToolResultMeta {
  /** The `tool_use` id of the result this describes. */
  id: string;
  /** Whether the call was allowed (`accept`) or refused (`reject`), and by what `source`. */
  permission_decision?: {
    decision: OpenString<"accept" | "reject">;
    source?: string;
    reason_type?: string;
  };
  /** Why the tool did not run, e.g. `permission-rule`, `user-rejected`; absent if it ran. */
  non_execution_kind?: string;
}

/** A `user` line: tool results, replayed stdin messages, synthetic nudges, subagent prompts. */
export interface UserEvent {
  /** Always `"user"`. */
  type: "user";
  /** The user message: tool results, or the text of a prompt. */
  message: UserMessage;
  /** The Agent tool_use id for a subagent's messages, else `null`. */
  parent_tool_use_id: string | null;
  /** Always printed on stdout, but optional in the SDK's type of a user message. */
  session_id?: string;
  /** This line's own id, unique within the session. */
  uuid?: string;
  /** When the message was made, as an ISO timestamp by the CLI's clock. */
  timestamp?: string;
  /** Tool-specific result object, or a string such as `"Error: …"` on failures. */
  tool_use_result?: unknown;
  /** How each tool result's call was permitted, one entry per result. */
  tool_result_meta?: ToolResultMeta[];
  /** `true` on a message the CLI wrote itself (nudges, refusal notices), not the user. */
  isSynthetic?: boolean;
  /** `true` on the echo of a stdin user message (`--replay-user-messages`). */
  isReplay?: boolean;
  /**
   * On the replayed line that echoes a slash command's `<local-command-stdout>` (2.1.337 and
   * later): which command ran.
   */
  local_command_run?: { command: string; args: string; form?: string };
  /** On the synthetic refusal notice: the id of the API message that was refused. */
  refused_message_id?: string;
  /** The subagent the message belongs to (its task's `task_id`); absent on the main thread. */
  agent_id?: string;
  /** The type of the subagent the message belongs to. */
  subagent_type?: string;
  /** The description of the subagent task the message belongs to. */
  task_description?: string;
}

// ---------------------------------------------------------------------------------------------
// stream_event

/** SSE `message_start`. */
export interface MessageStartPayload {
  /** The discriminant within {@linkcode StreamPayload}, always `"message_start"`. */
  type: "message_start";
  /** The message as it starts: no content yet, the input usage and `output_tokens: 1`. */
  message: AssistantMessage;
}

/** SSE `content_block_start`; a `tool_use` block starts with the `{}` placeholder input. */
export interface ContentBlockStartPayload {
  /** The discriminant within {@linkcode StreamPayload}, always `"content_block_start"`. */
  type: "content_block_start";
  /** The block's position in the message; its deltas and its stop name the same index. */
  index: number;
  /** The block as it starts: empty text or thinking, or a tool_use with `{}` input. */
  content_block: ContentBlock;
}

/** A `text_delta`. */
export interface TextDelta {
  /** The discriminant within {@linkcode Delta}, always `"text_delta"`. */
  type: "text_delta";
  /** The next piece of the block's text, to append. */
  text: string;
}

/** An `input_json_delta`: a chunk of a tool_use block's input JSON text. */
export interface InputJsonDelta {
  /** The discriminant within {@linkcode Delta}, always `"input_json_delta"`. */
  type: "input_json_delta";
  /** The next piece of the input's JSON text; parse the whole once the block stops. */
  partial_json: string;
}

/** A `thinking_delta`. */
export interface ThinkingDelta {
  /** The discriminant within {@linkcode Delta}, always `"thinking_delta"`. */
  type: "thinking_delta";
  /** The next piece of the reasoning, to append. */
  thinking: string;
}

/** A `signature_delta`: the signature of a thinking block. */
export interface SignatureDelta {
  /** The discriminant within {@linkcode Delta}, always `"signature_delta"`. */
  type: "signature_delta";
  /** The thinking block's whole signature, sent just before the block stops. */
  signature: string;
}

/** A delta of a type this version of claw does not know; `delta.type === "text_delta"` narrows. */
export interface UnknownDelta {
  /** Always `"unknown"`, so comparing with a known type narrows it away. */
  type: "unknown";
  /** The delta's own `type`, e.g. `"citations_delta"`; absent when it had no string `type`. */
  originalType?: string;
  /** The delta as the CLI printed it. */
  raw: Record<string, unknown>;
}

/** Known deltas by `type`; used by {@linkcode isDelta}. */
export interface DeltaMap {
  /** More of a text block's text. */
  text_delta: TextDelta;
  /** More of a tool_use block's input JSON. */
  input_json_delta: InputJsonDelta;
  /** More of a thinking block's reasoning. */
  thinking_delta: ThinkingDelta;
  /** A thinking block's signature. */
  signature_delta: SignatureDelta;
}

/** Any content block delta, discriminated on `type`. */
export type Delta = DeltaMap[keyof DeltaMap] | UnknownDelta;

/** SSE `content_block_delta`. */
export interface ContentBlockDeltaPayload {
  /** The discriminant within {@linkcode StreamPayload}, always `"content_block_delta"`. */
  type: "content_block_delta";
  /** The position of the block this extends. */
  index: number;
  /** What to add to that block. */
  delta: Delta;
}

/** SSE `content_block_stop`. */
export interface ContentBlockStopPayload {
  /** The discriminant within {@linkcode StreamPayload}, always `"content_block_stop"`. */
  type: "content_block_stop";
  /** The position of the block that is now complete. */
  index: number;
}

/** SSE `message_delta`: the final stop reason and usage of a message. */
export interface MessageDeltaPayload {
  /** The discriminant within {@linkcode StreamPayload}, always `"message_delta"`. */
  type: "message_delta";
  /** The message's final `stop_reason` (e.g. `end_turn`, `tool_use`) and `stop_sequence`. */
  delta: { stop_reason?: string | null; stop_sequence?: string | null };
  /** The message's usage so far, chiefly its final `output_tokens`. */
  usage?: Usage;
  /** The API's report of the context edits it applied, when any. */
  context_management?: unknown;
}

/** SSE `message_stop`. */
export interface MessageStopPayload {
  /** The discriminant within {@linkcode StreamPayload}, always `"message_stop"`. */
  type: "message_stop";
}

/** An SSE event of a type this version of claw does not know; `payload.type` comparisons narrow. */
export interface UnknownStreamPayload {
  /** Always `"unknown"`, so comparing with a known type narrows it away. */
  type: "unknown";
  /** The SSE event's own `type`; absent when it had no string `type`. */
  originalType?: string;
  /** The SSE event as the CLI printed it. */
  raw: Record<string, unknown>;
}

/** Known SSE events by `type`; used by {@linkcode isStreamPayload}. */
export interface StreamPayloadMap {
  /** A message begins. */
  message_start: MessageStartPayload;
  /** A content block begins. */
  content_block_start: ContentBlockStartPayload;
  /** A content block grows. */
  content_block_delta: ContentBlockDeltaPayload;
  /** A content block is complete. */
  content_block_stop: ContentBlockStopPayload;
  /** The message's stop reason and final usage. */
  message_delta: MessageDeltaPayload;
  /** The message is complete. */
  message_stop: MessageStopPayload;
}

/** The raw Anthropic SSE event inside a `stream_event` line, discriminated on `type`. */
export type StreamPayload = StreamPayloadMap[keyof StreamPayloadMap] | UnknownStreamPayload;

/** Where an abandoned stream stopped; carried by the CLI's synthetic `message_stop`. */
export interface AbandonedBlocks {
  /** The API message whose stream was abandoned. */
  api_message_id: string;
  /** The index of the first block that did not finish. */
  from_block_index: number;
}

/** A `stream_event` line (`--include-partial-messages`): one raw SSE event. */
export interface StreamEvent {
  /** Always `"stream_event"`. */
  type: "stream_event";
  /** The Anthropic SSE event, as the API sent it. */
  event: StreamPayload;
  /** The session it belongs to: the same on every line of a run, and what `--resume` takes. */
  session_id: string;
  /** The Agent tool_use id when a subagent's response streams, else `null`. */
  parent_tool_use_id: string | null;
  /** This line's own id, unique within the session. */
  uuid?: string;
  /** The id of the API message this event belongs to (2.1.x). */
  api_message_id?: string;
  /** On `message_start`. */
  ttft_ms?: number;
  /** On `message_start` and thinking blocks: how thinking is shown; `updates` when seen. */
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
  /** The tool whose call was denied. */
  tool_name: string;
  /** The denied call's `tool_use` id. */
  tool_use_id: string;
  /** The arguments the model passed to it. */
  tool_input: Record<string, unknown>;
}

/**
 * The `result` line: the last line of every turn that started a session. Check `is_error`, not
 * `subtype`: API failures end with `subtype: "success"` and `is_error: true`.
 */
export interface ResultEvent {
  /** Always `"result"`, though rarely the line's first key: key order varies. */
  type: "result";
  /** `success`, or an `error_*` for a limit or an abort; API failures are `success` too. */
  subtype: ResultSubtype;
  /** Whether the turn failed: `true` on API errors even with `subtype: "success"`. */
  is_error: boolean;
  /** The turn's wall-clock time, in ms. */
  duration_ms: number;
  /** Time spent waiting for the API, in ms, summed over the process's turns so far (not per turn). */
  duration_api_ms: number;
  /** Model round trips as the CLI counts them; not the number of API requests. */
  num_turns: number;
  /** The session it belongs to: the same on every line of a run, and what `--resume` takes. */
  session_id: string;
  /** Estimated cost in US dollars summed over the whole process so far, not this turn alone. */
  total_cost_usd: number;
  /** The main loop's token usage for the turn (subagents not included). */
  usage: Usage;
  /** Usage and cost per model id, subagents included, summed over the whole process so far. */
  modelUsage: Record<string, ModelUsage>;
  /** Tool calls denied during the turn; the turn itself can still succeed. */
  permission_denials: PermissionDenial[];
  /** This line's own id, unique within the session. */
  uuid?: string;
  /** When the CLI wrote the line, as an ISO timestamp (2.1.337 and later). */
  written_at?: string;
  /** The final text, or the error text when `is_error`; absent on `error_*` subtypes. */
  result?: string;
  /** On `error_*` subtypes. */
  errors?: string[];
  /** The stop reason of the turn's last response, e.g. `end_turn`; `null` when there was none. */
  stop_reason?: string | null;
  /** Why the turn ended: `completed`, `api_error`, `max_turns`, `aborted_streaming`, …. */
  terminal_reason?: string;
  /** A failed API call's HTTP status; `null` on success or network errors; absent on `error_*`. */
  api_error_status?: number | null;
  /** The API's error type, e.g. `overloaded_error`, when the turn failed on one. */
  api_error_type?: string;
  /** A finer cause of an API failure, e.g. `connection_failed`, `max_output_tokens`. */
  api_error?: string;
  /** With `--json-schema`: the value the model gave the StructuredOutput tool, if it did. */
  structured_output?: unknown;
  /** The result's number within the process, 0, 1, … (one per stream-json turn). */
  result_index?: number;
  /** Whether fast mode is `on`, `off`, or in `cooldown` after a rate limit. */
  fast_mode_state?: string;
  /** Why fast mode cannot run, e.g. `sdk_opt_in_required`; `null` when nothing blocks it. */
  fast_mode_disabled_reason?: string | null;
  /** Counts of the subagents the turn spawned or was asked for. */
  subagent_stats?: unknown;
  /** How many safety stops the turn hit (`0` in every observed run). */
  safety_stops?: unknown;
  /** User messages still queued when the result was written: above 0, more turns follow. */
  queued_turn_count?: number;
  /** Usage and cost per model since the previous result, i.e. this turn's own (2.1.x). */
  model_usage_since_last_result?: Record<string, ModelUsage>;
  /** Time to the first token of the turn's response, in ms. */
  ttft_ms?: number;
  /** Time to the first token as measured on the response stream, in ms. */
  ttft_stream_ms?: number;
  /** Time from the turn's start until its API request was sent, in ms. */
  time_to_request_ms?: number;
  /** Time from the turn's start until its first content was printed, in ms. */
  first_content_frame_ms?: number;
}

// ---------------------------------------------------------------------------------------------
// other lines

/** The `rate_limit_info` of a `rate_limit_event` line. */
export interface RateLimitInfo {
  /** `allowed`, `allowed_warning` when close to the limit, or `rejected`. */
  status: OpenString<"allowed" | "allowed_warning" | "rejected">;
  /** When the limit's window resets, as Unix epoch time. */
  resetsAt?: number;
  /** Which window the status is about, e.g. `five_hour`, `seven_day`. */
  rateLimitType?: string;
  /** How much of the window is used. */
  utilization?: number;
  /** Whether a fallback can take over once the limit is reached. */
  unifiedRateLimitFallbackAvailable?: boolean;
  /** Whether requests are being billed as extra usage beyond the plan. */
  isUsingOverage?: boolean;
  /** Whether extra usage is `allowed`, close to its limit, or `rejected`. */
  overageStatus?: OpenString<"allowed" | "allowed_warning" | "rejected">;
  /** When the extra-usage limit resets, as Unix epoch time. */
  overageResetsAt?: number;
  /** Why extra usage is unavailable, e.g. `out_of_credits`, `org_level_disabled`. */
  overageDisabledReason?: string;
  /** The usage threshold just passed that prompted a warning. */
  surpassedThreshold?: number;
}

/** A `rate_limit_event` line. */
export interface RateLimitEvent {
  /** Always `"rate_limit_event"`. */
  type: "rate_limit_event";
  /** The new rate limit status of the claude.ai subscription. */
  rate_limit_info: RateLimitInfo;
  /** The session it belongs to: the same on every line of a run, and what `--resume` takes. */
  session_id?: string;
  /** This line's own id, unique within the session. */
  uuid?: string;
}

/** A `tool_progress` line: a heartbeat of a long-running tool. */
export interface ToolProgressEvent {
  /** Always `"tool_progress"`. */
  type: "tool_progress";
  /** The tool call that is still running. */
  tool_use_id: string;
  /** The tool that is running. */
  tool_name: string;
  /** The Agent tool_use id when a subagent's tool runs, else `null`. */
  parent_tool_use_id: string | null;
  /** How long the tool has run so far, in seconds. */
  elapsed_time_seconds: number;
  /** `true` on a line sent only to show the tool is still alive. */
  heartbeat?: boolean;
  /** The background task running the tool, when there is one. */
  task_id?: string;
  /** The type of the subagent running the tool. */
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
  /** The session it belongs to: the same on every line of a run, and what `--resume` takes. */
  session_id?: string;
  /** This line's own id, unique within the session. */
  uuid?: string;
}

/** A `tool_use_summary` line: a one-line summary of the tool calls before it. */
export interface ToolUseSummaryEvent {
  /** Always `"tool_use_summary"`. */
  type: "tool_use_summary";
  /** The summary, one line of text. */
  summary: string;
  /** The tool calls it summarises. */
  preceding_tool_use_ids: string[];
  /** The session it belongs to: the same on every line of a run, and what `--resume` takes. */
  session_id: string;
  /** This line's own id, unique within the session. */
  uuid?: string;
}

/** An `auth_status` line: progress of an authentication the CLI is doing. */
export interface AuthStatusEvent {
  /** Always `"auth_status"`. */
  type: "auth_status";
  /** Whether the authentication is still under way. */
  isAuthenticating: boolean;
  /** Lines the authentication printed, e.g. a URL to open. */
  output: string[];
  /** Why the authentication failed. */
  error?: string;
  /** The session it belongs to: the same on every line of a run, and what `--resume` takes. */
  session_id: string;
  /** This line's own id, unique within the session. */
  uuid?: string;
}

/** A `prompt_suggestion` line: a prompt the CLI suggests as the next user message. */
export interface PromptSuggestionEvent {
  /** Always `"prompt_suggestion"`. */
  type: "prompt_suggestion";
  /** The suggested prompt. */
  suggestion: string;
  /** The session it belongs to: the same on every line of a run, and what `--resume` takes. */
  session_id: string;
  /** This line's own id, unique within the session. */
  uuid?: string;
}

/** A `conversation_reset` line: the conversation started afresh, e.g. after `/clear`. */
export interface ConversationResetEvent {
  /** Always `"conversation_reset"`. */
  type: "conversation_reset";
  /** The id of the conversation that replaces the discarded one. */
  new_conversation_id: string;
  /** What discarded the conversation: `clear` is `/clear`; absent from older CLIs. */
  trigger?: OpenString<"clear" | "plan_mode_exit" | "fresh_session" | "onboarding">;
  /** With `trigger: "clear"`: the uuid of the user message whose `/clear` ran. */
  user_message_uuid?: string;
  /** When the reset happened, as an ISO timestamp; for display, not order. */
  timestamp?: string;
  /** The session it belongs to: the same on every line of a run, and what `--resume` takes. */
  session_id: string;
  /** This line's own id, unique within the session. */
  uuid?: string;
}

/** An `active_goal` line: the goal the session works towards, or `null` once it is cleared. */
export interface ActiveGoalEvent {
  /** Always `"active_goal"`. */
  type: "active_goal";
  /** The goal's condition, iterations so far, when it was set and the tokens then; or `null`. */
  value: {
    condition: string;
    iterations: number;
    set_at: number;
    tokens_at_start: number;
    last_reason?: string;
  } | null;
  /** The session it belongs to: the same on every line of a run, and what `--resume` takes. */
  session_id: string;
  /** This line's own id, unique within the session. */
  uuid?: string;
}

/** A `control_request` line from the CLI, e.g. `can_use_tool` with `--permission-prompt-tool stdio`. */
export interface ControlRequestEvent {
  /** Always `"control_request"`. */
  type: "control_request";
  /** The id the host's `control_response` must carry (a uuid on CLI→host requests). */
  request_id: string;
  /**
   * On `hook_callback` and `mcp_message` (2.1.337 and later): the CLI flushed what it printed
   * before asking.
   */
  flush?: boolean;
  /** What is asked, by `subtype`; `can_use_tool` names the tool and the input to approve. */
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
  /** Always `"control_response"`. */
  type: "control_response";
  /** For `request_id`: `success` with the answer in `response`, or `error` and `error_code`. */
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
  /** Always `"control_cancel_request"`. */
  type: "control_cancel_request";
  /** The `request_id` of the withdrawn request: abort the callback working on it. */
  request_id: string;
}

/** A `keep_alive` line. */
export interface KeepAliveEvent {
  /** Always `"keep_alive"`: a heartbeat with no payload, to ignore. */
  type: "keep_alive";
}

/**
 * A `command_lifecycle` line (2.1.x): where a user message the host gave a `uuid` stands,
 * `queued`, `started`, then `completed` (after the turn's `result`).
 */
export interface CommandLifecycleEvent {
  /** Always `"command_lifecycle"`. */
  type: "command_lifecycle";
  /** The `uuid` of the user message. */
  command_uuid: string;
  /** `queued`, then `started`, then `completed` once the turn's `result` is printed. */
  state: OpenString<"queued" | "started" | "completed">;
  /** This line's own id, unique within the session. */
  uuid?: string;
  /** The session it belongs to: the same on every line of a run, and what `--resume` takes. */
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
  /** Always `"unknown"`, so comparing with a known type narrows it away. */
  type: "unknown";
  /** The line's own `type`; absent when it had no string `type`. */
  originalType?: string;
  /** The parsed line, untouched. */
  raw: Record<string, unknown>;
}

/** Known events by `type`. */
export interface ClaudeEventMap {
  /** A `system` line, discriminated further on `subtype`. */
  system: SystemEvent;
  /** One content block of a model response. */
  assistant: AssistantEvent;
  /** Tool results, echoed prompts and synthetic user messages. */
  user: UserEvent;
  /** A raw SSE event (`--include-partial-messages`). */
  stream_event: StreamEvent;
  /** The last line of a turn. */
  result: ResultEvent;
  /** A change in the subscription's rate limit status. */
  rate_limit_event: RateLimitEvent;
  /** A heartbeat of a long-running tool. */
  tool_progress: ToolProgressEvent;
  /** A one-line summary of preceding tool calls. */
  tool_use_summary: ToolUseSummaryEvent;
  /** Progress of an authentication. */
  auth_status: AuthStatusEvent;
  /** A suggested next prompt. */
  prompt_suggestion: PromptSuggestionEvent;
  /** The conversation started afresh. */
  conversation_reset: ConversationResetEvent;
  /** The session's goal was set or cleared. */
  active_goal: ActiveGoalEvent;
  /** A request from the CLI that the host answers on stdin. */
  control_request: ControlRequestEvent;
  /** The CLI's answer to a control request the host wrote. */
  control_response: ControlResponseEvent;
  /** The CLI withdraws a request it sent the host. */
  control_cancel_request: ControlCancelRequestEvent;
  /** A heartbeat, to ignore. */
  keep_alive: KeepAliveEvent;
  /** Where a user message the host gave a `uuid` stands (2.1.x). */
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
  /** Always `"diagnostic"`: not a CLI line but claw's report on one it could not decode. */
  type: "diagnostic";
  /** What was wrong: not JSON, not an object, invalid UTF-8, cut off, or too long. */
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
