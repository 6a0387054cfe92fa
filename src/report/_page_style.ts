// The report page's inline CSS: system fonts, light and dark colours as variables, visible focus,
// the charts' colours, and a print layout.

/**
 * The CSS of every report page, inlined in its `<style>`: light and dark themes through variables
 * and `prefers-color-scheme`, chart colours as the classes `part-0` … `part-5`, visible focus
 * outlines, and print rules that drop the navigation and filter boxes and unfold `<details>`.
 * It loads nothing: no fonts, no `url()`.
 *
 * @example It loads nothing
 * ```ts
 * import { ok } from "node:assert";
 * import { PAGE_STYLE } from "./_page_style.ts";
 *
 * ok(PAGE_STYLE.includes("prefers-color-scheme: dark"));
 * ok(!PAGE_STYLE.includes("url(") && !PAGE_STYLE.includes("@import"));
 * ```
 */
export const PAGE_STYLE: string = `
:root {
  color-scheme: light dark;
  --bg: #ffffff; --fg: #1c1d21; --muted: #5b5f69; --line: #d5d8de; --soft: #f3f4f7;
  --link: #0b57d0; --focus: #0b57d0; --mark: #fff4c2;
  --part-0: #0072b2; --part-1: #d55e00; --part-2: #009e73; --part-3: #cc79a7; --part-4: #8a6d00;
  --part-5: #56b4e9;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #16171b; --fg: #e6e7ea; --muted: #a4a8b2; --line: #3a3d45; --soft: #202228;
    --link: #8ab4f8; --focus: #8ab4f8; --mark: #4a4020;
    --part-0: #56b4e9; --part-1: #f08a4b; --part-2: #3fcf9f; --part-3: #e3a1c7; --part-4: #e6c34a;
    --part-5: #a9d8f5;
  }
}
* { box-sizing: border-box; }
html { background: var(--bg); color: var(--fg); }
body {
  margin: 0 auto; max-width: 72rem; padding: 0 1rem 2rem;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
}
a { color: var(--link); }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.skip-link { position: absolute; left: -999rem; }
.skip-link:focus { left: 1rem; top: 1rem; background: var(--bg); padding: 0.5rem; z-index: 1; }
header { padding: 1.5rem 0 0.5rem; }
h1 { margin: 0; font-size: 1.6rem; line-height: 1.25; overflow-wrap: anywhere; }
h2 { font-size: 1.25rem; margin: 2rem 0 0.75rem; }
.kind { margin: 0; color: var(--muted); text-transform: uppercase; letter-spacing: 0.05em; font-size: 0.8rem; }
.facts { display: flex; flex-wrap: wrap; gap: 0.5rem 2rem; margin: 1rem 0 0; }
.facts div { min-width: 8rem; }
.facts dt { color: var(--muted); font-size: 0.85rem; }
.facts dd { margin: 0; font-size: 1.2rem; font-variant-numeric: tabular-nums; }
nav ul { display: flex; flex-wrap: wrap; gap: 0.25rem 1rem; list-style: none; padding: 0.5rem 0; margin: 0; border-bottom: 1px solid var(--line); }
main:focus { outline: none; }
footer { margin-top: 3rem; padding-top: 0.5rem; border-top: 1px solid var(--line); color: var(--muted); font-size: 0.85rem; }
details > summary { cursor: pointer; }
pre, code { font-family: ui-monospace, "SF Mono", Menlo, Consolas, monospace; font-size: 0.9em; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; background: var(--soft); padding: 0.5rem; margin: 0.25rem 0; }
.table-tools { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem; margin: 0.5rem 0; }
.table-tools input { font: inherit; color: inherit; background: var(--bg); border: 1px solid var(--line); padding: 0.2rem 0.4rem; min-width: 14rem; }
.row-count { color: var(--muted); font-size: 0.85rem; margin: 0.25rem 0; }
.table-scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
caption { text-align: left; font-weight: 600; padding: 0.25rem 0; }
th, td { text-align: left; vertical-align: top; padding: 0.3rem 0.6rem; border-bottom: 1px solid var(--line); }
thead th { position: sticky; top: 0; background: var(--bg); white-space: nowrap; }
th button { font: inherit; font-weight: 600; color: inherit; background: none; border: 0; padding: 0; cursor: pointer; }
.sort-mark::after { content: "↕"; color: var(--muted); padding-left: 0.25rem; }
th[aria-sort="ascending"] .sort-mark::after { content: "▲"; color: inherit; }
th[aria-sort="descending"] .sort-mark::after { content: "▼"; color: inherit; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
tr:target, tr:target > * { background: var(--mark); }
.chart { margin: 1rem 0 1.5rem; }
.chart figcaption { font-weight: 600; }
.chart > svg { display: block; width: 100%; height: auto; max-width: 48rem; }
.chart text { font: 11px system-ui, sans-serif; fill: var(--fg); }
.chart .chart-tick { fill: var(--muted); }
.chart-grid, .chart-axis { stroke: var(--line); stroke-width: 1; }
.chart-axis { stroke: var(--muted); }
.chart .bar { stroke: var(--bg); stroke-width: 0.5; }
.chart a:hover .bar { opacity: 0.8; }
.part-0 { fill: var(--part-0); } .part-1 { fill: var(--part-1); } .part-2 { fill: var(--part-2); }
.part-3 { fill: var(--part-3); } .part-4 { fill: var(--part-4); } .part-5 { fill: var(--part-5); }
.chart-legend { display: flex; flex-wrap: wrap; gap: 0.25rem 1rem; list-style: none; padding: 0; margin: 0.25rem 0; font-size: 0.85rem; }
.swatch { width: 0.8em; height: 0.8em; margin-right: 0.3em; vertical-align: -0.05em; }
.chart-note, .chart-empty { color: var(--muted); font-size: 0.85rem; margin: 0.25rem 0; }
.chart-data table { max-width: 32rem; }
.meta, .note, .hint { color: var(--muted); }
.note { font-size: 0.9rem; }
.prompt { margin: 0.5rem 0; padding: 0.25rem 0.75rem; border-left: 3px solid var(--line); }
.error { border-left: 3px solid #d93025; padding-left: 0.75rem; }
.turn { border-top: 1px solid var(--line); padding-top: 0.25rem; }
.steps { padding-left: 1.5rem; }
.tool-call.failed > summary code { text-decoration: underline wavy #d93025; }
.differs, .differs > * { background: var(--mark); }
@media print {
  :root {
    --bg: #ffffff; --fg: #000000; --muted: #444444; --line: #bbbbbb; --soft: #f3f3f3; --link: #000000;
    --part-0: #0072b2; --part-1: #d55e00; --part-2: #009e73; --part-3: #cc79a7; --part-4: #8a6d00;
    --part-5: #56b4e9;
  }
  body { max-width: none; padding: 0; font-size: 10pt; }
  nav, .skip-link, .table-tools input, .table-tools label, .sort-mark { display: none; }
  thead th { position: static; }
  thead { display: table-header-group; }
  tr, .chart { break-inside: avoid; }
  h2 { break-after: avoid; }
  a { text-decoration: none; }
  details:not([open]) > *:not(summary) { display: block; }
}
@media print {
  details::details-content { content-visibility: visible; }
}
`;
