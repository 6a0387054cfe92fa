/**
 * Builds the single `claw` binary with `deno compile` for five targets (Linux x86_64 and aarch64,
 * Windows x86_64, macOS x86_64 and aarch64) into `dist/`: `claw-<target>` (`.exe` for Windows),
 * and beside each its `.sha256` in `sha256sum`'s format (`<hex>  <name>`), which
 * `sha256sum -c` checks.
 *
 * `deno compile` downloads each target's runtime (denort) from dl.deno.land. Where that host is
 * unreachable, `DENORT_BIN` points at a local denort instead: one runtime for one target, the
 * host's, so with it set only the host target is built, and asking for another is an error.
 *
 * Each command, and much of what a command loads, is a literal `import()` that deno.json's
 * `"unstable": ["lazy-dynamic-imports"]` defers; with that flag `deno compile` leaves such modules
 * out of the binary, so every `import()` target in main.ts's graph (as `deno info` reads it) is
 * passed with `--include`, with the files read at run time rather than imported.
 *
 * Exit codes: 0 built; 1 `deno compile` failed (the tail of what it said follows); 2 usage error.
 *
 * @example
 * ```sh
 * deno task compile                                       # all five targets, into dist/
 * deno task compile --target aarch64-apple-darwin         # one (repeat --target for more)
 * DENORT_BIN=/path/to/denort deno task compile            # the host's target, with no download
 * ```
 *
 * @module
 */
import { basename, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { deno, ROOT } from "./_deno.ts";

/** The targets `deno compile --target` builds `claw` for, in the order they are built. */
export const TARGETS = [
  "x86_64-unknown-linux-gnu",
  "aarch64-unknown-linux-gnu",
  "x86_64-pc-windows-msvc",
  "x86_64-apple-darwin",
  "aarch64-apple-darwin",
] as const;

/** One of {@linkcode TARGETS}. */
export type Target = typeof TARGETS[number];

/** Files `claw` reads at run time rather than imports, which the binary must embed. */
const INCLUDES = [
  "fixtures/demo/demo.ndjson", // claw run --demo's cassette (src/cli/_demo.ts)
];

const HELP = `Usage: deno task compile [--target TARGET]… [--out-dir DIR]

Builds claw for each TARGET (default: all five; with DENORT_BIN set, the host's only) into DIR
(default: dist/): claw-TARGET, claw-TARGET.exe for Windows, each with a .sha256 beside it.

Targets:
${TARGETS.map((target) => `  ${target}`).join("\n")}

Environment:
  DENORT_BIN  A local denort runtime for the host's target, used instead of downloading one`;

/** A command line compile.ts refuses: exit 2. */
class UsageError extends Error {
  override name = "UsageError";
}

/**
 * The name of `claw`'s binary for `target`: `claw-<target>`, with `.exe` for Windows.
 *
 * @example Naming the binaries
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { binaryName } from "./compile.ts";
 *
 * strictEqual(binaryName("aarch64-apple-darwin"), "claw-aarch64-apple-darwin");
 * strictEqual(binaryName("x86_64-pc-windows-msvc"), "claw-x86_64-pc-windows-msvc.exe");
 * ```
 */
export function binaryName(target: Target): string {
  return `claw-${target}${target.includes("-windows-") ? ".exe" : ""}`;
}

/** Whether `value` is one of {@linkcode TARGETS}. */
function isTarget(value: string): value is Target {
  return (TARGETS as readonly string[]).includes(value);
}

/** What decides which targets are built. */
export interface TargetChoice {
  /** The targets asked for with `--target`, in order; none means the default. */
  asked: readonly string[];
  /** `DENORT_BIN`, if set: a runtime for the host's target only. */
  denort?: string | undefined;
  /** The host's target (`Deno.build.target`). */
  host: string;
}

/**
 * The targets to build: those asked for, each once, or by default all five; with `denort`, the
 * host's only. Throws with the message to print (a usage error, exit 2) for an unknown target, or
 * a target other than the host's with `denort`.
 *
 * @example Defaults with and without DENORT_BIN
 * ```ts
 * import { deepStrictEqual, throws } from "node:assert";
 * import { chooseTargets, TARGETS } from "./compile.ts";
 *
 * const host = "x86_64-unknown-linux-gnu";
 * deepStrictEqual(chooseTargets({ asked: [], host }), [...TARGETS]);
 * deepStrictEqual(chooseTargets({ asked: [], denort: "/opt/denort", host }), [host]);
 * throws(() => chooseTargets({ asked: ["aarch64-apple-darwin"], denort: "/opt/denort", host }));
 * throws(() => chooseTargets({ asked: ["riscv64"], host }), /Unknown target "riscv64"/);
 * ```
 */
export function chooseTargets(choice: TargetChoice): Target[] {
  const unknown = choice.asked.find((target) => !isTarget(target));
  if (unknown !== undefined) {
    throw new UsageError(`Unknown target "${unknown}": use one of ${TARGETS.join(", ")}`);
  }
  const asked = [...new Set(choice.asked)].filter(isTarget);
  if (choice.denort === undefined) return asked.length > 0 ? asked : [...TARGETS];
  const host = choice.host;
  if (!isTarget(host)) {
    throw new UsageError(
      `Cannot build with DENORT_BIN on this host ("${host}"): deno compile has no such target; unset DENORT_BIN and pass --target`,
    );
  }
  const other = asked.find((target) => target !== host);
  if (other !== undefined) {
    throw new UsageError(
      `Cannot build "${other}" with DENORT_BIN: a denort runtime serves one target, this host's ("${host}"); unset DENORT_BIN to let deno compile download each target's, or pass --target ${host}`,
    );
  }
  return [host];
}

/**
 * The `sha256sum` line of the file at `path`: its SHA-256 in hex, two spaces, its base name.
 *
 * @example The checksum line of a small file
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { sha256Line } from "./compile.ts";
 *
 * const path = await Deno.makeTempFile({ suffix: ".txt" });
 * await Deno.writeTextFile(path, "abc");
 * const line = await sha256Line(path);
 * strictEqual(line.split("  ")[0], "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
 * strictEqual(line.endsWith(".txt\n"), true);
 * await Deno.remove(path);
 * ```
 */
export async function sha256Line(path: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", await Deno.readFile(path));
  const hex = Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, "0"));
  return `${hex.join("")}  ${basename(path)}\n`;
}

/** The shape of `deno info --json` this script reads. */
interface ModuleGraph {
  modules: {
    dependencies?: { isDynamic?: boolean; code?: { specifier: string } }[];
  }[];
}

/**
 * The modules main.ts's graph loads with `import()`, as paths relative to the root, sorted:
 * `deno compile` leaves them out under `lazy-dynamic-imports` unless they are included.
 *
 * @example Every command's module is among them
 * ```ts
 * import { ok } from "node:assert";
 * import { lazyImports } from "./compile.ts";
 *
 * const modules = await lazyImports();
 * ok(modules.includes("src/cli/run.ts") && modules.includes("src/cli/session.ts"));
 * ```
 */
export async function lazyImports(): Promise<string[]> {
  const out = await deno(["info", "--json", "main.ts"]);
  if (!out.success) {
    throw new Error(`deno info main.ts failed: ${new TextDecoder().decode(out.stderr).trim()}`);
  }
  const graph = JSON.parse(new TextDecoder().decode(out.stdout)) as ModuleGraph;
  const lazy = new Set<string>();
  for (const module of graph.modules) {
    for (const dependency of module.dependencies ?? []) {
      const url = dependency.code?.specifier;
      if (dependency.isDynamic && url?.startsWith("file:")) {
        lazy.add(relative(ROOT, fileURLToPath(url)));
      }
    }
  }
  return [...lazy].sort();
}

/**
 * `deno compile` of claw for `target` into `outDir`, embedding `includes` too; returns the
 * binary's path, or throws.
 */
async function compile(target: Target, outDir: string, includes: string[]): Promise<string> {
  const output = join(outDir, binaryName(target));
  const out = await deno([
    "compile",
    "-A",
    "--target",
    target,
    ...includes.flatMap((path) => ["--include", path]),
    "--output",
    output,
    "main.ts",
  ]);
  if (!out.success) {
    // What it said, without the stack backtrace that follows an error
    const text = new TextDecoder().decode(out.stderr).split("Stack backtrace:")[0]!;
    const said = text.trim().split("\n").filter((line) => line.trim() !== "").slice(-8);
    throw new Error(
      [
        `deno compile failed for "${target}" (exit ${out.code})${
          /denort|dl\.deno\.land/.test(text)
            ? ": it could not get the target's denort runtime; build where dl.deno.land is reachable, or set DENORT_BIN to a local denort (the host's target only)"
            : ""
        }`,
        ...said.map((line) => `  ${line}`),
      ].join("\n"),
    );
  }
  return output;
}

/** The command line read: the targets to build and where to, or help asked for. */
interface Plan {
  help: boolean;
  targets: Target[];
  outDir: string;
}

/** Reads `args` and `DENORT_BIN` into a {@linkcode Plan}; a refused command line throws. */
async function plan(args: string[]): Promise<Plan> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        target: { type: "string", multiple: true, default: [] },
        "out-dir": { type: "string", default: join(ROOT, "dist") },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (error) {
    // parseArgs throws a TypeError with a code for an unknown option or a missing value
    const { code, message } = error as { code?: string; message?: string };
    if (!code?.startsWith("ERR_PARSE_ARGS_")) throw error;
    const option = /'(-[^']*)'/.exec(message ?? "")?.[1];
    throw new UsageError(
      code === "ERR_PARSE_ARGS_UNKNOWN_OPTION"
        ? `Unknown option "${option}": use --target TARGET, --out-dir DIR or --help`
        : `Invalid option: ${message}; see deno task compile --help`,
      { cause: error },
    );
  }
  const { values, positionals } = parsed;
  const outDir = resolve(values["out-dir"]);
  if (values.help) return { help: true, targets: [], outDir };
  if (positionals.length > 0) {
    throw new UsageError(`Unexpected "${positionals.join(" ")}": pass targets with --target`);
  }
  const denort = Deno.env.get("DENORT_BIN") || undefined;
  const targets = chooseTargets({ asked: values.target, denort, host: Deno.build.target });
  if (denort !== undefined) {
    const info = await Deno.stat(denort).catch(() => undefined);
    if (!info?.isFile) {
      throw new UsageError(
        `Cannot find the denort runtime DENORT_BIN names ("${denort}"): point it at a denort binary, or unset it`,
      );
    }
    console.error(`Using the denort runtime at ${denort} (DENORT_BIN), for ${targets[0]} only`);
  }
  return { help: false, targets, outDir };
}

/** Runs compile.ts with `args`; returns the exit code. */
async function main(args: string[]): Promise<number> {
  let planned: Plan;
  try {
    planned = await plan(args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(error.message);
    return 2;
  }
  const { targets, outDir } = planned;
  if (planned.help) {
    console.log(HELP);
    return 0;
  }
  const includes = [...INCLUDES, ...await lazyImports()];
  await Deno.mkdir(outDir, { recursive: true });
  for (const target of targets) {
    console.error(`Compiling claw for ${target}…`);
    let binary: string;
    try {
      binary = await compile(target, outDir, includes);
    } catch (error) {
      console.error(error instanceof Error ? error.message : String(error));
      return 1;
    }
    const line = await sha256Line(binary);
    await Deno.writeTextFile(`${binary}.sha256`, line);
    const { size } = await Deno.stat(binary);
    const near = relative(Deno.cwd(), binary);
    const shown = near.startsWith("..") ? binary : near;
    console.log(`${shown}  ${(size / 1e6).toFixed(1)} MB  sha256 ${line.split(" ")[0]}`);
  }
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
