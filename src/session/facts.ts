/**
 * What a run's events say, gathered event by event: per turn (its result, the CLI's own error
 * report, the last request id, whether it was interrupted) and per process (session id, CLI
 * version, model, whether the output was cut mid-line). A session of many turns keeps one
 * {@linkcode ProcessFacts} and a fresh {@linkcode TurnFacts} per turn, so an interrupt in turn 2
 * never colours turn 5.
 *
 * @module
 */
import {
  type AssistantEvent,
  cliVersionOf,
  type DecodedItem,
  type ResultEvent,
} from "../protocol/events.ts";

/** What a failed synthetic assistant message said (the CLI's own report of an API error). */
export interface AssistantErrorReport {
  /** The `error` category: `rate_limit`, `authentication_failed`, `server_error`, … */
  error: string;
  /** The message text shown to the user. */
  text: string;
  /** `api_error_status`, when the CLI gave it. */
  status?: number;
  /** `api_error_type`, when the CLI gave it. */
  type?: string;
  /** `request_id` of the failing request, when the CLI gave it. */
  requestId?: string;
}

/**
 * The facts of one turn: everything that decides whether it failed, and how.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { TurnFacts } from "./facts.ts";
 *
 * const turn = new TurnFacts();
 * turn.observe({ type: "result", subtype: "success", is_error: false, result: "hi", session_id: "s1" } as never);
 * strictEqual(turn.result?.result, "hi");
 * ```
 */
export class TurnFacts {
  /** The turn's `result` event, once it has arrived. */
  result: ResultEvent | undefined;
  /** The last synthetic assistant error of the turn. */
  assistantError: AssistantErrorReport | undefined;
  /** The last Anthropic request id the turn's assistant messages named. */
  requestId: string | undefined;
  /** A user line said the request was interrupted (how 2.0.x marks an interrupt). */
  interrupted = false;

  /** Takes in one item of the turn. */
  observe(item: DecodedItem): void {
    switch (item.type) {
      case "assistant":
        this.requestId = stringOr(item.request_id, this.requestId);
        if (typeof item.error === "string") this.assistantError = errorReport(item);
        break;
      case "user":
        if (typeof item.message.content !== "string") {
          this.interrupted ||= item.message.content.some((block) =>
            block.type === "text" && block.text.startsWith("[Request interrupted by user")
          );
        }
        break;
      case "result":
        this.result = item;
        break;
    }
  }
}

/**
 * The facts of one CLI process, across all its turns.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { ProcessFacts } from "./facts.ts";
 *
 * const process = new ProcessFacts();
 * process.observe({ type: "system", subtype: "init", session_id: "s1", claude_code_version: "2.1.332" } as never);
 * strictEqual(process.cliVersion, "2.1.332");
 * ```
 */
export class ProcessFacts {
  /** The session id from `system/init` (or a `result`, for runs that fail before init). */
  sessionId: string | undefined;
  /** The CLI version from `system/init`. */
  cliVersion: string | undefined;
  /** The model from `system/init`. */
  model: string | undefined;
  /** The output ended mid-line: the process died while writing. */
  truncated = false;

  /** Takes in one item of the process's output. */
  observe(item: DecodedItem): void {
    if (item.type === "system" && item.subtype === "init") {
      this.sessionId = stringOr(item.session_id, this.sessionId);
      this.cliVersion = cliVersionOf(item) ?? this.cliVersion;
      this.model = stringOr(item.model, this.model);
    } else if (item.type === "result") {
      this.sessionId = stringOr(item.session_id, this.sessionId);
    } else if (item.type === "diagnostic" && item.kind === "truncated_line") {
      this.truncated = true;
    }
  }
}

function stringOr(value: unknown, fallback: string | undefined): string | undefined {
  return typeof value === "string" && value !== "" ? value : fallback;
}

function errorReport(item: AssistantEvent): AssistantErrorReport {
  const text = (item.message?.content ?? [])
    .map((block) => block.type === "text" ? block.text : "")
    .join("");
  const report: AssistantErrorReport = { error: String(item.error), text };
  if (typeof item.api_error_status === "number") report.status = item.api_error_status;
  if (typeof item.api_error_type === "string") report.type = item.api_error_type;
  if (typeof item.request_id === "string") report.requestId = item.request_id;
  return report;
}
