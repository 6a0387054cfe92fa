/**
 * Whether a stored session holds any of its conversation: CLI 2.0.76 leaves an empty session
 * file when its process dies in the first turn, and then refuses to resume it ("No conversation
 * found"), so a session that goes on must start afresh instead.
 */
import { LineStream } from "../protocol/line_stream.ts";
import { findSessionFile, type SessionStoreOptions } from "./store.ts";

/**
 * `true` when session `id`'s file has a `user` or `assistant` record; `false` when it has none
 * or there is no file. Reads only up to the first such record.
 */
export async function hasStoredConversation(
  id: string,
  options: SessionStoreOptions,
): Promise<boolean> {
  let path: string;
  try {
    path = await findSessionFile(id, options);
  } catch {
    return false;
  }
  const file = await Deno.open(path); // closed when its stream ends or is let go
  for await (const line of file.readable.pipeThrough(new LineStream())) {
    if (line.tooLongBytes !== undefined) return true; // only messages grow that long
    try {
      const record = JSON.parse(line.text);
      if (record?.type === "user" || record?.type === "assistant") return true;
    } catch {
      // a line cut short by the kill: the records before it decide
    }
  }
  return false;
}
