/**
 * Which recorded stdin line a line the host writes now matches, when the host writes some lines
 * concurrently and their order on the pipe is a race.
 *
 * An Agent SDK answers the CLI's requests (`can_use_tool`, `hook_callback`, `mcp_message`) from
 * tasks of their own, while its prompts go out from another: the Python SDK's answer to an
 * `mcp_message` and its first prompt reach the CLI in either order, and the CLI takes either. A
 * replay that wanted the recorded order would miss one run in ten. So, where the replay waits for
 * stdin:
 *
 * - **An answer to one of the CLI's requests** (a `control_response` line) matches the recorded
 *   answer to the same request id, wherever that is among the recorded stdin lines still pending:
 *   the CLI routes an answer by its id, and the host can only answer a request the replay has
 *   already printed. Its content must still be the recorded one (a permission callback that
 *   answers otherwise is a miss naming the field).
 * - **Any other line** matches a pending recorded stdin line written concurrently with the one the
 *   replay waits for: from that one on, past other stdin lines, stderr and the CLI's own requests
 *   (a host answers those, by id, but waits for nothing in them), up to the first stdout line the
 *   host may have waited for before writing what follows it (any other stdout: an answer to its
 *   own request, a `result`, …), the end of stdin or a signal. The first that matches in recorded
 *   order is taken, so identical lines pair in order.
 *
 * Nothing else moves: the end of stdin and a signal come where they were recorded, and a line
 * that matches nothing is a miss, named against the pending line most like it (the same `type`
 * when there is one). The replay's output is unchanged by this: each output line is still played
 * in its recorded place, once every input recorded before it is in.
 */
import type { CassetteRecord } from "./cassette.ts";
import type { ClientIds } from "./_client_ids.ts";
import { controlResponseId, isCliRequest } from "./_control_lines.ts";

/** Where a replay is in one recording's inputs. */
export interface InputCursor {
  /** The recording. */
  readonly records: readonly CassetteRecord[];
  /** The next record to play. */
  next: number;
  /** Stdin records already matched by a line that came before their turn: passed over in play. */
  readonly ahead: Set<number>;
  /** The run's pairing of client ids. */
  readonly ids: ClientIds;
  /**
   * The recorded stdin lines (by record index) a header rule matches instead of equality (see
   * `stdinChecks` in `matchers.ts`): each says why it refuses a live line, else `undefined`.
   */
  readonly checks?: ReadonlyMap<number, (live: string) => string | undefined>;
}

/**
 * Why the recorded stdin line at `at` does not take the host's line `live` (redacted), or
 * `undefined` when it does (pairing their client ids): its header rule when it has one, else
 * equality with the client's per-run ids set aside.
 */
export function stdinDifference(cursor: InputCursor, at: number, live: string): string | undefined {
  const check = cursor.checks?.get(at);
  if (check) return check(live);
  return cursor.ids.match((cursor.records[at] as { stdin: string }).stdin, live);
}

/** Whether a record is something the host did (a stdin line, closing stdin, a signal). */
export function isInput(record: CassetteRecord): boolean {
  return "stdin" in record || "stdin_eof" in record || "kill" in record;
}

/** The first input record from `next` on not matched yet, or `undefined` when none is left. */
export function firstPending(cursor: InputCursor): number | undefined {
  for (let i = cursor.next; i < cursor.records.length; i++) {
    if (isInput(cursor.records[i]!) && !cursor.ahead.has(i)) return i;
  }
  return undefined;
}

/**
 * Matches the host's stdin line `live` (redacted) against the pending recorded stdin lines (see
 * the module doc): `{ at }`, the record it matched (its client ids are then paired), or
 * `{ nearest }`, the pending record to name in the miss (`undefined` when the recording has no
 * input left).
 */
export function matchStdin(
  cursor: InputCursor,
  live: string,
): { at: number } | { nearest: number | undefined } {
  const start = firstPending(cursor);
  if (start === undefined) return { nearest: undefined };
  const { records } = cursor;
  const answers = controlResponseId(live);
  if (answers !== undefined) {
    for (let i = start; i < records.length; i++) {
      const record = records[i]!;
      if (!("stdin" in record) || cursor.ahead.has(i)) continue;
      if (controlResponseId(record.stdin) !== answers) continue;
      return stdinDifference(cursor, i, live) === undefined ? { at: i } : { nearest: i };
    }
  }
  const concurrent = concurrentLines(cursor, start);
  for (const i of concurrent) {
    if (stdinDifference(cursor, i, live) === undefined) return { at: i };
  }
  const type = typeOf(live);
  const alike = concurrent.find((i) => typeOf((records[i] as { stdin: string }).stdin) === type);
  return { nearest: type === undefined ? start : alike ?? start };
}

/**
 * Takes record `at` as matched: the replay moves past it when it is the first pending input, else
 * it is passed over when the replay reaches it.
 */
export function take(cursor: InputCursor, at: number): void {
  if (at === firstPending(cursor)) cursor.next = at + 1;
  else cursor.ahead.add(at);
}

/** The pending stdin records written concurrently with the one at `start` (see the module doc). */
function concurrentLines(cursor: InputCursor, start: number): number[] {
  const found: number[] = [];
  for (let i = start; i < cursor.records.length; i++) {
    const record = cursor.records[i]!;
    if ("stdin" in record) {
      if (!cursor.ahead.has(i)) found.push(i);
    } else if (!("stderr" in record) && !isCliRequest(record)) {
      break;
    }
  }
  return found;
}

/** The `type` of a JSON line, else `undefined`. */
function typeOf(line: string): unknown {
  if (!line.startsWith("{")) return undefined;
  try {
    return (JSON.parse(line) as { type?: unknown }).type;
  } catch {
    return undefined;
  }
}
