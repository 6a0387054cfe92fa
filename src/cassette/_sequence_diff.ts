/** Where two short lists differ: the hunks of a longest-common-subsequence diff. */

/** One place where two lists differ: what the first had there, what the second has instead. */
export interface Hunk<T> {
  /** The item both lists have just before the hunk, when there is one. */
  before?: T;
  /** The items of the first list here (none: the second added some). */
  removed: T[];
  /** The items of the second list here (none: the first's are gone). */
  added: T[];
}

/** Above this many cells the middle is one hunk rather than a diff (lists of thousands). */
const MAX_CELLS = 4_000_000;

/**
 * The hunks that turn `a` into `b`, in order, comparing items with `===`; none when equal.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { sequenceHunks } from "./_sequence_diff.ts";
 *
 * deepStrictEqual(sequenceHunks(["a", "b", "c"], ["a", "x", "c", "d"]), [
 *   { before: "a", removed: ["b"], added: ["x"] },
 *   { before: "c", removed: [], added: ["d"] },
 * ]);
 * ```
 */
export function sequenceHunks<T>(a: readonly T[], b: readonly T[]): Hunk<T>[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const x = a.slice(start, endA);
  const y = b.slice(start, endB);
  if (x.length === 0 && y.length === 0) return [];
  const at = (index: number) => (index > 0 ? { before: a[index - 1]! } : {});
  if (x.length * y.length > MAX_CELLS || x.length === 0 || y.length === 0) {
    return [{ ...at(start), removed: x, added: y }];
  }
  // lengths[i][j]: the longest common subsequence of x[i..] and y[j..].
  const lengths = Array.from({ length: x.length + 1 }, () => new Uint32Array(y.length + 1));
  for (let i = x.length - 1; i >= 0; i--) {
    for (let j = y.length - 1; j >= 0; j--) {
      lengths[i]![j] = x[i] === y[j]
        ? lengths[i + 1]![j + 1]! + 1
        : Math.max(lengths[i + 1]![j]!, lengths[i]![j + 1]!);
    }
  }
  const hunks: Hunk<T>[] = [];
  let open: Hunk<T> | undefined;
  let i = 0;
  let j = 0;
  while (i < x.length || j < y.length) {
    if (i < x.length && j < y.length && x[i] === y[j]) {
      open = undefined;
      i++;
      j++;
      continue;
    }
    if (!open) {
      open = { ...at(start + i), removed: [], added: [] };
      hunks.push(open);
    }
    if (j >= y.length || (i < x.length && lengths[i + 1]![j]! >= lengths[i]![j + 1]!)) {
      open.removed.push(x[i++]!);
    } else {
      open.added.push(y[j++]!);
    }
  }
  return hunks;
}
