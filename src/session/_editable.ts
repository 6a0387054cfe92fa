/**
 * Which session files the store may change: the transcript of a session whose id is a UUID (as
 * every id the CLI makes is, so nothing else beside the sessions, such as a 2.0.x
 * `agent-<id>.jsonl`, is ever changed) and, for a change, that no running `claude` has open.
 *
 * @module
 */
import { InvalidOptionError } from "../errors/claw_error.ts";
import { configDir } from "../process/config_paths.ts";
import { refuseLiveSession } from "./_live_session.ts";
import { findSessionFile } from "./store.ts";
import type { SessionMutationOptions } from "./store_edit.ts";
import { isSessionId } from "../process/options.ts";

/** A session id as the CLI makes them. */

/**
 * The transcript of session `id`, which must be a UUID (a `ClawError` of kind `usage` otherwise;
 * `session_not_found` when there is no such session).
 *
 * @example
 * ```ts
 * import { rejects } from "node:assert";
 * import { sessionFile } from "./_editable.ts";
 *
 * const env = { HOME: "/nonexistent" };
 * await rejects(sessionFile("agent-a1b2c3", { env }), /it must be a UUID/);
 * ```
 */
export async function sessionFile(id: string, options: SessionMutationOptions): Promise<string> {
  if (!isSessionId(id)) {
    throw new InvalidOptionError(
      ["id"],
      (name) =>
        `Invalid session ${name("id")} "${id}": it must be a UUID, as listSessions() lists them`,
    );
  }
  return await findSessionFile(id, options);
}

/**
 * The transcript of session `id` once it is known that no running `claude` has it open (a
 * `ClawError` of kind `session_in_use` otherwise); `change` names the change in that message.
 *
 * @example
 * ```ts
 * import { rejects } from "node:assert";
 * import { editable } from "./_editable.ts";
 *
 * const env = { HOME: "/nonexistent" };
 * await rejects(editable("0b7c9a52-0000-4000-8000-000000000000", "rename", { env }), /No session/);
 * ```
 */
export async function editable(
  id: string,
  change: string,
  options: SessionMutationOptions,
): Promise<string> {
  const path = await sessionFile(id, options);
  const dir = configDir(options.env ?? Deno.env.toObject());
  await refuseLiveSession(id, { path, configDir: dir, change });
  return path;
}
