/**
 * One end of a child's output pipe that claw can let go of: a byte stream with backpressure while
 * the child runs, read eagerly once it has exited, and ended from claw's side when something else
 * still holds the pipe's write end (a process the child started), so no reader waits on it forever.
 */
export class PipeReader {
  /** The bytes, for whoever consumes the pipe. */
  readonly stream: ReadableStream<Uint8Array>;
  /** Resolves when the pipe has reached end of file (or was let go of, or cancelled). */
  readonly ended: Promise<void>;
  readonly #source: ReadableStreamDefaultReader<Uint8Array>;
  #controller!: ReadableStreamDefaultController<Uint8Array>;
  #wake: (() => void) | undefined;
  #eager = false;
  #atEnd = false;

  constructor(source: ReadableStream<Uint8Array>) {
    this.#source = source.getReader();
    this.stream = new ReadableStream<Uint8Array>({
      start: (controller) => {
        this.#controller = controller;
      },
      pull: () => this.#wakeUp(),
      cancel: (reason) => this.#source.cancel(reason),
    });
    this.ended = this.#pump();
  }

  /** Whether the pipe has reached its end. */
  get atEnd(): boolean {
    return this.#atEnd;
  }

  /** Reads on without waiting for the consumer: the writer is gone, what is left is bounded. */
  readEagerly(): void {
    this.#eager = true;
    this.#wakeUp();
  }

  /** Stops reading: the consumer sees the end of the stream after what was already read. */
  letGo(): void {
    this.#source.cancel().catch(() => {});
    this.readEagerly();
  }

  #wakeUp(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  async #pump(): Promise<void> {
    const controller = this.#controller;
    try {
      while (true) {
        while (!this.#eager && (controller.desiredSize ?? 0) <= 0) {
          await new Promise<void>((resolve) => this.#wake = resolve);
        }
        const { value, done } = await this.#source.read();
        if (done) break;
        controller.enqueue(value);
      }
      controller.close();
    } catch (error) {
      try {
        controller.error(error);
      } catch {
        // the consumer cancelled the stream
      }
    } finally {
      this.#atEnd = true;
    }
  }
}
