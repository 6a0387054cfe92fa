/**
 * A response body written piece by piece (SSE frames, or halves of a JSON body), so a script can
 * pause between two pieces or drop the connection after one.
 *
 * @module
 */
import { delay } from "./_delay.ts";

/**
 * What a paced body fails with to drop the connection on purpose. Deno's server then ends the
 * response without its final chunk and closes the socket; it reports the error to `onError`,
 * which ignores this one.
 */
export class FakeDisconnect extends Error {
  /** Creates the error; `sent` is the number of pieces written before the drop. */
  constructor(sent: number) {
    super(`Fake API dropped the connection after ${sent} events, as scripted`);
    this.name = "FakeDisconnect";
  }
}

/** How a paced body misbehaves. */
export interface PaceOptions {
  /** Pause after this many pieces (together with `stallMs`). */
  stallAfter?: number;
  /** Length of the pause in milliseconds. */
  stallMs?: number;
  /** Drop the connection after this many pieces. */
  disconnectAfter?: number;
  /** The server's shutdown signal: cuts a pause short and ends the body. */
  signal: AbortSignal;
}

/**
 * A byte stream of `pieces`, one piece per read. Its high-water mark is 0, so a piece is produced
 * only once the server has taken the previous one: a pause or a drop happens after exactly the
 * pieces before it went out.
 */
export function pacedBody(
  pieces: readonly string[],
  options: PaceOptions,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const cancelled = new AbortController();
  const signal = AbortSignal.any([options.signal, cancelled.signal]);
  let sent = 0;
  let stalled = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!stalled && options.stallMs !== undefined && sent === options.stallAfter) {
        stalled = true;
        await delay(options.stallMs, signal);
      }
      // The client went away: the stream is already closed.
      if (cancelled.signal.aborted) return;
      if (signal.aborted) return controller.close();
      if (sent === options.disconnectAfter) return controller.error(new FakeDisconnect(sent));
      const piece = pieces[sent++];
      if (piece === undefined) return controller.close();
      controller.enqueue(encoder.encode(piece));
    },
    cancel() {
      cancelled.abort();
    },
  }, { highWaterMark: 0 });
}
