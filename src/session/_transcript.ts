/**
 * Reading a transcript, line by line so that memory never grows with the file: its lines, its JSON
 * records, the conversation chain that leads to the last message (in the SDK's message shape),
 * pages of it, and the side folder beside it.
 *
 * @module
 */
import { invalidValue } from "../errors/claw_error.ts";
import {
  checkMaxLineBytes as checkSplitterLimit,
  LineSplitter,
} from "../protocol/line_splitter.ts";
import { DEFAULT_MAX_LINE_BYTES } from "../protocol/line_stream.ts";
import type { StoredMessage } from "./stored_messages.ts";

/** The record types that make up a conversation: `progress` records only link it. */
const CHAIN_TYPES = new Set(["user", "assistant", "attachment", "system", "progress"]);

/** How {@linkcode conversation} reads a transcript. */
export interface ConversationOptions {
  /** The session id for records that do not say. */
  sessionId: string;
  /** Keep `system` records. */
  includeSystem: boolean;
  /** A subagent's transcript, whose records are all sidechain records. */
  sidechain: boolean;
  /** What `parent_tool_use_id` says. */
  parentToolUseId: string | null;
  /** What `parent_agent_id` says. */
  parentAgentId: string | null;
}

/**
 * The conversation that leads to the last record of it in `records` (the one written last is on
 * the branch the session goes on with), oldest first: its `parentUuid` chain (a compaction
 * boundary's `logicalParentUuid` links across it), without the CLI's meta messages, attachments
 * and (unless `includeSystem`) system records.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { conversation } from "./_transcript.ts";
 *
 * // Synthetic records: a prompt, an answer that was rewound, and the answer kept.
 * const records = [
 *   { type: "user", uuid: "u1", parentUuid: null, message: { role: "user", content: "Hi" } },
 *   { type: "assistant", uuid: "a1", parentUuid: "u1", message: { role: "assistant", content: [] } },
 *   { type: "assistant", uuid: "a2", parentUuid: "u1", message: { role: "assistant", content: [] } },
 * ];
 * const options = {
 *   sessionId: "s1",
 *   includeSystem: false,
 *   sidechain: false,
 *   parentToolUseId: null,
 *   parentAgentId: null,
 * };
 * deepStrictEqual(conversation(records, options).map((m) => m.uuid), ["u1", "a2"]);
 * ```
 */
export function conversation(
  records: readonly Record<string, unknown>[],
  options: ConversationOptions,
): StoredMessage[] {
  const entries = records.filter((record) =>
    typeof record.uuid === "string" && CHAIN_TYPES.has(String(record.type)) &&
    (options.sidechain || record.isSidechain !== true)
  );
  const byUuid = new Map<unknown, Record<string, unknown>>();
  for (const entry of entries) if (!byUuid.has(entry.uuid)) byUuid.set(entry.uuid, entry);
  const leaf = entries.at(-1);
  const chain: Record<string, unknown>[] = [];
  const seen = new Set<unknown>();
  for (let entry = leaf; entry !== undefined && !seen.has(entry.uuid);) {
    seen.add(entry.uuid);
    chain.push(entry);
    entry = byUuid.get(entry.parentUuid ?? entry.logicalParentUuid);
  }
  return chain.reverse()
    .filter((entry) =>
      (entry.type === "user" || entry.type === "assistant" ||
        (entry.type === "system" && options.includeSystem)) && entry.isMeta !== true
    )
    .map((entry) => ({
      type: entry.type as StoredMessage["type"],
      uuid: entry.uuid as string,
      session_id: typeof entry.sessionId === "string" ? entry.sessionId : options.sessionId,
      message: entry.message,
      parent_tool_use_id: options.parentToolUseId,
      parent_agent_id: options.parentAgentId,
      timestamp: typeof entry.timestamp === "string" ? entry.timestamp : null,
    }));
}

/** The fields of a record that {@linkcode conversation} follows, without printing it. */
const LINK_FIELDS = ["type", "uuid", "parentUuid", "logicalParentUuid", "isSidechain", "isMeta"];

/**
 * The records of the transcript at `path` that {@linkcode conversation} reads, read line by line:
 * records of no conversation are left out, and those it only follows (attachments, `progress`,
 * meta messages, and `system` records unless `includeSystem`) are cut down to their links, so
 * memory holds little more than the messages it returns.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { chainRecords } from "./_transcript.ts";
 *
 * const path = await Deno.makeTempFile();
 * const records = [
 *   { type: "user", uuid: "u1", parentUuid: null, message: { role: "user", content: "Hi" } },
 *   { type: "attachment", uuid: "t1", parentUuid: "u1", attachment: { type: "date" } },
 *   { type: "api-request", id: "r1" },
 * ];
 * await Deno.writeTextFile(path, records.map((r) => JSON.stringify(r) + "\n").join(""));
 * const read = await chainRecords(path, { includeSystem: false, sidechain: false });
 * deepStrictEqual(read, [records[0], { type: "attachment", uuid: "t1", parentUuid: "u1" }]);
 * await Deno.remove(path);
 * ```
 */
export async function chainRecords(
  path: string,
  options: Pick<ConversationOptions, "includeSystem" | "sidechain"> & TranscriptReading,
): Promise<Record<string, unknown>[]> {
  const kept: Record<string, unknown>[] = [];
  for await (const record of transcriptRecords(path, options)) {
    if (
      typeof record.uuid !== "string" || !CHAIN_TYPES.has(String(record.type)) ||
      (!options.sidechain && record.isSidechain === true)
    ) continue;
    const shown = (record.type === "user" || record.type === "assistant" ||
      (record.type === "system" && options.includeSystem)) && record.isMeta !== true;
    kept.push(
      shown ? record : Object.fromEntries(
        LINK_FIELDS.flatMap((field) => field in record ? [[field, record[field]]] : []),
      ),
    );
  }
  return kept;
}

/** How a transcript is read. */
export interface TranscriptReading {
  /**
   * The longest line read, in bytes: a longer one is skipped, and `onTooLong` hears of it, so
   * memory stays near this size. Default {@linkcode DEFAULT_MAX_LINE_BYTES} (256 MiB); `Infinity`
   * for no limit (a line over about 512 MiB still cannot become a string, and is skipped).
   */
  maxLineBytes?: number | undefined;
  /**
   * Told of each line skipped as too long: its 1-based number and its length in bytes. The line
   * is never a failure, unless this throws.
   */
  onTooLong?: ((lineNumber: number, bytes: number) => void) | undefined;
  /**
   * Read no further than this many bytes: what an earlier pass over a file that is still growing
   * saw of it. The whole file by default.
   */
  bytes?: number | undefined;
}

/** How many bytes each read of a transcript takes. */
const READ_BYTES = 64 * 1024;

/**
 * The lines of the transcript at `path`, read as they are needed (a `for await` that stops early
 * closes the file): blank lines left out, and a line over `maxLineBytes` skipped and told to
 * `onTooLong`. Memory stays near the longest line read, whatever the file's size. Rejects with
 * Deno's error when the file cannot be read.
 *
 * @example Read a transcript whose second line is over the limit
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { transcriptLines } from "./_transcript.ts";
 *
 * const path = await Deno.makeTempFile();
 * await Deno.writeTextFile(path, `{"type":"user"}\n{"text":"${"x".repeat(100)}"}\n\n{"type":"tag"}\n`);
 * const skipped: number[][] = [];
 * const lines = transcriptLines(path, {
 *   maxLineBytes: 50,
 *   onTooLong: (lineNumber, bytes) => skipped.push([lineNumber, bytes]),
 * });
 * deepStrictEqual(await Array.fromAsync(lines), ['{"type":"user"}', '{"type":"tag"}']);
 * deepStrictEqual(skipped, [[2, 111]]);
 * await Deno.remove(path);
 * ```
 */
export async function* transcriptLines(
  path: string,
  reading: TranscriptReading = {},
): AsyncGenerator<string> {
  const { onTooLong } = reading;
  const lines: string[] = [];
  // LineStream's splitter, fed here without a stream: the same lines, the same limit.
  const splitter = new LineSplitter((line) => {
    if (line.tooLongBytes === undefined) lines.push(line.text);
    else onTooLong?.(line.lineNumber, line.tooLongBytes);
  }, checkSplitterLimit(reading.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES));
  using file = await Deno.open(path, { read: true });
  // One buffer for every read: the splitter copies what it keeps of a chunk. The reads are
  // synchronous: each takes a few microseconds from the page cache, where an asynchronous read's
  // trip through Deno's thread pool made a listing half as slow again (measured).
  const buffer = new Uint8Array(READ_BYTES);
  for (let left = reading.bytes ?? Infinity; left > 0;) {
    const read = file.readSync(left < buffer.length ? buffer.subarray(0, left) : buffer);
    if (read === null) break;
    left -= read;
    splitter.push(buffer.subarray(0, read));
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      lines[i] = "";
      yield line;
    }
    lines.length = 0;
  }
  splitter.end();
  for (const line of lines) yield line;
}

/**
 * The JSON records of the transcript at `path`, read line by line as {@linkcode transcriptLines}
 * reads them; a line that is not a JSON object (cut short by a CLI killed mid-write) is skipped.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { transcriptRecords } from "./_transcript.ts";
 *
 * const path = await Deno.makeTempFile();
 * await Deno.writeTextFile(path, '{"type":"user"}\n\n{"type":"ass');
 * deepStrictEqual(await Array.fromAsync(transcriptRecords(path)), [{ type: "user" }]);
 * await Deno.remove(path);
 * ```
 */
export async function* transcriptRecords(
  path: string,
  reading: TranscriptReading = {},
): AsyncGenerator<Record<string, unknown>> {
  for await (const line of transcriptLines(path, reading)) {
    const record = parseRecord(line);
    if (record) yield record;
  }
}

/**
 * `line` as a JSON object; `undefined` when it is blank, not JSON (a line cut short by a CLI that
 * was killed mid-write) or not an object.
 *
 * @example
 * ```ts
 * import { deepStrictEqual, strictEqual } from "node:assert";
 * import { parseRecord } from "./_transcript.ts";
 *
 * deepStrictEqual(parseRecord('{"type":"tag","tag":"red"}'), { type: "tag", tag: "red" });
 * strictEqual(parseRecord('{"type":"ass'), undefined);
 * strictEqual(parseRecord("[1]"), undefined);
 * ```
 */
export function parseRecord(line: string): Record<string, unknown> | undefined {
  if (line.trim() === "") return undefined;
  try {
    const value = JSON.parse(line);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A message's content as blocks: a string is one text block; of an array, the objects with a
 * string `type`.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { contentBlocks } from "./_transcript.ts";
 *
 * deepStrictEqual(contentBlocks("Hi"), [{ type: "text", text: "Hi" }]);
 * deepStrictEqual(contentBlocks([{ type: "image" }, "x", { text: "no type" }]), [{ type: "image" }]);
 * ```
 */
export function contentBlocks(content: unknown): (Record<string, unknown> & { type: string })[] {
  if (typeof content === "string") return [{ type: "text", text: content }];
  if (!Array.isArray(content)) return [];
  return content.filter((block): block is Record<string, unknown> & { type: string } =>
    typeof block === "object" && block !== null && typeof block.type === "string"
  );
}

/** What a caller of the store says about reading: the longest line, and who hears of a skip. */
export interface ReadingOptions {
  /** See {@linkcode TranscriptReading.maxLineBytes}. */
  maxLineBytes?: number;
  /** Told of each line skipped as too long, as a sentence. */
  onWarning?: (message: string) => void;
}

/**
 * How to read the transcript at `path` for a caller's `options`: their `maxLineBytes`, checked,
 * and each line skipped as too long told to their `onWarning`.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { readingFor } from "./_transcript.ts";
 *
 * const warnings: string[] = [];
 * const reading = readingFor("/s.jsonl", { maxLineBytes: 50, onWarning: (w) => warnings.push(w) });
 * reading.onTooLong?.(2, 111);
 * deepStrictEqual(warnings, [
 *   'Skipped line 2 of "/s.jsonl": it is 111 bytes long, over the line limit of 50 bytes; raise the limit to read it',
 * ]);
 * ```
 */
export function readingFor(path: string, options: ReadingOptions): TranscriptReading {
  const limit = checkMaxLineBytes(options.maxLineBytes);
  const why = limit === Infinity
    ? "too long for a string"
    : `over the line limit of ${limit} bytes; raise the limit to read it`;
  return {
    maxLineBytes: limit,
    onTooLong: (line, bytes) =>
      options.onWarning?.(`Skipped line ${line} of "${path}": it is ${bytes} bytes long, ${why}`),
  };
}

/**
 * A caller's `maxLineBytes`, or the default when it has none: a `ClawError` of kind `usage`
 * unless a positive whole number or `Infinity`.
 *
 * @example
 * ```ts
 * import { strictEqual, throws } from "node:assert";
 * import { checkMaxLineBytes } from "./_transcript.ts";
 *
 * strictEqual(checkMaxLineBytes(undefined), 256 * 1024 * 1024);
 * throws(() => checkMaxLineBytes(0), /Invalid maxLineBytes "0"/);
 * ```
 */
export function checkMaxLineBytes(maxLineBytes: number | undefined): number {
  if (maxLineBytes === undefined) return DEFAULT_MAX_LINE_BYTES;
  const whole = maxLineBytes === Infinity || Number.isSafeInteger(maxLineBytes);
  if (!(whole && maxLineBytes > 0)) {
    throw invalidValue(
      "maxLineBytes",
      maxLineBytes,
      "a positive whole number of bytes, or Infinity",
    );
  }
  return maxLineBytes;
}

/** A page of messages: where it starts, and how many at most. */
export interface Page {
  offset: number;
  limit: number | undefined;
}

/**
 * `options`' `offset` and `limit`, checked: whole numbers of at least 0, else a `ClawError` of
 * kind `usage`.
 *
 * @example
 * ```ts
 * import { deepStrictEqual, throws } from "node:assert";
 * import { checkPage } from "./_transcript.ts";
 *
 * deepStrictEqual(checkPage({ limit: 2 }), { offset: 0, limit: 2 });
 * throws(() => checkPage({ offset: -1 }), /Invalid offset "-1"/);
 * ```
 */
export function checkPage(options: { offset?: number; limit?: number }): Page {
  const { offset = 0, limit } = options;
  if (!Number.isInteger(offset) || offset < 0) {
    throw invalidValue("offset", offset, "a whole number of at least 0");
  }
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) {
    throw invalidValue("limit", limit, "a whole number of at least 0");
  }
  return { offset, limit };
}

/**
 * The page of `messages`; a `limit` of 0 means no limit, as in the SDK.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { paginate } from "./_transcript.ts";
 *
 * deepStrictEqual(paginate([1, 2, 3, 4], { offset: 1, limit: 2 }), [2, 3]);
 * deepStrictEqual(paginate([1, 2, 3, 4], { offset: 1, limit: 0 }), [2, 3, 4]);
 * ```
 */
export function paginate<T>(messages: T[], page: Page): T[] {
  const end = page.limit === undefined || page.limit === 0 ? undefined : page.offset + page.limit;
  return messages.slice(page.offset, end);
}

/**
 * The side folder of the transcript at `path`: `<session id>/` beside it.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { sideFolder } from "./_transcript.ts";
 *
 * strictEqual(sideFolder("/home/me/.claude/projects/-work/5c0e.jsonl"), "/home/me/.claude/projects/-work/5c0e");
 * ```
 */
export function sideFolder(path: string): string {
  return path.slice(0, -".jsonl".length);
}

/**
 * A title as the store writes it: control and format characters (a line break, an escape
 * sequence) become spaces, and the ends are trimmed.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { cleanTitle } from "./_transcript.ts";
 *
 * strictEqual(cleanTitle("  Fix\nthe \x1b[31mbug "), "Fix the  [31mbug");
 * ```
 */
export function cleanTitle(title: string): string {
  return title.replace(/[\p{Cc}\p{Cf}\u2028\u2029]+/gu, " ").trim();
}
