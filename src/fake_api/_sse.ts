/**
 * Server-sent events framing, as the Anthropic Messages API streams it.
 *
 * @module
 */

/** One SSE event: its name and a JSON payload. */
export interface SseEvent {
  /** Event name, e.g. `message_start`. */
  event: string;
  /** Payload, serialised as one line of JSON. */
  data: unknown;
}

/**
 * Frames one event as `event: <name>\ndata: <json>\n\n`.
 *
 * `JSON.stringify` escapes CR and LF inside strings, so the payload always fits one `data:` line.
 */
export function encodeSseEvent({ event, data }: SseEvent): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}
