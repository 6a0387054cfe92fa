/** The longest piece of a stderr line handed out at once. */
const MAX_LINE = 65_536;

/**
 * Keeps the last `limit` characters of a byte stream (the CLI's stderr), decoded as text, and
 * hands each whole line to `onLine` as it comes.
 */
export class StderrTail {
  #text = "";
  #partial = "";
  readonly #limit: number;
  #onLine: ((line: string) => void) | undefined;
  /** Resolves once the stream ended or failed and its last line went to `onLine`; never rejects. */
  readonly done: Promise<void>;

  /**
   * Starts reading `stream` (the child's stderr) to its end at once.
   *
   * @param stream The bytes to read.
   * @param options `limit`: how many characters to keep (default 8192); `onLine`: called with each
   * line, without its `\n` or `\r\n` (a callback that throws is not called again).
   */
  constructor(
    stream: ReadableStream<Uint8Array>,
    options: { limit?: number; onLine?: ((line: string) => void) | undefined } = {},
  ) {
    this.#limit = options.limit ?? 8192;
    this.#onLine = options.onLine;
    this.done = this.#collect(stream);
  }

  async #collect(stream: ReadableStream<Uint8Array>): Promise<void> {
    try {
      for await (const text of stream.pipeThrough(new TextDecoderStream())) {
        this.#text = (this.#text + text).slice(-this.#limit);
        if (this.#onLine) this.#lines(text);
      }
    } catch {
      // a cancelled or broken stderr leaves what was read
    }
    if (this.#partial !== "") this.#emit(this.#partial);
  }

  #lines(text: string): void {
    const lines = (this.#partial + text).split("\n");
    this.#partial = lines.pop()!;
    while (this.#partial.length > MAX_LINE) { // a line that never ends goes out in pieces
      lines.push(this.#partial.slice(0, MAX_LINE));
      this.#partial = this.#partial.slice(MAX_LINE);
    }
    for (const line of lines) this.#emit(line.endsWith("\r") ? line.slice(0, -1) : line);
  }

  #emit(line: string): void {
    try {
      this.#onLine?.(line);
    } catch {
      this.#onLine = undefined; // a callback that throws is not called again
    }
  }

  /** The tail read so far, trimmed; `undefined` when stderr was empty. */
  get text(): string | undefined {
    const text = this.#text.trim();
    return text === "" ? undefined : text;
  }
}
