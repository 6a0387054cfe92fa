// The known name a mistyped one most likely meant, for "did you mean" hints.

/** How a name is compared: case, `_` and `-` do not count (`max_turns` means `maxTurns`). */
function normalize(name: string): string {
  return name.toLowerCase().replace(/[-_]/g, "");
}

/** The edit distance between `a` and `b`: insertions, deletions, substitutions and swaps. */
function distance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row: number[] = [i];
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        row.push(j);
        continue;
      }
      const above = rows[i - 1]!;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(above[j]! + 1, row[j - 1]! + 1, above[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, rows[i - 2]![j - 2]! + 1);
      }
      row.push(best);
    }
    rows.push(row);
  }
  return rows[a.length]![b.length]!;
}

/**
 * The one name of `known` that `name` is an obvious typo of: the same but for case, `_` or `-`,
 * or at most two edits away (one for short names) with no other name as close. `undefined` when
 * there is no such name.
 */
export function _closest(name: string, known: readonly string[]): string | undefined {
  const wanted = normalize(name);
  const same = known.find((candidate) => normalize(candidate) === wanted);
  if (same !== undefined) return same;
  const limit = wanted.length <= 4 ? 1 : 2;
  let best: string | undefined;
  let bestDistance = limit + 1;
  let tie = false;
  for (const candidate of known) {
    const d = distance(wanted, normalize(candidate));
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
      tie = false;
    } else if (d === bestDistance) tie = true;
  }
  return tie ? undefined : best;
}
