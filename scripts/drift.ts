/**
 * Drift check for whoever bumps the pinned CLI: installs the newest Claude Code from npm (or the
 * `--version` given) into the cache, records every corpus scenario with it, decodes each run
 * strictly, and compares with the corpus of the tested version: line kinds (`type/subtype`, and
 * `stream_event` payload types), the top-level fields of each kind, and the flags `claude --help`
 * lists. Prints what changed; exits 1 on any drift (or on a diagnostic or unknown kind), 0 when
 * the newest CLI prints what the corpus holds.
 *
 * Not part of CI: its answer depends on the day's release.
 *
 * @example
 * ```sh
 * deno task drift                          # against @anthropic-ai/claude-code@latest
 * deno run -A scripts/drift.ts --version 2.1.332
 * ```
 *
 * @module
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { readCassetteFile, stdoutText } from "../src/cassette/cassette.ts";
import { SUPPORTED_CLI } from "../src/process/version.ts";
import { decodeLine } from "../src/protocol/decode.ts";
import type { DecodedItem, StreamPayload } from "../src/protocol/events.ts";
import { kindOf } from "../src/session/summary.ts";
import { install, pinnedCliPath } from "./install_cli.ts";

const CORPUS = new URL("../fixtures/cassettes/", import.meta.url).pathname;
const RECORDER = new URL("./record_cassettes.ts", import.meta.url).pathname;

/** What a set of recorded runs printed, reduced to its shape. */
export interface Shape {
  /** Kind → top-level fields seen on it. */
  fields: Map<string, Set<string>>;
  /** Lines claw could not decode, or kinds it does not know: `file:line: what`. */
  problems: string[];
}

function shapeKind(item: DecodedItem): string {
  if (item.type === "stream_event") {
    const payload = item.event as StreamPayload | undefined;
    return `stream_event:${payload?.type === "unknown" ? payload.originalType : payload?.type}`;
  }
  return kindOf(item);
}

async function shapeOf(dir: string): Promise<Shape> {
  const shape: Shape = { fields: new Map(), problems: [] };
  for await (const entry of Deno.readDir(dir)) {
    if (!entry.name.endsWith(".ndjson")) continue;
    const cassette = await readCassetteFile(join(dir, entry.name));
    cassette.records.forEach((record, index) => {
      if (!("stdout" in record || "stdout_raw" in record)) return;
      const line = {
        text: stdoutText(record),
        lineNumber: index + 2,
        terminated: true,
        invalidUtf8: false,
      };
      for (const item of decodeLine(line)) {
        if (item.type === "diagnostic") {
          shape.problems.push(`${entry.name}:${item.lineNumber}: ${item.kind}: ${item.message}`);
          continue;
        }
        if (item.type === "unknown" || (item.type === "system" && item.subtype === "unknown")) {
          shape.problems.push(`${entry.name}:${line.lineNumber}: unknown kind ${kindOf(item)}`);
          continue;
        }
        const kind = shapeKind(item);
        const fields = shape.fields.get(kind) ?? new Set<string>();
        for (const key of Object.keys(item)) fields.add(key);
        shape.fields.set(kind, fields);
      }
    });
  }
  return shape;
}

async function helpFlags(cli: string): Promise<Set<string>> {
  const out = await new Deno.Command(cli, {
    args: ["--help"],
    env: { DISABLE_TELEMETRY: "1", CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1" },
    stdin: "null",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  return new Set(text.match(/--[a-z][a-z0-9-]*/g) ?? []);
}

async function latestVersion(): Promise<string> {
  const out = await new Deno.Command("npm", {
    args: ["view", "@anthropic-ai/claude-code@latest", "version"],
    stdout: "piped",
  }).output();
  const version = new TextDecoder().decode(out.stdout).trim();
  if (!out.success || !/^\d+\.\d+\.\d+$/.test(version)) {
    throw new Error("Cannot ask npm for the newest Claude Code: check access to the npm registry");
  }
  return version;
}

function difference<T>(a: Set<T>, b: Set<T>): T[] {
  return [...a].filter((x) => !b.has(x)).sort();
}

/** The changes from `before` to `after`, one line each. */
export function compareShapes(before: Shape, after: Shape): string[] {
  const changes: string[] = [];
  const kinds = (shape: Shape) => new Set(shape.fields.keys());
  for (const kind of difference(kinds(after), kinds(before))) {
    changes.push(`new line kind: ${kind}`);
  }
  for (const kind of difference(kinds(before), kinds(after))) {
    changes.push(`line kind gone: ${kind}`);
  }
  for (const [kind, fields] of after.fields) {
    const old = before.fields.get(kind);
    if (!old) continue;
    for (const field of difference(fields, old)) changes.push(`new field on ${kind}: ${field}`);
    for (const field of difference(old, fields)) changes.push(`field gone from ${kind}: ${field}`);
  }
  return changes;
}

if (import.meta.main) {
  const { values } = parseArgs({ args: Deno.args, options: { version: { type: "string" } } });
  const version = values.version ?? await latestVersion();
  const tested = SUPPORTED_CLI.tested;
  await install(version);
  const cli = pinnedCliPath(version);
  const out = await Deno.makeTempDir({ prefix: "claw-drift-" });
  try {
    console.error(`Recording the corpus scenarios with Claude Code ${version}…`);
    const recorded = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", RECORDER, "--version", version, "--cli", cli, "--out", out],
      stdout: "inherit",
      stderr: "inherit",
    }).output();
    const [before, after] = await Promise.all([
      shapeOf(join(CORPUS, tested)),
      shapeOf(join(out, version)),
    ]);
    const changes = compareShapes(before, after);
    const [oldFlags, newFlags] = await Promise.all([
      helpFlags(pinnedCliPath(tested)),
      helpFlags(cli),
    ]);
    for (const flag of difference(newFlags, oldFlags)) changes.push(`new --help flag: ${flag}`);
    for (const flag of difference(oldFlags, newFlags)) changes.push(`--help flag gone: ${flag}`);
    const problems = after.problems.map((problem) => `not decoded strictly: ${problem}`);
    if (!recorded.success) problems.push("some scenarios failed to record (see above)");

    console.log(`Claude Code ${version} against the corpus of ${tested}:`);
    console.log(`  ${after.fields.size} line kinds, ${newFlags.size} --help flags compared`);
    for (const line of [...changes, ...problems]) console.log(`  ${line}`);
    if (changes.length + problems.length === 0) {
      console.log("  no drift: same line kinds, fields and flags; every line decoded strictly");
    }
    Deno.exitCode = changes.length + problems.length === 0 ? 0 : 1;
  } finally {
    await Deno.remove(out, { recursive: true });
  }
}
