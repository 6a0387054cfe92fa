/**
 * The CLI versions claw supports, and reading `claude --version`.
 *
 * @module
 */
import { denoSpawner } from "./deno_spawner.ts";
import { buildEnv, type EnvOptions } from "./env.ts";
import { shutdown } from "./shutdown.ts";
import type { ClaudeProcess, Spawner } from "./spawn.ts";

/** The oldest CLI version claw supports, and the newest it was tested with. */
export const SUPPORTED_CLI = { minimum: "2.0.76", tested: "2.1.337" } as const;

/**
 * Parses `X.Y.Z (Claude Code)` (or a bare `X.Y.Z`) into numbers; `undefined` when it is not one.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert";
 * import { parseCliVersion } from "./version.ts";
 *
 * assert(parseCliVersion("2.1.332 (Claude Code)")?.join(".") === "2.1.332");
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
 * assert(versionStanding("2.1.332") === "supported");
 * ```
 */
export function versionStanding(version: string): VersionStanding {
  if (!parseCliVersion(version)) return "unknown";
  if (compareVersions(version, SUPPORTED_CLI.minimum) < 0) return "below_minimum";
  if (compareVersions(version, SUPPORTED_CLI.tested) > 0) return "newer_than_tested";
  return "supported";
}

/**
 * The warning for a CLI version outside the supported range, or `undefined` when it is inside (or
 * unreadable): the one judgement every part of claw reports versions with.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert";
 * import { versionWarning } from "./version.ts";
 *
 * assert(versionWarning("1.0.0")?.includes("older than the oldest supported"));
 * assert(versionWarning("2.0.76") === undefined);
 * ```
 */
export function versionWarning(version: string): string | undefined {
  const standing = versionStanding(version);
  if (standing !== "below_minimum" && standing !== "newer_than_tested") return undefined;
  return `Claude Code ${version} is ${
    standing === "below_minimum" ? "older than the oldest supported" : "newer than the tested"
  } version: claw is tested with ${SUPPORTED_CLI.minimum} to ${SUPPORTED_CLI.tested}`;
}

/** How long {@linkcode readCliVersion} waits for `claude --version` at the most: 10 s. */
export const VERSION_PROBE_TIMEOUT_MS = 10_000;

/** Options for {@linkcode readCliVersion}. */
export interface ReadCliVersionOptions extends EnvOptions {
  /** The executable to ask. */
  cli: string;
  /** Starts the process; the real one by default (a replay answers with its recorded version). */
  spawner?: Spawner;
  /** Gives up after this many milliseconds. Default {@linkcode VERSION_PROBE_TIMEOUT_MS}. */
  timeoutMs?: number;
  /** Gives up when aborted (a run's own signal: the probe dies with its run). */
  signal?: AbortSignal;
}

/**
 * Runs `<cli> --version` through the spawn seam, with the environment a run would get, and
 * returns the version; `undefined` when it does not answer like Claude Code within the time limit
 * or before `signal` aborts. The probe is shut down (with what it started) whatever it does.
 * Lazy: claw calls it only to explain a failure, never before a run, so a run pays nothing for it.
 *
 * @example Ask a stand-in that answers like Claude Code
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { readCliVersion } from "./version.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/claude`, "#!/bin/sh\necho '2.1.332 (Claude Code)'\n", { mode: 0o755 });
 * strictEqual(await readCliVersion({ cli: `${dir}/claude` }), "2.1.332");
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function readCliVersion(options: ReadCliVersionOptions): Promise<string | undefined> {
  if (options.signal?.aborted) return undefined;
  const spawn = options.spawner ?? denoSpawner;
  let process: ClaudeProcess;
  try {
    process = await spawn({ command: options.cli, args: ["--version"], env: buildEnv(options) });
  } catch {
    return undefined;
  }
  const giveUp = () => void shutdown(process, { termMs: 500 });
  const timer = setTimeout(giveUp, options.timeoutMs ?? VERSION_PROBE_TIMEOUT_MS);
  options.signal?.addEventListener("abort", giveUp, { once: true });
  try {
    process.stderr.cancel().catch(() => {});
    const version = parseCliVersion(await firstLine(process.stdout));
    const status = await shutdown(process, { graceMs: 1000 });
    return version && status.code === 0 ? version.join(".") : undefined;
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", giveUp);
    await shutdown(process);
  }
}

/** The text up to the first newline (or the end of the stream). */
async function firstLine(stream: ReadableStream<Uint8Array>): Promise<string> {
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  try {
    while (!text.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
    return text;
  } finally {
    reader.cancel().catch(() => {});
  }
}
