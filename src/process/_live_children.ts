/**
 * Keeps track of the children claw has started so that none outlives the host: on SIGINT or
 * SIGTERM of the host, every live child is killed, then the signal is raised again so the host
 * ends as it would have without claw; on unload, live children get SIGKILL.
 */

const live = new Set<Deno.ChildProcess>();
const HOST_SIGNALS: Deno.Signal[] = Deno.build.os === "windows"
  ? ["SIGINT"]
  : ["SIGINT", "SIGTERM"];
let listening = false;

function killAll(signal: Deno.Signal): void {
  for (const child of live) {
    try {
      child.kill(signal);
    } catch {
      // already exited
    }
  }
}

function onHostSignal(signal: Deno.Signal): () => void {
  return () => {
    killAll("SIGKILL");
    live.clear();
    stopListening();
    // Raise it again: with our listener gone the default action ends the host.
    Deno.kill(Deno.pid, signal);
  };
}

const handlers = new Map(HOST_SIGNALS.map((signal) => [signal, onHostSignal(signal)]));
const onUnload = () => killAll("SIGKILL");

function startListening(): void {
  if (listening) return;
  listening = true;
  for (const [signal, handler] of handlers) Deno.addSignalListener(signal, handler);
  globalThis.addEventListener("unload", onUnload);
}

function stopListening(): void {
  if (!listening) return;
  listening = false;
  for (const [signal, handler] of handlers) Deno.removeSignalListener(signal, handler);
  globalThis.removeEventListener("unload", onUnload);
}

/** Tracks `child` until it exits. Signal listeners exist only while some child is live. */
export function trackChild(child: Deno.ChildProcess): void {
  live.add(child);
  startListening();
  child.status.finally(() => {
    live.delete(child);
    if (live.size === 0) stopListening();
  });
}
