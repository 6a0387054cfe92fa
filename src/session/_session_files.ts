/**
 * Writing beside the CLI without ever leaving a file half written: whole JSON lines appended to a
 * transcript (how the CLI and the SDK add a title or a tag), and the modes of what claw makes
 * there. (Files are replaced atomically with `process/write_atomic.ts`.)
 *
 * @module
 */
/** The mode of every file the CLI keeps under its projects folder: the owner's only. */
export const PRIVATE_FILE = 0o600;
/** The mode of a side folder the CLI makes for a session (`<id>/`). */
export const PRIVATE_FOLDER = 0o700;

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
