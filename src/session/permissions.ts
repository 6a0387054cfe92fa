/**
 * The `canUseTool` callback: the host's answer when a tool needs approval. claw passes
 * `--permission-prompt-tool stdio`, so the CLI asks on stdout (`can_use_tool`) and waits for the
 * answer on stdin.
 *
 * @module
 */

/** What the CLI says about a tool call that needs approval. */
export interface ToolPermissionContext {
  /** Aborted when the CLI withdraws the request (its turn was interrupted) or the session ends. */
  signal: AbortSignal;
  /** The `tool_use` id of the call. */
  toolUseId: string | undefined;
  /** Why approval is needed, in the CLI's words. */
  description: string | undefined;
  /** A path outside the allowed directories that the call touches. */
  blockedPath: string | undefined;
  /** Permission rules the CLI suggests adding to answer "always". */
  suggestions: unknown[];
}

/** Run the tool, optionally with changed input. */
export interface AllowTool {
  /** Allow. */
  behavior: "allow";
  /** The input the tool runs with; the model's own input when absent. */
  updatedInput?: Record<string, unknown>;
  /** Permission rules to add (e.g. one of the context's `suggestions`). */
  updatedPermissions?: unknown[];
}

/** Refuse the tool call; the model sees `message` as the tool's error. */
export interface DenyTool {
  /** Deny. */
  behavior: "deny";
  /** What the model is told. */
  message: string;
  /** Also stop the turn. */
  interrupt?: boolean;
}

/** A `canUseTool` answer. */
export type ToolPermission = AllowTool | DenyTool;

/**
 * Decides whether a tool call may run. An exception (or a rejected promise) denies the call with
 * its message: a broken callback never leaves the CLI waiting.
 */
export type CanUseTool = (
  toolName: string,
  input: Record<string, unknown>,
  context: ToolPermissionContext,
) => ToolPermission | Promise<ToolPermission>;

/**
 * The `can_use_tool` answer claw writes for a callback's decision: an allow always carries the
 * input the tool runs with (the model's own when the callback changed nothing).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { permissionAnswer } from "./permissions.ts";
 *
 * deepStrictEqual(permissionAnswer({ behavior: "allow" }, { command: "ls" }), {
 *   behavior: "allow",
 *   updatedInput: { command: "ls" },
 * });
 * deepStrictEqual(permissionAnswer({ behavior: "deny", message: "No" }, {}), { behavior: "deny", message: "No" });
 * ```
 */
export function permissionAnswer(
  decision: ToolPermission,
  input: Record<string, unknown>,
): Record<string, unknown> {
  if (decision?.behavior === "allow") {
    return {
      behavior: "allow",
      updatedInput: decision.updatedInput ?? input,
      ...(decision.updatedPermissions ? { updatedPermissions: decision.updatedPermissions } : {}),
    };
  }
  if (decision?.behavior === "deny") {
    return {
      behavior: "deny",
      message: String(decision.message ?? "Denied"),
      ...(decision.interrupt ? { interrupt: true } : {}),
    };
  }
  return {
    behavior: "deny",
    message: `The canUseTool callback returned ${
      JSON.stringify(decision)
    }: it must return { behavior: "allow" } or { behavior: "deny", message }`,
  };
}
