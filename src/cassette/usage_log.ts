/**
 * The usage log: what every replay served and what missed, appended line by line to one file
 * (`CLAW_CASSETTE_USAGE=FILE`, or the `usage` option of `cassetteSpawner`) by every process that
 * replays, the fake `claude` included. `claw cassette usage` reads it back
 * (see `usage_report.ts`).
 *
 * ```ndjson
 * {"t":"2026-12-07T21:00:00.000Z","pid":4242,"dir":"/repo/fixtures","served":"/repo/fixtures/hello.ndjson"}
 * {"t":"2026-12-07T21:00:01.000Z","pid":4243,"dir":"/repo/fixtures","missed":{"argv":["-p","Say bye"],"message":"No cassette in …"}}
 * ```
 *
 * It also counts runs for the header's `times` and for playlists: in-process, a spawner counts
 * what it served itself; the fake `claude` is a new process for every run, so it counts what the
 * log holds (a playlist or an upper bound through the fake `claude` needs the log).
 *
 * @module
 */
import { resolve } from "node:path";

/** One line of the usage log. */
export type UsageEntry =
  & {
    /** When (ISO time). */
    t: string;
    /** The process that replayed. */
    pid: number;
    /** The folder of cassettes (absolute). */
    dir: string;
  }
  & (
    | { served: string }
    | { missed: { argv: string[]; message: string } }
  );

/** Options for {@linkcode UsageLog}. */
export interface UsageLogOptions {
  /** The folder of cassettes the log is kept for. */
  dir: string;
  /** The file to append to; without one, runs are only counted in memory. */
  file?: string;
  /**
   * Count what the file holds (for every process that served from `dir`), not only what this
   * log served: what the fake `claude`, a new process per run, needs.
   */
  shared?: boolean;
}

/**
 * Counts the runs each cassette served and appends each served run and miss to the log file.
 *
 * @example Two runs served, counted, and in the file
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { join } from "node:path";
 * import { readUsageLog, UsageLog } from "./usage_log.ts";
 *
 * const dir = await Deno.makeTempDir();
 * const log = new UsageLog({ dir, file: join(dir, "usage.ndjson") });
 * await log.served(join(dir, "hello.ndjson"));
 * await log.served(join(dir, "hello.ndjson"));
 * strictEqual((await log.counts()).get(join(dir, "hello.ndjson")), 2);
 * strictEqual((await readUsageLog(join(dir, "usage.ndjson"))).length, 2);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export class UsageLog {
  readonly #dir: string;
  readonly #file: string | undefined;
  readonly #shared: boolean;
  readonly #counts = new Map<string, number>();

  /** A log for the cassettes of `options.dir`. */
  constructor(options: UsageLogOptions) {
    this.#dir = resolve(options.dir);
    this.#file = options.file === undefined ? undefined : resolve(options.file);
    this.#shared = options.shared ?? false;
  }

  /** How many runs each cassette (by absolute path) served. */
  async counts(): Promise<ReadonlyMap<string, number>> {
    if (!this.#shared || this.#file === undefined) return this.#counts;
    const counts = new Map<string, number>();
    for (const entry of await readUsageLog(this.#file)) {
      if (entry.dir === this.#dir && "served" in entry) {
        counts.set(entry.served, (counts.get(entry.served) ?? 0) + 1);
      }
    }
    return counts;
  }

  /** Counts a run the cassette at `path` served, and logs it. */
  async served(path: string): Promise<void> {
    const served = resolve(path);
    this.#counts.set(served, (this.#counts.get(served) ?? 0) + 1);
    await this.#append({ served });
  }

  /** Logs a run no cassette served. */
  async missed(argv: readonly string[], message: string): Promise<void> {
    await this.#append({ missed: { argv: [...argv], message } });
  }

  async #append(what: { served: string } | { missed: { argv: string[]; message: string } }) {
    if (this.#file === undefined) return;
    const entry = { t: new Date().toISOString(), pid: Deno.pid, dir: this.#dir, ...what };
    // One write per line under an exclusive lock: lines of processes appending at once never mix.
    const file = await Deno.open(this.#file, { append: true, create: true });
    try {
      await file.lock(true);
      const bytes = new TextEncoder().encode(`${JSON.stringify(entry)}\n`);
      let written = 0;
      while (written < bytes.length) written += await file.write(bytes.subarray(written));
    } finally {
      file.close();
    }
  }
}

/**
 * Reads a usage log; a missing file is an empty log, and a line that is not a log entry (a write
 * cut off by a crash) is skipped.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { readUsageLog } from "./usage_log.ts";
 *
 * strictEqual((await readUsageLog("no-such-usage.ndjson")).length, 0);
 * ```
 */
export async function readUsageLog(path: string): Promise<UsageEntry[]> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
  return text.split("\n").flatMap((line) => {
    try {
      const entry = JSON.parse(line) as UsageEntry;
      return typeof entry?.dir === "string" && ("served" in entry || "missed" in entry)
        ? [entry]
        : [];
    } catch {
      return [];
    }
  });
}
