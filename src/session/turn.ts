/**
 * One turn of a session: the events from a prompt to its `result`.
 *
 * @module
 */
import { ClawError } from "../errors/claw_error.ts";
import type { DecodedItem, ResultEvent } from "../protocol/events.ts";
import type { TurnLog } from "./_turn_log.ts";
import { type JsonSchemaOption, structuredOutputOf } from "./structured.ts";
import type { Totals } from "./totals.ts";

/**
 * A turn of a {@linkcode ClaudeSession}, made by `send()`. Iterate it for the turn's typed events
 * (control traffic left out), or await {@linkcode ClaudeTurn.result}, {@linkcode ClaudeTurn.text}
 * or {@linkcode ClaudeTurn.structured}. A failed turn (kind `aborted` when it was interrupted)
 * throws its {@linkcode ClawError} after every event it produced, so nothing received is lost.
 * The events are kept: a turn can be iterated more than once, before or after it ends.
 */
export class ClaudeTurn implements AsyncIterable<DecodedItem> {
  /** The prompt that started the turn. */
  readonly prompt: string;
  /**
   * The id (`uuid`) of the turn's user message, as the CLI stores it: what `rewindFiles()` and
   * `resumeSessionAt` take.
   */
  readonly userMessageId: string;
  readonly #log: TurnLog;
  readonly #schema: JsonSchemaOption | undefined;

  /** A turn reading `log`; made by the session. */
  constructor(
    prompt: string,
    log: TurnLog,
    options: { schema: JsonSchemaOption | undefined; userMessageId: string },
  ) {
    this.prompt = prompt;
    this.userMessageId = options.userMessageId;
    this.#log = log;
    this.#schema = options.schema;
  }

  /** Whether the turn has ended. */
  get ended(): boolean {
    return this.#log.ended;
  }

  /** The turn's `result` event, once it has arrived. */
  get lastResult(): ResultEvent | undefined {
    return this.#log.facts.result;
  }

  /** What the turn cost and used, once its `result` has arrived. */
  get totals(): Totals | undefined {
    return this.#log.totals;
  }

  /** The turn's events as they arrive; at the end, a failed turn throws. */
  async *[Symbol.asyncIterator](): AsyncIterator<DecodedItem> {
    const log = this.#log;
    let index = 0;
    while (true) {
      while (index < log.items.length) yield log.items[index++]!;
      if (log.ended) break;
      await log.changed();
    }
    if (log.failure) throw log.failure;
  }

  /** Waits for the turn's end and returns its `result`; throws a {@linkcode ClawError} when it failed. */
  async result(): Promise<ResultEvent> {
    await this.#log.done;
    if (this.#log.failure) throw this.#log.failure;
    const result = this.#log.facts.result;
    if (!result) throw new ClawError("no_result", "The turn ended without a result");
    return result;
  }

  /** Waits for the turn's end and returns its answer's text. */
  async text(): Promise<string> {
    const result = await this.result();
    return typeof result.result === "string" ? result.result : "";
  }

  /**
   * Waits for the turn's end and returns its structured output, checked against the session's
   * `jsonSchema` when that is a Standard Schema. Fails with kind `structured_output` when the
   * result has none, the CLI gave up on the schema, or the value does not match.
   */
  async structured<T = unknown>(): Promise<T> {
    return await structuredOutputOf<T>(await this.result(), this.#schema);
  }
}
