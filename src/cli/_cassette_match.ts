/**
 * `claw cassette match FILE …`: edits how a cassette matches (its header's `match` and `times`),
 * checked against the cassette's own recording before it is written.
 *
 * @module
 */
import { type CassetteHeader, parseCassette } from "../cassette/cassette.ts";
import {
  argvRefusal,
  describePattern,
  type MatchRules,
  matchRulesProblem,
  type Pattern,
  stdinChecks,
} from "../cassette/matchers.ts";
import { describeTimes, type Times, timesProblem } from "../cassette/times.ts";
import { messageOf } from "../errors/message_of.ts";
import { writeAtomic } from "../process/write_atomic.ts";
import { UsageError } from "./_args.ts";
import { type Flag, parseFlags } from "./_flags.ts";
import { checkInputFile } from "./_paths.ts";

const FLAGS: readonly Flag[] = [
  { name: "ignore", option: "ignore", type: "repeat", value: "FLAG", help: "" },
  { name: "prompt-regex", option: "promptRegex", type: "string", value: "RE", help: "" },
  { name: "prompt-glob", option: "promptGlob", type: "string", value: "PAT", help: "" },
  { name: "flag-regex", option: "flagRegex", type: "repeat", value: "FLAG=RE", help: "" },
  { name: "flag-glob", option: "flagGlob", type: "repeat", value: "FLAG=PAT", help: "" },
  { name: "stdin-regex", option: "stdinRegex", type: "repeat", value: "N=RE", help: "" },
  { name: "stdin-glob", option: "stdinGlob", type: "repeat", value: "N=PAT", help: "" },
  { name: "times", option: "times", type: "string", value: "N", help: "" },
  { name: "at-least", option: "atLeast", type: "string", value: "N", help: "" },
  { name: "at-most", option: "atMost", type: "string", value: "N", help: "" },
  { name: "clear", option: "clear", type: "boolean", help: "" },
  { name: "json", option: "json", type: "boolean", help: "" },
];

/**
 * Runs `claw cassette match` with `args`; exit 0 when the header was written (or printed).
 *
 * @example
 * ```ts
 * import { rejects } from "node:assert";
 * import { runMatchCommand } from "./_cassette_match.ts";
 *
 * await rejects(runMatchCommand([]), /^UsageError: Missing FILE/);
 * ```
 */
export async function runMatchCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(ignoredFlagsJoined(args), FLAGS, {
    command: "claw cassette match",
  });
  const [path, ...extra] = positionals;
  if (path === undefined) throw new UsageError("Missing FILE: name the cassette to edit");
  if (extra.length) throw new UsageError(`Unexpected argument "${extra[0]}": edit one cassette`);
  await checkInputFile("", path, "a cassette (claw record -o FILE writes one)");
  // Read once: parsed for the checks, and kept to write every record back byte for byte.
  const text = await Deno.readTextFile(path);
  let cassette;
  try {
    cassette = parseCassette(text, path);
  } catch (error) {
    throw new UsageError(messageOf(error), { cause: error });
  }
  const header: CassetteHeader = { ...cassette.header };
  if (values.clear === true) {
    delete header.match;
    delete header.times;
  }
  const rules = mergedRules(header.match ?? {}, values);
  const problem = matchRulesProblem(rules);
  if (problem) throw new UsageError(`Invalid rule: ${problem}`);
  if (Object.keys(rules).length > 0) header.match = rules;
  else delete header.match;
  const times = timesOf(values);
  if (times !== undefined) header.times = times;

  // Rules that refuse the cassette's own run would make it answer nothing.
  const own = argvRefusal(cassette.header.argv, header) ??
    ownStdinRefusal(header, cassette.records);
  if (own) {
    throw new UsageError(
      `These rules refuse the cassette's own recorded run (${own}): write a pattern that matches it too`,
    );
  }
  const edited = JSON.stringify(header) !== JSON.stringify(cassette.header);
  if (edited) {
    // Only the header line changes.
    await writeAtomic(path, `${JSON.stringify(header)}${text.slice(text.indexOf("\n"))}`);
  }
  if (values.json === true) {
    console.log(JSON.stringify({ path, match: header.match ?? null, times: header.times ?? null }));
  } else {
    console.error(`${path}: ${edited ? "now matches" : "matches"} ${describeRules(header)}`);
  }
  return 0;
}

/**
 * `--ignore --model` as `--ignore=--model`: the value of `--ignore` is a flag, which the parser
 * would otherwise take for the next option.
 */
function ignoredFlagsJoined(args: readonly string[]): string[] {
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const next = args[i + 1];
    if (args[i] === "--ignore" && next?.startsWith("-") && next !== "--") {
      joined.push(`--ignore=${next}`);
      i++;
    } else joined.push(args[i]!);
  }
  return joined;
}

function mergedRules(rules: MatchRules, values: Record<string, unknown>): MatchRules {
  const merged: MatchRules = structuredClone(rules);
  const list = (name: string) => (values[name] as string[] | undefined) ?? [];
  // `--ignore model` names `--model` too.
  const ignored = list("ignore").map((flag) => flag.startsWith("-") ? flag : `--${flag}`);
  if (ignored.length) {
    merged.ignore = [...new Set([...merged.ignore ?? [], ...ignored])];
  }
  const regex = values["prompt-regex"] as string | undefined;
  const glob = values["prompt-glob"] as string | undefined;
  if (regex !== undefined && glob !== undefined) {
    throw new UsageError("Pass --prompt-regex or --prompt-glob, not both");
  }
  if (regex !== undefined) merged.prompt = { regex };
  if (glob !== undefined) merged.prompt = { glob };
  for (
    const [flag, table, kind] of [
      ["flag-regex", "flags", "regex"],
      ["flag-glob", "flags", "glob"],
      ["stdin-regex", "stdin", "regex"],
      ["stdin-glob", "stdin", "glob"],
    ] as const
  ) {
    for (const item of list(flag)) {
      const equals = item.indexOf("=");
      if (equals < 1) {
        throw new UsageError(
          `Invalid --${flag} "${item}": write ${table === "flags" ? "FLAG" : "N"}=PATTERN`,
        );
      }
      const pattern = { [kind]: item.slice(equals + 1) } as Pattern;
      merged[table] = { ...merged[table], [item.slice(0, equals)]: pattern };
    }
  }
  return merged;
}

function timesOf(values: Record<string, unknown>): Times | undefined {
  const count = (name: string) => {
    const text = values[name] as string | undefined;
    if (text === undefined) return undefined;
    if (!/^\d+$/.test(text)) {
      throw new UsageError(`Invalid --${name} "${text}": it must be a whole number`);
    }
    return Number(text);
  };
  const exactly = count("times");
  const atLeast = count("at-least");
  const atMost = count("at-most");
  if (exactly !== undefined && (atLeast !== undefined || atMost !== undefined)) {
    throw new UsageError("Pass --times, or --at-least and --at-most, not both");
  }
  const times: Times | undefined = exactly ??
    (atLeast === undefined && atMost === undefined ? undefined : {
      ...(atLeast === undefined ? {} : { at_least: atLeast }),
      ...(atMost === undefined ? {} : { at_most: atMost }),
    });
  const problem = times === undefined ? undefined : timesProblem(times);
  if (problem) throw new UsageError(`Invalid times: ${problem}`);
  return times;
}

function ownStdinRefusal(
  header: CassetteHeader,
  records: Parameters<typeof stdinChecks>[1],
): string | undefined {
  for (const [index, check] of stdinChecks(header, records)) {
    const refusal = check((records[index] as { stdin: string }).stdin);
    if (refusal) return refusal;
  }
  return undefined;
}

function describeRules(header: CassetteHeader): string {
  const rules = header.match ?? {};
  const parts = [
    rules.ignore?.length ? `ignoring ${rules.ignore.join(", ")}` : "",
    rules.prompt ? `the prompt by ${describePattern(rules.prompt)}` : "",
    ...Object.entries(rules.flags ?? {}).map(([flag, p]) => `${flag} by ${describePattern(p)}`),
    ...Object.entries(rules.stdin ?? {}).map(([n, p]) =>
      `stdin line ${n} by ${describePattern(p)}`
    ),
    header.times === undefined ? "" : `for ${describeTimes(header.times)}`,
  ].filter(Boolean);
  return parts.length ? parts.join("; ") : "its exact canonical argv and stdin (no rules)";
}
