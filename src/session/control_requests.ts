/**
 * The control requests a session sends the CLI, beyond turns: which CLI serves which, and the
 * typed answers. Observed with 2.1.332 and 2.0.76 (PROTOCOL.md §6, §10a): 2.1.x answers a subtype
 * it does not know with an error at once, but 2.0.x leaves it unanswered, so claw refuses those
 * itself, before sending anything.
 *
 * @module
 */
import { ClawError } from "../errors/claw_error.ts";
import type { PluginConfig } from "../process/options.ts";
import type { SlashCommand } from "../protocol/events.ts";

export type { SlashCommand };

/** The control requests CLI 2.0.x answers (observed with 2.0.76); it never answers any other. */
export const SERVED_BY_2_0: ReadonlySet<string> = new Set([
  "initialize",
  "interrupt",
  "set_permission_mode",
  "set_model",
  "set_max_thinking_tokens",
  "mcp_status",
  "mcp_set_servers",
  "mcp_message",
  "rewind_files",
]);

/**
 * The refusal of `method` (which sends `subtype`) by a CLI that cannot serve it, or `undefined`
 * when it can. `version` is the CLI's `claude_code_version` from its `initialize` answer, which
 * 2.1.x gives and 2.0.x does not: without it the CLI is a 2.0.x (`seen`, the version its
 * `system/init` named, when a turn has run).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { refusedRequest } from "./control_requests.ts";
 *
 * strictEqual(refusedRequest("reloadSkills()", "reload_skills", undefined, "2.0.76")?.kind, "unsupported");
 * strictEqual(refusedRequest("reloadSkills()", "reload_skills", "2.1.332", undefined), undefined);
 * ```
 */
export function refusedRequest(
  method: string,
  subtype: string,
  version: string | undefined,
  seen: string | undefined,
): ClawError | undefined {
  if (version !== undefined || SERVED_BY_2_0.has(subtype)) return undefined;
  return unsupported(method, seen, `it has no ${subtype} control request`);
}

/** `unsupported`: Claude Code `version` (2.0.x when unknown) cannot do `method`, and why. */
export function unsupported(method: string, version: string | undefined, why: string): ClawError {
  return new ClawError(
    "unsupported",
    `${method} is not supported by Claude Code ${version ?? "2.0.x"}: ${why}`,
  );
}

/** A model the CLI offers (`supportedModels()`), as its `initialize` answer lists it. */
export interface SupportedModel {
  /** What to pass as `model`: an alias such as `sonnet`, or `default`. */
  value: string;
  /** Its name for people. */
  displayName: string;
  /** What it is for. */
  description: string;
  /** The model the alias stands for now (2.1.x). */
  resolvedModel?: string;
  /** Whether it takes an effort level (2.1.x). */
  supportsEffort?: boolean;
  /** The effort levels it takes (2.1.x). */
  supportedEffortLevels?: string[];
  /** Whether it thinks adaptively (2.1.x). */
  supportsAdaptiveThinking?: boolean;
  /** Other fields the CLI gives. */
  [field: string]: unknown;
}

/** A subagent the model can delegate to (`supportedAgents()`). */
export interface SupportedAgent {
  /** Its name: the `subagent_type` of the Agent tool. */
  name: string;
  /** When to use it. */
  description: string;
  /** Its model, when it has its own (`inherit`: the session's). */
  model?: string;
  /** Other fields the CLI gives. */
  [field: string]: unknown;
}

/** The account the CLI runs as (`accountInfo()`): where its credential comes from, never a value. */
export interface AccountInfo {
  /** The login's email, for a subscription login. */
  email?: string;
  /** The organization. */
  organization?: string;
  /** The subscription (`max`, `pro`, …). */
  subscriptionType?: string;
  /** Where an OAuth token comes from (`none` without one). */
  tokenSource?: string;
  /** Where an API key comes from (`ANTHROPIC_API_KEY`, `apiKeyHelper`, `none`, …). */
  apiKeySource?: string;
  /** The API provider (`firstParty`, `bedrock`, `vertex`, …; 2.1.x). */
  apiProvider?: string;
  /** Other fields the CLI gives. */
  [field: string]: unknown;
}

/** The CLI's answer to `initialize` (`initializationResult()`): commands, models, account, … */
export interface InitializeResult {
  /** The slash commands and skills. */
  commands?: SlashCommand[];
  /** The subagents (2.1.x). */
  agents?: SupportedAgent[];
  /** The models. */
  models?: SupportedModel[];
  /** The account. */
  account?: AccountInfo;
  /** The output style in use. */
  output_style?: string;
  /** The output styles there are. */
  available_output_styles?: string[];
  /** The CLI's version (2.1.x). */
  claude_code_version?: string;
  /** Whether the CLI blocks on a hook that fails under `onFailure: "block"` itself (2.1.x). */
  hook_on_failure_supported?: boolean;
  /** Other fields the CLI gives. */
  [field: string]: unknown;
}

/** What `rewindFiles()` did, or (with `dryRun`) would do. */
export interface RewindFilesResult {
  /** Whether the files can be (or were) rewound. */
  canRewind: boolean;
  /** Why not, when they cannot. */
  error?: string;
  /** The files a rewind changes (a dry run on 2.1.x says). */
  filesChanged?: string[];
  /** Lines a rewind adds back (dry run). */
  insertions?: number;
  /** Lines a rewind removes (dry run). */
  deletions?: number;
  /** Links a rewind left alone. */
  skippedLinks?: number;
}

/** What `setMcpServers()` changed. */
export interface McpSetServersResult {
  /** The servers added. */
  added: string[];
  /** The servers removed. */
  removed: string[];
  /** Why a server could not be added, by name. */
  errors: Record<string, string>;
}

/** A file `readFile()` read, through the CLI and its read permissions. */
export interface ReadFileResult {
  /** The contents: text, or base64 with `encoding: "base64"`. */
  contents: string;
  /** The absolute path read. */
  absPath: string;
  /** `base64` when asked for. */
  encoding?: "base64";
  /** Cut at `maxBytes`. */
  truncated?: boolean;
  /** Bytes that were not valid UTF-8 were replaced. */
  lossy?: boolean;
}

/** A plugin the CLI loaded. */
export interface LoadedPlugin {
  /** The plugin's name. */
  name: string;
  /** Its folder. */
  path: string;
  /** Where it came from (`name@inline` for a plugin folder given at start). */
  source?: string;
  /** Its version. */
  version?: string;
}

/** What `reloadPlugins()` left the session with. */
export interface ReloadPluginsResult {
  /** The slash commands. */
  commands: SlashCommand[];
  /** The subagents. */
  agents: SupportedAgent[];
  /** The plugins. */
  plugins: LoadedPlugin[];
  /** The MCP servers, as `mcpServerStatus()` gives them. */
  mcpServers: unknown[];
  /** How many plugins failed to load. */
  error_count: number;
  /** Other fields the CLI gives (`held`, `cache_impact`). */
  [field: string]: unknown;
}

/** Options of `reloadPlugins()`. */
export interface ReloadPluginsOptions {
  /** Apply nothing when the reload would change the tools of a conversation whose cache needs them. */
  holdOnCacheImpact?: boolean;
  /** Load these plugin folders too (absolute paths). */
  addPlugins?: PluginConfig[];
  /** Refuse while a turn or background work runs. */
  refuseIfBusy?: boolean;
}

/** A list field of an answer, or `[]`. */
export function listOf<T>(answer: Record<string, unknown>, field: string): T[] {
  const value = answer[field];
  return Array.isArray(value) ? value as T[] : [];
}
