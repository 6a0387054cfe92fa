/**
 * The whole auth picture: what claw predicts from the environment and the files, which CLI would
 * run, and what that CLI says about itself where it can say it.
 *
 * @module
 */
import { findClaude } from "../process/discover.ts";
import { buildEnv } from "../process/env.ts";
import type { Spawner } from "../process/spawn.ts";
import { readCliVersion } from "../process/version.ts";
import { authWarning } from "./auth_warnings.ts";
import { type CliAuthStatus, readCliAuthStatus } from "./cli_auth_status.ts";
import { type AuthReport, resolveAuth, type ResolveAuthOptions } from "./resolve_auth.ts";

/** The CLI that would run, and what it said. */
export interface CliFacts {
  /** Its path. */
  path: string;
  /** Its version; `null` when it did not answer `--version` like Claude Code. */
  version: string | null;
  /** `claude auth status`, on CLIs that have it (2.1.41 and later) and answered. */
  authStatus?: CliAuthStatus;
}

/** What {@linkcode authStatus} found. */
export interface AuthStatus extends AuthReport {
  /** The CLI claw would run; `null` when none is found. */
  cli: CliFacts | null;
  /** Whether a usable credential exists (the CLI's `loggedIn` wins where it answered). */
  loggedIn: boolean;
}

/** Options for {@linkcode authStatus}. */
export interface AuthStatusOptions extends ResolveAuthOptions {
  /** The `claude` to ask (`--cli`); found like a run finds it otherwise. */
  cli?: string;
  /** Starts the CLI's processes; the real one by default. */
  spawner?: Spawner;
  /** The version of `cli`, when the caller has already asked it. */
  cliVersion?: string;
  /** How long each CLI question may take. Default 10 s. */
  timeoutMs?: number;
}

/**
 * Predicts the credential the CLI will use ({@linkcode resolveAuth}), then asks the CLI that would
 * run: `--version`, and `auth status` where the version has it (never on 2.0.x, where it would be
 * taken as a prompt), with `--bare` when the prediction is for a `--bare` run. A disagreement
 * becomes a `cli_disagrees` warning.
 *
 * @example No CLI and no credential
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { authStatus } from "./auth_status.ts";
 *
 * const home = await Deno.makeTempDir();
 * const status = await authStatus({ env: { HOME: home, PATH: home }, cwd: home });
 * strictEqual(status.active, null);
 * strictEqual(status.cli, null);
 * strictEqual(status.loggedIn, false);
 * await Deno.remove(home, { recursive: true });
 * ```
 */
export async function authStatus(options: AuthStatusOptions = {}): Promise<AuthStatus> {
  const hostEnv = options.env ?? Deno.env.toObject();
  const report = resolveAuth({ ...options, env: hostEnv });
  const env = buildEnv({ hostEnv });
  let path: string;
  try {
    path = findClaude({ ...(options.cli === undefined ? {} : { cli: options.cli }), env }).path;
  } catch {
    return { ...report, cli: null, loggedIn: report.usable };
  }
  const asked = { cli: path, hostEnv: env, timeoutMs: options.timeoutMs ?? 10_000 };
  const spawner = options.spawner ? { spawner: options.spawner } : {};
  const version = options.cliVersion ?? await readCliVersion({ ...asked, ...spawner }) ?? null;
  const cli: CliFacts = { path, version };
  if (version !== null) {
    // The CLI is asked about the run claw predicts: a --bare one counts only the API key.
    const bare = options.bare ?? false;
    const answer = await readCliAuthStatus({ ...asked, ...spawner, version, bare });
    if (answer) cli.authStatus = answer;
  }
  const said = cli.authStatus;
  const predicted = report.active?.method ?? "none";
  if (said && said.authMethod !== predicted) {
    report.warnings.push(authWarning("cli_disagrees", { predicted, cli: said.authMethod }));
  }
  return { ...report, cli, loggedIn: (said?.loggedIn ?? true) && report.usable };
}
