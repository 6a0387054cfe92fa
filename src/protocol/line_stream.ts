/**
 * Splits the bytes of the CLI's stdout into lines.
 *
 * @module
 */

import { checkMaxLineBytes, LineSplitter } from "./line_splitter.ts";

/**
 * The default `maxLineBytes` of {@linkcode LineStream} and `decodeEvents`: 256 MiB. A longer line
 * is skipped and reported, because decoding it would cost several times its size in memory and
 * JavaScript strings end at about 512 MiB.
 *
 * @example Read the default
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { DEFAULT_MAX_LINE_BYTES } from "./line_stream.ts";
 *
 * strictEqual(DEFAULT_MAX_LINE_BYTES, 256 * 1024 * 1024);
 * ```
 */
export const DEFAULT_MAX_LINE_BYTES: number = 256 * 1024 * 1024;

/** Options of {@linkcode LineStream}. */
export interface LineStreamOptions {
  /**
   * The longest line, in bytes without its `\n` or `\r\n`, that is decoded. A longer one is
   * never joined or decoded: its bytes are counted up to the next newline and it comes out as a
   * {@linkcode Line} with `tooLongBytes` set, so memory stays near this limit. Default
   * {@linkcode DEFAULT_MAX_LINE_BYTES}; `Infinity` turns the limit off (a line over about 512 MiB
   * is still reported as too long, as it cannot become a string). Throws a `RangeError` unless a
   * positive whole number or `Infinity`.
   */
  maxLineBytes?: number;
}

/** One line of the CLI's stdout, decoded to text. */
export interface Line {
  /** The line's text, without its `\n` or `\r\n` terminator. */
  text: string;
  /** The 1-based line number; blank lines are skipped but still counted. */
  lineNumber: number;
  /** `false` for a final line that the stream ended before its newline. */
  terminated: boolean;
  /** `true` when the bytes were not valid UTF-8 and invalid sequences became U+FFFD. */
  invalidUtf8: boolean;
  /**
   * Set only for a line that was too long to decode (over `maxLineBytes`, or over the longest
   * string JavaScript can hold): its length in bytes, without its terminator. The line was
   * skipped: `text` holds just its start (up to 200 bytes) and `invalidUtf8` is `false`.
   */
  tooLongBytes?: number;
}

/**
 * A `TransformStream` that splits bytes into {@linkcode Line}s with `TextLineStream` semantics:
 * lines end at `\n` or `\r\n` (also when the `\r\n` is split across chunks), a final line without
 * a newline is still emitted with `terminated: false`, and blank lines are skipped. Only byte 0x0A
 * breaks a line, so U+2028 and U+2029 inside JSON strings never do.
 *
 * Lines cost linear time: the chunks of a pending line are kept in an array and joined once, so a
 * 100 MB line is fine. A line over `maxLineBytes` (default {@linkcode DEFAULT_MAX_LINE_BYTES}) is
 * skipped instead, with memory bounded near the limit, and emitted with `tooLongBytes` set; the
 * lines after it are split as usual. Invalid UTF-8 is replaced, not fatal.
 *
 * @example Split a chunked byte stream into lines
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { LineStream } from "./line_stream.ts";
 *
 * const encoder = new TextEncoder();
 * const bytes = ReadableStream.from([encoder.encode('{"a":1}\r'), encoder.encode("\n\n{")]);
 * const lines = await Array.fromAsync(bytes.pipeThrough(new LineStream()));
 * deepStrictEqual(lines, [
 *   { text: '{"a":1}', lineNumber: 1, terminated: true, invalidUtf8: false },
 *   { text: "{", lineNumber: 3, terminated: false, invalidUtf8: false },
 * ]);
 * ```
 *
 * @example Skip a line over the limit
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { LineStream } from "./line_stream.ts";
 *
 * const bytes = ReadableStream.from([new TextEncoder().encode("0123456789\nok\n")]);
 * const lines = await Array.fromAsync(bytes.pipeThrough(new LineStream({ maxLineBytes: 4 })));
 * deepStrictEqual(lines, [
 *   { text: "0123456789", lineNumber: 1, terminated: true, invalidUtf8: false, tooLongBytes: 10 },
 *   { text: "ok", lineNumber: 2, terminated: true, invalidUtf8: false },
 * ]);
 * ```
 */
export class LineStream extends TransformStream<Uint8Array, Line> {
  /** Creates a line splitter; throws a `RangeError` for an invalid `maxLineBytes`. */
  constructor(options: LineStreamOptions = {}) {
    const maxLineBytes = checkMaxLineBytes(options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES);
    let splitter: LineSplitter;
    super({
      start(controller) {
        splitter = new LineSplitter((line) => controller.enqueue(line), maxLineBytes);
      },
      transform(chunk) {
        splitter.push(chunk);
      },
      flush() {
        splitter.end();
      },
    });
  }
}
