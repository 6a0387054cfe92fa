import { deepStrictEqual, strictEqual } from "node:assert";
import { PAGE_SCRIPT } from "./_page_script.ts";

// Just enough of a DOM for the script: a table's rows, header cells, a filter box and a count.

type Listener = () => void;

class Element {
  readonly attributes = new Map<string, string>();
  readonly listeners = new Map<string, Listener>();
  hidden = false;
  open = false;
  tagName = "DIV";
  textContent = "";
  parentElement: Element | null = null;
  getAttribute(name: string): string | null {
    return this.attributes.get(name) ?? null;
  }
  setAttribute(name: string, value: string): void {
    this.attributes.set(name, value);
  }
  hasAttribute(name: string): boolean {
    return this.attributes.has(name);
  }
  removeAttribute(name: string): void {
    this.attributes.delete(name);
  }
  addEventListener(type: string, listener: Listener): void {
    this.listeners.set(type, listener);
  }
}

class Header extends Element {
  readonly button = new Element();
  querySelector(): Element {
    return this.button;
  }
}

class Row extends Element {
  readonly cells: Element[];
  constructor(readonly name: string, values: (string | null)[]) {
    super();
    this.textContent = `${name} ${values.join(" ")}`;
    this.cells = values.map((value) => {
      const cell = new Element();
      if (value !== null) cell.setAttribute("data-value", value);
      return cell;
    });
  }
}

function setUp(rows: Row[], numeric: boolean[]) {
  const body = {
    rows: [...rows],
    append(fragment: { items: Row[] }) {
      for (const row of fragment.items) {
        body.rows.splice(body.rows.indexOf(row), 1);
        body.rows.push(row);
      }
    },
  };
  const headers = numeric.map((isNumeric) => {
    const header = new Header();
    if (isNumeric) header.setAttribute("data-numeric", "");
    return header;
  });
  const table = { id: "t", tBodies: [body], tHead: { rows: [{ cells: headers }] } };
  const input = Object.assign(new Element(), { value: "" });
  const counter = new Element();
  const windowListeners = new Map<string, Listener>();
  const document = {
    querySelectorAll: (selector: string) => selector === "table[data-sortable]" ? [table] : [],
    getElementById: (id: string) =>
      ({ "t-filter": input, "t-count": counter } as Record<string, Element>)[id] ?? null,
    createDocumentFragment: () => ({
      items: [] as Row[],
      append(row: Row) {
        this.items.push(row);
      },
    }),
  };
  const run = new Function(
    "document",
    "location",
    "addEventListener",
    "setTimeout",
    "clearTimeout",
    PAGE_SCRIPT,
  );
  run(
    document,
    { hash: "" },
    (type: string, listener: Listener) => windowListeners.set(type, listener),
    (callback: Listener) => callback(),
    () => {},
  );
  const order = () => body.rows.map((row) => row.name).join();
  const click = (index: number) => headers[index]!.button.listeners.get("click")!();
  return { body, headers, input, counter, order, click, windowListeners };
}

Deno.test("the script does nothing, and throws nothing, on a page without tables", () => {
  const run = new Function("document", "location", "addEventListener", PAGE_SCRIPT);
  run({ querySelectorAll: () => [] }, { hash: "" }, () => {});
});

Deno.test("the script sorts numbers by size, largest first, empty last, and toggles", () => {
  const table = setUp([
    new Row("a", ["a", "10"]),
    new Row("b", ["b", "9"]),
    new Row("c", ["c", null]),
    new Row("d", ["d", "100"]),
  ], [false, true]);
  table.click(1);
  strictEqual(table.order(), "d,a,b,c");
  strictEqual(table.headers[1]!.getAttribute("aria-sort"), "descending");
  table.click(1);
  strictEqual(table.order(), "b,a,d,c");
  strictEqual(table.headers[1]!.getAttribute("aria-sort"), "ascending");
  table.click(0);
  strictEqual(table.order(), "a,b,c,d");
  deepStrictEqual(table.headers.map((header) => header.getAttribute("aria-sort")), [
    "ascending",
    null,
  ]);
});

Deno.test("the script sorts text naturally: job 2 before job 10", () => {
  const table = setUp(
    [new Row("x", ["job 10"]), new Row("y", ["job 2"]), new Row("z", ["Job 1"])],
    [false],
  );
  table.click(0);
  strictEqual(table.order(), "z,y,x");
});

Deno.test("the script filters rows by their text and counts the ones shown", () => {
  const table = setUp(
    [new Row("alpha", ["1"]), new Row("beta", ["2"]), new Row("alphabet", ["3"])],
    [true],
  );
  table.input.value = " ALPHA ";
  table.input.listeners.get("input")!();
  deepStrictEqual(table.body.rows.map((row) => row.hidden), [false, true, false]);
  strictEqual(table.counter.textContent, "2 of 3 rows");
  table.input.value = "";
  table.input.listeners.get("input")!();
  strictEqual(table.counter.textContent, "3 of 3 rows");
});

Deno.test("the script opens folded details before printing and closes them after", () => {
  const table = setUp([], []);
  const details = [new Element(), new Element()];
  const script = new Function("document", "location", "addEventListener", PAGE_SCRIPT);
  const listeners = new Map<string, Listener>();
  script(
    { querySelectorAll: (selector: string) => selector === "details:not([open])" ? details : [] },
    { hash: "" },
    (type: string, listener: Listener) => listeners.set(type, listener),
  );
  listeners.get("beforeprint")!();
  deepStrictEqual(details.map((d) => d.open), [true, true]);
  listeners.get("afterprint")!();
  deepStrictEqual(details.map((d) => d.open), [false, false]);
  strictEqual(table.windowListeners.has("beforeprint"), true);
});
