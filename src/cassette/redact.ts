/**
 * The one redaction rule list for everything claw saves from a run (cassettes, fixture
 * transcripts): machine paths, the fake API's port, API keys, OAuth tokens, bearer values, emails.
 *
 * Temporary paths become `$TMP` whichever temporary folder the run used: its `TMPDIR`, the CLI's
 * own `CLAUDE_CODE_TMPDIR`, and the system's `/tmp` (also when `TMPDIR` is unset, as for most
 * runs, where the CLI puts its `/tmp/cc-socks/<pid>.sock` and `/tmp/claude-*` files). A path is
 * replaced only where it starts and ends as a whole path (`/var/tmp` and `/tmpfiles` stay).
 *
 * @module
 */
import { commonEnds } from "./_common_ends.ts";

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
  /** A temporary root holding the others (the run's `TMPDIR`) → `$TMP`. */
  root?: string;
  /** More temporary folders of the run (the CLI's `CLAUDE_CODE_TMPDIR`) → `$TMP`. */
  tmp?: readonly string[];
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
 * The system's temporary folder as the start of a path (`/tmp`, or `/private/tmp` on macOS), where
 * it is not part of a longer path: its placeholder is `$TMP`, as for the run's own TMPDIR.
 */
const SYSTEM_TMP: RedactionRule = {
  pattern: /(?<![A-Za-z0-9_.~$-])(?:\/private)?\/tmp(?![A-Za-z0-9_.~-])/g,
  replacement: "$$TMP",
};

/**
 * The rule list for a run, applied in order: its paths (the longest first, each also in the
 * `-`-escaped form the CLI uses for project folders), the system's `/tmp`, its port, then the
 * secret patterns. A path matches only as a whole: not inside a longer name.
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
 * strictEqual(redactText("socket /tmp/cc-socks/123.sock", rules), "socket $TMP/cc-socks/123.sock");
 * ```
 */
export function redactionRules(places: RunPlaces = {}): RedactionRule[] {
  // Longest first; of two equal paths (a run in its HOME) the cwd wins, so that a path a replay
  // gives back in the run's cwd is saved as it was recorded.
  const paths: [string | undefined, string][] = [
    [places.cwd, "CWD"],
    [places.home, "HOME"],
    [places.root, "TMP"],
    ...(places.tmp ?? []).map((path): [string, string] => [path, "TMP"]),
  ];
  const present = paths
    .map(([path, name]): [string | undefined, string] => [path?.replace(/(.)\/+$/, "$1"), name])
    .filter((entry): entry is [string, string] => entry[0] !== undefined && entry[0].length > 1)
    .sort((a, b) => b[0].length - a[0].length);
  return [
    ...present.map(([path, name]) => wholePath(path, `$${name}`)),
    ...present.map(([path, name]) => wholePath(escapePath(path), `$ESCAPED_${name}`)),
    SYSTEM_TMP,
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

/** One redaction in a text: the characters from `start` up to `end` become `replacement`. */
export interface RedactionSpan {
  /** Index of the first character replaced. */
  start: number;
  /** Index after the last character replaced. */
  end: number;
  /** What takes their place. */
  replacement: string;
}

/**
 * Where one rule matches `text` and what each match becomes: the matches that
 * `text.replace(rule.pattern, rule.replacement)` replaces, in order, with the replacement's `$`
 * patterns (`$1`, `$<name>`, `$&`, `$$`, `` $` ``, `$'`) filled in. Text that arrived in pieces
 * is redacted as a whole through these spans (see `_split_redaction.ts`).
 *
 * @example Find a key and what replaces it
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { redactionRules, redactionSpans } from "./redact.ts";
 *
 * const apiKey = redactionRules().find((rule) => rule.replacement === "[REDACTED_API_KEY]");
 * deepStrictEqual(redactionSpans("key sk-ant-api03-abc.", apiKey!), [
 *   { start: 4, end: 20, replacement: "[REDACTED_API_KEY]" },
 * ]);
 * ```
 */
export function redactionSpans(text: string, rule: RedactionRule): RedactionSpan[] {
  const { pattern } = rule;
  const matches = pattern.global ? [...text.matchAll(pattern)] : [text.match(pattern)];
  return matches.filter((match) => match !== null).map((match) => {
    const start = match.index ?? 0;
    const end = start + match[0].length;
    return { start, end, replacement: replacementAt(text, rule, start, end) };
  });
}

/**
 * The spans that redact the string literals of JSON text: each literal's decoded value is
 * redacted with `rules` and, when it changed, re-encoded; a span covers only the part of the
 * literal that changed. JSON text stays JSON text, and an escape sequence is never cut.
 *
 * @example An email after an escaped newline
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { jsonStringSpans, redactionRules } from "./redact.ts";
 *
 * deepStrictEqual(jsonStringSpans('{"to":"a\\nme@example.com"}', redactionRules()), [
 *   { start: 10, end: 24, replacement: "[REDACTED_EMAIL]" },
 * ]);
 * ```
 */
export function jsonStringSpans(text: string, rules: readonly RedactionRule[]): RedactionSpan[] {
  const spans: RedactionSpan[] = [];
  for (const match of text.matchAll(/"(?:[^"\\]|\\.)*"/g)) {
    const literal = match[0];
    let value: string;
    try {
      value = JSON.parse(literal) as string;
    } catch {
      continue; // an escape JSON does not know: not a string literal after all
    }
    const changed = redactText(value, rules);
    if (changed !== value) spans.push(narrowed(match.index, literal, JSON.stringify(changed)));
  }
  return spans;
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
  const redacted = applySpans(line, jsonStringSpans(line, rules));
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
    pattern: new RegExp(escapeRegExp(value), "g"),
    replacement: replacement.replaceAll("$", "$$$$"),
  };
}

/**
 * A rule for a path that matches only as a whole: not after a letter, digit or `_` (so `/x/home`
 * keeps its `/home`), nor before one (so `/home/u` leaves `/home/user2` alone).
 */
function wholePath(path: string, replacement: string): RedactionRule {
  return {
    pattern: new RegExp(`(?<![A-Za-z0-9_])${escapeRegExp(path)}(?![A-Za-z0-9_])`, "g"),
    replacement: replacement.replaceAll("$", "$$$$"),
  };
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * The CLI's project-folder form of a path: every character but `[A-Za-z0-9]` becomes `-`.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { escapePath } from "./redact.ts";
 *
 * strictEqual(escapePath("/tmp/rec_1/work"), "-tmp-rec-1-work");
 * ```
 */
export function escapePath(path: string): string {
  return path.replace(/[^A-Za-z0-9]/g, "-");
}

/** `text` with each span (in order, not overlapping) replaced. */
function applySpans(text: string, spans: readonly RedactionSpan[]): string {
  const parts: string[] = [];
  let at = 0;
  for (const span of spans) {
    parts.push(text.slice(at, span.start), span.replacement);
    at = span.end;
  }
  parts.push(text.slice(at));
  return parts.join("");
}

/** The span at `at` that turns `before` into `after`, trimmed of their common head and tail. */
function narrowed(at: number, before: string, after: string): RedactionSpan {
  const { head, tail } = commonEnds(before, after);
  return {
    start: at + head,
    end: at + before.length - tail,
    replacement: after.slice(head, after.length - tail),
  };
}

/**
 * What `rule` puts in place of its match at `start`..`end` of `text`, `$` patterns filled in by
 * `String.replace` itself: the rule's pattern, made sticky at `start`, replaces that one match.
 */
function replacementAt(text: string, rule: RedactionRule, start: number, end: number): string {
  if (!rule.replacement.includes("$")) return rule.replacement;
  const once = new RegExp(rule.pattern.source, rule.pattern.flags.replace("g", "") + "y");
  once.lastIndex = start;
  const replaced = text.replace(once, rule.replacement);
  return replaced.slice(start, replaced.length - (text.length - end));
}

/**
 * Whether `text` is one JSON document.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert";
 * import { isJson } from "./redact.ts";
 *
 * assert(isJson('{"a":1}') && !isJson("[debug] starting"));
 * ```
 */
export function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
