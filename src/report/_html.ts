// Safe HTML building for the report: text is escaped unless it is already an `Html` fragment.

/**
 * A fragment of HTML that is already safe to place in a page: built by {@linkcode html}, or
 * trusted with {@linkcode raw}. Interpolating it into {@linkcode html} keeps it as it is.
 *
 * @example A fragment keeps its markup
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { Html, html } from "./_html.ts";
 *
 * const strong = html`<strong>${"a < b"}</strong>`;
 * strictEqual(strong instanceof Html, true);
 * strictEqual(html`<p>${strong}</p>`.text, "<p><strong>a &lt; b</strong></p>");
 * ```
 */
export class Html {
  /** The HTML text of the fragment. */
  readonly text: string;

  /** A fragment of `text`, trusted as it is: prefer {@linkcode html} or {@linkcode raw}. */
  constructor(text: string) {
    this.text = text;
  }

  /** The HTML text, so a fragment reads right in a string template too. */
  toString(): string {
    return this.text;
  }
}

/**
 * Trusts `text` as HTML: for markup the report writes itself, never for user content.
 *
 * @example Markup from a constant
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { html, raw } from "./_html.ts";
 *
 * strictEqual(html`<p>${raw("&nbsp;")}</p>`.text, "<p>&nbsp;</p>");
 * ```
 */
export function raw(text: string): Html {
  return new Html(text);
}

const ENTITIES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/**
 * `text` with `&`, `<`, `>`, `"` and `'` written as entities: safe in element text and in quoted
 * attribute values.
 *
 * @example A prompt that tries to close a script
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { escapeHtml } from "./_html.ts";
 *
 * strictEqual(escapeHtml(`</script>"x"&'y'`), "&lt;/script&gt;&quot;x&quot;&amp;&#39;y&#39;");
 * ```
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ENTITIES[char]!);
}

/**
 * What {@linkcode html} accepts between `${}`: text and numbers (escaped), fragments (kept),
 * arrays of these (joined), and `null`, `undefined` or `false` (nothing, so `${ok && html`…`}`
 * reads naturally).
 */
export type HtmlValue =
  | Html
  | string
  | number
  | false
  | null
  | undefined
  | readonly HtmlValue[];

function render(value: HtmlValue): string {
  if (value instanceof Html) return value.text;
  if (value === null || value === undefined || value === false) return "";
  if (typeof value === "number") return String(value);
  if (typeof value === "string") return escapeHtml(value);
  let text = "";
  for (const item of value) text += render(item);
  return text;
}

/**
 * Builds an {@linkcode Html} fragment: each interpolated value is escaped unless it is `Html`;
 * arrays are joined, each element escaped or kept; `null`, `undefined` and `false` render
 * nothing; numbers render as `String(n)`.
 *
 * @example A list of user texts
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { html } from "./_html.ts";
 *
 * const items = ["<b>", "fish & chips"].map((item) => html`<li>${item}</li>`);
 * strictEqual(
 *   html`<ul>${items}</ul>${false}${null}<p>${3}</p>`.text,
 *   "<ul><li>&lt;b&gt;</li><li>fish &amp; chips</li></ul><p>3</p>",
 * );
 * ```
 */
export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): Html {
  let text = strings[0] ?? "";
  for (let i = 0; i < values.length; i++) text += render(values[i]!) + (strings[i + 1] ?? "");
  return new Html(text);
}

/** An attribute's value for {@linkcode attributes}: `true` writes it bare, `false` or nothing leaves it out. */
export type AttributeValue = string | number | boolean | null | undefined;

/**
 * Attributes for an element, each written ` name="value"` with the value escaped; `true` writes
 * a bare attribute, and `false`, `null` or `undefined` leave it out. Names are written as given:
 * use only names the code chooses, never user text.
 *
 * @example A cell that sorts by a number and may be marked
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { attributes, html } from "./_html.ts";
 *
 * const cell = html`<td${attributes({ class: "num", "data-value": 0.5, hidden: false })}>½</td>`;
 * strictEqual(cell.text, '<td class="num" data-value="0.5">½</td>');
 * strictEqual(attributes({ open: true, title: 'a "b"' }).text, ' open title="a &quot;b&quot;"');
 * ```
 */
export function attributes(values: Readonly<Record<string, AttributeValue>>): Html {
  let text = "";
  for (const [name, value] of Object.entries(values)) {
    if (value === true) text += ` ${name}`;
    else if (value !== false && value !== null && value !== undefined) {
      text += ` ${name}="${escapeHtml(String(value))}"`;
    }
  }
  return new Html(text);
}

const encoder = new TextEncoder();

/**
 * An id (or fragment) safe in HTML and in `#` links for any text: ASCII letters, digits, `-` and
 * `_` stay; every other byte of the UTF-8 text is written `.xx` in hex (and the empty text `.`),
 * so distinct texts give distinct ids. Link to a row with the same call:
 * `#${htmlId("job-" + id)}`.
 *
 * @example Ids of job names
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { htmlId } from "./_html.ts";
 *
 * strictEqual(htmlId("job-build-1"), "job-build-1");
 * strictEqual(htmlId("job-a b"), "job-a.20b");
 * strictEqual(htmlId('job_"><x'), "job_.22.3e.3cx");
 * ```
 */
export function htmlId(text: string): string {
  if (text === "") return ".";
  let id = "";
  for (const char of text) {
    if (/^[\w-]$/.test(char)) {
      id += char;
      continue;
    }
    for (const byte of encoder.encode(char)) id += "." + byte.toString(16).padStart(2, "0");
  }
  return id;
}
