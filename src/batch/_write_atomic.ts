// Writing a file all at once or not at all: a temp file beside it, flushed, then renamed over it.

const encoder = new TextEncoder();
const BATCH_CHARS = 1024 * 1024;

/**
 * Writes `pieces` to `path` atomically: readers see the old file or the whole new one, never a
 * part. The temp file sits beside `path` (so the rename stays on one file system) and is removed
 * when anything fails. A `path` that is not a regular file (`/dev/stdout`, a pipe) is written as
 * it is: renaming over it would replace the device. A failure names `path`.
 */
export async function _writeAtomic(path: string, pieces: Iterable<string>): Promise<void> {
  const info = await Deno.stat(path).catch(() => undefined);
  try {
    if (info !== undefined && !info.isFile && !info.isDirectory) {
      using file = await Deno.open(path, { write: true });
      await writePieces(file, pieces);
      return;
    }
    await replace(path, pieces);
  } catch (error) {
    throw new Error(`Cannot write "${path}": ${error instanceof Error ? error.message : error}`, {
      cause: error,
    });
  }
}

async function replace(path: string, pieces: Iterable<string>): Promise<void> {
  const temp = `${path}.${crypto.randomUUID().slice(0, 8)}.tmp`;
  try {
    {
      using file = await Deno.open(temp, { write: true, createNew: true });
      await writePieces(file, pieces);
      await file.sync();
    }
    await Deno.rename(temp, path);
  } catch (error) {
    await Deno.remove(temp).catch(() => {});
    throw error;
  }
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
