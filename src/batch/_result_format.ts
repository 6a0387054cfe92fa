// The JSONL format of batch results: one line per result, written and read back.

import { BatchInputError } from "./batch_input_error.ts";
import { _cannotRead, _openLines, _unreadable } from "./_lines.ts";
import { _show } from "./_show.ts";
import type { BatchResult, BatchUsage, JobStatus } from "./result.ts";

const STATUSES: readonly string[] = ["ok", "failed", "skipped", "aborted"] satisfies JobStatus[];
const USAGE_KEYS = [
  "input_tokens",
  "output_tokens",
  "cache_creation_input_tokens",
  "cache_read_input_tokens",
] as const satisfies readonly (keyof BatchUsage)[];

/** `result` as one JSON line with its `\n`: every key present, always in the same order. */
export function _resultLine(result: BatchResult): string {
  return `${JSON.stringify(complete(result))}\n`;
}

/** `result` with every key, in order: a missing one takes its empty value (`null`, 0). */
function complete(result: BatchResult): BatchResult {
  return {
    id: result.id,
    status: result.status,
    error_kind: result.error_kind ?? null,
    error_hint: result.error_hint ?? null,
    error_message: result.error_message ?? null,
    result: result.result ?? null,
    structured_output: result.structured_output ?? null,
    session_id: result.session_id ?? null,
    cost_usd: result.cost_usd ?? 0,
    usage: {
      input_tokens: result.usage?.input_tokens ?? 0,
      output_tokens: result.usage?.output_tokens ?? 0,
      cache_creation_input_tokens: result.usage?.cache_creation_input_tokens ?? 0,
      cache_read_input_tokens: result.usage?.cache_read_input_tokens ?? 0,
    },
    turns: result.turns ?? 0,
    duration_ms: result.duration_ms ?? 0,
    attempts: result.attempts ?? 0,
    line: result.line ?? 0,
  };
}

/** A result read from a file, with the line it came from. */
export interface _ResultLine {
  result: BatchResult;
  line: number;
}

/**
 * Streams the results of the JSONL file at `path`, in file order; a missing file has none. A
 * last line cut short by a crash mid-write (no newline, not valid, but the start of a line the
 * writer writes) is skipped. Throws a
 * {@linkcode BatchInputError} naming the line of any other malformed line.
 */
export async function* _resultLines(path: string): AsyncGenerator<_ResultLine> {
  let lines;
  try {
    lines = await _openLines(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return;
    throw new BatchInputError(_cannotRead("results file", path, error), {
      path,
      hint: "Pass the path of a results file (JSONL), or of one that does not exist yet",
      cause: error,
    });
  }
  for await (const line of lines) {
    const problem = _unreadable(line);
    const parsed = problem ?? _parseResult(line.text);
    if (typeof parsed !== "string") {
      yield { result: parsed, line: line.lineNumber };
      continue;
    }
    // The writer's last write, cut short by a crash: that job simply runs again.
    if (!line.terminated && _isCutShort(line.text)) return;
    throw new BatchInputError(`${path}:${line.lineNumber}: ${parsed}`, {
      path,
      line: line.lineNumber,
      hint:
        "Fix or delete that line of the results file (its job then runs again with --resume), then rerun",
    });
  }
}

/**
 * Whether `text`, a last line without its newline, can be the start of a line the writer wrote
 * (they all start with `{"id":`) rather than something else that is not a result.
 */
export function _isCutShort(text: string): boolean {
  return text.startsWith(LINE_START) || LINE_START.startsWith(text);
}

const LINE_START = '{"id":';

/** The result in `text`, or what is wrong with it. Missing keys take their empty values. */
export function _parseResult(text: string): BatchResult | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return `not valid JSON (${
      (error as Error).message
    }): a results file has one JSON object per line`;
  }
  if (!isRecord(value)) return "not a JSON object: a results file has one JSON object per line";
  const { id, status } = value;
  if (id === undefined) return "missing id: every result names its job";
  if (typeof id !== "string" || id === "") {
    return `invalid id ${_show(id)}: it must be a non-empty string`;
  }
  if (status === undefined) return `missing status: it must be one of ${STATUSES.join(", ")}`;
  if (typeof status !== "string" || !STATUSES.includes(status)) {
    return `invalid status ${_show(status)}: it must be one of ${STATUSES.join(", ")}`;
  }
  for (const key of ["error_kind", "error_hint", "error_message", "result", "session_id"]) {
    const field = value[key];
    if (field !== undefined && field !== null && typeof field !== "string") {
      return `invalid ${key} ${_show(field)}: it must be a string or null`;
    }
  }
  for (const key of ["cost_usd", "turns", "duration_ms", "attempts", "line"]) {
    const field = value[key];
    if (field !== undefined && typeof field !== "number") {
      return `invalid ${key} ${_show(field)}: it must be a number`;
    }
  }
  const usage = value.usage ?? {};
  if (
    !isRecord(usage) ||
    USAGE_KEYS.some((key) => !["number", "undefined"].includes(typeof usage[key]))
  ) {
    return `invalid usage ${_show(usage)}: it must be an object of token counts`;
  }
  return complete(value as unknown as BatchResult);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
