/**
 * Where the CLI keeps its files: the config dir, the global config file and the settings layers.
 * Paths only; nothing here reads a file.
 *
 * @module
 */
import { InvalidOptionError } from "../errors/claw_error.ts";

/** An environment to read: variables by name, `undefined` when unset. */
export type Env = Readonly<Record<string, string | undefined>>;

function join(dir: string, ...names: string[]): string {
  return [dir.replace(/\/+$/, ""), ...names].join("/");
}

/**
 * The folder the CLI keeps its files in for `env`: `CLAUDE_CONFIG_DIR`, else `HOME/.claude`
 * (`USERPROFILE` on Windows). Throws {@linkcode InvalidOptionError} when `env` names neither.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { configDir } from "./config_paths.ts";
 *
 * strictEqual(configDir({ HOME: "/home/me" }), "/home/me/.claude");
 * strictEqual(configDir({ HOME: "/home/me", CLAUDE_CONFIG_DIR: "/etc/claude" }), "/etc/claude");
 * ```
 */
export function configDir(env: Env): string {
  if (env.CLAUDE_CONFIG_DIR) return env.CLAUDE_CONFIG_DIR;
  const home = homeDir(env);
  if (!home) {
    throw new InvalidOptionError(
      ["env"],
      (name) =>
        `Cannot find the CLI's config dir: ${name("env")} sets neither HOME nor CLAUDE_CONFIG_DIR`,
    );
  }
  return join(home, ".claude");
}

/** The user's home folder in `env`: `HOME`, else `USERPROFILE`. */
export function homeDir(env: Env): string | undefined {
  return env.HOME || env.USERPROFILE || undefined;
}

/**
 * The CLI's global config file (MCP servers of the user and of each project, onboarding state):
 * `$CLAUDE_CONFIG_DIR/.claude.json` when that is set, else `~/.claude.json`.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { globalConfigPath } from "./config_paths.ts";
 *
 * strictEqual(globalConfigPath({ HOME: "/home/me" }), "/home/me/.claude.json");
 * strictEqual(globalConfigPath({ HOME: "/home/me", CLAUDE_CONFIG_DIR: "/c" }), "/c/.claude.json");
 * ```
 */
export function globalConfigPath(env: Env): string {
  if (env.CLAUDE_CONFIG_DIR) return join(env.CLAUDE_CONFIG_DIR, ".claude.json");
  return join(homeDir(env) ?? configDir(env), ".claude.json");
}

/**
 * The stored-login file: `.credentials.json` in the config dir (Linux and Windows; macOS keeps
 * the login in the keychain and this file only as a fallback).
 */
export function credentialsPath(env: Env): string {
  return join(configDir(env), ".credentials.json");
}

/** A settings layer the CLI reads, highest precedence first in {@linkcode settingsLayers}. */
export interface SettingsLayer {
  /** Which layer: set by an administrator, this checkout only, the project, or the user. */
  scope: "managed" | "local" | "project" | "user";
  /** The file's path (it may not exist). */
  path: string;
}

/** Where administrators put `managed-settings.json` on each operating system. */
export function managedSettingsPath(os: typeof Deno.build.os = Deno.build.os): string {
  if (os === "darwin") return "/Library/Application Support/ClaudeCode/managed-settings.json";
  if (os === "windows") return "C:\\Program Files\\ClaudeCode\\managed-settings.json";
  return "/etc/claude-code/managed-settings.json";
}

/**
 * The settings files the CLI reads for a run in `cwd`, highest precedence first: managed, local
 * (`.claude/settings.local.json`), project (`.claude/settings.json`), user (config dir).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { settingsLayers } from "./config_paths.ts";
 *
 * deepStrictEqual(settingsLayers({ env: { HOME: "/home/me" }, cwd: "/work/app", os: "linux" }), [
 *   { scope: "managed", path: "/etc/claude-code/managed-settings.json" },
 *   { scope: "local", path: "/work/app/.claude/settings.local.json" },
 *   { scope: "project", path: "/work/app/.claude/settings.json" },
 *   { scope: "user", path: "/home/me/.claude/settings.json" },
 * ]);
 * ```
 */
export function settingsLayers(
  options: { env: Env; cwd: string; os?: typeof Deno.build.os },
): SettingsLayer[] {
  return [
    { scope: "managed", path: managedSettingsPath(options.os) },
    { scope: "local", path: join(options.cwd, ".claude", "settings.local.json") },
    { scope: "project", path: join(options.cwd, ".claude", "settings.json") },
    { scope: "user", path: join(configDir(options.env), "settings.json") },
  ];
}
