// Writing a file all at once or not at all: a temp file beside it, flushed, then renamed over it.

const encoder = new TextEncoder();
const BATCH_CHARS = 1024 * 1024;

/**
 * Writes `pieces` to `path` atomically: readers see the old file or the whole new one, never a
 * part. The temp file sits beside `path` (so the rename stays on one file system) and is removed
 * when anything fails.
 */
export async function _writeAtomic(path: string, pieces: Iterable<string>): Promise<void> {
  const temp = `${path}.${crypto.randomUUID().slice(0, 8)}.tmp`;
  try {
    {
      using file = await Deno.open(temp, { write: true, createNew: true });
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
      await file.sync();
    }
    await Deno.rename(temp, path);
  } catch (error) {
    await Deno.remove(temp).catch(() => {});
    throw error;
  }
}
