/**
 * The stable error kinds of claw's taxonomy and their recovery hints.
 *
 * @module
 */

/** Every kind a {@linkcode ClawError} can have. */
export const ERROR_KINDS = [
  "cli_not_found",
  "cli_version",
  "usage",
  "cli_usage",
  "spawn",
  "protocol",
  "cli_crashed",
  "no_result",
  "auth",
  "rate_limit",
  "overloaded",
  "context_window",
  "provider_internal",
  "api_error",
  "max_turns",
  "budget",
  "structured_output",
  "aborted",
  "timeout",
  "hang",
  "session_not_found",
  "session_in_use",
  "results_in_use",
  "unsupported",
  "control_refused",
  "spare_unusable",
  "cassette_miss",
] as const;

/**
 * A stable error kind: branch on it, print it, never parse the message instead.
 *
 * Two kinds are about command lines: `usage` means claw refused an option or argument before
 * anything was started; `cli_usage` means Claude Code itself refused the command line claw gave it.
 */
export type ErrorKind = typeof ERROR_KINDS[number];

// Hints name only commands that exist: tests/help_test.ts checks every `claw <command>` below.
const HINTS: Record<ErrorKind, string> = {
  cli_not_found:
    "Install Claude Code with npm i -g @anthropic-ai/claude-code, or give its path: the cli option (--cli) or CLAUDE_CLI_PATH",
  cli_version: "Install a supported Claude Code version (claude --version says which one runs)",
  usage: "Fix the option: nothing was started",
  cli_usage:
    "Claude Code refused the command line before making any request: check extra flags against claude --help for this CLI version",
  spawn: "Check that the claude executable exists and is executable",
  protocol: "The CLI printed something unreadable: save its output and run claw inspect on it",
  cli_crashed: "The CLI died mid-run: rerun, and check the stderr tail and the process limits",
  no_result: "The CLI exited without a result: check the stderr tail, then rerun",
  auth: "Log in with claude auth login (claude /login on 2.0.x), or set a valid ANTHROPIC_API_KEY",
  rate_limit: "Wait before retrying, or lower the request rate",
  overloaded: "The API is overloaded: retry later or pass a fallback model",
  context_window:
    "Shorten the prompt, or use a model with a larger context window (--model); a resumed session's history counts too: start a fresh one without --resume",
  provider_internal: "The API failed internally: retry; if it persists, check the provider status",
  api_error: "Check the request (model name, flags) and retry",
  max_turns: "Raise --max-turns or make the task smaller",
  budget: "Raise --max-budget-usd or make the task smaller",
  structured_output: "Simplify the JSON schema or the prompt so the model can satisfy it",
  aborted: "The run was aborted by the caller",
  timeout: "Raise --timeout or make the task smaller",
  hang: "The CLI stopped producing output: check the network and the API, then rerun",
  session_not_found:
    "Check the session id: the CLI keeps sessions under ~/.claude/projects/<working directory>/",
  session_in_use:
    "End the claude process that has the session open (the message names its pid), then retry",
  results_in_use:
    "Wait for the other batch to end (the message names its pid), or write the results to another file; remove the lock file only when no batch is writing it",
  unsupported:
    "This Claude Code version or session transport cannot do it: upgrade Claude Code (claude --version says which one runs) or use the stream transport",
  control_refused:
    "Claude Code refused the control request: check its value (a model name, a permission mode)",
  spare_unusable:
    "Claim with the spare's own options (a claim may change only the model, permissionMode and maxThinkingTokens), prewarm a spare for these, or claim with fallback: true",
  cassette_miss:
    "Record the run once against the real CLI: set CLAW_CASSETTE_MODE=record (or auto) and rerun",
};

/** Where a failure happened: a one-shot run (`run()`, `claw run`) or a turn of a session. */
export type FailureScope = "run" | "session";

/** The hints that differ in a session, where more can be done (`/compact` the conversation). */
const SESSION_HINTS: Partial<Record<ErrorKind, string>> = {
  context_window:
    "Shorten the prompt, run /compact in the session, or start a fresh session without --resume",
};

/**
 * The standard recovery hint for `kind`, for a failure of a one-shot run or (`scope`
 * `"session"`) of a session's turn.
 *
 * @example A one-shot run has no conversation to compact
 * ```ts
 * import { ok as assert } from "node:assert";
 * import { hintFor } from "./kinds.ts";
 *
 * assert(!hintFor("context_window").includes("/compact"));
 * assert(hintFor("context_window", "session").includes("/compact"));
 * ```
 */
export function hintFor(kind: ErrorKind, scope: FailureScope = "run"): string {
  return (scope === "session" ? SESSION_HINTS[kind] : undefined) ?? HINTS[kind];
}
