/**
 * Flag tables: one row per flag drives a command's parser, its help lines and the mapping of each
 * value onto the library's options, so a flag is written down once. The parser is claw's own (no
 * `node:` module is loaded before `claw run` has started `claude`).
 */
import { _closest } from "../batch/_closest.ts";
import { jsonFailure, listFlag, numberFlag, UsageError } from "./_args.ts";

/** How a flag's text becomes an option value. */
export type FlagType =
  | "string"
  | "number"
  | "list" // comma-separated ("Read,Bash(git *)")
  | "repeat" // given once per value
  | "boolean"
  | "seconds" // a positive number of seconds, as milliseconds; `none` is Infinity
  | "json"; // a JSON object

/** One flag of a command. */
export interface Flag<Option extends string = string> {
  /** The flag without its dashes: `max-turns`. */
  name: string;
  /** The option it sets. */
  option: Option;
  /** How its text becomes the option's value. */
  type: FlagType;
  /** The placeholder of its value in the help (`N`, `PATH`); none for a boolean. */
  value?: string;
  /** One line of help. */
  help: string;
  /** A one-letter alias. */
  short?: string;
  /**
   * Other spellings of it that are not claw's, such as `claude`'s own (`--output-format`, `-c`):
   * refused, with a message that names this flag.
   */
  spellings?: readonly string[];
}

/** How {@linkcode parseFlags} words its refusals. */
export interface ParseFlagsOptions {
  /** The command as the user typed it (`claw run`), for the messages; `claw` by default. */
  command?: string;
  /**
   * What to say of a spelling that is no flag of the command and has no counterpart in it
   * (`claude`'s `-p`), by spelling: the message is `Unknown option -p: <hint>`.
   */
  hints?: Readonly<Record<string, string>>;
}

/** What {@linkcode parseFlags} read: each given flag's text by name, and the other arguments. */
export interface ParsedFlags {
  /** Text for a value flag, `true` for a boolean one, every text for a repeated one. */
  values: Record<string, string | boolean | string[]>;
  /** The arguments that are not flags, in order (everything after `--` among them). */
  positionals: string[];
  /** How many of the positionals came after `--`: they are its last ones. */
  afterDashes: number;
}

/**
 * Parses `args` against `flags`: `--name value`, `--name=value`, `-x value`, booleans as `--name`;
 * a flag given twice keeps the last value, unless it is a repeated one; `--` ends the flags; `-`
 * alone is an argument. An unknown flag, a missing value, or a value for a boolean is a
 * {@linkcode UsageError}. A value that starts with `-` must be joined with `=`, so a forgotten
 * value never swallows the next flag. An unknown flag's message says what to use instead: the
 * hint given for it, the flag that lists it among its {@linkcode Flag.spellings}, or the flag it
 * is an obvious typo of.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { parseFlags } from "./_flags.ts";
 *
 * const flags = [
 *   { name: "model", option: "model", type: "string", help: "" },
 *   { name: "partial", option: "partial", type: "boolean", help: "" },
 * ] as const;
 * deepStrictEqual(parseFlags(["--model=opus", "hi", "--partial", "--", "--not-a-flag"], flags), {
 *   values: { model: "opus", partial: true },
 *   positionals: ["hi", "--not-a-flag"],
 *   afterDashes: 1,
 * });
 * ```
 */
export function parseFlags(
  args: readonly string[],
  flags: readonly Flag[],
  options: ParseFlagsOptions = {},
): ParsedFlags {
  const values: ParsedFlags["values"] = {};
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") {
      const rest = args.slice(i + 1);
      positionals.push(...rest);
      return { values, positionals, afterDashes: rest.length };
    }
    if (!arg.startsWith("-") || arg === "-") {
      positionals.push(arg);
      continue;
    }
    const long = arg.startsWith("--");
    const equals = arg.indexOf("=");
    const name = long ? arg.slice(2, equals === -1 ? undefined : equals) : arg.slice(1, 2);
    const flag = flags.find((f) => long ? f.name === name : f.short === name);
    if (!flag || (!long && arg.length > 2 && equals === -1)) {
      throw new UsageError(unknownOption(long ? `--${name}` : arg, flags, options));
    }
    const shown = long ? `--${flag.name}` : `-${flag.short}`;
    if (flag.type === "boolean") {
      if (equals !== -1) throw new UsageError(`Option '${shown}' takes no value`);
      values[flag.name] = true;
      continue;
    }
    let value: string;
    if (equals !== -1) {
      value = arg.slice(equals + 1);
    } else {
      const next = args[i + 1];
      if (next === undefined || (next.startsWith("-") && next !== "-")) {
        throw new UsageError(
          `Option '${shown} ${flag.value ?? "VALUE"}' needs a value${
            next === undefined ? "" : `: write ${shown}=${next} if "${next}" is the value`
          }`,
        );
      }
      value = next;
      i++;
    }
    if (flag.type === "repeat") {
      const list = values[flag.name];
      values[flag.name] = Array.isArray(list) ? [...list, value] : [value];
    } else {
      values[flag.name] = value;
    }
  }
  return { values, positionals, afterDashes: 0 };
}

/**
 * The message for `spelling`, no flag of `flags`: what to use instead, when that is known.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { unknownOption } from "./_flags.ts";
 *
 * const flags = [
 *   { name: "model", option: "model", type: "string", help: "", spellings: ["-m"] },
 * ] as const;
 * strictEqual(unknownOption("--modle", flags), "Unknown option --modle: did you mean --model?");
 * strictEqual(
 *   unknownOption("-m", flags, { command: "claw run" }),
 *   "Unknown option -m: claw run calls it --model",
 * );
 * ```
 */
export function unknownOption(
  spelling: string,
  flags: readonly Flag[],
  options: ParseFlagsOptions = {},
): string {
  const unknown = `Unknown option ${spelling}`;
  const hint = options.hints && Object.hasOwn(options.hints, spelling)
    ? options.hints[spelling]
    : undefined;
  if (hint !== undefined) return `${unknown}: ${hint}`;
  const named = flags.find((flag) => flag.spellings?.includes(spelling));
  if (named) return `${unknown}: ${options.command ?? "claw"} calls it --${named.name}`;
  if (!spelling.startsWith("--")) return unknown;
  const meant = _closest(spelling.slice(2), flags.map((flag) => flag.name));
  return meant === undefined ? unknown : `${unknown}: did you mean --${meant}?`;
}

/**
 * The options that parsed `values` set, by each flag's option name. A value that cannot be read
 * as its type is a {@linkcode UsageError} naming the flag.
 */
export function flagValues(
  flags: readonly Flag[],
  values: ParsedFlags["values"],
): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  for (const flag of flags) {
    const value = values[flag.name];
    if (value === undefined) continue;
    options[flag.option] = convert(flag, value);
  }
  return options;
}

function convert(flag: Flag, value: string | boolean | string[]): unknown {
  const text = String(value);
  switch (flag.type) {
    case "boolean":
      return value === true;
    case "repeat":
      return value;
    case "number":
      return numberFlag(flag.name, text);
    case "list":
      return listFlag(text);
    case "seconds": {
      if (text === "none") return Infinity;
      const seconds = Number(text);
      if (text.trim() === "" || !(Number.isFinite(seconds) && seconds > 0)) {
        throw new UsageError(
          `Invalid --${flag.name} "${text}": it must be a positive number of seconds, or none`,
        );
      }
      return seconds * 1000;
    }
    case "json": {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (error) {
        throw new UsageError(
          `Invalid --${flag.name}: it must be JSON (${jsonFailure(error)})`,
        );
      }
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
        throw new UsageError(`Invalid --${flag.name}: it must be a JSON object`);
      }
      return parsed;
    }
    case "string":
      return text;
  }
}

/** The flag that sets `option`, as the user types it (`--max-turns`), if one does. */
export function flagFor(flags: readonly Flag[], option: string): string | undefined {
  const flag = flags.find((flag) => flag.option === option);
  return flag && `--${flag.name}`;
}

/** Help lines for `flags`, aligned: `  --max-turns N   Stop after N turns`. */
export function flagHelp(flags: readonly Flag[]): string {
  const left = flags.map((flag) =>
    `${flag.short ? `-${flag.short}, ` : ""}--${flag.name}${flag.value ? ` ${flag.value}` : ""}`
  );
  const width = Math.max(...left.map((text) => text.length)) + 2;
  return flags.map((flag, i) => `  ${left[i]!.padEnd(width)}${flag.help}`).join("\n");
}
