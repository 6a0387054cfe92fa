/**
 * The results of `claw batch`: a JSONL file, one line per finished job, appended and flushed to
 * disk as each job ends, so a crash loses at most the jobs still running and `--resume` picks up
 * where the batch stopped.
 *
 * @module
 */
import { BatchInputError } from "./batch_input_error.ts";
import { _ResultsLock } from "./_results_lock.ts";
import { _isCutShort, _parseResult, _resultLine, _resultLines } from "./_result_format.ts";
import { messageOf } from "../errors/message_of.ts";

/** How a job ended: `ok`, `failed` (after its retries), `skipped` (never started), `aborted`. */
export type JobStatus = "ok" | "failed" | "skipped" | "aborted";

/** Token counts of a job, summed over its round trips to the model. */
export interface BatchUsage {
  /** Input tokens not read from or written to the cache. */
  input_tokens: number;
  /** Output tokens. */
  output_tokens: number;
  /** Input tokens written to the prompt cache. */
  cache_creation_input_tokens: number;
  /** Input tokens read from the prompt cache. */
  cache_read_input_tokens: number;
}

/**
 * One line of a results file: how one job ended. Keys are snake_case and always present (`null`
 * or 0 when there is nothing to say), so every line has the same shape for `jq` and friends.
 */
export interface BatchResult {
  /** The job's id. */
  id: string;
  /** How it ended. */
  status: JobStatus;
  /** The error kind (`rate_limit`, `timeout`, …) unless `ok`. */
  error_kind: string | null;
  /** What to do about the error. */
  error_hint: string | null;
  /** The error message. */
  error_message: string | null;
  /** The final answer's text. */
  result: string | null;
  /** The structured answer, with a `jsonSchema`; `null` otherwise. */
  structured_output: unknown;
  /** The CLI's session id, to `--resume` the conversation. */
  session_id: string | null;
  /** What the job cost, in US dollars, as the CLI reports it. */
  cost_usd: number;
  /** Token counts. */
  usage: BatchUsage;
  /**
   * The CLI's `num_turns` for the job: its round trips to the model (a job is one prompt, and each
   * tool call it makes costs a round trip). The name stays `turns`, as results have always had it.
   */
  turns: number;
  /** Wall time over all attempts, in milliseconds. */
  duration_ms: number;
  /** Attempts made (1 without retries; 0 when never started). */
  attempts: number;
  /** The job's 1-based line number in the jobs file. */
  line: number;
}

/**
 * Zero token counts, a fresh object each call.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { emptyUsage } from "./result.ts";
 *
 * deepStrictEqual(emptyUsage(), {
 *   input_tokens: 0,
 *   output_tokens: 0,
 *   cache_creation_input_tokens: 0,
 *   cache_read_input_tokens: 0,
 * });
 * ```
 */
export function emptyUsage(): BatchUsage {
  return {
    input_tokens: 0,
    output_tokens: 0,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
  };
}

const encoder = new TextEncoder();

/** Options of {@linkcode ResultWriter.open}. */
export interface ResultWriterOptions {
  /** Receives the warning about a stale lock taken over. */
  onWarning?: (message: string) => void;
}

/**
 * Appends results to a JSONL file, one line each, flushed to disk (`fsync`) before `write()`
 * resolves. Concurrent `write()` calls queue, so lines never interleave; once a write fails, the
 * later ones fail too rather than append after a partial line.
 *
 * One writer per file at a time: while open, the writer holds a lock file beside the results
 * (`results.jsonl.lock`, with its pid), and a second `open()` of the same file, in this process
 * or another, fails with kind `results_in_use`. A lock left by a process that is no longer
 * running (killed, crashed) is taken over with a warning. The lock goes when the writer closes,
 * or when the process exits (`Deno.exit`) without closing it. A path that is not a regular file
 * (a device, a pipe) is written as it is, without lock.
 *
 * @example Append results, close with `await using`
 * ```ts
 * import { rejects, strictEqual } from "node:assert";
 * import { emptyUsage, readResults, ResultWriter } from "./result.ts";
 *
 * const path = await Deno.makeTempFile({ suffix: ".jsonl" });
 * {
 *   await using writer = await ResultWriter.open(path);
 *   await rejects(ResultWriter.open(path), /another batch \(pid \d+\) is writing it/);
 *   await Promise.all(["a", "b"].map((id, i) =>
 *     writer.write({
 *       id, status: "ok", error_kind: null, error_hint: null, error_message: null,
 *       result: `Answer ${id}`, structured_output: null, session_id: null, cost_usd: 0.01,
 *       usage: emptyUsage(), turns: 1, duration_ms: 900, attempts: 1, line: i + 1,
 *     })
 *   ));
 * }
 * const results = await readResults(path);
 * strictEqual(results.get("b")?.result, "Answer b");
 * await Deno.remove(path);
 * ```
 */
export class ResultWriter implements AsyncDisposable {
  /** The results file. */
  readonly path: string;
  readonly #file: Deno.FsFile;
  readonly #lock: _ResultsLock | undefined;
  #queue: Promise<void> = Promise.resolve();
  #failure: { error: unknown } | undefined;
  #closed: Promise<void> | undefined;

  private constructor(path: string, file: Deno.FsFile, lock: _ResultsLock | undefined) {
    this.path = path;
    this.#file = file;
    this.#lock = lock;
  }

  /**
   * Takes the lock of `path` and opens it for appending, creating it when missing. A last line
   * cut short by a crash mid-write is removed first, so the next line starts on a line of its own
   * (a complete last line that only lacks its newline gets one). Throws a `BatchInputError` when
   * the file ends in a line that is neither: it is not a results file; a `ClawError` of kind
   * `results_in_use` when another writer holds it.
   */
  static async open(path: string, options: ResultWriterOptions = {}): Promise<ResultWriter> {
    const info = await Deno.stat(path).catch(() => undefined);
    if (info !== undefined && !info.isFile && !info.isDirectory) {
      // A device or a pipe: nothing to repair, to lock, or to flush.
      return new ResultWriter(path, await Deno.open(path, { write: true }), undefined);
    }
    const lock = await _ResultsLock.acquire(path, options);
    try {
      const repair = await tailRepair(path);
      const file = await Deno.open(path, { append: true, create: true });
      try {
        if (repair.keep !== undefined) await file.truncate(repair.keep);
        if (repair.newline) await writeAll(file, encoder.encode("\n"));
        if (repair.keep !== undefined || repair.newline) await file.sync();
      } catch (error) {
        file.close();
        throw error;
      }
      return new ResultWriter(path, file, lock);
    } catch (error) {
      lock.release();
      throw error;
    }
  }

  /**
   * Appends `result` as one JSON line and resolves once it is on disk. Rejects when the writer is
   * closed or an earlier write failed, and with an error naming the file when this one fails
   * (a full disk).
   */
  write(result: BatchResult): Promise<void> {
    if (this.#closed !== undefined) {
      return Promise.reject(
        new Error(`Cannot write to "${this.path}": the ResultWriter is closed`),
      );
    }
    const bytes = encoder.encode(_resultLine(result));
    const written = this.#queue.then(() => this.#append(bytes));
    this.#queue = written.catch(() => {});
    return written;
  }

  /** Waits for the queued writes, then closes the file and releases its lock. Safe to call twice. */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      await this.#queue;
      this.#file.close();
      this.#lock?.release();
    })();
    return this.#closed;
  }

  /** Same as {@linkcode ResultWriter.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #append(bytes: Uint8Array): Promise<void> {
    if (this.#failure !== undefined) {
      throw new Error(
        `Cannot write to "${this.path}": an earlier write failed, so the file may end in a partial line; open it again`,
        { cause: this.#failure.error },
      );
    }
    try {
      await writeAll(this.#file, bytes);
      if (this.#lock) await this.#file.sync(); // a device or a pipe has nothing to flush
    } catch (error) {
      this.#failure = { error };
      throw new Error(
        `Cannot write the results file "${this.path}": ${messageOf(error)}`,
        { cause: error },
      );
    }
  }
}

/**
 * Reads the results file at `path`, streaming: job id → its result, the last line for an id
 * winning (a job that failed, then succeeded on `--resume`, is `ok`). A missing file is an empty
 * map; a last line cut short by a crash mid-write is ignored. Throws a `BatchInputError` naming the
 * line of any other malformed line.
 *
 * @example Resume: see which jobs are done
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { readResults } from "./result.ts";
 *
 * const path = await Deno.makeTempFile({ suffix: ".jsonl" });
 * await Deno.writeTextFile(path, [
 *   '{"id": "a", "status": "failed", "error_kind": "rate_limit"}',
 *   '{"id": "a", "status": "ok", "result": "Done"}',
 *   '{"id": "b", "sta', // synthetic: a crash cut this line short
 * ].join("\n"));
 * const results = await readResults(path);
 * deepStrictEqual([...results.keys()], ["a"]);
 * deepStrictEqual(results.get("a")?.status, "ok");
 * await Deno.remove(path);
 * ```
 */
export async function readResults(path: string): Promise<Map<string, BatchResult>> {
  const results = new Map<string, BatchResult>();
  for await (const { result } of _resultLines(path)) results.set(result.id, result);
  return results;
}

async function writeAll(file: Deno.FsFile, bytes: Uint8Array): Promise<void> {
  let written = 0;
  while (written < bytes.length) written += await file.write(bytes.subarray(written));
}

/** What the end of an existing results file needs before appending. */
interface Repair {
  /** Truncate to this many bytes: the end of the last complete line. */
  keep?: number;
  /** Add a `\n` after a last line that is complete but for it. */
  newline?: boolean;
}

const TAIL_CHUNK = 64 * 1024;

/** Finds the bytes after the last `\n` of `path`, reading backwards from its end. */
async function tailRepair(path: string): Promise<Repair> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return {};
    throw error;
  }
  using _ = file;
  const { size } = await file.stat();
  const chunks: Uint8Array[] = [];
  let start = size;
  while (start > 0) {
    const from = Math.max(0, start - TAIL_CHUNK);
    const chunk = new Uint8Array(start - from);
    await file.seek(from, Deno.SeekMode.Start);
    let read = 0;
    while (read < chunk.length) {
      const n = await file.read(chunk.subarray(read));
      if (n === null) break;
      read += n;
    }
    const newline = chunk.lastIndexOf(10);
    start = from;
    if (newline !== -1) {
      chunks.unshift(chunk.subarray(newline + 1));
      start = from + newline + 1;
      break;
    }
    chunks.unshift(chunk);
  }
  if (start === size) return {};
  const tail = new TextDecoder().decode(concat(chunks));
  if (typeof _parseResult(tail) !== "string") return { newline: true };
  if (_isCutShort(tail)) return { keep: start };
  throw new BatchInputError(
    `Cannot append results to "${path}": it ends in a line that is not a result`,
    { path, hint: "Pass a results file written by claw batch, or a new path" },
  );
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const bytes = new Uint8Array(chunks.reduce((total, chunk) => total + chunk.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
}
