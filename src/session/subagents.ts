/**
 * The subagents of a stored session, as the SDK's `listSubagents` and `getSubagentMessages` read
 * them. Claude Code 2.1 keeps each subagent's conversation in the session's side folder:
 * `<session id>/subagents/agent-<agent id>.jsonl` (sidechain records), with
 * `agent-<agent id>.meta.json` beside it (`agentType`, `description`, `toolUseId`: the tool call
 * that started it, …). Claude Code 2.0.x keeps its subagents flat beside the sessions
 * (`agent-<agent id>.jsonl` in the project folder), which these functions, like the SDK's, do not
 * read.
 *
 * @module
 */
import { join } from "node:path";
import { ClawError, InvalidOptionError } from "../errors/claw_error.ts";
import {
  chainRecords,
  checkMaxLineBytes,
  checkPage,
  conversation,
  paginate,
  readingFor,
  sideFolder,
} from "./_transcript.ts";
import { findSessionFile, type SessionStoreOptions } from "./store.ts";
import type { StoredMessage } from "./stored_messages.ts";

/** Which messages {@linkcode getSubagentMessages} returns. */
export interface GetSubagentMessagesOptions extends SessionStoreOptions {
  /** At most this many (all by default). */
  limit?: number;
  /** Skip this many first (0 by default). */
  offset?: number;
}

/**
 * The ids of the subagents session `id` started, sorted; `[]` when it started none or there is no
 * such session (as in the SDK). A malformed id is a `ClawError` of kind `usage`.
 *
 * @example A session that started no subagent lists none
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { conversationRecords, syntheticStore } from "./_synthetic_sessions.ts";
 * import { listSubagents } from "./subagents.ts";
 *
 * // A session as the CLI stores it, made by code in a throw-away config dir.
 * await using store = await syntheticStore();
 * const id = "5aafca37-6646-418e-83c3-936ecf025f7b";
 * const turns = [["Fix the login bug", "Done"]] as const;
 * await store.write(id, conversationRecords({ sessionId: id, cwd: store.cwd, turns }));
 * const options = { env: store.env };
 * deepStrictEqual(await listSubagents(id, options), []);
 * // With subagents, each one's messages:
 * // for (const agent of await listSubagents(id)) await getSubagentMessages(id, agent);
 * ```
 */
export async function listSubagents(
  id: string,
  options: SessionStoreOptions = {},
): Promise<string[]> {
  const folder = await subagentsFolder(id, options);
  if (folder === undefined) return [];
  const agents: string[] = [];
  try {
    for await (const entry of Deno.readDir(folder)) {
      const match = /^agent-(.+)\.jsonl$/.exec(entry.name);
      if (match && entry.isFile) agents.push(match[1]!);
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return agents.sort();
}

/**
 * The messages of subagent `agentId` of session `id`, oldest first, in the SDK's shape: each
 * carries the tool call that started the subagent as `parent_tool_use_id`. `[]` when there is no
 * such subagent or session (as in the SDK); a malformed id is a `ClawError` of kind `usage`.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { getSubagentMessages } from "./subagents.ts";
 *
 * const env = { HOME: "/nonexistent" };
 * const unknown = "0b7c9a52-0000-4000-8000-000000000000";
 * deepStrictEqual(await getSubagentMessages(unknown, "a1", { env }), []);
 * ```
 */
export async function getSubagentMessages(
  id: string,
  agentId: string,
  options: GetSubagentMessagesOptions = {},
): Promise<StoredMessage[]> {
  if (!/^[A-Za-z0-9_-]+$/.test(agentId)) {
    throw new InvalidOptionError(
      ["agentId"],
      (name) => `Invalid ${name("agentId")} "${agentId}": use an id that listSubagents() lists`,
    );
  }
  const page = checkPage(options);
  checkMaxLineBytes(options.maxLineBytes);
  const folder = await subagentsFolder(id, options);
  if (folder === undefined) return [];
  const path = join(folder, `agent-${agentId}.jsonl`);
  let records: Record<string, unknown>[];
  try {
    records = await chainRecords(path, {
      includeSystem: false,
      sidechain: true,
      ...readingFor(path, options),
    });
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
  const meta = await readMeta(join(folder, `agent-${agentId}.meta.json`));
  const messages = conversation(records, {
    sessionId: id,
    includeSystem: false,
    sidechain: true,
    parentToolUseId: typeof meta.toolUseId === "string" ? meta.toolUseId : null,
    parentAgentId: typeof meta.parentAgentId === "string" ? meta.parentAgentId : null,
  });
  return paginate(messages, page);
}

/** The `subagents/` folder of session `id`; `undefined` when there is no such session. */
async function subagentsFolder(
  id: string,
  options: SessionStoreOptions,
): Promise<string | undefined> {
  try {
    return join(sideFolder(await findSessionFile(id, options)), "subagents");
  } catch (error) {
    if (error instanceof ClawError && error.kind === "session_not_found") return undefined;
    throw error;
  }
}

/** A subagent's `.meta.json`; `{}` when it is missing or unreadable. */
async function readMeta(path: string): Promise<Record<string, unknown>> {
  try {
    const value = JSON.parse(await Deno.readTextFile(path));
    return typeof value === "object" && value !== null ? value : {};
  } catch {
    return {};
  }
}
