/**
 * The flags that set a run's options (`RunOptions`): claude's own flags and how to start and
 * supervise it. `claw run` is parsed, documented and mapped from this one table; `claw session`
 * shares it. Where claude spells a flag otherwise (`-c`, `--include-partial-messages`), the
 * spelling is listed with the flag, so that it is refused with claw's name for it.
 */
import { PERMISSION_MODES, VERSIONED_PERMISSION_MODES } from "../process/options.ts";
import type { RunOptions } from "../session/run_options.ts";
import type { Flag } from "./_flags.ts";

/** How a run is printed: the answer, the final result, or every event. */
export const OUTPUTS = ["text", "json", "stream-json"] as const;

/** One of {@linkcode OUTPUTS}. */
export type Output = typeof OUTPUTS[number];

/**
 * The run options `_run_checks.ts` checks before the run (files, folders, JSON, model names):
 * `claw run` loads it only when one of them is given.
 */
export const CHECKED_RUN_OPTIONS: readonly (keyof RunOptions)[] = [
  "model",
  "fallbackModel",
  "cwd",
  "addDirs",
  "systemPromptFile",
  "appendSystemPromptFile",
  "mcpConfig",
  "settings",
];

/** A flag that sets one of the run options. */
export type RunFlag = Flag<keyof RunOptions>;

/** Every flag that sets a run option, in help order. */
export const RUN_FLAGS: readonly RunFlag[] = [
  {
    name: "cli",
    option: "cli",
    type: "string",
    value: "PATH",
    help: "The claude executable (default: CLAUDE_CLI_PATH, PATH, known places)",
  },
  {
    name: "model",
    option: "model",
    type: "string",
    value: "NAME",
    help: "Model alias or full name",
    spellings: ["-m"],
  },
  {
    name: "fallback-model",
    option: "fallbackModel",
    type: "string",
    value: "NAME",
    help: "Model to fall back to when the main one is overloaded",
  },
  {
    name: "permission-mode",
    option: "permissionMode",
    type: "string",
    value: "MODE",
    help: PERMISSION_MODES.map((mode) =>
      mode in VERSIONED_PERMISSION_MODES
        ? `${mode} (${VERSIONED_PERMISSION_MODES[mode]}.x only)`
        : mode
    ).join(", "),
  },
  {
    name: "permission-prompt-tool",
    option: "permissionPromptTool",
    type: "string",
    value: "TOOL",
    help: "The MCP tool that answers permission prompts",
  },
  {
    name: "allow-dangerously-skip-permissions",
    option: "allowDangerouslySkipPermissions",
    type: "boolean",
    help: "Allow switching to bypassPermissions later, without starting in it",
  },
  {
    name: "system-prompt",
    option: "systemPrompt",
    type: "string",
    value: "TEXT",
    help: "Replace the default system prompt",
  },
  {
    name: "system-prompt-file",
    option: "systemPromptFile",
    type: "string",
    value: "FILE",
    help: "Replace the default system prompt with a file's text",
  },
  {
    name: "append-system-prompt",
    option: "appendSystemPrompt",
    type: "string",
    value: "TEXT",
    help: "Add to the default system prompt",
  },
  {
    name: "append-system-prompt-file",
    option: "appendSystemPromptFile",
    type: "string",
    value: "FILE",
    help: "Add a file's text to the default system prompt",
  },
  {
    name: "tools",
    option: "tools",
    type: "list",
    value: "LIST",
    help: 'The built-in tools available, comma-separated ("" for none)',
  },
  {
    name: "allowed-tools",
    option: "allowedTools",
    type: "list",
    value: "LIST",
    help: 'Tools allowed without asking, comma-separated ("Read,Bash(git *)")',
    spellings: ["--allowedTools"],
  },
  {
    name: "disallowed-tools",
    option: "disallowedTools",
    type: "list",
    value: "LIST",
    help: "Tools denied, comma-separated",
    spellings: ["--disallowedTools"],
  },
  { name: "max-turns", option: "maxTurns", type: "number", value: "N", help: "Stop after N turns" },
  {
    name: "max-budget-usd",
    option: "maxBudgetUsd",
    type: "number",
    value: "AMOUNT",
    help: "Stop after spending AMOUNT dollars",
  },
  {
    name: "json-schema",
    option: "jsonSchema",
    type: "json",
    value: "JSON",
    help: "A JSON schema the final answer must satisfy (structured output)",
  },
  {
    name: "mcp-config",
    option: "mcpConfig",
    type: "repeat",
    value: "FILE|JSON",
    help: "MCP servers to load (repeatable)",
  },
  {
    name: "strict-mcp-config",
    option: "strictMcpConfig",
    type: "boolean",
    help: "Load only the MCP servers from --mcp-config",
  },
  {
    name: "settings",
    option: "settings",
    type: "string",
    value: "FILE|JSON",
    help: "Extra settings",
  },
  {
    name: "setting-sources",
    option: "settingSources",
    type: "list",
    value: "LIST",
    help: "Which settings to load: user, project, local (comma-separated)",
  },
  {
    name: "add-dir",
    option: "addDirs",
    type: "repeat",
    value: "DIR",
    help: "Another directory the tools may use (repeatable)",
  },
  {
    name: "session-id",
    option: "sessionId",
    type: "string",
    value: "UUID",
    help: "Use this id for the new session",
  },
  {
    name: "resume",
    option: "resume",
    type: "string",
    value: "ID",
    help: "Resume the session with this id, or with this title (one of this folder's sessions)",
    spellings: ["-r"],
  },
  {
    name: "continue",
    option: "continue",
    type: "boolean",
    help: "Continue the most recent session in the working directory",
    spellings: ["-c"],
  },
  {
    name: "fork",
    option: "forkSession",
    type: "boolean",
    help: "With --resume or --continue: copy the session into a new id",
    spellings: ["--fork-session"],
  },
  {
    name: "no-session-persistence",
    option: "noSessionPersistence",
    type: "boolean",
    help: "Write no session transcript",
  },
  {
    name: "cwd",
    option: "cwd",
    type: "string",
    value: "DIR",
    help: "Working directory of the run",
  },
  {
    name: "timeout",
    option: "timeoutMs",
    type: "seconds",
    value: "SECONDS",
    help: "Fail the run after SECONDS (default 3600; none for no limit)",
  },
  {
    name: "startup-timeout",
    option: "startupTimeoutMs",
    type: "seconds",
    value: "SECONDS",
    help: "Fail the run when claude prints nothing in its first SECONDS (default 60)",
  },
  {
    name: "idle-timeout",
    option: "idleTimeoutMs",
    type: "seconds",
    value: "SECONDS",
    help: "Fail the run when claude, once started, prints nothing for SECONDS",
  },
  {
    name: "partial",
    option: "includePartialMessages",
    type: "boolean",
    help: "Stream text as it is generated (--include-partial-messages)",
    spellings: ["--include-partial-messages"],
  },
];

/**
 * What to say of `claude`'s own flags that `command` (`claw run`) has no flag for, by spelling:
 * those it always passes, and those that go to claude after `--`.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { claudeFlagHints } from "./_run_flags.ts";
 *
 * strictEqual(claudeFlagHints("claw run")["-p"], "claw run always runs claude with -p: drop it");
 * ```
 */
export function claudeFlagHints(command: string): Record<string, string> {
  const always = (flag: string) => `${command} always runs claude with ${flag}: drop it`;
  const after = (flag: string) =>
    `${command} has no flag for it: pass it to claude after --, as in ${command} "PROMPT" -- ${flag}`;
  const hints: Record<string, string> = {
    "-p": always("-p"),
    "--print": always("-p"),
    "--verbose": always("--verbose"),
    "--input-format": `${command} takes the PROMPT as an argument, or - to read it from stdin`,
    "--dangerously-skip-permissions": "use --permission-mode bypassPermissions",
  };
  for (
    const flag of [
      "-d",
      "--debug",
      "--debug-file",
      "--betas",
      "--agents",
      "--agent",
      "--plugin-dir",
      "--effort",
      "-n",
      "--name",
      "--include-hook-events",
    ]
  ) hints[flag] = after(flag);
  return hints;
}
