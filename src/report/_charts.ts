// Small inline SVG charts for the report: bars, stacked bars and a histogram, each with its data
// as a table for screen readers and print. Colours come from the page's CSS classes.

import { count, shorten } from "./_format.ts";
import { attributes, escapeHtml, type Html, html, htmlId, raw } from "./_html.ts";

/** At most this many bars are drawn; the chart's data table holds them all. */
const MAX_DRAWN = 50;
/** Above this many bars, or with long labels, bar charts lie on their side by default. */
const MAX_UPRIGHT = 8;
const MAX_UPRIGHT_LABEL = 12;
/** The width of every chart's `viewBox`; the page scales it to the column with `width: 100%`. */
const WIDTH = 640;
/** How many colours the page's CSS defines for parts (`part-0` … `part-5`). */
const PALETTE = 6;

/** One bar of a {@linkcode barChart}. */
export interface Bar {
  /** What the bar stands for, e.g. a job id or a tool name. */
  label: string;
  /** Its size; a negative or non-finite value draws as 0 (the data table shows it as given). */
  value: number;
  /** A link within the page, `#` and an id: `#${htmlId("job-" + id)}`. */
  href?: string;
  /** A few words more, shown in the tooltip and the data table. */
  note?: string;
}

/** What {@linkcode barChart} draws. */
export interface BarChartOptions {
  /** The chart's caption, also its accessible name. */
  title: string;
  /** The bars, in the order drawn. */
  bars: readonly Bar[];
  /** Writes a value for people, e.g. `usd` or `ms` from `_format.ts`. */
  unit: (n: number) => string;
  /** Bars on their side; by default when there are more than 8 bars or long labels. */
  horizontal?: boolean;
  /** The id the chart's parts are named from; by default from the title. */
  id?: string;
}

/** One part of a {@linkcode Stack}. */
export interface StackPart {
  /** Which kind of part, one of the chart's legend for a steady colour: `input`, `output`. */
  name: string;
  /** Its size; a negative or non-finite value draws as 0. */
  value: number;
}

/** One stacked bar of a {@linkcode stackedBarChart}. */
export interface Stack {
  /** What the bar stands for, e.g. `turn 3`. */
  label: string;
  /** Its parts, drawn in legend order. */
  parts: readonly StackPart[];
}

/** What {@linkcode stackedBarChart} draws. */
export interface StackedBarChartOptions {
  /** The chart's caption, also its accessible name. */
  title: string;
  /** The bars, in the order drawn. */
  stacks: readonly Stack[];
  /** Writes a value for people. */
  unit: (n: number) => string;
  /** The part names, in order: each keeps one colour across the bars. */
  legend: readonly string[];
  /** Bars on their side; by default when there are more than 8 bars or long labels. */
  horizontal?: boolean;
  /** The id the chart's parts are named from; by default from the title. */
  id?: string;
}

/** What {@linkcode histogram} draws. */
export interface HistogramOptions {
  /** The chart's caption, also its accessible name. */
  title: string;
  /** The values to count; non-finite ones are left out, and the chart says how many. */
  values: readonly number[];
  /** How many bins (1 to 100); by default the Freedman–Diaconis rule, or √n, kept to 5–30. */
  bins?: number;
  /** Writes a value for people. */
  unit: (n: number) => string;
  /** The id the chart's parts are named from; by default from the title. */
  id?: string;
}

/** A bar as drawn: its segments, each with a colour and a tooltip. */
interface Drawn {
  label: string;
  total: number;
  segments: { value: number; part: number; tip: string }[];
  href?: string | undefined;
}

/** A size to draw: negative and non-finite values draw as nothing. */
function size(value: number): number {
  return Number.isFinite(value) && value > 0 ? value : 0;
}

/** A coordinate, to one decimal: enough for a chart, and short. */
function at(n: number): number {
  return Math.round(n * 10) / 10;
}

/** `n` without the noise of binary fractions: `0.30000000000000004` is `0.3`. */
function clean(n: number): number {
  return Number(n.toPrecision(12));
}

/** The round step (1, 2 or 5 times a power of ten) at least `rough`. */
function niceStep(rough: number): number {
  const power = 10 ** Math.floor(Math.log10(rough));
  const scaled = rough / power;
  return (scaled <= 1 ? 1 : scaled <= 2 ? 2 : scaled <= 5 ? 5 : 10) * power;
}

/** A few round ticks from 0 to at least `max`; counts tick in whole numbers. */
function ticks(max: number, whole = false): number[] {
  if (!(max > 0)) return [0];
  let step = niceStep(max / 4);
  if (whole) step = Math.max(1, step);
  const last = Math.ceil(max / step - 1e-9);
  return Array.from({ length: last + 1 }, (_, i) => clean(i * step));
}

function checkHref(href: string | undefined): string | undefined {
  if (href === undefined || href.startsWith("#")) return href;
  throw new TypeError(
    `Invalid bar href "${href}": it must link within the page, like "#job-1", as the report is offline`,
  );
}

/** The `limit` largest items, kept in their order; all of them when there are no more. */
function largest<T>(items: readonly T[], value: (item: T) => number, limit: number): T[] {
  if (items.length <= limit) return [...items];
  const chosen = items.map((item, index) => ({ index, value: size(value(item)) }))
    .sort((a, b) => b.value - a.value)
    .slice(0, limit)
    .map((entry) => entry.index)
    .sort((a, b) => a - b);
  return chosen.map((index) => items[index]!);
}

function capNote(drawn: number, all: number): Html | false {
  if (drawn === all) return false;
  const note = `${count(drawn)} of ${count(all)} shown, the largest`;
  return html`<p class="chart-note">${note}</p>`;
}

/** A chart with nothing to draw: its caption and a "No data" note, and no SVG. */
function empty(title: string, note: Html | false = false): Html {
  return html`
    <figure class="chart">
      <figcaption>${title}</figcaption>
      <p class="chart-empty">No data</p>
      ${note}
    </figure>
  `;
}

/** A drawing: its height and its SVG elements. */
interface Drawing {
  height: number;
  body: Html;
}

/** The chart's `<figure>`: caption, legend, the SVG named by its title, notes and data table. */
function figure(
  id: string,
  parts: { title: string; desc: string; drawing: Drawing; above?: Html; below: Html[] },
): Html {
  const { title, desc, drawing, above, below } = parts;
  const viewBox = `0 0 ${WIDTH} ${at(drawing.height)}`;
  const svgAttributes = attributes({
    role: "img",
    "aria-labelledby": `${id}-title`,
    "aria-describedby": `${id}-desc`,
    viewBox,
  });
  return html`
    <figure class="chart" id="${id}">
      <figcaption>${title}</figcaption>
      ${above}
      <svg${svgAttributes}>
        <title id="${id}-title">${title}</title>
        <desc id="${id}-desc">${desc}</desc>
        ${drawing.body}
      </svg>
      ${below}
    </figure>
  `;
}

/** The chart's numbers as a table, folded under "Data": the first column heads each row. */
function chartData(headers: readonly string[], rows: readonly (readonly Html[])[]): Html {
  const head = headers.map((header, i) =>
    i === 0
      ? html`<th scope="col">${header}</th>`
      : html`<th scope="col" class="num">${header}</th>`
  );
  const body = rows.map(([first, ...rest]) => {
    const cells = rest.map((cell) => html`<td class="num">${cell}</td>`);
    return html`<tr><th scope="row">${first}</th>${cells}</tr>`;
  });
  return html`
    <details class="chart-data">
      <summary>Data</summary>
      <table>
        <thead>
          <tr>${head}</tr>
        </thead>
        <tbody>${body}</tbody>
      </table>
    </details>
  `;
}

/** The label of a bar in the data table: a link when the bar links. */
function labelCell(label: string, href: string | undefined): Html {
  return href === undefined ? html`${label}` : html`<a href="${href}">${label}</a>`;
}

/** Where a segment goes: from `start` for `length` along the bar. */
type Place = (start: number, length: number) => { x: number; y: number; w: number; h: number };

/** A `<rect>` with a tooltip for each segment of `bar` that has a size. */
function segmentRects(bar: Drawn, scale: number, place: Place): Html[] {
  const rects: Html[] = [];
  let start = 0;
  for (const segment of bar.segments) {
    const value = size(segment.value);
    if (value === 0) continue;
    const length = Math.max(1, value * scale);
    const { x, y, w, h } = place(start, length);
    start += length;
    rects.push(rect(`bar part-${segment.part}`, x, y, w, h, segment.tip));
  }
  return rects;
}

// The many small SVG elements are written as plain strings, their text escaped: `deno fmt` would
// spread each over several lines of output if they were `html` templates.

function rect(className: string, x: number, y: number, w: number, h: number, tip: string): Html {
  const box = attributes({ class: className, x: at(x), y: at(y), width: at(w), height: at(h) });
  return raw(`<rect${box}><title>${escapeHtml(tip)}</title></rect>`);
}

function text(className: string, x: number, y: number, extra: string, content: string): Html {
  const place = attributes({ class: className, x: at(x), y: at(y) });
  return raw(`<text${place}${extra}>${escapeHtml(content)}</text>`);
}

function line(className: string, x1: number, x2: number, y1: number, y2: number): Html {
  const ends = attributes({ class: className, x1: at(x1), x2: at(x2), y1: at(y1), y2: at(y2) });
  return raw(`<line${ends} />`);
}

const MIDDLE = ' text-anchor="middle"';
const END = ' text-anchor="end"';
const CENTRED = ' dy="0.35em"';

/** Wraps a bar's drawing in its link, out of the tab order: the data table's links are in it. */
function linked(href: string | undefined, body: Html): Html {
  return href === undefined
    ? html`<g>${body}</g>`
    : html`<a href="${href}" tabindex="-1">${body}</a>`;
}

/** Bars on their side: labels on the left, values after the bars, ticks along the bottom. */
function sideways(bars: readonly Drawn[], unit: (n: number) => string): Drawing {
  const labelRight = 150;
  const left = 156;
  const plot = WIDTH - left - 84;
  const row = 22;
  const thickness = 14;
  const top = 6;
  const bottom = top + bars.length * row;
  const marks = ticks(Math.max(0, ...bars.map((bar) => size(bar.total))));
  const scale = plot / (marks[marks.length - 1] || 1);
  const grid = marks.map((mark) => {
    const x = left + mark * scale;
    const label = text("chart-tick", x, bottom + 15, MIDDLE, unit(mark));
    return html`${line("chart-grid", x, x, top, bottom)}${label}`;
  });
  const drawn = bars.map((bar, i) => {
    const middle = top + (i + 0.5) * row;
    const rects = segmentRects(bar, scale, (start, length) => ({
      x: left + start,
      y: middle - thickness / 2,
      w: length,
      h: thickness,
    }));
    const end = left + (bar.total > 0 ? Math.max(1, size(bar.total) * scale) : 0);
    const label = text("chart-label", labelRight, middle, CENTRED + END, shorten(bar.label, 24));
    const value = text("chart-value", end + 4, middle, CENTRED, unit(bar.total));
    return linked(bar.href, html`${label}${rects}${value}`);
  });
  return { height: bottom + 22, body: html`${grid}${drawn}` };
}

/** Bars standing up: ticks on the left, labels below, values above the bars when there is room. */
function upright(bars: readonly Drawn[], unit: (n: number) => string): Drawing {
  const left = 64;
  const right = WIDTH - 8;
  const top = 18;
  const bottom = top + 180;
  const marks = ticks(Math.max(0, ...bars.map((bar) => size(bar.total))));
  const scale = (bottom - top) / (marks[marks.length - 1] || 1);
  const column = (right - left) / bars.length;
  const thickness = Math.min(48, column * 0.7);
  const grid = marks.map((mark) => {
    const y = bottom - mark * scale;
    const label = text("chart-tick", left - 6, y, CENTRED + END, unit(mark));
    return html`${line("chart-grid", left, right, y, y)}${label}`;
  });
  const drawn = bars.map((bar, i) => {
    const middle = left + (i + 0.5) * column;
    const rects = segmentRects(bar, scale, (start, length) => ({
      x: middle - thickness / 2,
      y: bottom - start - length,
      w: thickness,
      h: length,
    }));
    const barTop = bottom - (bar.total > 0 ? Math.max(1, size(bar.total) * scale) : 0);
    const value = column >= 40 && text("chart-value", middle, barTop - 4, MIDDLE, unit(bar.total));
    const name = shorten(bar.label, Math.max(2, Math.floor(column / 6.5)));
    const label = name !== "" && text("chart-label", middle, bottom + 16, MIDDLE, name);
    return linked(bar.href, html`${rects}${value}${label}`);
  });
  return { height: bottom + 28, body: html`${grid}${drawn}` };
}

function defaultHorizontal(labels: readonly string[]): boolean {
  return labels.length > MAX_UPRIGHT || labels.some((label) => label.length > MAX_UPRIGHT_LABEL);
}

/** Says how many bars there are and which is the largest, for the SVG's `<desc>`. */
function describeLargest(bars: readonly Drawn[], unit: (n: number) => string): string {
  let top = bars[0]!;
  for (const bar of bars) if (size(bar.total) > size(top.total)) top = bar;
  const what = bars.length === 1 ? "bar" : "bars";
  return `${count(bars.length)} ${what}; the largest is ${top.label}, ${unit(top.total)}.`;
}

/**
 * A bar chart of labelled values, e.g. cost per job: a `<figure>` with a caption, an SVG whose
 * bars carry tooltips (and links, with `href`), round ticks, and the numbers as a table under
 * "Data". Bars lie on their side when there are many labels; of 1,000 bars the 50 largest are
 * drawn, with a note, while the table keeps them all.
 *
 * @example Cost per job
 * ```ts
 * import { ok } from "node:assert";
 * import { barChart } from "./_charts.ts";
 * import { usd } from "./_format.ts";
 *
 * const chart = barChart({
 *   title: "Cost per job",
 *   bars: [{ label: "build", value: 0.25, href: "#job-build" }, { label: "test", value: 0.1 }],
 *   unit: usd,
 * });
 * ok(chart.text.includes("<figcaption>Cost per job</figcaption>"));
 * ok(chart.text.includes('<a href="#job-build" tabindex="-1">'));
 * ok(chart.text.includes("<title>build: $0.2500</title>"));
 * ```
 */
export function barChart(options: BarChartOptions): Html {
  const { title, bars, unit } = options;
  if (bars.length === 0) return empty(title);
  const all: Drawn[] = bars.map((bar) => {
    const note = bar.note === undefined ? "" : ` (${bar.note})`;
    return {
      label: bar.label,
      total: bar.value,
      segments: [{ value: bar.value, part: 0, tip: `${bar.label}: ${unit(bar.value)}${note}` }],
      href: checkHref(bar.href),
    };
  });
  const shown = largest(all, (bar) => bar.total, MAX_DRAWN);
  const horizontal = options.horizontal ?? defaultHorizontal(bars.map((bar) => bar.label));
  const notes = bars.some((bar) => bar.note !== undefined);
  const table = chartData(
    notes ? ["Label", "Value", "Note"] : ["Label", "Value"],
    bars.map((bar) => {
      const cells = [labelCell(bar.label, bar.href), html`${unit(bar.value)}`];
      return notes ? [...cells, html`${bar.note ?? ""}`] : cells;
    }),
  );
  return figure(options.id ?? htmlId(`chart-${title}`), {
    title,
    desc: describeLargest(all, unit),
    drawing: horizontal ? sideways(shown, unit) : upright(shown, unit),
    below: [capNote(shown.length, all.length) || html``, table],
  });
}

/** The legend: a swatch and a name per part. */
function legendList(names: readonly string[]): Html {
  const items = names.map((name, i) => {
    const swatch = `<svg class="swatch" viewBox="0 0 10 10" aria-hidden="true">` +
      `<rect class="part-${i % PALETTE}" width="10" height="10" /></svg>`;
    return html`<li>${raw(swatch)}${name}</li>`;
  });
  return html`<ul class="chart-legend">${items}</ul>`;
}

/**
 * A stacked bar chart, e.g. tokens by kind per turn: each bar's parts are stacked in legend
 * order, one colour per part name, with a legend, tooltips per part, round ticks and the numbers
 * (every part and the total) as a table under "Data". Of many bars the 50 largest are drawn.
 *
 * @example Tokens by kind per turn
 * ```ts
 * import { ok, strictEqual } from "node:assert";
 * import { stackedBarChart } from "./_charts.ts";
 * import { count } from "./_format.ts";
 *
 * const chart = stackedBarChart({
 *   title: "Tokens per turn",
 *   legend: ["input", "output"],
 *   stacks: [
 *     { label: "1", parts: [{ name: "input", value: 1200 }, { name: "output", value: 300 }] },
 *     { label: "2", parts: [{ name: "input", value: 800 }, { name: "output", value: 0 }] },
 *   ],
 *   unit: count,
 * });
 * strictEqual(chart.text.match(/<rect class="bar/g)?.length, 3);
 * ok(chart.text.includes("<title>1 — output: 300</title>"));
 * ```
 */
export function stackedBarChart(options: StackedBarChartOptions): Html {
  const { title, stacks, unit, legend } = options;
  if (stacks.length === 0) return empty(title);
  const names = [...legend];
  for (const stack of stacks) {
    for (const part of stack.parts) if (!names.includes(part.name)) names.push(part.name);
  }
  const order = (name: string) => names.indexOf(name);
  const all: Drawn[] = stacks.map((stack) => {
    const parts = [...stack.parts].sort((a, b) => order(a.name) - order(b.name));
    return {
      label: stack.label,
      total: parts.reduce((sum, part) => sum + size(part.value), 0),
      segments: parts.map((part) => ({
        value: part.value,
        part: order(part.name) % PALETTE,
        tip: `${stack.label} — ${part.name}: ${unit(part.value)}`,
      })),
    };
  });
  const shown = largest(all, (bar) => bar.total, MAX_DRAWN);
  const horizontal = options.horizontal ?? defaultHorizontal(stacks.map((stack) => stack.label));
  const table = chartData(
    ["Label", ...names, "Total"],
    stacks.map((stack, i) => {
      const sums = names.map((name) => {
        const parts = stack.parts.filter((part) => part.name === name);
        const sum = parts.reduce((total, part) => total + part.value, 0);
        return html`${parts.length === 0 ? "" : unit(sum)}`;
      });
      return [html`${stack.label}`, ...sums, html`${unit(all[i]!.total)}`];
    }),
  );
  return figure(options.id ?? htmlId(`chart-${title}`), {
    title,
    desc: `${describeLargest(all, unit)} Parts: ${names.join(", ")}.`,
    drawing: horizontal ? sideways(shown, unit) : upright(shown, unit),
    above: legendList(names),
    below: [capNote(shown.length, all.length) || html``, table],
  });
}

/** Bin edges: `count` bins of `step` from `start`; the last bin includes its right edge. */
interface Bins {
  start: number;
  step: number;
  count: number;
}

/** How many bins suit `sorted`: Freedman–Diaconis, or √n when the spread is 0; kept to 5–30. */
function suggestedBins(sorted: readonly number[]): number {
  const n = sorted.length;
  const quantile = (q: number) => sorted[Math.min(n - 1, Math.floor(q * (n - 1)))]!;
  const span = sorted[n - 1]! - sorted[0]!;
  const width = 2 * (quantile(0.75) - quantile(0.25)) / Math.cbrt(n);
  const bins = width > 0 ? Math.ceil(span / width) : Math.ceil(Math.sqrt(n));
  return Math.min(30, Math.max(5, bins));
}

/**
 * Bins over `min`…`max`: `target` of them exactly when `exact`, else on round edges (5 to 30
 * bins, as near `target` as round steps allow).
 */
function binsOver(min: number, max: number, target: number, exact: boolean): Bins {
  const span = max - min;
  if (span === 0) return { start: min, step: 0, count: 1 };
  if (!exact) {
    const power = 10 ** Math.floor(Math.log10(span / target));
    let best: Bins | undefined;
    for (const step of [0.1, 0.2, 0.25, 0.5, 1, 2, 2.5, 5, 10].map((m) => clean(m * power))) {
      const start = clean(Math.floor(min / step) * step);
      const count = Math.max(1, Math.ceil(clean((max - start) / step)));
      if (count < 5 || count > 30) continue;
      if (best === undefined || Math.abs(count - target) < Math.abs(best.count - target)) {
        best = { start, step, count };
      }
    }
    if (best !== undefined) return best;
  }
  return { start: min, step: span / target, count: target };
}

/** A few round ticks between `low` and `high`, for the histogram's value axis. */
function valueTicks(low: number, high: number): number[] {
  const step = niceStep((high - low) / 5);
  const marks: number[] = [];
  for (let k = Math.ceil(clean(low / step)); clean(k * step) <= high; k++) {
    marks.push(clean(k * step));
  }
  return marks;
}

function median(sorted: readonly number[]): number {
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * A histogram of values, e.g. the cost or duration of jobs: bins by the Freedman–Diaconis rule
 * (or √n), 5 to 30 of them on round edges, unless `bins` says; round ticks; counts per bin as a
 * table under "Data". No values give a "No data" note, not an empty chart; equal values give one
 * bar.
 *
 * @example Durations of jobs
 * ```ts
 * import { ok } from "node:assert";
 * import { histogram } from "./_charts.ts";
 * import { ms } from "./_format.ts";
 *
 * const chart = histogram({ title: "Job durations", values: [800, 1200, 1500, 4000], unit: ms });
 * ok(chart.text.includes("<svg"));
 * ok(histogram({ title: "Job durations", values: [], unit: ms }).text.includes("No data"));
 * ```
 */
export function histogram(options: HistogramOptions): Html {
  const { title, unit } = options;
  const values = options.values.filter(Number.isFinite).sort((a, b) => a - b);
  const dropped = options.values.length - values.length;
  const leftOut = `${count(dropped)} ${dropped === 1 ? "value" : "values"} left out: not a number`;
  const droppedNote = dropped > 0 && html`<p class="chart-note">${leftOut}</p>`;
  if (values.length === 0) return empty(title, droppedNote);
  const min = values[0]!;
  const max = values[values.length - 1]!;
  const asked = options.bins === undefined
    ? undefined
    : Math.min(100, Math.max(1, Math.round(options.bins)));
  const bins = binsOver(min, max, asked ?? suggestedBins(values), asked !== undefined);
  const counts = new Array<number>(bins.count).fill(0);
  for (const value of values) {
    const index = bins.step === 0 ? 0 : Math.floor(clean((value - bins.start) / bins.step));
    counts[Math.min(bins.count - 1, Math.max(0, index))]! += 1;
  }
  const edge = (i: number) => clean(bins.start + i * bins.step);
  const rangeOf = (i: number) =>
    bins.step === 0 ? unit(min) : `${unit(edge(i))}–${unit(edge(i + 1))}`;
  const left = 56;
  const right = WIDTH - 40;
  const top = 10;
  const bottom = top + 180;
  const marks = ticks(Math.max(...counts), true);
  const scale = (bottom - top) / marks[marks.length - 1]!;
  const low = edge(0);
  const high = edge(bins.count);
  const x = (value: number) =>
    bins.step === 0 ? (left + right) / 2 : left + (value - low) / (high - low) * (right - left);
  const grid = marks.map((mark) => {
    const y = bottom - mark * scale;
    const label = text("chart-tick", left - 6, y, CENTRED + END, count(mark));
    return html`${line("chart-grid", left, right, y, y)}${label}`;
  });
  const rects = counts.map((n, i) => {
    if (n === 0) return false;
    const from = bins.step === 0 ? x(min) - (right - left) / 10 : x(edge(i));
    const to = bins.step === 0 ? x(min) + (right - left) / 10 : x(edge(i + 1)) - 1;
    return rect(
      "bar part-0",
      from,
      bottom - n * scale,
      Math.max(1, to - from),
      n * scale,
      `${rangeOf(i)}: ${count(n)}`,
    );
  });
  const axis = bins.step === 0 ? [min] : valueTicks(low, high);
  const labels = axis.map((mark) => text("chart-tick", x(mark), bottom + 16, MIDDLE, unit(mark)));
  const desc = min === max
    ? `All ${count(values.length)} values are ${unit(min)}.`
    : `${count(values.length)} values from ${unit(min)} to ${unit(max)} in ${bins.count} bins; ` +
      `the median is ${unit(median(values))}.`;
  const table = chartData(
    ["Range", "Count"],
    counts.map((n, i) => [html`${rangeOf(i)}`, html`${count(n)}`]),
  );
  return figure(options.id ?? htmlId(`chart-${title}`), {
    title,
    desc,
    drawing: {
      height: bottom + 26,
      body: html`${grid}${line("chart-axis", left, right, bottom, bottom)}${rects}${labels}`,
    },
    below: [droppedNote || html``, table],
  });
}
