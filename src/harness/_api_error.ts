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
