// The lines of a JSONL file, streamed, and what makes one unreadable.

import { type Line, LineStream } from "../protocol/line_stream.ts";

/**
 * Opens `path` and streams its lines, blank ones skipped but counted. The file closes when the
 * stream ends, fails or is cancelled (a `for await` that stops early cancels it). Rejects with
 * Deno's own error when the file cannot be opened, or an `Error` when it is a folder.
 */
export async function _openLines(path: string): Promise<ReadableStream<Line>> {
  const file = await Deno.open(path, { read: true });
  try {
    if ((await file.stat()).isDirectory) throw new Error("it is a folder: pass a file");
  } catch (error) {
    file.close();
    throw error;
  }
  return file.readable.pipeThrough(new LineStream());
}

/** Why `line` cannot be read as JSON at all (too long, not UTF-8), or `undefined`. */
export function _unreadable(line: Line): string | undefined {
  if (line.tooLongBytes !== undefined) {
    return `the line is too long (${line.tooLongBytes} bytes): keep each line under 256 MiB`;
  }
  if (line.invalidUtf8) return "the line is not valid UTF-8: save the file as UTF-8";
  return undefined;
}

/** `Cannot read the <what> "<path>": <why>`, from the error opening or reading it. */
export function _cannotRead(what: string, path: string, error: unknown): string {
  const why = error instanceof Deno.errors.NotFound
    ? "no such file: check the path"
    : error instanceof Error
    ? error.message
    : String(error);
  return `Cannot read the ${what} "${path}": ${why}`;
}
