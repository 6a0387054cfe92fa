/**
 * Test support for auth: a throwaway HOME with credentials planted on demand, and the planted
 * values, so a test can ask which one the CLI used and scan output for every one of them.
 */
import {
  NEWEST_PINNED_CLI,
  OLDEST_PINNED_CLI,
  PINNED_CLI_VERSIONS,
  pinnedCliPath,
} from "../scripts/install_cli.ts";

/** A distinct fake secret per source: what a test plants, and what no output may contain. */
export const PLANTED = {
  ANTHROPIC_API_KEY: "sk-ant-api03-plantedApiKeyValue7Q2x9",
  ANTHROPIC_AUTH_TOKEN: "plantedAuthTokenValue4K8m1Zr",
  CLAUDE_CODE_OAUTH_TOKEN: "sk-ant-oat01-plantedOauthTokenValue3Jw6",
  helper: "sk-ant-api03-plantedHelperOutputValue8Tn5",
  fileAccess: "sk-ant-oat01-plantedFileAccessValue2Hd7",
  fileRefresh: "sk-ant-ort01-plantedFileRefreshValue6Yc4",
  mcpLogin: "gho_plantedMcpLoginValue9Vb3",
} as const;

/** The credential variables a combination may set. */
export type CredentialVariable =
  | "ANTHROPIC_API_KEY"
  | "ANTHROPIC_AUTH_TOKEN"
  | "CLAUDE_CODE_OAUTH_TOKEN";

/** One set-up of credentials. */
export interface Combination {
  /** Variables set to their planted values. */
  vars?: CredentialVariable[];
  /** A stored login: fresh, expired (with a refresh token), or expired without one. */
  login?: "fresh" | "expired" | "expired_no_refresh";
  /** An `apiKeyHelper` in the user settings that prints the planted helper value. */
  helper?: boolean;
}

/** A throwaway HOME; dispose to remove it. */
export interface AuthHome extends AsyncDisposable {
  home: string;
  /** The credentials file's path. */
  credentials: string;
  /** A clean environment: PATH, HOME, no telemetry, no credential unless planted. */
  env: Record<string, string>;
  /** Plants `combination`: files in HOME, variables in `env`. */
  plant(combination: Combination): void;
}

/** Makes a throwaway HOME with `~/.claude`. */
export async function authHome(): Promise<AuthHome> {
  const home = await Deno.makeTempDir({ prefix: "claw-auth-home-" });
  await Deno.mkdir(`${home}/.claude`);
  await Deno.mkdir(`${home}/tmp`);
  const credentials = `${home}/.claude/.credentials.json`;
  const env: Record<string, string> = {
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    HOME: home,
    TMPDIR: `${home}/tmp`,
    DISABLE_TELEMETRY: "1",
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
  };
  return {
    home,
    credentials,
    env,
    plant(combination) {
      for (const name of combination.vars ?? []) env[name] = PLANTED[name];
      if (combination.helper) {
        const settings = { apiKeyHelper: `echo ${PLANTED.helper}` };
        Deno.writeTextFileSync(`${home}/.claude/settings.json`, JSON.stringify(settings));
      }
      if (combination.login) writeLogin(credentials, combination.login);
    },
    async [Symbol.asyncDispose]() {
      await Deno.remove(home, { recursive: true }).catch(() => {});
    },
  };
}

/** Writes a stored login (and an MCP server's login beside it) with mode 0600. */
export function writeLogin(path: string, state: NonNullable<Combination["login"]>): void {
  const expiresAt = Date.now() + (state === "fresh" ? 1 : -1) * 24 * 3600_000;
  const login = {
    accessToken: PLANTED.fileAccess,
    ...(state === "expired_no_refresh" ? {} : { refreshToken: PLANTED.fileRefresh }),
    expiresAt,
    scopes: ["user:inference", "user:profile"],
    subscriptionType: "max",
  };
  const mcpOAuth = { "github|1a2b": { serverName: "github", accessToken: PLANTED.mcpLogin } };
  Deno.writeTextFileSync(path, JSON.stringify({ claudeAiOauth: login, mcpOAuth }), { mode: 0o600 });
  Deno.chmodSync(path, 0o600);
}

/**
 * A shim that logs each argv to `log` (one line per start, the arguments joined by spaces), then
 * runs the real pinned CLI: it only watches, so a test can prove what claw never starts.
 */
export async function loggingShim(dir: string, version: string, log: string): Promise<string> {
  const path = `${dir}/claude`;
  const script = `#!/bin/sh
printf '%s\\n' "$*" >> '${log}'
exec '${pinnedCliPath(version)}' "$@"
`;
  await Deno.writeTextFile(path, script, { mode: 0o755 });
  return path;
}

export { NEWEST_PINNED_CLI, OLDEST_PINNED_CLI, PINNED_CLI_VERSIONS, pinnedCliPath };
