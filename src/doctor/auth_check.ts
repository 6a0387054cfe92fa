/**
 * The `auth` check: `claw auth status` in one line, plus its warnings.
 *
 * @module
 */
import type { AuthStatus } from "../auth/auth_status.ts";
import type { Check } from "./check.ts";

/**
 * The `auth` check for `status`: fail without a usable credential, warn on any trap, ok
 * otherwise. The detail names the winner and each trap by its id; never a value.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { authCheck } from "./auth_check.ts";
 *
 * const check = authCheck({
 *   active: null, usable: false, loggedIn: false, sources: [], warnings: [], cli: null, configDir: "/h/.claude",
 * });
 * strictEqual(check.status, "fail");
 * ```
 */
export function authCheck(status: AuthStatus): Check {
  if (!status.active || !status.loggedIn) {
    const said = status.cli?.authStatus;
    const detail = !status.active
      ? "No credential: no API key, OAuth token, apiKeyHelper or stored login is set"
      : said && !said.loggedIn
      ? `claude auth status says it is not logged in (claw predicted ${status.active.source})`
      : `${status.active.source} cannot work: ${status.warnings.map((w) => w.message).join("; ")}`;
    return {
      id: "auth",
      status: "fail",
      detail: [detail, ...status.warnings.map((w) => `${w.id}: ${w.message}`)].join("\n"),
      fix:
        "Run claw auth login, or set ANTHROPIC_API_KEY or CLAUDE_CODE_OAUTH_TOKEN (claw auth status says more)",
    };
  }
  const winner = `${status.active.source} (${status.active.method}): ${status.active.why}`;
  if (status.warnings.length === 0) return { id: "auth", status: "ok", detail: winner };
  return {
    id: "auth",
    status: "warn",
    detail: [winner, ...status.warnings.map((w) => `${w.id}: ${w.message}`)].join("\n"),
    fix: status.warnings.map((w) => w.fix).join("; "),
  };
}
