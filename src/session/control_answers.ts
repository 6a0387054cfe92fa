/**
 * The typed answers of the control requests a session sends the CLI beyond turns
 * (`supportedModels()`, `rewindFiles()`, `reloadPlugins()`, …), as 2.1.332 and 2.0.76 give them.
 *
 * @module
 */
import type { PluginConfig } from "../process/options.ts";
import type { SlashCommand } from "../protocol/events.ts";

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
