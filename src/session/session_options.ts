/**
 * The options of a session: those of a run, plus the transport, the callbacks the CLI reaches
 * through the control protocol, and the time box of control requests.
 *
 * @module
 */
import { invalidValue } from "../errors/claw_error.ts";
import { type HookRegistry, type Hooks, registerHooks } from "./hooks.ts";
import type { OnElicitation } from "./elicitation.ts";
import type { McpServer } from "./mcp_server.ts";
import type { CanUseTool } from "./permissions.ts";
import { type RunOptions, validateRunOptions } from "./run_options.ts";

/**
 * How a session talks to the CLI. `stream`: one long-lived process reading stream-json messages
 * on stdin. `per-turn`: one `claude -p` process per turn, each resuming the session.
 */
export type SessionTransport = "stream" | "per-turn";

/** The transports, for checking a value. */
export const SESSION_TRANSPORTS: readonly SessionTransport[] = ["stream", "per-turn"];

/** An MCP server the CLI starts or reaches itself (`stdio`, `http`, `sse`), as in `--mcp-config`. */
export type McpServerConfig = Record<string, unknown>;

/** Options for `startSession()`. */
export interface SessionOptions extends RunOptions {
  /** The transport; default `stream`. */
  transport?: SessionTransport;
  /**
   * Decides on tool calls that need approval (claw passes `--permission-prompt-tool stdio`). An
   * exception denies the call with its message.
   */
  canUseTool?: CanUseTool;
  /** Host functions for hook events, registered through `initialize`. */
  hooks?: Hooks;
  /**
   * MCP servers by name: in-process ones made with `mcpServer()`, reached through the control
   * protocol, and configs of servers the CLI starts itself. Added to `mcpConfig`.
   */
  mcpServers?: Record<string, McpServer | McpServerConfig>;
  /**
   * Answers an MCP server's question to the user (an elicitation: a form to fill in, a URL to
   * open). Without it, every question is declined.
   */
  onElicitation?: OnElicitation;
  /**
   * Tool names the model may use that the CLI runs as other tools, such as `{ Bash:
   * "mcp__sandbox__run" }`: a call of the key goes to the value (CLI 2.1.x).
   */
  toolAliases?: Record<string, string>;
  /** The session's title (CLI 2.1.x stores it as the session's name; 2.0.x ignores it). */
  title?: string;
  /**
   * Every prompt goes to the model as written: no `@file` expansion, no slash commands, and none
   * of the context the CLI attaches to a typed prompt (each user message is sent with
   * `client_composed: true`; CLI 2.1.x). For prompts built from text the user did not type.
   */
  verbatimPrompts?: boolean;
  /**
   * The workflow instructions of plan mode (`permissionMode: "plan"`), in place of the CLI's own
   * (CLI 2.1.x).
   */
  planModeInstructions?: string;
  /**
   * On the `per-turn` transport: at the start and after each turn, start the next turn's process
   * (resuming the session) while the caller reads and thinks, so that the next `send()` finds it
   * up and initialized. At most one spare, reaped with the session; it does not keep the program alive.
   * No effect on `stream`, whose one process stays up anyway.
   */
  prewarm?: boolean;
  /**
   * The time box of a control request (`setModel()`, `interrupt()`, …), in ms; default
   * {@linkcode DEFAULT_CONTROL_TIMEOUT_MS}. An interrupted turn that has not ended by then is
   * ended by shutting its process down.
   */
  controlTimeoutMs?: number;
}

/** The default time box of a control request: 10 s. */
export const DEFAULT_CONTROL_TIMEOUT_MS = 10_000;

/** A session's options, checked, with what they imply worked out. */
export interface ResolvedSession {
  /** The transport. */
  transport: SessionTransport;
  /** The time box of control requests. */
  controlTimeoutMs: number;
  /** The hooks' registration. */
  hooks: HookRegistry;
  /** The in-process MCP servers by name. */
  mcpServers: ReadonlyMap<string, McpServer>;
  /** The fields of `initialize` beyond its subtype: the hooks, the title, the skills, … */
  initialize: Record<string, unknown>;
  /** The options of the session's processes: `mcpConfig` and the prompt tool added. */
  run: SessionOptions;
}

/**
 * Checks `options` before anything starts (an `InvalidOptionError`, kind `usage`,
 * naming the option) and works out the run options of the session's processes.
 *
 * @example
 * ```ts
 * import { deepStrictEqual, throws } from "node:assert";
 * import { resolveSession } from "./session_options.ts";
 *
 * const resolved = resolveSession({ canUseTool: () => ({ behavior: "allow" }) });
 * deepStrictEqual([resolved.transport, resolved.run.permissionPromptTool], ["stream", "stdio"]);
 * throws(() => resolveSession({ transport: "pipes" as never }), /Invalid transport "pipes"/);
 * ```
 */
export function resolveSession(options: SessionOptions): ResolvedSession {
  const { transport = "stream", canUseTool, hooks, mcpServers, controlTimeoutMs } = options;
  validateRunOptions(options);
  if (!SESSION_TRANSPORTS.includes(transport)) {
    throw invalidValue("transport", transport, `one of ${SESSION_TRANSPORTS.join(", ")}`);
  }
  if (
    controlTimeoutMs !== undefined &&
    !(typeof controlTimeoutMs === "number" && controlTimeoutMs > 0)
  ) {
    throw invalidValue("controlTimeoutMs", controlTimeoutMs, "a positive number of milliseconds");
  }
  if (options.prewarm !== undefined && typeof options.prewarm !== "boolean") {
    throw invalidValue("prewarm", options.prewarm, "true or false");
  }
  for (const option of ["canUseTool", "onElicitation"] as const) {
    const value = options[option];
    if (value !== undefined && typeof value !== "function") {
      throw invalidValue(option, typeof value, "a function");
    }
  }
  const { toolAliases } = options;
  if (
    toolAliases !== undefined &&
    !(typeof toolAliases === "object" && toolAliases !== null &&
      Object.values(toolAliases).every((name) => typeof name === "string"))
  ) {
    throw invalidValue("toolAliases", JSON.stringify(toolAliases), "tool names by tool name");
  }
  for (const option of ["title", "planModeInstructions"] as const) {
    const value = options[option];
    if (value !== undefined && (typeof value !== "string" || value.trim() === "")) {
      throw invalidValue(option, value, "some text");
    }
  }
  const registry = registerHooks(hooks);
  const { configs, inProcess } = splitMcpServers(mcpServers ?? {});
  const run: SessionOptions = { ...options };
  if (Object.keys(configs).length > 0) {
    run.mcpConfig = [...options.mcpConfig ?? [], JSON.stringify({ mcpServers: configs })];
  }
  if (canUseTool && options.permissionPromptTool === undefined) run.permissionPromptTool = "stdio";
  const { title, skills, planModeInstructions } = options;
  return {
    transport,
    controlTimeoutMs: controlTimeoutMs ?? DEFAULT_CONTROL_TIMEOUT_MS,
    hooks: registry,
    mcpServers: inProcess,
    initialize: {
      ...(registry.initialize ? { hooks: registry.initialize } : {}),
      ...(title === undefined ? {} : { title }),
      ...(Array.isArray(skills) ? { skills } : {}),
      ...(planModeInstructions === undefined ? {} : { planModeInstructions }),
      ...(toolAliases === undefined ? {} : { toolAliases }),
    },
    run,
  };
}

/**
 * The configs of `servers` as the CLI takes them (`{ type: "sdk", name }` for an in-process
 * one), and the in-process ones by name. A value that is neither is an `InvalidOptionError`.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { mcpServer } from "./mcp_server.ts";
 * import { splitMcpServers } from "./session_options.ts";
 *
 * const { configs, inProcess } = splitMcpServers({
 *   calc: mcpServer("calc", []),
 *   files: { type: "stdio", command: "mcp-files" },
 * });
 * deepStrictEqual(configs, { calc: { type: "sdk", name: "calc" }, files: { type: "stdio", command: "mcp-files" } });
 * deepStrictEqual([...inProcess.keys()], ["calc"]);
 * ```
 */
export function splitMcpServers(
  servers: Record<string, McpServer | McpServerConfig>,
): { configs: Record<string, unknown>; inProcess: Map<string, McpServer> } {
  const inProcess = new Map<string, McpServer>();
  const configs: Record<string, unknown> = {};
  for (const [name, server] of Object.entries(servers)) {
    if (isInProcess(server)) {
      inProcess.set(name, server);
      configs[name] = { type: "sdk", name };
    } else if (typeof server === "object" && server !== null) {
      configs[name] = server;
    } else {
      throw invalidValue(`mcpServers.${name}`, server, "an mcpServer() or a server config object");
    }
  }
  return { configs, inProcess };
}

function isInProcess(server: unknown): server is McpServer {
  return typeof server === "object" && server !== null &&
    (server as { type?: unknown }).type === "sdk" &&
    typeof (server as { handle?: unknown }).handle === "function";
}
