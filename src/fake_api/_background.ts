/**
 * Recognises the background requests Claude Code 2.0.x sends beside the conversation, so the
 * fake API can answer them itself instead of letting them race the conversation for scripted
 * replies. Each is recognised by exact text the CLI puts in it:
 *
 * - subagent "Warmup": at start-up, one request per built-in subagent (Explore, Plan) whose only
 *   message is the user text `Warmup`, to prime the prompt cache (`DISABLE_PROMPT_CACHING=1`
 *   turns them off);
 * - git history analysis: at start-up inside a git repository, a request whose system prompt says
 *   "You are an expert at analyzing git history"; answered with a short text;
 * - Bash path extraction: after every Bash call, a fire-and-forget request with a system prompt
 *   block that starts "Extract any file paths that this command reads or modifies"; answered with
 *   empty `<filepaths>` tags, so the CLI reads no files;
 * - Bash command prefix detection: before it asks the host for permission to run a Bash command
 *   (`--permission-prompt-tool`), a request whose user message opens with a `<policy_spec>` on
 *   "Bash command prefix detection"; answered `none`, so the CLI suggests no prefix rule.
 *
 * Claude Code 2.1.x sends neither.
 *
 * @module
 */
import type { FakeMessageReply } from "./script.ts";

/** A background request kind and its canned reply. */
interface Background {
  matches(body: Record<string, unknown>): boolean;
  reply: FakeMessageReply;
}

const BACKGROUND: readonly Background[] = [
  {
    matches: (body) => onlyUserText(body.messages) === "Warmup",
    reply: textReply("Warmup"),
  },
  {
    matches: (body) =>
      systemTexts(body.system).some((text) => text.includes("expert at analyzing git history")),
    reply: textReply("No notable files."),
  },
  {
    matches: (body) =>
      systemTexts(body.system).some((text) =>
        text.startsWith("Extract any file paths that this command reads or modifies")
      ),
    reply: textReply(
      "<is_displaying_contents>\nfalse\n</is_displaying_contents>\n\n<filepaths>\n</filepaths>",
    ),
  },
  {
    matches: (body) =>
      firstUserText(body.messages)?.includes("Bash command prefix detection") === true,
    reply: textReply("none"),
  },
];

/** The canned reply for a background request, or `undefined` for any other request. */
export function backgroundReply(body: Record<string, unknown>): FakeMessageReply | undefined {
  return BACKGROUND.find((background) => background.matches(body))?.reply;
}

function textReply(text: string): FakeMessageReply {
  return { content: [{ type: "text", text }], usage: { input_tokens: 1, output_tokens: 1 } };
}

/** The text of the only message when it is a user message with a single text. */
function onlyUserText(messages: unknown): string | undefined {
  if (!Array.isArray(messages) || messages.length !== 1) return undefined;
  const message: unknown = messages[0];
  if (!isRecord(message) || message.role !== "user") return undefined;
  if (typeof message.content === "string") return message.content;
  return Array.isArray(message.content) && message.content.length === 1
    ? blockText(message.content[0])
    : undefined;
}

/** The first text of the first message, when that is a user message. */
function firstUserText(messages: unknown): string | undefined {
  if (!Array.isArray(messages)) return undefined;
  const message: unknown = messages[0];
  if (!isRecord(message) || message.role !== "user") return undefined;
  if (typeof message.content === "string") return message.content;
  return Array.isArray(message.content) ? blockText(message.content[0]) : undefined;
}

/** The system prompt texts: `system` is a string or an array of text blocks. */
function systemTexts(system: unknown): string[] {
  if (typeof system === "string") return [system];
  if (!Array.isArray(system)) return [];
  return system.map(blockText).filter((text) => text !== undefined);
}

function blockText(block: unknown): string | undefined {
  return isRecord(block) && block.type === "text" && typeof block.text === "string"
    ? block.text
    : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
