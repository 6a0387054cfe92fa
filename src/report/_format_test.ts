import { strictEqual } from "node:assert";
import { count, ms, shorten, usd } from "./_format.ts";

Deno.test("usd shows four decimals under a dollar and two from a dollar on", () => {
  strictEqual(usd(0.0123), "$0.0123");
  strictEqual(usd(0.5), "$0.5000");
  strictEqual(usd(0.99996), "$1.00");
  strictEqual(usd(1), "$1.00");
  strictEqual(usd(12.345), "$12.35");
  strictEqual(usd(1234567.891), "$1,234,567.89");
  strictEqual(usd(0), "$0.00");
  strictEqual(usd(0.00001), "<$0.0001");
  strictEqual(usd(-0.25), "-$0.2500");
  strictEqual(usd(NaN), "—");
});

Deno.test("ms shows milliseconds, seconds, minutes and hours", () => {
  strictEqual(ms(0), "0 ms");
  strictEqual(ms(850), "850 ms");
  strictEqual(ms(999.4), "999 ms");
  strictEqual(ms(999.6), "1 s");
  strictEqual(ms(1250), "1.25 s");
  strictEqual(ms(1234), "1.23 s");
  strictEqual(ms(59_999), "1 min");
  strictEqual(ms(600_000), "10 min");
  strictEqual(ms(125_000), "2 min 5 s");
  strictEqual(ms(3_599_400), "59 min 59 s");
  strictEqual(ms(3_600_000), "1 h");
  strictEqual(ms(3_660_000), "1 h 1 min");
  strictEqual(ms(90_000_000), "25 h");
  strictEqual(ms(-850), "-850 ms");
  strictEqual(ms(Infinity), "—");
});

Deno.test("count groups thousands and rounds fractions", () => {
  strictEqual(count(0), "0");
  strictEqual(count(12345), "12,345");
  strictEqual(count(1234567), "1,234,567");
  strictEqual(count(2.6), "3");
  strictEqual(count(NaN), "—");
});

Deno.test("shorten keeps one line and never splits a character in two", () => {
  strictEqual(shorten("a\n\n b", 10), "a b");
  strictEqual(shorten("😀😀😀😀", 3), "😀😀…");
});
