/**
 * What one turn of a session received, kept so that its {@linkcode ClaudeTurn} can be iterated
 * (more than once) and awaited, whenever the caller gets to it.
 */
import type { ClawError } from "../errors/claw_error.ts";
import type { DecodedItem } from "../protocol/events.ts";
import { TurnFacts } from "./facts.ts";
import type { Totals } from "./totals.ts";

/** A turn's items and how it ended, written by the session, read by its turn. */
export class TurnLog {
  /** The turn's items, in order. */
  readonly items: DecodedItem[] = [];
  /** What the items say. */
  readonly facts: TurnFacts = new TurnFacts();
  /** Why the turn failed, once it has ended; `undefined` when it succeeded. */
  failure: ClawError | undefined;
  /** Whether the turn has ended. */
  ended = false;
  /** What the turn cost and used, set when its `result` arrives. */
  totals: Totals | undefined;
  /** Settles when the turn ends. */
  readonly done: Promise<void>;
  #resolveDone!: () => void;
  #changed = Promise.withResolvers<void>();
  #placed = Promise.withResolvers<void>();

  constructor() {
    this.done = new Promise((resolve) => this.#resolveDone = resolve);
  }

  /** Whether the CLI has printed anything for this turn yet. */
  get started(): boolean {
    return this.items.length > 0;
  }

  /** Settles once the turn's message has been written to a process (or the turn ended first). */
  get placed(): Promise<void> {
    return this.#placed.promise;
  }

  /** Whether the turn's message has been written to a process. */
  isPlaced = false;

  /** The turn's message has been written to a process. */
  markPlaced(): void {
    this.isPlaced = true;
    this.#placed.resolve();
  }

  /** Adds an item. */
  push(item: DecodedItem): void {
    if (this.ended) return;
    this.items.push(item);
    this.facts.observe(item);
    this.#notify();
  }

  /** Ends the turn, failed or not; later calls change nothing. */
  end(failure: ClawError | undefined): void {
    if (this.ended) return;
    this.ended = true;
    this.failure = failure;
    this.#resolveDone();
    this.#placed.resolve();
    this.#notify();
  }

  /** Settles at the next item or at the end. */
  changed(): Promise<void> {
    return this.#changed.promise;
  }

  #notify(): void {
    this.#changed.resolve();
    this.#changed = Promise.withResolvers<void>();
  }
}
