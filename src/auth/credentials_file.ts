/**
 * What a stored login (`.credentials.json`) says about itself, without handing out its secrets:
 * whether it exists and parses, its expiry, scopes and plan, and who else may read it.
 *
 * @module
 */

/** The metadata of a credentials file. No token value is ever kept. */
export interface CredentialsFileInfo {
  /** The file's path. */
  path: string;
  /** Whether the file exists. */
  exists: boolean;
  /** Why it could not be read as a credentials file (the CLI then acts as if it were missing). */
  malformed?: string;
  /** Whether it holds a Claude login (`claudeAiOauth` with an access token). */
  hasLogin: boolean;
  /** Whether that login can be refreshed (it has a refresh token). */
  refreshable: boolean;
  /** When the access token expires, as an ISO date. */
  expiresAt?: string;
  /** Whether the access token had expired when the file was read. */
  expired?: boolean;
  /** The OAuth scopes granted. */
  scopes?: string[];
  /** The subscription (`pro`, `max`, …), when the file says. */
  subscriptionType?: string;
  /** The other top-level fields (`mcpOAuth`, …): what a logout must keep. */
  otherFields: string[];
  /** The file's permission bits (POSIX), when known. */
  mode?: number;
}

/** Whether `mode` lets anyone but the owner read or write. */
export function readableByOthers(mode: number | undefined): boolean {
  return mode !== undefined && (mode & 0o077) !== 0;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Reads the metadata of the credentials file at `path`; `now` (ms) decides `expired`. Never
 * throws: a missing, unreadable or malformed file is described, not raised.
 *
 * @example A login that expired an hour ago, with a refresh token
 * ```ts
 * import { deepStrictEqual, strictEqual } from "node:assert";
 * import { readCredentialsFile } from "./credentials_file.ts";
 *
 * const path = await Deno.makeTempFile();
 * const expiresAt = Date.now() - 3600_000;
 * await Deno.writeTextFile(path, JSON.stringify({
 *   claudeAiOauth: { accessToken: "x", refreshToken: "y", expiresAt, scopes: ["user:inference"] },
 *   mcpOAuth: {},
 * }));
 * const info = readCredentialsFile(path);
 * strictEqual(info.expired, true);
 * strictEqual(info.refreshable, true);
 * deepStrictEqual(info.otherFields, ["mcpOAuth"]);
 * await Deno.remove(path);
 * ```
 */
export function readCredentialsFile(path: string, now: number = Date.now()): CredentialsFileInfo {
  const info: CredentialsFileInfo = {
    path,
    exists: false,
    hasLogin: false,
    refreshable: false,
    otherFields: [],
  };
  let text: string;
  try {
    const stat = Deno.statSync(path);
    info.exists = true;
    if (stat.mode !== null) info.mode = stat.mode & 0o777;
    if (!stat.isFile) return { ...info, malformed: "it is not a file" };
    text = Deno.readTextFileSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return info;
    return { ...info, malformed: `it cannot be read (${(error as Error).name})` };
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { ...info, malformed: "it is not valid JSON" };
  }
  if (!isRecord(data)) return { ...info, malformed: "it is not a JSON object" };
  info.otherFields = Object.keys(data).filter((key) => key !== "claudeAiOauth");
  const login = data.claudeAiOauth;
  if (login === undefined) return info;
  if (!isRecord(login) || typeof login.accessToken !== "string" || !login.accessToken) {
    return { ...info, malformed: '"claudeAiOauth" has no access token' };
  }
  info.hasLogin = true;
  info.refreshable = typeof login.refreshToken === "string" && login.refreshToken !== "";
  if (typeof login.expiresAt === "number" && Number.isFinite(login.expiresAt)) {
    info.expiresAt = new Date(login.expiresAt).toISOString();
    info.expired = login.expiresAt <= now;
  }
  if (Array.isArray(login.scopes)) {
    info.scopes = login.scopes.filter((scope): scope is string => typeof scope === "string");
  }
  if (typeof login.subscriptionType === "string") info.subscriptionType = login.subscriptionType;
  return info;
}
