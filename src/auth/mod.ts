/**
 * Which credential the Claude Code CLI will use, and managing it: the `auth` methods a run takes
 * (`apiKey`, `oauthToken`, `oauth`, `auto`), `resolveAuth` (every source the CLI reads, in its
 * order of precedence, with the one that wins and warnings about the others), `authStatus` (what
 * `claw auth status` prints), the CLI's own `auth status`, and removing a stored login. Secrets
 * are never returned in full: every report carries a redacted preview.
 *
 * @example See which credential a run would use
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { resolveAuth } from "./mod.ts";
 *
 * const home = await Deno.makeTempDir();
 * const report = resolveAuth({ env: { HOME: home, ANTHROPIC_API_KEY: "sk-ant-api03-x" }, cwd: home });
 * strictEqual(report.active?.source, "ANTHROPIC_API_KEY");
 * await Deno.remove(home, { recursive: true });
 * ```
 *
 * @module
 */
export {
  apiKey,
  apiKeyFromEnv,
  type AuthChoice,
  type AuthContext,
  AuthMethod,
  auto,
  oauth,
  oauthToken,
  oauthTokenFromEnv,
} from "./auth_method.ts";
export {
  type ActiveCredential,
  AUTH_SOURCES,
  type AuthMethodName,
  type AuthReport,
  type AuthSource,
  type AuthSourceReport,
  resolveAuth,
  type ResolveAuthOptions,
} from "./resolve_auth.ts";
export {
  AUTH_WARNING_IDS,
  type AuthWarning,
  type AuthWarningFacts,
  type AuthWarningId,
} from "./auth_warnings.ts";
export {
  type AuthStatus,
  authStatus,
  type AuthStatusOptions,
  type CliFacts,
} from "./auth_status.ts";
export {
  type CliAuthStatus,
  readCliAuthStatus,
  type ReadCliAuthStatusOptions,
} from "./cli_auth_status.ts";
export { type LogoutOutcome, type LogoutSeams, removeClaudeLogin } from "./logout.ts";
