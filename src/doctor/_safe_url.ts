/**
 * Printing a URL from the user's config without what could be a secret: credentials
 * (`user:pass@`), the path (some MCP hosts put a token there), the query and the fragment.
 *
 * @module
 */

/**
 * `scheme://host[:port]` of `url`, or `undefined` when it does not parse.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { safeUrl } from "./_safe_url.ts";
 *
 * strictEqual(safeUrl("http://me:hunter2@proxy.corp:3128/x?token=1"), "http://proxy.corp:3128");
 * strictEqual(safeUrl("https://mcp.example.com/u/sk-123/sse"), "https://mcp.example.com");
 * strictEqual(safeUrl("not a url"), undefined);
 * ```
 */
export function safeUrl(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (!parsed.host) return `${parsed.protocol}…`;
  return `${parsed.protocol}//${parsed.host}`;
}
