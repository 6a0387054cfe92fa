/**
 * Shards of a batch: each job belongs to exactly one of N shards by a stable hash of its id, so N
 * machines (or the pods of a Kubernetes Indexed Job) can split one jobs file without talking.
 *
 * @module
 */
import { BatchInputError } from "./batch_input_error.ts";

/** One shard of N: `index` is 0-based (`--shard 2/3` is `{ index: 1, count: 3 }`). */
export interface Shard {
  /** Which shard, from 0 to `count - 1`. */
  index: number;
  /** How many shards there are, at least 1. */
  count: number;
}

const SHARD_HINT = "Pass the shard as I/N, 1-based: --shard 1/3, --shard 2/3 and --shard 3/3";

/**
 * Parses the 1-based `I/N` text of `--shard` (or of `CLAW_SHARD`; `source` names it in the
 * message): `"2/3"` is the second shard of three, `{ index: 1, count: 3 }`. Throws a
 * {@linkcode BatchInputError} for anything else.
 *
 * @example
 * ```ts
 * import { deepStrictEqual, throws } from "node:assert";
 * import { parseShard } from "./shard.ts";
 *
 * deepStrictEqual(parseShard("2/3"), { index: 1, count: 3 });
 * throws(() => parseShard("5/3"), /Invalid --shard "5\/3": it must be I\/N with 1 ≤ I ≤ N/);
 * ```
 */
export function parseShard(text: string, source = "--shard"): Shard {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const number = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!(Number.isSafeInteger(number) && Number.isSafeInteger(count))) {
    throw new BatchInputError(`Invalid ${source} "${text}": it must be I/N, like 2/3`, {
      hint: SHARD_HINT,
    });
  }
  if (number < 1 || number > count) {
    const first = number === 0 && count > 0
      ? ` (shards count from 1: the first is 1/${count})`
      : "";
    throw new BatchInputError(
      `Invalid ${source} "${text}": it must be I/N with 1 ≤ I ≤ N${first}`,
      { hint: SHARD_HINT },
    );
  }
  return { index: number - 1, count };
}

/**
 * The shard the environment names: `CLAW_SHARD` (`I/N`, 1-based, as `--shard`), else
 * `JOB_COMPLETION_INDEX` (0-based, set by a Kubernetes Indexed Job) when `shards` says how many
 * there are. `undefined` when neither applies. Throws a {@linkcode BatchInputError} for a bad
 * value, an index out of range, or a `CLAW_SHARD` whose N is not `shards`.
 *
 * @example Read the shard of a Kubernetes Indexed Job pod
 * ```ts
 * import { deepStrictEqual, strictEqual } from "node:assert";
 * import { shardFromEnv } from "./shard.ts";
 *
 * deepStrictEqual(shardFromEnv({ JOB_COMPLETION_INDEX: "0" }, 4), { index: 0, count: 4 });
 * deepStrictEqual(shardFromEnv({ CLAW_SHARD: "3/4" }), { index: 2, count: 4 });
 * strictEqual(shardFromEnv({}), undefined);
 * ```
 */
export function shardFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  shards?: number,
): Shard | undefined {
  if (shards !== undefined && !(Number.isSafeInteger(shards) && shards >= 1)) {
    throw new BatchInputError(
      `Invalid shard count "${shards}": it must be a whole number of at least 1`,
      { hint: "Pass --shards N, the number of shards" },
    );
  }
  const text = env.CLAW_SHARD;
  if (text !== undefined && text !== "") {
    const shard = parseShard(text, "CLAW_SHARD");
    if (shards !== undefined && shard.count !== shards) {
      throw new BatchInputError(
        `CLAW_SHARD "${text}" says ${shard.count} shards but --shards says ${shards}: make them agree or unset CLAW_SHARD`,
        { hint: SHARD_HINT },
      );
    }
    return shard;
  }
  const index = env.JOB_COMPLETION_INDEX;
  if (index === undefined || index === "" || shards === undefined) return undefined;
  const value = /^\d+$/.test(index.trim()) ? Number(index.trim()) : NaN;
  if (!(Number.isSafeInteger(value) && value < shards)) {
    throw new BatchInputError(
      `Invalid JOB_COMPLETION_INDEX "${index}": it must be a whole number from 0 to ${
        shards - 1
      } with --shards ${shards}`,
      { hint: "Set the Indexed Job's completions to the --shards count" },
    );
  }
  return { index: value, count: shards };
}

/**
 * Whether the job `id` belongs to `shard`: the FNV-1a 32-bit hash of its UTF-8 bytes, modulo the
 * shard count, is the shard's index. Stable across runs, machines and claw versions, so every
 * shard agrees on the split without talking to the others.
 *
 * @example Split ids between two shards
 * ```ts
 * import { ok } from "node:assert";
 * import { inShard } from "./shard.ts";
 *
 * const first = inShard("job-1", { index: 0, count: 2 });
 * const second = inShard("job-1", { index: 1, count: 2 });
 * ok(first !== second);
 * ```
 */
export function inShard(id: string, shard: Shard): boolean {
  return shardOf(id, shard.count) === shard.index;
}

/**
 * The 0-based shard of `count` that the job `id` belongs to (see {@linkcode inShard}).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { shardOf } from "./shard.ts";
 *
 * strictEqual(shardOf("a", 1), 0);
 * strictEqual(shardOf("a", 3), 0xe40c292c % 3);
 * ```
 */
export function shardOf(id: string, count: number): number {
  return fnv1a32(encoder.encode(id)) % count;
}

const encoder = new TextEncoder();

/** The 32-bit FNV-1a hash of `bytes`. */
function fnv1a32(bytes: Uint8Array): number {
  let hash = 0x811c9dc5;
  for (const byte of bytes) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
