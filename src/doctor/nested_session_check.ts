/**
 * The `nested_session` check: whether this shell runs inside a Claude Code session (the CLI sets
 * `CLAUDECODE=1` and `CLAUDE_CODE_ENTRYPOINT` for the commands its Bash tool runs).
 *
 * claw strips both for the CLIs it starts ({@linkcode STRIPPED_VARIABLES}); a `claude` started by
 * hand from this shell inherits them. Observed: with `CLAUDECODE=1`, `CLAUDE_CODE_ENTRYPOINT=cli`
 * or both, Claude Code 2.1.332 and 2.0.76 still ran `-p` (same API requests, same output, same
 * files written as without them), and 2.1.332 also opened its interactive screen; neither has a
 * "nested session" refusal in its bundled code. That code does read `CLAUDECODE` as "started by
 * another session" (2.1.332's exit telemetry, and its prompt history when stdin and stdout are not
 * terminals, treat the run as a child), and an inherited `CLAUDE_CODE_ENTRYPOINT` makes a run
 * report the outer session's entry point as its own. So this is a warning, not a failure.
 *
 * @module
 */
import type { STRIPPED_VARIABLES } from "../process/env.ts";
import type { Check } from "./check.ts";

/** What {@linkcode checkNestedSession} reads. */
export interface NestedSessionCheckOptions {
  /** The environment of this shell. */
  env: Readonly<Record<string, string | undefined>>;
}

const MARKERS = ["CLAUDECODE", "CLAUDE_CODE_ENTRYPOINT"] as const satisfies readonly (
  typeof STRIPPED_VARIABLES[number]
)[];

/**
 * Warns when `CLAUDECODE` or `CLAUDE_CODE_ENTRYPOINT` is set.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { checkNestedSession } from "./nested_session_check.ts";
 *
 * strictEqual(checkNestedSession({ env: {} }).status, "ok");
 * const check = checkNestedSession({ env: { CLAUDECODE: "1" } });
 * strictEqual(check.status, "warn");
 * strictEqual(check.fix, "Run unset CLAUDECODE before starting claude by hand from this shell");
 * ```
 */
export function checkNestedSession(options: NestedSessionCheckOptions): Check {
  const set = MARKERS.filter((name) => (options.env[name] ?? "") !== "");
  if (set.length === 0) {
    return {
      id: "nested_session",
      status: "ok",
      detail: "Not inside a Claude Code session (CLAUDECODE and CLAUDE_CODE_ENTRYPOINT are unset)",
    };
  }
  const shown = set.map((name) => {
    const value = options.env[name]!;
    return /^[\w.-]{1,32}$/.test(value) ? `${name}="${value}"` : name;
  });
  return {
    id: "nested_session",
    status: "warn",
    detail: `${shown.join(" and ")} ${
      set.length === 1 ? "is" : "are"
    } set: this shell runs inside a Claude Code session. claw removes ${
      set.length === 1 ? "it" : "them"
    } for the CLIs it starts, but a claude started by hand here inherits ${
      set.length === 1 ? "it" : "them"
    } and counts as started by that session (2.1.332 and 2.0.76 still run -p with ${
      set.length === 1 ? "it" : "them"
    } set)`,
    fix: `Run unset ${set.join(" ")} before starting claude by hand from this shell`,
  };
}
