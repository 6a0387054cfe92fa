/**
 * Asking the CLI itself: `claude auth status` (JSON by default, CLI 2.1.41 and later). On 2.0.x
 * `auth status` is taken as a prompt, so claw never runs it there.
 *
 * @module
 */
import { settlesWithin } from "../process/deadline.ts";
import { denoSpawner } from "../process/deno_spawner.ts";
import { buildEnv, type EnvOptions } from "../process/env.ts";
import { shutdown } from "../process/shutdown.ts";
import type { ClaudeProcess, Spawner } from "../process/spawn.ts";
import { compareVersions } from "../process/version.ts";

/** The first CLI version with `claude auth status`. */
export const AUTH_STATUS_SINCE = "2.1.41";

/** What `claude auth status` said, in claw's names. */
export interface CliAuthStatus {
  /** Whether the CLI considers itself logged in (trusted over its exit code). */
  loggedIn: boolean;
  /** `claude.ai`, `api_key`, `api_key_helper`, `oauth_token`, `third_party` or `none`. */
  authMethod: string;
  /** `firstParty`, `bedrock`, `vertex`, `foundry`. */
  apiProvider?: string;
  /** Where the API key comes from, when one is set (`ANTHROPIC_API_KEY`, `apiKeyHelper`). */
  apiKeySource?: string;
  /** The subscription of a stored login. */
  subscriptionType?: string;
}

/** Options for {@linkcode readCliAuthStatus}. */
export interface ReadCliAuthStatusOptions extends EnvOptions {
  /** The executable. */
  cli: string;
  /** Its version (`claude --version`): below {@linkcode AUTH_STATUS_SINCE} nothing is run. */
  version: string;
  /** Starts the process; the real one by default. */
  spawner?: Spawner;
  /** Gives up after this many milliseconds. Default 10 s. */
  timeoutMs?: number;
  /** Asks about a `claude --bare` run (`claude --bare auth status`): only an API key counts. */
  bare?: boolean;
}

/**
 * Runs `<cli> auth status` (`<cli> --bare auth status` with `bare`) and reads its JSON; `undefined`
 * when the version has no such command, or when the CLI does not answer with that JSON in time.
 * The process is shut down whatever it does.
 *
 * @example 2.0.x is never asked
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { readCliAuthStatus } from "./cli_auth_status.ts";
 *
 * strictEqual(await readCliAuthStatus({ cli: "/nonexistent/claude", version: "2.0.76" }), undefined);
 * ```
 */
export async function readCliAuthStatus(
  options: ReadCliAuthStatusOptions,
): Promise<CliAuthStatus | undefined> {
  if (compareVersions(options.version, AUTH_STATUS_SINCE) < 0) return undefined;
  let process: ClaudeProcess;
  try {
    process = await (options.spawner ?? denoSpawner)({
      command: options.cli,
      args: [...(options.bare ? ["--bare"] : []), "auth", "status", "--json"],
      env: buildEnv(options),
    });
  } catch {
    return undefined;
  }
  try {
    process.stderr.cancel().catch(() => {});
    const text = new Response(process.stdout).text();
    if (!await settlesWithin(text, options.timeoutMs ?? 10_000)) return undefined;
    return parseAuthStatus(await text);
  } catch {
    return undefined;
  } finally {
    await shutdown(process, { graceMs: 1000 });
  }
}

/**
 * Reads `claude auth status --json` output; `undefined` when it is not that JSON.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { parseAuthStatus } from "./cli_auth_status.ts";
 *
 * const status = parseAuthStatus('{"loggedIn": true, "authMethod": "api_key", "apiKeySource": "ANTHROPIC_API_KEY"}');
 * strictEqual(status?.apiKeySource, "ANTHROPIC_API_KEY");
 * ```
 */
export function parseAuthStatus(text: string): CliAuthStatus | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof data !== "object" || data === null) return undefined;
  const fields = data as Record<string, unknown>;
  if (typeof fields.loggedIn !== "boolean" || typeof fields.authMethod !== "string") {
    return undefined;
  }
  const status: CliAuthStatus = { loggedIn: fields.loggedIn, authMethod: fields.authMethod };
  for (const key of ["apiProvider", "apiKeySource", "subscriptionType"] as const) {
    const value = fields[key];
    if (typeof value === "string") status[key] = value;
  }
  return status;
}
