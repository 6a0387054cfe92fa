/**
 * Changing the CLI's stored sessions the way the CLI and the official Agent SDK do, under the
 * SDK's names: `renameSession` and `tagSession` append a record to the transcript
 * (`{"type":"custom-title","customTitle":…,"sessionId":…}`,
 * `{"type":"tag","tag":…,"sessionId":…}`), which the CLI reads back (2.1 resumes a session by its
 * title, `claude -p --resume "<title>"`; the session pickers show the title and `#tag`);
 * `archiveSession` and `unarchiveSession` write the SDK's mark `<session id>/archived.json` (which
 * 2.1 reads, and rewrites when a prompt unarchives the session); `deleteSession` removes the
 * transcript and its side folder.
 *
 * Nothing here changes a session that a running `claude` has open (a `ClawError` of kind
 * `session_in_use`): the CLI appends to its transcript as it goes and writes its title again when
 * it ends. Appends are whole lines; files are replaced atomically, mode 0600. An unknown session
 * is a `ClawError` of kind `session_not_found`; a malformed id or value one of kind `usage`.
 *
 * @module
 */
import { join } from "node:path";
import { invalidValue } from "../errors/claw_error.ts";
import { editable } from "./_editable.ts";
import { appendRecords, PRIVATE_FILE, PRIVATE_FOLDER } from "./_session_files.ts";
import { writeAtomic } from "../process/write_atomic.ts";
import { cleanTitle, sideFolder } from "./_transcript.ts";
import type { SessionStoreOptions } from "./store.ts";

/** Where the session to change is: as for `readSession`, `cwd`'s folder first, then any folder. */
export type SessionMutationOptions = Pick<SessionStoreOptions, "cwd" | "env">;

/**
 * Gives session `id` the title `title` (trimmed; control characters become spaces), as the CLI's
 * `/rename` does: a `custom-title` record appended to the transcript, and the CLI's own
 * `custom-title.json` beside it updated when there is one. The CLI 2.1 then resumes it by that
 * title (`claude -p --resume "<title>"`).
 *
 * @example Name a session, then read the name back
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { conversationRecords, syntheticStore } from "./_synthetic_sessions.ts";
 * import { getSessionInfo } from "./store.ts";
 * import { renameSession } from "./store_edit.ts";
 *
 * // A session as the CLI stores it, made by code in a throw-away config dir.
 * await using store = await syntheticStore();
 * const id = "5aafca37-6646-418e-83c3-936ecf025f7b";
 * const turns = [["Fix the login bug", "Done"]] as const;
 * await store.write(id, conversationRecords({ sessionId: id, cwd: store.cwd, turns }));
 * const options = { env: store.env };
 * await renameSession(id, "Login bug", options);
 * strictEqual((await getSessionInfo(id, options))?.title, "Login bug");
 * ```
 */
export async function renameSession(
  id: string,
  title: string,
  options: SessionMutationOptions = {},
): Promise<void> {
  const clean = cleanTitle(title);
  if (clean === "") throw invalidValue("title", title, "a text that is not empty");
  const path = await editable(id, "rename", options);
  await appendRecords(path, [{ type: "custom-title", customTitle: clean, sessionId: id }]);
  // The CLI keeps a copy of a /rename beside the transcript: keep it the same.
  const copy = join(sideFolder(path), "custom-title.json");
  if (await isFile(copy)) {
    const record = { customTitle: clean, by: "user", at: new Date().toISOString() };
    await writeAtomic(copy, JSON.stringify(record), { mode: PRIVATE_FILE });
  }
}

/**
 * Tags session `id` with `tag` (Unicode-normalized, control and format characters removed,
 * trimmed), or clears its tag with `null`: a `tag` record appended to the transcript, as the SDK
 * writes it (`""` when cleared). An empty tag is a usage error: pass `null` to clear.
 *
 * @example Tag a session, then clear the tag
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { conversationRecords, syntheticStore } from "./_synthetic_sessions.ts";
 * import { getSessionInfo } from "./store.ts";
 * import { tagSession } from "./store_edit.ts";
 *
 * // A session as the CLI stores it, made by code in a throw-away config dir.
 * await using store = await syntheticStore();
 * const id = "5aafca37-6646-418e-83c3-936ecf025f7b";
 * const turns = [["Fix the login bug", "Done"]] as const;
 * await store.write(id, conversationRecords({ sessionId: id, cwd: store.cwd, turns }));
 * const options = { env: store.env };
 * await tagSession(id, "release", options);
 * strictEqual((await getSessionInfo(id, options))?.tag, "release");
 * await tagSession(id, null, options);
 * strictEqual((await getSessionInfo(id, options))?.tag, undefined);
 * ```
 */
export async function tagSession(
  id: string,
  tag: string | null,
  options: SessionMutationOptions = {},
): Promise<void> {
  const clean = tag === null
    ? ""
    : tag.normalize("NFKC").replace(/[\p{Cc}\p{Cf}\p{Co}\p{Cn}\u2028\u2029]/gu, "").trim();
  if (tag !== null && clean === "") {
    throw invalidValue("tag", tag, "a text that is not empty (pass null to clear the tag)");
  }
  const path = await editable(id, tag === null ? "untag" : "tag", options);
  await appendRecords(path, [{ type: "tag", tag: clean, sessionId: id }]);
}

/**
 * Archives session `id`: it stays on disk and listed, with `archived: true`, until it is
 * unarchived or a prompt is sent in it. The mark is the SDK's `<session id>/archived.json`
 * (`{"archived":true,"at":…,"by":"claw"}`; the SDK writes `"sdk"` there, the CLI `"cli"` when a
 * prompt unarchives the session); the transcript is not changed.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { conversationRecords, syntheticStore } from "./_synthetic_sessions.ts";
 * import { getSessionInfo } from "./store.ts";
 * import { archiveSession } from "./store_edit.ts";
 *
 * // A session as the CLI stores it, made by code in a throw-away config dir.
 * await using store = await syntheticStore();
 * const id = "5aafca37-6646-418e-83c3-936ecf025f7b";
 * const turns = [["Fix the login bug", "Done"]] as const;
 * await store.write(id, conversationRecords({ sessionId: id, cwd: store.cwd, turns }));
 * const options = { env: store.env };
 * await archiveSession(id, options);
 * strictEqual((await getSessionInfo(id, options))?.archived, true);
 * ```
 */
export async function archiveSession(
  id: string,
  options: SessionMutationOptions = {},
): Promise<void> {
  await markArchived(id, true, options);
}

/**
 * Unarchives session `id`: listed with `archived: false` from then on.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { conversationRecords, syntheticStore } from "./_synthetic_sessions.ts";
 * import { getSessionInfo } from "./store.ts";
 * import { archiveSession, unarchiveSession } from "./store_edit.ts";
 *
 * // A session as the CLI stores it, made by code in a throw-away config dir.
 * await using store = await syntheticStore();
 * const id = "5aafca37-6646-418e-83c3-936ecf025f7b";
 * const turns = [["Fix the login bug", "Done"]] as const;
 * await store.write(id, conversationRecords({ sessionId: id, cwd: store.cwd, turns }));
 * const options = { env: store.env };
 * await archiveSession(id, options);
 * await unarchiveSession(id, options);
 * strictEqual((await getSessionInfo(id, options))?.archived, false);
 * ```
 */
export async function unarchiveSession(
  id: string,
  options: SessionMutationOptions = {},
): Promise<void> {
  await markArchived(id, false, options);
}

/**
 * Deletes session `id`: its side folder `<session id>/` (subagents, tool results, marks), then its
 * transcript, and nothing else (a failure part-way leaves the transcript, so a second call
 * finishes the job). The CLI can no longer resume it.
 *
 * @example
 * ```ts
 * import { rejects, strictEqual } from "node:assert";
 * import { conversationRecords, syntheticStore } from "./_synthetic_sessions.ts";
 * import { getSessionInfo } from "./store.ts";
 * import { deleteSession } from "./store_edit.ts";
 *
 * // A session as the CLI stores it, made by code in a throw-away config dir.
 * await using store = await syntheticStore();
 * const id = "5aafca37-6646-418e-83c3-936ecf025f7b";
 * const turns = [["Fix the login bug", "Done"]] as const;
 * await store.write(id, conversationRecords({ sessionId: id, cwd: store.cwd, turns }));
 * const options = { env: store.env };
 * await deleteSession(id, options);
 * strictEqual(await getSessionInfo(id, options), undefined);
 * await rejects(deleteSession(id, options), /No session/); // kind session_not_found
 * ```
 */
export async function deleteSession(
  id: string,
  options: SessionMutationOptions = {},
): Promise<void> {
  const path = await editable(id, "delete", options);
  await Deno.remove(sideFolder(path), { recursive: true }).catch((error) => {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  });
  await Deno.remove(path);
}

/** Writes the archived mark of session `id`. */
async function markArchived(
  id: string,
  archived: boolean,
  options: SessionMutationOptions,
): Promise<void> {
  const path = await editable(id, archived ? "archive" : "unarchive", options);
  const folder = sideFolder(path);
  await Deno.mkdir(folder, { recursive: true, mode: PRIVATE_FOLDER });
  const mark = { archived, at: new Date().toISOString(), by: "claw" };
  await writeAtomic(join(folder, "archived.json"), JSON.stringify(mark), { mode: PRIVATE_FILE });
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}
