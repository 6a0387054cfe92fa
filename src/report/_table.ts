// A data table the page's script sorts and filters: header buttons, `data-value` on every cell,
// an optional filter box and a live row count.

import { count } from "./_format.ts";
import { attributes, type Html, html, htmlId, raw } from "./_html.ts";

/** One column of a {@linkcode dataTable}. */
export interface Column<T> {
  /** Names the column, for `initialSort` and the header's `data-key`. */
  key: string;
  /** The header text. */
  title: string;
  /** The value the column sorts by (and shows, without `cell`); `null` sorts last. */
  value: (row: T) => string | number | null;
  /** What the cell shows, when not just the value: a link, a formatted number, folded detail. */
  cell?: (row: T) => Html;
  /** Sorts by number, aligns right, and sorts largest first on the first click. */
  numeric?: boolean;
}

/** What {@linkcode dataTable} shows. */
export interface DataTableOptions<T> {
  /** The table's id; its filter box is `${id}-filter` and its row count `${id}-count`. */
  id: string;
  /** The table's caption, also its accessible name. */
  caption: string;
  /** The columns, in order. */
  columns: readonly Column<T>[];
  /** The rows: all of them are written, sorted by `initialSort` when given. */
  rows: readonly T[];
  /**
   * Each row's id, made safe with `htmlId`, so other parts link to `#${htmlId(rowId(row))}`.
   * When two rows give the same id, the first keeps it.
   */
  rowId?: (row: T) => string;
  /** Puts a labelled filter box above the table. */
  filter?: boolean;
  /** The column the rows come sorted by, ascending unless `descending`. */
  initialSort?: { key: string; descending?: boolean };
}

const COLLATOR = new Intl.Collator("en", { numeric: true, sensitivity: "base" });

/** Compares values as the page's script does: numbers by size, text naturally, `null` last. */
function compare(
  a: string | number | null,
  b: string | number | null,
  numeric: boolean,
  descending: boolean,
): number {
  const missing = (value: string | number | null) =>
    value === null || (numeric && !Number.isFinite(Number(value)));
  if (missing(a) || missing(b)) return Number(missing(a)) - Number(missing(b));
  const order = numeric ? Number(a) - Number(b) : COLLATOR.compare(String(a), String(b));
  return descending ? -order : order;
}

function shownValue(value: string | number | null): string {
  if (value === null) return "";
  if (typeof value === "string") return value;
  return Number.isInteger(value) ? count(value) : String(value);
}

/**
 * A table the page's script sorts and filters (`data-sortable`): a caption; header cells whose
 * `<button>`s sort by the column, with `aria-sort` on the sorted one; a `data-value` on every
 * cell so numbers sort as numbers; row ids for links; with `filter`, a labelled search box above
 * it; and an "N of M rows" count the script keeps live.
 *
 * @example Jobs by cost, linkable by id
 * ```ts
 * import { ok } from "node:assert";
 * import { usd } from "./_format.ts";
 * import { html } from "./_html.ts";
 * import { dataTable } from "./_table.ts";
 *
 * const table = dataTable({
 *   id: "jobs",
 *   caption: "Jobs",
 *   columns: [
 *     { key: "id", title: "Job", value: (job) => job.id },
 *     {
 *       key: "cost",
 *       title: "Cost",
 *       value: (job) => job.cost,
 *       cell: (job) => html`${usd(job.cost)}`,
 *       numeric: true,
 *     },
 *   ],
 *   rows: [{ id: "a", cost: 0.5 }, { id: "b", cost: 2 }],
 *   rowId: (job) => `job-${job.id}`,
 *   filter: true,
 *   initialSort: { key: "cost", descending: true },
 * });
 * ok(table.text.includes('<tr id="job-b">'));
 * ok(table.text.indexOf('id="job-b"') < table.text.indexOf('id="job-a"'));
 * ok(table.text.includes('aria-sort="descending"'));
 * ```
 */
export function dataTable<T>(options: DataTableOptions<T>): Html {
  const { id, caption, columns, filter = false, initialSort } = options;
  const sortIndex = initialSort === undefined
    ? -1
    : columns.findIndex((column) => column.key === initialSort.key);
  if (initialSort !== undefined && sortIndex < 0) {
    throw new TypeError(
      `Cannot sort table "${id}" by "${initialSort.key}": it has no such column (columns: ${
        columns.map((column) => column.key).join(", ")
      })`,
    );
  }
  const descending = initialSort?.descending ?? false;
  let rows = options.rows.map((row) => ({
    row,
    values: columns.map((column) => column.value(row)),
  }));
  const sorted = columns[sortIndex];
  if (sorted !== undefined) {
    const numeric = sorted.numeric ?? false;
    rows = rows.sort((a, b) =>
      compare(a.values[sortIndex]!, b.values[sortIndex]!, numeric, descending)
    );
  }
  const head = columns.map((column, i) => {
    const sort = i === sortIndex ? (descending ? "descending" : "ascending") : undefined;
    const numeric = column.numeric === true;
    const cell = attributes({
      scope: "col",
      "data-key": column.key,
      class: numeric ? "num" : undefined,
      "data-numeric": numeric,
      "aria-sort": sort,
    });
    const mark = raw('<span class="sort-mark" aria-hidden="true"></span>');
    return html`<th${cell}><button type="button">${column.title}${mark}</button></th>`;
  });
  const seen = new Set<string>();
  const body = rows.map(({ row, values }) => {
    let rowId = options.rowId === undefined ? undefined : htmlId(options.rowId(row));
    if (rowId !== undefined && seen.has(rowId)) rowId = undefined;
    if (rowId !== undefined) seen.add(rowId);
    const cells = columns.map((column, i) => {
      const value = values[i]!;
      const cell = attributes({
        class: column.numeric === true ? "num" : undefined,
        "data-value": value === null ? undefined : String(value),
      });
      const shown = column.cell === undefined ? shownValue(value) : column.cell(row);
      return html`<td${cell}>${shown}</td>`;
    });
    return html`<tr${attributes({ id: rowId })}>${cells}</tr>`;
  });
  const total = count(rows.length);
  const noun = rows.length === 1 ? "row" : "rows";
  const tools = filter
    ? html`
      <div class="table-tools">
        <label for="${id}-filter">Filter ${caption}</label>
        <input type="search" id="${id}-filter" aria-controls="${id}" autocomplete="off"
          spellcheck="false">
        <output id="${id}-count" class="row-count" for="${id}-filter"
          aria-live="polite">${total} of ${total} rows</output>
      </div>
    `
    : html`<p class="row-count" id="${id}-count">${total} ${noun}</p>`;
  return html`
    <div class="table-block">
      ${tools}
      <div class="table-scroll">
        <table id="${id}" data-sortable>
          <caption>${caption}</caption>
          <thead>
            <tr>${head}</tr>
          </thead>
          <tbody>${body}</tbody>
        </table>
      </div>
    </div>
  `;
}
