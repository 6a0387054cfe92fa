/**
 * Applying the `auth` option to a child's environment, before it is spawned.
 *
 * @module
 */
import { ClawError } from "../errors/claw_error.ts";
import { credentialsPath, homeDir } from "../process/config_paths.ts";
import type { AuthMethod } from "./auth_method.ts";
import { readCredentialsFile } from "./credentials_file.ts";
import { resolveAuth } from "./resolve_auth.ts";

/** What {@linkcode authEnv} needs. */
export interface LaunchAuthOptions {
  /** The chosen method; without one the CLI picks, and only a dead stored login is refused. */
  auth?: AuthMethod | undefined;
  /** The run's working directory. */
  cwd?: string | undefined;
  /** Receives a line per credential passed over because it cannot work. */
  onWarning?: ((message: string) => void) | undefined;
}

/**
 * The child's environment with the credential `options.auth` picks (and nothing that would beat
 * it). Without `auth` the environment is returned as it is, unless the CLI would pick a stored
 * login that expired without a refresh token: that fails here, kind `auth`, before any token is
 * spent, instead of as a 401 after start-up.
 *
 * @example Without a method, an ordinary environment passes through
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { authEnv } from "./launch_auth.ts";
 *
 * const env = { HOME: "/nonexistent", ANTHROPIC_API_KEY: "sk-ant-api03-x" };
 * strictEqual(authEnv(env, {}), env);
 * ```
 */
export function authEnv(
  env: Record<string, string>,
  options: LaunchAuthOptions,
): Record<string, string> {
  const cwd = options.cwd ?? Deno.cwd();
  if (!options.auth) {
    if (!env.CLAUDE_CONFIG_DIR && !homeDir(env)) return env;
    // Before every run: one read of the login file, and the settings only when it is dead.
    const login = readCredentialsFile(credentialsPath(env));
    if (!login.hasLogin || !login.expired || login.refreshable) return env;
    const report = resolveAuth({ env, cwd, keychain: () => false, processesUsing: () => [] });
    if (report.active?.source === "credentials_file" && !report.usable) {
      const expired = report.warnings.find((warning) => warning.id === "login_expired");
      throw new ClawError("auth", expired?.message ?? "The stored login cannot be used", {
        hint: expired?.fix ?? "Run claw auth login",
      });
    }
    return env;
  }
  const choice = options.auth.resolve({ env, cwd });
  for (const warning of choice.warnings) options.onWarning?.(warning);
  const result = { ...env };
  for (const [name, value] of Object.entries(choice.env)) {
    if (value === undefined) delete result[name];
    else result[name] = value;
  }
  return result;
}
