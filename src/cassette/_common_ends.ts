/**
 * How many characters two strings share at their start and, after that, at their end: what is
 * set aside before comparing them (an edit distance, the part of a line a redaction changed).
 */
export function commonEnds(a: string, b: string): { head: number; tail: number } {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (
    tail < a.length - head && tail < b.length - head &&
    a[a.length - 1 - tail] === b[b.length - 1 - tail]
  ) tail++;
  return { head, tail };
}
