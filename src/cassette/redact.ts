/**
 * The one redaction rule list for everything claw saves from a run (cassettes, fixture
 * transcripts): machine paths, the fake API's port, API keys, OAuth tokens, bearer values, emails.
 *
 * @module
 */

/** One redaction: every match of `pattern` (global) becomes `replacement`. */
export interface RedactionRule {
  /** What to find (a global RegExp). */
  pattern: RegExp;
  /** What to put in its place. */
  replacement: string;
}

/** The machine-specific values of one run that become placeholders. */
export interface RunPlaces {
  /** The HOME of the run → `$HOME`. */
  home?: string;
  /** The working directory → `$CWD`. */
  cwd?: string;
  /** A temporary root holding the others → `$TMP`. */
  root?: string;
  /** A local (fake API) port → `127.0.0.1:$PORT`. */
  port?: number;
}

/** An email address, as far as redaction cares. */
export const EMAIL: RegExp = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;

/** Secrets that are redacted wherever they appear, whatever the run. */
const SECRET_RULES: readonly RedactionRule[] = [
  { pattern: /sk-ant-[A-Za-z0-9_-]+/g, replacement: "[REDACTED_API_KEY]" },
  { pattern: /\bBearer\s+[A-Za-z0-9._~+/=-]+/gi, replacement: "[REDACTED_BEARER_TOKEN]" },
  { pattern: /\b(?:ya29|gho|ghp|xoxb)[._-][A-Za-z0-9._-]{10,}/g, replacement: "[REDACTED_TOKEN]" },
  {
    pattern:
      /("(?:accessToken|refreshToken|access_token|refresh_token|api_key|apiKey)"\s*:\s*")[^"]+/g,
    replacement: "$1[REDACTED_TOKEN]",
  },
  { pattern: EMAIL, replacement: "[REDACTED_EMAIL]" },
];

/**
 * The rule list for a run, applied in order: its paths (the longest first, each also in the
 * `-`-escaped form the CLI uses for project folders), its port, then the secret patterns.
 *
 * @example Redact a line of a run
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { redactionRules, redactText } from "./redact.ts";
 *
 * const rules = redactionRules({ root: "/t/r", home: "/t/r/home", cwd: "/t/r/cwd", port: 4711 });
 * strictEqual(
 *   redactText("cd /t/r/cwd; see http://127.0.0.1:4711 as me@example.com", rules),
 *   "cd $CWD; see http://127.0.0.1:$PORT as [REDACTED_EMAIL]",
 * );
 * ```
 */
export function redactionRules(places: RunPlaces = {}): RedactionRule[] {
  const paths: [string | undefined, string][] = [
    [places.home, "HOME"],
    [places.cwd, "CWD"],
    [places.root, "TMP"],
  ];
  const present = paths
    .filter((entry): entry is [string, string] => entry[0] !== undefined && entry[0].length > 1)
    .sort((a, b) => b[0].length - a[0].length);
  return [
    ...present.map(([path, name]) => literal(path, `$${name}`)),
    ...present.map(([path, name]) => literal(escapePath(path), `$ESCAPED_${name}`)),
    ...(places.port === undefined ? [] : [literal(`127.0.0.1:${places.port}`, "127.0.0.1:$PORT")]),
    ...SECRET_RULES,
  ];
}

/**
 * Applies `rules` to plain text.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { redactionRules, redactText } from "./redact.ts";
 *
 * strictEqual(redactText("key sk-ant-api03-abc", redactionRules()), "key [REDACTED_API_KEY]");
 * ```
 */
export function redactText(value: string, rules: readonly RedactionRule[]): string {
  return rules.reduce((result, rule) => result.replace(rule.pattern, rule.replacement), value);
}

/**
 * Redacts one line the CLI printed. In a JSON line the rules apply to the decoded value of each
 * string literal, re-encoded only when it changed, so the line stays valid JSON and is otherwise
 * byte for byte what the CLI printed. A line that is not JSON is redacted as text.
 *
 * @example Redaction never breaks an escape sequence
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { redactionRules, redactLine } from "./redact.ts";
 *
 * const line = JSON.stringify({ text: "mail\nme@example.com" });
 * deepStrictEqual(JSON.parse(redactLine(line, redactionRules())), { text: "mail\n[REDACTED_EMAIL]" });
 * ```
 */
export function redactLine(line: string, rules: readonly RedactionRule[]): string {
  if (!isJson(line)) return redactText(line, rules);
  const redacted = line.replace(/"(?:[^"\\]|\\.)*"/g, (literal) => {
    const value = JSON.parse(literal) as string;
    const changed = redactText(value, rules);
    return changed === value ? literal : JSON.stringify(changed);
  });
  if (!isJson(redacted)) throw new Error(`Redaction broke a JSON line: ${redacted.slice(0, 200)}`);
  return redacted;
}

/**
 * Redacts text that holds many lines (a whole stdout), line by line with {@linkcode redactLine}.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { redactionRules, redactLines } from "./redact.ts";
 *
 * strictEqual(redactLines('{"k":"sk-ant-x"}\nplain\n', redactionRules()), '{"k":"[REDACTED_API_KEY]"}\nplain\n');
 * ```
 */
export function redactLines(text: string, rules: readonly RedactionRule[]): string {
  return text.split("\n").map((line) => redactLine(line, rules)).join("\n");
}

function literal(value: string, replacement: string): RedactionRule {
  return {
    pattern: new RegExp(value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "g"),
    replacement: replacement.replaceAll("$", "$$$$"),
  };
}

/** The CLI's project-folder form of a path: every character but `[A-Za-z0-9]` becomes `-`. */
function escapePath(path: string): string {
  return path.replace(/[^A-Za-z0-9]/g, "-");
}

function isJson(line: string): boolean {
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
}
