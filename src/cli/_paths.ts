/**
 * Paths given on the command line, checked before a command starts anything: a path that cannot
 * be used is a {@linkcode UsageError} that names its flag and says what to pass instead, never a
 * failure halfway through (or after a run that spent tokens).
 */
import { checkWritable } from "../cassette/recorder.ts";
import { UsageError } from "./_args.ts";

/**
 * Checks that a file can be written at `path`, given with `flag`: it is not a folder, and its
 * folder exists or can be made, and is writable (the folder is made; nothing else is left
 * behind).
 *
 * @example
 * ```ts
 * import { rejects } from "node:assert";
 * import { checkOutputPath } from "./_paths.ts";
 *
 * await rejects(checkOutputPath("-o", "/proc/nope/run.ndjson"), /^UsageError: Cannot write -o/);
 * await rejects(checkOutputPath("-o", "/tmp"), /it is a folder/);
 * ```
 */
export async function checkOutputPath(flag: string, path: string): Promise<void> {
  if ((await statOf(path, flag))?.isDirectory) {
    throw new UsageError(
      `Cannot write ${flag} "${path}": it is a folder: pass the path of a file (in it, or elsewhere)`,
    );
  }
  try {
    await checkWritable(path);
  } catch (error) {
    throw new UsageError(`Cannot write ${flag} "${path}": ${reason(error)}: pass a writable path`, {
      cause: error,
    });
  }
}

/**
 * Checks that `path`, given with `flag`, is a folder that exists; `what` says what it should hold.
 *
 * @example
 * ```ts
 * import { rejects } from "node:assert";
 * import { checkFolder } from "./_paths.ts";
 *
 * await checkFolder("--cassettes", "fixtures", "the folder of cassettes");
 * await rejects(checkFolder("--cassettes", "deno.json", "the folder of cassettes"), /is a file/);
 * ```
 */
export async function checkFolder(flag: string, path: string, what: string): Promise<void> {
  const info = await statOf(path, flag);
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
 * import { checkInputFile } from "./_paths.ts";
 *
 * await checkInputFile("--script", "deno.json", "a script");
 * await rejects(checkInputFile("--script", "/nonexistent", "a script"), /no such file/);
 * await rejects(checkInputFile("", "src", "a transcript"), /^UsageError: Cannot read "src"/);
 * ```
 */
export async function checkInputFile(label: string, path: string, what: string): Promise<void> {
  const named = `${label ? `${label} ` : ""}"${path}"`;
  const info = await statOf(path, label || undefined);
  if (!info) throw new UsageError(`Cannot read ${named}: no such file: pass ${what}`);
  if (info.isDirectory) {
    throw new UsageError(`Cannot read ${named}: it is a folder, not a file: pass ${what}`);
  }
}

/** What `path` is, or `undefined` when there is nothing there; other failures name `flag`. */
async function statOf(path: string, flag?: string): Promise<Deno.FileInfo | undefined> {
  try {
    return await Deno.stat(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    if (error instanceof Deno.errors.NotADirectory) return undefined; // a/b where a is a file
    throw new UsageError(
      `Cannot use ${flag ? `${flag} ` : ""}"${path}": ${reason(error)}: pass another path`,
      { cause: error },
    );
  }
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
