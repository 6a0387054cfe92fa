/**
 * One writer per results file: a lock file beside it (`results.jsonl.lock`), made with
 * `createNew` and holding the writer's pid and host, so a second batch on the same output is
 * refused instead of running every job again. A lock whose process is gone (killed, crashed) is
 * taken over with a warning. The lock is removed when released, and when the process exits
 * without releasing it (`Deno.exit`).
 *
 * @module
 */
import { resolve } from "node:path";
import process from "node:process";
import { ClawError } from "../errors/claw_error.ts";
import { messageOf } from "../errors/message_of.ts";

/** What a lock file holds, as one JSON line. */
interface Holder {
  pid: number;
  host: string;
  started_at: string;
}

/** The locks this process holds, by absolute path: its own pid in a lock is not a stale one. */
const held = new Set<string>();

/**
 * How many times a lock is tried before giving up: a lock file read empty (its writer is between
 * creating and writing it) is read again 50 ms later, so an empty one is given half a second.
 */
const ATTEMPTS = 10;

/** A held lock on a results file; release it (or dispose) when the writing is over. */
export class _ResultsLock implements Disposable {
  /** The lock file. */
  readonly path: string;
  readonly #absolute: string;
  readonly #content: string;
  readonly #onUnload = () => this.release();
  #released = false;

  private constructor(path: string, content: string) {
    this.path = path;
    this.#absolute = resolve(path);
    this.#content = content;
    held.add(this.#absolute);
    globalThis.addEventListener("unload", this.#onUnload);
  }

  /**
   * Takes the lock of the results file `results`. Throws a `ClawError` of kind
   * `results_in_use` naming the pid that holds it; takes over, with a warning, a lock whose
   * process on this host is no longer running.
   */
  static async acquire(
    results: string,
    options: { onWarning?: ((message: string) => void) | undefined } = {},
  ): Promise<_ResultsLock> {
    const path = `${results}.lock`;
    const mine: Holder = {
      pid: Deno.pid,
      host: thisHost(),
      started_at: new Date().toISOString(),
    };
    const content = `${JSON.stringify(mine)}\n`;
    let found: Holder | undefined;
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      try {
        await Deno.writeTextFile(path, content, { createNew: true });
        return new _ResultsLock(path, content);
      } catch (error) {
        if (!(error instanceof Deno.errors.AlreadyExists)) throw cannot("make", path, error);
      }
      const text = await Deno.readTextFile(path).catch((error) => {
        if (error instanceof Deno.errors.NotFound) return undefined; // released meanwhile
        throw cannot("read", path, error);
      });
      if (text === undefined) continue;
      found = parseHolder(text);
      if (found === undefined) {
        await new Promise((wake) => setTimeout(wake, 50)); // being written: read it again
        continue;
      }
      if (!isStale(found, path)) break;
      if (await takeOver(path, text)) {
        options.onWarning?.(
          `Took over the lock "${path}": the batch that held it (pid ${found.pid}) is no longer running`,
        );
      }
    }
    throw inUse(results, path, found);
  }

  /** Removes the lock file, unless someone else's replaced it. Safe to call twice. */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    held.delete(this.#absolute);
    globalThis.removeEventListener("unload", this.#onUnload);
    try {
      if (Deno.readTextFileSync(this.path) === this.#content) Deno.removeSync(this.path);
    } catch {
      // gone already
    }
  }

  /** Same as {@linkcode _ResultsLock.release}, for `using`. */
  [Symbol.dispose](): void {
    this.release();
  }
}

/** This machine's name; empty when claw may not ask it (no `--allow-sys`). */
function thisHost(): string {
  try {
    return Deno.hostname();
  } catch {
    return "";
  }
}

function parseHolder(text: string): Holder | undefined {
  try {
    const value = JSON.parse(text);
    return Number.isInteger(value?.pid) && typeof value?.host === "string" ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Whether `holder` is a process on this host that is no longer running. */
function isStale(holder: Holder, path: string): boolean {
  if (holder.host !== thisHost()) return false; // its pid means nothing here
  if (holder.pid === Deno.pid) return !held.has(resolve(path)); // an earlier process with our pid
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (error) {
    return (error as { code?: string }).code === "ESRCH";
  }
}

/**
 * Moves the stale lock at `path` (with content `stale`) out of the way. Returns false when it
 * was no longer the stale one (another batch took it over first): that one is put back.
 */
async function takeOver(path: string, stale: string): Promise<boolean> {
  const aside = `${path}.${crypto.randomUUID().slice(0, 8)}.stale`;
  try {
    await Deno.rename(path, aside);
  } catch {
    return false; // gone already: try again
  }
  try {
    if (await Deno.readTextFile(aside) === stale) return true;
    await Deno.link(aside, path).catch(() => {});
    return false;
  } finally {
    await Deno.remove(aside).catch(() => {});
  }
}

function inUse(results: string, path: string, holder: Holder | undefined): ClawError {
  const who = holder === undefined
    ? "another batch"
    : holder.host === thisHost()
    ? `another batch (pid ${holder.pid})`
    : `a batch on "${holder.host}" (pid ${holder.pid})`;
  const sure = holder?.host === thisHost()
    ? ""
    : `; if no batch is writing it, remove the lock "${path}"`;
  return new ClawError(
    "results_in_use",
    `Cannot write the results file "${results}": ${who} is writing it: wait for that batch to end, or write to another file${sure}`,
  );
}

function cannot(verb: "make" | "read", path: string, error: unknown): Error {
  const why = messageOf(error);
  return new Error(`Cannot ${verb} the lock "${path}" of the results file: ${why}`, {
    cause: error,
  });
}
