/**
 * A child process standing in for this one: what `claw record` and the fake claude do with the
 * CLI they run.
 *
 * @module
 */
import { standIn } from "./_live_children.ts";
import type { ClaudeProcess, ProcessStatus } from "./spawn.ts";

/** What {@linkcode bridgeStdio} tells its caller as it happens. */
export interface BridgeEvents {
  /** This process got `signal`, and passed it on to the child. */
  onSignal?: (signal: Deno.Signal) => void;
  /** This process's stdout closed under it (its reader went away); the child was sent SIGTERM. */
  onStdoutClosed?: () => void;
}

/** The signals passed on to the child. */
const FORWARDED: readonly Deno.Signal[] = ["SIGINT", "SIGTERM", "SIGHUP"];

/**
 * Wires `child` to this process's stdio until it ends: stdin goes in; stdout and stderr come out;
 * SIGINT, SIGTERM and SIGHUP are passed on, so the child's own answer to them (a CLI prints an
 * interrupted result for SIGINT) is what ends it. When stdout closes under it (the parent stopped
 * reading), the child is sent SIGTERM, as it would have been by the pipe, and its output is still
 * read to the end, so a recorder wrapped around it sees the whole run. Returns the child's status.
 *
 * @example Stand in for the CLI, as `claw record` does
 * ```ts ignore
 * import { denoSpawner } from "./deno_spawner.ts";
 * import { bridgeStdio } from "./stdio_bridge.ts";
 *
 * const child = await denoSpawner({ command: "claude", args: Deno.args, env: Deno.env.toObject() });
 * const status = await bridgeStdio(child);
 * ```
 */
export async function bridgeStdio(
  child: ClaudeProcess,
  events: BridgeEvents = {},
): Promise<ProcessStatus> {
  const handlers = FORWARDED.map((signal) => {
    const handler = () => {
      events.onSignal?.(signal);
      child.kill(signal);
    };
    return [signal, handler] as const;
  });
  for (const [signal, handler] of handlers) listen(signal, handler);
  const release = standIn();
  try {
    Deno.stdin.readable.pipeTo(child.stdin).catch(() => {});
    let closed = false;
    const out = async (stream: ReadableStream<Uint8Array>, target: WritableStream<Uint8Array>) => {
      try {
        await stream.pipeTo(target, { preventClose: true, preventCancel: true });
      } catch {
        if (target === Deno.stdout.writable && !closed) {
          closed = true;
          events.onStdoutClosed?.();
          child.kill("SIGTERM");
        }
        await stream.pipeTo(new WritableStream()).catch(() => {});
      }
    };
    await Promise.all([
      out(child.stdout, Deno.stdout.writable),
      out(child.stderr, Deno.stderr.writable),
    ]);
    return await child.status;
  } finally {
    release();
    for (const [signal, handler] of handlers) unlisten(signal, handler);
  }
}

function listen(signal: Deno.Signal, handler: () => void): void {
  try {
    Deno.addSignalListener(signal, handler);
  } catch {
    // a signal this platform cannot listen for (SIGHUP on Windows)
  }
}

function unlisten(signal: Deno.Signal, handler: () => void): void {
  try {
    Deno.removeSignalListener(signal, handler);
  } catch {
    // never added
  }
}
