/**
 * Auto mode for runs whose first input comes on stdin (the Agent SDKs': every run has the same
 * argv). Which recording fits is only known once that input arrives, after the host's first
 * control requests (an `initialize`) were already answered from a recording. When no recording
 * fits, the run is recorded from there: the real CLI is started, gets every stdin line the host
 * wrote so far, and its answers to the control requests the replay already answered are dropped
 * (the host has them); everything else it prints passes through.
 */
import type { ClaudeProcess, ProcessStatus } from "../process/spawn.ts";
import { controlResponseId } from "./_control_lines.ts";
import { LineCollector } from "./_line_tap.ts";

/**
 * A process that is `replay` while it matches, and becomes the recording `record()` starts when
 * it misses before printing anything but answers to control requests. A later miss stands.
 */
export function replayOrRecord(
  replay: ClaudeProcess,
  record: () => ClaudeProcess | Promise<ClaudeProcess>,
): ClaudeProcess {
  // Only answers to control requests may have been printed for the run to become a recording.
  const answered = new Set<string>();
  let switchable = true;
  const written: Uint8Array[] = [];
  let stdinClosed = false;
  let current = replay;
  let writer = replay.stdin.getWriter();
  // While the real CLI catches up on what was written, new lines queue behind those.
  let catchingUp = false;
  const stdin = new WritableStream<Uint8Array>({
    async write(chunk) {
      if (switchable || catchingUp) written.push(chunk); // kept while a recording may need them
      if (!catchingUp) await writer.write(chunk).catch(() => {}); // an ended replay reads no more
    },
    async close() {
      stdinClosed = true;
      if (!catchingUp) await writer.close().catch(() => {});
    },
  });

  const watch = new LineCollector((line) => {
    const id = controlResponseId(line);
    if (id === undefined) switchable = false;
    else answered.add(id);
  });
  const out = new TransformStream<Uint8Array, Uint8Array>();
  const err = new TransformStream<Uint8Array, Uint8Array>();
  const outWriter = out.writable.getWriter();
  const errWriter = err.writable.getWriter();
  const copy = async (
    stream: ReadableStream<Uint8Array>,
    to: WritableStreamDefaultWriter<Uint8Array>,
    seen?: (chunk: Uint8Array) => void,
  ) => {
    for await (const chunk of stream) {
      seen?.(chunk);
      await to.write(chunk);
    }
  };

  const status = (async (): Promise<ProcessStatus> => {
    const [replayed] = await Promise.all([
      replay.status,
      copy(replay.stdout, outWriter, (chunk) => watch.push(chunk)).catch(() => {}),
      copy(replay.stderr, errWriter).catch(() => {}),
    ]);
    try {
      if (!replayed.failure || !switchable) return replayed;
      catchingUp = true;
      const real = await record(); // throws when there is no real CLI to record with
      current = real;
      writer = real.stdin.getWriter();
      for (const chunk of written) await writer.write(chunk).catch(() => {}); // sees new ones too
      catchingUp = false;
      if (stdinClosed) await writer.close().catch(() => {});
      await Promise.all([
        copy(real.stdout.pipeThrough(dropAnswers(answered)), outWriter),
        copy(real.stderr, errWriter),
      ]).catch(() => {});
      return await real.status;
    } finally {
      await Promise.all([outWriter.close(), errWriter.close()]).catch(() => {});
    }
  })();
  // Its reader awaits it once the output has ended: until then a failure is not unhandled.
  status.catch(() => {});

  return {
    pid: undefined,
    stdin,
    stdout: out.readable,
    stderr: err.readable,
    status,
    kill: (signal) => current.kill(signal),
    async [Symbol.asyncDispose]() {
      current.kill();
      await status;
    },
  };
}

/** Drops, once each, the control_response lines answering the ids in `ids`. */
function dropAnswers(ids: Set<string>): TransformStream<Uint8Array, Uint8Array> {
  const encoder = new TextEncoder();
  let controller!: TransformStreamDefaultController<Uint8Array>;
  const lines = new LineCollector((line, eol) => {
    const id = controlResponseId(line);
    if (id !== undefined && ids.delete(id)) return;
    controller.enqueue(encoder.encode(eol ? `${line}\n` : line));
  });
  return new TransformStream({
    start: (c) => void (controller = c),
    transform: (chunk) => lines.push(chunk),
    flush: () => lines.end(),
  });
}
