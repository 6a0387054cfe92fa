/** Mistakes on the command line, and reading flag values: shared by the subcommands. */
import { messageOf } from "../errors/message_of.ts";

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

/**
 * Why `JSON.parse` failed, on one line: its message quotes the start of the text, line breaks
 * and all, and a usage error is one line.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { jsonFailure } from "./_args.ts";
 *
 * let failure = "";
 * try {
 *   JSON.parse("# Notes\n\nNot JSON");
 * } catch (error) {
 *   failure = jsonFailure(error);
 * }
 * strictEqual(failure.includes("\n"), false);
 * ```
 */
export function jsonFailure(error: unknown): string {
  const message = messageOf(error);
  return message.replace(/\s*[\r\n]+\s*/g, " ");
}
