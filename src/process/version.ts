/**
 * The CLI versions claw supports, and reading `claude --version`.
 *
 * @module
 */

/** The oldest CLI version claw supports, and the newest it was tested with. */
export const SUPPORTED_CLI = { minimum: "2.0.76", tested: "2.1.328" } as const;

/**
 * Parses `X.Y.Z (Claude Code)` (or a bare `X.Y.Z`) into numbers; `undefined` when it is not one.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert";
 * import { parseCliVersion } from "./version.ts";
 *
 * assert(parseCliVersion("2.1.328 (Claude Code)")?.join(".") === "2.1.328");
 * ```
 */
export function parseCliVersion(text: string): [number, number, number] | undefined {
  const match = /^\s*v?(\d+)\.(\d+)\.(\d+)/.exec(text);
  if (!match) return undefined;
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

/**
 * Compares two versions: negative when `a < b`, 0 when equal, positive when `a > b`.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert";
 * import { compareVersions } from "./version.ts";
 *
 * assert(compareVersions("2.0.76", "2.1.0") < 0);
 * ```
 */
export function compareVersions(a: string, b: string): number {
  const [x, y] = [parseCliVersion(a), parseCliVersion(b)];
  if (!x || !y) return 0;
  return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
}

/** Where a version stands against {@linkcode SUPPORTED_CLI}. */
export type VersionStanding = "below_minimum" | "supported" | "newer_than_tested" | "unknown";

/**
 * Says whether `version` is below the minimum, within the tested range, or newer than tested.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert";
 * import { versionStanding } from "./version.ts";
 *
 * assert(versionStanding("1.0.0") === "below_minimum");
 * assert(versionStanding("2.1.328") === "supported");
 * ```
 */
export function versionStanding(version: string): VersionStanding {
  if (!parseCliVersion(version)) return "unknown";
  if (compareVersions(version, SUPPORTED_CLI.minimum) < 0) return "below_minimum";
  if (compareVersions(version, SUPPORTED_CLI.tested) > 0) return "newer_than_tested";
  return "supported";
}

const cache = new Map<string, Promise<string | undefined>>();

/**
 * Runs `<cli> --version` once per path (cached) and returns the version, or `undefined` when it
 * does not answer like Claude Code. Lazy: claw calls it only to explain a failure, never before a
 * run, so a run pays nothing for it.
 *
 * @example
 * ```ts ignore
 * import { readCliVersion } from "./version.ts";
 *
 * console.log(await readCliVersion("claude")); // "2.1.328"
 * ```
 */
export function readCliVersion(cli: string): Promise<string | undefined> {
  let pending = cache.get(cli);
  if (!pending) {
    pending = (async () => {
      try {
        const out = await new Deno.Command(cli, { args: ["--version"], stdin: "null" }).output();
        const text = new TextDecoder().decode(out.stdout);
        const version = parseCliVersion(text);
        return out.success && version ? version.join(".") : undefined;
      } catch {
        return undefined;
      }
    })();
    cache.set(cli, pending);
  }
  return pending;
}
