/**
 * The usage forms of a command's help (its `Usage:` block, one form per `claw …` line): what a
 * usage error shows under its message instead of the whole help, and the subcommands that
 * `claw help COMMAND SUBCOMMAND` accepts.
 *
 * @module
 */

/**
 * The forms of the `Usage:` block that opens `help`, each as it is printed (a form that wraps
 * keeps its next lines), without the `Usage:` and the indentation before it.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { usageForms } from "./_usage.ts";
 *
 * const help = "Usage: claw auth status [--json]\n       claw auth logout [--all]\n\nMore.";
 * deepStrictEqual(usageForms(help), ["claw auth status [--json]", "claw auth logout [--all]"]);
 * ```
 */
export function usageForms(help: string): string[] {
  const block = help.split(/\n\s*\n/, 1)[0]!.replace(/^Usage:/, "      ");
  const forms: string[] = [];
  for (const line of block.split("\n")) {
    if (/\bclaw /.test(line) || forms.length === 0) forms.push(line.trim());
    else forms[forms.length - 1] += `\n${line}`; // a form that wraps
  }
  return forms;
}

/**
 * The subcommands the usage of `command` names (the words after `claw COMMAND`, `a|b` giving
 * two), in order; none for a command without subcommands.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { subcommands } from "./_usage.ts";
 *
 * const help = "Usage: claw session list [--all]\n       claw session new|continue [options]\n";
 * deepStrictEqual(subcommands(help, "session"), ["list", "new", "continue"]);
 * deepStrictEqual(subcommands("Usage: claw run [options] PROMPT\n", "run"), []);
 * ```
 */
export function subcommands(help: string, command: string): string[] {
  return [...new Set(usageForms(help).flatMap((form) => formSubcommands(form, command)))];
}

/** The subcommands one usage form names: the word after `claw COMMAND` (`a|b` giving two). */
function formSubcommands(form: string, command: string): string[] {
  const words = form.split(/\s+/);
  const at = words.indexOf(command, words.indexOf("claw"));
  const next = at === -1 ? undefined : words[at + 1];
  return next !== undefined && /^[a-z][a-z-]*(\|[a-z][a-z-]*)*$/.test(next) ? next.split("|") : [];
}

/**
 * The usage form that fits `args` (what followed the command's name): the form of the
 * subcommand given, else the first, with `Usage: ` before it.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { usageFor } from "./_usage.ts";
 *
 * const help = "Usage: claw auth status [--json]\n       claw auth logout [--all]\n\nMore.";
 * strictEqual(usageFor(help, "auth", ["logout", "--nope"]), "Usage: claw auth logout [--all]");
 * strictEqual(usageFor(help, "auth", ["--nope"]), "Usage: claw auth status [--json]");
 * ```
 */
export function usageFor(help: string, command: string, args: readonly string[]): string {
  const forms = usageForms(help);
  const end = args.indexOf("--");
  const given = (end === -1 ? args : args.slice(0, end)).find((arg) => !arg.startsWith("-"));
  const form = given === undefined
    ? undefined
    : forms.find((form) => formSubcommands(form, command).includes(given));
  return `Usage: ${form ?? forms[0] ?? `claw ${command}`}`;
}
