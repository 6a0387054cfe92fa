/**
 * What the benchmark scripts share: the median of samples, whether GNU `time` can measure peak
 * memory and CPU here, and a child's output read line by line.
 *
 * @module
 */

/** The median of `values` (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  const sorted = values.toSorted((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

let gnuTime: Promise<boolean> | undefined;

/** Whether `/usr/bin/time -v` runs here (asked once). */
export function hasGnuTime(): Promise<boolean> {
  gnuTime ??= new Deno.Command("/usr/bin/time", {
    args: ["-v", "-o", "/dev/null", "true"],
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).output().then((out) => out.success, () => false);
  return gnuTime;
}

/** Splits a byte stream into lines, keeping a partial line's chunks in an array. */
export async function* lines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  let pending: string[] = [];
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    let from = 0;
    for (let at = chunk.indexOf("\n"); at !== -1; at = chunk.indexOf("\n", from)) {
      pending.push(chunk.slice(from, at));
      yield pending.join("");
      pending = [];
      from = at + 1;
    }
    if (from < chunk.length) pending.push(chunk.slice(from));
  }
  if (pending.length) yield pending.join("");
}
