/**
 * Paths claw reads, given on the command line, checked before a command starts anything: a file
 * or a folder that is missing, or of the wrong kind, is a {@linkcode UsageError} that names its
 * flag and says what to pass instead. Apart from `_paths.ts` (which adds the output check and its
 * recorder) so that `claw run` can check its paths without loading more while `claude` boots.
 */
import { UsageError } from "./_args.ts";
import { messageOf } from "../errors/message_of.ts";

/**
 * Checks that `path`, given with `flag`, is a folder that exists; `what` says what it should hold.
 *
 * @example
 * ```ts
 * import { rejects } from "node:assert";
 * import { checkFolder } from "./_input_paths.ts";
 *
 * await checkFolder("--cassettes", "fixtures", "the folder of cassettes");
 * await rejects(checkFolder("--cassettes", "deno.json", "the folder of cassettes"), /is a file/);
 * ```
 */
export async function checkFolder(flag: string, path: string, what: string): Promise<void> {
  const info = await pathInfo(path, flag);
  if (!info) throw new UsageError(`Cannot use ${flag} "${path}": no such folder: pass ${what}`);
  if (!info.isDirectory) {
    throw new UsageError(`Cannot use ${flag} "${path}": it is a file, not a folder: pass ${what}`);
  }
}

/**
 * Checks that `path` is a file that exists. `label` names it in the message (a flag such as
 * `--script`, or empty for a positional argument); `what` says what to pass instead.
 *
 * @example
 * ```ts
 * import { rejects } from "node:assert";
 * import { checkInputFile } from "./_input_paths.ts";
 *
 * await checkInputFile("--script", "deno.json", "a script");
 * await rejects(checkInputFile("--script", "/nonexistent", "a script"), /no such file/);
 * await rejects(checkInputFile("", "src", "a transcript"), /^UsageError: Cannot read "src"/);
 * ```
 */
export async function checkInputFile(label: string, path: string, what: string): Promise<void> {
  const named = `${label ? `${label} ` : ""}"${path}"`;
  const info = await pathInfo(path, label || undefined);
  if (!info) throw new UsageError(`Cannot read ${named}: no such file: pass ${what}`);
  if (info.isDirectory) {
    throw new UsageError(`Cannot read ${named}: it is a folder, not a file: pass ${what}`);
  }
}

/**
 * What `path` is, or `undefined` when there is nothing there; any other failure is a
 * {@linkcode UsageError} that names `flag`.
 */
export async function pathInfo(path: string, flag?: string): Promise<Deno.FileInfo | undefined> {
  try {
    return await Deno.stat(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    if (error instanceof Deno.errors.NotADirectory) return undefined; // a/b where a is a file
    throw new UsageError(
      `Cannot use ${flag ? `${flag} ` : ""}"${path}": ${messageOf(error)}: pass another path`,
      { cause: error },
    );
  }
}
