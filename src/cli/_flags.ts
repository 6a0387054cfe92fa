/**
 * Flag tables: one row per flag drives a command's parser, its help lines and the mapping of each
 * value onto the library's options, so a flag is written down once.
 */
import type { ParseArgsConfig } from "node:util";
import { listFlag, numberFlag, UsageError } from "./_args.ts";

/** How a flag's text becomes an option value. */
export type FlagType =
  | "string"
  | "number"
  | "list" // comma-separated ("Read,Bash(git *)")
  | "repeat" // given once per value
  | "boolean"
  | "seconds" // a positive number of seconds, as milliseconds
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
}

type ParseOptions = NonNullable<ParseArgsConfig["options"]>;

/** The `node:util` parseArgs options for `flags`. */
export function parseConfig(flags: readonly Flag[]): ParseOptions {
  const config: ParseOptions = {};
  for (const flag of flags) {
    config[flag.name] = {
      type: flag.type === "boolean" ? "boolean" : "string",
      ...(flag.type === "repeat" ? { multiple: true } : {}),
      ...(flag.short ? { short: flag.short } : {}),
    };
  }
  return config;
}

/**
 * The options that parsed `values` set, by each flag's option name. A value that cannot be read
 * as its type is a {@linkcode UsageError} naming the flag.
 */
export function flagValues(
  flags: readonly Flag[],
  values: Record<string, string | boolean | (string | boolean)[] | undefined>,
): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  for (const flag of flags) {
    const value = values[flag.name];
    if (value === undefined) continue;
    options[flag.option] = convert(flag, value);
  }
  return options;
}

function convert(flag: Flag, value: string | boolean | (string | boolean)[]): unknown {
  const text = String(value);
  switch (flag.type) {
    case "boolean":
      return value === true;
    case "repeat":
      return (value as string[]).map(String);
    case "number":
      return numberFlag(flag.name, text);
    case "list":
      return listFlag(text);
    case "seconds": {
      const seconds = numberFlag(flag.name, text)!;
      if (!(seconds > 0)) {
        throw new UsageError(
          `Invalid --${flag.name} "${text}": it must be a positive number of seconds`,
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
          `Invalid --${flag.name}: it must be JSON (${(error as Error).message})`,
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
