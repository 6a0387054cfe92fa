/**
 * The run options that name a file or a folder, or hold JSON, checked before `claude` starts:
 * a missing `--cwd`, `--add-dir`, prompt file, MCP config or settings file, JSON that does not
 * parse, or an empty `--model`, is a {@linkcode UsageError} that names the flag and the value
 * (exit 2), not `claude`'s own refusal after it started (or a setting it silently ignores).
 * `claude` reads a relative path from its working directory: from `--cwd` when it is given.
 *
 * Loaded by `claw run` only when one of these options is given.
 */
import type { RunOptions } from "../session/run_options.ts";
import { jsonFailure, UsageError } from "./_args.ts";
import { checkFolder, checkInputFile } from "./_input_paths.ts";
import { messageOf } from "../errors/message_of.ts";

/**
 * Checks the options of `CHECKED_RUN_OPTIONS` (`_run_flags.ts`) in `options`, named as `claw run`'s flags:
 * each folder exists, each file exists and is a file, each MCP config and the settings are a JSON
 * object (given as JSON, or in a file), a model name is not empty.
 *
 * @example
 * ```ts
 * import { rejects } from "node:assert";
 * import { checkRunOptions } from "./_run_checks.ts";
 *
 * await checkRunOptions({ cwd: ".", settings: '{"model": "sonnet"}' });
 * await rejects(checkRunOptions({ cwd: "/nonexistent" }), /^UsageError: Cannot use --cwd "/);
 * await rejects(checkRunOptions({ mcpConfig: ["{"] }), /^UsageError: Invalid --mcp-config: /);
 * await rejects(checkRunOptions({ model: "" }), /^UsageError: Invalid --model "": /);
 * ```
 */
export async function checkRunOptions(options: RunOptions): Promise<void> {
  for (const [option, flag] of [["model", "--model"], ["fallbackModel", "--fallback-model"]]) {
    const name = options[option as "model" | "fallbackModel"];
    if (name !== undefined && name.trim() === "") {
      throw new UsageError(
        `Invalid ${flag} "${name}": pass a model name or alias (sonnet, opus), or drop ${flag}`,
      );
    }
  }
  const { cwd } = options;
  if (cwd !== undefined) await checkFolder("--cwd", cwd, "an existing folder to run claude in");
  /** `path` as claude will read it, and what to pass instead, said for a relative one. */
  const at = (path: string, what: string) =>
    cwd === undefined || /^([A-Za-z]:)?[\\/]/.test(path)
      ? { path, what }
      : { path: `${cwd.replace(/[\\/]+$/, "")}/${path}`, what: `${what} (read from --cwd)` };
  for (const dir of options.addDirs ?? []) {
    const { path, what } = at(dir, "an existing folder");
    await checkFolder("--add-dir", path, what);
  }
  for (
    const [flag, file] of [
      ["--system-prompt-file", options.systemPromptFile],
      ["--append-system-prompt-file", options.appendSystemPromptFile],
    ]
  ) {
    if (file === undefined) continue;
    const { path, what } = at(file, "a text file of the prompt");
    await checkInputFile(flag!, path, what);
  }
  for (const config of options.mcpConfig ?? []) {
    const object = await jsonObject("--mcp-config", config, "an MCP config", at);
    const servers = object.mcpServers;
    if (typeof servers !== "object" || servers === null || Array.isArray(servers)) {
      throw new UsageError(
        `Invalid ${
          named("--mcp-config", config)
        }: it has no "mcpServers" object: pass an MCP config, as in {"mcpServers": {…}}`,
      );
    }
  }
  if (typeof options.settings === "string") {
    await jsonObject("--settings", options.settings, "settings", at);
  }
}

/**
 * The JSON object that `value`, given with `flag`, holds: JSON itself when it starts with `{`
 * (as claw's library and `claude` tell it), else the path of a file of it.
 */
async function jsonObject(
  flag: string,
  value: string,
  what: string,
  at: (path: string, what: string) => { path: string; what: string },
): Promise<Record<string, unknown>> {
  const inline = value.trimStart().startsWith("{");
  let text = value;
  if (!inline) {
    const { path, what: instead } = at(value, `a file of ${what}, or ${what} as a JSON object`);
    await checkInputFile(flag, path, instead);
    try {
      text = await Deno.readTextFile(path);
    } catch (error) {
      throw new UsageError(`Cannot read ${flag} "${path}": ${messageOf(error)}: pass ${instead}`, {
        cause: error,
      });
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(
      `Invalid ${named(flag, value)}: it is not JSON (${jsonFailure(error)}): ${
        inline ? `pass ${what} as a JSON object, or the path of a file of it` : "fix the file"
      }`,
      { cause: error },
    );
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new UsageError(`Invalid ${named(flag, value)}: it must be a JSON object`);
  }
  return parsed as Record<string, unknown>;
}

/** `flag` and `value` in a message: a path quoted after the flag, a JSON text left out. */
function named(flag: string, value: string): string {
  return value.trimStart().startsWith("{") ? flag : `${flag} "${value}"`;
}
