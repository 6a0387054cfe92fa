/**
 * Each job's own cassette in a folder, for `claw batch run --record DIR` and `--replay DIR`: a
 * readable id is its file name (`DIR/<percent-encoded id>.ndjson`, as it always was); an id too
 * long for a file name, or one that cannot be percent-encoded, gets a short name ending in a hash
 * of the id. The header keeps the id (`job_id`), so a replay takes only the cassette of its job.
 *
 * @module
 */
import { join } from "node:path";
import type { Cassette, CassetteHeader } from "../cassette/cassette.ts";
import { parseCassetteHeader } from "../cassette/cassette.ts";
import { recordingSpawner, saveCassette } from "../cassette/recorder.ts";
import { replaySpawner } from "../cassette/testing.ts";
import { CassetteMissError } from "../errors/claw_error.ts";
import { denoSpawner } from "../process/deno_spawner.ts";
import { cliNeedOf, type Spawner, withCliNeed } from "../process/spawn.ts";
import { _openLines } from "../batch/_lines.ts";
import { messageOf } from "../errors/message_of.ts";

/**
 * The longest file name a cassette may have: a name has at most 255 bytes, and the save writes a
 * temporary file first whose name adds `.tmp-` and a UUID (41 bytes).
 */
const MAX_NAME_BYTES = 255 - ".tmp-".length - 36;
/** How much of a long id's encoded form starts its hashed name, so a reader still sees which. */
const PREFIX_BYTES = 64;
const SUFFIX = ".ndjson";

/** A cassette header as batch writes it: with the id of the job. */

/**
 * The file name of job `id`'s cassette: its percent-encoded id when that fits, otherwise the
 * start of it, `~` and 24 hex digits of the id's SHA-256 (at most 96 bytes).
 */
export async function _jobCassetteName(id: string): Promise<string> {
  const readable = percentEncoded(id);
  if (readable !== undefined && readable.length + SUFFIX.length <= MAX_NAME_BYTES) {
    return `${readable}${SUFFIX}`;
  }
  let prefix = "";
  for (const character of id.toWellFormed()) {
    const encoded = encodeURIComponent(character);
    if (prefix.length + encoded.length > PREFIX_BYTES) break;
    prefix += encoded;
  }
  // JSON keeps a lone surrogate apart from the U+FFFD that toWellFormed() makes of it.
  const bytes = new TextEncoder().encode(JSON.stringify(id));
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  const hash = Array.from(digest.subarray(0, 12), (b) => b.toString(16).padStart(2, "0")).join("");
  return `${prefix}~${hash}${SUFFIX}`;
}

/**
 * A spawner that runs the real CLI for job `id` (found as for any run: `--cli`, `CLAUDE_CLI_PATH`,
 * `PATH`, the usual locations) and saves the run as its cassette in `dir`, with the id in the
 * header. A save that fails rejects the run's status with an error naming the file.
 */
export function _recordJob(dir: string, id: string): Spawner {
  return withCliNeed(async (request) => {
    const path = join(dir, await _jobCassetteName(id));
    const write = saveCassette(path);
    const save = async (cassette: Cassette) => {
      const header: CassetteHeader = { ...cassette.header, job_id: id };
      try {
        await write({ header, records: cassette.records });
      } catch (error) {
        throw new Error(`Cannot save the cassette "${path}" of job "${id}": ${messageOf(error)}`, {
          cause: error,
        });
      }
    };
    return await recordingSpawner(denoSpawner, { save })(request);
  }, cliNeedOf(denoSpawner));
}

/**
 * A spawner that replays job `id`'s cassette from `dir`. A cassette whose header names another
 * job (a file renamed, or copied from another job) is a `CassetteMissError`.
 */
export function _replayJob(dir: string, id: string): Spawner {
  return withCliNeed(async (request) => {
    const path = join(dir, await _jobCassetteName(id));
    const recordedFor = await jobOf(path);
    if (recordedFor !== undefined && recordedFor !== id) {
      throw new CassetteMissError(
        `The cassette "${path}" was recorded for job "${recordedFor}", not "${id}": record the batch again with --record`,
      );
    }
    return await replaySpawner(path)(request);
  }, "never");
}

/**
 * The job id in the header of the cassette at `path`; `undefined` when it has none, or when the
 * file cannot be read (the replay then says why).
 */
async function jobOf(path: string): Promise<string | undefined> {
  let lines;
  try {
    lines = await _openLines(path);
  } catch {
    return undefined;
  }
  // Leaving the loop cancels the stream, which closes the file.
  for await (const line of lines) {
    if (line.text.trim() === "") continue;
    try {
      const header: CassetteHeader = parseCassetteHeader(line.text, path, line.lineNumber);
      return typeof header.job_id === "string" ? header.job_id : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** `id` percent-encoded (what `encodeURIComponent` makes), or `undefined` for a lone surrogate. */
function percentEncoded(id: string): string | undefined {
  return id.isWellFormed() ? encodeURIComponent(id) : undefined;
}
