/**
 * One finding of `claw doctor`: a stable id, a status, what was seen and how to fix it.
 *
 * @module
 */

/** How a check came out: `fail` makes `claw doctor` exit 1, `warn` does not. */
export type CheckStatus = "ok" | "warn" | "fail";

/** One check's outcome, as `claw doctor --json` prints it. */
export interface Check {
  /** Stable id (`cli_found`, `settings`, …): scripts branch on it. */
  id: string;
  /** ok, warn or fail. */
  status: CheckStatus;
  /** What was seen, in one or more lines; never a secret's value. */
  detail: string;
  /** What to do about a warn or a fail. */
  fix?: string;
}

/**
 * The worst of `statuses`: `fail` over `warn` over `ok`.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { worst } from "./check.ts";
 *
 * strictEqual(worst(["ok", "warn", "ok"]), "warn");
 * strictEqual(worst([]), "ok");
 * ```
 */
export function worst(statuses: Iterable<CheckStatus>): CheckStatus {
  let result: CheckStatus = "ok";
  for (const status of statuses) {
    if (status === "fail") return "fail";
    if (status === "warn") result = "warn";
  }
  return result;
}
