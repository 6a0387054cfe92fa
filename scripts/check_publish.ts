/**
 * The package check `deno task ok` runs: what `deno publish` would ship, and how JSR would score
 * its documentation. It fails when
 * - `deno publish --dry-run` prints an error or a warning (a missing license, an import it cannot
 *   analyze, a bare specifier only an import map resolves),
 * - the package would ship a test, a benchmark, a script or a fixture other than the demo cassette
 *   the runtime reads,
 * - `deno doc --lint` finds a problem in the entry points (`exports` in deno.json, documented
 *   together, as JSR documents the package), or
 * - an entry point has no module doc with an example.
 *
 * @example
 * ```sh
 * deno run -A scripts/check_publish.ts
 * ```
 *
 * @module
 */
import { resolve } from "node:path";
import { deno, ROOT } from "./_deno.ts";

const root = ROOT.replace(/\/$/, "");

/** Files the package may ship besides `src/` modules. */
const SHIPPED_FILES = ["deno.json", "main.ts", "README.md", "LICENSE", "fixtures/demo/demo.ndjson"];

/** Lines of a Deno tool's output that report a problem (`error[…]`, `warning[…]`), plain. */
export function reportedProblems(output: string): string[] {
  return plain(output).split("\n").filter((line) => /^(error|warning)\[[\w-]+\]/.test(line));
}

/** The files a `deno publish --dry-run` lists, relative to `root`. */
export function publishedFiles(output: string, root: string): string[] {
  const prefix = `file://${root}/`;
  return plain(output).split("\n")
    .map((line) => line.trim().replace(/ \([\d.]+\w*B\)$/, ""))
    .filter((line) => line.startsWith(prefix))
    .map((line) => line.slice(prefix.length));
}

/** The files of `files` the package must not ship: tests, benchmarks, scripts, fixtures. */
export function unwantedFiles(files: readonly string[]): string[] {
  return files.filter((file) =>
    SHIPPED_FILES.includes(file)
      ? false
      : !file.startsWith("src/") || /_(test|bench)\.ts$/.test(file)
  );
}

/** Whether `deno ARGS` succeeded, and all it printed. */
async function printed(args: string[]): Promise<{ ok: boolean; output: string }> {
  const out = await deno(args);
  const decoder = new TextDecoder();
  return { ok: out.success, output: decoder.decode(out.stdout) + decoder.decode(out.stderr) };
}

function plain(text: string): string {
  // deno-lint-ignore no-control-regex
  return text.replace(/\x1b\[[0-9;]*m/g, "");
}

if (import.meta.main) {
  const config = JSON.parse(Deno.readTextFileSync(`${root}/deno.json`));
  const entries = Object.values(config.exports as Record<string, string>);
  const failures: string[] = [];

  // Both type-check the whole graph: at once, they share the machine's cores.
  const [publish, doc] = await Promise.all([
    printed(["publish", "--dry-run", "--allow-dirty"]),
    printed(["doc", "--lint", ...entries]),
  ]);
  failures.push(...reportedProblems(publish.output).map((line) => `deno publish: ${line}`));
  if (!publish.ok && !failures.length) {
    failures.push(`deno publish --dry-run failed:\n${plain(publish.output).slice(-2000)}`);
  }
  const files = publishedFiles(publish.output, root);
  for (const file of unwantedFiles(files)) failures.push(`the package would ship ${file}`);

  const docProblems = reportedProblems(doc.output);
  const counts = Map.groupBy(docProblems, (line) => line);
  for (const [line, same] of counts) failures.push(`deno doc --lint: ${line} (${same.length}×)`);
  if (!doc.ok && !docProblems.length) {
    failures.push(`deno doc --lint failed:\n${plain(doc.output).slice(-2000)}`);
  }

  for (const entry of entries) {
    const text = Deno.readTextFileSync(resolve(root, entry));
    const moduleDoc = /^\/\*\*[\s\S]*?\*\//.exec(text)?.[0] ?? "";
    if (!moduleDoc.includes("@module") || !moduleDoc.includes("@example")) {
      failures.push(`${entry} has no module doc with an @example`);
    }
  }

  if (failures.length) {
    console.error(`Package check failed:\n${failures.map((f) => `- ${f}`).join("\n")}`);
    Deno.exit(1);
  }
  console.log(
    `Package check passed: deno publish --dry-run ships ${files.length} files with no warning, ` +
      `and deno doc --lint is clean for the ${entries.length} entry points`,
  );
}
