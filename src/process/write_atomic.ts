/**
 * Writing a file all at once or not at all: a temp file beside it, flushed, then renamed over it.
 *
 * @module
 */

const encoder = new TextEncoder();
const BATCH_CHARS = 1024 * 1024;

/** Options of {@linkcode writeAtomic}. */
export interface WriteAtomicOptions {
  /** The new file's mode (the umask does not apply); the default mode of a new file when absent. */
  mode?: number;
}

/**
 * Writes `content` (a string, or pieces written as they come) to `path` atomically: readers see
 * the old file or the whole new one, never a part. The temp file sits beside `path` under a short
 * name of its own (so the rename stays on one file system, and a name that fits fits with it), is
 * flushed to disk, and is removed when anything fails; the folder is flushed after the rename. A
 * `path` that is not a regular file (`/dev/stdout`, a pipe) is written as it is: renaming over it
 * would replace the device. A failure names `path`, with the file system's error as its cause.
 */
export async function writeAtomic(
  path: string,
  content: string | Iterable<string>,
  options: WriteAtomicOptions = {},
): Promise<void> {
  const pieces = typeof content === "string" ? [content] : content;
  const info = await Deno.stat(path).catch(() => undefined);
  try {
    if (info !== undefined && !info.isFile && !info.isDirectory) {
      using file = await Deno.open(path, { write: true });
      await writePieces(file, pieces);
      return;
    }
    await replace(path, pieces, options.mode);
  } catch (error) {
    throw new Error(`Cannot write "${path}": ${error instanceof Error ? error.message : error}`, {
      cause: error,
    });
  }
}

async function replace(path: string, pieces: Iterable<string>, mode?: number): Promise<void> {
  const slash = path.lastIndexOf("/");
  const folder = slash === -1 ? "." : path.slice(0, slash) || "/";
  const temp = `${folder}/.claw-${crypto.randomUUID().slice(0, 8)}.tmp`;
  try {
    {
      using file = await Deno.open(temp, {
        write: true,
        createNew: true,
        ...(mode === undefined ? {} : { mode }),
      });
      await writePieces(file, pieces);
      await file.sync();
    }
    if (mode !== undefined) await Deno.chmod(temp, mode); // the umask may have taken bits away
    await Deno.rename(temp, path);
  } catch (error) {
    await Deno.remove(temp).catch(() => {});
    throw error;
  }
  await syncFolder(folder);
}

/** Writes `pieces` to `file` in batches of about 1 MiB. */
async function writePieces(file: Deno.FsFile, pieces: Iterable<string>): Promise<void> {
  let pending: string[] = [];
  let chars = 0;
  const flush = async () => {
    const bytes = encoder.encode(pending.join(""));
    pending = [];
    chars = 0;
    let written = 0;
    while (written < bytes.length) written += await file.write(bytes.subarray(written));
  };
  for (const piece of pieces) {
    pending.push(piece);
    chars += piece.length;
    if (chars >= BATCH_CHARS) await flush();
  }
  await flush();
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
