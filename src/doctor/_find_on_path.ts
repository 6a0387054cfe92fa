/**
 * Finding a command the way a shell would: an executable file in one of `PATH`'s folders.
 *
 * @module
 */

/**
 * The path of `command` in `env.PATH`, or `undefined`. On Windows `PATHEXT` extensions are tried
 * and folders are split on `;`.
 *
 * @example
 * ```ts
 * import { ok as assert, strictEqual } from "node:assert";
 * import { findOnPath } from "./_find_on_path.ts";
 *
 * assert(findOnPath("sh", { PATH: "/usr/bin:/bin" }, "linux")?.endsWith("/sh"));
 * strictEqual(findOnPath("no-such-command-here", { PATH: "/usr/bin:/bin" }, "linux"), undefined);
 * ```
 */
export function findOnPath(
  command: string,
  env: Readonly<Record<string, string | undefined>>,
  os: typeof Deno.build.os = Deno.build.os,
): string | undefined {
  const windows = os === "windows";
  const dirs = (env.PATH ?? env.Path ?? "").split(windows ? ";" : ":").filter(Boolean);
  const extensions = windows
    ? ["", ...(env.PATHEXT ?? ".COM;.EXE;.BAT;.CMD").split(";").filter(Boolean)]
    : [""];
  for (const dir of dirs) {
    for (const extension of extensions) {
      const path = `${dir.replace(/[\\/]+$/, "")}${windows ? "\\" : "/"}${command}${extension}`;
      if (isExecutableFile(path, windows)) return path;
    }
  }
  return undefined;
}

/** Whether `path` is a file this user may run (any execute bit; Windows: any file). */
export function isExecutableFile(path: string, windows = Deno.build.os === "windows"): boolean {
  try {
    const info = Deno.statSync(path);
    if (!info.isFile) return false;
    return windows || info.mode === null || (info.mode & 0o111) !== 0;
  } catch {
    return false;
  }
}
