/**
 * Writing beside the CLI without ever leaving a file half written: whole JSON lines appended to a
 * transcript (how the CLI and the SDK add a title or a tag), and small files replaced atomically
 * (a temporary file in the same folder, flushed to disk, then renamed over the old one).
 *
 * @module
 */
import { basename, dirname, join } from "node:path";

/** The mode of every file the CLI keeps under its projects folder: the owner's only. */
export const PRIVATE_FILE = 0o600;
/** The mode of a side folder the CLI makes for a session (`<id>/`). */
export const PRIVATE_FOLDER = 0o700;

/** How much text given in pieces is gathered before it is written. */
const WRITE_CHARS = 64 * 1024;

/**
 * Appends `records` to the transcript at `path`, one JSON line each, in one write. The file must
 * exist. When its last line has no end (a CLI killed mid-write), a line break goes first, so the
 * new records stay whole lines.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { appendRecords } from "./_session_files.ts";
 *
 * const path = await Deno.makeTempFile({ suffix: ".jsonl" });
 * await Deno.writeTextFile(path, '{"type":"user"'); // cut short
 * await appendRecords(path, [{ type: "tag", tag: "red" }]);
 * strictEqual(await Deno.readTextFile(path), '{"type":"user"\n{"type":"tag","tag":"red"}\n');
 * await Deno.remove(path);
 * ```
 */
export async function appendRecords(
  path: string,
  records: readonly Record<string, unknown>[],
): Promise<void> {
  const lines = records.map((record) => JSON.stringify(record) + "\n").join("");
  using file = await Deno.open(path, { append: true });
  const { size } = await file.stat();
  const text = size > 0 && !(await endsWithLineBreak(path, size)) ? `\n${lines}` : lines;
  await writeAll(file, new TextEncoder().encode(text));
}

/**
 * Replaces `path` with `text` atomically: written to a temporary file in the same folder (piece by
 * piece when `text` is given in pieces), flushed to disk, given `mode`, renamed over `path`, and
 * the folder flushed too. A reader sees the old file or the new one, never a part.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { writeFileAtomically } from "./_session_files.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await writeFileAtomically(`${dir}/archived.json`, '{"archived":true}');
 * strictEqual(await Deno.readTextFile(`${dir}/archived.json`), '{"archived":true}');
 * strictEqual((await Deno.stat(`${dir}/archived.json`)).mode! & 0o777, 0o600);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function writeFileAtomically(
  path: string,
  text: string | Iterable<string>,
  mode: number = PRIVATE_FILE,
): Promise<void> {
  const folder = dirname(path);
  const temp = join(folder, `.${basename(path)}.${crypto.randomUUID()}.tmp`);
  try {
    {
      using file = await Deno.open(temp, { write: true, createNew: true, mode });
      const encoder = new TextEncoder();
      let pending = "";
      for (const piece of typeof text === "string" ? [text] : text) {
        pending += piece;
        if (pending.length < WRITE_CHARS) continue;
        await writeAll(file, encoder.encode(pending));
        pending = "";
      }
      await writeAll(file, encoder.encode(pending));
      await file.sync();
    }
    await Deno.chmod(temp, mode); // the umask may have taken bits away
    await Deno.rename(temp, path);
  } catch (error) {
    await Deno.remove(temp).catch(() => {});
    throw error;
  }
  await syncFolder(folder);
}

/** Whether the file at `path`, `size` bytes long, ends with a line break. */
async function endsWithLineBreak(path: string, size: number): Promise<boolean> {
  using file = await Deno.open(path, { read: true });
  await file.seek(size - 1, Deno.SeekMode.Start);
  const last = new Uint8Array(1);
  return (await file.read(last)) === 1 && last[0] === 0x0a;
}

async function writeAll(file: Deno.FsFile, bytes: Uint8Array): Promise<void> {
  while (bytes.length > 0) bytes = bytes.subarray(await file.write(bytes));
}

/** Flushes a folder's entries to disk, so a rename in it survives a crash (where it can be). */
async function syncFolder(folder: string): Promise<void> {
  try {
    using dir = await Deno.open(folder, { read: true });
    await dir.sync();
  } catch {
    // Not every platform opens folders; the rename itself is still atomic.
  }
}
