/**
 * Shards of a batch: each job belongs to exactly one of N shards by a stable hash of its id, so N
 * machines (the pods of a Kubernetes Indexed Job, the tasks of a Slurm job array) can split one
 * jobs file without talking.
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

/** A shard and what named it, as `claw batch run` reports it. */
export interface ShardChoice extends Shard {
  /**
   * What named the shard, as it was written: `--shard 2/3`, `CLAW_SHARD=2/3`,
   * `JOB_COMPLETION_INDEX=1 with --shards 3`, `SLURM_ARRAY_TASK_ID=1 with --shards 3` or
   * `SLURM_ARRAY_TASK_ID=1 (SLURM_ARRAY_TASK_MIN=0, SLURM_ARRAY_TASK_COUNT=3)`.
   */
  from: string;
}

/** What {@linkcode chooseShard} reads besides the environment. */
export interface ShardOptions {
  /** The text of `--shard I/N`: it wins over the environment. */
  shard?: string | undefined;
  /** The shard count of `--shards N`. */
  shards?: number | undefined;
}

/**
 * The shard `claw batch run` runs, and what named it, in this order:
 *
 * 1. `--shard I/N` (`options.shard`), 1-based.
 * 2. `CLAW_SHARD=I/N`, 1-based; with `--shards N` the two must agree.
 * 3. `JOB_COMPLETION_INDEX` (0-based, set by a Kubernetes Indexed Job), with `--shards N`.
 * 4. `SLURM_ARRAY_TASK_ID` (set in each task of a Slurm job array). Without `--shards`, the array
 *    describes itself: the index is `SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN` (a missing MIN is
 *    0) and the count `SLURM_ARRAY_TASK_COUNT`, so `sbatch --array=1-3` runs shards 1/3 to 3/3;
 *    the array must be contiguous (`SLURM_ARRAY_TASK_MAX - SLURM_ARRAY_TASK_MIN + 1` tasks).
 *    With `--shards N` the task id itself is the 0-based index, as `JOB_COMPLETION_INDEX` is, so
 *    a task submitted again on its own (`sbatch --array=1`, where Slurm says MIN 1 and COUNT 1)
 *    still runs its shard; then every task id of the array (up to `SLURM_ARRAY_TASK_MAX`) must be
 *    below N.
 *
 * `undefined` when none applies: the whole jobs file. Throws a {@linkcode BatchInputError} (exit
 * 2 at the CLI) for a bad value, an index outside the count, or counts that disagree.
 *
 * @example Read the shard of a Slurm array task, and say where it came from
 * ```ts
 * import { deepStrictEqual, strictEqual } from "node:assert";
 * import { chooseShard } from "./shard.ts";
 *
 * const env = {
 *   SLURM_ARRAY_TASK_ID: "5",
 *   SLURM_ARRAY_TASK_MIN: "4",
 *   SLURM_ARRAY_TASK_MAX: "6",
 *   SLURM_ARRAY_TASK_COUNT: "3",
 * };
 * deepStrictEqual(chooseShard(env), {
 *   index: 1,
 *   count: 3,
 *   from: "SLURM_ARRAY_TASK_ID=5 (SLURM_ARRAY_TASK_MIN=4, SLURM_ARRAY_TASK_COUNT=3)",
 * });
 * strictEqual(chooseShard(env, { shard: "1/2" })?.from, "--shard 1/2");
 * strictEqual(chooseShard({}), undefined);
 * ```
 */
export function chooseShard(
  env: Readonly<Record<string, string | undefined>>,
  options: ShardOptions = {},
): ShardChoice | undefined {
  const { shard, shards } = options;
  if (shard !== undefined) return { ...parseShard(shard), from: `--shard ${shard}` };
  if (shards !== undefined && !(Number.isSafeInteger(shards) && shards >= 1)) {
    throw new BatchInputError(
      `Invalid shard count "${shards}": it must be a whole number of at least 1`,
      { hint: "Pass --shards N, the number of shards" },
    );
  }
  const text = env.CLAW_SHARD;
  if (text !== undefined && text !== "") {
    const parsed = parseShard(text, "CLAW_SHARD");
    if (shards !== undefined && parsed.count !== shards) {
      throw new BatchInputError(
        `CLAW_SHARD "${text}" says ${parsed.count} shards but --shards says ${shards}: make them agree or unset CLAW_SHARD`,
        { hint: SHARD_HINT },
      );
    }
    return { ...parsed, from: `CLAW_SHARD=${text}` };
  }
  const index = env.JOB_COMPLETION_INDEX;
  if (index !== undefined && index !== "" && shards !== undefined) {
    const value = wholeNumber(index);
    if (!(value !== undefined && value < shards)) {
      throw new BatchInputError(
        `Invalid JOB_COMPLETION_INDEX "${index}": it must be a whole number from 0 to ${
          shards - 1
        } with --shards ${shards}`,
        { hint: "Set the Indexed Job's completions to the --shards count" },
      );
    }
    return {
      index: value,
      count: shards,
      from: `JOB_COMPLETION_INDEX=${index} with --shards ${shards}`,
    };
  }
  return slurmShard(env, shards);
}

/**
 * The shard the environment names (see {@linkcode chooseShard}, which also says where it came
 * from): `CLAW_SHARD` (`I/N`, 1-based, as `--shard`), else `JOB_COMPLETION_INDEX` (0-based, set by
 * a Kubernetes Indexed Job) when `shards` says how many there are, else `SLURM_ARRAY_TASK_ID` (a
 * Slurm array task). `undefined` when none applies. Throws a {@linkcode BatchInputError} for a bad
 * value, an index out of range, or a count that disagrees with `shards`.
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
  const choice = chooseShard(env, { shards });
  return choice && { index: choice.index, count: choice.count };
}

const SLURM_HINT =
  "Submit one contiguous array from 0 (sbatch --array=0-2 for 3 shards), or pass --shards N and number the tasks from 0 to N-1";

/** The shard of a Slurm array task (`SLURM_ARRAY_TASK_*`), as {@linkcode chooseShard} says. */
function slurmShard(
  env: Readonly<Record<string, string | undefined>>,
  shards: number | undefined,
): ShardChoice | undefined {
  const idText = env.SLURM_ARRAY_TASK_ID;
  if (idText === undefined || idText === "") return undefined;
  const slurm = (name: string) => {
    const text = env[`SLURM_ARRAY_TASK_${name}`];
    if (text === undefined || text === "") return undefined;
    const value = wholeNumber(text);
    if (value === undefined) {
      throw new BatchInputError(
        `Invalid SLURM_ARRAY_TASK_${name} "${text}": it must be a whole number, as Slurm sets it in an array task`,
        {
          hint:
            "Run claw batch in a task of a Slurm job array (sbatch --array=0-2), or unset SLURM_ARRAY_TASK_ID",
        },
      );
    }
    return { text, value };
  };
  const id = slurm("ID")!.value;
  const max = slurm("MAX");
  if (shards !== undefined) {
    if (id >= shards) {
      throw new BatchInputError(
        `Invalid SLURM_ARRAY_TASK_ID "${idText}": it must be from 0 to ${
          shards - 1
        } with --shards ${shards} (the task id is the 0-based shard)`,
        { hint: SLURM_HINT },
      );
    }
    if (max !== undefined && max.value >= shards) {
      throw new BatchInputError(
        `The array's tasks go up to SLURM_ARRAY_TASK_MAX "${max.text}" but --shards says ${shards}: make them agree (sbatch --array=0-${
          shards - 1
        } with --shards ${shards})`,
        { hint: SLURM_HINT },
      );
    }
    return {
      index: id,
      count: shards,
      from: `SLURM_ARRAY_TASK_ID=${idText} with --shards ${shards}`,
    };
  }
  const min = slurm("MIN");
  const count = slurm("COUNT");
  if (count === undefined || count.value < 1) {
    throw new BatchInputError(
      `SLURM_ARRAY_TASK_ID "${idText}" names a task but SLURM_ARRAY_TASK_COUNT ${
        count === undefined ? "is not set" : `is "${count.text}"`
      }: claw cannot tell how many shards there are`,
      { hint: "Pass --shards N, the number of tasks of the array" },
    );
  }
  const first = min?.value ?? 0;
  const minText = min?.text ?? "unset, so 0";
  if (max !== undefined && max.value - first + 1 !== count.value) {
    throw new BatchInputError(
      `The Slurm array is not contiguous: SLURM_ARRAY_TASK_MIN "${minText}" to SLURM_ARRAY_TASK_MAX "${max.text}" is not SLURM_ARRAY_TASK_COUNT "${count.text}" tasks, so its task ids are not shards 1 to ${count.text}`,
      { hint: SLURM_HINT },
    );
  }
  const index = id - first;
  if (index < 0 || index >= count.value) {
    throw new BatchInputError(
      `Invalid SLURM_ARRAY_TASK_ID "${idText}": it must be from ${first} to ${
        first + count.value - 1
      } (SLURM_ARRAY_TASK_MIN "${minText}", SLURM_ARRAY_TASK_COUNT "${count.text}")`,
      { hint: SLURM_HINT },
    );
  }
  return {
    index,
    count: count.value,
    from:
      `SLURM_ARRAY_TASK_ID=${idText} (SLURM_ARRAY_TASK_MIN=${minText}, SLURM_ARRAY_TASK_COUNT=${count.text})`,
  };
}

/** `text` as a whole number (blanks around it allowed), or `undefined`. */
function wholeNumber(text: string): number | undefined {
  const trimmed = text.trim();
  const value = /^\d+$/.test(trimmed) ? Number(trimmed) : NaN;
  return Number.isSafeInteger(value) ? value : undefined;
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
