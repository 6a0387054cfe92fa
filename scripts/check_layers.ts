/**
 * The layer check `deno task ok` runs: the folders under `src/` import each other without cycles,
 * the leaves stay leaves (`errors/` imports nothing, `protocol/` nothing outside itself), and no
 * folder but the app (`cli/`) imports another folder's private `_` files. Library code only:
 * tests and benchmarks may reach across. (Public signatures naming private types are the package
 * check's, `scripts/check_publish.ts`, with the rest of `deno doc --lint`.)
 *
 * @example
 * ```sh
 * deno run -A scripts/check_layers.ts
 * ```
 *
 * @module
 */
import { dirname, join, relative, resolve } from "node:path";

const root = resolve(dirname(new URL(import.meta.url).pathname), "..");

/** Folders that may import only the folders listed (besides themselves). */
const LEAVES: Record<string, string[]> = { errors: [], protocol: [] };

const IMPORT =
  /(?:^|\n)\s*(?:import|export)\b[^;]*?\bfrom\s*["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\s*\)/g;

/** One import that crosses folders: who imports what. */
export interface Crossing {
  from: string;
  to: string;
}

function* libraryFiles(dir: string): Generator<string> {
  for (const entry of Deno.readDirSync(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) yield* libraryFiles(path);
    else if (/\.ts$/.test(entry.name) && !/_(test|bench)\.ts$/.test(entry.name)) yield path;
  }
}

/** The folder of a file under `src`: its first segment, or `.` for a file at the top. */
function folderOf(src: string, path: string): string {
  const [first, second] = relative(src, path).split("/");
  return second === undefined ? "." : first!;
}

/** Every import of the library under `src` that crosses from one folder into another. */
function* crossings(src: string): Generator<Crossing & { fromFolder: string; toFolder: string }> {
  for (const file of libraryFiles(src)) {
    const fromFolder = folderOf(src, file);
    // Doc examples import across layers on purpose; they are not the module's imports.
    const code = Deno.readTextFileSync(file).replace(/\/\*\*[\s\S]*?\*\//g, "");
    for (const match of code.matchAll(IMPORT)) {
      const specifier = match[1] ?? match[2]!;
      if (!specifier.startsWith(".")) continue;
      const target = resolve(dirname(file), specifier);
      if (!target.startsWith(src + "/")) continue;
      const toFolder = folderOf(src, target);
      if (toFolder === fromFolder) continue;
      yield { from: relative(src, file), to: relative(src, target), fromFolder, toFolder };
    }
  }
}

/** Folder → folder → the first import that makes the edge, for the library under `src`. */
export function folderGraph(src: string): Map<string, Map<string, Crossing>> {
  const graph = new Map<string, Map<string, Crossing>>();
  for (const { from, to, fromFolder, toFolder } of crossings(src)) {
    const edges = graph.get(fromFolder) ?? new Map<string, Crossing>();
    graph.set(fromFolder, edges);
    if (!edges.has(toFolder)) edges.set(toFolder, { from, to });
  }
  return graph;
}

/**
 * The imports by which one folder reaches into another's private (`_`-prefixed) file. Each
 * folder is an entry point's or feeds one, so what it shares must be a module of its own; only
 * the app, `cli/`, may reach in.
 */
export function privateImports(src: string): string[] {
  return [...crossings(src)]
    .filter(({ fromFolder, to }) => fromFolder !== "cli" && /(^|\/)_[^/]*$/.test(to))
    .map(({ from, to }) => `${from} imports ${to}, a private file of another folder`);
}

/** Every elementary cycle's folders, found by depth-first search from each folder. */
export function cycles(graph: Map<string, Map<string, Crossing>>): string[][] {
  const found = new Map<string, string[]>();
  const visit = (path: string[]) => {
    const last = path.at(-1)!;
    for (const next of graph.get(last)?.keys() ?? []) {
      const at = path.indexOf(next);
      if (at !== -1) {
        const cycle = path.slice(at);
        const start = cycle.indexOf([...cycle].sort()[0]!);
        const canonical = [...cycle.slice(start), ...cycle.slice(0, start)];
        found.set(canonical.join(">"), canonical);
      } else visit([...path, next]);
    }
  };
  for (const folder of graph.keys()) visit([folder]);
  return [...found.values()];
}

/** What is wrong with the layers of the library under `src`: cycles, then leaves that import. */
export function layerFailures(graph: Map<string, Map<string, Crossing>>): string[] {
  const failures: string[] = [];
  for (const cycle of cycles(graph)) {
    const steps = cycle.map((folder, i) => {
      const crossing = graph.get(folder)!.get(cycle[(i + 1) % cycle.length]!)!;
      return `    ${crossing.from} imports ${crossing.to}`;
    });
    failures.push(
      `a cycle between folders: ${[...cycle, cycle[0]].join(" → ")}\n${steps.join("\n")}`,
    );
  }
  for (const [leaf, allowed] of Object.entries(LEAVES)) {
    for (const [to, crossing] of graph.get(leaf) ?? []) {
      if (!allowed.includes(to)) {
        failures.push(`${leaf}/ must not import ${to}/: ${crossing.from} imports ${crossing.to}`);
      }
    }
  }
  return failures;
}

if (import.meta.main) {
  const graph = folderGraph(join(root, "src"));
  const failures = [...layerFailures(graph), ...privateImports(join(root, "src"))];
  for (const [from, edges] of [...graph].sort(([a], [b]) => a.localeCompare(b))) {
    console.log(`${from.padEnd(10)} → ${[...edges.keys()].sort().join(", ")}`);
  }
  if (failures.length) {
    console.error(`\nLayer check failed:\n${failures.map((f) => `- ${f}`).join("\n")}`);
    Deno.exit(1);
  }
  console.log(
    "Layer check passed: no folder cycles, leaves stay leaves, no private files shared",
  );
}
