import { ok, strictEqual, throws } from "node:assert";
import { barChart, histogram, stackedBarChart } from "./_charts.ts";
import { count, ms, usd } from "./_format.ts";
import { html } from "./_html.ts";
import { CONTENT_SECURITY_POLICY, type PageOptions, renderPage } from "./_page.ts";
import { PAGE_SCRIPT } from "./_page_script.ts";
import { PAGE_STYLE } from "./_page_style.ts";
import { dataTable } from "./_table.ts";

/** `text` without the whitespace `deno fmt` puts between tags. */
const squash = (text: string) => text.replace(/>\s+</g, "><").replace(/\s+/g, " ").trim();

const ATTACK = "</script><img src=x onerror=alert(1)>";

function page(overrides: Partial<PageOptions> = {}): string {
  return renderPage({
    title: "claw run report",
    kind: "Run report",
    heading: "Fix the failing test",
    facts: [
      { label: "Turns", value: count(3) },
      { label: "Total cost", value: usd(0.0123) },
      { label: "Tool calls", value: html`<a href="#tools">7</a>` },
    ],
    sections: [
      { id: "turns", title: "Turns", body: html`<p>Three turns.</p>` },
      {
        id: "tools",
        title: "Tool calls",
        body: html`
          <details>
            <summary>Bash</summary>
            <pre>ls</pre>
          </details>
        `,
      },
    ],
    generatedBy: "claw 0.1.0",
    ...overrides,
  });
}

/** Everything in `text` that would load something from outside the page. */
function outsideLoads(text: string): string[] {
  return Array.from(
    text.matchAll(
      /https?:|\/\/|data:|url\(|@import|<(?:img|link|iframe|object|embed|base|form|audio|video|source)\b|\ssrc\s*=/gi,
    ),
    (m) => `${m[0]} at ${m.index}: ${text.slice(Math.max(0, m.index - 40), m.index + 40)}`,
  );
}

Deno.test("renderPage writes a whole document with charset, viewport, CSP and colour scheme first", () => {
  const text = page();
  ok(squash(text).startsWith('<!doctype html><html lang="en"><head><meta charset="utf-8"><meta'));
  ok(text.includes('<meta name="viewport" content="width=device-width, initial-scale=1">'));
  ok(
    text.includes(
      `<meta http-equiv="Content-Security-Policy" content="${
        CONTENT_SECURITY_POLICY.replaceAll("'", "&#39;")
      }">`,
    ),
  );
  strictEqual(
    CONTENT_SECURITY_POLICY,
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src 'none'; base-uri 'none'; form-action 'none'",
  );
  ok(text.indexOf("Content-Security-Policy") < text.indexOf("<style>"));
  ok(text.includes('<meta name="color-scheme" content="light dark">'));
  ok(text.includes("<title>claw run report</title>"));
  ok(text.trimEnd().endsWith("</html>"));
});

Deno.test("renderPage lays out skip link, header, facts, nav, labelled sections and footer", () => {
  const text = squash(page());
  ok(text.includes('<a class="skip-link" href="#report-main">Skip to content</a>'));
  ok(text.includes('<main id="report-main" tabindex="-1">'));
  ok(text.includes('<p class="kind">Run report</p><h1>Fix the failing test</h1>'));
  ok(text.includes(
    '<dl class="facts"><div><dt>Turns</dt><dd>3</dd></div><div><dt>Total cost</dt><dd>$0.0123</dd></div>' +
      '<div><dt>Tool calls</dt><dd><a href="#tools">7</a></dd></div></dl>',
  ));
  ok(
    text.includes(
      '<nav aria-label="Sections"><ul><li><a href="#turns">Turns</a></li><li><a href="#tools">Tool calls</a></li></ul></nav>',
    ),
  );
  ok(
    text.includes(
      '<section id="turns" aria-labelledby="turns-heading"><h2 id="turns-heading">Turns</h2>',
    ),
  );
  ok(text.includes("<footer><p>claw 0.1.0</p></footer>"));
  ok(
    text.indexOf("<header>") < text.indexOf("<nav") && text.indexOf("<nav") < text.indexOf("<main"),
  );
});

Deno.test("renderPage escapes every user text, so a hostile prompt stays inert", () => {
  const text = page({
    title: ATTACK,
    kind: ATTACK,
    heading: ATTACK,
    facts: [{ label: ATTACK, value: ATTACK }],
    sections: [{
      id: ATTACK,
      title: ATTACK,
      body: html`<p>${ATTACK}</p>`,
    }],
    generatedBy: ATTACK,
  });
  ok(!text.includes("<img"));
  strictEqual(text.match(/<\/script>/g)?.length, 1, "only the page's own script ends");
  strictEqual(text.match(/<script\b/g)?.length, 1);
});

Deno.test("renderPage refuses two sections with one id", () => {
  throws(
    () =>
      page({
        sections: [{ id: "a", title: "A", body: html`` }, { id: "a", title: "B", body: html`` }],
      }),
    /^TypeError: Duplicate section id "a": each section needs its own id$/,
  );
  throws(
    () => page({ sections: [{ id: "report-main", title: "A", body: html`` }] }),
    /Duplicate section id/,
  );
});

Deno.test("renderPage without facts or sections writes neither list nor nav", () => {
  const text = page({ facts: [], sections: [] });
  ok(!text.includes("<dl") && !text.includes("<nav"));
});

Deno.test("the page's CSS themes light and dark, shows focus and prints without chrome", () => {
  ok(PAGE_STYLE.includes("@media (prefers-color-scheme: dark)"));
  ok(PAGE_STYLE.includes(":focus-visible"));
  ok(PAGE_STYLE.includes("@media print"));
  ok(PAGE_STYLE.includes("details:not([open]) > *:not(summary) { display: block; }"));
  ok(/nav, \.skip-link, \.table-tools input/.test(PAGE_STYLE));
  for (const part of [0, 1, 2, 3, 4, 5]) {
    ok(PAGE_STYLE.includes(`.part-${part} { fill: var(--part-${part}); }`));
  }
});

Deno.test("the page's script is small, quiet and parses", () => {
  ok(PAGE_SCRIPT.length < 6000, `${PAGE_SCRIPT.length} bytes`);
  ok(!PAGE_SCRIPT.includes("console"));
  new Function(PAGE_SCRIPT);
});

const ROWS = Array.from({ length: 1000 }, (_, i) => ({
  id: `job-${String(i).padStart(4, "0")}`,
  cost: ((i * 7919) % 1000) / 10_000,
  durationMs: ((i * 104_729) % 600_000) + 500,
  turns: (i % 17) + 1,
  status: i % 23 === 0 ? "failed" : "ok",
}));

function bigPage(): string {
  const table = dataTable({
    id: "jobs",
    caption: "Jobs",
    columns: [
      { key: "id", title: "Job", value: (row) => row.id },
      { key: "status", title: "Status", value: (row) => row.status },
      { key: "turns", title: "Turns", value: (row) => row.turns, numeric: true },
      {
        key: "cost",
        title: "Cost",
        value: (row) => row.cost,
        cell: (row) => html`${usd(row.cost)}`,
        numeric: true,
      },
      {
        key: "duration",
        title: "Duration",
        value: (row) => row.durationMs,
        cell: (row) => html`${ms(row.durationMs)}`,
        numeric: true,
      },
    ],
    rows: ROWS,
    rowId: (row) => row.id,
    filter: true,
    initialSort: { key: "cost", descending: true },
  });
  const charts = html`${
    barChart({
      title: "Cost per job",
      bars: ROWS.map((row) => ({ label: row.id, value: row.cost, href: `#${row.id}` })),
      unit: usd,
    })
  }${histogram({ title: "Job durations", values: ROWS.map((row) => row.durationMs), unit: ms })}${
    stackedBarChart({
      title: "Tokens per turn",
      legend: ["input", "output", "cache write", "cache read"],
      stacks: Array.from({ length: 40 }, (_, i) => ({
        label: `${i + 1}`,
        parts: [
          { name: "input", value: i * 10 },
          { name: "output", value: 300 },
          { name: "cache write", value: i % 3 === 0 ? 2000 : 0 },
          { name: "cache read", value: 15_000 + i * 400 },
        ],
      })),
      unit: count,
    })
  }`;
  return page({
    sections: [{ id: "charts", title: "Charts", body: charts }, {
      id: "jobs-section",
      title: "Jobs",
      body: table,
    }],
  });
}

Deno.test("a page loads nothing from outside: no http, https, // or data: URL, no img, link or url()", () => {
  const text = bigPage();
  const loads = outsideLoads(text);
  strictEqual(loads.length, 0, loads.join("\n"));
  ok(!/\son[a-z]+\s*=/i.test(text), "no inline event handlers");
});

const BIG_SIZE = new TextEncoder().encode(bigPage()).length;

Deno.test(`a page with a 1,000-row table and three charts stays under 1 MB (${(BIG_SIZE / 1024).toFixed(0)} KiB)`, () => {
  ok(BIG_SIZE < 1_000_000, `${BIG_SIZE} bytes`);
  const text = bigPage();
  strictEqual(text.match(/<tr id="job-/g)?.length, 1000);
  ok(text.includes("50 of 1,000 shown, the largest"));
});
