/** Keeps the last `limit` characters of a byte stream (the CLI's stderr), decoded as text. */
export class StderrTail {
  #text = "";
  readonly #limit: number;
  readonly done: Promise<void>;

  constructor(stream: ReadableStream<Uint8Array>, limit = 8192) {
    this.#limit = limit;
    this.done = this.#collect(stream);
  }

  async #collect(stream: ReadableStream<Uint8Array>): Promise<void> {
    try {
      for await (const text of stream.pipeThrough(new TextDecoderStream())) {
        this.#text = (this.#text + text).slice(-this.#limit);
      }
    } catch {
      // a cancelled or broken stderr leaves what was read
    }
  }

  /** The tail read so far, trimmed; `undefined` when stderr was empty. */
  get text(): string | undefined {
    const text = this.#text.trim();
    return text === "" ? undefined : text;
  }
}
