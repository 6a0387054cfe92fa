/**
 * The page of a replay miss: the run's request beside the nearest cassette's, the differing argv
 * entries and input lines marked, and what to do.
 *
 * @module
 */
import { type Html, html } from "./_html.ts";
import { renderPage } from "./_page.ts";
import type { MissView } from "./miss_view.ts";

/**
 * The HTML document of a miss.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { missPage } from "./miss_page.ts";
 *
 * const view = {
 *   message: "No cassette matches", dir: null, key: null, nearest: null, difference: null,
 *   argvSource: "none" as const, argv: [], input: [], problem: null,
 * };
 * ok(missPage(view, { source: "miss.json", generatedBy: "claw" }).includes("No cassette matches"));
 * ```
 */
export function missPage(view: MissView, options: { source: string; generatedBy: string }): string {
  const differing = view.argv.filter((row) => row.differs).length;
  return renderPage({
    title: `Replay miss ${options.source}: claw report`,
    kind: "miss",
    heading: `Replay miss ${options.source}`,
    facts: [
      { label: "Nearest cassette", value: view.nearest ?? "none named" },
      { label: "Cassette folder", value: view.dir ?? "unknown" },
      { label: "Differing argv entries", value: String(differing) },
      { label: "The run's argv from", value: view.argvSource },
      { label: "Key", value: view.key ?? "unknown" },
    ],
    sections: [
      {
        id: "miss",
        title: "The miss",
        body: html`<pre class="result">${view.message}</pre>${
          view.problem === null ? html`` : html`<p class="error">${view.problem}</p>`
        }`,
      },
      { id: "argv", title: "Argv, side by side", body: argvSection(view) },
      { id: "input", title: "Input lines of the nearest cassette", body: inputSection(view) },
      {
        id: "next",
        title: "What to do",
        body: html`
          <ul>
            <li>A new run: record it once (<code>CLAW_CASSETTE_MODE=record</code>, or <code>auto</code>) and replay again.</li>
            <li>The same run with a value that changes (a date, an id): let the cassette answer it with <code>claw cassette match ${view
              .nearest ?? "CASSETTE"} --ignore FLAG</code> or a <code>--prompt-regex</code>.</li>
          </ul>
        `,
      },
    ],
    generatedBy: options.generatedBy,
  });
}

function argvSection(view: MissView): Html {
  if (view.argv.length === 0) {
    return html`<p>The nearest cassette could not be read, so there is nothing to set beside the run.</p>`;
  }
  const note = view.argvSource === "miss message"
    ? html`
      <p
        class="note">The run's side is rebuilt from the miss message, which names how the run differs from the nearest cassette; a usage log (<code>CLAW_CASSETTE_USAGE</code>) records the whole argv.</p>
    `
    : html``;
  return html`
    ${note}<table class="side-by-side">
      <caption>Canonical argv: the nearest cassette and this run</caption>
      <thead>
        <tr>
          <th scope="col">#</th>
          <th scope="col">Nearest cassette</th>
          <th scope="col"></th>
          <th scope="col">This run</th>
        </tr>
      </thead>
      <tbody>${view.argv.map((row, index) =>
        html`
          <tr class="${row.differs ? "differs" : ""}">
            <td>${index}</td>
            <td><code>${row.recorded ?? "(nothing)"}</code></td>
            <td>${row.differs ? "≠" : "="}</td>
            <td><code>${row.run ?? "(nothing)"}</code></td>
          </tr>
        `
      )}</tbody>
    </table>
  `;
}

function inputSection(view: MissView): Html {
  if (view.input.length === 0) return html`<p>The nearest cassette read nothing on stdin.</p>`;
  return html`<ol class="input-lines">${
    view.input.map((line) =>
      html`<li class="${line.differs ? "differs" : ""}"><code>${line.line}</code>${
        line.differs ? " ≠" : ""
      }</li>`
    )
  }</ol>`;
}
