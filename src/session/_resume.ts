/**
 * What a `resume` value names: a session id, or a session's title as claude 2.1 takes one
 * (`claude -p --resume "<title>"`), resolved to the id the way that CLI resolves it, so that a
 * title works with every CLI version and an unknown one fails before anything starts.
 *
 * claude 2.1.332 (observed 2026-12-07) matches a value that is not a UUID against the last title
 * of each session of the working directory's project folder only, trimmed and in any case; two
 * sessions of one title are refused with their ids, and a title of another folder's session is
 * not found.
 */
import { ClawError } from "../errors/claw_error.ts";
import { findSessionFile, listSessions, type SessionInfo } from "./store.ts";
import { isSessionId } from "../process/options.ts";

/** A session id as the CLI makes them. */

/** Where the CLI of a run looks for the session to resume. */
export interface ResumeLookup {
  /** The environment that says where the CLI keeps its sessions. */
  env: Record<string, string>;
  /** The run's working directory; this process's by default. */
  cwd?: string;
}

/**
 * The id of the session `value` names: a session id whose file is there, or the one session of
 * the working directory whose title `value` is. Throws a `ClawError` of kind `session_not_found`
 * when there is none, and of kind `usage` when several sessions have that title.
 */
export async function resumedSessionId(value: string, lookup: ResumeLookup): Promise<string> {
  if (isSessionId(value)) {
    await findSessionFile(value, lookup);
    return value;
  }
  const cwd = lookup.cwd ?? Deno.cwd();
  const named = await titled(value, { env: lookup.env, cwd });
  if (named.length === 1) return named[0]!.id;
  if (named.length > 1) {
    const ids = named.map((info) => `${info.id} (last active ${info.lastActivity ?? "unknown"})`);
    throw new ClawError(
      "usage",
      `"${value}" is the title of ${named.length} sessions of "${cwd}": pass one of their ids: ${
        ids.join(", ")
      }`,
      { hint: "Resume the session by its id, or give the others another title first" },
    );
  }
  const elsewhere = (await titled(value, { env: lookup.env, all: true }))[0];
  throw new ClawError(
    "session_not_found",
    `No session of "${cwd}" is called "${value}", and it is not a session id: nothing was started${
      elsewhere
        ? ` (session ${elsewhere.id} of "${
          elsewhere.cwd ?? "another folder"
        }" is: resume it by its id, or from its folder)`
        : ""
    }`,
    {
      hint:
        "Pass the id or the title of a session that claw session list shows for the working directory",
    },
  );
}

/** The sessions whose title is `value` (trimmed, in any case), newest first. */
async function titled(
  value: string,
  where: { env: Record<string, string>; cwd?: string; all?: boolean },
): Promise<SessionInfo[]> {
  const wanted = value.trim().toLowerCase();
  if (wanted === "") return [];
  const sessions = await listSessions(where);
  return sessions.filter((info) => info.title?.toLowerCase() === wanted);
}
