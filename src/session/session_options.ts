/**
 * The options of a session: those of a run, plus the transport, the callbacks the CLI reaches
 * through the control protocol, and the time box of control requests.
 *
 * @module
 */
import { invalidValue } from "../errors/claw_error.ts";
import { type HookRegistry, type Hooks, registerHooks } from "./hooks.ts";
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
  if (canUseTool !== undefined && typeof canUseTool !== "function") {
    throw invalidValue("canUseTool", typeof canUseTool, "a function");
  }
  const registry = registerHooks(hooks);
  const inProcess = new Map<string, McpServer>();
  const configs: Record<string, unknown> = {};
  for (const [name, server] of Object.entries(mcpServers ?? {})) {
    if (isInProcess(server)) {
      inProcess.set(name, server);
      configs[name] = { type: "sdk", name };
    } else if (typeof server === "object" && server !== null) {
      configs[name] = server;
    } else {
      throw invalidValue(`mcpServers.${name}`, server, "an mcpServer() or a server config object");
    }
  }
  const run: SessionOptions = { ...options };
  if (Object.keys(configs).length > 0) {
    run.mcpConfig = [...options.mcpConfig ?? [], JSON.stringify({ mcpServers: configs })];
  }
  if (canUseTool && options.permissionPromptTool === undefined) run.permissionPromptTool = "stdio";
  return {
    transport,
    controlTimeoutMs: controlTimeoutMs ?? DEFAULT_CONTROL_TIMEOUT_MS,
    hooks: registry,
    mcpServers: inProcess,
    run,
  };
}

function isInProcess(server: unknown): server is McpServer {
  return typeof server === "object" && server !== null &&
    (server as { type?: unknown }).type === "sdk" &&
    typeof (server as { handle?: unknown }).handle === "function";
}
