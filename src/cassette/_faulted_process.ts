/**
 * The machinery behind `withFaults` (see `faults.ts`): a process that passes another's output on
 * line by line and acts on a plan at the line boundaries.
 */
import { parseObject } from "./_json_object.ts";
import type { ClaudeProcess, ProcessStatus } from "../process/spawn.ts";
import type { RecordedApiError } from "./_api_errors.ts";
import { killedBy } from "./_killed_by.ts";

/** How a faulted run ends early, if it does. */
export type FaultEnd =
  /** After `lines` stdout lines, the run ends with `status` (a crash, an exit). */
  | { kind: "status"; lines: number; status: ProcessStatus }
  /** After `lines` stdout lines, nothing more until the process is signalled. */
  | { kind: "stall"; lines: number }
  /** At the first stdout line that is not a `system` or control line, the recorded API error. */
  | { kind: "api-error"; recorded: () => Promise<RecordedApiError> };

/** What a faulted process does. */
export interface FaultPlan {
  /** How the run ends early, if it does. */
  end: FaultEnd | undefined;
  /** Milliseconds to wait before each stdout line. */
  latencyMs: number;
  /** Texts written on stderr, each with a newline, before anything else. */
  stderr: readonly string[];
}

/** The line types an `api-error` fault lets through before the error. */
const BEFORE_THE_REQUEST = new Set(["system", "control_request", "control_response"]);

/**
 * `process` with `plan` applied. Its stdout is read line by line (`\n`-ended, bytes untouched)
 * and passed on; when the plan's end comes, `process` is killed (SIGKILL) and its pipes are
 * cancelled, so nothing of it stays pending.
 */
export function faultedProcess(process: ClaudeProcess, plan: FaultPlan): ClaudeProcess {
  const encoder = new TextEncoder();
  const outReader = process.stdout.getReader();
  const errReader = process.stderr.getReader();
  let out!: ReadableStreamDefaultController<Uint8Array>;
  let err!: ReadableStreamDefaultController<Uint8Array>;
  const stdout = new ReadableStream<Uint8Array>({
    start: (controller) => void (out = controller),
    cancel: (reason) => outReader.cancel(reason),
  });
  const stderr = new ReadableStream<Uint8Array>({
    start: (controller) => void (err = controller),
    cancel: (reason) => errReader.cancel(reason),
  });
  const send = (controller: ReadableStreamDefaultController<Uint8Array>, bytes: Uint8Array) => {
    try {
      controller.enqueue(bytes);
    } catch {
      // the reader cancelled: nothing more to deliver to it
    }
  };
  for (const text of plan.stderr) send(err, encoder.encode(`${text}\n`));

  let copying = true;
  const stderrCopied = (async () => {
    try {
      while (true) {
        const { value, done } = await errReader.read();
        if (done || !copying) return;
        send(err, value);
      }
    } catch {
      // the process's stderr failed: nothing more comes from it
    }
  })();

  let exited = false;
  process.status.then(() => exited = true, () => exited = true);

  /**
   * `running`: output passes on; `ending`: a fault ends the run; `stalled`: silent until a
   * signal; `done`: the status is settled.
   */
  let phase: "running" | "ending" | "stalled" | "done" = "running";
  /** A signal that ends the run here: sent once `process` had exited, or while a fault ends it. */
  let cut: Deno.Signal | undefined;
  let wake: (() => void) | undefined;
  let endStall: ((status: ProcessStatus) => void) | undefined;
  let keepAlive: ReturnType<typeof setInterval> | undefined;
  let unrefd = false;

  /** Stops `process` and its pipes, and waits until it has ended. */
  const stopProcess = async () => {
    process.kill("SIGKILL");
    copying = false;
    await Promise.all([
      outReader.cancel().catch(() => {}),
      errReader.cancel().catch(() => {}),
      stderrCopied,
      process.status.catch(() => undefined),
    ]);
  };

  /** Waits the latency before a line; false when a signal ended the run meanwhile. */
  const pace = async (): Promise<boolean> => {
    if (plan.latencyMs > 0 && cut === undefined) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, plan.latencyMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
    return cut === undefined;
  };

  const stall = (): Promise<ProcessStatus> => {
    if (cut !== undefined) return Promise.resolve(killedBy(cut));
    phase = "stalled";
    // A stalled process keeps its host alive, as a silent child does.
    keepAlive = setInterval(() => {}, 2 ** 30);
    if (unrefd) Deno.unrefTimer(keepAlive);
    return new Promise((resolve) => endStall = resolve);
  };

  const apiError = async (recorded: RecordedApiError, sessionId: string | undefined) => {
    for (const line of recorded.stdout) {
      if (!await pace()) return killedBy(cut!);
      send(out, encoder.encode(`${withSessionId(line, sessionId)}\n`));
    }
    for (const line of recorded.stderr) send(err, encoder.encode(`${line}\n`));
    return { code: recorded.code, signal: null };
  };

  /** Ends the run as the plan's end says. */
  const end = async (
    fault: FaultEnd,
    sessionId: string | undefined,
  ): Promise<ProcessStatus> => {
    phase = "ending";
    await stopProcess();
    if (fault.kind === "status") return fault.status; // a signal after the crash changes nothing
    if (fault.kind === "stall") return await stall();
    return await apiError(await fault.recorded(), sessionId);
  };

  const pump = async (): Promise<ProcessStatus> => {
    const fault = plan.end;
    const lines = new LineSplitter();
    let count = 0;
    let sessionId: string | undefined;
    /** Passes `line` on, or ends the run at it: a status when it ended. */
    const take = async (line: Uint8Array): Promise<ProcessStatus | undefined> => {
      if (fault?.kind === "api-error") {
        const type = lineType(line);
        if (!BEFORE_THE_REQUEST.has(type.type ?? "")) return await end(fault, sessionId);
        sessionId ??= type.sessionId;
      }
      if (!await pace()) {
        await stopProcess();
        return killedBy(cut!);
      }
      send(out, line);
      count++;
      if (fault && fault.kind !== "api-error" && count === fault.lines) {
        return await end(fault, sessionId);
      }
      return undefined;
    };
    if (fault && fault.kind !== "api-error" && fault.lines === 0) {
      return await end(fault, undefined);
    }
    while (true) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await outReader.read();
      } catch {
        break; // the process's stdout failed: its status says why
      }
      if (chunk.done) break;
      for (const line of lines.push(chunk.value)) {
        const ended = await take(line);
        if (ended) return ended;
      }
    }
    const rest = lines.end();
    if (rest) {
      const ended = await take(rest);
      if (ended) return ended;
    }
    await stderrCopied;
    return await process.status;
  };

  const finish = () => {
    phase = "done";
    clearInterval(keepAlive);
    for (const controller of [out, err]) {
      try {
        controller.close();
      } catch {
        // already cancelled by the reader
      }
    }
  };
  const status = pump().then((status) => {
    finish();
    return status;
  }, (error) => {
    finish();
    throw error;
  });

  const faulted: ClaudeProcess = {
    pid: process.pid,
    stdin: process.stdin,
    stdout,
    stderr,
    status,
    kill(signal: Deno.Signal = "SIGTERM") {
      if (phase === "done") return;
      if (phase === "stalled") {
        endStall?.(killedBy(signal));
      } else if (phase === "running" && !exited) {
        process.kill(signal);
      } else if (phase === "ending" || plan.latencyMs > 0) {
        // A fault is ending the run, or the process has exited and only paced lines are left.
        cut ??= signal;
        wake?.();
      } else {
        // The process has exited: what it printed is all there to read, as in a pipe.
      }
    },
    async [Symbol.asyncDispose]() {
      faulted.kill();
      await status;
    },
  };
  if (process.unref && process.ref) {
    const { unref, ref } = { unref: process.unref.bind(process), ref: process.ref.bind(process) };
    faulted.unref = () => {
      unrefd = true;
      if (keepAlive !== undefined) Deno.unrefTimer(keepAlive);
      unref();
    };
    faulted.ref = () => {
      unrefd = false;
      if (keepAlive !== undefined) Deno.refTimer(keepAlive);
      ref();
    };
  }
  return faulted;
}

/** `line` (a JSON line) with its `session_id` set to `sessionId`, when it has one to set. */
function withSessionId(line: string, sessionId: string | undefined): string {
  if (sessionId === undefined) return line;
  const value = parseObject(line);
  return value && "session_id" in value
    ? JSON.stringify({ ...value, session_id: sessionId })
    : line;
}

/** The `type` of a JSON line, and its `session_id` when it is `system/init`. */
function lineType(line: Uint8Array): { type?: string; sessionId?: string } {
  const { type, subtype, session_id } = parseObject(new TextDecoder().decode(line)) ?? {};
  if (typeof type !== "string") return {};
  const init = type === "system" && subtype === "init" && typeof session_id === "string";
  return init ? { type, sessionId: session_id } : { type };
}

/** Splits bytes into `\n`-ended lines, keeping a partial line's chunks until it ends. */
class LineSplitter {
  #pending: Uint8Array[] = [];

  /** The lines `chunk` completes, each with its newline. */
  *push(chunk: Uint8Array): Generator<Uint8Array> {
    let start = 0;
    for (let newline = chunk.indexOf(10); newline !== -1; newline = chunk.indexOf(10, start)) {
      this.#pending.push(chunk.subarray(start, newline + 1));
      yield this.#take();
      start = newline + 1;
    }
    if (start < chunk.length) this.#pending.push(chunk.subarray(start));
  }

  /** The last line, when the bytes ended without a newline. */
  end(): Uint8Array | undefined {
    return this.#pending.length === 0 ? undefined : this.#take();
  }

  #take(): Uint8Array {
    const pieces = this.#pending;
    this.#pending = [];
    if (pieces.length === 1) return pieces[0]!;
    const line = new Uint8Array(pieces.reduce((sum, piece) => sum + piece.length, 0));
    let at = 0;
    for (const piece of pieces) {
      line.set(piece, at);
      at += piece.length;
    }
    return line;
  }
}
