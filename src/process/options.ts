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
 * The permission modes only one line of the supported CLIs accepts, by mode: the line (observed
 * with 2.0.76 and 2.1.332); the other line refuses the command line before making any request
 * (kind `cli_usage`).
 */
export const VERSIONED_PERMISSION_MODES: Readonly<Record<string, string>> = {
  manual: "2.1",
  auto: "2.1",
  delegate: "2.0",
};

/**
 * The permission modes Claude Code `version` has (see {@linkcode VERSIONED_PERMISSION_MODES});
 * all of them when the version is not known.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert";
 * import { permissionModesOf } from "./options.ts";
 *
 * assert(permissionModesOf("2.0.76").includes("delegate"));
 * assert(!permissionModesOf("2.1.332").includes("delegate"));
 * assert(permissionModesOf("2.1.332").includes("auto"));
 * ```
 */
export function permissionModesOf(version: string | undefined): PermissionMode[] {
  return PERMISSION_MODES.filter((mode) => {
    const line = VERSIONED_PERMISSION_MODES[mode];
    return line === undefined || version === undefined || version.startsWith(`${line}.`);
  });
}

/** A `--permission-mode` value. */
export type PermissionMode = typeof PERMISSION_MODES[number];

/** Which settings files the CLI loads. */
export type SettingSource = "user" | "project" | "local";

/** How hard the model works (`--effort`; CLI 2.1.x). */
export type EffortLevel = "low" | "medium" | "high" | "xhigh" | "max";

/** The effort levels, for checking a value. */
export const EFFORT_LEVELS: readonly EffortLevel[] = ["low", "medium", "high", "xhigh", "max"];

/**
 * Extended thinking: `adaptive` (the model decides), `enabled` with an optional token budget, or
 * `disabled`; `display` says how thinking is shown (`--thinking-display`). CLI 2.0.x takes only a
 * budget.
 */
export type ThinkingConfig =
  | { type: "adaptive"; display?: string }
  | { type: "enabled"; budgetTokens?: number; display?: string }
  | { type: "disabled" };

/** A subagent the model can delegate to (`--agents`), by the fields the CLI reads. */
export interface AgentDefinition {
  /** When to use it: the model reads this to decide. */
  description: string;
  /** Its system prompt. */
  prompt: string;
  /** The tools it may use (all of the session's when absent). */
  tools?: string[];
  /** Tools it may not use. */
  disallowedTools?: string[];
  /** Its model (`sonnet`, `opus`, `haiku`, `inherit`, or a full name). */
  model?: string;
  /** Other fields the CLI reads (`skills`, `maxTurns`, `effort`, `permissionMode`, …). */
  [field: string]: unknown;
}

/** A plugin to load: a local folder with a `.claude-plugin/plugin.json` (`--plugin-dir`). */
export interface PluginConfig {
  /** Only local folders. */
  type: "local";
  /** The plugin's folder. */
  path: string;
}

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
  /**
   * `--resume`: resume the session with this id, or with this title (as claude 2.1 takes one: the
   * working directory's session whose last title it is, trimmed and in any case). When the real
   * CLI runs, claw checks it first and passes the session's id, so a title works on 2.0 too and an
   * unknown one fails before anything starts (kind `session_not_found`).
   */
  resume?: string;
  /** `--fork-session`: with `resume`/`continue`, copy into a new session id. */
  forkSession?: boolean;
  /** `--no-session-persistence`: write no transcript. */
  noSessionPersistence?: boolean;
  /** `--setting-sources`: which settings files load. */
  settingSources?: SettingSource[];
  /** `--settings`: a settings file, a JSON string, or the settings themselves. */
  settings?: string | Record<string, unknown>;
  /** `--add-dir`: more directories the tools may access. */
  addDirs?: string[];
  /**
   * `--allow-dangerously-skip-permissions`: a session may switch to `bypassPermissions` later
   * (`setPermissionMode`), without starting in it.
   */
  allowDangerouslySkipPermissions?: boolean;
  /** `--permission-prompt-tool`: who answers permission prompts (`stdio` for the control protocol). */
  permissionPromptTool?: string;
  /** `--agents`: subagents the model can delegate to, by name. */
  agents?: Record<string, AgentDefinition>;
  /** `--agent`: the agent (one of `agents`, or a stored one) the main thread runs as. */
  agent?: string;
  /** `--plugin-dir` per plugin: local plugin folders to load. */
  plugins?: PluginConfig[];
  /**
   * Skills the model may use (`all`, or names as in `SKILL.md` or `plugin:skill`): added to
   * `allowedTools` as `Skill(name)`.
   */
  skills?: string[] | "all";
  /** `--betas`: API beta headers to send. */
  betas?: string[];
  /** `--effort` (CLI 2.1.x): how hard the model works. */
  effort?: EffortLevel;
  /** `--thinking`, `--thinking-display`, `--max-thinking-tokens`: extended thinking. */
  thinking?: ThinkingConfig;
  /** `--max-thinking-tokens`: a thinking budget in tokens (`0` turns thinking off). */
  maxThinkingTokens?: number;
  /** `--debug`: the CLI writes a debug log (under `~/.claude/debug/`). */
  debug?: boolean;
  /** `--debug-file` (CLI 2.1.x): the CLI's debug log goes to this file. */
  debugFile?: string;
  /** `--resume-session-at`: with `resume`, resume the conversation up to this message's uuid. */
  resumeSessionAt?: string;
  /**
   * `--resume-drops-turn` (CLI 2.1.x): with `resumeSessionAt`, the uuid of the prompt whose turn
   * is dropped; the CLI refuses the resume when more than that turn would go.
   */
  resumeDropsTurn?: string;
  /** `--include-hook-events` (CLI 2.1.x): print `system/hook_*` events for command hooks. */
  includeHookEvents?: boolean;
  /** `--forward-subagent-text` (CLI 2.1.x): print subagents' text as well as their prompts. */
  forwardSubagentText?: boolean;
  /** `--task-budget` (CLI 2.1.x): an API-side token budget the model paces itself by. */
  taskBudget?: { total: number };
  /**
   * `--permission-prompts` (CLI 2.1.x): `none` denies at once what would need approval, without
   * asking anyone; `host` (the default) asks the prompt tool or `canUseTool`.
   */
  permissionPrompts?: "host" | "none";
  /**
   * `--project-config-root` (CLI 2.1.x): the folder project settings, `.mcp.json` and `.claude`
   * come from instead of the working directory (an absolute path; a worktree's main checkout).
   */
  projectConfigRoot?: string;
  /** Sandbox settings, passed in the `sandbox` field of `--settings`. */
  sandbox?: Record<string, unknown>;
  /** Extra flags appended as given, for CLI flags claw does not know yet. */
  extraArgs?: string[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Whether `text` is a session id as the CLI makes them: a UUID.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert";
 * import { isSessionId } from "./options.ts";
 *
 * assert(isSessionId("7f6668db-76d5-41d3-bbc8-d0405f397ec4") && !isSessionId("my title"));
 * ```
 */
export function isSessionId(text: string): boolean {
  return UUID.test(text);
}

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
  if (sessionId !== undefined && !isSessionId(sessionId)) {
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
  validateSdkFlags(flags);
  if (flags.strictMcpConfig && !flags.mcpConfig?.length) {
    throw new InvalidOptionError(
      ["strictMcpConfig", "mcpConfig"],
      (name) =>
        `${name("strictMcpConfig")} needs ${name("mcpConfig")}: it would load no MCP server at all`,
    );
  }
}

/** Checks the flags the Agent SDK has names for (agents, plugins, thinking, effort, …). */
function validateSdkFlags(flags: CliFlags): void {
  const { agents, plugins, effort, thinking, maxThinkingTokens, taskBudget } = flags;
  for (const [name, agent] of Object.entries(agents ?? {})) {
    if (typeof agent?.description !== "string" || typeof agent?.prompt !== "string") {
      throw invalidValue(`agents.${name}`, JSON.stringify(agent), "{ description, prompt, … }");
    }
  }
  for (const [index, plugin] of (plugins ?? []).entries()) {
    if (plugin?.type !== "local" || typeof plugin.path !== "string") {
      throw invalidValue(`plugins[${index}]`, JSON.stringify(plugin), '{ type: "local", path }');
    }
    if (!isDirectory(plugin.path)) {
      throw invalidValue(`plugins[${index}].path`, plugin.path, "an existing plugin folder");
    }
  }
  if (flags.skills !== undefined && flags.skills !== "all" && !isStrings(flags.skills)) {
    throw invalidValue("skills", String(flags.skills), '"all" or a list of skill names');
  }
  if (flags.betas !== undefined && !isStrings(flags.betas)) {
    throw invalidValue("betas", String(flags.betas), "a list of beta names");
  }
  if (effort !== undefined && !EFFORT_LEVELS.includes(effort)) {
    throw invalidValue("effort", effort, `one of ${EFFORT_LEVELS.join(", ")}`);
  }
  if (thinking !== undefined && !["adaptive", "enabled", "disabled"].includes(thinking?.type)) {
    throw invalidValue("thinking.type", thinking?.type, "adaptive, enabled or disabled");
  }
  const budget = thinking?.type === "enabled" ? thinking.budgetTokens : undefined;
  if (budget !== undefined && !(Number.isInteger(budget) && budget > 0)) {
    throw invalidValue("thinking.budgetTokens", budget, "a whole number of tokens");
  }
  if (
    maxThinkingTokens !== undefined &&
    !(Number.isInteger(maxThinkingTokens) && maxThinkingTokens >= 0)
  ) {
    throw invalidValue("maxThinkingTokens", maxThinkingTokens, "a whole number of tokens");
  }
  if (maxThinkingTokens !== undefined && thinking !== undefined) {
    throw exclusive("thinking", "maxThinkingTokens");
  }
  if (taskBudget !== undefined && !(Number.isInteger(taskBudget?.total) && taskBudget.total > 0)) {
    throw invalidValue("taskBudget.total", taskBudget?.total, "a whole number of tokens");
  }
  const { permissionPrompts, projectConfigRoot } = flags;
  if (permissionPrompts !== undefined && !["host", "none"].includes(permissionPrompts)) {
    throw invalidValue("permissionPrompts", permissionPrompts, "host or none");
  }
  if (
    projectConfigRoot !== undefined &&
    !(projectConfigRoot.startsWith("/") && isDirectory(projectConfigRoot))
  ) {
    throw invalidValue(
      "projectConfigRoot",
      projectConfigRoot,
      "an existing folder's absolute path",
    );
  }
  if (flags.resumeSessionAt !== undefined && flags.resume === undefined) {
    throw new InvalidOptionError(
      ["resumeSessionAt", "resume"],
      (name) => `${name("resumeSessionAt")} needs ${name("resume")}: it cuts a resumed session`,
    );
  }
  if (flags.resumeDropsTurn !== undefined && flags.resumeSessionAt === undefined) {
    throw new InvalidOptionError(
      ["resumeDropsTurn", "resumeSessionAt"],
      (name) => `${name("resumeDropsTurn")} needs ${name("resumeSessionAt")}`,
    );
  }
  if (flags.sandbox !== undefined && typeof flags.settings === "string") {
    if (!flags.settings.trimStart().startsWith("{")) {
      throw new InvalidOptionError(
        ["sandbox", "settings"],
        (name) =>
          `${name("sandbox")} goes into the settings claw passes, which cannot be a file: pass ${
            name("settings")
          } as an object or a JSON string`,
      );
    }
    try {
      JSON.parse(flags.settings);
    } catch (error) {
      throw invalidValue("settings", flags.settings, `valid JSON (${(error as Error).message})`);
    }
  }
}

function isStrings(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === "string");
}

function isDirectory(path: string): boolean {
  try {
    return Deno.statSync(path).isDirectory;
  } catch {
    return false;
  }
}

/** `allowedTools`, with a `Skill(name)` for each of `skills` (`Skill` for all). */
function allowedTools(flags: CliFlags): string[] | undefined {
  if (flags.skills === undefined) return flags.allowedTools;
  const skills = flags.skills === "all" ? ["Skill"] : flags.skills.map((name) => `Skill(${name})`);
  const allowed = flags.allowedTools ?? [];
  return [...allowed, ...skills.filter((tool) => !allowed.includes(tool))];
}

/** The `--settings` value: the settings given, with `sandbox` in them. */
function settingsArg(flags: CliFlags): string | undefined {
  const { settings, sandbox } = flags;
  if (sandbox === undefined) {
    return typeof settings === "object" ? JSON.stringify(settings) : settings;
  }
  const base = typeof settings === "string" ? JSON.parse(settings) : settings ?? {};
  return JSON.stringify({ ...base, sandbox });
}

/** The `--thinking…` flags of `thinking` (2.1.x takes them all; 2.0.x only a budget). */
function thinkingArgs(thinking: ThinkingConfig | undefined): string[] {
  if (thinking === undefined) return [];
  if (thinking.type === "disabled") return ["--thinking=disabled"];
  const args = thinking.type === "enabled" && thinking.budgetTokens !== undefined
    ? [`--max-thinking-tokens=${thinking.budgetTokens}`]
    : ["--thinking=adaptive"];
  if (thinking.display !== undefined) args.push(`--thinking-display=${thinking.display}`);
  return args;
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
  list("--allowedTools", allowedTools(flags));
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
  value("--settings", settingsArg(flags));
  repeated("--add-dir", flags.addDirs);
  toggle("--allow-dangerously-skip-permissions", flags.allowDangerouslySkipPermissions);
  value("--permission-prompt-tool", flags.permissionPromptTool);
  if (flags.agents !== undefined) value("--agents", JSON.stringify(flags.agents));
  value("--agent", flags.agent);
  repeated("--plugin-dir", flags.plugins?.map((plugin) => plugin.path));
  list("--betas", flags.betas);
  value("--effort", flags.effort);
  args.push(...thinkingArgs(flags.thinking));
  value("--max-thinking-tokens", flags.maxThinkingTokens);
  if (flags.debugFile !== undefined) value("--debug-file", flags.debugFile);
  else toggle("--debug", flags.debug);
  value("--resume-session-at", flags.resumeSessionAt);
  value("--resume-drops-turn", flags.resumeDropsTurn);
  toggle("--include-hook-events", flags.includeHookEvents);
  toggle("--forward-subagent-text", flags.forwardSubagentText);
  value("--task-budget", flags.taskBudget?.total);
  value("--permission-prompts", flags.permissionPrompts);
  value("--project-config-root", flags.projectConfigRoot);
  args.push(...flags.extraArgs ?? []);
  return args;
}
