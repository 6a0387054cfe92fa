// How the report writes numbers and text: money, durations, counts, shortened lines, the same on every page.

const GROUPED = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

/** What a formatter writes for a number it cannot show (`NaN`, `Infinity`). */
const NOT_A_NUMBER = "—";

/**
 * Dollars: four decimals under $1 (`$0.0123`), two from $1 on (`$12.50`, `$1,234.00`). A cost
 * too small to show at four decimals is `<$0.0001`, not `$0.0000`.
 *
 * @example Small and large costs
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { usd } from "./_format.ts";
 *
 * strictEqual(usd(0.0123), "$0.0123");
 * strictEqual(usd(12.5), "$12.50");
 * strictEqual(usd(1234), "$1,234.00");
 * strictEqual(usd(0), "$0.00");
 * strictEqual(usd(0.00001), "<$0.0001");
 * ```
 */
export function usd(n: number): string {
  if (!Number.isFinite(n)) return NOT_A_NUMBER;
  const sign = n < 0 ? "-" : "";
  const size = Math.abs(n);
  if (size === 0) return "$0.00";
  if (size < 0.00005) return `${sign === "-" ? ">-" : "<"}$0.0001`;
  if (Number(size.toFixed(4)) < 1) return `${sign}$${size.toFixed(4)}`;
  const [whole = "0", cents = "00"] = size.toFixed(2).split(".");
  return `${sign}$${GROUPED.format(Number(whole))}.${cents}`;
}

/** `2 min 5 s`, or `2 min` when the smaller unit is 0. */
function both(large: number, largeUnit: string, small: number, smallUnit: string): string {
  return small === 0 ? `${large} ${largeUnit}` : `${large} ${largeUnit} ${small} ${smallUnit}`;
}

/**
 * A duration given in milliseconds: `850 ms` under a second, `1.25 s` under a minute,
 * `2 min 5 s` under an hour, then `1 h 2 min` (`2 min`, `1 h` when that is all).
 *
 * @example Durations of turns and runs
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { ms } from "./_format.ts";
 *
 * strictEqual(ms(850), "850 ms");
 * strictEqual(ms(1250), "1.25 s");
 * strictEqual(ms(2000), "2 s");
 * strictEqual(ms(125_000), "2 min 5 s");
 * strictEqual(ms(3_720_000), "1 h 2 min");
 * ```
 */
export function ms(n: number): string {
  if (!Number.isFinite(n)) return NOT_A_NUMBER;
  if (n < 0) return `-${ms(-n)}`;
  if (Math.round(n) < 1000) return `${Math.round(n)} ms`;
  const seconds = Math.round(n / 10) / 100;
  if (seconds < 60) return `${Number(seconds.toFixed(2))} s`;
  const wholeSeconds = Math.round(n / 1000);
  if (wholeSeconds < 3600) {
    return both(Math.floor(wholeSeconds / 60), "min", wholeSeconds % 60, "s");
  }
  const minutes = Math.round(n / 60_000);
  return both(Math.floor(minutes / 60), "h", minutes % 60, "min");
}

/**
 * A whole number with thousands separators: `12,345` (fractions are rounded).
 *
 * @example A count of tool calls
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { count } from "./_format.ts";
 *
 * strictEqual(count(12345), "12,345");
 * strictEqual(count(7), "7");
 * ```
 */
export function count(n: number): string {
  return Number.isFinite(n) ? GROUPED.format(n) : NOT_A_NUMBER;
}

/**
 * `text` on one line (runs of white space made one space), cut to `most` characters with `…`.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { shorten } from "./_format.ts";
 *
 * strictEqual(shorten("Fix the\n  failing test", 12), "Fix the fai…");
 * strictEqual(shorten(null, 12), "");
 * ```
 */
export function shorten(text: string | null, most: number): string {
  const characters = [...(text ?? "").replace(/\s+/g, " ").trim()];
  return characters.length > most
    ? `${characters.slice(0, most - 1).join("")}…`
    : characters.join("");
}
