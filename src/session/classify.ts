/**
 * Turning how a run ended into a {@linkcode ClawError} with a stable kind, or nothing when it
 * succeeded.
 *
 * @module
 */
import type { ResultEvent } from "../protocol/events.ts";
import type { ProcessStatus } from "../process/spawn.ts";
import {
  CASSETTE_MISS_PREFIX,
  CassetteMissError,
  ClawError,
  type ClawErrorDetails,
} from "../errors/claw_error.ts";
import { type ErrorKind, type FailureScope, hintFor } from "../errors/kinds.ts";
import type { ProcessFacts, TurnFacts } from "./facts.ts";

/** Why claw itself stopped a run: the error kind, and what happened in words. */
export interface StopReason {
  /** The kind the run fails with. */
  kind: "aborted" | "timeout" | "hang";
  /** What claw saw, with the limit that was passed. */
  message: string;
}

/** How a run (or one turn of a session) ended, for {@linkcode classifyRun}. */
export interface RunEnding {
  /** What the turn's events said. */
  turn: TurnFacts;
  /** What the process's events said. */
  process: ProcessFacts;
  /** The process's exit status; `undefined` while it runs on (a session's turn) or was never seen. */
  status: ProcessStatus | undefined;
  /** The tail of stderr. */
  stderrTail: string | undefined;
  /** Set when claw stopped the run itself. */
  stopReason?: StopReason;
  /**
   * The run was given a JSON schema: a success without `structured_output` fails (kind
   * `structured_output`) instead of passing as plain text.
   */
  structuredOutput?: boolean;
  /**
   * A one-shot run (the default) or a turn of a session: a hint says what can be done there (a
   * session's conversation can be compacted, a one-shot run's cannot).
   */
  scope?: FailureScope;
}

/**
 * Classifies a finished run: `undefined` when it succeeded, otherwise a {@linkcode ClawError}
 * whose kind comes from (in order) the turn's `result` event, claw's own stop reason, a failure
 * the process implementation reported itself (a replay that diverged), then how the process ended.
 *
 * @example A run that printed a failed result
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { classifyRun } from "./classify.ts";
 * import { ProcessFacts, TurnFacts } from "./facts.ts";
 *
 * const turn = new TurnFacts();
 * turn.observe({ type: "result", subtype: "error_max_turns", is_error: true, errors: ["Reached maximum number of turns (1)"], session_id: "s1" } as never);
 * const failure = classifyRun({ turn, process: new ProcessFacts(), status: { code: 1, signal: null }, stderrTail: undefined });
 * strictEqual(failure?.kind, "max_turns");
 * ```
 */
export function classifyRun(ending: RunEnding): ClawError | undefined {
  const { turn, process, status, stderrTail, stopReason } = ending;
  const details: ClawErrorDetails = {
    ...(process.sessionId === undefined ? {} : { sessionId: process.sessionId }),
    ...(stderrTail === undefined ? {} : { stderrTail }),
    ...(status === undefined ? {} : { exitCode: status.code }),
    ...(status?.signal ? { signal: status.signal } : {}),
    ...(turn.assistantError === undefined ? {} : { assistantError: turn.assistantError.error }),
  };
  const result = turn.result;
  if (result) {
    if (!isFailedResult(result)) {
      const missing = ending.structuredOutput && result.structured_output === undefined;
      return missing ? missingStructuredOutput(result, details) : undefined;
    }
    const { kind, message, hint } = classifyResult(result, resultContext(turn));
    const requestId = turn.assistantError?.requestId ?? findRequestId(message) ?? turn.requestId;
    return new ClawError(kind, message, {
      ...details,
      hint: hint ?? hintFor(kind, ending.scope),
      result,
      ...(requestId === undefined ? {} : { requestId }),
    });
  }
  if (stopReason) return new ClawError(stopReason.kind, stopReason.message, details);
  if (status?.failure) return status.failure;
  if (status?.signal) {
    return new ClawError(
      "cli_crashed",
      `Claude Code was killed by ${status.signal} before it printed a result`,
      details,
    );
  }
  if (process.truncated) {
    return new ClawError(
      "cli_crashed",
      "Claude Code died mid-line before printing a result",
      details,
    );
  }
  const stderrLines = (stderrTail ?? "").split("\n");
  const miss = cassetteMiss(stderrLines, details);
  if (miss) return miss;
  const firstStderrLine = stderrLines.find((line) => line.trim() !== "");
  if (status && status.code !== 0 && process.sessionId === undefined && firstStderrLine) {
    return new ClawError(
      "cli_usage",
      `Claude Code refused the command line: ${firstStderrLine}`,
      details,
    );
  }
  return new ClawError(
    "no_result",
    `Claude Code exited with code ${status?.code ?? "unknown"} without printing a result${
      firstStderrLine ? `: ${firstStderrLine.trim()}` : ""
    }`,
    details,
  );
}

/**
 * The miss a fake claude in another process printed on stderr (it can only say so in text): its
 * `error[cassette_miss]: …` line and the `hint: …` line after it, as one `CassetteMissError`.
 */
function cassetteMiss(lines: string[], details: ClawErrorDetails): CassetteMissError | undefined {
  const at = lines.findIndex((line) => line.startsWith(CASSETTE_MISS_PREFIX));
  if (at === -1) return undefined;
  const hint = lines[at + 1]?.startsWith("hint: ") ? lines[at + 1]!.slice("hint: ".length) : "";
  return new CassetteMissError(lines[at]!.slice(CASSETTE_MISS_PREFIX.length), {
    ...details,
    ...(hint === "" ? {} : { hint }),
  });
}

/**
 * The failure of a successful result that carries no `structured_output` although the run was
 * given a JSON schema: the model ended without calling the CLI's StructuredOutput tool.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import type { ResultEvent } from "../protocol/events.ts";
 * import { missingStructuredOutput } from "./classify.ts";
 *
 * const result = { type: "result", subtype: "success", is_error: false, result: "Hi" } as ResultEvent;
 * strictEqual(missingStructuredOutput(result).kind, "structured_output");
 * ```
 */
export function missingStructuredOutput(
  result: ResultEvent,
  details: ClawErrorDetails = {},
): ClawError {
  const text = typeof result.result === "string" && result.result !== ""
    ? ` (its text: ${JSON.stringify(clip(result.result))})`
    : "";
  return new ClawError(
    "structured_output",
    `The result has no structured_output: Claude Code ended the turn without calling its StructuredOutput tool${text}`,
    {
      ...details,
      result,
      hint:
        "Ask for the answer in the prompt as well, or simplify the JSON schema so the model can satisfy it",
    },
  );
}

function clip(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/**
 * Whether a `result` event reports a failure: `is_error: true` (API failures keep
 * `subtype: "success"`), or an `error_*` subtype (CLI 2.0.x sends `error_max_turns` with
 * `is_error: false`).
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert";
 * import { isFailedResult } from "./classify.ts";
 *
 * assert(isFailedResult({ subtype: "error_max_turns", is_error: false }));
 * assert(!isFailedResult({ subtype: "success", is_error: false }));
 * ```
 */
export function isFailedResult(result: Pick<ResultEvent, "subtype" | "is_error">): boolean {
  return result.is_error === true || String(result.subtype).startsWith("error_");
}

/** How a failed result is reported: its kind, message and, where the kind's own is too vague, a hint. */
export interface ResultFailure {
  /** claw's error kind. */
  kind: ErrorKind;
  /** The CLI's own words: the result text, or its `errors`. */
  message: string;
  /** A hint more precise than the kind's own, when one is known. */
  hint?: string;
}

/** What the rest of a turn said, beyond its `result`, that helps classify it. */
export interface ResultContext {
  /** The `error` of the turn's synthetic assistant message (`rate_limit`, `authentication_failed`, …). */
  assistantError?: string;
  /** The turn was interrupted (2.0.x says so only in a user line). */
  interrupted?: boolean;
}

/**
 * The kind, message and hint of a failed `result` event (see {@linkcode isFailedResult}).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import type { ResultEvent } from "../protocol/events.ts";
 * import { classifyResult } from "./classify.ts";
 *
 * const result = { type: "result", subtype: "success", is_error: true, api_error_status: 429, result: "API Error: Request rejected (429)", session_id: "s1" } as ResultEvent;
 * strictEqual(classifyResult(result).kind, "rate_limit");
 * ```
 */
export function classifyResult(result: ResultEvent, context: ResultContext = {}): ResultFailure {
  const errors = Array.isArray(result.errors) ? result.errors.map(String) : [];
  const message = typeof result.result === "string" && result.result !== ""
    ? result.result
    : errors.join("; ") || `The run failed (${result.subtype})`;
  switch (result.subtype) {
    case "error_max_turns":
      return { kind: "max_turns", message };
    case "error_max_budget_usd":
      return { kind: "budget", message };
    case "error_max_structured_output_retries":
      return { kind: "structured_output", message };
    case "error_during_execution": {
      // 2.0.x and 2.1.x for an unknown id; 2.1.x for a value that is neither an id nor a title.
      if (/No conversation found|does not match any session title/i.test(message)) {
        return { kind: "session_not_found", message };
      }
      if (/^Resume rejected/.test(message)) {
        return {
          kind: "cli_usage",
          message,
          hint:
            "The CLI refused the resume as asked: leave out resumeDropsTurn, or name the turn the cut really drops",
        };
      }
      const reason = typeof result.terminal_reason === "string" ? result.terminal_reason : "";
      // 2.1.x says aborted_streaming; 2.0.x says nothing but printed "[Request interrupted by user]".
      if (reason.startsWith("aborted") || context.interrupted) {
        // The CLI's own text here is a diagnostic dump; the result stays in the error's details.
        return {
          kind: "aborted",
          message: `The turn was interrupted${reason ? ` (${reason})` : ""}`,
        };
      }
      return { kind: "api_error", message };
    }
  }
  const kind = apiErrorKind(result, message, context.assistantError);
  const hint = kind === "api_error"
    ? apiErrorHint(result, message, context.assistantError)
    : undefined;
  return hint === undefined ? { kind, message } : { kind, message, hint };
}

/** What a turn's other events add to its result's classification. */
export function resultContext(turn: TurnFacts): ResultContext {
  return turn.assistantError === undefined
    ? { interrupted: turn.interrupted }
    : { assistantError: turn.assistantError.error, interrupted: turn.interrupted };
}

/** A hint more precise than api_error's own, from the status and the CLI's error category. */
function apiErrorHint(
  result: ResultEvent,
  text: string,
  assistantError?: string,
): string | undefined {
  const status = statusOf(result, text);
  if (status === 404 || assistantError === "model_not_found") {
    return "Check the model name (--model): the API does not know it";
  }
  if (result.api_error === "connection_failed" || /ECONN|timed out|Connection/i.test(text)) {
    return "Claude Code could not reach the API: check the network, proxy variables and ANTHROPIC_BASE_URL, then retry";
  }
  if (result.api_error === "max_output_tokens" || assistantError === "max_output_tokens") {
    return "The answer hit the output token limit: ask for less at a time, or split the task";
  }
  if (result.stop_reason === "refusal" || /safeguards|refus/i.test(text)) {
    return "The model declined the request: rephrase it";
  }
  if (status >= 500) return "The API failed on its side: retry in a moment";
  return undefined;
}

function statusOf(result: ResultEvent, text: string): number {
  return typeof result.api_error_status === "number"
    ? result.api_error_status
    : Number(/API Error: (\d{3})/.exec(text)?.[1] ?? NaN);
}

function apiErrorKind(result: ResultEvent, text: string, assistantError?: string): ErrorKind {
  const status = statusOf(result, text);
  const type = typeof result.api_error_type === "string" ? result.api_error_type : "";
  if (result.terminal_reason === "prompt_too_long" || /prompt is too long/i.test(text)) {
    return "context_window";
  }
  if (
    status === 401 || status === 403 || assistantError === "authentication_failed" ||
    /authentication_error|permission_error/.test(type) ||
    /Not logged in|Invalid API key|Failed to authenticate|OAuth token/i.test(text)
  ) {
    return "auth";
  }
  if (status === 429 || assistantError === "rate_limit" || type === "rate_limit_error") {
    return "rate_limit";
  }
  if (status === 529 || assistantError === "overloaded" || /overloaded/i.test(type + text)) {
    return "overloaded";
  }
  if (/Something went wrong/i.test(text)) return "provider_internal";
  return "api_error";
}

function findRequestId(text: string): string | undefined {
  return /\b(req_[A-Za-z0-9_]+)/.exec(text)?.[1];
}
