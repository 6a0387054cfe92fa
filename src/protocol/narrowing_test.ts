// Plain `type` and `subtype` comparisons narrow every union in events.ts. Most of this file is
// checked by the compiler: it only type-checks when each union's catch-all member has the literal
// discriminant "unknown" (with the old `type: string` members it fails with TS2339), and the
// `never` defaults fail when a kind is added to a map but not handled here.
import { deepStrictEqual as assertEquals, ok, strictEqual } from "node:assert";
import { readCassetteFile, stdoutText } from "../cassette/cassette.ts";
import { decodeLine } from "./decode.ts";
import type { ContentBlock, DecodedItem, Delta, StreamPayload, SystemEvent } from "./events.ts";

function unreachable(value: never): never {
  throw new Error(`Not narrowed: ${JSON.stringify(value)}`);
}

function initModel(event: DecodedItem): string | undefined {
  if (event.type === "system" && event.subtype === "init") return event.model;
  return undefined;
}

function assistantParts(event: DecodedItem) {
  const texts: string[] = [];
  const inputs: Record<string, unknown>[] = [];
  if (event.type === "assistant") {
    for (const block of event.message.content) {
      if (block.type === "text") texts.push(block.text);
      else if (block.type === "tool_use") inputs.push(block.input);
    }
  }
  return { texts, inputs };
}

function cost(event: DecodedItem): number | undefined {
  if (event.type === "result") return event.total_cost_usd;
  return undefined;
}

function toolResultIds(event: DecodedItem): string[] {
  if (event.type !== "user" || typeof event.message.content === "string") return [];
  // TypeScript infers the type predicate of the callback: no guard needed.
  return event.message.content.filter((block) => block.type === "tool_result")
    .map((block) => block.tool_use_id);
}

function streamedText(event: DecodedItem): string | undefined {
  if (event.type !== "stream_event") return undefined;
  const payload = event.event;
  if (payload.type === "content_block_delta" && payload.delta.type === "text_delta") {
    return payload.delta.text;
  }
  return undefined;
}

function blockKind(block: ContentBlock): string {
  switch (block.type) {
    case "text":
      return `text:${block.text}`;
    case "thinking":
      return `thinking:${block.thinking}`;
    case "redacted_thinking":
      return `redacted_thinking:${block.data}`;
    case "tool_use":
      return `tool_use:${block.name}`;
    case "tool_result":
      return `tool_result:${block.tool_use_id}`;
    case "image":
      return `image:${block.source.type}`;
    case "unknown":
      return `unknown:${block.originalType}`;
    default:
      return unreachable(block);
  }
}

function payloadKind(payload: StreamPayload): string {
  switch (payload.type) {
    case "message_start":
      return `message_start:${payload.message.id}`;
    case "content_block_start":
      return `content_block_start:${blockKind(payload.content_block)}`;
    case "content_block_delta":
      return `content_block_delta:${deltaKind(payload.delta)}`;
    case "content_block_stop":
      return `content_block_stop:${payload.index}`;
    case "message_delta":
      return `message_delta:${payload.delta.stop_reason}`;
    case "message_stop":
      return "message_stop";
    case "unknown":
      return `unknown:${payload.originalType}`;
    default:
      return unreachable(payload);
  }
}

function deltaKind(delta: Delta): string {
  switch (delta.type) {
    case "text_delta":
      return `text_delta:${delta.text}`;
    case "input_json_delta":
      return `input_json_delta:${delta.partial_json}`;
    case "thinking_delta":
      return `thinking_delta:${delta.thinking}`;
    case "signature_delta":
      return `signature_delta:${delta.signature}`;
    case "unknown":
      return `unknown:${delta.originalType}`;
    default:
      return unreachable(delta);
  }
}

/** One field only that kind has, reached by plain narrowing. */
function detail(item: DecodedItem): string {
  switch (item.type) {
    case "system":
      return `system/${systemDetail(item)}`;
    case "assistant":
      return `assistant:${item.message.content.map(blockKind).join(",")}`;
    case "user":
      return `user:${item.message.role}`;
    case "stream_event":
      return `stream_event:${payloadKind(item.event)}`;
    case "result":
      return `result:${item.total_cost_usd}`;
    case "rate_limit_event":
      return `rate_limit_event:${item.rate_limit_info.status}`;
    case "tool_progress":
      return `tool_progress:${item.elapsed_time_seconds}`;
    case "tool_use_summary":
      return `tool_use_summary:${item.preceding_tool_use_ids.join(",")}`;
    case "auth_status":
      return `auth_status:${item.isAuthenticating}`;
    case "prompt_suggestion":
      return `prompt_suggestion:${item.suggestion}`;
    case "conversation_reset":
      return `conversation_reset:${item.new_conversation_id}`;
    case "active_goal":
      return `active_goal:${item.value?.condition}`;
    case "control_request":
      return `control_request:${item.request.subtype}`;
    case "control_response":
      return `control_response:${item.response.subtype}`;
    case "control_cancel_request":
      return `control_cancel_request:${item.request_id}`;
    case "keep_alive":
      return "keep_alive";
    case "command_lifecycle":
      return `command_lifecycle:${item.state}`;
    case "unknown":
      return `unknown:${item.originalType}`;
    case "diagnostic":
      return `diagnostic:${item.kind}`;
    default:
      return unreachable(item);
  }
}

function systemDetail(event: SystemEvent): string {
  switch (event.subtype) {
    case "init":
      return `init:${event.model}`;
    case "status":
      return `status:${event.status}`;
    case "api_retry":
      return `api_retry:${event.attempt}`;
    case "control_request_progress":
      return `control_request_progress:${event.request_id}`;
    case "permission_denied":
      return `permission_denied:${event.tool_name}`;
    case "task_started":
      return `task_started:${event.task_id}`;
    case "task_updated":
      return `task_updated:${event.patch?.status}`;
    case "task_progress":
      return `task_progress:${event.usage.tool_uses}`;
    case "task_notification":
      return `task_notification:${event.summary}`;
    case "background_tasks_changed":
      return `background_tasks_changed:${event.tasks.map((task) => task.task_id).join(",")}`;
    case "model_fallback":
      return `model_fallback:${event.fallback_model}`;
    case "model_refusal_fallback":
      return `model_refusal_fallback:${event.direction}`;
    case "model_refusal_no_fallback":
      return `model_refusal_no_fallback:${event.original_model}`;
    case "compact_boundary":
      return `compact_boundary:${event.compact_metadata?.pre_tokens}`;
    case "session_state_changed":
      return `session_state_changed:${event.state}`;
    case "informational":
      return `informational:${event.level}`;
    case "thinking_tokens":
      return `thinking_tokens:${event.estimated_tokens}`;
    case "local_command_output":
      return `local_command_output:${event.content}`;
    case "hook_started":
      return `hook_started:${event.hook_id}`;
    case "hook_progress":
      return `hook_progress:${event.stdout}`;
    case "hook_response":
      return `hook_response:${event.exit_code}`;
    case "plugin_install":
      return `plugin_install:${event.status}`;
    case "worker_shutting_down":
      return `worker_shutting_down:${event.reason}`;
    case "commands_changed":
      return `commands_changed:${event.commands.map((command) => command.name).join(",")}`;
    case "notification":
      return `notification:${event.key}`;
    case "files_persisted":
      return `files_persisted:${event.files.map((file) => file.file_id).join(",")}`;
    case "memory_recall":
      return `memory_recall:${event.memories.map((memory) => memory.path).join(",")}`;
    case "elicitation_complete":
      return `elicitation_complete:${event.elicitation_id}`;
    case "mirror_error":
      return `mirror_error:${event.key.projectKey}`;
    case "session_writes_lost":
      return `session_writes_lost:${event.lost.join(",")}`;
    case "session_title_changed":
      return `session_title_changed:${event.title}`;
    case "unknown":
      return `unknown:${event.originalSubtype}`;
    default:
      return unreachable(event);
  }
}

function decodeOne(value: unknown): DecodedItem {
  const text = JSON.stringify(value);
  const items = decodeLine({ text, lineNumber: 1, terminated: true, invalidUtf8: false });
  strictEqual(items.length, 1, text);
  return items[0]!;
}

const S = { session_id: "6f1c2a4e-8a3b-4c55-9d2e-0b7f3c1a9e21", uuid: "0b8e5f52-3d1c-4f0a" };
const system = (subtype: string, fields: Record<string, unknown>) => ({
  type: "system",
  subtype,
  ...fields,
  ...S,
});

// Synthetic lines, generated here with the fields the SDK 0.3.332 types declare: one for every kind
// claw types from the SDK's catalogue and no recorded run printed.
const SYNTHETIC: [unknown, string][] = [
  [
    { type: "tool_use_summary", summary: "Ran ls", preceding_tool_use_ids: ["toolu_1"], ...S },
    "tool_use_summary:toolu_1",
  ],
  [
    { type: "auth_status", isAuthenticating: true, output: ["Opening browser"], ...S },
    "auth_status:true",
  ],
  [
    { type: "prompt_suggestion", suggestion: "Run the tests", ...S },
    "prompt_suggestion:Run the tests",
  ],
  [
    { type: "conversation_reset", new_conversation_id: "c2", trigger: "clear", ...S },
    "conversation_reset:c2",
  ],
  [
    {
      type: "active_goal",
      value: { condition: "tests pass", iterations: 1, set_at: 1, tokens_at_start: 10 },
      ...S,
    },
    "active_goal:tests pass",
  ],
  [{ type: "control_cancel_request", request_id: "r9" }, "control_cancel_request:r9"],
  [
    system("control_request_progress", { request_id: "r1", status: "started" }),
    "system/control_request_progress:r1",
  ],
  [
    system("model_refusal_fallback", {
      trigger: "refusal",
      direction: "retry",
      original_model: "claude-opus-5-5",
      fallback_model: "claude-sonnet-5-5",
      request_id: null,
      content: "Retrying with another model",
    }),
    "system/model_refusal_fallback:retry",
  ],
  [
    system("local_command_output", { content: "Total cost: $0.00" }),
    "system/local_command_output:Total cost: $0.00",
  ],
  [
    system("hook_started", {
      hook_id: "h1",
      hook_name: "PreToolUse:Bash",
      hook_event: "PreToolUse",
    }),
    "system/hook_started:h1",
  ],
  [
    system("hook_progress", {
      hook_id: "h1",
      hook_name: "PreToolUse:Bash",
      hook_event: "PreToolUse",
      stdout: "checking",
      stderr: "",
      output: "checking",
    }),
    "system/hook_progress:checking",
  ],
  [
    // 2.0.76's shape: no hook_id, output or outcome.
    system("hook_response", {
      hook_name: "SessionStart:startup",
      hook_event: "SessionStart",
      stdout: "",
      stderr: "",
      exit_code: 0,
    }),
    "system/hook_response:0",
  ],
  [
    system("plugin_install", { status: "installed", name: "formatter" }),
    "system/plugin_install:installed",
  ],
  [
    system("task_progress", {
      task_id: "t1",
      description: "Explore",
      usage: { total_tokens: 100, tool_uses: 3, duration_ms: 900 },
    }),
    "system/task_progress:3",
  ],
  [
    system("background_tasks_changed", {
      tasks: [{ task_id: "t1", task_type: "local_agent", description: "Explore" }],
    }),
    "system/background_tasks_changed:t1",
  ],
  [system("worker_shutting_down", { reason: "idle" }), "system/worker_shutting_down:idle"],
  [
    system("commands_changed", {
      commands: [{ name: "review", description: "Review a PR", argumentHint: "<pr>" }],
    }),
    "system/commands_changed:review",
  ],
  [
    system("notification", { key: "update", text: "Update ready", priority: "low" }),
    "system/notification:update",
  ],
  [
    system("files_persisted", {
      files: [{ filename: "a.txt", file_id: "file_1" }],
      failed: [],
      processed_at: "2026-12-02T00:00:00Z",
    }),
    "system/files_persisted:file_1",
  ],
  [
    system("memory_recall", { mode: "select", memories: [{ path: "/m.md", scope: "personal" }] }),
    "system/memory_recall:/m.md",
  ],
  [
    system("elicitation_complete", { mcp_server_name: "calc", elicitation_id: "e1" }),
    "system/elicitation_complete:e1",
  ],
  [
    system("mirror_error", { error: "offline", key: { projectKey: "p", sessionId: "s" } }),
    "system/mirror_error:p",
  ],
  [
    system("session_writes_lost", { error_code: "ENOSPC", lost: ["transcript"] }),
    "system/session_writes_lost:transcript",
  ],
  [
    system("session_title_changed", { title: "Release notes" }),
    "system/session_title_changed:Release notes",
  ],
  [
    { type: "command_lifecycle", command_uuid: "u1", state: "started", session_id: "s1" },
    "command_lifecycle:started",
  ],
];

Deno.test("plain narrowing reaches the fields of every newly typed kind", () => {
  for (const [line, expected] of SYNTHETIC) {
    const item = decodeOne(line);
    strictEqual(detail(item), expected);
    strictEqual(JSON.stringify(item), JSON.stringify(line), "a known kind is the line itself");
  }
});

Deno.test("plain narrowing sends kinds claw does not know to the unknown members", () => {
  // Synthetic: kinds no CLI version prints.
  const content = [{ type: "text", text: "hi" }, { type: "fancy_block" }];
  const lines: [unknown, string][] = [
    [{ type: "brand_new", ...S }, "unknown:brand_new"],
    [system("brand_new", {}), "system/unknown:brand_new"],
    [
      { type: "assistant", message: { id: "m", content }, parent_tool_use_id: null, ...S },
      "assistant:text:hi,unknown:fancy_block",
    ],
    [
      { type: "stream_event", event: { type: "ping" }, parent_tool_use_id: null, ...S },
      "stream_event:unknown:ping",
    ],
    [
      {
        type: "stream_event",
        event: { type: "content_block_delta", index: 0, delta: { type: "citations_delta" } },
        parent_tool_use_id: null,
        ...S,
      },
      "stream_event:content_block_delta:unknown:citations_delta",
    ],
  ];
  for (const [line, expected] of lines) strictEqual(detail(decodeOne(line)), expected);
});

Deno.test("plain narrowing reads lines recorded from the real CLI 2.1.332", async () => {
  const decode = async (name: string) => {
    const path = new URL(`../../fixtures/cassettes/2.1.332/${name}.ndjson`, import.meta.url);
    const cassette = await readCassetteFile(path);
    return cassette.records.flatMap((record, index) =>
      "stdout" in record || "stdout_raw" in record
        ? decodeLine({
          text: stdoutText(record),
          lineNumber: index + 1,
          terminated: true,
          invalidUtf8: false,
        })
        : []
    );
  };

  const bash = await decode("tool_bash");
  assertEquals(bash.map(initModel).filter((model) => model !== undefined), ["claude-opus-5-5"]);
  const parts = bash.map(assistantParts);
  assertEquals(parts.flatMap((part) => part.inputs), [{ command: "echo claw-$((40+2))" }]);
  assertEquals(parts.flatMap((part) => part.texts), ["It printed claw-42."]);
  strictEqual(bash.flatMap(toolResultIds).length, 1);
  const costs = bash.map(cost).filter((value) => value !== undefined);
  strictEqual(costs.length, 1);
  ok(costs[0]! > 0);
  ok(bash.every((item) => !detail(item).includes("unknown")), "every recorded kind is known");

  const partial = await decode("text_partial");
  const streamed = partial.map(streamedText).filter((text) => text !== undefined).join("");
  const answer = partial.flatMap((item) => assistantParts(item).texts).join("");
  ok(streamed.length > 0);
  strictEqual(streamed, answer);
});
