/**
 * Anthropic-style error responses: `{"type":"error","error":{type,message},"request_id"}`.
 *
 * @module
 */

/** Error type and message of an Anthropic error body. */
export interface ApiErrorDetail {
  /** Error type, e.g. `overloaded_error`. */
  type: string;
  /** Human-readable message. */
  message: string;
}

const DEFAULTS: Record<number, ApiErrorDetail> = {
  400: { type: "invalid_request_error", message: "Request was invalid." },
  401: { type: "authentication_error", message: "invalid x-api-key" },
  403: { type: "permission_error", message: "Your API key does not have permission to use this." },
  404: { type: "not_found_error", message: "Not found" },
  413: { type: "request_too_large", message: "Request exceeds the maximum allowed size." },
  429: { type: "rate_limit_error", message: "Rate limited" },
  500: { type: "api_error", message: "Internal server error" },
  529: { type: "overloaded_error", message: "Overloaded" },
};

/** The error type and message the real API uses for `status`. */
export function defaultApiError(status: number): ApiErrorDetail {
  return DEFAULTS[status] ??
    (status >= 500
      ? { type: "api_error", message: `Fake API error ${status}` }
      : { type: "invalid_request_error", message: `Fake API error ${status}` });
}

/** The HTTP status the API answers with for an error `type` (500 for a type it does not know). */
export function statusForErrorType(type: string): number {
  for (const [status, detail] of Object.entries(DEFAULTS)) {
    if (detail.type === type) return Number(status);
  }
  return 500;
}

/**
 * A raw-bodied error response, as a proxy in front of the API would send: `text/html` unless
 * `headers` names another content type.
 */
export function rawErrorResponse(options: {
  status: number;
  body: string;
  requestId: string;
  headers?: Record<string, string>;
}): Response {
  const headers = new Headers({ "content-type": "text/html; charset=utf-8" });
  for (const [name, value] of Object.entries(options.headers ?? {})) headers.set(name, value);
  headers.set("request-id", options.requestId);
  return new Response(options.body, { status: options.status, headers });
}

/** A JSON error response with the status, the body and any extra headers. */
export function apiErrorResponse(options: {
  status: number;
  error: ApiErrorDetail;
  requestId: string;
  headers?: Record<string, string>;
}): Response {
  const body = { type: "error", error: options.error, request_id: options.requestId };
  return new Response(JSON.stringify(body), {
    status: options.status,
    headers: {
      ...options.headers,
      "content-type": "application/json",
      "request-id": options.requestId,
    },
  });
}
