/**
 * Answers to control requests sent before their recorded place. A host may wait for the answer
 * to a control request before it writes more, while the recording has that answer after later
 * stdin lines (an Agent SDK writes its prompt right after `initialize`, without waiting). Before
 * a replay waits for stdin, it sends the answers to the requests already in, as the CLI would
 * have; each is skipped at its recorded place (counted by the live id it carries). Otherwise the
 * recorded order stands.
 */
import type { CassetteRecord, StdoutRecord } from "./cassette.ts";
import { answeredId, controlRequestId } from "./_control_lines.ts";

/** Which answers a replay owes and which it sent early; ids are the live ones. */
export class EarlyAnswers {
  readonly #owed = new Set<string>();
  readonly #sent = new Map<string, number>();

  /** A stdin line the replay took: a control request in it is owed an answer. */
  took(line: string, live: (id: string) => string): void {
    const id = controlRequestId(line);
    if (id !== undefined) this.#owed.add(live(id));
  }

  /**
   * The owed answers found in `records` from `next` on, to send now; they are skipped when the
   * replay reaches them. Anything still owed afterwards this recording never answers.
   */
  due(records: readonly CassetteRecord[], next: number, live: (id: string) => string) {
    const due: StdoutRecord[] = [];
    for (let i = next; i < records.length && this.#owed.size > 0; i++) {
      const id = answeredId(records[i]!);
      if (id === undefined || !this.#owed.delete(live(id))) continue;
      due.push(records[i] as StdoutRecord);
      this.#sent.set(live(id), (this.#sent.get(live(id)) ?? 0) + 1);
    }
    this.#owed.clear();
    return due;
  }

  /** Whether any answer is owed. */
  get owing(): boolean {
    return this.#owed.size > 0;
  }

  /**
   * Whether the stdout `record` the replay reaches was sent early (then it is counted off);
   * an answer played at its place is no longer owed.
   */
  sentEarly(record: StdoutRecord, live: (id: string) => string): boolean {
    if (this.#sent.size === 0 && this.#owed.size === 0) return false;
    const id = answeredId(record);
    if (id === undefined) return false;
    const count = this.#sent.get(live(id)) ?? 0;
    if (count === 0) {
      this.#owed.delete(live(id));
      return false;
    }
    if (count === 1) this.#sent.delete(live(id));
    else this.#sent.set(live(id), count - 1);
    return true;
  }
}
