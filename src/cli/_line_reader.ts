/**
 * Lines typed (or piped) on stdin, read one at a time by whoever asks next: the REPL's prompt and
 * its permission questions share one reader, so no line is lost between them.
 */

/** Reads `stream` line by line, on demand. */
export class LineReader {
  readonly #lines: AsyncIterator<string>;
  #pending: Promise<IteratorResult<string>> | undefined;

  /** A reader of `stream` (stdin's by default). */
  constructor(stream: ReadableStream<Uint8Array> = Deno.stdin.readable) {
    this.#lines = splitLines(stream);
  }

  /**
   * The next line without its end, or `null` at the end of the input (Ctrl-D) or when `signal`
   * aborts first; a line that arrives after an abort goes to the next caller.
   */
  async next(signal?: AbortSignal): Promise<string | null> {
    if (signal?.aborted) return null;
    this.#pending ??= this.#lines.next();
    const pending = this.#pending;
    const aborted = new Promise<"aborted">((resolve) =>
      signal?.addEventListener("abort", () => resolve("aborted"), { once: true })
    );
    const result = await Promise.race([pending, aborted]);
    if (result === "aborted") return null;
    this.#pending = undefined;
    return result.done ? null : result.value;
  }
}

async function* splitLines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  let partial: string[] = [];
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    let from = 0;
    for (let at = chunk.indexOf("\n"); at !== -1; at = chunk.indexOf("\n", from)) {
      partial.push(chunk.slice(from, at));
      yield partial.join("").replace(/\r$/, "");
      partial = [];
      from = at + 1;
    }
    if (from < chunk.length) partial.push(chunk.slice(from));
  }
  if (partial.length > 0) yield partial.join("").replace(/\r$/, "");
}
