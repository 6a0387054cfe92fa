// Stdout lines shaped as PROTOCOL.md describes CLI 2.1.332 output (key order as observed), for
// tests and benchmarks. Hand-built from the protocol notes, not recorded: recorded cassettes live
// in fixtures/.

const SESSION = "6f1c2a4e-8a3b-4c55-9d2e-0b7f3c1a9e21";

/** Builds the lines of a typical turn: init, partial stream, tool call, large tool result, result. */
export function _sampleLines(options: { toolOutputBytes?: number } = {}) {
  const toolOutput = "total 0\\n-rw-r--r-- 1 user user 0 file.txt 日本語 🚀\\n".repeat(
    Math.ceil((options.toolOutputBytes ?? 39_000) / 60),
  );
  const tools = [
    "Task",
    "Bash",
    "Glob",
    "Grep",
    "Read",
    "Edit",
    "Write",
    "NotebookEdit",
    "WebFetch",
    "TodoWrite",
    "WebSearch",
    "BashOutput",
    "KillShell",
    "Skill",
    "SlashCommand",
  ];
  const init = {
    type: "system",
    subtype: "init",
    cwd: "/tmp/rec-text_simple/work",
    session_id: SESSION,
    tools,
    mcp_servers: [],
    model: "claude-opus-5-5",
    permissionMode: "default",
    slash_commands: Array.from({ length: 40 }, (_, i) => `command-${i}`),
    terminal_slash_commands: ["clear", "compact", "config", "cost", "doctor", "help", "login"],
    apiKeySource: "ANTHROPIC_API_KEY",
    claude_code_version: "2.1.332",
    output_style: "default",
    agents: ["general-purpose", "statusline-setup", "Explore", "Plan"],
    skills: ["pdf", "xlsx", "docx"],
    plugins: [],
    capabilities: { interrupt: true, set_model: true, set_permission_mode: true },
    analytics_disabled: true,
    product_feedback_disabled: true,
    uuid: "0b8e5f52-3d1c-4f0a-9a51-2f1f0c6e7d10",
    memory_paths: { auto: "/tmp/home/.claude/projects/-tmp-rec-text-simple-work/memory" },
    original_cwd: "/tmp/rec-text_simple/work",
    additional_directories: [],
    messaging_socket_path: "/tmp/cc-socks/4242.sock",
    fast_mode_state: "off",
    fast_mode_disabled_reason: null,
    per_turn_effort_active: false,
    ultrathink_available: true,
    ultrathink_typed_raises: false,
    view_mode: "default",
  };
  const usage = {
    input_tokens: 1204,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    output_tokens: 1,
    service_tier: "standard",
  };
  const message = (content: unknown[]) => ({
    id: "msg_fake_1",
    type: "message",
    role: "assistant",
    model: "claude-opus-5-5",
    content,
    stop_reason: null,
    stop_sequence: null,
    usage,
    context_management: null,
  });
  const stream = (event: unknown, extra: Record<string, unknown> = {}) => ({
    type: "stream_event",
    event,
    session_id: SESSION,
    parent_tool_use_id: null,
    uuid: "5d9b7c1e-2f44-4b1a-8c3e-7a6b5c4d3e2f",
    ...extra,
    api_message_id: "msg_fake_1",
  });
  const toolUse = { type: "tool_use", id: "toolu_01", name: "Bash", input: { command: "ls -la" } };
  const lines = {
    init: JSON.stringify(init),
    status: JSON.stringify({
      type: "system",
      subtype: "status",
      status: "requesting",
      session_id: SESSION,
      uuid: "8c2d4e6f-1a3b-4c5d-9e7f-0a1b2c3d4e5f",
    }),
    messageStart: JSON.stringify(
      stream({ type: "message_start", message: message([]) }, {
        ttft_ms: 412,
        thinking_display: "updates",
      }),
    ),
    textStart: JSON.stringify(
      stream({ type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }),
    ),
    textDelta: JSON.stringify(
      stream({
        type: "content_block_delta",
        index: 0,
        delta: { type: "text_delta", text: "I'll list the files in the working directory. " },
      }),
    ),
    blockStop: JSON.stringify(stream({ type: "content_block_stop", index: 0 })),
    messageDelta: JSON.stringify(
      stream({
        type: "message_delta",
        delta: { stop_reason: "tool_use", stop_sequence: null },
        usage: { output_tokens: 57 },
      }),
    ),
    messageStop: JSON.stringify(stream({ type: "message_stop" })),
    assistantText: JSON.stringify({
      type: "assistant",
      message: message([{ type: "text", text: "I'll list the files in the working directory." }]),
      parent_tool_use_id: null,
      session_id: SESSION,
      uuid: "1e2d3c4b-5a69-4788-9a0b-1c2d3e4f5a6b",
      timestamp: "2026-09-01T10:00:00.000Z",
      request_id: "req_fake_1",
    }),
    assistantToolUse: JSON.stringify({
      type: "assistant",
      message: message([toolUse]),
      parent_tool_use_id: null,
      session_id: SESSION,
      uuid: "2e3d4c5b-6a79-4889-8b1c-2d3e4f5a6b7c",
      timestamp: "2026-09-01T10:00:00.500Z",
      request_id: "req_fake_1",
    }),
    toolResult:
      `{"type":"user","message":{"role":"user","content":[{"tool_use_id":"toolu_01","type":"tool_result","content":"${toolOutput}","is_error":false}]},"parent_tool_use_id":null,"session_id":"${SESSION}","uuid":"3f4e5d6c-7b8a-4990-9c2d-3e4f5a6b7c8d","timestamp":"2026-09-01T10:00:01.000Z","tool_use_result":{"stdout":"${toolOutput}","stderr":"","interrupted":false,"isImage":false,"noOutputExpected":false},"tool_result_meta":[{"id":"toolu_01","permission_decision":{"decision":"accept","source":"mode"}}]}`,
    result: JSON.stringify({
      duration_api_ms: 2311,
      stop_reason: "end_turn",
      session_id: SESSION,
      total_cost_usd: 0.0231,
      usage: { ...usage, output_tokens: 57 },
      modelUsage: {
        "claude-opus-5-5": {
          inputTokens: 2408,
          outputTokens: 114,
          cacheReadInputTokens: 0,
          cacheCreationInputTokens: 0,
          webSearchRequests: 0,
          costUSD: 0.0231,
          contextWindow: 200000,
          maxOutputTokens: 128000,
        },
      },
      permission_denials: [],
      terminal_reason: "completed",
      fast_mode_state: "off",
      fast_mode_disabled_reason: null,
      subagent_stats: {},
      safety_stops: 0,
      is_error: false,
      num_turns: 2,
      subtype: "success",
      api_error_status: null,
      result: "The directory contains one file: file.txt.",
      type: "result",
      duration_ms: 3120,
      uuid: "4a5b6c7d-8e9f-4a0b-9c1d-2e3f4a5b6c7d",
      queued_turn_count: 0,
      result_index: 0,
      ttft_ms: 412,
    }),
  };
  return lines;
}

/**
 * The middle of a typical turn, between `init` and `result`: partial text (40 deltas), the
 * assistant lines, a tool call and its large result.
 */
export function _sampleTurnBody(s: ReturnType<typeof _sampleLines>): string[] {
  return [
    s.status,
    s.messageStart,
    s.textStart,
    ...Array.from({ length: 40 }, () => s.textDelta),
    s.assistantText,
    s.blockStop,
    s.assistantToolUse,
    s.messageDelta,
    s.messageStop,
    s.toolResult,
  ];
}
