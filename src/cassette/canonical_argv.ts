/**
 * The canonical form of a `claude` argv: one spelling for the argvs the CLI reads the same way,
 * so that a run matches its cassette however its flags were written. The rules, and why each is
 * safe, are listed in `request.ts`, where the matching key is made.
 *
 * @module
 */
import { type ClaudeFlag, FLAG_BY_SPELLING } from "./_claude_flags.ts";

/** An argv taken apart the way the CLI parses it. */
export interface ParsedArgv {
  /**
   * The known flags, each as `--name` or `--name=value` (one element per value), sorted by flag
   * name; a flag given more than once keeps the order of its occurrences.
   */
  options: string[];
  /** The positional arguments (the prompt), in order. */
  operands: string[];
  /** The first unknown flag (or a value flag missing its value) and everything after it, as given. */
  unparsed: string[];
}

/** Whether the CLI's parser (commander) could take `arg` for a flag. */
function maybeFlag(arg: string): boolean {
  return arg.length > 1 && arg[0] === "-";
}

/**
 * Where a flag sorts: by its name, except that `--no-x` sorts as `--x` when the CLI has both,
 * since the last of the two wins and their order must be kept.
 */
function sortName(name: string): string {
  const positive = name.startsWith("--no-") ? `--${name.slice(5)}` : undefined;
  return positive && FLAG_BY_SPELLING.has(positive) ? positive : name;
}

/**
 * Takes `argv` apart as the CLI's parser does, with the flags of the pinned CLIs.
 *
 * @example A value given with a space or with `=`, and the prompt before the flags
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { parseArgv } from "./canonical_argv.ts";
 *
 * deepStrictEqual(parseArgv(["Say hi", "--output-format", "json", "-p"]), {
 *   options: ["--output-format=json", "--print"],
 *   operands: ["Say hi"],
 *   unparsed: [],
 * });
 * ```
 */
export function parseArgv(argv: readonly string[]): ParsedArgv {
  const options: { sort: string; text: string }[] = [];
  const operands: string[] = [];
  let unparsed: string[] = [];
  const add = (flag: ClaudeFlag, value?: string) =>
    options.push({
      sort: sortName(flag.name),
      text: value === undefined ? flag.name : `${flag.name}=${value}`,
    });
  const args = [...argv];
  let variadic: ClaudeFlag | undefined;
  while (args.length > 0) {
    const arg = args.shift()!;
    if (arg === "--") {
      operands.push(...args);
      break;
    }
    if (variadic && !maybeFlag(arg)) {
      add(variadic, arg);
      continue;
    }
    variadic = undefined;
    if (!maybeFlag(arg)) {
      operands.push(arg);
      continue;
    }
    const flag = FLAG_BY_SPELLING.get(arg);
    if (flag) {
      if (flag.arity === "boolean") add(flag);
      else if (flag.arity === "optional") {
        add(flag, args.length > 0 && !maybeFlag(args[0]!) ? args.shift() : undefined);
      } else if (args.length > 0) {
        add(flag, args.shift());
        if (flag.arity === "variadic") variadic = flag;
      } else {
        unparsed = [arg]; // no value left: the CLI refuses it; kept as given
        break;
      }
      continue;
    }
    // Short flags run together: `-pc` is `-p -c`, `-rID` is `-r ID`.
    const short = arg[1] !== "-" ? FLAG_BY_SPELLING.get(arg.slice(0, 2)) : undefined;
    if (short) {
      if (short.arity === "boolean") {
        add(short);
        args.unshift(`-${arg.slice(2)}`);
      } else add(short, arg.slice(2));
      continue;
    }
    const equals = arg.indexOf("=");
    const named = arg.startsWith("--") && equals > 2
      ? FLAG_BY_SPELLING.get(arg.slice(0, equals))
      : undefined;
    if (named && named.arity !== "boolean") {
      add(named, arg.slice(equals + 1));
      continue;
    }
    unparsed = [arg, ...args];
    break;
  }
  const sorted = options.map((option, index) => ({ ...option, index })).sort((a, b) =>
    a.sort < b.sort ? -1 : a.sort > b.sort ? 1 : a.index - b.index
  );
  return { options: sorted.map((option) => option.text), operands, unparsed };
}

/**
 * The canonical form of `argv`: the known flags in {@linkcode parseArgv}'s form, then `--` and
 * the positional arguments (no `--` when there are none). When an unknown flag was met, the
 * positional arguments before it come first, then the known flags, then the unknown flag and
 * everything after it as given. Canonicalising a canonical form changes nothing.
 *
 * @example Two spellings of the README's recording and of `claw run`'s argv
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { canonicalArgv } from "./canonical_argv.ts";
 *
 * const recorded = canonicalArgv(["-p", "--output-format", "stream-json", "--verbose", "Say hello"]);
 * const run = canonicalArgv(["-p", "--output-format=stream-json", "--verbose", "--", "Say hello"]);
 * deepStrictEqual(recorded, ["--output-format=stream-json", "--print", "--verbose", "--", "Say hello"]);
 * deepStrictEqual(run, recorded);
 * ```
 */
export function canonicalArgv(argv: readonly string[]): string[] {
  const { options, operands, unparsed } = parseArgv(argv);
  if (unparsed.length > 0) return [...operands, ...options, ...unparsed];
  return operands.length > 0 ? [...options, "--", ...operands] : options;
}
