/**
 * Finding `apiKeyHelper` in the settings layers (its path only: the command may embed a secret).
 *
 * @module
 */
import type { SettingsLayer } from "../process/config_paths.ts";

/**
 * The highest-precedence settings layer that sets `apiKeyHelper` to a command. Files that are
 * missing or do not parse are passed over here (`claw doctor`'s `settings` check reports them).
 */
export function findApiKeyHelper(layers: readonly SettingsLayer[]): SettingsLayer | undefined {
  for (const layer of layers) {
    let settings: unknown;
    try {
      settings = JSON.parse(Deno.readTextFileSync(layer.path));
    } catch {
      continue;
    }
    const helper = (settings as { apiKeyHelper?: unknown } | null)?.apiKeyHelper;
    if (typeof helper === "string" && helper.trim() !== "") return layer;
  }
  return undefined;
}
