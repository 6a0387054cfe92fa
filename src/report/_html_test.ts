import { ok, strictEqual } from "node:assert";
import { attributes, escapeHtml, Html, html, htmlId, raw } from "./_html.ts";

const ATTACK = "</script><img src=x onerror=alert(1)>";

Deno.test("escapeHtml writes the five special characters as entities", () => {
  strictEqual(escapeHtml(`&<>"'`), "&amp;&lt;&gt;&quot;&#39;");
  strictEqual(escapeHtml("plain text"), "plain text");
  strictEqual(escapeHtml("&amp;"), "&amp;amp;");
});

Deno.test("html escapes a prompt that tries to inject markup, in text and in attributes", () => {
  const fragment = html`<p title="${ATTACK}">${ATTACK}</p>`;
  ok(!fragment.text.includes("<img"));
  ok(!fragment.text.includes("</script>"));
  strictEqual(
    fragment.text,
    '<p title="&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;">' +
      "&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;</p>",
  );
  strictEqual(html`<a href="${'" onclick="x'}">`.text, '<a href="&quot; onclick=&quot;x">');
});

Deno.test("html keeps fragments, joins arrays and leaves out null, undefined and false", () => {
  const inner = html`<b>${"<"}</b>`;
  strictEqual(html`${inner}`.text, "<b>&lt;</b>");
  strictEqual(html`${["<", inner, ["&", raw("<br>")]]}`.text, "&lt;<b>&lt;</b>&amp;<br>");
  strictEqual(html`[${null}${undefined}${false}]`.text, "[]");
  strictEqual(html`${0} ${-1.5} ${NaN}`.text, "0 -1.5 NaN");
  strictEqual(html`${""}`.text, "");
  strictEqual(html``.text, "");
  ok(html`x` instanceof Html);
  strictEqual(`${html`<i>${"&"}</i>`}`, "<i>&amp;</i>");
});

Deno.test("htmlId keeps letters, digits, - and _ and writes other bytes so ids stay distinct", () => {
  strictEqual(htmlId("job-Build_1"), "job-Build_1");
  strictEqual(htmlId("job-a b"), "job-a.20b");
  strictEqual(htmlId("job-a.b"), "job-a.2eb");
  strictEqual(htmlId("é"), ".c3.a9");
  strictEqual(htmlId(""), ".");
  strictEqual(htmlId(ATTACK), ".3c.2fscript.3e.3cimg.20src.3dx.20onerror.3dalert.281.29.3e");
  const texts = ["a b", "a.20b", "a_20b", "a-b", "", ".", "a/b", "a%2fb"];
  const ids = texts.map(htmlId);
  strictEqual(new Set(ids).size, texts.length);
  for (const id of ids) ok(/^[\w.-]+$/.test(id), id);
});

Deno.test("attributes escapes values, writes true bare and leaves out false, null and undefined", () => {
  strictEqual(
    attributes({ id: ATTACK, "data-value": 0.25, hidden: true, open: false, a: null, b: undefined })
      .text,
    ' id="&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;" data-value="0.25" hidden',
  );
  strictEqual(attributes({}).text, "");
  strictEqual(html`<td${attributes({ title: '"' })}>`.text, '<td title="&quot;">');
});
