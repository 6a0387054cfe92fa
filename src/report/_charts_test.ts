import { ok, strictEqual, throws } from "node:assert";
import { barChart, histogram, stackedBarChart } from "./_charts.ts";
import { count, ms, usd } from "./_format.ts";

/** `text` without the whitespace `deno fmt` puts between tags. */
const squash = (text: string) => text.replace(/>\s+</g, "><").replace(/\s+/g, " ").trim();
const bars = (text: string) => text.match(/<rect class="bar/g)?.length ?? 0;
const ticks = (text: string) =>
  Array.from(text.matchAll(/<text class="chart-tick"[^>]*>([^<]*)<\/text>/g), (m) => m[1]);
const between = (text: string, open: string, close: string) =>
  text.slice(text.indexOf(open), text.indexOf(close, text.indexOf(open)) + close.length);

Deno.test("barChart draws a figure with a caption, a named SVG, tooltips and a data table", () => {
  const chart = barChart({
    title: "Cost per job",
    bars: [
      { label: "build", value: 0.25, href: "#job-build", note: "retried" },
      { label: "test", value: 0.1 },
    ],
    unit: usd,
  }).text;
  ok(squash(chart).startsWith('<figure class="chart" id="chart-Cost.20per.20job">'));
  ok(chart.includes("<figcaption>Cost per job</figcaption>"));
  ok(chart.includes('<svg role="img" aria-labelledby="chart-Cost.20per.20job-title"'));
  ok(chart.includes('<title id="chart-Cost.20per.20job-title">Cost per job</title>'));
  ok(
    chart.includes(
      '<desc id="chart-Cost.20per.20job-desc">2 bars; the largest is build, $0.2500.</desc>',
    ),
  );
  strictEqual(bars(chart), 2);
  ok(chart.includes("<title>build: $0.2500 (retried)</title>"));
  ok(chart.includes("<title>test: $0.1000</title>"));
  ok(chart.includes('<a href="#job-build" tabindex="-1">'));
  ok(squash(chart).includes('<details class="chart-data"><summary>Data</summary><table>'));
  ok(
    chart.includes(
      '<th scope="row"><a href="#job-build">build</a></th><td class="num">$0.2500</td><td class="num">retried</td>',
    ),
  );
  ok(!/\sfill=|\sstyle=/.test(chart), "colours come from CSS classes");
  ok(/viewBox="0 0 640 [\d.]+"/.test(chart));
});

Deno.test("barChart stands few short bars up and lays many or long ones on their side", () => {
  const few = barChart({
    title: "t",
    bars: [{ label: "a", value: 1 }, { label: "b", value: 2 }],
    unit: count,
  }).text;
  ok(few.includes('text-anchor="end">2</text>'), "upright: value ticks on the left");
  ok(
    few.includes('class="chart-label" x="') &&
      !few.includes('dy="0.35em" text-anchor="end">a</text>'),
  );
  const many = barChart({
    title: "t",
    bars: Array.from({ length: 9 }, (_, i) => ({ label: `l${i}`, value: i })),
    unit: count,
  }).text;
  ok(many.includes('dy="0.35em" text-anchor="end">l0</text>'), "sideways: labels on the left");
  const long =
    barChart({ title: "t", bars: [{ label: "a rather long label", value: 1 }], unit: count }).text;
  ok(long.includes('text-anchor="end">a rather long label</text>'));
  const forced =
    barChart({ title: "t", bars: [{ label: "a", value: 1 }], unit: count, horizontal: true }).text;
  ok(forced.includes('text-anchor="end">a</text>'));
});

Deno.test("barChart ticks are a few round values from 0 past the largest", () => {
  const chart = barChart({
    title: "t",
    bars: [{ label: "a", value: 730 }, { label: "b", value: 90 }],
    unit: ms,
  }).text;
  strictEqual(ticks(chart).join(" | "), "0 ms | 200 ms | 400 ms | 600 ms | 800 ms");
  const small = barChart({ title: "t", bars: [{ label: "a", value: 0.013 }], unit: usd }).text;
  strictEqual(ticks(small).join(" | "), "$0.00 | $0.0050 | $0.0100 | $0.0150");
});

Deno.test("barChart copes with zero, single and equal values", () => {
  const zeros = barChart({
    title: "t",
    bars: [{ label: "a", value: 0 }, { label: "b", value: 0 }],
    unit: count,
  }).text;
  strictEqual(bars(zeros), 0);
  strictEqual(ticks(zeros).join(), "0");
  ok(zeros.includes('<td class="num">0</td>'));
  ok(!zeros.includes("NaN") && !zeros.includes("Infinity"));
  const single = barChart({ title: "t", bars: [{ label: "only", value: 5 }], unit: count }).text;
  strictEqual(bars(single), 1);
  ok(single.includes("1 bar; the largest is only, 5."));
  const equal = barChart({
    title: "t",
    bars: Array.from({ length: 4 }, (_, i) => ({ label: `${i}`, value: 3 })),
    unit: count,
  }).text;
  strictEqual(bars(equal), 4);
  strictEqual(
    new Set(
      equal.match(/<rect class="bar part-0" x="[\d.]+" y="[\d.]+" width="[\d.]+"/g)!.map((r) =>
        r.replace(/ x="[\d.]+"/, "")
      ),
    ).size,
    1,
  );
  const odd = barChart({
    title: "t",
    bars: [{ label: "a", value: -1 }, { label: "b", value: NaN }, { label: "c", value: 2 }],
    unit: count,
  }).text;
  strictEqual(bars(odd), 1);
  ok(!/="NaN"|="-/.test(odd.slice(odd.indexOf("<svg"), odd.indexOf("</svg>"))));
});

Deno.test("barChart says when it has no bars instead of drawing an empty SVG", () => {
  const chart = barChart({ title: "Cost per job", bars: [], unit: usd }).text;
  ok(chart.includes("No data"));
  ok(!chart.includes("<svg"));
});

Deno.test("barChart draws the 50 largest of 1,000 bars, in order, and the table keeps all", () => {
  const many = Array.from(
    { length: 1000 },
    (_, i) => ({ label: `job-${i}`, value: (i * 37) % 1000 }),
  );
  const chart = barChart({ title: "Cost", bars: many, unit: count }).text;
  strictEqual(bars(chart), 50);
  ok(chart.includes('<p class="chart-note">50 of 1,000 shown, the largest</p>'));
  const svg = between(chart, "<svg", "</svg>");
  const shown = Array.from(
    svg.matchAll(/<title>job-(\d+): ([\d,]+)<\/title>/g),
    (m) => Number(m[2]!.replace(",", "")),
  );
  strictEqual(shown.length, 50);
  strictEqual(Math.min(...shown), 950);
  const table = between(chart, "<table>", "</table>");
  strictEqual(table.match(/<tr>/g)?.length, 1001);
  ok(chart.length < 200_000, `${chart.length} bytes`);
});

Deno.test("barChart escapes labels and notes and refuses links out of the page", () => {
  const attack = "</script><img src=x onerror=alert(1)>";
  const chart =
    barChart({ title: attack, bars: [{ label: attack, value: 1, note: attack }], unit: count })
      .text;
  ok(!chart.includes("<img") && !chart.includes("</script>"));
  throws(
    () =>
      barChart({
        title: "t",
        bars: [{ label: "a", value: 1, href: "https://example.com" }],
        unit: count,
      }),
    /^TypeError: Invalid bar href "https:\/\/example.com": it must link within the page/,
  );
});

Deno.test("stackedBarChart stacks parts in legend order with one colour per part and a legend", () => {
  const chart = stackedBarChart({
    title: "Tokens per turn",
    legend: ["input", "output", "cache write", "cache read"],
    stacks: [
      { label: "1", parts: [{ name: "output", value: 300 }, { name: "input", value: 1200 }] },
      { label: "2", parts: [{ name: "cache read", value: 5000 }, { name: "input", value: 10 }] },
      { label: "3", parts: [] },
    ],
    unit: count,
  }).text;
  strictEqual(bars(chart), 4);
  ok(chart.includes('<ul class="chart-legend">'));
  ok(chart.includes('<rect class="part-3" width="10" height="10" /></svg>cache read</li>'));
  const svg = between(chart, "<svg role", "</svg>");
  ok(svg.indexOf("1 — input: 1,200") < svg.indexOf("1 — output: 300"));
  ok(/<rect class="bar part-1"[^>]*><title>1 — output: 300<\/title>/.test(svg));
  ok(/<rect class="bar part-3"[^>]*><title>2 — cache read: 5,000<\/title>/.test(svg));
  strictEqual(ticks(chart).at(-1), "6,000");
  ok(
    chart.includes(
      '<th scope="row">1</th><td class="num">1,200</td><td class="num">300</td><td class="num"></td><td class="num"></td><td class="num">1,500</td>',
    ),
  );
  ok(
    chart.includes(
      '<th scope="row">3</th><td class="num"></td><td class="num"></td><td class="num"></td><td class="num"></td><td class="num">0</td>',
    ),
  );
});

Deno.test("stackedBarChart copes with no stacks, zeros and 1,000 stacks", () => {
  ok(
    stackedBarChart({ title: "t", stacks: [], unit: count, legend: ["a"] }).text.includes(
      "No data",
    ),
  );
  const zeros = stackedBarChart({
    title: "t",
    stacks: [{ label: "1", parts: [{ name: "a", value: 0 }] }],
    unit: count,
    legend: ["a"],
  }).text;
  strictEqual(bars(zeros), 0);
  const many = stackedBarChart({
    title: "t",
    legend: ["a", "b"],
    stacks: Array.from({ length: 1000 }, (_, i) => ({
      label: `${i + 1}`,
      parts: [{ name: "a", value: i }, { name: "b", value: 1 }],
    })),
    unit: count,
  }).text;
  strictEqual(bars(many), 100);
  ok(many.includes("50 of 1,000 shown, the largest"));
});

Deno.test("histogram bins values on round edges, 5 to 30 bins, with round ticks", () => {
  const values = Array.from({ length: 200 }, (_, i) => (i * 7919) % 1000 * 10);
  const chart = histogram({ title: "Durations", values, unit: ms }).text;
  const drawn = bars(chart);
  ok(drawn >= 5 && drawn <= 30, `${drawn} bins`);
  const labels = ticks(chart);
  ok(labels.includes("0 ms") && labels.includes("10 s"), labels.join());
  ok(chart.includes("200 values from 0 ms to 9.87 s in 5 bins; the median is 4.97 s."));
  const rows = between(chart, "<tbody>", "</tbody>").match(/<tr>/g)?.length;
  strictEqual(rows, drawn);
  const counted = Array.from(chart.matchAll(/<title>[^<]*: (\d+)<\/title>/g), (m) => Number(m[1]));
  strictEqual(counted.reduce((a, b) => a + b, 0), 200);
});

Deno.test("histogram takes the number of bins asked for", () => {
  const chart =
    histogram({ title: "t", values: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], bins: 2, unit: count })
      .text;
  strictEqual(bars(chart), 2);
  ok(chart.includes("<title>0–5: 5</title>") && chart.includes("<title>5–10: 6</title>"));
});

Deno.test("histogram copes with no values, one value, equal values and non-numbers", () => {
  const none = histogram({ title: "Cost", values: [], unit: usd }).text;
  ok(none.includes('<p class="chart-empty">No data</p>'));
  ok(!none.includes("<svg"));
  const one = histogram({ title: "Cost", values: [0.5], unit: usd }).text;
  strictEqual(bars(one), 1);
  ok(one.includes("All 1 values are $0.5000."));
  const equal = histogram({ title: "Cost", values: [2, 2, 2], unit: usd }).text;
  strictEqual(bars(equal), 1);
  ok(equal.includes("<title>$2.00: 3</title>"));
  strictEqual(ticks(equal).filter((t) => t === "$2.00").length, 1);
  const zeros = histogram({ title: "Cost", values: [0, 0], unit: usd }).text;
  strictEqual(bars(zeros), 1);
  const odd = histogram({ title: "Cost", values: [NaN, Infinity, 1, 2], unit: count }).text;
  ok(odd.includes("2 values left out: not a number"));
  const onlyOdd = histogram({ title: "Cost", values: [NaN], unit: count }).text;
  ok(onlyOdd.includes("No data") && onlyOdd.includes("1 value left out"));
  for (const chart of [one, equal, zeros, odd]) ok(!/NaN|Infinity/.test(chart), chart);
});

Deno.test("histogram of 1,000 skewed values stays within 30 bins", () => {
  const values = Array.from({ length: 1000 }, (_, i) => Math.exp(i / 100));
  const chart = histogram({ title: "t", values, unit: count }).text;
  const rows = between(chart, "<tbody>", "</tbody>").match(/<tr>/g)?.length ?? 0;
  ok(rows >= 5 && rows <= 30, `${rows} bins`);
});
