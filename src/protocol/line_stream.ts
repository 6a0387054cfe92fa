/**
 * Splits the bytes of the CLI's stdout into lines.
 *
 * @module
 */

import { _LineSplitter } from "./_line_splitter.ts";

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
}

/**
 * A `TransformStream` that splits bytes into {@linkcode Line}s with `TextLineStream` semantics:
 * lines end at `\n` or `\r\n` (also when the `\r\n` is split across chunks), a final line without
 * a newline is still emitted with `terminated: false`, and blank lines are skipped. Only byte 0x0A
 * breaks a line, so U+2028 and U+2029 inside JSON strings never do.
 *
 * Lines have no length cap and cost linear time: the chunks of a pending line are kept in an array
 * and joined once, so a 100 MB line is fine. Invalid UTF-8 is replaced, not fatal.
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
 */
export class LineStream extends TransformStream<Uint8Array, Line> {
  /** Creates a line splitter. */
  constructor() {
    let splitter: _LineSplitter;
    super({
      start(controller) {
        splitter = new _LineSplitter((line) => controller.enqueue(line));
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
