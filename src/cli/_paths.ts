/**
 * Paths given on the command line, checked before a command starts anything: a path that cannot
 * be used is a {@linkcode UsageError} that names its flag and says what to pass instead, never a
 * failure halfway through (or after a run that spent tokens). The checks of paths claw reads live
 * in `_input_paths.ts` (light enough for `claw run`'s start) and are exported here too.
 */
import { checkWritable } from "../cassette/recorder.ts";
import { UsageError } from "./_args.ts";
import { pathInfo } from "./_input_paths.ts";
import { messageOf } from "../errors/message_of.ts";

export { checkFolder, checkInputFile } from "./_input_paths.ts";

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
  if ((await pathInfo(path, flag))?.isDirectory) {
    throw new UsageError(
      `Cannot write ${flag} "${path}": it is a folder: pass the path of a file (in it, or elsewhere)`,
    );
  }
  try {
    await checkWritable(path);
  } catch (error) {
    throw new UsageError(
      `Cannot write ${flag} "${path}": ${messageOf(error)}: pass a writable path`,
      {
        cause: error,
      },
    );
  }
}
