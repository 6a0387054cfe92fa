import {
  type AssistantEvent,
  type DecodedItem,
  isContentBlock,
  isSystemEvent,
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

/** The facts of a run that matter for reporting and classifying it, gathered event by event. */
export class RunFacts {
  sessionId: string | undefined;
  cliVersion: string | undefined;
  model: string | undefined;
  result: ResultEvent | undefined;
  assistantError: AssistantErrorReport | undefined;
  requestId: string | undefined;
  truncated = false;
  /** A user line said the request was interrupted (how 2.0.x marks an interrupt). */
  interrupted = false;

  observe(item: DecodedItem): void {
    switch (item.type) {
      case "system":
        if (isSystemEvent(item, "init")) {
          this.sessionId = stringOr(item.session_id, this.sessionId);
          this.cliVersion = stringOr(item.claude_code_version, this.cliVersion);
          this.model = stringOr(item.model, this.model);
        }
        break;
      case "assistant":
        this.requestId = stringOr(item.request_id, this.requestId);
        if (typeof item.error === "string") this.assistantError = errorReport(item);
        break;
      case "user":
        if (typeof item.message.content !== "string") {
          this.interrupted ||= item.message.content.some((block) =>
            isContentBlock(block, "text") && block.text.startsWith("[Request interrupted by user")
          );
        }
        break;
      case "result":
        this.result = item;
        this.sessionId = stringOr(item.session_id, this.sessionId);
        break;
      case "diagnostic":
        if (item.kind === "truncated_line") this.truncated = true;
        break;
    }
  }
}

function stringOr(value: unknown, fallback: string | undefined): string | undefined {
  return typeof value === "string" && value !== "" ? value : fallback;
}

function errorReport(item: AssistantEvent): AssistantErrorReport {
  const text = (item.message?.content ?? [])
    .map((block) => isContentBlock(block, "text") ? block.text : "")
    .join("");
  const report: AssistantErrorReport = { error: String(item.error), text };
  if (typeof item.api_error_status === "number") report.status = item.api_error_status;
  if (typeof item.api_error_type === "string") report.type = item.api_error_type;
  if (typeof item.request_id === "string") report.requestId = item.request_id;
  return report;
}
