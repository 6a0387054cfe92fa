/**
 * The sessions the Claude Code CLI keeps on disk (`~/.claude/projects/…`): list them, read or
 * stream one, export it (Markdown, JSON, JSONL), read its messages and its subagents' messages,
 * rename, tag, archive or delete it, and fork it into a new session. What `claw session list`,
 * `show` and `export` are built on.
 *
 * @example List the sessions of a folder
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { listSessions } from "./sessions.ts";
 *
 * const home = await Deno.makeTempDir();
 * deepStrictEqual(await listSessions({ cwd: home, env: { HOME: home } }), []);
 * await Deno.remove(home, { recursive: true });
 * ```
 *
 * @module
 */
export {
  exportSession,
  findSessionFile,
  getSessionInfo,
  listSessions,
  projectFolderName,
  readSession,
  SESSION_EXPORT_FORMATS,
  type SessionBlock,
  type SessionExportFormat,
  type SessionInfo,
  type SessionMessage,
  type SessionStoreOptions,
  type SessionStream,
  type SessionTranscript,
  streamSession,
  streamSessionExport,
} from "./store.ts";
export {
  getSessionMessages,
  type GetSessionMessagesOptions,
  type StoredMessage,
} from "./stored_messages.ts";
export {
  getSubagentMessages,
  type GetSubagentMessagesOptions,
  listSubagents,
} from "./subagents.ts";
export {
  archiveSession,
  deleteSession,
  renameSession,
  type SessionMutationOptions,
  tagSession,
  unarchiveSession,
} from "./store_edit.ts";
export { forkSession, type ForkSessionOptions, type ForkSessionResult } from "./store_fork.ts";
