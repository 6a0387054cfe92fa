/**
 * The `proxy` check: the proxy and TLS variables a run would inherit make sense. It only warns
 * (fail-open): a proxy that looks wrong may still be what the network needs.
 *
 * Prints a proxy as `scheme://host:port` only, never its credentials; never prints what a
 * certificate or key file holds.
 *
 * @module
 */
import { type Check, type CheckStatus, worst } from "./check.ts";
import { safeUrl } from "./_safe_url.ts";

/** What {@linkcode checkProxy} reads. */
export interface ProxyCheckOptions {
  /** The environment a run would get. */
  env: Readonly<Record<string, string | undefined>>;
}

interface Line {
  status: CheckStatus;
  text: string;
}

const PROXIES = [
  ["HTTPS_PROXY", "https_proxy"],
  ["HTTP_PROXY", "http_proxy"],
  ["ALL_PROXY", "all_proxy"],
] as const;
const PROXY_PROTOCOLS = ["http:", "https:", "socks:", "socks4:", "socks4a:", "socks5:", "socks5h:"];
const CERTIFICATE = /-----BEGIN (?:TRUSTED )?CERTIFICATE-----/;
const PRIVATE_KEY = /-----BEGIN (?:[A-Z]+ )*PRIVATE KEY-----/;
/** Files a run reads, and what each must hold. */
const FILES: [name: string, holds: RegExp, what: string][] = [
  ["NODE_EXTRA_CA_CERTS", CERTIFICATE, "PEM certificate"],
  ["SSL_CERT_FILE", CERTIFICATE, "PEM certificate"],
  ["CLAUDE_CODE_CLIENT_CERT", CERTIFICATE, "PEM certificate"],
  ["CLAUDE_CODE_CLIENT_KEY", PRIVATE_KEY, "PEM private key"],
];

/**
 * Checks `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` (either case), `NO_PROXY`, the CA and client
 * certificate files, `SSL_CERT_DIR` and `NODE_TLS_REJECT_UNAUTHORIZED`.
 *
 * @example A proxy without a scheme
 * ```ts
 * import { ok as assert, strictEqual } from "node:assert";
 * import { checkProxy } from "./proxy_check.ts";
 *
 * const check = checkProxy({ env: { HTTPS_PROXY: "proxy.corp:3128" } });
 * strictEqual(check.status, "warn");
 * assert(check.detail.startsWith("HTTPS_PROXY has no http:// or https:// in front"));
 * strictEqual(checkProxy({ env: { HTTPS_PROXY: "http://proxy.corp:3128" } }).status, "ok");
 * ```
 */
export function checkProxy(options: ProxyCheckOptions): Check {
  const { env } = options;
  const set = (name: string) => env[name] !== undefined && env[name] !== "";
  const lines: Line[] = [];
  for (const [upper, lower] of PROXIES) {
    for (const name of [upper, lower]) if (set(name)) lines.push(proxyLine(name, env[name]!));
    if (set(upper) && set(lower) && env[upper] !== env[lower]) {
      lines.push({
        status: "warn",
        text: `${upper} and ${lower} differ: programs disagree on which one wins`,
      });
    }
  }
  for (const name of ["NO_PROXY", "no_proxy"]) {
    if (set(name)) lines.push(...noProxyLines(name, env[name]!));
  }
  for (const [name, holds, what] of FILES) {
    if (set(name)) lines.push(fileLine(name, env[name]!, holds, what));
  }
  if (set("SSL_CERT_DIR")) lines.push(...certDirLines(env.SSL_CERT_DIR!));
  if (env.NODE_TLS_REJECT_UNAUTHORIZED === "0") {
    lines.push({
      status: "warn",
      text: "NODE_TLS_REJECT_UNAUTHORIZED=0 turns off TLS certificate checks for every request",
    });
  }
  if (lines.length === 0) {
    return { id: "proxy", status: "ok", detail: "No proxy or TLS certificate variables are set" };
  }
  const status = worst(lines.map((line) => line.status));
  return {
    id: "proxy",
    status,
    detail: lines.map((line) => line.text).join("\n"),
    ...(status === "ok" ? {} : {
      fix:
        "Correct or unset the variables listed (a proxy is written http://host:port, NO_PROXY lists host names)",
    }),
  };
}

function proxyLine(name: string, value: string): Line {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { status: "warn", text: `${name} is not a URL: write it as http://host:port` };
  }
  if (!url.host || !PROXY_PROTOCOLS.includes(url.protocol)) {
    return {
      status: "warn",
      text: `${name} has no http:// or https:// in front: write it as http://host:port`,
    };
  }
  const credentials = url.username || url.password ? " (with credentials, not shown)" : "";
  return { status: "ok", text: `${name} is ${safeUrl(value)}${credentials}` };
}

function noProxyLines(name: string, value: string): Line[] {
  const entries = value.split(/[,\s]+/).filter(Boolean);
  const bad = entries.filter((entry) => entry.includes("://") || /\/(?!\d+$)/.test(entry));
  return [
    {
      status: "ok",
      text: `${name} lists ${entries.length} host${entries.length === 1 ? "" : "s"}`,
    },
    ...bad.map((entry): Line => ({
      status: "warn",
      text: `${name} entry ${
        JSON.stringify(safeUrl(entry) ?? entry)
      } is not a host name: list hosts like "example.com", ".example.com" or "10.0.0.0/8"`,
    })),
  ];
}

function fileLine(name: string, path: string, holds: RegExp, what: string): Line {
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (error) {
    const why = error instanceof Deno.errors.NotFound
      ? "does not exist"
      : error instanceof Deno.errors.PermissionDenied
      ? "cannot be read (permission denied)"
      : error instanceof Deno.errors.IsADirectory
      ? "is a folder"
      : "cannot be read";
    return { status: "warn", text: `${name} is ${path}, which ${why}` };
  }
  if (!holds.test(text)) {
    return { status: "warn", text: `${name} is ${path}, which holds no ${what}` };
  }
  return { status: "ok", text: `${name} is ${path} (${what})` };
}

function certDirLines(value: string): Line[] {
  return value.split(Deno.build.os === "windows" ? ";" : ":").filter(Boolean).map((dir): Line => {
    try {
      for (const _ of Deno.readDirSync(dir)) break;
      return { status: "ok", text: `SSL_CERT_DIR has ${dir}` };
    } catch (error) {
      const why = error instanceof Deno.errors.NotFound
        ? "does not exist"
        : error instanceof Deno.errors.NotADirectory
        ? "is not a folder"
        : "cannot be read";
      return { status: "warn", text: `SSL_CERT_DIR has ${dir}, which ${why}` };
    }
  });
}
