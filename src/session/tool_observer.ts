/**
 * Tool observers: `onToolUse` sees each tool call the model makes, `onToolResult` each result,
 * as the lines carrying them arrive. An observer that throws is reported as a warning and never
 * stops the run.
 *
 * @module
 */
import type { DecodedItem } from "../protocol/events.ts";

/** A tool call, from an `assistant` line's `tool_use` block. */
export interface ToolUse {
  /** The `tool_use` id (`toolu_…`), which the matching {@linkcode ToolResult} names. */
  id: string;
  /** The tool, e.g. `Bash` or `mcp__calc__add`. */
  name: string;
  /** The tool's input. */
  input: Record<string, unknown>;
  /** The Agent tool call a subagent's call belongs to, else `null`. */
  parentToolUseId: string | null;
}

/** A tool's outcome, from a `user` line's `tool_result` block. */
export interface ToolResult {
  /** The id of the {@linkcode ToolUse} this answers. */
  toolUseId: string;
  /** The tool's name, when its call was seen. */
  toolName: string | undefined;
  /** The result's text, blocks of other types left out. */
  text: string;
  /** Whether the tool failed or was denied. */
  isError: boolean;
}

/** The observers, and where an observer's own failure goes. */
export interface ToolObservers {
  /** Called with each tool call. */
  onToolUse?: (use: ToolUse) => void;
  /** Called with each tool result. */
  onToolResult?: (result: ToolResult) => void;
  /** Told when an observer throws. */
  onWarning?: (message: string) => void;
}

/**
 * Calls the observers for the tool calls and results among a run's items.
 *
 * @example Log the tools a replayed run used
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { ToolObserver } from "./tool_observer.ts";
 *
 * const calls: string[] = [];
 * const observer = new ToolObserver({
 *   onToolUse: (use) => calls.push(`${use.name} ${JSON.stringify(use.input)}`),
 *   onToolResult: (result) => calls.push(`${result.toolName} -> ${result.text}`),
 * });
 * const content = [{ type: "tool_use", id: "toolu_1", name: "Bash", input: { command: "echo hi" } }];
 * observer.observe({ type: "assistant", message: { content }, parent_tool_use_id: null } as never);
 * const results = [{ type: "tool_result", tool_use_id: "toolu_1", content: "hi" }];
 * observer.observe({ type: "user", message: { role: "user", content: results }, parent_tool_use_id: null } as never);
 * deepStrictEqual(calls, ['Bash {"command":"echo hi"}', "Bash -> hi"]);
 * ```
 */
export class ToolObserver {
  readonly #observers: ToolObservers;
  readonly #names = new Map<string, string>();

  /** Observes with `observers`. */
  constructor(observers: ToolObservers) {
    this.#observers = observers;
  }

  /** Whether any observer is set: without one, items need not be looked at. */
  get active(): boolean {
    return this.#observers.onToolUse !== undefined || this.#observers.onToolResult !== undefined;
  }

  /** Looks at one item and calls the observers for what it carries. */
  observe(item: DecodedItem): void {
    if (item.type === "assistant") {
      for (const block of item.message?.content ?? []) {
        if (block.type !== "tool_use") continue;
        this.#names.set(block.id, block.name);
        const use = {
          id: block.id,
          name: block.name,
          input: block.input,
          parentToolUseId: item.parent_tool_use_id ?? null,
        };
        this.#call("onToolUse", () => this.#observers.onToolUse?.(use));
      }
    } else if (item.type === "user" && typeof item.message?.content !== "string") {
      for (const block of item.message?.content ?? []) {
        if (block.type !== "tool_result") continue;
        const result = {
          toolUseId: block.tool_use_id,
          toolName: this.#names.get(block.tool_use_id),
          text: resultText(block.content),
          isError: block.is_error === true,
        };
        this.#call("onToolResult", () => this.#observers.onToolResult?.(result));
      }
    }
  }

  #call(name: string, call: () => void): void {
    try {
      call();
    } catch (error) {
      this.#observers.onWarning?.(`The ${name} observer threw, and was skipped: ${error}`);
    }
  }
}

function resultText(content: string | readonly { type: string; text?: unknown }[] | undefined) {
  if (typeof content === "string") return content;
  return (content ?? []).map((block) => typeof block.text === "string" ? block.text : "").join("");
}
