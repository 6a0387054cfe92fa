/**
 * The prompt-size preflight: a prompt that cannot fit the model's context window fails before
 * anything is spawned (kind `context_window`), instead of after the CLI has booted and the API
 * has refused it.
 *
 * @module
 */
import { ClawError } from "../errors/claw_error.ts";
import { type FailureScope, hintFor } from "../errors/kinds.ts";
import { lookupModel, type ModelInfo } from "./model_registry.ts";

/** Options of {@linkcode preflightPrompt}. */
export interface PreflightOptions {
  /** The model the prompt goes to, as `--model` names it; none: the CLI's default model. */
  model?: string | undefined;
  /** Called once when the model is unknown, so the prompt's size could not be checked. */
  onWarning?: ((message: string) => void) | undefined;
  /** The prompt starts a one-shot run (the default) or a session's turn: the hint says so. */
  scope?: FailureScope | undefined;
}

/** Models suggested, in this order, when the prompt's model has too small a window. */
const LARGER_MODELS = ["sonnet[1m]", "opus[1m]"];

/**
 * An estimate of the tokens `text` takes: its UTF-8 bytes divided by 4, rounded up. Four bytes a
 * token is the usual average for English prose and code; text that tokenizes more densely (CJK,
 * for one) is underestimated, so a check based on it errs toward letting a prompt through.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { estimatePromptTokens } from "./preflight.ts";
 *
 * strictEqual(estimatePromptTokens("Say hi"), 2);
 * strictEqual(estimatePromptTokens("x".repeat(4_000)), 1_000);
 * ```
 */
export function estimatePromptTokens(text: string): number {
  return Math.ceil(new TextEncoder().encode(text).length / 4);
}

/**
 * Refuses `prompt` when its estimated size ({@linkcode estimatePromptTokens}) alone exceeds the
 * whole context window of `model`: a `ClawError` of kind `context_window`, before anything
 * starts. The CLI adds its own system prompt and tools, so a prompt just under the window may
 * still fail later: the check only catches the ones that cannot fit. A model the registry does
 * not know is not checked: `onWarning` says so. Without a model, the window of the model Claude
 * Code picks by default is used.
 *
 * @example Refuse a prompt too big for the model
 * ```ts
 * import { ok as assert, throws } from "node:assert";
 * import { ClawError } from "../errors/claw_error.ts";
 * import { preflightPrompt } from "./preflight.ts";
 *
 * preflightPrompt("Say hi", { model: "haiku" });
 * throws(
 *   () => preflightPrompt("word ".repeat(200_000), { model: "claude-sonnet-4-5" }),
 *   (error) => error instanceof ClawError && error.kind === "context_window",
 * );
 * const warnings: string[] = [];
 * preflightPrompt("word ".repeat(200_000), { model: "my-proxy-model", onWarning: (message) => warnings.push(message) });
 * assert(warnings[0]?.startsWith('Unknown model "my-proxy-model"'));
 * ```
 */
export function preflightPrompt(prompt: string, options: PreflightOptions = {}): void {
  const name = options.model ?? "default";
  const model = lookupModel(name);
  if (!model) {
    options.onWarning?.(
      `Unknown model "${name}": claw does not know its context window, so the prompt's size was not checked`,
    );
    return;
  }
  const tokens = estimatePromptTokens(prompt);
  if (tokens <= model.contextWindow) return;
  const larger = largerModel(name, model);
  throw new ClawError(
    "context_window",
    `The prompt is about ${count(tokens)} tokens, more than the ${
      count(model.contextWindow)
    }-token context window of ${describe(options.model, model)}: shorten it${
      larger === undefined ? "" : `, or use a model with a larger window such as "${larger}"`
    }`,
    { hint: hintFor("context_window", options.scope) },
  );
}

/** `"haiku" (claude-haiku-5-5)`, or `the default model (…)` when none was named. */
function describe(name: string | undefined, model: ModelInfo): string {
  if (name === undefined) return `the default model (${model.id})`;
  return name.trim().toLowerCase() === model.id ? `"${model.id}"` : `"${name}" (${model.id})`;
}

/** The same model with `[1m]`, or an alias, whose window is larger than `model`'s. */
function largerModel(name: string, model: ModelInfo): string | undefined {
  const candidates = [
    ...(model.longContextWindow === undefined ? [] : [`${name.replace(/\[1m\]$/i, "")}[1m]`]),
    ...LARGER_MODELS,
  ];
  return candidates.find((candidate) =>
    (lookupModel(candidate)?.contextWindow ?? 0) > model.contextWindow
  );
}

function count(tokens: number): string {
  return tokens.toLocaleString("en-US");
}
