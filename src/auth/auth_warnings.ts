/**
 * The auth traps claw names: a stable id per trap, a message that says what was seen, and a fix.
 *
 * @module
 */

/** One trap found around the credentials. */
export interface AuthWarning {
  /** Stable id: scripts branch on it. */
  id: AuthWarningId;
  /** What was seen; never a secret's value. */
  message: string;
  /** What to do about it. */
  fix: string;
}

/** What each warning's message is built from. */
export interface AuthWarningFacts {
  /** An API key (`source`) wins over a stored or OAuth login, so runs bill the API account. */
  api_key_shadows_login: { source: "ANTHROPIC_API_KEY" | "apiKeyHelper" };
  /** `ANTHROPIC_API_KEY` holds an OAuth token (`sk-ant-oat…`), which the API rejects. */
  oauth_token_in_api_key: Record<never, never>;
  /** Both `ANTHROPIC_AUTH_TOKEN` and `ANTHROPIC_API_KEY` are set, and the token decides. */
  api_key_and_auth_token: Record<never, never>;
  /** Both an `apiKeyHelper` and `ANTHROPIC_API_KEY` are set; the CLI sends both headers. */
  api_key_and_helper: Record<never, never>;
  /** The login in `path` expired at `expiresAt`; `active` when runs would use this login. */
  login_expired: { path: string; expiresAt: string; refreshable: boolean; active: boolean };
  /** The credentials file at `path` cannot be used, for the reason `why`; the CLI ignores it. */
  credentials_malformed: { path: string; why: string };
  /** Other users can read the credentials file at `path` (its permission bits: `mode`). */
  credentials_world_readable: { path: string; mode: number };
  /** `CLAUDE_CONFIG_DIR` is `dir`, so the login stored at `ignored` goes unused. */
  config_dir_elsewhere: { dir: string; ignored: string };
  /** `--bare` reads only the API key, so the login and OAuth tokens found are ignored. */
  bare_ignores_login: Record<never, never>;
  /** Other claude processes (`pids`) use the refreshable login in `dir`. */
  login_shared_by_processes: { dir: string; pids: number[] };
  /** `claude auth status` reports the method `cli` where claw `predicted` another. */
  cli_disagrees: { predicted: string; cli: string };
}

/** A warning's id. */
export type AuthWarningId = keyof AuthWarningFacts;

type Wording = { [Id in AuthWarningId]: (facts: AuthWarningFacts[Id]) => [string, string] };

const WORDING: Wording = {
  api_key_shadows_login: ({ source }) => [
    `${source} wins over your subscription login: runs are billed to the API account, not the subscription`,
    source === "ANTHROPIC_API_KEY"
      ? "Unset ANTHROPIC_API_KEY (check .env files and shell profiles) to use the login"
      : "Remove apiKeyHelper from the settings to use the login",
  ],
  oauth_token_in_api_key: () => [
    "ANTHROPIC_API_KEY holds an OAuth token (sk-ant-oat…), which the API rejects as an invalid API key",
    "Put the token in CLAUDE_CODE_OAUTH_TOKEN instead and unset ANTHROPIC_API_KEY",
  ],
  api_key_and_auth_token: () => [
    "ANTHROPIC_AUTH_TOKEN and ANTHROPIC_API_KEY are both set: the CLI sends both, and the token decides",
    "Unset the one you do not mean to use",
  ],
  api_key_and_helper: () => [
    "apiKeyHelper and ANTHROPIC_API_KEY are both set: the CLI sends both, as two different headers",
    "Unset ANTHROPIC_API_KEY or remove apiKeyHelper from the settings",
  ],
  login_expired: ({ path, expiresAt, refreshable, active }) => [
    `The stored login in ${path} expired at ${expiresAt}${
      !active
        ? ""
        : refreshable
        ? ": the CLI will try to refresh it, and sends the expired token if that fails (offline, or a refresh token rotated by another process)"
        : ": it has no refresh token, so the CLI will send the expired token and fail"
    }`,
    "Run claw auth login (claude /login on 2.0.x) to log in again",
  ],
  credentials_malformed: ({ path, why }) => [
    `The credentials file ${path} cannot be used: ${why}; the CLI silently treats it as missing`,
    "Run claw auth login to write a fresh one (move the broken file aside first if it holds MCP logins)",
  ],
  credentials_world_readable: ({ path, mode }) => [
    `The credentials file ${path} can be read by other users (mode ${
      mode.toString(8).padStart(4, "0")
    })`,
    `Run chmod 600 ${path}`,
  ],
  config_dir_elsewhere: ({ dir, ignored }) => [
    `CLAUDE_CONFIG_DIR points at ${dir}: the login in ${ignored} is ignored`,
    "Unset CLAUDE_CONFIG_DIR, or log in again with it set",
  ],
  bare_ignores_login: () => [
    "--bare reads only ANTHROPIC_API_KEY (or an apiKeyHelper passed with --settings): the login and OAuth tokens set here are ignored",
    "Set ANTHROPIC_API_KEY for --bare runs, or drop --bare",
  ],
  login_shared_by_processes: ({ dir, pids }) => [
    `${pids.length} other claude process${pids.length === 1 ? "" : "es"} (pid ${
      pids.slice(0, 5).join(", ")
    }) use the stored login in ${dir}: a refresh by one rotates the token under the others, and concurrent writes can corrupt .claude.json`,
    "Give each concurrent worker its own CLAUDE_CONFIG_DIR and a CLAUDE_CODE_OAUTH_TOKEN from claude setup-token",
  ],
  cli_disagrees: ({ predicted, cli }) => [
    `claw predicts ${predicted} but claude auth status reports ${cli}: this CLI version orders credentials differently`,
    "Trust the CLI's answer, and report the difference to claw with both versions",
  ],
};

/** Every warning id, in the order `claw auth status` checks them. */
export const AUTH_WARNING_IDS = Object.keys(WORDING) as AuthWarningId[];

/**
 * The warning `id`, worded from `facts`.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { authWarning } from "./auth_warnings.ts";
 *
 * const warning = authWarning("credentials_world_readable", { path: "/h/.claude/.credentials.json", mode: 0o644 });
 * strictEqual(warning.fix, "Run chmod 600 /h/.claude/.credentials.json");
 * ```
 */
export function authWarning<Id extends AuthWarningId>(
  id: Id,
  facts: AuthWarningFacts[Id],
): AuthWarning {
  const [message, fix] = WORDING[id](facts);
  return { id, message, fix };
}
