/**
 * The child's environment: the host's (unless told otherwise), merged with the caller's, minus
 * variables that would make `claude` misbehave under a wrapper.
 *
 * @module
 */

/**
 * Variables removed from the inherited environment: `CLAUDECODE` and `CLAUDE_CODE_ENTRYPOINT` mark
 * a process started by another Claude Code session (2.0.76 and 2.1.332 still run, but treat the
 * run as that session's), and debugger hooks would attach to (or stall) the child.
 */
export const STRIPPED_VARIABLES = [
  "CLAUDECODE",
  "CLAUDE_CODE_ENTRYPOINT",
  "BUN_INSPECT",
  "BUN_INSPECT_CONNECT_TO",
  "VSCODE_INSPECTOR_OPTIONS",
  "NODE_INSPECT_RESUME_ON_START",
] as const;

/** How to build the child's environment. */
export interface EnvOptions {
  /** Variables to set (and override) in the child. `undefined` removes a variable. */
  env?: Record<string, string | undefined>;
  /** Start from the host's environment. Default `true`. */
  inheritEnv?: boolean;
  /** The host environment to inherit (an `undefined` value counts as unset); `Deno.env.toObject()` when absent. */
  hostEnv?: Readonly<Record<string, string | undefined>>;
}

/**
 * Builds the child's environment: the host's (merged, not replaced) minus
 * {@linkcode STRIPPED_VARIABLES} and `--inspect` flags in `NODE_OPTIONS`, then `env` on top.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert";
 * import { buildEnv } from "./env.ts";
 *
 * const env = buildEnv({ hostEnv: { PATH: "/bin", CLAUDECODE: "1" }, env: { DEBUG: "1" } });
 * assert(env.PATH === "/bin" && env.DEBUG === "1" && !("CLAUDECODE" in env));
 * ```
 */
export function buildEnv(options: EnvOptions = {}): Record<string, string> {
  const { inheritEnv = true } = options;
  const env: Record<string, string> = {};
  if (inheritEnv) {
    for (const [name, value] of Object.entries(options.hostEnv ?? Deno.env.toObject())) {
      if (value !== undefined) env[name] = value;
    }
  }
  for (const name of STRIPPED_VARIABLES) delete env[name];
  if (env.NODE_OPTIONS !== undefined) {
    const kept = env.NODE_OPTIONS.split(/\s+/).filter((o) => o && !o.startsWith("--inspect"));
    if (kept.length) env.NODE_OPTIONS = kept.join(" ");
    else delete env.NODE_OPTIONS;
  }
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}
