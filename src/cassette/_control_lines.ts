/** The request ids of the control protocol's lines, for the replay's bookkeeping. */
import type { CassetteRecord } from "./cassette.ts";

/** The `request_id` of a `control_request` line (host → CLI), else `undefined`. */
export function controlRequestId(line: string): string | undefined {
  if (!line.includes('"control_request"')) return undefined;
  const value = parse(line) as { type?: unknown; request_id?: unknown } | undefined;
  return value?.type === "control_request" && typeof value.request_id === "string"
    ? value.request_id
    : undefined;
}

/** The request a `control_response` line answers, else `undefined`. */
export function controlResponseId(line: string): string | undefined {
  if (!line.includes('"control_response"')) return undefined;
  return answerIdOf(parse(line));
}

/** Whether a recorded stdout line is a request of the CLI's own (a `control_request`). */
export function isCliRequest(record: CassetteRecord): boolean {
  if ("stdout" in record) return record.stdout.type === "control_request";
  return "stdout_raw" in record && controlRequestId(record.stdout_raw) !== undefined;
}

/** The request a recorded stdout line answers (a `control_response`), else `undefined`. */
export function answeredId(record: CassetteRecord): string | undefined {
  if ("stdout" in record) return answerIdOf(record.stdout);
  return "stdout_raw" in record ? controlResponseId(record.stdout_raw) : undefined;
}

function answerIdOf(value: unknown): string | undefined {
  const { type, response } = (value ?? {}) as {
    type?: unknown;
    response?: { request_id?: unknown };
  };
  const id = type === "control_response" ? response?.request_id : undefined;
  return typeof id === "string" ? id : undefined;
}

function parse(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}
