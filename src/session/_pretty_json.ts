/**
 * `JSON.stringify(object, null, 2)` written piece by piece, for an object one of whose arrays is
 * too large to hold: its items come from an async iterable, each written as it comes.
 *
 * @module
 */

/**
 * The text of `JSON.stringify({ ...object, [key]: items }, null, 2)`, in pieces: the members of
 * `object` in order, the one named `key` (its value in `object` only holds its place) written
 * from `items` an item at a time, and a member whose value is `undefined` left out, as
 * `JSON.stringify` leaves it out.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { prettyJson } from "./_pretty_json.ts";
 *
 * const items = [{ role: "user", content: ["Hi"] }, { role: "assistant", content: [] }];
 * const pieces = prettyJson({ info: { id: "s1" }, messages: [], cost: undefined }, "messages", items);
 * const text = (await Array.fromAsync(pieces)).join("");
 * strictEqual(text, JSON.stringify({ info: { id: "s1" }, messages: items }, null, 2));
 * ```
 */
export async function* prettyJson(
  object: Record<string, unknown>,
  key: string,
  items: AsyncIterable<unknown> | Iterable<unknown>,
): AsyncGenerator<string> {
  const members = Object.entries(object).filter(([name, value]) =>
    name === key || value !== undefined
  );
  yield "{";
  for (const [at, [name, value]] of members.entries()) {
    yield `${at === 0 ? "" : ","}\n  ${JSON.stringify(name)}: `;
    if (name !== key) {
      yield indent(JSON.stringify(value, null, 2), "  ");
      continue;
    }
    let empty = true;
    for await (const item of items) {
      yield `${empty ? "[" : ","}\n    `;
      yield arrayItem(item);
      empty = false;
    }
    yield empty ? "[]" : "\n  ]";
  }
  yield members.length === 0 ? "}" : "\n}";
}

/** The wrapper that puts an item where {@linkcode arrayItem} writes it, and its text around it. */
const WRAPPER_START = '{\n  "": [\n    ';
const WRAPPER_END = "\n  ]\n}";

/**
 * `item`'s JSON as it stands in a member's array: indented for its depth by `JSON.stringify`
 * itself, then cut out of its wrapper, which does not copy a long text as indenting would.
 */
function arrayItem(item: unknown): string {
  return JSON.stringify({ "": [item] }, null, 2).slice(WRAPPER_START.length, -WRAPPER_END.length);
}

/** `json` with each of its lines after the first indented by `pad`. */
function indent(json: string, pad: string): string {
  // A JSON text holds no raw line break but those its indentation puts between members.
  return json.replaceAll("\n", `\n${pad}`);
}
