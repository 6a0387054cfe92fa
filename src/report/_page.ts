// The whole report document: one self-contained HTML file that loads nothing over the network.

import { type Html, html, htmlId, raw } from "./_html.ts";
import { PAGE_SCRIPT } from "./_page_script.ts";
import { PAGE_STYLE } from "./_page_style.ts";

/**
 * The page's Content-Security-Policy: inline style and script only, no loads of any kind, no
 * `<base>`, no form posts.
 */
export const CONTENT_SECURITY_POLICY: string =
  "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src 'none'; base-uri 'none'; form-action 'none'";

/** One key number in the page's header, e.g. `{ label: "Total cost", value: "$0.0123" }`. */
export interface Fact {
  /** What the number is. */
  label: string;
  /** The number, as text or as a fragment (a link, say). */
  value: Html | string;
}

/** One section of the page, linked from its navigation. */
export interface Section {
  /** The section's id, the target of its link (made safe with `htmlId`). */
  id: string;
  /** Its heading. */
  title: string;
  /** Its content. */
  body: Html;
}

/** What {@linkcode renderPage} puts in the document. */
export interface PageOptions {
  /** The document's `<title>`, for the tab and history. */
  title: string;
  /** What the report is about, e.g. `Run report`: shown above the heading, and `data-kind`. */
  kind: string;
  /** The page's `<h1>`. */
  heading: string;
  /** The key numbers, as a definition list in the header. */
  facts: readonly Fact[];
  /** The sections, in order. */
  sections: readonly Section[];
  /** Who wrote the page, for the footer, e.g. `claw 0.1.0`. */
  generatedBy: string;
}

const MAIN_ID = "report-main";

/**
 * The whole report document as text: one self-contained HTML file with its CSS and script inline,
 * a Content-Security-Policy that forbids every network load, light and dark colours, a skip link,
 * a header with the heading and the key facts, a navigation of the sections, each section
 * labelled by its heading, and a footer saying who wrote it.
 *
 * @example A run report with one section
 * ```ts
 * import { ok } from "node:assert";
 * import { html } from "./_html.ts";
 * import { renderPage } from "./_page.ts";
 *
 * const page = renderPage({
 *   title: "claw run report",
 *   kind: "Run report",
 *   heading: "Fix the failing test",
 *   facts: [{ label: "Turns", value: "3" }, { label: "Total cost", value: "$0.0123" }],
 *   sections: [{ id: "turns", title: "Turns", body: html`<p>Three turns.</p>` }],
 *   generatedBy: "claw 0.1.0",
 * });
 * ok(page.startsWith("<!doctype html>"));
 * ok(page.includes('<section id="turns" aria-labelledby="turns-heading">'));
 * ok(/<dt>Total cost<\/dt>\s*<dd>\$0\.0123<\/dd>/.test(page));
 * ```
 */
export function renderPage(options: PageOptions): string {
  const { title, kind, heading, facts, generatedBy } = options;
  const seen = new Set<string>([MAIN_ID]);
  const sections = options.sections.map((section) => {
    const id = htmlId(section.id);
    if (seen.has(id)) {
      throw new TypeError(`Duplicate section id "${section.id}": each section needs its own id`);
    }
    seen.add(id);
    return { ...section, id };
  });
  const factItems = facts.map((fact) =>
    html`
      <div>
        <dt>${fact.label}</dt>
        <dd>${fact.value}</dd>
      </div>
    `
  );
  const factList = facts.length > 0 && html`<dl class="facts">${factItems}</dl>`;
  const links = sections.map((section) =>
    html`<li><a href="#${section.id}">${section.title}</a></li>`
  );
  const nav = sections.length > 0 && html`
    <nav aria-label="Sections">
      <ul>${links}</ul>
    </nav>
  `;
  const body = sections.map(({ id, title, body }) =>
    html`
      <section id="${id}" aria-labelledby="${id}-heading">
        <h2 id="${id}-heading">${title}</h2>
        ${body}
      </section>
    `
  );
  const page = html`
    <!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">
        <meta name="color-scheme" content="light dark">
        <meta name="generator" content="${generatedBy}">
        <title>${title}</title>
        <style>${raw(PAGE_STYLE)}</style>
      </head>
      <body data-kind="${kind}">
        <a class="skip-link" href="#${MAIN_ID}">Skip to content</a>
        <header>
          <p class="kind">${kind}</p>
          <h1>${heading}</h1>
          ${factList}
        </header>
        ${nav}
        <main id="${MAIN_ID}" tabindex="-1">${body}</main>
        <footer><p>${generatedBy}</p></footer>
        <script>${raw(PAGE_SCRIPT)}</script>
      </body>
    </html>
  `;
  return `${page.text.trim()}\n`;
}
