/**
 * A folder of cassettes, indexed by matching key, with the nearest-match explanation for a miss.
 *
 * @module
 */
import { join, relative } from "node:path";
import { CassetteMissError } from "../errors/claw_error.ts";
import {
  type Cassette,
  type CassetteHeader,
  looksLikeCassette,
  parseCassette,
} from "./cassette.ts";
import type { CassetteSource } from "./replay.ts";

/** A cassette file found in a store. */
export interface StoredCassette {
  /** Its path. */
  path: string;
  /** Its header. */
  header: CassetteHeader;
}

/**
 * The cassettes under a folder (recursively, `*.ndjson` files that start with a cassette header).
 *
 * @example Look a run up by its key
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { cassetteKey } from "./cassette.ts";
 * import { CassetteStore } from "./cassette_store.ts";
 *
 * const store = await CassetteStore.open("fixtures/cassettes/2.1.332");
 * const argv = ["-p", "--output-format=stream-json", "--verbose", "--", "Say hello"];
 * const { cassette } = await store.load(await cassetteKey(argv), argv);
 * strictEqual(cassette.header.cli_version, "2.1.332");
 * ```
 */
export class CassetteStore implements CassetteSource {
  /** The folder the store indexes. */
  readonly dir: string;
  readonly #byKey: Map<string, StoredCassette>;

  private constructor(dir: string, cassettes: StoredCassette[]) {
    this.dir = dir;
    this.#byKey = new Map();
    for (const cassette of cassettes) {
      const other = this.#byKey.get(cassette.header.key);
      if (other) {
        throw new TypeError(
          `Cassettes "${other.path}" and "${cassette.path}" in "${dir}" record the same arguments (key ${cassette.header.key}), so a run could not tell them apart: remove one, or record them with different arguments (for example --session-id)`,
        );
      }
      this.#byKey.set(cassette.header.key, cassette);
    }
  }

  /** Indexes the cassettes under `dir` (a missing folder is an empty store). */
  static async open(dir: string): Promise<CassetteStore> {
    const found: StoredCassette[] = [];
    for (const path of await walk(dir)) {
      const header = await readHeader(path);
      if (header) found.push({ path, header });
    }
    return new CassetteStore(dir, found);
  }

  /** Every cassette in the store. */
  get cassettes(): StoredCassette[] {
    return [...this.#byKey.values()];
  }

  /** The CLI version the store's cassettes were recorded with (the first one known), else `null`. */
  cliVersion(): Promise<string | null> {
    const version = this.cassettes.map((c) => c.header.cli_version).find((v) => v);
    return Promise.resolve(version ?? null);
  }

  /** The cassette recorded under `key`, if any. */
  find(key: string): StoredCassette | undefined {
    return this.#byKey.get(key);
  }

  /** Reads the cassette recorded under `key`; throws {@linkcode CassetteMissError} when none is. */
  async load(key: string, argv: readonly string[]): Promise<{ path: string; cassette: Cassette }> {
    const stored = this.find(key);
    if (!stored) throw new CassetteMissError(this.explainMiss(key, argv));
    return {
      path: stored.path,
      cassette: parseCassette(await Deno.readTextFile(stored.path), stored.path),
    };
  }

  /** Names the nearest cassette to `argv` and the first field that differs. */
  explainMiss(key: string, argv: readonly string[]): string {
    const start = `No cassette in "${this.dir}" matches this run (key ${key})`;
    let best: { stored: StoredCassette; score: number; difference: string } | undefined;
    for (const stored of this.#byKey.values()) {
      const { score, difference } = compareArgv(stored.header.argv, argv);
      if (!best || score > best.score) best = { stored, score, difference };
    }
    if (!best) return `${start}: the folder holds no cassettes`;
    return `${start}: the nearest is "${
      relative(this.dir, best.stored.path)
    }", which differs at ${best.difference}`;
  }
}

/**
 * The first difference between a recorded argv and a run's, in words.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { argvDifference } from "./cassette_store.ts";
 *
 * strictEqual(argvDifference(["-p", "hi"], ["-p", "ho"]), 'argv[1]: recorded "hi", this run "ho"');
 * ```
 */
export function argvDifference(recorded: readonly string[], actual: readonly string[]): string {
  return compareArgv(recorded, actual).difference;
}

/** How alike two argvs are, and the first difference in words. */
function compareArgv(
  recorded: readonly string[],
  actual: readonly string[],
): { score: number; difference: string } {
  let first = -1;
  let same = 0;
  for (let i = 0; i < Math.max(recorded.length, actual.length); i++) {
    if (recorded[i] === actual[i]) same++;
    else if (first === -1) first = i;
  }
  if (first === -1) {
    return { score: Infinity, difference: "nothing (same argv, another key format)" };
  }
  const show = (value: string | undefined) =>
    value === undefined ? "(nothing)" : JSON.stringify(value.slice(0, 120));
  return {
    score: first * 1000 + same,
    difference: `argv[${first}]: recorded ${show(recorded[first])}, this run ${
      show(actual[first])
    }`,
  };
}

async function walk(dir: string): Promise<string[]> {
  const paths: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      const path = join(dir, entry.name);
      if (entry.isDirectory) paths.push(...await walk(path));
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
    return looksLikeCassette(firstLine) ? parseCassette(firstLine, path).header : undefined;
  } finally {
    file.close();
  }
}
