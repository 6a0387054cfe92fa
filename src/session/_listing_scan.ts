/**
 * What a listing says about a transcript, read at about the speed of the disk: the file is read
 * in 1 MiB chunks and split into lines on bytes (WebAssembly's 16-byte compares find the line
 * ends), and each line is told apart by its first bytes (or, where its record's `type` comes after
 * a nested value, by its last ones) without being decoded. Only the lines that may be prompts are
 * decoded and parsed as they are read; of the `custom-title`, `tag` and `cost-state` records only
 * the last of each kind is parsed, and the last activity is read from the file's last lines at the
 * end. A line that spans chunks is held only while its start does not settle it, so memory stays
 * near the longest line that has to be parsed.
 *
 * The rules are {@linkcode transcriptLines}' and {@linkcode parseRecord}'s: the same lines, the
 * same line numbers, a line over `maxLineBytes` skipped and told to `onTooLong`, and the same
 * answers as parsing every line would give, for records as the CLI writes them with
 * `JSON.stringify` (no key twice in one object). A line whose first and last bytes do not settle
 * what it is, is parsed.
 *
 * @module
 */
import {
  contentBlocks,
  parseRecord,
  transcriptLines,
  type TranscriptReading,
} from "./_transcript.ts";
import { DEFAULT_MAX_LINE_BYTES } from "../protocol/line_stream.ts";

/** What {@linkcode scanListing} reads of a transcript. */
export interface ListingFacts {
  /** The `cwd` of the first record that has one. */
  cwd: string | null;
  /** The prompts: `user` records, not sidechain nor meta, with no `tool_result` block. */
  turns: number;
  /** The text of the first prompt. */
  firstPrompt: string | null;
  /** The `timestamp` of the last prompt that has one. */
  lastPromptAt: string | undefined;
  /** The `timestamp` of the last record that has one of its own. */
  lastActivity: string | null;
  /** The `customTitle` of the last `custom-title` record with one, as written. */
  title: string | undefined;
  /** The `tag` of the last `tag` record with one, as written. */
  tag: string | undefined;
  /** The `totalCostUSD` of the last `cost-state` record with one. */
  costUsd: number | undefined;
  /** The bytes read: the file's size when it was opened, unless `reading.bytes` said fewer. */
  size: number;
}

/**
 * What the bytes of one line tell a listing:
 *
 * - `skip`: it cannot be a prompt, a title, a tag or a cost (it may still hold a `cwd` or a
 *   `timestamp`);
 * - `parse`: it may be a prompt, or its bytes do not settle what it is;
 * - `custom-title`, `tag`, `cost-state`: a record of that `type`;
 * - `more` (only for the start of a line): more of its bytes may settle it;
 * - `tail` (only for the start of a line): its `type` comes after a nested value, so only its end
 *   can settle it.
 */
export type LineVerdict =
  | "skip"
  | "parse"
  | "custom-title"
  | "tag"
  | "cost-state"
  | "more"
  | "tail";

/** How {@linkcode scanListing} reads. */
export interface ListingReading extends TranscriptReading {
  /** Bytes per read, at most {@linkcode CHUNK_BYTES}: smaller only in tests. */
  readBytes?: number;
}

/** Bytes per read of a transcript. */
export const CHUNK_BYTES = 1024 * 1024;
/** How many of the last lines are kept track of, for the last activity. */
const TAIL_LINES = 64;
/** V8's longest string, as `_line_splitter.ts` has it: a longer line cannot be decoded. */
const MAX_STRING_LENGTH = 2 ** 29 - 24;
/** The most bytes a line may have with no limit, as `_line_splitter.ts` has it. */
const MAX_LINE_BUFFER = 3 * MAX_STRING_LENGTH + 1;
/** After a longer line, the buffer of a pending line shrinks back to this size. */
const KEPT_LINE_BYTES = 1024 * 1024;

const LF = 10;
const CR = 13;
const QUOTE = 34;
const COMMA = 44;
const COLON = 58;
const BACKSLASH = 92;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;

const ascii = (text: string) => new TextEncoder().encode(text);
const TYPE = ascii("type");
const IS_SIDECHAIN = ascii("isSidechain");
const IS_META = ascii("isMeta");
const MESSAGE = ascii("message");
const CONTENT = ascii("content");
const TOOL_RESULT = ascii("tool_result");
const TRUE = ascii("true");
const CWD_KEY = ascii('"cwd"');
const TIMESTAMP_KEY = ascii('"timestamp"');
/** The `type`s whose records a listing reads. */
const TYPES: [Uint8Array, "user" | "custom-title" | "tag" | "cost-state"][] = [
  [ascii("user"), "user"],
  [ascii("custom-title"), "custom-title"],
  [ascii("tag"), "tag"],
  [ascii("cost-state"), "cost-state"],
];

/**
 * What the line `bytes[start, end)` tells a listing (see {@linkcode LineVerdict}); `whole` when
 * it is the whole line, else its start, of which more may come. Its record is told by the `type`
 * at the top level of its object, read from the front, or from the back when a nested value comes
 * before it (an assistant's `message`, an `attachment`). A `user` record is `skip` only when it
 * says `"isSidechain":true` or `"isMeta":true` before its `message`, or the first block of its
 * content is a `tool_result`.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { lineVerdict } from "./_listing_scan.ts";
 *
 * const bytes = (line: string) => new TextEncoder().encode(line);
 * const prompt = bytes('{"type":"user","message":{"role":"user","content":"Hi"}}');
 * strictEqual(lineVerdict(prompt), "parse");
 * const result = bytes('{"type":"user","message":{"content":[{"type":"tool_result"}]}}');
 * strictEqual(lineVerdict(result), "skip");
 * strictEqual(lineVerdict(bytes('{"message":{"content":[]},"type":"assistant"}')), "skip");
 * strictEqual(lineVerdict(bytes('{"type":"tag","tag":"red"}')), "tag");
 * strictEqual(lineVerdict(bytes('{"parentUuid":null,"ty'), 0, 21, false), "more");
 * ```
 */
export function lineVerdict(
  bytes: Uint8Array,
  start = 0,
  end: number = bytes.length,
  whole = true,
): LineVerdict {
  const short = whole ? "parse" : "more"; // when the bytes run out
  let i = skipSpace(bytes, start, end);
  if (i >= end) return whole ? "skip" : "more";
  if (bytes[i] !== OPEN_BRACE) return "skip"; // not an object: not a record
  let user = false; // its `type` is "user"
  let flagged = false; // it said "isSidechain":true or "isMeta":true
  for (i++;;) {
    i = skipSpace(bytes, i, end);
    if (i >= end) return short;
    if (bytes[i] === CLOSE_BRACE) return user ? "parse" : "skip"; // every member read
    if (bytes[i] !== QUOTE) return "parse";
    const key = i + 1;
    const keyEnd = stringEnd(bytes, i, end);
    if (keyEnd === -1) return short;
    if (hasBackslash(bytes, key, keyEnd)) return "parse"; // escapes may spell any key
    i = skipSpace(bytes, keyEnd + 1, end);
    if (i >= end) return short;
    if (bytes[i] !== COLON) return "parse";
    i = skipSpace(bytes, i + 1, end);
    if (i >= end) return short;
    if (!user && equals(bytes, key, keyEnd, TYPE)) {
      if (bytes[i] !== QUOTE) return "skip"; // not a string: no type a listing reads
      const typeEnd = stringEnd(bytes, i, end);
      if (typeEnd === -1) return short;
      const type = typeVerdict(bytes, i + 1, typeEnd);
      if (type !== "user") return type;
      if (flagged) return "skip";
      user = true;
      i = typeEnd + 1;
    } else if (user && equals(bytes, key, keyEnd, MESSAGE)) {
      return messageVerdict(bytes, i, end, whole);
    } else {
      if (
        isTrue(bytes, i, end) &&
        (equals(bytes, key, keyEnd, IS_SIDECHAIN) || equals(bytes, key, keyEnd, IS_META))
      ) {
        if (user) return "skip";
        flagged = true;
      }
      const value = bytes[i];
      if (value === QUOTE) {
        i = stringEnd(bytes, i, end);
        if (i === -1) return short;
        i++;
      } else if (value === OPEN_BRACE || value === OPEN_BRACKET) {
        if (user) return "parse"; // a nested value before its message: not told cheaply
        return whole ? tailVerdict(bytes, start, end) : "tail";
      } else {
        i = scalarEnd(bytes, i, end);
      }
    }
    i = skipSpace(bytes, i, end);
    if (i >= end) return short;
    if (bytes[i] === COMMA) i++;
    else if (bytes[i] !== CLOSE_BRACE) return "parse";
  }
}

/**
 * The verdict on a `user` record from its `message`, whose value starts at `bytes[i]`: `skip`
 * when the first block of its content is a `tool_result`, else `parse`.
 */
function messageVerdict(bytes: Uint8Array, i: number, end: number, whole: boolean): LineVerdict {
  const short = whole ? "parse" : "more";
  if (bytes[i] !== OPEN_BRACE) return "parse";
  let block = false; // in the content's first block
  for (i++;;) {
    i = skipSpace(bytes, i, end);
    if (i >= end) return short;
    if (bytes[i] !== QUOTE) return "parse"; // the object's end, or not JSON
    const key = i + 1;
    const keyEnd = stringEnd(bytes, i, end);
    if (keyEnd === -1) return short;
    if (hasBackslash(bytes, key, keyEnd)) return "parse";
    i = skipSpace(bytes, keyEnd + 1, end);
    if (i >= end) return short;
    if (bytes[i] !== COLON) return "parse";
    i = skipSpace(bytes, i + 1, end);
    if (i >= end) return short;
    const value = bytes[i];
    if (block && equals(bytes, key, keyEnd, TYPE)) {
      if (value !== QUOTE) return "parse";
      const typeEnd = stringEnd(bytes, i, end);
      if (typeEnd === -1) return short;
      return equals(bytes, i + 1, typeEnd, TOOL_RESULT) ? "skip" : "parse";
    }
    if (!block && equals(bytes, key, keyEnd, CONTENT)) {
      if (value !== OPEN_BRACKET) return "parse";
      i = skipSpace(bytes, i + 1, end);
      if (i >= end) return short;
      if (bytes[i] !== OPEN_BRACE) return "parse";
      block = true;
      i++;
      continue;
    }
    if (value === QUOTE) {
      i = stringEnd(bytes, i, end);
      if (i === -1) return short;
      i++;
    } else if (value === OPEN_BRACE || value === OPEN_BRACKET) {
      return "parse";
    } else {
      i = scalarEnd(bytes, i, end);
    }
    i = skipSpace(bytes, i, end);
    if (i >= end) return short;
    if (bytes[i] !== COMMA) return "parse";
    i++;
  }
}

/**
 * The verdict on the whole line `bytes[start, end)` from its top-level `type`, read from the
 * back: past the members after it, nested values skipped.
 */
function tailVerdict(bytes: Uint8Array, start: number, end: number): LineVerdict {
  let j = skipSpaceBack(bytes, end - 1, start);
  if (j < start || bytes[j] !== CLOSE_BRACE) return "parse";
  for (j--;;) {
    j = skipSpaceBack(bytes, j, start);
    if (j < start) return "parse";
    // A member, from the end of its value.
    const valueEnd = j;
    let valueStart = -1; // where a string value starts
    if (bytes[j] === QUOTE) {
      valueStart = stringStartBack(bytes, j, start);
      if (valueStart === -1) return "parse";
      j = valueStart - 1;
    } else if (bytes[j] === CLOSE_BRACE || bytes[j] === CLOSE_BRACKET) {
      j = nestedStartBack(bytes, j, start);
      if (j === -1) return "parse";
      j--;
    } else {
      while (j >= start && isScalarByte(bytes[j])) j--;
    }
    j = skipSpaceBack(bytes, j, start);
    if (j < start || bytes[j] !== COLON) return "parse";
    j = skipSpaceBack(bytes, j - 1, start);
    if (j < start || bytes[j] !== QUOTE) return "parse";
    const keyStart = stringStartBack(bytes, j, start);
    if (keyStart === -1 || hasBackslash(bytes, keyStart + 1, j)) return "parse";
    if (equals(bytes, keyStart + 1, j, TYPE)) {
      if (valueStart === -1) return "skip"; // not a string: no type a listing reads
      const type = typeVerdict(bytes, valueStart + 1, valueEnd);
      return type === "user" ? "parse" : type;
    }
    j = skipSpaceBack(bytes, keyStart - 1, start);
    if (j < start) return "parse";
    if (bytes[j] === OPEN_BRACE) return "skip"; // every member read: no `type`
    if (bytes[j] !== COMMA) return "parse";
    j--;
  }
}

/** The verdict on a record whose `type` is the JSON string `bytes[start, end)`. */
function typeVerdict(bytes: Uint8Array, start: number, end: number): LineVerdict | "user" {
  for (const [name, type] of TYPES) if (equals(bytes, start, end, name)) return type;
  return hasBackslash(bytes, start, end) ? "parse" : "skip";
}

/** Whether `bytes[i]` starts the literal `true`, and more bytes follow it. */
function isTrue(bytes: Uint8Array, i: number, end: number): boolean {
  return end - i > TRUE.length && equals(bytes, i, i + TRUE.length, TRUE) &&
    !isScalarByte(bytes[i + TRUE.length]);
}

/** Whether `bytes[start, end)` is `word`. */
function equals(bytes: Uint8Array, start: number, end: number, word: Uint8Array): boolean {
  if (end - start !== word.length) return false;
  for (let k = 0; k < word.length; k++) if (bytes[start + k] !== word[k]) return false;
  return true;
}

/** Whether `bytes[start, end)` holds `word`. */
function includes(bytes: Uint8Array, start: number, end: number, word: Uint8Array): boolean {
  const first = word[0]!;
  for (let i = bytes.indexOf(first, start); i !== -1 && i + word.length <= end;) {
    if (equals(bytes, i, i + word.length, word)) return true;
    i = bytes.indexOf(first, i + 1);
  }
  return false;
}

function hasBackslash(bytes: Uint8Array, start: number, end: number): boolean {
  for (let k = start; k < end; k++) if (bytes[k] === BACKSLASH) return true;
  return false;
}

/** JSON's whitespace, as JSON.parse takes it. */
function isSpace(byte: number | undefined): boolean {
  return byte === 32 || byte === 9 || byte === LF || byte === CR;
}

function skipSpace(bytes: Uint8Array, i: number, end: number): number {
  while (i < end && isSpace(bytes[i])) i++;
  return i;
}

function skipSpaceBack(bytes: Uint8Array, j: number, start: number): number {
  while (j >= start && isSpace(bytes[j])) j--;
  return j;
}

/** Whether `byte` may be part of a number, `true`, `false` or `null`. */
function isScalarByte(byte: number | undefined): boolean {
  return byte !== undefined &&
    ((byte >= 48 && byte <= 57) || (byte >= 97 && byte <= 122) || (byte >= 65 && byte <= 90) ||
      byte === 43 || byte === 45 || byte === 46);
}

/** The end of the number or literal at `bytes[i]`. */
function scalarEnd(bytes: Uint8Array, i: number, end: number): number {
  while (i < end && isScalarByte(bytes[i])) i++;
  return i;
}

/** The closing quote of the string whose opening quote is `bytes[i]`; -1 when not before `end`. */
function stringEnd(bytes: Uint8Array, i: number, end: number): number {
  for (let k = i + 1; k < end; k++) {
    const byte = bytes[k];
    if (byte === QUOTE) return k;
    if (byte === BACKSLASH) k++;
  }
  return -1;
}

/**
 * The opening quote of the string whose closing quote is `bytes[j]`: the first quote before it
 * that an even number of backslashes precede; -1 when none is at or after `start`.
 */
function stringStartBack(bytes: Uint8Array, j: number, start: number): number {
  for (let k = j - 1; k >= start; k--) {
    if (bytes[k] !== QUOTE) continue;
    let backslashes = 0;
    while (k - 1 - backslashes >= start && bytes[k - 1 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return k;
  }
  return -1;
}

/** The `{` or `[` that opens the value that `bytes[j]` closes; -1 when none is. */
function nestedStartBack(bytes: Uint8Array, j: number, start: number): number {
  let depth = 0;
  for (let k = j; k >= start; k--) {
    const byte = bytes[k];
    if (byte === QUOTE) {
      k = stringStartBack(bytes, k, start);
      if (k === -1) return -1;
    } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
      depth++;
    } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      if (--depth === 0) return k;
    }
  }
  return -1;
}

/**
 * A finder of line ends in one reused chunk of memory: WebAssembly's 16-byte compares where the
 * runtime has them, else `Uint8Array.prototype.indexOf`, which V8 runs a byte at a time (about
 * 2.5 GB/s, measured: slower than the disk cache reads, where the compares keep up).
 */
export interface LineEnds {
  /** Whether it is WebAssembly's. */
  wasm: boolean;
  /** The chunk the transcript is read into. */
  chunk: Uint8Array;
  /** The first LF in `chunk[from, end)`; -1 when there is none. */
  find(from: number, end: number): number;
}

/**
 * The WebAssembly module of {@linkcode LineEnds}: one function, `lf(from, end)`, and its memory,
 * 17 pages (1 MiB and 64 KiB). In the text format:
 *
 * ```wat
 * (module
 *   (memory (export "memory") 17)
 *   (func (export "lf") (param $from i32) (param $end i32) (result i32) (local $mask i32)
 *     (block $found (loop $blocks                   ;; 64 bytes at a time, while none is an LF
 *       (br_if $found (i32.gt_u (i32.add (local.get $from) (i32.const 64)) (local.get $end)))
 *       (br_if $found (v128.any_true (v128.or (v128.or (v128.or
 *         (i8x16.eq (v128.load offset=0 (local.get $from)) (i8x16.splat (i32.const 10)))
 *         (i8x16.eq (v128.load offset=16 (local.get $from)) (i8x16.splat (i32.const 10))))
 *         (i8x16.eq (v128.load offset=32 (local.get $from)) (i8x16.splat (i32.const 10))))
 *         (i8x16.eq (v128.load offset=48 (local.get $from)) (i8x16.splat (i32.const 10))))))
 *       (local.set $from (i32.add (local.get $from) (i32.const 64)))
 *       (br $blocks)))
 *     (block $tail (loop $vectors                   ;; then 16 at a time
 *       (br_if $tail (i32.gt_u (i32.add (local.get $from) (i32.const 16)) (local.get $end)))
 *       (local.set $mask (i8x16.bitmask
 *         (i8x16.eq (v128.load (local.get $from)) (i8x16.splat (i32.const 10)))))
 *       (if (local.get $mask)
 *         (then (return (i32.add (local.get $from) (i32.ctz (local.get $mask))))))
 *       (local.set $from (i32.add (local.get $from) (i32.const 16)))
 *       (br $vectors)))
 *     (block $none (loop $bytes                     ;; the last few one at a time
 *       (br_if $none (i32.ge_u (local.get $from) (local.get $end)))
 *       (if (i32.eq (i32.load8_u (local.get $from)) (i32.const 10))
 *         (then (return (local.get $from))))
 *       (local.set $from (i32.add (local.get $from) (i32.const 1)))
 *       (br $bytes)))
 *     (i32.const -1)))
 * ```
 */
// deno-fmt-ignore
const LINE_ENDS_WASM = new Uint8Array([
  // "\0asm", version 1
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  // type section: (func (param i32 i32) (result i32))
  0x01, 0x07, 0x01, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f,
  // function section: one function, of type 0
  0x03, 0x02, 0x01, 0x00,
  // memory section: one memory, at least 17 pages
  0x05, 0x03, 0x01, 0x00, 0x11,
  // export section: "memory" (memory 0), "lf" (function 0)
  0x07, 0x0f, 0x02, 0x06, 0x6d, 0x65, 0x6d, 0x6f, 0x72, 0x79, 0x02, 0x00, 0x02, 0x6c, 0x66, 0x00,
  0x00,
  // code section: one body of 178 bytes, one local i32
  0x0a, 0xb5, 0x01, 0x01, 0xb2, 0x01, 0x01, 0x01, 0x7f,
  // block, loop: from + 64 > end → br_if out
  0x02, 0x40, 0x03, 0x40, 0x20, 0x00, 0x41, 0xc0, 0x00, 0x6a, 0x20, 0x01, 0x4b, 0x0d, 0x01,
  // four times v128.load offset, i8x16.splat 10, i8x16.eq; v128.or them
  0x20, 0x00, 0xfd, 0x00, 0x00, 0x00, 0x41, 0x0a, 0xfd, 0x0f, 0xfd, 0x23,
  0x20, 0x00, 0xfd, 0x00, 0x00, 0x10, 0x41, 0x0a, 0xfd, 0x0f, 0xfd, 0x23, 0xfd, 0x50,
  0x20, 0x00, 0xfd, 0x00, 0x00, 0x20, 0x41, 0x0a, 0xfd, 0x0f, 0xfd, 0x23, 0xfd, 0x50,
  0x20, 0x00, 0xfd, 0x00, 0x00, 0x30, 0x41, 0x0a, 0xfd, 0x0f, 0xfd, 0x23, 0xfd, 0x50,
  // v128.any_true → br_if out; from += 64, br loop, end loop, end block
  0xfd, 0x53, 0x0d, 0x01, 0x20, 0x00, 0x41, 0xc0, 0x00, 0x6a, 0x21, 0x00, 0x0c, 0x00, 0x0b, 0x0b,
  // block, loop: from + 16 > end → br_if out
  0x02, 0x40, 0x03, 0x40, 0x20, 0x00, 0x41, 0x10, 0x6a, 0x20, 0x01, 0x4b, 0x0d, 0x01,
  // v128.load from, i8x16.splat 10, i8x16.eq, i8x16.bitmask, local.tee $mask
  0x20, 0x00, 0xfd, 0x00, 0x00, 0x00, 0x41, 0x0a, 0xfd, 0x0f, 0xfd, 0x23, 0xfd, 0x64, 0x22, 0x02,
  // if $mask: return from + ctz($mask)
  0x04, 0x40, 0x20, 0x00, 0x20, 0x02, 0x68, 0x6a, 0x0f, 0x0b,
  // from += 16, br loop, end loop, end block
  0x20, 0x00, 0x41, 0x10, 0x6a, 0x21, 0x00, 0x0c, 0x00, 0x0b, 0x0b,
  // block, loop: from >= end → br_if out
  0x02, 0x40, 0x03, 0x40, 0x20, 0x00, 0x20, 0x01, 0x4f, 0x0d, 0x01,
  // if load8_u(from) == 10: return from
  0x20, 0x00, 0x2d, 0x00, 0x00, 0x41, 0x0a, 0x46, 0x04, 0x40, 0x20, 0x00, 0x0f, 0x0b,
  // from += 1, br loop, end loop, end block
  0x20, 0x00, 0x41, 0x01, 0x6a, 0x21, 0x00, 0x0c, 0x00, 0x0b, 0x0b,
  // -1, end
  0x41, 0x7f, 0x0b,
]);

/**
 * A new {@linkcode LineEnds}: the WebAssembly one unless `plain` or the runtime cannot run it.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { lineEnds } from "./_listing_scan.ts";
 *
 * const ends = lineEnds();
 * strictEqual(ends.wasm, true);
 * ends.chunk.set(new TextEncoder().encode("ab\ncd\n"));
 * strictEqual(ends.find(0, 6), 2);
 * strictEqual(ends.find(3, 6), 5);
 * strictEqual(ends.find(3, 5), -1);
 * ```
 */
export function lineEnds(plain = false): LineEnds {
  if (!plain) {
    try {
      const { exports } = new WebAssembly.Instance(new WebAssembly.Module(LINE_ENDS_WASM));
      const memory = exports.memory as WebAssembly.Memory;
      const find = exports.lf as (from: number, end: number) => number;
      return { wasm: true, chunk: new Uint8Array(memory.buffer, 0, CHUNK_BYTES), find };
    } catch {
      // No WebAssembly, or no SIMD in it: the plain search below.
    }
  }
  const chunk = new Uint8Array(CHUNK_BYTES);
  return {
    wasm: false,
    chunk,
    find(from, end) {
      const at = chunk.indexOf(LF, from);
      return at < end ? at : -1;
    },
  };
}

/** Decodes the lines that are parsed, as `_line_splitter.ts` does: a BOM is the caller's. */
const decoder = new TextDecoder("utf-8", { ignoreBOM: true });

/** The one {@linkcode LineEnds} of this process, while no scan holds it. */
let shared: LineEnds | undefined;

/**
 * Reads the transcript at `path`, up to `reading.bytes`, for what a listing says about it (see
 * {@linkcode ListingFacts}), telling each line over `reading.maxLineBytes` to
 * `reading.onTooLong`. Rejects with Deno's error when the file cannot be read.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { scanListing } from "./_listing_scan.ts";
 *
 * const path = await Deno.makeTempFile();
 * const records = [
 *   { type: "user", message: { content: "Hi" }, timestamp: "2026-01-01T00:00:00.000Z", cwd: "/w" },
 *   { type: "user", message: { content: [{ type: "tool_result", content: "ok" }] } },
 *   { type: "tag", tag: "red" },
 *   { message: { content: [] }, type: "assistant", timestamp: "2026-01-01T00:00:01.000Z" },
 * ];
 * await Deno.writeTextFile(path, records.map((r) => JSON.stringify(r) + "\n").join(""));
 * const facts = await scanListing(path);
 * deepStrictEqual(
 *   [facts.cwd, facts.turns, facts.firstPrompt, facts.tag, facts.lastActivity],
 *   ["/w", 1, "Hi", "red", "2026-01-01T00:00:01.000Z"],
 * );
 * await Deno.remove(path);
 * ```
 */
export async function scanListing(
  path: string,
  reading: ListingReading = {},
): Promise<ListingFacts> {
  // The scan is synchronous, so no other can use the shared chunk meanwhile; one that starts from
  // a warning told during it gets its own.
  const ends = shared ?? lineEnds();
  shared = undefined;
  const scan = new ListingScan(ends, reading);
  try {
    scan.read(path);
  } finally {
    shared = ends;
  }
  const facts = scan.facts;
  if (scan.lastActivityUnknown) {
    // None of the last lines has a time of its own: every line is looked at again.
    facts.lastActivity = await lastTime(path, {
      maxLineBytes: reading.maxLineBytes,
      bytes: facts.size,
    }) ?? null;
  }
  return facts;
}

/** The `timestamp` of the last record of the transcript at `path` that has one of its own. */
async function lastTime(path: string, reading: TranscriptReading): Promise<string | undefined> {
  let last: string | undefined;
  for await (const line of transcriptLines(path, reading)) {
    if (!line.includes('"timestamp"')) continue;
    const timestamp = parseRecord(line)?.timestamp;
    if (typeof timestamp === "string") last = timestamp;
  }
  return last;
}

/** How a line that spans reads is being read. */
type Pending =
  | "none" // no line spans reads
  | "kept" // its bytes are kept, to be decided once whole
  | "counted" // its start settled it: its bytes are only counted
  | "too long"; // over the limit: its bytes are only counted

/** The facts of a transcript of `size` bytes before any line was read. */
export function noFacts(size: number): ListingFacts {
  return {
    cwd: null,
    turns: 0,
    firstPrompt: null,
    lastPromptAt: undefined,
    lastActivity: null,
    title: undefined,
    tag: undefined,
    costUsd: undefined,
    size,
  };
}

/** One pass over a transcript: {@linkcode ListingScan.read}, then its `facts`. */
class ListingScan {
  facts: ListingFacts = noFacts(0);
  /** Whether the last activity is to be found by reading every line again. */
  lastActivityUnknown = false;

  #file: Deno.FsFile | undefined;
  #ends: LineEnds;
  #limit: number;
  #onTooLong: TranscriptReading["onTooLong"];
  #lineNumber = 0;
  /** Where the bytes in the chunk come from in the file, and how many there are. */
  #chunkOffset = 0;
  #chunkLength = 0;

  /** The line that spans reads: how it is read, where it starts, its bytes so far. */
  #pending: Pending = "none";
  #pendingStart = 0;
  #pendingBytes = 0;
  /** Whether the start of the pending line settled what it is, and what. */
  #pendingVerdict: LineVerdict = "more";
  #lastByte = 0;
  /** The kept bytes of the pending line: the first `#pendingBytes` of `#kept`, a view of all. */
  #keptBuffer: ArrayBuffer | undefined;
  #kept = new Uint8Array(0);

  /** The last {@linkcode TAIL_LINES} lines within the limit: where each is, and its time. */
  #remembered = 0;
  #tailStart: number[] = new Array(TAIL_LINES).fill(0);
  #tailEnd: number[] = new Array(TAIL_LINES).fill(0);
  /** A line's own `timestamp` once it was parsed, `null` when it has none; else `undefined`. */
  #tailTime: (string | null | undefined)[] = new Array(TAIL_LINES).fill(undefined);
  /** Where the `custom-title`, `tag` and `cost-state` records are: start and end, in pairs. */
  #titles: number[] = [];
  #tags: number[] = [];
  #costs: number[] = [];

  #readBytes: number;
  #bytes: number;

  constructor(ends: LineEnds, reading: ListingReading) {
    this.#ends = ends;
    this.#limit = reading.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    this.#onTooLong = reading.onTooLong;
    this.#readBytes = Math.min(reading.readBytes ?? CHUNK_BYTES, CHUNK_BYTES);
    this.#bytes = reading.bytes ?? Infinity;
  }

  /** Reads the transcript at `path`, synchronously: its size when opened, and no further. */
  read(path: string): void {
    using file = Deno.openSync(path, { read: true });
    this.#file = file;
    this.facts.size = Math.min(this.#bytes, file.statSync().size);
    this.#lines(file, this.facts.size);
    this.#settle();
    this.#file = undefined;
  }

  /** Reads the first `size` bytes of `file`, line by line. */
  #lines(file: Deno.FsFile, size: number): void {
    const { chunk, find } = this.#ends;
    for (let left = size; left > 0;) {
      const read = file.readSync(chunk.subarray(0, Math.min(this.#readBytes, left)));
      if (read === null) break;
      this.#chunkOffset += this.#chunkLength;
      this.#chunkLength = read;
      left -= read;
      let start = 0;
      let end = find(0, read);
      if (this.#pending !== "none") {
        if (end === -1) {
          this.#add(chunk, 0, read);
          continue;
        }
        this.#add(chunk, 0, end);
        this.#endPending();
        start = end + 1;
        end = find(start, read);
      }
      for (; end !== -1; end = find(start, read)) {
        this.#line(chunk, start, end, this.#chunkOffset + start, ++this.#lineNumber);
        start = end + 1;
      }
      if (start < read) this.#startPending(chunk, start, read);
    }
    if (this.#pending !== "none") this.#endPending();
  }

  /** Starts the line `chunk[start, end)` that the next read goes on with. */
  #startPending(chunk: Uint8Array, start: number, end: number): void {
    this.#pending = "kept";
    this.#pendingStart = this.#chunkOffset + start;
    this.#pendingBytes = 0;
    this.#pendingVerdict = "more";
    this.#add(chunk, start, end);
  }

  /** Adds `chunk[start, end)` to the pending line. */
  #add(chunk: Uint8Array, start: number, end: number): void {
    const length = end - start;
    if (length === 0) return;
    this.#lastByte = chunk[end - 1]!;
    const offset = this.#pendingBytes;
    this.#pendingBytes += length;
    if (this.#pending !== "kept") return;
    const buffer = this.#keptBuffer ??= new ArrayBuffer(0, {
      maxByteLength: Math.min(this.#limit + 1, MAX_LINE_BUFFER),
    });
    if (this.#pendingBytes > buffer.maxByteLength) {
      this.#pending = "too long";
      this.#shrink();
      return;
    }
    if (this.#pendingBytes > buffer.byteLength) {
      buffer.resize(
        Math.min(Math.max(this.#pendingBytes, 2 * buffer.byteLength, 4096), buffer.maxByteLength),
      );
      this.#kept = new Uint8Array(buffer);
    }
    this.#kept.set(chunk.subarray(start, end), offset);
    if (this.#pendingVerdict !== "more") return;
    // Whether its start already settles it: then its bytes need not be kept. Not while no `cwd`
    // is known (any line may hold it; so never the first line, nor its byte order mark), nor when
    // a line within the limit may be too long for a string (whether it is depends on its bytes).
    const verdict = lineVerdict(this.#kept, 0, this.#pendingBytes, false);
    this.#pendingVerdict = verdict;
    const countable = this.facts.cwd !== null && this.#limit < MAX_STRING_LENGTH;
    if (verdict !== "more" && verdict !== "tail" && verdict !== "parse" && countable) {
      this.#pending = "counted";
      this.#shrink();
    }
  }

  /** Ends the pending line: its last bytes came. */
  #endPending(): void {
    const lineNumber = ++this.#lineNumber;
    const pending = this.#pending;
    const bytes = this.#pendingBytes;
    this.#pending = "none";
    if (pending === "kept") {
      this.#line(this.#kept, 0, bytes, this.#pendingStart, lineNumber);
      this.#shrink();
      return;
    }
    const length = bytes - (this.#lastByte === CR ? 1 : 0);
    if (pending === "too long" || length > this.#limit) {
      this.#onTooLong?.(lineNumber, length);
      return;
    }
    this.#remember(this.#pendingStart, this.#pendingStart + bytes, this.#pendingVerdict);
  }

  /** Gives back the memory of a long kept line. */
  #shrink(): void {
    const buffer = this.#keptBuffer;
    if (buffer && buffer.byteLength > KEPT_LINE_BYTES) {
      buffer.resize(KEPT_LINE_BYTES);
      this.#kept = new Uint8Array(buffer);
    }
  }

  /** The whole line `bytes[start, end)`, which is at `offset` in the file. */
  #line(bytes: Uint8Array, start: number, end: number, offset: number, lineNumber: number): void {
    const length = end - start - (end > start && bytes[end - 1] === CR ? 1 : 0);
    if (length > this.#limit) {
      this.#onTooLong?.(lineNumber, length);
      return;
    }
    const bom = lineNumber === 1 && end - start >= 3 && hasBom(bytes, start) ? 3 : 0;
    let text: string | undefined;
    if (end - start > MAX_STRING_LENGTH) {
      // Only with a limit above it: whether the line is too long for a string depends on it.
      try {
        text = decoder.decode(bytes.subarray(start, end)).slice(bom ? 1 : 0);
      } catch {
        this.#onTooLong?.(lineNumber, length);
        return;
      }
    }
    let verdict = lineVerdict(bytes, start + bom, end);
    if (verdict !== "parse" && this.facts.cwd === null && includes(bytes, start, end, CWD_KEY)) {
      verdict = "parse";
    }
    const slot = this.#remember(offset + bom, offset + end - start, verdict);
    if (verdict !== "parse") return;
    text ??= decoder.decode(bytes.subarray(start + bom, end));
    this.#apply(parseRecord(text), offset + bom, offset + end - start, slot);
  }

  /**
   * Keeps track of the line at `[start, end)` of the file: among the last lines, and among the
   * records of its kind. Returns its slot among the last lines.
   */
  #remember(start: number, end: number, verdict: LineVerdict): number {
    const slot = this.#remembered++ % TAIL_LINES;
    this.#tailStart[slot] = start;
    this.#tailEnd[slot] = end;
    this.#tailTime[slot] = undefined;
    if (verdict === "custom-title") this.#titles.push(start, end);
    else if (verdict === "tag") this.#tags.push(start, end);
    else if (verdict === "cost-state") this.#costs.push(start, end);
    return slot;
  }

  /** What a parsed line's `record` tells. */
  #apply(
    record: Record<string, unknown> | undefined,
    start: number,
    end: number,
    slot: number,
  ): void {
    const facts = this.facts;
    const timestamp = typeof record?.timestamp === "string" ? record.timestamp : null;
    this.#tailTime[slot] = timestamp;
    if (!record) return;
    if (facts.cwd === null && typeof record.cwd === "string") facts.cwd = record.cwd;
    if (record.type === "custom-title") this.#titles.push(start, end);
    else if (record.type === "tag") this.#tags.push(start, end);
    else if (record.type === "cost-state") this.#costs.push(start, end);
    if (record.type !== "user" || record.isSidechain === true || record.isMeta === true) return;
    const content = contentBlocks((record.message as { content?: unknown } | undefined)?.content);
    if (content.some((block) => block.type === "tool_result")) return;
    facts.turns++;
    facts.firstPrompt ??= content
      .flatMap((block) => typeof block.text === "string" ? [block.text] : [])
      .join("\n");
    if (timestamp !== null) facts.lastPromptAt = timestamp;
  }

  /** Reads what is read once the pass is done: the last title, tag and cost, the last time. */
  #settle(): void {
    const facts = this.facts;
    const title = this.#last(this.#titles, "custom-title", "customTitle", "string");
    if (typeof title === "string") facts.title = title;
    const tag = this.#last(this.#tags, "tag", "tag", "string");
    if (typeof tag === "string") facts.tag = tag;
    const cost = this.#last(this.#costs, "cost-state", "totalCostUSD", "number");
    if (typeof cost === "number") facts.costUsd = cost;
    for (let k = 1; k <= Math.min(this.#remembered, TAIL_LINES); k++) {
      const slot = (this.#remembered - k) % TAIL_LINES;
      const known = this.#tailTime[slot];
      if (known === null) continue;
      if (known !== undefined) {
        facts.lastActivity = known;
        return;
      }
      const bytes = this.#bytesAt(this.#tailStart[slot]!, this.#tailEnd[slot]!);
      if (!includes(bytes, 0, bytes.length, TIMESTAMP_KEY)) continue;
      const timestamp = parseRecord(decoder.decode(bytes))?.timestamp;
      if (typeof timestamp === "string") {
        facts.lastActivity = timestamp;
        return;
      }
    }
    this.lastActivityUnknown = this.#remembered > TAIL_LINES;
  }

  /**
   * The `field` of the last record at `spans` (start and end, in pairs) whose `type` is `type` and
   * whose `field` is of type `kind`.
   */
  #last(spans: number[], type: string, field: string, kind: "string" | "number"): unknown {
    for (let k = spans.length - 2; k >= 0; k -= 2) {
      const record = parseRecord(decoder.decode(this.#bytesAt(spans[k]!, spans[k + 1]!)));
      if (record?.type === type && typeof record[field] === kind) return record[field];
    }
    return undefined;
  }

  /** The bytes at `[start, end)` of the file: from the last chunk read when there, else read. */
  #bytesAt(start: number, end: number): Uint8Array {
    const from = start - this.#chunkOffset;
    if (from >= 0 && end - this.#chunkOffset <= this.#chunkLength) {
      return this.#ends.chunk.subarray(from, end - this.#chunkOffset);
    }
    const file = this.#file!;
    const bytes = new Uint8Array(end - start);
    file.seekSync(start, Deno.SeekMode.Start);
    let read = 0;
    while (read < bytes.length) {
      const got = file.readSync(bytes.subarray(read));
      if (got === null) break;
      read += got;
    }
    return bytes.subarray(0, read);
  }
}

/** Whether `bytes` hold UTF-8's byte order mark at `start`. */
function hasBom(bytes: Uint8Array, start: number): boolean {
  return bytes[start] === 0xef && bytes[start + 1] === 0xbb && bytes[start + 2] === 0xbf;
}
