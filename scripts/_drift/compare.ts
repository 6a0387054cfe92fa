/**
 * The changes between two corpus shapes, one line each: what `deno task drift` prints.
 *
 * @module
 */
import type { Fields, Shape } from "./shape.ts";

function difference<T>(a: Iterable<T>, b: Set<T> | Map<T, unknown>): T[] {
  return [...a].filter((x) => !b.has(x)).sort();
}

function types(set: Set<string>): string {
  return [...set].sort().join("|");
}

/** `new`, `gone` and changed-type lines for two sets of fields, each naming `where`. */
function compareFields(before: Fields, after: Fields, where: string): string[] {
  const changes: string[] = [];
  for (const path of difference(after.keys(), before)) {
    changes.push(`new field ${where}: ${path} (${types(after.get(path)!)})`);
  }
  for (const path of difference(before.keys(), after)) {
    changes.push(`field gone ${where}: ${path} (${types(before.get(path)!)})`);
  }
  for (const [path, now] of after) {
    const then = before.get(path);
    if (then && types(then) !== types(now)) {
      changes.push(`type changed ${where}: ${path}: ${types(then)} → ${types(now)}`);
    }
  }
  return changes;
}

function compareSets(
  before: Set<string> | undefined,
  after: Set<string> | undefined,
  what: string,
): string[] {
  if (!before || !after) return [];
  return [
    ...difference(after, before).map((name) => `new ${what}: ${name}`),
    ...difference(before, after).map((name) => `${what} gone: ${name}`),
  ];
}

/**
 * The changes from `before` (the pinned corpus) to `after` (a fresh recording), one line each:
 * line kinds, their fields and field types, `--help` flags and subcommands, `auth status --json`
 * fields, and exit codes. Nothing when the two are the same.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { compareShapes } from "./compare.ts";
 *
 * const shape = (fields: string[]) => ({
 *   kinds: new Map([["result/success", new Map(fields.map((f) => [f, new Set(["string"])]))]]),
 *   exits: new Map([["text_simple", 0]]),
 *   problems: [],
 * });
 * deepStrictEqual(compareShapes(shape(["type"]), shape(["type", "written_at"])), [
 *   "new field on result/success: written_at (string)",
 * ]);
 * ```
 */
export function compareShapes(before: Shape, after: Shape): string[] {
  const changes: string[] = [];
  for (const kind of difference(after.kinds.keys(), before.kinds)) {
    changes.push(`new line kind: ${kind}`);
  }
  for (const kind of difference(before.kinds.keys(), after.kinds)) {
    changes.push(`line kind gone: ${kind}`);
  }
  for (const [kind, fields] of [...after.kinds].sort(([a], [b]) => a < b ? -1 : 1)) {
    const old = before.kinds.get(kind);
    if (old) changes.push(...compareFields(old, fields, `on ${kind}`));
  }
  changes.push(...compareSets(before.flags, after.flags, "--help flag"));
  changes.push(...compareSets(before.subcommands, after.subcommands, "subcommand"));
  if (before.authStatus && after.authStatus) {
    changes.push(...compareFields(before.authStatus, after.authStatus, "in auth status --json"));
  }
  for (const name of difference(before.exits.keys(), after.exits)) {
    changes.push(`not recorded: ${name}`);
  }
  for (const name of difference(after.exits.keys(), before.exits)) {
    changes.push(`recorded only now: ${name}`);
  }
  for (const [name, code] of [...after.exits].sort(([a], [b]) => a < b ? -1 : 1)) {
    const old = before.exits.get(name);
    if (old !== undefined && old !== code) changes.push(`exit code of ${name}: ${old} → ${code}`);
  }
  return changes;
}
