/**
 * The process layer under every run: the spawn seam (`Spawner`, `ClaudeProcess`) and its real
 * implementation (`denoSpawner`), shutting a process group down without leaving anything behind,
 * the CLI's flags (`buildArgs`, `validateFlags`) and environment (`buildEnv`), finding `claude`
 * (`findClaude`), reading and judging its version, and where the CLI keeps its configuration.
 *
 * @example The argv claw gives claude for a run
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { buildArgs } from "./mod.ts";
 *
 * deepStrictEqual(buildArgs({ model: "sonnet", maxTurns: 3 }), ["--model=sonnet", "--max-turns=3"]);
 * ```
 *
 * @module
 */
export {
  type ClaudeProcess,
  type CliNeed,
  cliNeedOf,
  NEEDS_CLI,
  type OutputPipe,
  type ProcessStatus,
  type Spawner,
  type SpawnRequest,
  withCliNeed,
} from "./spawn.ts";
export {
  configDir,
  credentialsPath,
  type Env,
  globalConfigPath,
  type SettingsLayer,
  settingsLayers,
} from "./config_paths.ts";
export { denoSpawner } from "./deno_spawner.ts";
export { shutdown, type ShutdownOptions } from "./shutdown.ts";
export { type BridgeEvents, bridgeStdio } from "./stdio_bridge.ts";
export {
  type AgentDefinition,
  buildArgs,
  type CliFlags,
  EFFORT_LEVELS,
  type EffortLevel,
  PERMISSION_MODES,
  type PermissionMode,
  type PluginConfig,
  type SettingSource,
  type ThinkingConfig,
  validateFlags,
} from "./options.ts";
export { buildEnv, type EnvOptions, STRIPPED_VARIABLES } from "./env.ts";
export { findClaude, type FindClaudeOptions, type FoundCli } from "./discover.ts";
export {
  compareVersions,
  parseCliVersion,
  readCliVersion,
  type ReadCliVersionOptions,
  SUPPORTED_CLI,
  type VersionStanding,
  versionStanding,
  versionWarning,
} from "./version.ts";
