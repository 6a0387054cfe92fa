/**
 * The environment that makes the real `claude` run offline against a fake Messages API.
 *
 * @module
 */

/** What {@linkcode offlineEnv} needs. */
export interface OfflineEnvOptions {
  /** The fake API's base URL (`FakeApi.url`). */
  apiUrl: string;
  /** A fresh, throw-away HOME so no real config or credentials are read. */
  home: string;
  /** `CLAUDE_CODE_MAX_RETRIES`; keep it low in error tests (the default loop takes ~3 minutes). */
  maxRetries?: number;
  /** An existing folder for the CLI's temp files (`TMPDIR`), so nothing is left in /tmp. */
  tmpDir?: string;
}

/** A fake key in the shape of a real one; it only ever reaches the fake API on 127.0.0.1. */
export const FAKE_API_KEY = "sk-ant-api03-fake-key-for-the-local-fake-api-0000";

/**
 * Environment variables for running the real CLI against a fake API: a fresh HOME, the fake base
 * URL and key, telemetry and non-essential traffic off, and `IS_SANDBOX=1` so that
 * `bypassPermissions` works as root. Merge it over the inherited environment.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert";
 * import { offlineEnv } from "./offline_env.ts";
 *
 * const env = offlineEnv({ apiUrl: "http://127.0.0.1:4000", home: "/tmp/home", maxRetries: 0 });
 * assert(env.ANTHROPIC_BASE_URL === "http://127.0.0.1:4000");
 * ```
 */
export function offlineEnv(options: OfflineEnvOptions): Record<string, string | undefined> {
  return {
    HOME: options.home,
    USERPROFILE: options.home,
    CLAUDE_CONFIG_DIR: undefined,
    ANTHROPIC_BASE_URL: options.apiUrl,
    ANTHROPIC_API_KEY: FAKE_API_KEY,
    ANTHROPIC_AUTH_TOKEN: undefined,
    CLAUDE_CODE_OAUTH_TOKEN: undefined,
    CLAUDE_CODE_USE_BEDROCK: undefined,
    CLAUDE_CODE_USE_VERTEX: undefined,
    CLAUDE_CODE_USE_FOUNDRY: undefined,
    DISABLE_TELEMETRY: "1",
    DISABLE_AUTOUPDATER: "1",
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
    IS_SANDBOX: "1",
    ...(options.tmpDir === undefined
      ? {}
      : { TMPDIR: options.tmpDir, CLAUDE_CODE_TMPDIR: options.tmpDir }),
    ...(options.maxRetries === undefined
      ? {}
      : { CLAUDE_CODE_MAX_RETRIES: String(options.maxRetries) }),
  };
}
