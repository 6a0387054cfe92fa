/**
 * What a test suite did with a folder of cassettes, from the usage logs its replays appended
 * (see `usage_log.ts`): the cassettes never used, those used more or fewer times than their
 * `times` allows, and the runs no cassette served. `claw cassette usage` prints it.
 *
 * @module
 */
import { relative, resolve } from "node:path";
import { CassetteStore } from "./cassette_store.ts";
import { describeTimes, type Times, timesBounds } from "./times.ts";
import { readUsageLog } from "./usage_log.ts";

/** A cassette served a number of runs its `times` does not allow. */
export interface TimesBreach {
  /** The cassette, relative to the folder. */
  path: string;
  /** The runs it served. */
  served: number;
  /** Its `times`, in words (`exactly 1 run`). */
  times: string;
}

/** A run no cassette of the folder served. */
export interface UsageMiss {
  /** The run's argv, redacted. */
  argv: string[];
  /** The miss, as the replay gave it. */
  message: string;
  /** How many runs missed with this argv and message. */
  count: number;
}

/** What {@linkcode usageReport} finds. */
export interface UsageReport {
  /** The folder of cassettes, absolute. */
  cassettes: string;
  /** How many cassettes it holds. */
  cassette_count: number;
  /** How many runs the logs hold for it (served and missed). */
  runs: number;
  /** Cassettes no run used, relative to the folder. */
  unused: string[];
  /** Cassettes used more or fewer times than their `times` allows. */
  times: TimesBreach[];
  /** Runs no cassette served, one entry per argv and message. */
  misses: UsageMiss[];
}

/** Options for {@linkcode usageReport}. */
export interface UsageReportOptions {
  /** The usage logs (one per process group, or one for the whole suite). */
  logs: readonly string[];
  /** The folder of cassettes they are about. */
  cassettes: string;
}

/**
 * Reads the usage logs and says, for the cassettes of one folder, which were never used, which
 * broke their `times`, and which runs missed. Entries for other folders are left out.
 *
 * @example A folder whose one cassette no run used
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { usageReport } from "./usage_report.ts";
 *
 * const report = await usageReport({ logs: [], cassettes: "fixtures/demo" });
 * deepStrictEqual(report.unused, ["demo.ndjson"]);
 * ```
 */
export async function usageReport(options: UsageReportOptions): Promise<UsageReport> {
  const dir = resolve(options.cassettes);
  const served = new Map<string, number>();
  const misses = new Map<string, UsageMiss>();
  let runs = 0;
  for (const log of options.logs) {
    for (const entry of await readUsageLog(log)) {
      if (entry.dir !== dir) continue;
      runs++;
      if ("served" in entry) served.set(entry.served, (served.get(entry.served) ?? 0) + 1);
      else {
        const key = JSON.stringify([entry.missed.argv, entry.missed.message]);
        const seen = misses.get(key);
        if (seen) seen.count++;
        else misses.set(key, { ...entry.missed, count: 1 });
      }
    }
  }
  const cassettes = await CassetteStore.list(dir);
  const count = (path: string) => served.get(resolve(path)) ?? 0;
  return {
    cassettes: dir,
    cassette_count: cassettes.length,
    runs,
    unused: cassettes.filter(({ path }) => count(path) === 0).map(({ path }) =>
      relative(dir, path)
    ),
    times: cassettes.flatMap(({ path, header }) => {
      if (header.times === undefined) return [];
      const { min, max } = timesBounds(header.times);
      const n = count(path);
      return n >= min && n <= max
        ? []
        : [{ path: relative(dir, path), served: n, times: describeTimes(header.times as Times) }];
    }),
    misses: [...misses.values()],
  };
}
