/**
 * Reading a transcript's records: the JSON lines, the conversation chain that leads to the last
 * message (in the SDK's message shape), pages of it, and the side folder beside it.
 *
 * @module
 */
import { invalidValue } from "../errors/claw_error.ts";
import type { StoredMessage } from "./stored_messages.ts";

/** The record types that make up a conversation: `progress` records only link it. */
const CHAIN_TYPES = new Set(["user", "assistant", "attachment", "system", "progress"]);

/** How {@linkcode conversation} reads a transcript. */
export interface ConversationOptions {
  /** The session id for records that do not say. */
  sessionId: string;
  /** Keep `system` records. */
  includeSystem: boolean;
  /** A subagent's transcript, whose records are all sidechain records. */
  sidechain: boolean;
  /** What `parent_tool_use_id` says. */
  parentToolUseId: string | null;
  /** What `parent_agent_id` says. */
  parentAgentId: string | null;
}

/**
 * The conversation that leads to the last record of it in `records` (the one written last is on
 * the branch the session goes on with), oldest first: its `parentUuid` chain (a compaction
 * boundary's `logicalParentUuid` links across it), without the CLI's meta messages, attachments
 * and (unless `includeSystem`) system records.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { conversation } from "./_transcript.ts";
 *
 * // Synthetic records: a prompt, an answer that was rewound, and the answer kept.
 * const records = [
 *   { type: "user", uuid: "u1", parentUuid: null, message: { role: "user", content: "Hi" } },
 *   { type: "assistant", uuid: "a1", parentUuid: "u1", message: { role: "assistant", content: [] } },
 *   { type: "assistant", uuid: "a2", parentUuid: "u1", message: { role: "assistant", content: [] } },
 * ];
 * const options = {
 *   sessionId: "s1",
 *   includeSystem: false,
 *   sidechain: false,
 *   parentToolUseId: null,
 *   parentAgentId: null,
 * };
 * deepStrictEqual(conversation(records, options).map((m) => m.uuid), ["u1", "a2"]);
 * ```
 */
export function conversation(
  records: readonly Record<string, unknown>[],
  options: ConversationOptions,
): StoredMessage[] {
  const entries = records.filter((record) =>
    typeof record.uuid === "string" && CHAIN_TYPES.has(String(record.type)) &&
    (options.sidechain || record.isSidechain !== true)
  );
  const byUuid = new Map<unknown, Record<string, unknown>>();
  for (const entry of entries) if (!byUuid.has(entry.uuid)) byUuid.set(entry.uuid, entry);
  const leaf = entries.at(-1);
  const chain: Record<string, unknown>[] = [];
  const seen = new Set<unknown>();
  for (let entry = leaf; entry !== undefined && !seen.has(entry.uuid);) {
    seen.add(entry.uuid);
    chain.push(entry);
    entry = byUuid.get(entry.parentUuid ?? entry.logicalParentUuid);
  }
  return chain.reverse()
    .filter((entry) =>
      (entry.type === "user" || entry.type === "assistant" ||
        (entry.type === "system" && options.includeSystem)) && entry.isMeta !== true
    )
    .map((entry) => ({
      type: entry.type as StoredMessage["type"],
      uuid: entry.uuid as string,
      session_id: typeof entry.sessionId === "string" ? entry.sessionId : options.sessionId,
      message: entry.message,
      parent_tool_use_id: options.parentToolUseId,
      parent_agent_id: options.parentAgentId,
      timestamp: typeof entry.timestamp === "string" ? entry.timestamp : null,
    }));
}

/**
 * The JSON records of the transcript at `path`; a line that does not parse (cut short by a CLI
 * killed mid-write) is skipped.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { readRecords } from "./_transcript.ts";
 *
 * const path = await Deno.makeTempFile();
 * await Deno.writeTextFile(path, '{"type":"user"}\n\n{"type":"ass');
 * deepStrictEqual(await readRecords(path), [{ type: "user" }]);
 * await Deno.remove(path);
 * ```
 */
export async function readRecords(path: string): Promise<Record<string, unknown>[]> {
  const records: Record<string, unknown>[] = [];
  for (const line of (await Deno.readTextFile(path)).split("\n")) {
    if (line.trim() === "") continue;
    try {
      const value = JSON.parse(line);
      if (typeof value === "object" && value !== null && !Array.isArray(value)) records.push(value);
    } catch {
      // A line cut short by a CLI that was killed mid-write.
    }
  }
  return records;
}

/** A page of messages: where it starts, and how many at most. */
export interface Page {
  offset: number;
  limit: number | undefined;
}

/**
 * `options`' `offset` and `limit`, checked: whole numbers of at least 0, else a `ClawError` of
 * kind `usage`.
 *
 * @example
 * ```ts
 * import { deepStrictEqual, throws } from "node:assert";
 * import { checkPage } from "./_transcript.ts";
 *
 * deepStrictEqual(checkPage({ limit: 2 }), { offset: 0, limit: 2 });
 * throws(() => checkPage({ offset: -1 }), /Invalid offset "-1"/);
 * ```
 */
export function checkPage(options: { offset?: number; limit?: number }): Page {
  const { offset = 0, limit } = options;
  if (!Number.isInteger(offset) || offset < 0) {
    throw invalidValue("offset", offset, "a whole number of at least 0");
  }
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) {
    throw invalidValue("limit", limit, "a whole number of at least 0");
  }
  return { offset, limit };
}

/**
 * The page of `messages`; a `limit` of 0 means no limit, as in the SDK.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { paginate } from "./_transcript.ts";
 *
 * deepStrictEqual(paginate([1, 2, 3, 4], { offset: 1, limit: 2 }), [2, 3]);
 * deepStrictEqual(paginate([1, 2, 3, 4], { offset: 1, limit: 0 }), [2, 3, 4]);
 * ```
 */
export function paginate<T>(messages: T[], page: Page): T[] {
  const end = page.limit === undefined || page.limit === 0 ? undefined : page.offset + page.limit;
  return messages.slice(page.offset, end);
}

/**
 * The side folder of the transcript at `path`: `<session id>/` beside it.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { sideFolder } from "./_transcript.ts";
 *
 * strictEqual(sideFolder("/home/me/.claude/projects/-work/5c0e.jsonl"), "/home/me/.claude/projects/-work/5c0e");
 * ```
 */
export function sideFolder(path: string): string {
  return path.slice(0, -".jsonl".length);
}

/**
 * A title as the store writes it: control and format characters (a line break, an escape
 * sequence) become spaces, and the ends are trimmed.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { cleanTitle } from "./_transcript.ts";
 *
 * strictEqual(cleanTitle("  Fix\nthe \x1b[31mbug "), "Fix the  [31mbug");
 * ```
 */
export function cleanTitle(title: string): string {
  return title.replace(/[\p{Cc}\p{Cf}\u2028\u2029]+/gu, " ").trim();
}
