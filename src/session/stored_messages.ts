/**
 * A stored session's messages in the shape of the official Agent SDK's `getSessionMessages`: one
 * entry per `user` or `assistant` record of the transcript (an assistant message split into
 * several records stays several entries), the API-shaped `message` as the CLI stored it, and the
 * record's `uuid` (what `forkSession`'s `upToMessageId` takes). Only the conversation that leads to
 * the last message is returned: its chain of `parentUuid` links, so a rewound branch is left out.
 * `readSession` in `store.ts` is claw's own view of the same file: messages joined, blocks typed.
 *
 * @module
 */
import { ClawError } from "../errors/claw_error.ts";
import {
  chainRecords,
  checkMaxLineBytes,
  checkPage,
  conversation,
  paginate,
  readingFor,
} from "./_transcript.ts";
import { findSessionFile, type SessionStoreOptions } from "./store.ts";

/** A message of a stored session, as the SDK's `getSessionMessages` returns it. */
export interface StoredMessage {
  /** Who wrote it; `system` only with `includeSystemMessages`. */
  type: "user" | "assistant" | "system";
  /** The record's id: `forkSession`'s `upToMessageId` takes it. */
  uuid: string;
  /** The session it belongs to. */
  session_id: string;
  /** The API-shaped message as the CLI stored it (`{ role, content, … }`); none for `system`. */
  message: unknown;
  /** For a subagent's message, the id of the tool call that started the subagent; else `null`. */
  parent_tool_use_id: string | null;
  /** For a subagent started by another subagent, that one's id; else `null`. */
  parent_agent_id: string | null;
  /** ISO time of the record, when it has one. */
  timestamp: string | null;
}

/** Which messages {@linkcode getSessionMessages} returns. */
export interface GetSessionMessagesOptions extends SessionStoreOptions {
  /** At most this many (all by default). */
  limit?: number;
  /** Skip this many first (0 by default). */
  offset?: number;
  /** Include `system` records (compaction boundaries, notices) too. */
  includeSystemMessages?: boolean;
}

/**
 * The messages of session `id`, oldest first, in the SDK's shape (see the module doc). Like the
 * SDK, an unknown session gives `[]`; a malformed id or a bad `limit` or `offset` is a `ClawError`
 * of kind `usage`.
 *
 * @example Read who said what
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { conversationRecords, syntheticStore } from "./_synthetic_sessions.ts";
 * import { getSessionMessages } from "./stored_messages.ts";
 *
 * // A session as the CLI stores it, made by code in a throw-away config dir.
 * await using store = await syntheticStore();
 * const id = "5aafca37-6646-418e-83c3-936ecf025f7b";
 * const turns = [["Fix the login bug", "Done"]] as const;
 * await store.write(id, conversationRecords({ sessionId: id, cwd: store.cwd, turns }));
 * const options = { env: store.env };
 * const messages = await getSessionMessages(id, options);
 * deepStrictEqual(messages.map((m) => m.type), ["user", "assistant"]);
 * deepStrictEqual(messages[0]?.message, { role: "user", content: "Fix the login bug" });
 * ```
 */
export async function getSessionMessages(
  id: string,
  options: GetSessionMessagesOptions = {},
): Promise<StoredMessage[]> {
  const page = checkPage(options);
  checkMaxLineBytes(options.maxLineBytes);
  let path: string;
  try {
    path = await findSessionFile(id, options);
  } catch (error) {
    if (error instanceof ClawError && error.kind === "session_not_found") return [];
    throw error;
  }
  const includeSystem = options.includeSystemMessages === true;
  const records = await chainRecords(path, {
    includeSystem,
    sidechain: false,
    ...readingFor(path, options),
  });
  const messages = conversation(records, {
    sessionId: id,
    includeSystem,
    sidechain: false,
    parentToolUseId: null,
    parentAgentId: null,
  });
  return paginate(messages, page);
}
