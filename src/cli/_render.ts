/**
 * Human rendering of a run for `claw run`: the answer streams to stdout; tool calls, their results
 * and the closing cost line go to stderr, so `claw run … > answer.txt` captures only the answer.
 */
import { textDelta } from "../protocol/assemble.ts";
import {
  type ContentBlock,
  type DecodedItem,
  isContentBlock,
  type ResultEvent,
} from "../protocol/events.ts";
import type { styles } from "./_style.ts";

/** The styles of a stream (see `_style.ts`). */
export type Styles = ReturnType<typeof styles>;
/** Writes text somewhere, whole. */
export type Write = (text: string) => void;

const SUMMARY_WIDTH = 100;

/** One line of at most `width` characters. */
export function oneLine(text: string, width = SUMMARY_WIDTH): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > width ? `${flat.slice(0, width - 1)}…` : flat;
}

/** A tool call's input in one short line: its command, path or pattern, else its JSON. */
export function toolSummary(input: Record<string, unknown>): string {
  for (const key of ["command", "file_path", "path", "pattern", "url", "description", "prompt"]) {
    const value = input[key];
    if (typeof value === "string") return oneLine(value, 80);
  }
  return oneLine(JSON.stringify(input), 80);
}

function resultText(content: string | ContentBlock[] | undefined): string {
  if (typeof content === "string") return content;
  return (content ?? []).map((b) => isContentBlock(b, "text") ? b.text : "").join(" ");
}

/**
 * What a run or turn spent, as {@linkcode costLine} prints it (a session's `Totals` fit). `turns`
 * is the CLI's `num_turns`: model round trips, not prompts (see {@linkcode costLine}).
 */
export interface Spent {
  turns: number;
  durationMs: number;
  costUsd: number;
  inputTokens: number;
  outputTokens: number;
}

/**
 * `2 round trips · 1.3 s · $0.0021 · 20 in / 10 out tokens · session …`: the closing line of a
 * run or a turn. In claw a turn is one prompt and its answer; a round trip is one request to the
 * model (a turn that uses tools takes several). `label` goes first: `turn 2` after a turn of a
 * session, `3 turns` for a session's totals.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { costLine } from "./_render.ts";
 *
 * const spent = { turns: 3, durationMs: 1300, costUsd: 0.0021, inputTokens: 20, outputTokens: 10 };
 * strictEqual(
 *   costLine(spent, "s-1", { label: "2 turns" }),
 *   "2 turns · 3 round trips · 1.3 s · $0.0021 · 20 in / 10 out tokens · session s-1",
 * );
 * ```
 */
export function costLine(
  spent: Spent,
  sessionId: string | undefined,
  options: { label?: string } = {},
): string {
  return [
    ...(options.label === undefined ? [] : [options.label]),
    `${spent.turns} round trip${spent.turns === 1 ? "" : "s"}`,
    `${(spent.durationMs / 1000).toFixed(1)} s`,
    `$${spent.costUsd.toFixed(4)}`,
    `${spent.inputTokens} in / ${spent.outputTokens} out tokens`,
    `session ${sessionId ?? "?"}`,
  ].join(" · ");
}

const RETRY_REASONS: Record<string, string> = {
  server_error: "the API failed",
  overloaded: "the API is overloaded",
  rate_limit: "rate limited",
  authentication_failed: "authentication failed",
};

/**
 * `retrying 3/10 in 4.6 s: the API is overloaded (HTTP 529)` for a `system/api_retry` event, so
 * a run that waits out the CLI's retries says why; `undefined` for any other event.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { retryLine } from "./_render.ts";
 *
 * const retry = { type: "system", subtype: "api_retry", attempt: 3, max_retries: 10, retry_delay_ms: 4600, error_status: null, error: "unknown", session_id: "s", uuid: "u" } as const;
 * strictEqual(retryLine(retry), "retrying 3/10 in 4.6 s: cannot reach the API (network error)");
 * ```
 */
export function retryLine(event: DecodedItem): string | undefined {
  if (event.type !== "system" || event.subtype !== "api_retry") return undefined;
  const status = event.error_status;
  const reason = status === null
    ? "cannot reach the API (network error)"
    : `${RETRY_REASONS[event.error] ?? "API error"} (HTTP ${status})`;
  const delay = (event.retry_delay_ms / 1000).toFixed(1);
  return `retrying ${event.attempt}/${event.max_retries} in ${delay} s: ${reason}`;
}

/** The message id of a `stream_event` that starts a message. */
function startedMessageId(item: DecodedItem): string | undefined {
  if (item.type !== "stream_event" || item.event.type !== "message_start") return undefined;
  return item.event.message.id;
}

/** Renders decoded items as they arrive. */
export class TextRenderer {
  readonly #out: Write;
  readonly #err: Write;
  readonly #s: Styles;
  readonly #partial: boolean;
  #answerOpen = false;
  /** The id of the message whose deltas are streaming, and the messages that streamed text. */
  #streaming = "";
  readonly #streamed = new Set<string>();

  constructor(options: { out: Write; err: Write; styles: Styles; partial: boolean }) {
    this.#out = options.out;
    this.#err = options.err;
    this.#s = options.styles;
    this.#partial = options.partial;
  }

  render(item: DecodedItem): void {
    switch (item.type) {
      case "stream_event": {
        if (!this.#partial) return;
        const started = startedMessageId(item);
        if (started !== undefined) this.#streaming = started;
        const delta = textDelta(item);
        if (delta) {
          this.#streamed.add(this.#streaming);
          this.#answer(delta);
        }
        return;
      }
      case "assistant": {
        if (item.error !== undefined) return; // reported with the failure
        // Text already streamed as deltas is not printed twice; a message that came without
        // deltas (a CLI or a cassette without partial messages) is printed whole.
        const streamed = this.#streamed.has(String(item.message.id));
        for (const block of item.message.content) this.#block(block, streamed);
        return;
      }
      case "user":
        if (typeof item.message.content === "string") return;
        for (const block of item.message.content) {
          if (!isContentBlock(block, "tool_result")) continue;
          const mark = block.is_error ? this.#s.red("✗") : this.#s.dim("⎿");
          this.#note(`  ${mark} ${this.#s.dim(oneLine(resultText(block.content)))}`);
        }
        return;
      case "diagnostic":
        this.#note(this.#s.yellow(`warning: line ${item.lineNumber}: ${item.message}`));
        return;
      case "system": {
        const retry = retryLine(item);
        if (retry) this.#note(this.#s.yellow(retry));
        return;
      }
    }
  }

  /** Ends a streamed answer's line, so what follows starts on a line of its own. */
  endAnswer(): void {
    this.#endAnswer();
  }

  /** The closing line: round trips, time, cost and tokens. */
  summary(result: ResultEvent): void {
    this.#endAnswer();
    const usage = result.usage ?? {};
    const spent = {
      turns: result.num_turns,
      durationMs: result.duration_ms,
      costUsd: result.total_cost_usd ?? 0,
      inputTokens: usage.input_tokens ?? 0,
      outputTokens: usage.output_tokens ?? 0,
    };
    this.#err(this.#s.dim(costLine(spent, result.session_id)) + "\n");
  }

  #block(block: ContentBlock, streamed: boolean): void {
    if (isContentBlock(block, "text")) {
      if (streamed) return;
      this.#endAnswer();
      this.#answer(block.text);
    } else if (isContentBlock(block, "tool_use")) {
      this.#note(`${this.#s.cyan("⏺")} ${this.#s.bold(block.name)}(${toolSummary(block.input)})`);
    } else if (isContentBlock(block, "thinking")) {
      this.#note(this.#s.dim(`✻ ${oneLine(block.thinking)}`));
    }
  }

  #answer(text: string): void {
    this.#answerOpen = true;
    this.#out(text);
  }

  #endAnswer(): void {
    if (!this.#answerOpen) return;
    this.#answerOpen = false;
    this.#out("\n");
  }

  #note(line: string): void {
    this.#endAnswer();
    this.#err(line + "\n");
  }
}
