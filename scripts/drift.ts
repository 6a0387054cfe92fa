/**
 * Drift check: records every corpus scenario with a Claude Code CLI against claw's fake API,
 * decodes each run strictly, and compares it with a pinned corpus (`fixtures/cassettes/<V>/`):
 * line kinds and subtypes, the fields of every kind and their types, the control requests and
 * responses both ways, `--help`'s flags and subcommands, `auth status --json`'s fields, and every
 * run's exit code (the usage-error scenarios' included). Prints one line per change.
 *
 * Which CLI: `--cli PATH` (any executable), `--version V` (`@anthropic-ai/claude-code@V`, into
 * `.cache/claude-code/V/`), `--sdk V` (the CLI bundled in Agent SDK V's platform package for this
 * machine); with none of them, the newest of both routes: npm's newest `claude-code` and the CLI
 * inside npm's newest SDK (checked once when they are the same version). `--against V` picks the
 * pinned corpus (default: the newest pinned). `--only SCENARIO` (repeatable) records and compares
 * just those scenarios.
 *
 * Exit codes: 0 no change, 1 a change (or a line claw cannot decode strictly, or a scenario that
 * failed to record), 2 it could not run (a bad flag, an install that failed, a CLI that does not
 * answer `--version`, a corpus that is not pinned). Not part of CI: its answer depends on the
 * day's release; `examples/drift.yml` runs it daily.
 *
 * @example
 * ```sh
 * deno task drift                                  # the newest CLI by either route
 * deno task drift --sdk 0.3.337                    # the CLI inside Agent SDK 0.3.337
 * deno task drift --cli ~/bin/claude --against 2.1.332
 * ```
 *
 * @module
 */
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { compareShapes } from "./_drift/compare.ts";
import { type Shape, shapeOf } from "./_drift/shape.ts";
import {
  claudeCodePath,
  installClaudeCode,
  installSdkCli,
  NEWEST_PINNED_CLI,
} from "./install_cli.ts";
import { CASSETTES_DIR, SCENARIOS } from "./record_cassettes.ts";
import { readCliVersion } from "../src/process/version.ts";

const RECORDER = new URL("./record_cassettes.ts", import.meta.url).pathname;

const USAGE =
  "Usage: deno task drift [--cli PATH | --version V | --sdk V] [--against V] [--only SCENARIO]…";

/** A CLI to check, and how it was found. */
interface Target {
  path: string;
  /** How the report names it: `@anthropic-ai/claude-code@2.1.337`, `--cli ./claude`, … */
  source: string;
}

/** A failure that stops the check before it can compare: exit 2. */
class CannotRun extends Error {}

async function npmLatest(name: string): Promise<string> {
  const out = await new Deno.Command("npm", {
    args: ["view", `${name}@latest`, "version"],
    stdout: "piped",
    stderr: "piped",
  }).output().catch(() => undefined);
  const version = out ? new TextDecoder().decode(out.stdout).trim() : "";
  if (!out?.success || !/^\d+\.\d+\.\d+$/.test(version)) {
    throw new CannotRun(`Cannot ask npm for the newest ${name}: check access to the npm registry`);
  }
  return version;
}

async function installed<T>(what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw new CannotRun(`Cannot install ${what}: ${(error as Error).message}`);
  }
}

/** The CLIs the flags ask for. */
async function targets(
  values: { cli?: string; version?: string; sdk?: string },
): Promise<Target[]> {
  if (values.cli !== undefined) {
    return [{ path: resolve(values.cli), source: `--cli ${values.cli}` }];
  }
  if (values.version !== undefined) {
    const version = values.version;
    await installed(`Claude Code ${version}`, () => installClaudeCode(version));
    return [{ path: claudeCodePath(version), source: `@anthropic-ai/claude-code@${version}` }];
  }
  if (values.sdk !== undefined) {
    const sdk = values.sdk;
    const path = await installed(`Agent SDK ${sdk}'s CLI`, () => installSdkCli(sdk));
    return [{ path, source: `the CLI inside Agent SDK ${sdk}` }];
  }
  const [code, sdk] = await Promise.all([
    npmLatest("@anthropic-ai/claude-code"),
    npmLatest("@anthropic-ai/claude-agent-sdk"),
  ]);
  await installed(`Claude Code ${code}`, () => installClaudeCode(code));
  const sdkPath = await installed(`Agent SDK ${sdk}'s CLI`, () => installSdkCli(sdk));
  return [
    { path: claudeCodePath(code), source: `npm's newest @anthropic-ai/claude-code` },
    { path: sdkPath, source: `the CLI inside npm's newest Agent SDK (${sdk})` },
  ];
}

/** The step names of the scenarios `only` names (all of them when empty). */
function stepsOf(only: readonly string[]): Set<string> | undefined {
  if (only.length === 0) return undefined;
  const unknown = only.find((name) => !SCENARIOS.some((scenario) => scenario.name === name));
  if (unknown !== undefined) {
    throw new CannotRun(
      `Unknown scenario "${unknown}": choose from ${SCENARIOS.map((s) => s.name).join(", ")}`,
    );
  }
  return new Set(
    SCENARIOS.filter((s) => only.includes(s.name)).flatMap((s) => s.steps.map((t) => t.name)),
  );
}

/** Records the chosen scenarios with `cli` (Claude Code `version`) into `out`. */
async function record(cli: string, version: string, out: string, only: readonly string[]) {
  const child = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      RECORDER,
      "--version",
      version,
      "--cli",
      cli,
      "--out",
      out,
      ...only.flatMap((name) => ["--only", name]),
    ],
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  return child.code;
}

function count(shape: Shape): string {
  const fields = [...shape.kinds.values()].reduce((sum, fields) => sum + fields.size, 0);
  return [
    `${shape.kinds.size} line kinds`,
    `${fields} fields`,
    `${shape.flags?.size ?? 0} --help flags`,
    `${shape.subcommands?.size ?? 0} subcommands`,
    `${shape.authStatus?.size ?? 0} auth status fields`,
    `${shape.exits.size} exit codes`,
  ].join(", ");
}

/** Checks one CLI, which answered `--version` with `version`; returns its exit code (0 or 1). */
async function check(
  target: Target,
  version: string,
  against: string,
  only: readonly string[],
  steps: Set<string> | undefined,
): Promise<number> {
  const out = await Deno.makeTempDir({ prefix: "claw-drift-" });
  try {
    console.error(`Recording the corpus scenarios with Claude Code ${version} (${target.source})…`);
    const code = await record(target.path, version, out, only);
    if (code === 2) throw new CannotRun("The recorder refused its arguments (see above)");
    const [before, after] = await Promise.all([
      shapeOf(join(CASSETTES_DIR, against), steps),
      shapeOf(join(out, version), steps),
    ]);
    const changes = compareShapes(before, after);
    const problems = after.problems.map((problem) => `not decoded strictly: ${problem}`);
    if (code !== 0) problems.push("some scenarios failed to record (see above)");
    console.log(`Claude Code ${version} (${target.source}) against the corpus of ${against}:`);
    console.log(`  compared ${count(after)}`);
    for (const line of [...changes, ...problems]) console.log(`  ${line}`);
    if (changes.length + problems.length === 0) console.log("  no drift");
    return changes.length + problems.length === 0 ? 0 : 1;
  } finally {
    await Deno.remove(out, { recursive: true });
  }
}

/** The flags of the drift task, as `node:util`'s `parseArgs` takes them. */
export const DRIFT_FLAGS = {
  cli: { type: "string" },
  version: { type: "string" },
  sdk: { type: "string" },
  against: { type: "string", default: NEWEST_PINNED_CLI },
  only: { type: "string", multiple: true, default: [] as string[] },
  help: { type: "boolean", short: "h" },
} as const;

async function main(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: DRIFT_FLAGS });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const chosen = (["cli", "version", "sdk"] as const).filter((flag) => values[flag] !== undefined);
  if (chosen.length > 1) {
    throw new CannotRun(`Pass one of --cli, --version and --sdk, not ${chosen.join(" and ")}`);
  }
  const against = values.against;
  try {
    await Deno.stat(join(CASSETTES_DIR, against));
  } catch {
    throw new CannotRun(`No pinned corpus for ${against}: fixtures/cassettes has no such folder`);
  }
  const steps = stepsOf(values.only);
  const seen = new Set<string>();
  let exit = 0;
  for (const target of await targets(values)) {
    const version = await readCliVersion({ cli: target.path });
    if (version === undefined) {
      throw new CannotRun(`${target.path} does not answer --version like Claude Code`);
    }
    if (seen.has(version)) {
      console.log(`${target.source} is Claude Code ${version} too, checked above`);
      continue;
    }
    seen.add(version);
    exit = Math.max(exit, await check(target, version, against, values.only, steps));
  }
  return exit;
}

if (import.meta.main) {
  try {
    Deno.exitCode = await main(Deno.args);
  } catch (error) {
    if (!(error instanceof CannotRun || error instanceof TypeError)) throw error;
    // parseArgs reports a bad flag with a TypeError.
    console.error(`drift: ${error.message}`);
    if (error instanceof TypeError) console.error(USAGE);
    Deno.exitCode = 2;
  }
}
