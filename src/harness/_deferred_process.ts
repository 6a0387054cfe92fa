/** A process whose implementation is chosen asynchronously (a cassette lookup), behind the seam. */
import type { ClaudeProcess } from "../process/spawn.ts";

/**
 * A process whose real implementation is decided asynchronously. Errors in deciding (a cassette
 * miss) surface as a failed start: stderr says `claw cassette miss: …` and the exit code is 1.
 */
export function deferredProcess(start: () => Promise<ClaudeProcess>): ClaudeProcess {
  const pending = start();
  const stdin = new TransformStream<Uint8Array, Uint8Array>();
  const stdout = new TransformStream<Uint8Array, Uint8Array>();
  const stderr = new TransformStream<Uint8Array, Uint8Array>();
  const status = pending.then(
    (process) => {
      stdin.readable.pipeTo(process.stdin).catch(() => {});
      process.stdout.pipeTo(stdout.writable).catch(() => {});
      process.stderr.pipeTo(stderr.writable).catch(() => {});
      return process.status;
    },
    async (error: unknown) => {
      // Not awaited: the message waits in the stream for a reader, as a real process's pipe would.
      const writer = stderr.writable.getWriter();
      const message = `claw cassette miss: ${error instanceof Error ? error.message : error}\n`;
      writer.write(new TextEncoder().encode(message)).catch(() => {});
      writer.close().catch(() => {});
      await stdout.writable.close().catch(() => {});
      await stdin.readable.cancel();
      return { code: 1, signal: null };
    },
  );
  return {
    pid: undefined,
    stdin: stdin.writable,
    stdout: stdout.readable,
    stderr: stderr.readable,
    status: status as ClaudeProcess["status"],
    kill(signal) {
      pending.then((process) => process.kill(signal), () => {});
    },
    async [Symbol.asyncDispose]() {
      await pending.then((process) => process[Symbol.asyncDispose](), () => {});
    },
  };
}
