/**
 * Hooks as host functions: registered with the CLI through `initialize`, called when the CLI
 * sends a `hook_callback` request, answered with what the function returns.
 *
 * @module
 */
import { InvalidOptionError, invalidValue } from "../errors/claw_error.ts";
import type { OpenString } from "../protocol/events.ts";

/** The hook events the CLI announces (2.1.x knows more; any name is passed through). */
export type HookEvent = OpenString<
  | "PreToolUse"
  | "PostToolUse"
  | "PostToolUseFailure"
  | "UserPromptSubmit"
  | "Stop"
  | "SubagentStart"
  | "SubagentStop"
  | "PreCompact"
  | "Notification"
  | "SessionStart"
  | "SessionEnd"
  | "PermissionRequest"
>;

/** What the CLI tells a hook: the event, and its fields (`tool_name`, `tool_input`, `prompt`, …). */
export interface HookInput {
  /** The event, e.g. `PreToolUse`. */
  hook_event_name: HookEvent;
  /** The session. */
  session_id?: string;
  /** The session's transcript file. */
  transcript_path?: string;
  /** The working directory. */
  cwd?: string;
  /** On tool events: the tool. */
  tool_name?: string;
  /** On tool events: its input. */
  tool_input?: Record<string, unknown>;
  /** On `PostToolUse`: what the tool returned. */
  tool_response?: unknown;
  /** On `UserPromptSubmit`: the prompt. */
  prompt?: string;
  /** Other fields of the event. */
  [field: string]: unknown;
}

/**
 * A hook's answer. `{}` (or nothing) lets things go on; `decision: "block"` with a `reason` stops
 * the tool call or the prompt; `hookSpecificOutput` carries event-specific answers such as
 * `{ hookEventName: "UserPromptSubmit", additionalContext }` or `{ hookEventName: "PreToolUse",
 * permissionDecision: "deny", permissionDecisionReason }`.
 */
export interface HookOutput {
  /** `false` stops the session's turn after the hook. */
  continue?: boolean;
  /** Shown when `continue` is `false`. */
  stopReason?: string;
  /** Hide the hook's output from the transcript. */
  suppressOutput?: boolean;
  /** `block` refuses the tool call or prompt (with `reason`); `approve` allows it. */
  decision?: "approve" | "block";
  /** Why, for `decision`. */
  reason?: string;
  /** A message shown to the user. */
  systemMessage?: string;
  /** Event-specific fields, with `hookEventName`. */
  hookSpecificOutput?: { hookEventName: HookEvent; [field: string]: unknown };
  /** Other fields the CLI understands. */
  [field: string]: unknown;
}

/** A host function called for a hook event. Its `signal` aborts when the CLI withdraws the call. */
export type HookCallback = (
  input: HookInput,
  toolUseId: string | undefined,
  context: { signal: AbortSignal },
) => HookOutput | void | Promise<HookOutput | void>;

/** Callbacks for the events whose tool (for tool events) matches `matcher`. */
export interface HookMatcher {
  /** A tool name or pattern (`Bash`, `Write|Edit`, `mcp__calc__.*`); every call when absent. */
  matcher?: string;
  /** Called in order. */
  hooks: HookCallback[];
  /**
   * How long the callbacks may take, in seconds: the CLI waits that long, and claw gives a
   * callback that long before it counts as failed (the CLI's default when absent).
   */
  timeout?: number;
  /**
   * What a callback that throws or times out does: `continue` (the default) lets the action go
   * ahead, `block` blocks the tool call, prompt or permission it guards, with the error as the
   * reason. Either way the session's `onWarning` hears of it. CLI 2.1.x applies `block` itself
   * (its `initialize` answer says `hook_on_failure_supported`); on an older CLI claw answers
   * with the block.
   */
  onFailure?: HookFailure;
}

/** What a failing hook callback does: see {@linkcode HookMatcher.onFailure}. */
export type HookFailure = "continue" | "block";

/** How a callback's failure is handled: its matcher's `onFailure` and `timeout`. */
export interface HookPolicy {
  /** What a failure does. */
  onFailure: HookFailure;
  /** After how many milliseconds a callback that has not settled counts as failed. */
  timeoutMs?: number;
}

/** Hooks by event. */
export type Hooks = Partial<Record<HookEvent, HookMatcher[]>>;

/** The hooks of a session: what `initialize` registers, and the callback behind each id. */
export interface HookRegistry {
  /** The `hooks` field of the `initialize` request; `undefined` when there are none. */
  initialize: Record<string, unknown[]> | undefined;
  /** The callbacks by `callback_id`. */
  callbacks: ReadonlyMap<string, HookCallback>;
  /** How each callback's failure is handled, by `callback_id`. */
  policies: ReadonlyMap<string, HookPolicy>;
}

/**
 * Gives each callback an id (`hook_0`, `hook_1`, … in order, so a recorded session replays) and
 * builds the `hooks` field of `initialize`. A malformed `hooks` is an `InvalidOptionError` (kind
 * `usage`).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { registerHooks } from "./hooks.ts";
 *
 * const registry = registerHooks({ PreToolUse: [{ matcher: "Bash", hooks: [() => ({})] }] });
 * deepStrictEqual(registry.initialize, { PreToolUse: [{ matcher: "Bash", hookCallbackIds: ["hook_0"] }] });
 * deepStrictEqual([...registry.callbacks.keys()], ["hook_0"]);
 * deepStrictEqual(registry.policies.get("hook_0"), { onFailure: "continue" });
 * ```
 */
export function registerHooks(hooks: Hooks | undefined): HookRegistry {
  const callbacks = new Map<string, HookCallback>();
  const policies = new Map<string, HookPolicy>();
  const initialize: Record<string, unknown[]> = {};
  for (const [event, matchers] of Object.entries(hooks ?? {})) {
    if (!Array.isArray(matchers)) {
      throw new InvalidOptionError(
        ["hooks"],
        () => `Invalid hooks.${event}: it must be an array of { matcher, hooks }`,
      );
    }
    initialize[event] = matchers.map((entry, index) => {
      if (!Array.isArray(entry?.hooks) || entry.hooks.some((hook) => typeof hook !== "function")) {
        throw new InvalidOptionError(
          ["hooks"],
          () => `Invalid hooks.${event}[${index}].hooks: it must be an array of functions`,
        );
      }
      const { timeout, onFailure = "continue" } = entry;
      if (timeout !== undefined && !(typeof timeout === "number" && timeout > 0)) {
        throw invalidValue(
          `hooks.${event}[${index}].timeout`,
          timeout,
          "a positive number of seconds",
        );
      }
      if (onFailure !== "continue" && onFailure !== "block") {
        throw invalidValue(`hooks.${event}[${index}].onFailure`, onFailure, "continue or block");
      }
      const policy = timeout === undefined
        ? { onFailure }
        : { onFailure, timeoutMs: timeout * 1000 };
      const hookCallbackIds = entry.hooks.map((hook) => {
        const id = `hook_${callbacks.size}`;
        callbacks.set(id, hook);
        policies.set(id, policy);
        return id;
      });
      return {
        ...(entry.matcher === undefined ? {} : { matcher: entry.matcher }),
        hookCallbackIds,
        ...(timeout === undefined ? {} : { timeout }),
        ...(entry.onFailure === undefined ? {} : { onFailure }),
      };
    });
  }
  return { initialize: callbacks.size === 0 ? undefined : initialize, callbacks, policies };
}
