/**
 * Which credential the CLI will use, and why: every source claw can see (presence, expiry,
 * scopes; never a value), the one that wins, and the traps around it.
 *
 * The order is the CLI's, observed with `claude auth status` and with the headers `claude -p`
 * sends (2.1.332 and 2.0.76 agree): a cloud provider flag; `ANTHROPIC_AUTH_TOKEN`; an
 * `apiKeyHelper` in the settings; `ANTHROPIC_API_KEY`; `CLAUDE_CODE_OAUTH_TOKEN`; the stored login
 * (the credentials file, or the keychain on macOS). With `CLAUDE_CONFIG_DIR` set only the file
 * under it counts. An expired stored login is still sent (the CLI tries to refresh it first).
 *
 * @module
 */
import {
  configDir,
  credentialsPath,
  homeDir,
  type SettingsLayer,
  settingsLayers,
} from "../process/config_paths.ts";
import { findApiKeyHelper } from "./_api_key_helper.ts";
import { claudeProcessesUsing } from "../process/cli_processes.ts";
import { type AuthWarning, authWarning } from "./auth_warnings.ts";
import {
  type CredentialsFileInfo,
  readableByOthers,
  readCredentialsFile,
} from "./credentials_file.ts";

/** Every credential source claw knows, by the name `claw auth status` prints. */
export const AUTH_SOURCES = [
  "bedrock",
  "vertex",
  "foundry",
  "ANTHROPIC_AUTH_TOKEN",
  "apiKeyHelper",
  "ANTHROPIC_API_KEY",
  "CLAUDE_CODE_OAUTH_TOKEN",
  "credentials_file",
  "keychain",
] as const;

/** A credential source's name. */
export type AuthSource = typeof AUTH_SOURCES[number];

/** How the CLI authenticates with a source, named as `claude auth status` names it. */
export type AuthMethodName =
  | "third_party"
  | "oauth_token"
  | "api_key_helper"
  | "api_key"
  | "claude.ai";

/** One source as claw sees it. */
export interface AuthSourceReport {
  /** The source's name. */
  source: AuthSource;
  /** Whether it is set (a variable, a settings entry, a stored login). */
  present: boolean;
  /** When a stored login expires (ISO date). */
  expiresAt?: string;
  /** Whether a stored login has expired. */
  expired?: boolean;
  /** A stored login's OAuth scopes. */
  scopes?: string[];
  /** The file behind the source (credentials file, settings file). */
  path?: string;
}

/** The credential that wins. */
export interface ActiveCredential {
  /** Its source. */
  source: AuthSource;
  /** How the CLI uses it. */
  method: AuthMethodName;
  /** Why this one: what it beats, in a sentence. */
  why: string;
}

/** What {@linkcode resolveAuth} found. */
export interface AuthReport {
  /** The credential the CLI will use; `null` when it has none. */
  active: ActiveCredential | null;
  /**
   * Whether the active credential can work: present, not an expired login that cannot refresh,
   * not an OAuth token in `ANTHROPIC_API_KEY`.
   */
  usable: boolean;
  /** Every source, in precedence order. */
  sources: AuthSourceReport[];
  /** Conflicts and traps, each with a stable id. */
  warnings: AuthWarning[];
  /** The config dir the CLI reads. */
  configDir: string;
}

/** Where to look. */
export interface ResolveAuthOptions {
  /** The environment the CLI will get; this process's by default. */
  env?: Readonly<Record<string, string | undefined>>;
  /** The working directory (its `.claude/settings*.json` count); `Deno.cwd()` by default. */
  cwd?: string;
  /** The run uses `--bare`: only `ANTHROPIC_API_KEY` (and cloud providers) count. */
  bare?: boolean;
  /** The time expiry is judged at (ms); now by default. */
  now?: number;
  /** The operating system (decides the keychain and the managed settings path). */
  os?: typeof Deno.build.os;
  /** Whether the macOS keychain holds a login; asked only on macOS. */
  keychain?: () => boolean;
  /** The pids of other `claude` processes using a config dir (Linux `/proc` by default). */
  processesUsing?: (dir: string) => number[];
}

const CLOUD = {
  bedrock: ["CLAUDE_CODE_USE_BEDROCK", "Amazon Bedrock"],
  vertex: ["CLAUDE_CODE_USE_VERTEX", "Google Vertex AI"],
  foundry: ["CLAUDE_CODE_USE_FOUNDRY", "Microsoft Foundry"],
} as const;

function truthy(value: string | undefined): boolean {
  return value !== undefined && value !== "" && !/^(0|false|no|off)$/i.test(value);
}

function set(value: string | undefined): boolean {
  return value !== undefined && value !== "";
}

/**
 * Works out which credential the CLI will use with `env`, every source it could have used, and
 * the traps around them. Reads files (credentials, settings) for metadata only; never throws for
 * a missing or malformed file, and never returns a secret.
 *
 * @example An API key beats a stored login, and claw says what that costs
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { resolveAuth } from "./resolve_auth.ts";
 *
 * const home = await Deno.makeTempDir();
 * await Deno.mkdir(`${home}/.claude`);
 * const login = { accessToken: "x", refreshToken: "y", expiresAt: Date.now() + 3600_000 };
 * await Deno.writeTextFile(`${home}/.claude/.credentials.json`, JSON.stringify({ claudeAiOauth: login }), { mode: 0o600 });
 * const report = resolveAuth({ env: { HOME: home, ANTHROPIC_API_KEY: "sk-ant-api03-x" }, cwd: home });
 * strictEqual(report.active?.source, "ANTHROPIC_API_KEY");
 * strictEqual(report.warnings[0]?.id, "api_key_shadows_login");
 * await Deno.remove(home, { recursive: true });
 * ```
 */
export function resolveAuth(options: ResolveAuthOptions = {}): AuthReport {
  const env = options.env ?? Deno.env.toObject();
  const os = options.os ?? Deno.build.os;
  const dir = configDir(env);
  const cwd = options.cwd ?? Deno.cwd();
  const layers = settingsLayers({ env, cwd, os });
  const helper = options.bare ? undefined : findApiKeyHelper(layers);
  const file = readCredentialsFile(credentialsPath(env), options.now);
  const keychain = os === "darwin" && (options.keychain ?? keychainHasLogin)();

  const sources = AUTH_SOURCES.filter((source) => source !== "keychain" || os === "darwin")
    .map((source) => describe(source, { env, helper, file, keychain }));
  const candidates = sources.filter((report) =>
    report.present && (!options.bare || BARE_SOURCES.has(report.source))
  );
  const winner = candidates[0];
  const active: ActiveCredential | null = winner
    ? { source: winner.source, ...explain(winner, { env, helper, file }) }
    : null;
  const warnings = findTraps({
    env,
    sources,
    active: active?.source,
    file,
    dir,
    bare: options.bare ?? false,
    processesUsing: options.processesUsing ?? claudeProcessesUsing,
  });
  const cannotRefresh = active?.source === "credentials_file" && file.expired === true &&
    !file.refreshable;
  const tokenAsKey = active?.source === "ANTHROPIC_API_KEY" &&
    /^sk-ant-oat/.test(env.ANTHROPIC_API_KEY ?? "");
  return {
    active,
    usable: active !== null && !cannotRefresh && !tokenAsKey,
    sources,
    warnings,
    configDir: dir,
  };
}

const BARE_SOURCES = new Set<AuthSource>(["bedrock", "vertex", "foundry", "ANTHROPIC_API_KEY"]);

interface Seen {
  env: Readonly<Record<string, string | undefined>>;
  helper: SettingsLayer | undefined;
  file: CredentialsFileInfo;
  keychain?: boolean;
}

function describe(source: AuthSource, seen: Seen): AuthSourceReport {
  switch (source) {
    case "bedrock":
    case "vertex":
    case "foundry":
      return { source, present: truthy(seen.env[CLOUD[source][0]]) };
    case "apiKeyHelper":
      return seen.helper
        ? { source, present: true, path: seen.helper.path }
        : { source, present: false };
    case "credentials_file": {
      const { file } = seen;
      const report: AuthSourceReport = { source, present: file.hasLogin, path: file.path };
      if (file.expiresAt !== undefined) report.expiresAt = file.expiresAt;
      if (file.expired !== undefined) report.expired = file.expired;
      if (file.scopes !== undefined) report.scopes = file.scopes;
      return report;
    }
    case "keychain":
      return { source, present: seen.keychain === true };
    default:
      return { source, present: set(seen.env[source]) };
  }
}

function explain(
  winner: AuthSourceReport,
  seen: Seen,
): { method: AuthMethodName; why: string } {
  switch (winner.source) {
    case "bedrock":
    case "vertex":
    case "foundry": {
      const [flag, name] = CLOUD[winner.source];
      return {
        method: "third_party",
        why: `${flag} is set: the CLI talks to ${name} with that provider's own credentials`,
      };
    }
    case "ANTHROPIC_AUTH_TOKEN":
      return {
        method: "oauth_token",
        why:
          "ANTHROPIC_AUTH_TOKEN is set: it is sent as a bearer token before any other Anthropic credential",
      };
    case "apiKeyHelper":
      return {
        method: "api_key_helper",
        why:
          `apiKeyHelper is set in ${seen.helper?.path}: its output comes before ANTHROPIC_API_KEY and any login`,
      };
    case "ANTHROPIC_API_KEY":
      return {
        method: "api_key",
        why:
          "ANTHROPIC_API_KEY is set: the CLI uses it in -p mode before any OAuth token or stored login",
      };
    case "CLAUDE_CODE_OAUTH_TOKEN":
      return {
        method: "oauth_token",
        why: "CLAUDE_CODE_OAUTH_TOKEN is set and no API key is: it comes before the stored login",
      };
    case "credentials_file":
      return {
        method: "claude.ai",
        why: `The stored login in ${seen.file.path} is the only credential set`,
      };
    case "keychain":
      return {
        method: "claude.ai",
        why: "The stored login in the macOS keychain is the only credential set",
      };
  }
}

interface TrapContext {
  env: Readonly<Record<string, string | undefined>>;
  sources: AuthSourceReport[];
  active: AuthSource | undefined;
  file: CredentialsFileInfo;
  dir: string;
  bare: boolean;
  processesUsing: (dir: string) => number[];
}

function findTraps(context: TrapContext): AuthWarning[] {
  const { env, file, active } = context;
  const present = (source: AuthSource) =>
    context.sources.some((report) => report.source === source && report.present);
  const login = present("credentials_file") || present("keychain") ||
    present("CLAUDE_CODE_OAUTH_TOKEN");
  const warnings: AuthWarning[] = [];
  if ((active === "ANTHROPIC_API_KEY" || active === "apiKeyHelper") && login) {
    warnings.push(authWarning("api_key_shadows_login", { source: active }));
  }
  if (/^sk-ant-oat/.test(env.ANTHROPIC_API_KEY ?? "")) {
    warnings.push(authWarning("oauth_token_in_api_key", {}));
  }
  if (present("ANTHROPIC_AUTH_TOKEN") && present("ANTHROPIC_API_KEY")) {
    warnings.push(authWarning("api_key_and_auth_token", {}));
  }
  if (present("apiKeyHelper") && present("ANTHROPIC_API_KEY")) {
    warnings.push(authWarning("api_key_and_helper", {}));
  }
  if (file.hasLogin && file.expired) {
    warnings.push(
      authWarning("login_expired", {
        path: file.path,
        expiresAt: file.expiresAt ?? "",
        refreshable: file.refreshable,
        active: active === "credentials_file",
      }),
    );
  }
  if (file.malformed !== undefined) {
    warnings.push(authWarning("credentials_malformed", { path: file.path, why: file.malformed }));
  }
  if (file.exists && readableByOthers(file.mode)) {
    warnings.push(
      authWarning("credentials_world_readable", { path: file.path, mode: file.mode ?? 0 }),
    );
  }
  const home = homeDir(env);
  if (env.CLAUDE_CONFIG_DIR && home) {
    const ignored = readCredentialsFile(`${home.replace(/\/+$/, "")}/.claude/.credentials.json`);
    if (ignored.hasLogin && ignored.path !== file.path) {
      warnings.push(
        authWarning("config_dir_elsewhere", { dir: context.dir, ignored: ignored.path }),
      );
    }
  }
  if (context.bare && !active && (login || present("ANTHROPIC_AUTH_TOKEN"))) {
    warnings.push(authWarning("bare_ignores_login", {}));
  }
  if (active === "credentials_file" && file.refreshable) {
    const others = context.processesUsing(context.dir);
    if (others.length > 0) {
      warnings.push(authWarning("login_shared_by_processes", { dir: context.dir, pids: others }));
    }
  }
  return warnings;
}

/** Whether the macOS keychain holds Claude Code's login (asks `security` for metadata only). */
function keychainHasLogin(): boolean {
  try {
    const out = new Deno.Command("security", {
      args: ["find-generic-password", "-s", "Claude Code-credentials"],
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).outputSync();
    return out.success;
  } catch {
    return false;
  }
}
