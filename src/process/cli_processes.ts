/**
 * Other `claude` processes on this machine that share a config dir (Linux `/proc` only): several
 * processes on one stored login rotate its refresh token under each other.
 *
 * @module
 */

const CLAUDE_ARGV = /(^|\/)(claude|claude\.exe)$|@anthropic-ai\/claude-code\/cli\.js$/;

function configDirOf(environ: string): string | undefined {
  const vars = new Map<string, string>();
  for (const entry of environ.split("\0")) {
    const at = entry.indexOf("=");
    if (at > 0) vars.set(entry.slice(0, at), entry.slice(at + 1));
  }
  const explicit = vars.get("CLAUDE_CONFIG_DIR");
  if (explicit) return explicit;
  const home = vars.get("HOME");
  return home ? `${home.replace(/\/+$/, "")}/.claude` : undefined;
}

/**
 * The pids of `claude` processes (the native binary or Node running `cli.js`) whose config dir is
 * `dir`, other than this process. Empty where `/proc` cannot be read.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert";
 * import { claudeProcessesUsing } from "./cli_processes.ts";
 *
 * assert(Array.isArray(claudeProcessesUsing("/nonexistent/.claude")));
 * ```
 */
export function claudeProcessesUsing(dir: string): number[] {
  const pids: number[] = [];
  let entries: Iterable<Deno.DirEntry>;
  try {
    entries = Deno.readDirSync("/proc");
  } catch {
    return pids;
  }
  const wanted = dir.replace(/\/+$/, "");
  for (const entry of entries) {
    if (!/^\d+$/.test(entry.name) || Number(entry.name) === Deno.pid) continue;
    try {
      const argv = Deno.readTextFileSync(`/proc/${entry.name}/cmdline`).split("\0");
      if (!argv.slice(0, 2).some((arg) => CLAUDE_ARGV.test(arg))) continue;
      const environ = Deno.readTextFileSync(`/proc/${entry.name}/environ`);
      if (configDirOf(environ)?.replace(/\/+$/, "") === wanted) pids.push(Number(entry.name));
    } catch {
      // Gone, or another user's: either way not ours to count.
    }
  }
  return pids;
}
