/**
 * MCP elicitations: an MCP server the CLI runs asks the user for input (a form, or a URL to open),
 * the CLI hands the question to the host with an `elicitation` control request, and the host's
 * `onElicitation` answers it.
 *
 * @module
 */

/** What an MCP server asks the user, as the session's `onElicitation` gets it. */
export interface ElicitationRequest {
  /** The MCP server that asks. */
  serverName: string;
  /** What it asks, for the user. */
  message: string;
  /** `form`: fill in `requestedSchema`; `url`: open `url` (for a login, say). */
  mode?: "form" | "url";
  /** The URL to open, in `url` mode. */
  url?: string;
  /** The id that ties a `url` elicitation to its completion notice. */
  elicitationId?: string;
  /** The JSON Schema of the answer, in `form` mode. */
  requestedSchema?: Record<string, unknown>;
  /** A title for the question, when the server gives one. */
  title?: string;
}

/** The user's answer: `accept` with the form's `content`, or `decline`, or `cancel`. */
export interface ElicitationResult {
  /** What the user did. */
  action: "accept" | "decline" | "cancel";
  /** The answer, for `accept` in `form` mode. */
  content?: Record<string, unknown>;
}

/**
 * Answers an MCP server's question. Its `signal` aborts when the CLI withdraws the question. A
 * callback that throws declines.
 */
export type OnElicitation = (
  request: ElicitationRequest,
  context: { signal: AbortSignal },
) => ElicitationResult | Promise<ElicitationResult>;

/**
 * The typed request of the CLI's `elicitation` control request.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { elicitationRequest } from "./elicitation.ts";
 *
 * deepStrictEqual(
 *   elicitationRequest({ subtype: "elicitation", mcp_server_name: "echo", message: "Name?", mode: "form" }),
 *   { serverName: "echo", message: "Name?", mode: "form" },
 * );
 * ```
 */
export function elicitationRequest(request: Record<string, unknown>): ElicitationRequest {
  const text = (field: string) => typeof request[field] === "string" ? request[field] : undefined;
  const mode = text("mode");
  const url = text("url");
  const id = text("elicitation_id");
  const title = text("title");
  const schema = request.requested_schema;
  return {
    serverName: String(request.mcp_server_name),
    message: String(request.message ?? ""),
    ...(mode === "form" || mode === "url" ? { mode } : {}),
    ...(url === undefined ? {} : { url }),
    ...(id === undefined ? {} : { elicitationId: id }),
    ...(typeof schema === "object" && schema !== null
      ? { requestedSchema: schema as Record<string, unknown> }
      : {}),
    ...(title === undefined ? {} : { title }),
  };
}
