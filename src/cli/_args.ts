/** Argument parsing for subcommands: `node:util` parseArgs, with mistakes turned into usage errors. */
import { dirname, join, resolve } from "node:path";
import { parseArgs, type ParseArgsConfig } from "node:util";

/** A mistake on the command line: `main.ts` prints it with the command's help and exits 2. */
export class UsageError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "UsageError";
  }
}

type Options = NonNullable<ParseArgsConfig["options"]>;

/** Parses `args` against `options`; unknown flags and bad values throw {@linkcode UsageError}. */
export function parseFlags<T extends Options>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new UsageError(message.replace(/\. To specify a positional.*$/s, ""), { cause: error });
  }
}

/** Parses a flag value as a number; a bad one is a {@linkcode UsageError} naming the flag. */
export function numberFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (value.trim() === "" || !Number.isFinite(number)) {
    throw new UsageError(`Invalid --${name} "${value}": it must be a number`);
  }
  return number;
}

/** Splits a comma- or space-separated list flag (`--allowed-tools "Read,Bash(git *)"`). */
export function listFlag(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return value.split(/,(?![^(]*\))/).map((item) => item.trim()).filter((item) => item !== "");
}

/**
 * Checks that a file can be written at `path` (creating its folder), so a command fails before it
 * starts anything rather than after; a {@linkcode UsageError} naming `flag` otherwise.
 */
export async function assertWritable(flag: string, path: string): Promise<void> {
  const folder = dirname(resolve(path));
  const probe = join(folder, `.claw-write-check-${crypto.randomUUID()}`);
  try {
    await Deno.mkdir(folder, { recursive: true });
    await Deno.writeTextFile(probe, "");
    await Deno.remove(probe);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new UsageError(`Cannot write ${flag} "${path}": ${reason}: pass a writable path`);
  }
}
