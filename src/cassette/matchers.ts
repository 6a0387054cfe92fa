/**
 * How a cassette matches a run when its exact arguments are not the point: rules kept as data in
 * the cassette header (`match`), so in-process replay and the fake `claude` honour the same ones.
 *
 * ```json
 * "match": {
 *   "ignore": ["--session-id", "--model"],
 *   "prompt": { "regex": "What happened on \\d{4}-\\d{2}-\\d{2}\\?" },
 *   "flags": { "--append-system-prompt": { "glob": "Today is *" } },
 *   "stdin": { "3": { "glob": "*" } }
 * }
 * ```
 *
 * - `ignore`: flags whose values (and whether they are there at all) do not count.
 * - `prompt`: a pattern for the prompt, whichever way the run gave it: its positional arguments
 *   (joined by a space), or the text of the first user message on stdin.
 * - `flags`: a pattern for each value of a flag (in its long spelling, as the canonical argv has
 *   it: `--append-system-prompt`, not a short alias); the run must give the flag as many times as
 *   the recording did.
 * - `stdin`: a pattern for the whole recorded stdin line with that number (1-based).
 *
 * A pattern is `{ "glob": "…" }` (`*` any run of characters, `?` one character) or
 * `{ "regex": "…" }` (JavaScript syntax). Either must match the whole text. Everything the rules
 * do not name still matches as before: the canonical argv (see `request.ts`), every other stdin line.
 *
 * @module
 */
import { parseArgv, type ParsedArgv } from "./canonical_argv.ts";
import { FLAG_BY_SPELLING } from "./_claude_flags.ts";
import type { CassetteHeader, CassetteRecord } from "./cassette.ts";
import { inputText } from "./run_input.ts";
import { isObject, parseObject } from "./_json_object.ts";

/** A wildcard (`*`, `?`) or a regular expression that must match a whole text. */
export type Pattern = { glob: string } | { regex: string };

/** The rules a cassette matches by, beyond its canonical argv (see the module doc). */
export interface MatchRules {
  /** Flags whose values do not count, nor whether the run gives them. */
  ignore?: string[];
  /** A pattern for the prompt: the positional arguments, or the first user message on stdin. */
  prompt?: Pattern;
  /** A pattern for every value of a flag, by the flag's long name. */
  flags?: Record<string, Pattern>;
  /** A pattern for a recorded stdin line, by its number (1-based). */
  stdin?: Record<string, Pattern>;
}

/** What a run's request looks like to a matcher. */
export interface MatchRequest {
  /** The arguments after the executable, redacted (`$HOME`, `$CWD`, … for the run's places). */
  argv: readonly string[];
}

/**
 * Whether the cassette whose header is `cassette` answers a run with `request`'s arguments: its
 * canonical argv with the header's {@linkcode MatchRules} applied. The stdin rules (and a prompt
 * that comes on stdin) are the replay's to check, line by line. Pass your own function of this
 * shape as the `match` option of `cassetteSpawner` to decide otherwise; it may call this one.
 *
 * @example A cassette whose prompt carries a date answers any date
 * ```ts
 * import { ok as assert } from "node:assert";
 * import { cassetteHeader } from "./cassette.ts";
 * import { match } from "./matchers.ts";
 *
 * const header = await cassetteHeader(["-p", "What happened on 2026-12-07?"]);
 * header.match = { prompt: { regex: "What happened on \\d{4}-\\d{2}-\\d{2}\\?" } };
 * assert(match({ argv: ["-p", "What happened on 2027-01-31?"] }, header));
 * assert(!match({ argv: ["-p", "What happened yesterday?"] }, header));
 * ```
 */
export function match(request: MatchRequest, cassette: CassetteHeader): boolean {
  return argvRefusal(request.argv, cassette) === undefined;
}

/**
 * Why a cassette with `header` does not answer a run with `argv`, naming the rule that refused
 * it; `undefined` when it does.
 */
export function argvRefusal(argv: readonly string[], header: CassetteHeader): string | undefined {
  const rules = header.match ?? {};
  const recorded = parseArgv(header.argv);
  const run = parseArgv(argv);
  for (const [flag, pattern] of Object.entries(rules.flags ?? {})) {
    const want = valuesOf(recorded, flag).length;
    const values = valuesOf(run, flag);
    if (values.length !== want) {
      return `${flag}: recorded ${want} value(s), this run ${values.length} (the flags rule for ${flag})`;
    }
    const refused = values.find((value) => !patternMatches(pattern, value));
    if (refused !== undefined) {
      return `${flag}: ${describePattern(pattern)} refuses ${
        show(refused)
      } (the flags rule for ${flag})`;
    }
  }
  if (rules.prompt && run.operands.length > 0) {
    const prompt = run.operands.join(" ");
    if (!patternMatches(rules.prompt, prompt)) {
      return `the prompt: ${describePattern(rules.prompt)} refuses ${
        show(prompt)
      } (the prompt rule)`;
    }
  }
  const skip = new Set([...rules.ignore ?? [], ...Object.keys(rules.flags ?? {})].map(longName));
  // The canonical argv (see canonical_argv.ts) without what the rules took care of.
  const left = ({ options, operands, unparsed }: ParsedArgv) => {
    const kept = options.filter((option) => !skip.has(option.split("=", 1)[0]!));
    const prompt = rules.prompt && operands.length > 0 ? ["$PROMPT"] : operands;
    if (unparsed.length > 0) return [...prompt, ...kept, ...unparsed];
    return prompt.length > 0 ? [...kept, "--", ...prompt] : kept;
  };
  const a = left(recorded);
  const b = left(run);
  const at = a.findIndex((arg, i) => arg !== b[i]);
  if (at === -1 && a.length === b.length) return undefined;
  const index = at === -1 ? a.length : at;
  const ruled = rules.ignore?.length ? ` (with ${rules.ignore.join(", ")} ignored)` : "";
  return `argv[${index}]: recorded ${showArg(a[index])}, this run ${showArg(b[index])}${ruled}`;
}

/**
 * The checks a replay makes of the recorded stdin lines the header's rules name: for each record
 * index (into `records`), a function of the live line (redacted) that says why the rule refuses
 * it, or `undefined`. A prompt rule names the first `user` line of a stream-json run (or the first
 * stdin line of a run whose prompt was piped in) when the recorded run had no prompt on argv.
 */
export function stdinChecks(
  header: CassetteHeader,
  records: readonly CassetteRecord[],
): Map<number, (live: string) => string | undefined> {
  const checks = new Map<number, (live: string) => string | undefined>();
  const rules = header.match;
  if (!rules?.stdin && !rules?.prompt) return checks;
  const stdinAt = records.flatMap((record, index) => "stdin" in record ? [index] : []);
  const line = (index: number) => (records[index] as { stdin: string }).stdin;
  for (const [number, pattern] of Object.entries(rules.stdin ?? {})) {
    const index = stdinAt[Number(number) - 1];
    if (index === undefined) continue;
    checks.set(
      index,
      (live) =>
        patternMatches(pattern, live)
          ? undefined
          : `${describePattern(pattern)} refuses ${show(live)} (the stdin rule for line ${number})`,
    );
  }
  const prompt = rules.prompt;
  const { operands, options } = parseArgv(header.argv);
  if (prompt && operands.length === 0) {
    const stream = options.includes("--input-format=stream-json");
    const first = stdinAt.find((index) => !stream || isUser(line(index)));
    if (first !== undefined && !checks.has(first)) {
      checks.set(first, (live) => {
        const text = stream ? userText(live) : live;
        if (text === undefined) return `recorded the first user message, this run ${show(live)}`;
        return patternMatches(prompt, text)
          ? undefined
          : `the prompt: ${describePattern(prompt)} refuses ${show(text)} (the prompt rule)`;
      });
    }
  }
  return checks;
}

/**
 * Checks rules read from a header or given on the command line: a list of flag names, patterns of
 * one kind with a string, regular expressions that compile, stdin line numbers from 1. Returns
 * what is wrong, in words, or `undefined`.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { matchRulesProblem } from "./matchers.ts";
 *
 * strictEqual(matchRulesProblem({ prompt: { regex: "(" } })?.startsWith("prompt: the regex"), true);
 * strictEqual(matchRulesProblem({ ignore: ["--model"] }), undefined);
 * ```
 */
export function matchRulesProblem(value: unknown): string | undefined {
  if (!isObject(value)) return "it is not an object";
  const known = ["ignore", "prompt", "flags", "stdin"];
  const unknown = Object.keys(value).find((key) => !known.includes(key));
  if (unknown) return `"${unknown}" is not a rule (use ${known.join(", ")})`;
  if (
    value.ignore !== undefined &&
    !(Array.isArray(value.ignore) && value.ignore.every((flag) => isFlagName(flag)))
  ) {
    return 'ignore: it must be a list of flag names such as "--model"';
  }
  if (value.prompt !== undefined) {
    const problem = patternProblem(value.prompt);
    if (problem) return `prompt: ${problem}`;
  }
  for (const [name, table] of [["flags", value.flags], ["stdin", value.stdin]] as const) {
    if (table === undefined) continue;
    if (!isObject(table)) return `${name}: it must be an object of patterns`;
    for (const [key, pattern] of Object.entries(table)) {
      if (name === "flags" && !isFlagName(key)) return `flags: "${key}" is not a flag name`;
      if (name === "stdin" && !/^[1-9]\d*$/.test(key)) {
        return `stdin: "${key}" is not a line number (1, 2, …)`;
      }
      const problem = patternProblem(pattern);
      if (problem) return `${name}.${key}: ${problem}`;
    }
  }
  return undefined;
}

/**
 * Whether `pattern` matches the whole of `text`.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert";
 * import { patternMatches } from "./matchers.ts";
 *
 * assert(patternMatches({ glob: "Today is *" }, "Today is Monday"));
 * assert(!patternMatches({ regex: "\\d+" }, "12a"));
 * ```
 */
export function patternMatches(pattern: Pattern, text: string): boolean {
  return compiled(pattern).test(text);
}

const COMPILED = new Map<string, RegExp>();

function compiled(pattern: Pattern): RegExp {
  const source = "regex" in pattern
    ? pattern.regex
    : pattern.glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replaceAll("*", "[^]*")
      .replaceAll("?", "[^]");
  let regex = COMPILED.get(source);
  if (!regex) {
    regex = new RegExp(`^(?:${source})$`);
    COMPILED.set(source, regex);
  }
  return regex;
}

function patternProblem(pattern: unknown): string | undefined {
  if (!isObject(pattern)) return 'a pattern is {"glob": "…"} or {"regex": "…"}';
  const keys = Object.keys(pattern);
  const kind = keys[0];
  if (keys.length !== 1 || (kind !== "glob" && kind !== "regex")) {
    return 'a pattern is {"glob": "…"} or {"regex": "…"}';
  }
  if (typeof pattern[kind] !== "string") return `the ${kind} must be a string`;
  try {
    compiled(pattern as Pattern);
  } catch (error) {
    return `the regex ${show(pattern[kind] as string)} does not compile (${
      (error as Error).message
    })`;
  }
  return undefined;
}

/** A pattern in words, for messages: `regex "…"` or `glob "…"`. */
export function describePattern(pattern: Pattern): string {
  return "regex" in pattern ? `regex ${show(pattern.regex)}` : `glob ${show(pattern.glob)}`;
}

/** A flag's canonical long name (`-m` → `--model`); an unknown flag stays as given. */
function longName(flag: string): string {
  return FLAG_BY_SPELLING.get(flag)?.name ?? flag;
}

function valuesOf(parsed: ParsedArgv, flag: string): string[] {
  const name = longName(flag);
  return parsed.options.flatMap((option) => {
    const equals = option.indexOf("=");
    const flagName = equals === -1 ? option : option.slice(0, equals);
    return flagName === name ? [equals === -1 ? "" : option.slice(equals + 1)] : [];
  });
}

function isUser(line: string): boolean {
  return userText(line) !== undefined;
}

function userText(line: string): string | undefined {
  const value = parseObject(line);
  return value?.type === "user" ? inputText(JSON.stringify(value.message ?? null)) : undefined;
}

function isFlagName(value: unknown): value is string {
  return typeof value === "string" && /^--?[A-Za-z]/.test(value);
}

function show(text: string): string {
  return JSON.stringify(text.length > 120 ? `${text.slice(0, 117)}...` : text);
}

function showArg(arg: string | undefined): string {
  return arg === undefined ? "(nothing)" : show(arg);
}
