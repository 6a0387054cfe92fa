/**
 * A folder of cassettes, indexed by matching key, with the nearest-match explanation for a miss.
 *
 * @module
 */
import { join, relative, resolve } from "node:path";
import { CassetteMissError } from "../errors/claw_error.ts";
import {
  type Cassette,
  type CassetteHeader,
  cassetteKey,
  looksLikeCassette,
  parseCassette,
  parseCassetteHeader,
  readCassetteFile,
} from "./cassette.ts";
import { canonicalArgv, parseArgv, type ParsedArgv } from "./canonical_argv.ts";
import type { ReplayCandidate } from "./replay.ts";
import type { CassetteSource } from "./replay_request.ts";
import { commonEnds } from "./_common_ends.ts";
import { sequenceHunks } from "./_sequence_diff.ts";
import { argvRefusal, type MatchRequest } from "./matchers.ts";
import { describeTimes, timesBounds } from "./times.ts";

/** A cassette file found in a store. */
export interface StoredCassette {
  /** Its path. */
  path: string;
  /** Its header. */
  header: CassetteHeader;
  /**
   * The key it matches by: computed from the header's `argv` and `input` (see
   * {@linkcode cassetteKey}), so a cassette whose header holds a key of an older kind (`k1:`)
   * matches as well.
   */
  key: string;
  /** The key of its argv alone: the runs a live run's argv can pick among. */
  argvKey: string;
}

/**
 * Two cassettes in one folder that record the same run (the same argv and first user input), so
 * a run could not tell them apart. Its message names both files and what to do.
 */
export class DuplicateCassetteError extends TypeError {
  /** The two files. */
  readonly paths: readonly [string, string];

  /** Two cassettes at `paths` in `dir` with the same `key`. */
  constructor(dir: string, key: string, paths: readonly [string, string]) {
    super(
      `Cassettes "${paths[0]}" and "${
        paths[1]
      }" in "${dir}" record the same run (the same arguments and first input, key ${key}), so a run could not tell them apart: remove one, or record them with different arguments or prompts`,
    );
    this.name = "DuplicateCassetteError";
    this.paths = paths;
  }
}

/**
 * The cassettes under a folder (recursively, `*.ndjson` files that start with a cassette header),
 * indexed by the key of each header's argv and first input. Two with the same key are refused
 * with a {@linkcode DuplicateCassetteError}.
 *
 * @example Look a run up by the key of its argv
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { cassetteKey } from "./cassette.ts";
 * import { CassetteStore } from "./cassette_store.ts";
 *
 * const store = await CassetteStore.open("fixtures/cassettes/2.1.332");
 * const argv = ["-p", "--output-format", "stream-json", "--verbose", "Say hello"];
 * const [found] = await store.candidates(await cassetteKey(argv), argv);
 * strictEqual(found?.cassette.header.cli_version, "2.1.332");
 * ```
 */
export class CassetteStore implements CassetteSource {
  /** The folder the store indexes. */
  readonly dir: string;
  readonly #byKey: Map<string, StoredCassette>;
  readonly #byArgv: Map<string, StoredCassette[]>;
  /** The cassettes with match rules, which no key finds: each is asked. */
  readonly #ruled: StoredCassette[] = [];
  readonly #playlist: StoredCassette[];
  readonly #cassettes = new Map<string, Promise<Cassette>>();

  private constructor(dir: string, cassettes: StoredCassette[], playlist: StoredCassette[]) {
    this.dir = dir;
    this.#byKey = new Map();
    this.#byArgv = new Map();
    this.#playlist = playlist;
    for (const cassette of cassettes) {
      if (playlist.includes(cassette)) continue; // played in its turn, never by key
      if (cassette.header.match) {
        this.#ruled.push(cassette);
        continue;
      }
      const other = this.#byKey.get(cassette.key);
      if (other) throw new DuplicateCassetteError(dir, cassette.key, [other.path, cassette.path]);
      this.#byKey.set(cassette.key, cassette);
      const same = this.#byArgv.get(cassette.argvKey) ?? [];
      this.#byArgv.set(cassette.argvKey, [...same, cassette]);
    }
  }

  /**
   * Indexes the cassettes under `dir` (a missing folder is an empty store). `playlist` names
   * cassettes of the folder (paths relative to it) that answer, in that order, the runs that
   * match them: a retry loop's three calls get three recordings (one may be named twice).
   */
  static async open(dir: string, options: CassetteStoreOptions = {}): Promise<CassetteStore> {
    const found = await CassetteStore.list(dir);
    const playlist = (options.playlist ?? []).map((name) => {
      const stored = found.find(({ path }) => resolve(path) === resolve(dir, name));
      if (!stored) {
        throw new TypeError(
          `The playlist names "${name}", which is not a cassette in "${dir}": name cassettes by their path in the folder`,
        );
      }
      return stored;
    });
    return new CassetteStore(dir, found, playlist);
  }

  /**
   * The cassettes under `dir` (recursively, `*.ndjson` files that start with a cassette header),
   * by path, without indexing them: two that record the same run are both listed.
   */
  static async list(dir: string): Promise<StoredCassette[]> {
    const found: StoredCassette[] = [];
    for (const path of await ndjsonFiles(dir)) {
      const header = await readHeader(path);
      if (!header) continue;
      const argvKey = await cassetteKey(header.argv);
      const key = header.input === undefined
        ? argvKey
        : await cassetteKey(header.argv, header.input);
      found.push({ path, header, key, argvKey });
    }
    return found;
  }

  /** Every cassette in the store. */
  get cassettes(): StoredCassette[] {
    return [...new Set([...this.#byKey.values(), ...this.#ruled, ...this.#playlist])];
  }

  /** The CLI version the store's cassettes were recorded with (the first one known), else `null`. */
  cliVersion(): Promise<string | null> {
    const version = this.cassettes.map((c) => c.header.cli_version).find((v) => v);
    return Promise.resolve(version ?? null);
  }

  /**
   * The cassettes that may answer a run with `argv` (whose key is `argvKey`), first by path: the
   * playlist's next one when the run matches it, else those recorded with that argv and those
   * whose match rules take it (or, with `options.match`, those it takes), less those used up
   * (their `times` counted in `options.counts`). Throws {@linkcode CassetteMissError} that
   * explains why when there is none.
   */
  matching(
    argvKey: string,
    argv: readonly string[],
    options: CandidateOptions = {},
  ): StoredCassette[] {
    const counts = options.counts ?? new Map<string, number>();
    const served = (stored: StoredCassette) => counts.get(resolve(stored.path)) ?? 0;
    const takes = options.match
      ? (stored: StoredCassette) => options.match!({ argv }, stored.header)
      : (stored: StoredCassette) => argvRefusal(argv, stored.header) === undefined;
    if (this.#playlist.some(takes)) {
      const played = [...new Set(this.#playlist)].reduce((sum, stored) => sum + served(stored), 0);
      const next = this.#playlist[played];
      if (next && takes(next)) return [next];
      throw new CassetteMissError(
        next
          ? `The playlist's recording ${played + 1} of ${this.#playlist.length}, "${
            relative(this.dir, next.path)
          }", does not match this run: it differs at ${this.#refusal(next, argv)}`
          : `The playlist in "${this.dir}" has served its ${this.#playlist.length} recordings: this is run ${
            played + 1
          }; add a recording to it, or start a new count (a new spawner or usage log)`,
      );
    }
    const found = options.match
      ? this.cassettes.filter((stored) => !this.#playlist.includes(stored) && takes(stored))
      : [...this.#byArgv.get(argvKey) ?? [], ...this.#ruled.filter(takes)];
    found.sort((a, b) => a.path < b.path ? -1 : 1);
    const left = found.filter((stored) => served(stored) < timesBounds(stored.header.times).max);
    if (left.length > 0) return left;
    const used = found[0];
    if (used) {
      throw new CassetteMissError(
        `The cassette "${relative(this.dir, used.path)}" in "${this.dir}" allows ${
          describeTimes(used.header.times!)
        } and has served ${
          served(used)
        }: raise its times (claw cassette match --times), or record another`,
      );
    }
    throw new CassetteMissError(this.explainMiss(argvKey, argv));
  }

  /**
   * Reads the cassettes {@linkcode matching} finds for a run with `argv`; throws
   * {@linkcode CassetteMissError} when there is none.
   */
  async candidates(
    argvKey: string,
    argv: readonly string[],
    options: CandidateOptions = {},
  ): Promise<ReplayCandidate[]> {
    const stored = this.matching(argvKey, argv, options);
    return await Promise.all(stored.map(async ({ path }) => ({
      path,
      cassette: await this.#cassette(path),
    })));
  }

  /**
   * Reads every cassette of the store through, one at a time, so that one a replay could not
   * play is refused now rather than when a run picks it: throws the first `CassetteFormatError`
   * (by path), which names the file and the line.
   */
  async check(): Promise<void> {
    for (const { path } of this.cassettes.sort((a, b) => a.path < b.path ? -1 : 1)) {
      await readCassetteFile(path);
    }
  }

  /** A cassette of the store, read once and kept: replays never change it. */
  #cassette(path: string): Promise<Cassette> {
    let read = this.#cassettes.get(path);
    if (!read) {
      read = Deno.readTextFile(path).then((text) => parseCassette(text, path));
      read.catch(() => this.#cassettes.delete(path)); // a failed read is tried again
      this.#cassettes.set(path, read);
    }
    return read;
  }

  /**
   * Names the nearest cassette to `argv` and the first element where their canonical forms differ.
   * The nearest is the one with the fewest differing flags (a flag only one of them has, or a value
   * that differs, counts one each), then the smallest edit distance between the prompts, then the
   * fewest flags only one of them has; then the first by path.
   */
  explainMiss(key: string, argv: readonly string[]): string {
    const start = `No cassette in "${this.dir}" matches this run (key ${key})`;
    const run = parseArgv(argv);
    let best: { stored: StoredCassette; distance: ArgvDistance } | undefined;
    const byPath = this.cassettes.sort((a, b) => a.path < b.path ? -1 : 1);
    for (const stored of byPath) {
      const distance = argvDistance(parseArgv(stored.header.argv), run);
      if (!best || closer(distance, best.distance)) best = { stored, distance };
    }
    if (!best) return `${start}: the folder holds no cassettes`;
    return `${start}: the nearest is "${relative(this.dir, best.stored.path)}", which differs at ${
      this.#refusal(best.stored, argv)
    }`;
  }

  /** Where a cassette and a run's argv differ: by its match rules when it has some. */
  #refusal(stored: StoredCassette, argv: readonly string[]): string {
    return stored.header.match
      ? argvRefusal(argv, stored.header) ?? "nothing in its argv (a custom match refused it)"
      : argvDifference(stored.header.argv, argv);
  }
}

/** Options for {@linkcode CassetteStore.open}. */
export interface CassetteStoreOptions {
  /**
   * Cassettes (paths relative to the folder) that answer, in order, the runs that match them:
   * the first matching run gets the first, and so on; a run past the end misses.
   */
  playlist?: readonly string[];
}

/** Options for {@linkcode CassetteStore.matching}: what a replay knows beyond the argv. */
export interface CandidateOptions {
  /** How many runs each cassette (by absolute path) has served: for `times` and playlists. */
  counts?: ReadonlyMap<string, number>;
  /** Decides instead of the argv and the header's rules whether a cassette answers a run. */
  match?: (request: MatchRequest, cassette: CassetteHeader) => boolean;
}

/** How far a run's argv is from a recorded one; smaller is nearer, compared field by field. */
interface ArgvDistance {
  /** Flags only one side has, plus flags whose values differ. */
  flags: number;
  /** The edit distance between the prompts (the positional arguments). */
  prompt: number;
  /** Flags only one side has. */
  missing: number;
}

function closer(a: ArgvDistance, b: ArgvDistance): boolean {
  if (a.flags !== b.flags) return a.flags < b.flags;
  if (a.prompt !== b.prompt) return a.prompt < b.prompt;
  return a.missing < b.missing;
}

/** The distance between two parsed argvs; each unparsed element counts as a flag of its own. */
function argvDistance(recorded: ParsedArgv, run: ParsedArgv): ArgvDistance {
  const valuesByFlag = (parsed: ParsedArgv) => {
    const values = new Map<string, (string | undefined)[]>();
    const add = (name: string, value: string | undefined) =>
      values.set(name, [...values.get(name) ?? [], value]);
    for (const option of parsed.options) {
      const equals = option.indexOf("=");
      if (equals === -1) add(option, undefined);
      else add(option.slice(0, equals), option.slice(equals + 1));
    }
    parsed.unparsed.forEach((arg, index) => add(`${index}\0${arg}`, undefined));
    return values;
  };
  const a = valuesByFlag(recorded);
  const b = valuesByFlag(run);
  let missing = 0;
  let changed = 0;
  for (const name of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(name) ?? [];
    const y = b.get(name) ?? [];
    missing += Math.abs(x.length - y.length);
    for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) changed++;
  }
  return {
    flags: missing + changed,
    prompt: editDistance(recorded.operands.join("\n"), run.operands.join("\n")),
    missing,
  };
}

/** At most this many cells for one edit distance; beyond it the distance is estimated. */
const EDIT_DISTANCE_CELLS = 4_000_000;

/**
 * The Levenshtein distance between two strings (by UTF-16 unit), after their common head and tail
 * are set aside; when the rest is too long to compare cell by cell, the longer rest's length (an
 * upper bound).
 */
function editDistance(a: string, b: string): number {
  const { head, tail } = commonEnds(a, b);
  const x = a.slice(head, a.length - tail);
  const y = b.slice(head, b.length - tail);
  if (x.length === 0 || y.length === 0) return x.length + y.length;
  if (x.length * y.length > EDIT_DISTANCE_CELLS) return Math.max(x.length, y.length);
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const current = [i];
    for (let j = 1; j <= y.length; j++) {
      current[j] = Math.min(
        previous[j]! + 1,
        current[j - 1]! + 1,
        previous[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[y.length]!;
}

/**
 * The first difference between the canonical forms (see `request.ts`) of a recorded argv and a
 * run's, in words: where the two first part (aligned on their longest common subsequence, so a
 * flag only one of them has does not shift the rest), what the recording has there and what the
 * run has. When they differ in more than that, the elements only one of them has follow.
 *
 * @example The README's recording against `claw run`'s argv with another prompt
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { argvDifference } from "./cassette_store.ts";
 *
 * strictEqual(
 *   argvDifference(["-p", "--output-format", "json", "hi"], ["-p", "--output-format=json", "--", "ho"]),
 *   'argv[3]: recorded "hi", this run "ho"',
 * );
 * ```
 */
export function argvDifference(recorded: readonly string[], actual: readonly string[]): string {
  const a = canonicalArgv(recorded);
  const b = canonicalArgv(actual);
  const hunks = sequenceHunks(a, b);
  const [hunk] = hunks;
  if (!hunk) return "nothing (the same canonical argv, another key format)";
  // The first hunk starts where the two first part: after their common head.
  let at = 0;
  while (at < a.length && a[at] === b[at]) at++;
  const first = { at, recorded: hunk.removed[0], run: hunk.added[0] };
  const onlyRecorded = hunks.flatMap(({ removed }) => removed);
  const onlyRun = hunks.flatMap(({ added }) => added);
  const show = (value: string | undefined) =>
    value === undefined ? "(nothing)" : JSON.stringify(value.slice(0, 120));
  const difference = `argv[${first.at}]: recorded ${show(first.recorded)}, this run ${
    show(first.run)
  }`;
  const named = (value: string | undefined) => value === undefined ? 0 : 1;
  if (onlyRecorded.length === named(first.recorded) && onlyRun.length === named(first.run)) {
    return difference;
  }
  const list = (elements: string[]) => elements.map(show).join(", ") || "nothing";
  return `${difference} (canonical order; only recorded: ${list(onlyRecorded)}; only this run: ${
    list(onlyRun)
  })`;
}

/** The `*.ndjson` files under `dir`, recursively, in path order; none when it does not exist. */
export async function ndjsonFiles(dir: string): Promise<string[]> {
  const paths: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      const path = join(dir, entry.name);
      if (entry.isDirectory) paths.push(...await ndjsonFiles(path));
      else if (entry.isFile && entry.name.endsWith(".ndjson")) paths.push(path);
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return paths.sort();
}

async function readHeader(path: string): Promise<CassetteHeader | undefined> {
  const file = await Deno.open(path);
  try {
    const decoder = new TextDecoder();
    const buffer = new Uint8Array(64 * 1024);
    let text = "";
    while (!text.includes("\n")) {
      const read = await file.read(buffer);
      if (read === null) break;
      text += decoder.decode(buffer.subarray(0, read), { stream: true });
      if (!text.startsWith("{")) return undefined;
    }
    const firstLine = text.split("\n", 1)[0] ?? "";
    return looksLikeCassette(firstLine) ? parseCassetteHeader(firstLine, path) : undefined;
  } finally {
    file.close();
  }
}
