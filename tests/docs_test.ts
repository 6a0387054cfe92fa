/**
 * The README and the `docs/` pages, held against the code and against themselves: the generated
 * part of docs/cli.md is what `scripts/gen_docs.ts` makes; the pages that list what the code has
 * tables for (error kinds and hints, check ids, auth sources and warning ids, batch fields, cassette
 * modes, entry points) list exactly those, in order; prose lines fit in 100 characters, no code
 * span is wrapped over two lines, and every relative link resolves, to a heading where it names one.
 * (The commands the pages print run in tests/readme_test.ts.)
 */
import { deepStrictEqual as assertEquals, ok } from "node:assert";
import { join } from "node:path";
import { generatedPages } from "../scripts/gen_docs.ts";
import { AUTH_WARNING_IDS } from "../src/auth/auth_warnings.ts";
import { AUTH_SOURCES } from "../src/auth/resolve_auth.ts";
import { _resultLine } from "../src/batch/_result_format.ts";
import { JOB_FIELDS } from "../src/batch/job.ts";
import { RETRYABLE_KINDS } from "../src/batch/run_batch.ts";
import { CASSETTE_MODES } from "../src/cassette/cassette_spawner.ts";
import { COMMANDS } from "../src/cli/commands.ts";
import { CHECK_IDS } from "../src/doctor/doctor.ts";
import { ERROR_KINDS, hintFor } from "../src/errors/kinds.ts";

const ROOT = new URL("..", import.meta.url).pathname;

/** Every page: the README and each docs page. */
const PAGES = [
  "README.md",
  ...[...Deno.readDirSync(join(ROOT, "docs"))]
    .filter((entry) => entry.name.endsWith(".md"))
    .map((entry) => `docs/${entry.name}`)
    .toSorted(),
];

/** Pages kept as they were written before this rule: wide tables, mapped row by row. */
const WIDE_PAGES = new Set(["docs/sdk.md", "docs/harness.md"]); // comparison tables

const read = (page: string) => Deno.readTextFileSync(join(ROOT, page));

/** The lines of `markdown` outside fenced code blocks, with their 1-based numbers. */
function proseLines(markdown: string): [number, string][] {
  const lines: [number, string][] = [];
  let fence: string | undefined;
  markdown.split("\n").forEach((line, index) => {
    const opening = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
    if (opening !== undefined && (fence === undefined || opening.startsWith(fence))) {
      fence = fence === undefined ? opening : undefined;
      return;
    }
    if (fence === undefined) lines.push([index + 1, line]);
  });
  return lines;
}

/** The part of `markdown` under the heading `title` (any level), up to the next heading. */
function section(markdown: string, title: string): string {
  const lines = markdown.split("\n");
  const start = lines.findIndex((line) => /^#+ /.test(line) && line.replace(/^#+ /, "") === title);
  ok(start !== -1, `no heading "${title}"`);
  const end = lines.findIndex((line, index) => index > start && /^#+ /.test(line));
  return lines.slice(start + 1, end === -1 ? undefined : end).join("\n");
}

/** The fenced code blocks of `markdown`, as text. */
function codeBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^\s*```\w*\n([\s\S]*?)^\s*```$/gm)].map((match) => match[1]!);
}

/** The backticked names that start each bullet of `markdown`, in order. */
function bulletNames(markdown: string): string[] {
  return [...markdown.matchAll(/^- `([^`]+)`/gm)].map((match) => match[1]!);
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as dashes. */
function slug(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, "").replace(/\s/g, "-");
}

/** Every anchor a page has: its headings' slugs, a repeated one with `-1`, `-2`, … */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const found = new Set<string>();
  for (const [, line] of proseLines(markdown)) {
    const heading = /^#{1,6} (.*)$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const base = slug(heading);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    found.add(count === 0 ? base : `${base}-${count}`);
  }
  return found;
}

Deno.test("the README and the new docs pages keep prose lines within 100 characters", () => {
  for (const page of PAGES.filter((page) => !WIDE_PAGES.has(page))) {
    for (const [number, line] of proseLines(read(page))) {
      ok([...line].length <= 100, `${page}:${number} has ${[...line].length} characters`);
    }
  }
});

Deno.test("no code span in the README or the docs is wrapped over two lines", () => {
  for (const page of PAGES) {
    for (const [number, line] of proseLines(read(page))) {
      const ticks = line.replace(/``+/g, "").split("`").length - 1;
      ok(ticks % 2 === 0, `${page}:${number} opens a code span it does not close: ${line}`);
    }
  }
});

Deno.test("every relative link in the README and the docs resolves, to a heading where it names one", () => {
  for (const page of PAGES) {
    const markdown = read(page);
    for (const [, line] of proseLines(markdown)) {
      for (const [, target] of line.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(target!)) continue;
        const [path, anchor] = target!.split("#") as [string, string | undefined];
        const file = path === "" ? page : join(page, "..", path);
        let linked: string;
        try {
          linked = read(file);
        } catch {
          throw new Error(`${page} links to ${target}, which does not exist`);
        }
        if (anchor === undefined) continue;
        ok(anchors(linked).has(anchor), `${page} links to ${target}: no such heading in ${file}`);
      }
    }
  }
});

Deno.test("the README links every docs page", () => {
  const readme = read("README.md");
  for (const page of PAGES.slice(1)) ok(readme.includes(`](${page})`), `the README links ${page}`);
});

Deno.test("docs/cli.md's commands are each command's help, as scripts/gen_docs.ts writes them", async () => {
  for (const page of await generatedPages()) {
    ok(page.now === page.want, `${page.path} is out of date: run deno task docs`);
  }
});

Deno.test("docs/cli.md shows the --json output of every command that has one", () => {
  const json = section(read("docs/cli.md"), "JSON output");
  for (const command of COMMANDS.filter((command) => command.json)) {
    ok(json.includes(`claw ${command.name} `), `claw ${command.name} --json is in docs/cli.md`);
  }
});

Deno.test("docs/errors.md lists every error kind, in order, with its hint", () => {
  const markdown = read("docs/errors.md");
  const headings = [...markdown.matchAll(/^### `(\w+)`$/gm)].map((match) => match[1]);
  assertEquals(headings, [...ERROR_KINDS, "io", "internal"]);
  for (const kind of ERROR_KINDS) {
    const hints = codeBlocks(section(markdown, `\`${kind}\``)).join("").split("\n")
      .filter((line) => line.startsWith("hint: ")).map((line) => line.slice("hint: ".length));
    assertEquals(hints, [...new Set([hintFor(kind), hintFor(kind, "session")])], kind);
  }
});

Deno.test("docs/doctor.md lists every check id, in the order the doctor reports them", () => {
  assertEquals(bulletNames(section(read("docs/doctor.md"), "The checks")), [...CHECK_IDS]);
});

Deno.test("docs/auth.md lists every credential source and every warning id, in order", () => {
  const markdown = read("docs/auth.md");
  const sources = [...section(markdown, "Sources").matchAll(/^- (.*)$/gm)]
    .flatMap((match) => [...match[1]!.split(":")[0]!.matchAll(/`([^`]+)`/g)].map((m) => m[1]));
  assertEquals(sources, [...AUTH_SOURCES]);
  assertEquals(bulletNames(section(markdown, "Warnings")), AUTH_WARNING_IDS);
});

Deno.test("docs/batch.md lists every job field, every result key and every retried kind", () => {
  const markdown = read("docs/batch.md");
  const fields = codeBlocks(section(markdown, "Jobs"))[0]!.split(/[,\s]+/).filter(Boolean);
  assertEquals(["id", "prompt", ...fields], [...JOB_FIELDS]);
  const shape = codeBlocks(section(markdown, "Results"))[0]!.replace(/: "\w+"(\|"\w+")*/g, "");
  const shown = [...shape.matchAll(/"(\w+)"/g)].map((match) => match[1]);
  const line = JSON.parse(
    _resultLine({ id: "a", status: "ok" } as Parameters<typeof _resultLine>[0]),
  );
  assertEquals(shown, Object.keys(line));
  const retries = section(markdown, "Retries and stops");
  for (const kind of RETRYABLE_KINDS) ok(retries.includes(`\`${kind}\``), `${kind} is retried`);
});

Deno.test("docs/record-replay.md lists every cassette mode", () => {
  const modes = bulletNames(section(read("docs/record-replay.md"), "Matching and modes"));
  assertEquals(modes, [...CASSETTE_MODES]);
});

Deno.test("docs/library.md lists the entry points deno.json exports, and the README names each", () => {
  const exports = JSON.parse(read("deno.json")).exports as Record<string, string>;
  const listed = [
    ...section(read("docs/library.md"), "Entry points").matchAll(
      /^- `([^`]+)` \(`([^`]+)`\)/gm,
    ),
  ].map((match) => [match[1], `./${match[2]}`]);
  assertEquals(Object.fromEntries(listed), exports, "docs/library.md");
  const readme = section(read("README.md"), "The library");
  for (const name of Object.keys(exports)) {
    ok(readme.includes(`\`${name}\``), `README names ${name}`);
  }
});
