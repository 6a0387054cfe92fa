/**
 * Which control requests a CLI serves, and reading their answers. 2.1.x answers a subtype it
 * does not know with an error at once, but 2.0.x leaves it unanswered (PROTOCOL.md §10c), so claw
 * refuses those itself, before sending anything.
 */
import { ClawError } from "../errors/claw_error.ts";

/** The control requests CLI 2.0.x answers (observed with 2.0.76); it never answers any other. */
export const SERVED_BY_2_0: ReadonlySet<string> = new Set([
  "initialize",
  "interrupt",
  "set_permission_mode",
  "set_model",
  "set_max_thinking_tokens",
  "mcp_status",
  "mcp_set_servers",
  "mcp_message",
  "rewind_files",
]);

/**
 * The refusal of `method` (which sends `subtype`) by a CLI that cannot serve it, or `undefined`
 * when it can. `version` is the CLI's `claude_code_version` from its `initialize` answer, which
 * 2.1.x gives and 2.0.x does not: without it the CLI is a 2.0.x (`seen`, the version its
 * `system/init` named, when a turn has run).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { refusedRequest } from "./_control_support.ts";
 *
 * strictEqual(refusedRequest("reloadSkills()", "reload_skills", undefined, "2.0.76")?.kind, "unsupported");
 * strictEqual(refusedRequest("reloadSkills()", "reload_skills", "2.1.332", undefined), undefined);
 * ```
 */
export function refusedRequest(
  method: string,
  subtype: string,
  version: string | undefined,
  seen: string | undefined,
): ClawError | undefined {
  if (version !== undefined || SERVED_BY_2_0.has(subtype)) return undefined;
  return unsupported(method, seen, `it has no ${subtype} control request`);
}

/** `unsupported`: Claude Code `version` (2.0.x when unknown) cannot do `method`, and why. */
export function unsupported(method: string, version: string | undefined, why: string): ClawError {
  return new ClawError(
    "unsupported",
    `${method} is not supported by Claude Code ${version ?? "2.0.x"}: ${why}`,
  );
}

/** A list field of an answer, or `[]`. */
export function listOf<T>(answer: Record<string, unknown>, field: string): T[] {
  const value = answer[field];
  return Array.isArray(value) ? value as T[] : [];
}
