/**
 * The `base_url` check: where the CLI sends its API requests. `ANTHROPIC_BASE_URL` pointing
 * somewhere else is often a leftover from trying a gateway, so a custom one is a warning.
 *
 * Observed with Claude Code 2.1.332 in `-p` mode: a value that is not a URL (`api.anthropic.com`
 * without a scheme) fails every run with "API Error: Invalid URL", and an `ftp://` one with
 * "Unable to connect to API (ERR_INVALID_ARG_VALUE)"; both are failures here.
 *
 * @module
 */
import type { Check } from "./check.ts";
import { safeUrl } from "./_safe_url.ts";

/** What {@linkcode checkBaseUrl} reads. */
export interface BaseUrlCheckOptions {
  /** The environment a run would get. */
  env: Readonly<Record<string, string | undefined>>;
}

const DEFAULT = "https://api.anthropic.com";
const FIX = "Unset ANTHROPIC_BASE_URL unless you mean to send requests to that gateway or proxy";

/**
 * Checks `ANTHROPIC_BASE_URL`: unset or the default is ok, another URL a warning, a broken one a
 * failure. Prints only the URL's `scheme://host:port`.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { checkBaseUrl } from "./base_url_check.ts";
 *
 * strictEqual(checkBaseUrl({ env: {} }).status, "ok");
 * strictEqual(checkBaseUrl({ env: { ANTHROPIC_BASE_URL: "http://127.0.0.1:8080" } }).status, "warn");
 * strictEqual(checkBaseUrl({ env: { ANTHROPIC_BASE_URL: "api.anthropic.com" } }).status, "fail");
 * ```
 */
export function checkBaseUrl(options: BaseUrlCheckOptions): Check {
  const value = options.env.ANTHROPIC_BASE_URL;
  if (value === undefined || value === "") {
    return {
      id: "base_url",
      status: "ok",
      detail: `ANTHROPIC_BASE_URL is not set: the CLI talks to ${DEFAULT}`,
    };
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return {
      id: "base_url",
      status: "fail",
      detail: 'ANTHROPIC_BASE_URL is not a URL: every run fails with "API Error: Invalid URL"',
      fix: `Set it to a full URL such as ${DEFAULT}, or unset it`,
    };
  }
  const shown = safeUrl(value)!;
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return {
      id: "base_url",
      status: "fail",
      detail: `ANTHROPIC_BASE_URL is ${shown}: the CLI cannot connect to a non-HTTP URL`,
      fix: `Set it to an https:// URL such as ${DEFAULT}, or unset it`,
    };
  }
  if (url.origin === DEFAULT && (url.pathname === "/" || url.pathname === "")) {
    return {
      id: "base_url",
      status: "ok",
      detail: `ANTHROPIC_BASE_URL is ${DEFAULT}, the default`,
    };
  }
  const hidden = url.pathname.length > 1 || url.search ? " (path not shown)" : "";
  const plain = url.protocol === "http:" && !/^(?:localhost|127\.\d+\.\d+\.\d+|\[::1\])$/.test(
      url.hostname,
    )
    ? "; over plain http, so requests and keys cross the network unencrypted"
    : "";
  return {
    id: "base_url",
    status: "warn",
    detail:
      `Custom base URL: ANTHROPIC_BASE_URL is ${shown}${hidden}, so every request goes there instead of ${DEFAULT}${plain}`,
    fix: FIX,
  };
}
