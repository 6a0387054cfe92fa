/**
 * What a spawn request means for a cassette: the machine-specific places to redact, the rules
 * that redact them (and the request's secrets), and the key a run is matched by.
 *
 * @module
 */
import type { SpawnRequest } from "../process/spawn.ts";
import { cassetteKey } from "./cassette.ts";
import { type RedactionRule, redactionRules, redactText, type RunPlaces } from "./redact.ts";

/**
 * The machine-specific values of a request, for redaction and for matching: its HOME, cwd, TMPDIR
 * and the port of a fake API on 127.0.0.1.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert";
 * import { placesOf } from "./request.ts";
 *
 * const places = placesOf({ command: "claude", args: [], cwd: "/w", env: { HOME: "/h", ANTHROPIC_BASE_URL: "http://127.0.0.1:4000" } });
 * assert(places.port === 4000 && places.cwd === "/w" && places.home === "/h");
 * ```
 */
export function placesOf(request: SpawnRequest): RunPlaces {
  const port = /^https?:\/\/(?:127\.0\.0\.1|localhost):(\d+)/.exec(
    request.env.ANTHROPIC_BASE_URL ?? "",
  )?.[1];
  const places: RunPlaces = { cwd: request.cwd ?? Deno.cwd() };
  if (request.env.HOME) places.home = request.env.HOME;
  if (request.env.TMPDIR) places.root = request.env.TMPDIR;
  if (port) places.port = Number(port);
  return places;
}

/**
 * Variables whose values are secrets whatever their shape (a Bash tool running `env` prints them):
 * a `_`-separated part of the name ends in KEY, TOKEN(S), SECRET, PASSWORD or CREDENTIAL(S).
 */
const SECRET_VARIABLE =
  /(?:^|_)[A-Z0-9]*(?:KEY|TOKENS?|SECRET|PASSWORD|PASSWD|CREDENTIALS?)(?:_|$)/i;

/**
 * The redaction rules of a request: {@linkcode redactionRules} for its places, then the values of
 * its secret-named variables (8 characters or more) wherever they appear, which catches secrets
 * that match no pattern.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { requestRules } from "./request.ts";
 * import { redactText } from "./redact.ts";
 *
 * const rules = requestRules({ command: "claude", args: [], cwd: "/w", env: { GATEWAY_TOKEN: "gw-1234567890" } });
 * strictEqual(redactText("token gw-1234567890 in /w", rules), "token [REDACTED_SECRET] in $CWD");
 * ```
 */
export function requestRules(request: SpawnRequest): RedactionRule[] {
  const secrets = Object.entries(request.env)
    .filter(([name, value]) => SECRET_VARIABLE.test(name) && value.length >= 8)
    .map(([, value]) => value)
    .sort((a, b) => b.length - a.length)
    .map((value) => ({
      pattern: new RegExp(value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "g"),
      replacement: "[REDACTED_SECRET]",
    }));
  return [...redactionRules(placesOf(request)), ...secrets];
}

/** The redacted argv of a request and its matching key. */
export async function requestKey(request: SpawnRequest): Promise<{ argv: string[]; key: string }> {
  const rules = requestRules(request);
  const argv = request.args.map((arg) => redactText(arg, rules));
  return { argv, key: await cassetteKey(argv) };
}

/**
 * Whether `args` only ask for the CLI's version (`claude --version`, or the `-v` probe the Agent
 * SDKs send).
 */
export function asksVersion(args: readonly string[]): boolean {
  return args.length === 1 && (args[0] === "--version" || args[0] === "-v");
}
