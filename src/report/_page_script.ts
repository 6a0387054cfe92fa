// The report page's inline script: sorting and filtering of its tables, links that reveal their
// target, and unfolding for print. It writes nothing to the console and loads nothing.

/**
 * The script of every report page, inlined in its `<script>`. For each `table[data-sortable]`:
 * the header buttons sort the rows (by `data-value`, numbers by size for `data-numeric` columns,
 * empty cells last) and keep `aria-sort` right; the `${id}-filter` box hides rows whose text
 * does not match, debounced, and updates the `${id}-count` line. A link to a row or to folded
 * content shows it (clearing a filter, opening `<details>`). Before printing, every `<details>`
 * opens; after, the ones it opened close again. With no tables it does nothing.
 *
 * @example It cannot end its own element
 * ```ts
 * import { ok } from "node:assert";
 * import { PAGE_SCRIPT } from "./_page_script.ts";
 *
 * ok(!/<\/script|<!--/i.test(PAGE_SCRIPT));
 * ok(!PAGE_SCRIPT.includes("console."));
 * ```
 */
export const PAGE_SCRIPT: string = `
(() => {
  "use strict";
  const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });
  const rowsText = (shown, total) =>
    shown.toLocaleString("en-US") + " of " + total.toLocaleString("en-US") + " rows";
  const filters = new Map();

  function setUpTable(table) {
    const body = table.tBodies[0];
    const headRow = table.tHead && table.tHead.rows[0];
    if (!body || !headRow) return;
    const headers = Array.from(headRow.cells);
    headers.forEach((th, index) => {
      const button = th.querySelector("button");
      if (button) button.addEventListener("click", () => sortBy(body, headers, index));
    });
    const input = document.getElementById(table.id + "-filter");
    const counter = document.getElementById(table.id + "-count");
    if (!input) return;
    let texts = null;
    let timer = 0;
    const apply = () => {
      const query = input.value.trim().toLowerCase();
      if (!texts) texts = new Map(Array.from(body.rows, (row) => [row, row.textContent.toLowerCase()]));
      let shown = 0;
      for (const row of body.rows) {
        const hide = query !== "" && !texts.get(row).includes(query);
        if (row.hidden !== hide) row.hidden = hide;
        if (!hide) shown++;
      }
      if (counter) counter.textContent = rowsText(shown, body.rows.length);
    };
    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(apply, 120);
    });
    filters.set(table, () => {
      input.value = "";
      apply();
    });
  }

  function sortBy(body, headers, index) {
    const th = headers[index];
    const numeric = th.hasAttribute("data-numeric");
    const current = th.getAttribute("aria-sort");
    const descending = current ? current === "ascending" : numeric;
    const keyed = Array.from(body.rows, (row) => {
      const cell = row.cells[index];
      const text = cell ? cell.getAttribute("data-value") : null;
      const key = text === null ? null : numeric ? Number(text) : text;
      return { row, key: key === null || (numeric && !Number.isFinite(key)) ? null : key };
    });
    keyed.sort((a, b) => {
      if (a.key === null || b.key === null) return (a.key === null) - (b.key === null);
      const order = numeric ? a.key - b.key : collator.compare(a.key, b.key);
      return descending ? -order : order;
    });
    const fragment = document.createDocumentFragment();
    for (const entry of keyed) fragment.append(entry.row);
    body.append(fragment);
    for (const header of headers) header.removeAttribute("aria-sort");
    th.setAttribute("aria-sort", descending ? "descending" : "ascending");
  }

  function reveal() {
    const target = location.hash.length > 1 && document.getElementById(location.hash.slice(1));
    if (!target) return;
    const row = target.closest("tr");
    if (row && row.hidden) {
      const clear = filters.get(row.closest("table"));
      if (clear) clear();
    }
    for (let node = target; node; node = node.parentElement) {
      if (node.tagName === "DETAILS") node.open = true;
    }
    target.scrollIntoView();
  }

  const opened = [];
  addEventListener("beforeprint", () => {
    for (const details of document.querySelectorAll("details:not([open])")) {
      details.open = true;
      opened.push(details);
    }
  });
  addEventListener("afterprint", () => {
    for (const details of opened.splice(0)) details.open = false;
  });
  addEventListener("hashchange", reveal);
  for (const table of document.querySelectorAll("table[data-sortable]")) setUpTable(table);
  if (location.hash.length > 1) reveal();
})();
`;
