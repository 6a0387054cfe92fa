/**
 * Finding the `claude` executable: an explicit path, `CLAUDE_CLI_PATH`, `PATH`, then the places
 * the official installers put it.
 *
 * @module
 */
import { ClaudeNotFoundError } from "../errors/claw_error.ts";

// No node:path here: discovery runs before `claw run` starts claude, and the first node: module
// costs a start-up of its own.
const WINDOWS = Deno.build.os === "windows";
const SEPARATOR = WINDOWS ? "\\" : "/";
const DELIMITER = WINDOWS ? ";" : ":";

function join(dir: string, ...names: string[]): string {
  return [dir.endsWith(SEPARATOR) ? dir.slice(0, -1) : dir, ...names].join(SEPARATOR);
}

/** Where a `claude` executable was found, and why that one. */
export interface FoundCli {
  /** The executable's path. */
  path: string;
  /** How it was found. */
  source: "option" | "CLAUDE_CLI_PATH" | "PATH" | "known_location";
}

/** Options for {@linkcode findClaude}. */
export interface FindClaudeOptions {
  /** An explicit path (`--cli`), used as given. */
  cli?: string;
  /** The environment to read `CLAUDE_CLI_PATH`, `PATH` and `HOME` from. */
  env?: Record<string, string | undefined>;
}

function knownLocations(home: string | undefined): string[] {
  const places = [
    "/usr/local/bin/claude",
    "/opt/homebrew/bin/claude",
    "/usr/bin/claude",
  ];
  if (home) {
    places.unshift(
      join(home, ".claude", "local", "claude"),
      join(home, ".local", "bin", "claude"),
      join(home, ".npm-global", "bin", "claude"),
      join(home, ".bun", "bin", "claude"),
    );
  }
  return places;
}

/**
 * Whether `path` is a file this user may execute (on Windows: any file).
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert";
 * import { isExecutableFile } from "./discover.ts";
 *
 * assert(isExecutableFile("/bin/sh") && !isExecutableFile("/etc") && !isExecutableFile("/nonexistent"));
 * ```
 */
export function isExecutableFile(path: string): boolean {
  try {
    const info = Deno.statSync(path);
    return info.isFile && (WINDOWS || ((info.mode ?? 0) & 0o111) !== 0);
  } catch {
    return false;
  }
}

/**
 * Finds the `claude` executable, in this order: `cli`, `CLAUDE_CLI_PATH`, each `PATH` entry, then
 * the known install locations. An explicit `cli` or `CLAUDE_CLI_PATH` that does not exist is an
 * error rather than a silent fall-through. Throws {@linkcode ClaudeNotFoundError}.
 *
 * @example Find the CLI, or say why not
 * ```ts
 * import { ok as assert } from "node:assert";
 * import { ClaudeNotFoundError } from "../errors/claw_error.ts";
 * import { findClaude } from "./discover.ts";
 *
 * try {
 *   const found = findClaude({ env: { PATH: "/usr/local/bin:/usr/bin" } });
 *   assert(found.source === "PATH" || found.source === "known_location");
 * } catch (error) {
 *   assert(error instanceof ClaudeNotFoundError);
 * }
 * ```
 */
export function findClaude(options: FindClaudeOptions = {}): FoundCli {
  const env = options.env ?? Deno.env.toObject();
  if (options.cli !== undefined) {
    if (isExecutableFile(options.cli)) return { path: options.cli, source: "option" };
    throw new ClaudeNotFoundError(
      `Cannot run "${options.cli}", the claude given (cli option, --cli): it is not an executable file`,
      { hint: "Pass the path of the claude executable, for example $(which claude)" },
    );
  }
  const fromEnv = env.CLAUDE_CLI_PATH;
  if (fromEnv) {
    if (isExecutableFile(fromEnv)) return { path: fromEnv, source: "CLAUDE_CLI_PATH" };
    throw new ClaudeNotFoundError(
      `Cannot run "${fromEnv}" from CLAUDE_CLI_PATH: it is not an executable file`,
      { hint: "Fix or unset CLAUDE_CLI_PATH" },
    );
  }
  // The first one is enough: the search stops there (this runs before every run).
  const first = executables(env).next();
  if (!first.done) return first.value;
  throw new ClaudeNotFoundError(
    'Cannot find "claude" on PATH or in the usual install locations: install it with npm i -g @anthropic-ai/claude-code, or give its path (cli option, --cli, or CLAUDE_CLI_PATH)',
  );
}

/**
 * Every `claude` executable on `PATH` (in order) and in the usual install locations, each once:
 * what `claw doctor` compares when the wrong one might be running. The first `PATH` entry is the
 * one a shell would run (unless an alias or function says otherwise).
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert";
 * import { allClaudes } from "./discover.ts";
 *
 * assert(allClaudes({ PATH: "/nonexistent" }).every((found) => found.source === "known_location"));
 * ```
 */
export function allClaudes(env: Record<string, string | undefined>): FoundCli[] {
  const seen = new Set<string>();
  return [...executables(env)].filter((found) => !seen.has(found.path) && seen.add(found.path));
}

/** The `claude` executables on `PATH`, in order, then in the usual install locations. */
function* executables(env: Record<string, string | undefined>): Generator<FoundCli> {
  const name = WINDOWS ? "claude.exe" : "claude";
  for (const dir of (env.PATH ?? "").split(DELIMITER)) {
    if (dir && isExecutableFile(join(dir, name))) yield { path: join(dir, name), source: "PATH" };
  }
  for (const path of knownLocations(env.HOME ?? env.USERPROFILE)) {
    if (isExecutableFile(path)) yield { path, source: "known_location" };
  }
}
