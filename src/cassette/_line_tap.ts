/** Line splitting for taps on byte streams that must pass the bytes on untouched. */

/** Collects the lines of a byte stream as it passes; `end()` reports a last line without newline. */
export class LineCollector {
  readonly #decoder = new TextDecoder();
  readonly #onLine: (line: string, eol: boolean) => void;
  #pending: string[] = [];

  constructor(onLine: (line: string, eol: boolean) => void) {
    this.#onLine = onLine;
  }

  push(chunk: Uint8Array): void {
    const text = this.#decoder.decode(chunk, { stream: true });
    let start = 0;
    let newline = text.indexOf("\n");
    while (newline !== -1) {
      this.#pending.push(text.slice(start, newline));
      this.#onLine(this.#pending.join(""), true);
      this.#pending = [];
      start = newline + 1;
      newline = text.indexOf("\n", start);
    }
    if (start < text.length) this.#pending.push(text.slice(start));
  }

  end(): void {
    const rest = this.#pending.join("") + this.#decoder.decode();
    this.#pending = [];
    if (rest !== "") this.#onLine(rest, false);
  }
}

/**
 * A pass-through transform that reports each line; `done` settles when the stream ends or is
 * cancelled, after the last line was reported.
 */
export function lineTap(onLine: (line: string, eol: boolean) => void) {
  const collector = new LineCollector(onLine);
  const { promise: done, resolve } = Promise.withResolvers<void>();
  const finish = () => {
    collector.end();
    resolve();
  };
  const stream = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      collector.push(chunk);
      controller.enqueue(chunk);
    },
    flush: finish,
    cancel: finish,
  });
  return { stream, done };
}
