// The byte-to-line state machine behind LineStream, also used by decodeEvents' fused stage.

import type { Line } from "./line_stream.ts";

const LF = 10;
const CR = 13;
const BOM = 0xfeff;
/** How many bytes of an over-long line are kept, decoded, as the start of its `text`. */
export const HEAD_BYTES = 200;
/** V8's longest string, in UTF-16 code units: a longer line cannot be decoded whatever the limit. */
const MAX_STRING_LENGTH = 2 ** 29 - 24;
/**
 * The most bytes a pending line may hold with no limit: a longer one cannot become a string even
 * if every character takes 3 bytes.
 */
const MAX_LINE_BUFFER = 3 * MAX_STRING_LENGTH + 1;
/** After a longer line, the buffer of pending lines shrinks back to this size. */
const KEPT_LINE_BYTES = 1024 * 1024;

/** Checks a `maxLineBytes` option: a positive whole number of bytes, or `Infinity`. */
export function checkMaxLineBytes(maxLineBytes: number): number {
  if (maxLineBytes === Infinity || (Number.isSafeInteger(maxLineBytes) && maxLineBytes > 0)) {
    return maxLineBytes;
  }
  throw new RangeError(
    `Invalid maxLineBytes "${maxLineBytes}": pass a positive whole number of bytes, or Infinity for no limit`,
  );
}

/**
 * Splits byte chunks into lines and calls `onLine` for each non-blank one.
 *
 * The bytes of a line that spans chunks are copied into one buffer as they come and decoded from
 * it once. The buffer is a resizable `ArrayBuffer`, its addresses reserved up to the limit: it
 * grows in place (doubling, never copied, so a long line costs linear time and leaves nothing to
 * collect) and shrinks back to {@linkcode KEPT_LINE_BYTES} after a longer line, giving its memory
 * back at once. `push` keeps no reference to its chunk: a caller may read the next chunk into the
 * same memory once `push` returns.
 *
 * A line longer than `maxLineBytes` is never joined or decoded: once its bytes pass the limit they
 * are dropped and only counted up to the next LF, so memory stays near the limit. It is reported
 * as a {@linkcode Line} with `tooLongBytes` and the start of its text.
 */
export class LineSplitter {
  /** Holds the pending line's bytes: the first `#pendingBytes` of `#line`, its view. */
  #buffer: ArrayBuffer;
  /** A view of all of `#buffer`, whatever its size. */
  #line: Uint8Array;
  #pendingBytes = 0;
  /** The last byte appended to the current line: tells whether it ends in a CR. */
  #lastByte = 0;
  /** While an over-long line is being skipped: its bytes so far; -1 otherwise. */
  #skipped = -1;
  /** The start of the line being skipped: its first {@linkcode HEAD_BYTES}, as they arrive. */
  #head = new Uint8Array(HEAD_BYTES);
  #headLength = 0;
  #lineNumber = 0;
  #fatal = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  #lenient = new TextDecoder("utf-8", { ignoreBOM: true });

  #onLine: (line: Line) => void;
  #maxLineBytes: number;
  /** The largest batch of lines decoded in one call. */
  #maxBatchBytes: number;

  /** `maxLineBytes` must have passed {@linkcode checkMaxLineBytes}. */
  constructor(onLine: (line: Line) => void, maxLineBytes: number) {
    this.#onLine = onLine;
    this.#maxLineBytes = maxLineBytes;
    this.#maxBatchBytes = Math.min(maxLineBytes, MAX_STRING_LENGTH);
    // One byte of slack: a line may end in the CR of a `\r\n`, which does not count.
    const maxByteLength = Math.min(maxLineBytes + 1, MAX_LINE_BUFFER);
    this.#buffer = new ArrayBuffer(0, { maxByteLength });
    this.#line = new Uint8Array(this.#buffer);
  }

  push(chunk: Uint8Array): void {
    const first = chunk.indexOf(LF);
    if (first === -1) {
      if (chunk.length > 0) this.#append(chunk);
      return;
    }
    let start = 0;
    if (this.#pendingBytes > 0 || this.#skipped >= 0) {
      this.#append(chunk.subarray(0, first));
      this.#endLine(true);
      start = first + 1;
    }
    const last = chunk.lastIndexOf(LF);
    if (last >= start) {
      const batch = chunk.subarray(start, last);
      // A batch within the limit cannot hold an over-long line: the fast path.
      if (batch.length <= this.#maxBatchBytes) this.#emitBatch(batch);
      else this.#emitEach(batch);
    }
    if (last + 1 < chunk.length) this.#append(chunk.subarray(last + 1));
  }

  end(): void {
    if (this.#pendingBytes > 0 || this.#skipped >= 0) this.#endLine(false);
  }

  /** Adds bytes to the pending line; starts skipping it once it is over the limit. */
  #append(bytes: Uint8Array): void {
    if (bytes.length > 0) this.#lastByte = bytes[bytes.length - 1]!;
    if (this.#skipped >= 0) {
      this.#skipped += bytes.length;
      if (this.#headLength < HEAD_BYTES) this.#keepHead(bytes);
      return;
    }
    const length = this.#pendingBytes + bytes.length;
    const buffer = this.#buffer;
    if (length > buffer.maxByteLength) {
      this.#keepHead(this.#line.subarray(0, this.#pendingBytes));
      this.#keepHead(bytes);
      this.#skipped = length;
      this.#pendingBytes = 0;
      this.#shrink();
      return;
    }
    if (length > buffer.byteLength) {
      buffer.resize(Math.min(Math.max(length, 2 * buffer.byteLength, 1024), buffer.maxByteLength));
    }
    this.#line.set(bytes, this.#pendingBytes);
    this.#pendingBytes = length;
  }

  /** Gives back the memory of a long line's buffer. */
  #shrink(): void {
    if (this.#buffer.byteLength > KEPT_LINE_BYTES) this.#buffer.resize(KEPT_LINE_BYTES);
  }

  /** Emits the pending (or skipped) line. */
  #endLine(terminated: boolean): void {
    const cr = this.#lastByte === CR ? 1 : 0;
    if (this.#skipped >= 0) {
      const length = this.#skipped - cr;
      const head = _text(this.#head.subarray(0, this.#headLength));
      this.#skipped = -1;
      this.#headLength = 0;
      this.#emitTooLong(head, length, terminated);
      return;
    }
    const length = this.#pendingBytes - cr;
    const bytes = this.#line.subarray(0, this.#pendingBytes);
    this.#pendingBytes = 0;
    if (length > this.#maxLineBytes) {
      this.#keepHead(bytes);
      const head = _text(this.#head.subarray(0, this.#headLength));
      this.#headLength = 0;
      this.#emitTooLong(head, length, terminated);
    } else this.#emitBytes(bytes, terminated);
    this.#shrink();
  }

  /** Copies what still fits of `bytes` into the head of the line being skipped. */
  #keepHead(bytes: Uint8Array): void {
    const part = bytes.subarray(0, HEAD_BYTES - this.#headLength);
    this.#head.set(part, this.#headLength);
    this.#headLength += part.length;
  }

  /** Emits several complete lines at once: one decode call for the whole batch when it is valid. */
  #emitBatch(bytes: Uint8Array): void {
    let text: string;
    try {
      text = this.#fatal.decode(bytes);
    } catch {
      this.#emitEach(bytes);
      return;
    }
    for (const part of text.split("\n")) this.#emit(part, true, false);
  }

  /** Emits complete lines one by one, each checked against the limit. */
  #emitEach(bytes: Uint8Array): void {
    let start = 0;
    while (start <= bytes.length) {
      let end = bytes.indexOf(LF, start);
      if (end === -1) end = bytes.length;
      const line = bytes.subarray(start, end);
      const length = line.length - (line[line.length - 1] === CR ? 1 : 0);
      if (length > this.#maxLineBytes) {
        this.#emitTooLong(_text(line.subarray(0, HEAD_BYTES)), length, true);
      } else this.#emitBytes(line, true);
      start = end + 1;
    }
  }

  #emitBytes(
    bytes: Uint8Array,
    terminated: boolean,
  ): void {
    let text: string;
    let invalidUtf8 = false;
    try {
      if (bytes.length > MAX_STRING_LENGTH) {
        // Only with a limit above about 512 MiB. The lenient decoder fails at once when the text
        // is too long for a string, where the fatal one takes seconds.
        text = this.#lenient.decode(bytes);
        invalidUtf8 = text.includes("\ufffd") && !_isUtf8(bytes);
      } else {
        try {
          text = this.#fatal.decode(bytes);
        } catch {
          text = this.#lenient.decode(bytes);
          invalidUtf8 = true;
        }
      }
    } catch {
      // Too long for a JavaScript string.
      const length = bytes.length - (bytes[bytes.length - 1] === CR ? 1 : 0);
      this.#emitTooLong(_text(bytes.subarray(0, HEAD_BYTES)), length, terminated);
      return;
    }
    this.#emit(text, terminated, invalidUtf8);
  }

  #emit(
    text: string,
    terminated: boolean,
    invalidUtf8: boolean,
  ): void {
    const lineNumber = ++this.#lineNumber;
    if (text.charCodeAt(text.length - 1) === CR) text = text.slice(0, -1);
    if (lineNumber === 1 && text.charCodeAt(0) === BOM) text = text.slice(1);
    if (_isBlank(text)) return;
    this.#onLine({ text, lineNumber, terminated, invalidUtf8 });
  }

  #emitTooLong(head: string, tooLongBytes: number, terminated: boolean): void {
    const lineNumber = ++this.#lineNumber;
    let text = head.charCodeAt(head.length - 1) === CR ? head.slice(0, -1) : head;
    if (lineNumber === 1 && text.charCodeAt(0) === BOM) text = text.slice(1);
    this.#onLine({ text, lineNumber, terminated, invalidUtf8: false, tooLongBytes });
  }
}

/** The start of a line as text, without a character cut in two at its end. */
function _text(head: Uint8Array): string {
  // `stream: true` holds back an incomplete last character instead of replacing it.
  return new TextDecoder("utf-8", { ignoreBOM: true }).decode(head, { stream: true });
}

function _isUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

function _isBlank(text: string): boolean {
  // Only look further when the line starts with whitespace: JSON lines start with "{".
  return text.length === 0 || (text.charCodeAt(0) <= 32 && text.trim().length === 0);
}
