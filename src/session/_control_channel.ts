/**
 * The control protocol over one CLI process, both ways: claw's requests to the CLI (each with a
 * time box and a typed outcome) and the CLI's requests to claw (permission prompts, hook calls,
 * in-process MCP messages), each answered, whatever the callback does.
 */
import { ClawError } from "../errors/claw_error.ts";
import type { DecodedItem } from "../protocol/events.ts";
import { elicitationRequest, type OnElicitation } from "./elicitation.ts";
import type { HookCallback, HookInput, HookPolicy } from "./hooks.ts";
import type { McpServer } from "./mcp_server.ts";
import { type CanUseTool, permissionAnswer } from "./permissions.ts";
import { messageOf } from "../errors/message_of.ts";

/** Who answers the CLI's requests. */
export interface ControlHandlers {
  /** Answers `can_use_tool`. */
  canUseTool?: CanUseTool | undefined;
  /** The hook callbacks by id, for `hook_callback`. */
  hooks: ReadonlyMap<string, HookCallback>;
  /** How each hook callback's failure is handled, by id. */
  hookPolicies?: ReadonlyMap<string, HookPolicy>;
  /** The in-process MCP servers by name, for `mcp_message`. */
  mcpServers: ReadonlyMap<string, McpServer>;
  /** Answers `elicitation`: an MCP server's question to the user. */
  onElicitation?: OnElicitation | undefined;
  /** Hears of a callback that failed (a hook that threw or timed out). */
  onWarning?: ((message: string) => void) | undefined;
}

type Json = Record<string, unknown>;

interface Pending {
  subtype: string;
  resolve: (response: Json) => void;
  reject: (error: ClawError) => void;
  timer: ReturnType<typeof setTimeout>;
}

/** One process's control traffic. Feed it every item with {@linkcode ControlChannel.take}. */
export class ControlChannel {
  readonly #write: (line: Json) => Promise<void>;
  readonly #handlers: ControlHandlers;
  readonly #pending = new Map<string, Pending>();
  /** The CLI's requests being answered, by request id: aborting withdraws the callback. */
  readonly #answering = new Map<string, AbortController>();
  #next = 0;
  #closed: ClawError | undefined;
  /**
   * The CLI blocks on a hook callback that failed under `onFailure: "block"` itself (2.1.x says
   * so in its `initialize` answer); otherwise claw answers such a failure with the block.
   */
  cliBlocksFailedHooks = false;
  /** The CLI's version, once known, for messages. */
  cliVersion: string | undefined;

  /** A channel that writes lines with `write`. */
  constructor(write: (line: Json) => Promise<void>, handlers: ControlHandlers) {
    this.#write = write;
    this.#handlers = handlers;
  }

  /**
   * Sends a control request and waits for its answer: the `response` object of a success (`{}`
   * when the CLI sent none, as 2.0.76 does for `interrupt`). Fails with kind `unsupported` when the
   * CLI does not know the subtype, `control_refused` when it refused, `timeout` when no answer came
   * within `timeoutMs`.
   */
  request(request: Json & { subtype: string }, timeoutMs: number): Promise<Json> {
    if (this.#closed) return Promise.reject(this.#closed);
    const id = `claw_${++this.#next}`;
    const { subtype } = request;
    return new Promise<Json>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(
          new ClawError(
            "timeout",
            `Claude Code did not answer the ${subtype} control request within ${timeoutMs} ms`,
          ),
        );
      }, timeoutMs);
      this.#pending.set(id, { subtype, resolve, reject, timer });
      this.#write({ type: "control_request", request_id: id, request }).catch(() => {
        // the process is gone: close() rejects what is pending
      });
    });
  }

  /** Whether `item` is control traffic; if so it is handled here and is not an event of a turn. */
  take(item: DecodedItem): boolean {
    switch (item.type) {
      case "control_response":
        this.#settle(item.response);
        return true;
      case "control_request":
        this.#answer(item.request_id, item.request as Json);
        return true;
      case "control_cancel_request":
        this.#answering.get(item.request_id)?.abort(
          new ClawError("aborted", "Claude Code withdrew the request"),
        );
        return true;
      default:
        return false;
    }
  }

  /** The process is gone: what waits for an answer fails with `reason`, callbacks are aborted. */
  close(reason: ClawError): void {
    this.#closed ??= reason;
    for (const pending of this.#pending.values()) {
      clearTimeout(pending.timer);
      pending.reject(reason);
    }
    this.#pending.clear();
    for (const controller of this.#answering.values()) controller.abort(reason);
  }

  #settle(
    response: {
      subtype?: unknown;
      request_id?: unknown;
      response?: unknown;
      error?: unknown;
      error_code?: unknown;
    },
  ): void {
    const pending = this.#pending.get(String(response.request_id));
    // 2.0.76 answers set_permission_mode twice: the second answer finds nothing pending.
    if (!pending) return;
    this.#pending.delete(String(response.request_id));
    clearTimeout(pending.timer);
    if (response.subtype === "success") {
      pending.resolve(isJson(response.response) ? response.response : {});
    } else if (response.error_code === "unsupported_request") {
      pending.reject(
        new ClawError(
          "unsupported",
          `Claude Code${
            this.cliVersion === undefined ? "" : ` ${this.cliVersion}`
          } does not support the ${pending.subtype} control request: ${response.error}`,
        ),
      );
    } else {
      pending.reject(
        new ClawError(
          "control_refused",
          `Claude Code refused the ${pending.subtype} control request: ${
            response.error ?? "no reason given"
          }`,
        ),
      );
    }
  }

  async #answer(id: string, request: Json): Promise<void> {
    const controller = new AbortController();
    this.#answering.set(id, controller);
    let answer: { response: Json } | { error: string };
    try {
      answer = { response: await this.#handle(request, controller.signal) };
    } catch (error) {
      answer = { error: messageOf(error) };
    } finally {
      this.#answering.delete(id);
    }
    // A withdrawn request is not answered: the CLI no longer waits for it.
    if (controller.signal.aborted) return;
    const response = "response" in answer
      ? { subtype: "success", request_id: id, response: answer.response }
      : { subtype: "error", request_id: id, error: answer.error };
    await this.#write({ type: "control_response", response }).catch(() => {});
  }

  /** The answer to one of the CLI's requests; a throw becomes an error answer. */
  #handle(request: Json, signal: AbortSignal): Promise<Json> {
    switch (request.subtype) {
      case "can_use_tool":
        return this.#canUseTool(request, signal);
      case "hook_callback":
        return this.#hook(request, signal);
      case "mcp_message":
        return this.#mcp(request, signal);
      case "elicitation":
        return this.#elicit(request, signal);
      default:
        throw new Error(
          `claw does not handle the control request subtype "${String(request.subtype)}"`,
        );
    }
  }

  async #canUseTool(request: Json, signal: AbortSignal): Promise<Json> {
    const input = isJson(request.input) ? request.input : {};
    const canUseTool = this.#handlers.canUseTool;
    if (!canUseTool) {
      return { behavior: "deny", message: "No canUseTool callback was given to claw's session" };
    }
    try {
      const decision = await canUseTool(String(request.tool_name), input, {
        signal,
        toolUseId: optionalString(request.tool_use_id),
        description: optionalString(request.description),
        blockedPath: optionalString(request.blocked_path),
        suggestions: Array.isArray(request.permission_suggestions)
          ? request.permission_suggestions
          : [],
      });
      return permissionAnswer(decision, input);
    } catch (error) {
      const why = messageOf(error);
      return { behavior: "deny", message: `The canUseTool callback failed: ${why}` };
    }
  }

  async #hook(request: Json, signal: AbortSignal): Promise<Json> {
    const id = String(request.callback_id);
    const hook = this.#handlers.hooks.get(id);
    if (!hook) throw new Error(`claw has no hook callback "${id}"`);
    const input = (isJson(request.input) ? request.input : {}) as HookInput;
    const policy = this.#handlers.hookPolicies?.get(id) ?? { onFailure: "continue" };
    const timeout = new AbortController();
    const { timeoutMs } = policy;
    // The CLI gives up on the callback at its timeout, and a CLI that does not block on a failed
    // hook then lets the action go ahead: claw answers a little before that.
    const timer = timeoutMs === undefined ? undefined : setTimeout(
      () => timeout.abort(new Error(`it did not settle within its ${timeoutMs / 1000} s timeout`)),
      timeoutMs - Math.min(250, timeoutMs / 4),
    );
    try {
      const output = await Promise.race([
        hook(input, optionalString(request.tool_use_id), {
          signal: AbortSignal.any([signal, timeout.signal]),
        }),
        new Promise<never>((_, reject) => {
          timeout.signal.addEventListener("abort", () => reject(timeout.signal.reason));
        }),
      ]);
      return isJson(output) ? output : {};
    } catch (error) {
      if (signal.aborted) throw error; // withdrawn: nobody waits for the answer
      const why = messageOf(error);
      const event = String(input.hook_event_name ?? "hook");
      const blocks = policy.onFailure === "block";
      this.#handlers.onWarning?.(
        `The ${event} hook callback "${id}" failed: ${why}; ${
          blocks ? "its action is blocked (onFailure: block)" : "its action goes ahead"
        }`,
      );
      if (blocks && !this.cliBlocksFailedHooks) return blockAnswer(event, `Hook failed: ${why}`);
      throw error; // an error answer: 2.1.x blocks under onFailure "block", else goes ahead
    } finally {
      clearTimeout(timer);
    }
  }

  async #elicit(request: Json, signal: AbortSignal): Promise<Json> {
    const onElicitation = this.#handlers.onElicitation;
    if (!onElicitation) return { action: "decline" };
    try {
      const { action, content } = await onElicitation(elicitationRequest(request), { signal });
      return content === undefined ? { action } : { action, content };
    } catch (error) {
      if (signal.aborted) throw error;
      const why = messageOf(error);
      this.#handlers.onWarning?.(
        `The onElicitation callback failed: ${why}; the question is declined`,
      );
      return { action: "decline" };
    }
  }

  async #mcp(request: Json, signal: AbortSignal): Promise<Json> {
    const name = String(request.server_name);
    const server = this.#handlers.mcpServers.get(name);
    if (!server) throw new Error(`claw has no in-process MCP server "${name}"`);
    const response = await server.handle(request.message, { signal });
    // A notification has no response; the CLI still waits for an answer to its control request.
    return { mcp_response: response ?? { jsonrpc: "2.0", result: {}, id: 0 } };
  }
}

/** A hook's answer that blocks what `event` guards, for a CLI that will not block by itself. */
function blockAnswer(event: string, reason: string): Json {
  if (event !== "PreToolUse") return { decision: "block", reason };
  return {
    decision: "block",
    reason,
    hookSpecificOutput: {
      hookEventName: "PreToolUse",
      permissionDecision: "deny",
      permissionDecisionReason: reason,
    },
  };
}

function isJson(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function optionalString(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}
