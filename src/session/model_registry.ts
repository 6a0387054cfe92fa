/**
 * What claw knows about Claude models: context window, max output tokens and the aliases that
 * name them, read from `models.json` (which says where its numbers come from, and when).
 *
 * @module
 */
import registry from "./models.json" with { type: "json" };

/** A Claude model as {@linkcode lookupModel} resolved it. */
export interface ModelInfo {
  /** The model's id without a date: `claude-sonnet-4-5`. */
  id: string;
  /** The id sent to the Anthropic API: `claude-sonnet-4-5-20250929`. */
  apiId: string;
  /** Its name in Claude Code's model picker: `Sonnet 4.5`. */
  displayName: string;
  /** The context window in tokens, for the name looked up: the `[1m]` suffix counts. */
  contextWindow: number;
  /** The window with the `[1m]` suffix, when the model has one larger than its usual window. */
  longContextWindow?: number;
  /** The most output tokens one response can have. */
  maxOutputTokens: number;
  /** The Claude Code aliases that name it (`opus`, `sonnet`, `haiku`, …). */
  aliases: readonly string[];
}

/** A model as `models.json` has it: its other spellings too. */
interface Entry extends ModelInfo {
  otherIds?: readonly string[];
}

const MODELS: readonly Entry[] = registry.models;

const LONG_CONTEXT = /\[1m\]$/;

/**
 * The model `name` means: an alias (`opus`, `sonnet`, `haiku`, `opusplan`, `default`), an id with
 * or without its date (`claude-sonnet-4-5`, `claude-sonnet-4-5-20250929`, a `-latest` form, a
 * Bedrock or Vertex spelling), optionally with the `[1m]` suffix, which gives the model's 1M-token
 * window where it has one. `undefined` for a model the registry does not know.
 *
 * Aliases resolve as Claude Code 2.1.332 resolves them on the Anthropic API. Older CLIs and other
 * providers may pick an older model with a smaller window, so a window found here is never
 * smaller than the one the CLI will use.
 *
 * @example Resolve an alias and a dated id
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { lookupModel } from "./model_registry.ts";
 *
 * strictEqual(lookupModel("claude-sonnet-4-5-20250929")?.contextWindow, 200_000);
 * strictEqual(lookupModel("claude-sonnet-4-5[1m]")?.contextWindow, 1_000_000);
 * strictEqual(lookupModel("haiku")?.id, "claude-haiku-5-5");
 * strictEqual(lookupModel("gpt-4"), undefined);
 * ```
 */
export function lookupModel(name: string): ModelInfo | undefined {
  const asked = name.trim().toLowerCase();
  const long = LONG_CONTEXT.test(asked);
  const spelled = plainId(asked.replace(LONG_CONTEXT, ""));
  const entry = find(spelled) ?? find(spelled.replace(/-(?:\d{8}|latest)$/, ""));
  if (!entry) return undefined;
  const { otherIds: _otherIds, ...model } = entry;
  if (long && model.longContextWindow !== undefined) {
    return { ...model, contextWindow: model.longContextWindow };
  }
  return model;
}

function find(name: string): Entry | undefined {
  return MODELS.find((model) =>
    model.id === name || model.apiId === name || model.aliases.includes(name) ||
    (model.otherIds?.includes(name) ?? false)
  );
}

/** The Anthropic API's spelling of a Bedrock (`us.anthropic.…-v1:0`) or Vertex (`…@date`) id. */
function plainId(name: string): string {
  return name
    .replace(/^(?:[a-z]+\.)?anthropic\./, "")
    .replace(/-v\d+(?::\d+)?$/, "")
    .replace(/@(\d{8})$/, "-$1");
}
