// The byte-to-line state machine behind LineStream, also used by decodeEvents' fused stage.

import type { Line } from "./line_stream.ts";

const LF = 10;
const CR = 13;
const BOM = 0xfeff;

/** Splits byte chunks into lines and calls `onLine` for each non-blank one. */
export class _LineSplitter {
  #pending: Uint8Array[] = [];
  #lineNumber = 0;
  #fatal = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  #lenient = new TextDecoder("utf-8", { ignoreBOM: true });

  #onLine: (line: Line) => void;

  constructor(onLine: (line: Line) => void) {
    this.#onLine = onLine;
  }

  push(chunk: Uint8Array): void {
    const first = chunk.indexOf(LF);
    if (first === -1) {
      if (chunk.length > 0) this.#pending.push(chunk);
      return;
    }
    let start = 0;
    if (this.#pending.length > 0) {
      this.#pending.push(chunk.subarray(0, first));
      this.#emitBytes(this.#takePending(), true);
      start = first + 1;
    }
    const last = chunk.lastIndexOf(LF);
    if (last >= start) this.#emitBatch(chunk.subarray(start, last));
    if (last + 1 < chunk.length) this.#pending.push(chunk.subarray(last + 1));
  }

  end(): void {
    if (this.#pending.length > 0) this.#emitBytes(this.#takePending(), false);
  }

  #takePending(): Uint8Array {
    const chunks = this.#pending;
    this.#pending = [];
    if (chunks.length === 1) return chunks[0]!;
    let length = 0;
    for (const chunk of chunks) length += chunk.length;
    const joined = new Uint8Array(length);
    let offset = 0;
    for (const chunk of chunks) {
      joined.set(chunk, offset);
      offset += chunk.length;
    }
    return joined;
  }

  /** Emits several complete lines at once: one decode call for the whole batch when it is valid. */
  #emitBatch(bytes: Uint8Array): void {
    let text: string;
    try {
      text = this.#fatal.decode(bytes);
    } catch {
      let start = 0;
      while (start <= bytes.length) {
        let end = bytes.indexOf(LF, start);
        if (end === -1) end = bytes.length;
        this.#emitBytes(bytes.subarray(start, end), true);
        start = end + 1;
      }
      return;
    }
    for (const part of text.split("\n")) this.#emit(part, true, false);
  }

  #emitBytes(
    bytes: Uint8Array,
    terminated: boolean,
  ): void {
    let text: string;
    let invalidUtf8 = false;
    try {
      text = this.#fatal.decode(bytes);
    } catch {
      text = this.#lenient.decode(bytes);
      invalidUtf8 = true;
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
}

function _isBlank(text: string): boolean {
  // Only look further when the line starts with whitespace: JSON lines start with "{".
  return text.length === 0 || (text.charCodeAt(0) <= 32 && text.trim().length === 0);
}
