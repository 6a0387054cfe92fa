import { ok, strictEqual, throws } from "node:assert";
import { usd } from "./_format.ts";
import { html } from "./_html.ts";
import { type Column, dataTable } from "./_table.ts";

interface Job {
  id: string;
  cost: number | null;
  status: string;
}

const COLUMNS: Column<Job>[] = [
  { key: "id", title: "Job", value: (job) => job.id },
  {
    key: "cost",
    title: "Cost",
    value: (job) => job.cost,
    cell: (job) => html`${job.cost === null ? "–" : usd(job.cost)}`,
    numeric: true,
  },
  { key: "status", title: "Status", value: (job) => job.status },
];

const JOBS: Job[] = [
  { id: "job 10", cost: 0.5, status: "ok" },
  { id: "job 9", cost: 12, status: "failed" },
  { id: "job 2", cost: null, status: "ok" },
  { id: "job 1", cost: 2, status: "ok" },
];

/** `text` without the whitespace `deno fmt` puts between tags and attributes. */
const squash = (text: string) => text.replace(/>\s+</g, "><").replace(/\s+/g, " ").trim();
const ids = (text: string) => Array.from(text.matchAll(/<tr id="([^"]*)"/g), (m) => m[1]);

Deno.test("dataTable writes a sortable table with a caption, header buttons and data-value cells", () => {
  const table = squash(
    dataTable({ id: "jobs", caption: "Jobs", columns: COLUMNS, rows: JOBS }).text,
  );
  ok(table.includes('<table id="jobs" data-sortable><caption>Jobs</caption>'));
  ok(
    table.includes(
      '<th scope="col" data-key="id"><button type="button">Job<span class="sort-mark" aria-hidden="true"></span></button></th>',
    ),
  );
  ok(
    table.includes(
      '<th scope="col" data-key="cost" class="num" data-numeric><button type="button">Cost',
    ),
  );
  ok(!table.includes("aria-sort"));
  ok(table.includes('<td class="num" data-value="12">$12.00</td>'));
  ok(table.includes('<td class="num">–</td>'), "a null value has no data-value");
  ok(table.includes('<td data-value="job 10">job 10</td>'));
  ok(table.includes('<p class="row-count" id="jobs-count">4 rows</p>'));
  ok(!table.includes("<input"));
  ok(!table.includes("<tr id="), "no row ids unless asked for");
});

Deno.test("dataTable sorts numbers by size with empty values last, and text naturally", () => {
  const byCost = dataTable({
    id: "t",
    caption: "c",
    columns: COLUMNS,
    rows: JOBS,
    rowId: (job) => job.id,
    initialSort: { key: "cost", descending: true },
  }).text;
  strictEqual(ids(byCost).join(), "job.209,job.201,job.2010,job.202");
  ok(byCost.includes('data-key="cost" class="num" data-numeric aria-sort="descending"'));
  strictEqual(byCost.match(/aria-sort=/g)?.length, 1);
  const ascending = dataTable({
    id: "t",
    caption: "c",
    columns: COLUMNS,
    rows: JOBS,
    rowId: (job) => job.id,
    initialSort: { key: "cost" },
  }).text;
  strictEqual(ids(ascending).join(), "job.2010,job.201,job.209,job.202");
  const byId = dataTable({
    id: "t",
    caption: "c",
    columns: COLUMNS,
    rows: JOBS,
    rowId: (job) => job.id,
    initialSort: { key: "id" },
  }).text;
  strictEqual(ids(byId).join(), "job.201,job.202,job.209,job.2010");
  ok(byId.includes('data-key="id" aria-sort="ascending"'));
});

Deno.test("dataTable refuses to sort by a column it does not have", () => {
  throws(
    () =>
      dataTable({
        id: "t",
        caption: "c",
        columns: COLUMNS,
        rows: JOBS,
        initialSort: { key: "price" },
      }),
    /^TypeError: Cannot sort table "t" by "price": it has no such column \(columns: id, cost, status\)$/,
  );
});

Deno.test("dataTable makes row ids safe and gives a repeated id to the first row only", () => {
  const rows = [{ id: '"><script>', cost: 1, status: "" }, { id: "a", cost: 1, status: "" }, {
    id: "a",
    cost: 2,
    status: "",
  }];
  const table =
    dataTable({ id: "t", caption: "c", columns: COLUMNS, rows, rowId: (job) => `job-${job.id}` })
      .text;
  strictEqual(ids(table).join(), "job-.22.3e.3cscript.3e,job-a");
  strictEqual(table.match(/<tr>/g)?.length, 2, "one header row and the repeated row without an id");
  ok(!table.includes("<script>"));
});

Deno.test("dataTable with filter puts a labelled search box and a live count above the table", () => {
  const options = { id: "jobs", caption: "Jobs", columns: COLUMNS, rows: JOBS, filter: true };
  const table = squash(dataTable(options).text);
  ok(table.includes('<label for="jobs-filter">Filter Jobs</label>'));
  ok(table.includes('<input type="search" id="jobs-filter" aria-controls="jobs"'));
  ok(
    table.includes(
      '<output id="jobs-count" class="row-count" for="jobs-filter" aria-live="polite">4 of 4 rows</output>',
    ),
  );
  ok(table.indexOf("<input") < table.indexOf("<table"));
});

Deno.test("dataTable escapes user text in cells, captions and ids", () => {
  const attack = "</script><img src=x onerror=alert(1)>";
  const table = dataTable({
    id: "t",
    caption: attack,
    columns: COLUMNS,
    rows: [{ id: attack, cost: 1, status: attack }],
    filter: true,
  }).text;
  ok(!table.includes("<img") && !table.includes("</script>"));
});

Deno.test("dataTable writes 1,000 rows quickly", () => {
  const rows = Array.from(
    { length: 1000 },
    (_, i) => ({ id: `job-${i}`, cost: i / 7, status: "ok" }),
  );
  const start = performance.now();
  const table = dataTable({
    id: "t",
    caption: "c",
    columns: COLUMNS,
    rows,
    rowId: (job) => job.id,
    filter: true,
    initialSort: { key: "cost", descending: true },
  }).text;
  const took = performance.now() - start;
  strictEqual(ids(table).length, 1000);
  ok(took < 500, `${took} ms`);
});
