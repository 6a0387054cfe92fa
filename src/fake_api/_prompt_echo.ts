/**
 * The `{{prompt}}` placeholder of scripted text blocks: replaced, as a reply is served, by the
 * text of the request's last user message, so one script answers many different prompts each
 * with its own answer.
 *
 * @module
 */
import type { FakeContentBlock, FakeReply } from "./script.ts";

/** The placeholder a scripted text block's `text` may hold. */
export const PROMPT_PLACEHOLDER = "{{prompt}}";

/**
 * `reply` with `{{prompt}}` in the text of its text blocks replaced by the last user text of the
 * request `body` (see {@linkcode lastUserText}); the same object when there is none to replace.
 */
export function echoPrompt(reply: FakeReply, body: Record<string, unknown>): FakeReply {
  if ("status" in reply || reply.content === undefined) return reply;
  const echoes = (block: FakeContentBlock) =>
    block.type === "text" && block.text.includes(PROMPT_PLACEHOLDER);
  if (!reply.content.some(echoes)) return reply;
  const prompt = lastUserText(body);
  const content = reply.content.map((block) =>
    block.type === "text" && echoes(block)
      // split/join, not replaceAll: a `$&` in the prompt must stay as it is.
      ? { ...block, text: block.text.split(PROMPT_PLACEHOLDER).join(prompt) }
      : block
  );
  return { ...reply, content };
}

/**
 * The text of the last `user` message of a Messages API request: its content when that is a
 * string, else the `text` of its text blocks joined with `\n` (tool results, images and blocks
 * that are only a `<system-reminder>` left out); `""` when it has no text or there is no user
 * message.
 */
export function lastUserText(body: Record<string, unknown>): string {
  const { messages } = body;
  if (!Array.isArray(messages)) return "";
  const message: unknown = messages.findLast((message: unknown) =>
    isRecord(message) && message.role === "user"
  );
  if (!isRecord(message)) return "";
  const { content } = message;
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .filter((block): block is { text: string } =>
      isRecord(block) && block.type === "text" && typeof block.text === "string" &&
      !isReminder(block.text)
    )
    .map((block) => block.text)
    .join("\n");
}

/**
 * Whether `text` is a whole `<system-reminder>` block, which Claude Code 2.1 puts before the
 * prompt in the same user message (git attribution guidance, context): not what was asked.
 */
function isReminder(text: string): boolean {
  const trimmed = text.trim();
  return trimmed.startsWith("<system-reminder>") && trimmed.endsWith("</system-reminder>");
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
