/**
 * Typed options for the Claude Code CLI's flags, validated once and turned into argv.
 *
 * @module
 */
import { InvalidOptionError, invalidValue } from "../errors/claw_error.ts";

/** Permission modes accepted by the supported CLI versions (2.0.x and 2.1.x differ slightly). */
export const PERMISSION_MODES = [
  "default",
  "manual",
  "acceptEdits",
  "auto",
  "bypassPermissions",
  "dontAsk",
  "plan",
  "delegate",
] as const;

/**
 * The permission modes only some supported CLI versions accept (observed with 2.0.76 and
 * 2.1.332); the others refuse the command line before making any request (kind `cli_usage`).
 */
export const VERSIONED_PERMISSION_MODES: Readonly<Record<string, string>> = {
  manual: "2.1.x only",
  auto: "2.1.x only",
  delegate: "2.0.x only",
};

/** A `--permission-mode` value. */
export type PermissionMode = typeof PERMISSION_MODES[number];

/** Which settings files the CLI loads. */
export type SettingSource = "user" | "project" | "local";

/** The CLI flags claw knows, each with its type. See {@linkcode buildArgs}. */
export interface CliFlags {
  /** `--model`: an alias (`sonnet`, `opus`) or a full model name. */
  model?: string;
  /** `--fallback-model`: models to fall back to when the main one is overloaded. */
  fallbackModel?: string;
  /** `--permission-mode`. `bypassPermissions` needs `IS_SANDBOX=1` when running as root. */
  permissionMode?: PermissionMode;
  /** `--system-prompt`: replaces the default system prompt. */
  systemPrompt?: string;
  /** `--system-prompt-file`: the system prompt, from a file. */
  systemPromptFile?: string;
  /** `--append-system-prompt`: added to the default system prompt. */
  appendSystemPrompt?: string;
  /** `--append-system-prompt-file`: text to append, from a file. */
  appendSystemPromptFile?: string;
  /** `--tools`: the built-in tools available (`[]` for none). */
  tools?: string[];
  /** `--allowedTools`: tools allowed without asking (`"Bash(git *)"`, `"Edit"`). */
  allowedTools?: string[];
  /** `--disallowedTools`: tools denied. */
  disallowedTools?: string[];
  /** `--max-turns`: a whole number ≥ 1. */
  maxTurns?: number;
  /** `--max-budget-usd`: a positive amount in dollars. */
  maxBudgetUsd?: number;
  /** `--mcp-config`: MCP config files or JSON strings. */
  mcpConfig?: string[];
  /** `--strict-mcp-config`: only the MCP servers from `mcpConfig`. */
  strictMcpConfig?: boolean;
  /** `--json-schema`: a JSON schema the final answer must satisfy (structured output). */
  jsonSchema?: Record<string, unknown>;
  /** `--include-partial-messages`: stream `stream_event` deltas. */
  includePartialMessages?: boolean;
  /** `--session-id`: use this UUID for a new session. */
  sessionId?: string;
  /** `--continue`: continue the most recent session in the working directory. */
  continue?: boolean;
  /** `--resume`: resume the session with this id. */
  resume?: string;
  /** `--fork-session`: with `resume`/`continue`, copy into a new session id. */
  forkSession?: boolean;
  /** `--no-session-persistence`: write no transcript. */
  noSessionPersistence?: boolean;
  /** `--setting-sources`: which settings files load. */
  settingSources?: SettingSource[];
  /** `--settings`: a settings file or a JSON string. */
  settings?: string;
  /** `--add-dir`: more directories the tools may access. */
  addDirs?: string[];
  /**
   * `--allow-dangerously-skip-permissions`: a session may switch to `bypassPermissions` later
   * (`setPermissionMode`), without starting in it.
   */
  allowDangerouslySkipPermissions?: boolean;
  /** `--permission-prompt-tool`: who answers permission prompts (`stdio` for the control protocol). */
  permissionPromptTool?: string;
  /** Extra flags appended as given, for CLI flags claw does not know yet. */
  extraArgs?: string[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `Pass either <a> or <b>, not both`. */
function exclusive(a: string, b: string): InvalidOptionError {
  return new InvalidOptionError([a, b], (name) => `Pass either ${name(a)} or ${name(b)}, not both`);
}

/**
 * Checks `flags` for values and combinations the CLI would refuse, so the mistake is reported
 * before anything is spawned. Throws an {@linkcode InvalidOptionError} (kind `usage`) that names
 * the option.
 *
 * @example
 * ```ts
 * import { throws } from "node:assert";
 * import { InvalidOptionError } from "../errors/claw_error.ts";
 * import { validateFlags } from "./options.ts";
 *
 * throws(
 *   () => validateFlags({ maxTurns: 0 }),
 *   (error) => error instanceof InvalidOptionError && error.options[0] === "maxTurns",
 * );
 * ```
 */
export function validateFlags(flags: CliFlags): void {
  const { maxTurns, maxBudgetUsd, permissionMode, sessionId } = flags;
  if (maxTurns !== undefined && !(Number.isInteger(maxTurns) && maxTurns >= 1)) {
    throw invalidValue("maxTurns", maxTurns, "a whole number of at least 1");
  }
  if (maxBudgetUsd !== undefined && !(Number.isFinite(maxBudgetUsd) && maxBudgetUsd > 0)) {
    throw invalidValue("maxBudgetUsd", maxBudgetUsd, "a positive number of dollars");
  }
  if (permissionMode !== undefined && !PERMISSION_MODES.includes(permissionMode)) {
    throw invalidValue("permissionMode", permissionMode, `one of ${PERMISSION_MODES.join(", ")}`);
  }
  if (sessionId !== undefined && !UUID.test(sessionId)) {
    throw invalidValue("sessionId", sessionId, "a UUID");
  }
  if (flags.resume !== undefined && flags.resume.trim() === "") {
    throw invalidValue("resume", flags.resume, "a session id");
  }
  if (flags.systemPrompt !== undefined && flags.systemPromptFile !== undefined) {
    throw exclusive("systemPrompt", "systemPromptFile");
  }
  if (flags.appendSystemPrompt !== undefined && flags.appendSystemPromptFile !== undefined) {
    throw exclusive("appendSystemPrompt", "appendSystemPromptFile");
  }
  if (flags.continue && flags.resume !== undefined) throw exclusive("continue", "resume");
  if (flags.forkSession && !flags.continue && flags.resume === undefined) {
    throw new InvalidOptionError(
      ["forkSession", "resume", "continue"],
      (name) =>
        `${name("forkSession")} needs ${name("resume")} or ${
          name("continue")
        }: there is no session to fork`,
    );
  }
  if (
    sessionId !== undefined && (flags.continue || flags.resume !== undefined) && !flags.forkSession
  ) {
    throw new InvalidOptionError(
      ["sessionId", "resume", "continue", "forkSession"],
      (name) =>
        `${name("sessionId")} with ${name("resume")} or ${name("continue")} needs ${
          name("forkSession")
        }: the resumed session keeps its id`,
    );
  }
  if (flags.strictMcpConfig && !flags.mcpConfig?.length) {
    throw new InvalidOptionError(
      ["strictMcpConfig", "mcpConfig"],
      (name) =>
        `${name("strictMcpConfig")} needs ${name("mcpConfig")}: it would load no MCP server at all`,
    );
  }
}

/**
 * Turns `flags` into CLI arguments. Values use the `--flag=value` form so that a value starting
 * with `-` is never taken for a flag.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { buildArgs } from "./options.ts";
 *
 * const args = buildArgs({ model: "sonnet", maxTurns: 3, allowedTools: ["Read", "Bash(git *)"] });
 * deepStrictEqual(args, ["--model=sonnet", "--allowedTools=Read,Bash(git *)", "--max-turns=3"]);
 * ```
 */
export function buildArgs(flags: CliFlags): string[] {
  const args: string[] = [];
  const value = (flag: string, v: string | number | undefined) => {
    if (v !== undefined) args.push(`${flag}=${v}`);
  };
  const list = (flag: string, v: string[] | undefined) => {
    if (v !== undefined) args.push(`${flag}=${v.join(",")}`);
  };
  const repeated = (flag: string, v: string[] | undefined) => {
    for (const item of v ?? []) args.push(`${flag}=${item}`);
  };
  const toggle = (flag: string, v: boolean | undefined) => {
    if (v) args.push(flag);
  };

  value("--model", flags.model);
  value("--fallback-model", flags.fallbackModel);
  value("--permission-mode", flags.permissionMode);
  value("--system-prompt", flags.systemPrompt);
  value("--system-prompt-file", flags.systemPromptFile);
  value("--append-system-prompt", flags.appendSystemPrompt);
  value("--append-system-prompt-file", flags.appendSystemPromptFile);
  list("--tools", flags.tools);
  list("--allowedTools", flags.allowedTools);
  list("--disallowedTools", flags.disallowedTools);
  value("--max-turns", flags.maxTurns);
  value("--max-budget-usd", flags.maxBudgetUsd);
  repeated("--mcp-config", flags.mcpConfig);
  toggle("--strict-mcp-config", flags.strictMcpConfig);
  if (flags.jsonSchema !== undefined) value("--json-schema", JSON.stringify(flags.jsonSchema));
  toggle("--include-partial-messages", flags.includePartialMessages);
  value("--session-id", flags.sessionId);
  toggle("--continue", flags.continue);
  value("--resume", flags.resume);
  toggle("--fork-session", flags.forkSession);
  toggle("--no-session-persistence", flags.noSessionPersistence);
  list("--setting-sources", flags.settingSources);
  value("--settings", flags.settings);
  repeated("--add-dir", flags.addDirs);
  toggle("--allow-dangerously-skip-permissions", flags.allowDangerouslySkipPermissions);
  value("--permission-prompt-tool", flags.permissionPromptTool);
  args.push(...flags.extraArgs ?? []);
  return args;
}
