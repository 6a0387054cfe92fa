/** Mistakes on the command line, and reading flag values: shared by the subcommands. */

/** A mistake on the command line: `main.ts` prints it with the command's help and exits 2. */
export class UsageError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "UsageError";
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
