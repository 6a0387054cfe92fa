/**
 * Keeps track of the children claw has started so that none outlives the host: on SIGINT or
 * SIGTERM of the host, every live child (with its process group) is killed, then the signal is
 * raised again so the host ends as it would have without claw; on unload, live children get
 * SIGKILL. While the host stands in for a child ({@linkcode standIn}: `claw record`, the fake
 * claude), its signals are the child's to answer, and are left to the code that passes them on.
 */
import type { ClaudeProcess } from "./spawn.ts";

type Child = Pick<ClaudeProcess, "kill" | "status">;

const live = new Set<Child>();
const HOST_SIGNALS: Deno.Signal[] = Deno.build.os === "windows"
  ? ["SIGINT"]
  : ["SIGINT", "SIGTERM"];
let listening = false;

function killAll(): void {
  for (const child of live) child.kill("SIGKILL");
}

let standIns = 0;

/**
 * Marks the host as standing in for a child, which gets the host's SIGINT and SIGTERM passed on
 * (see `stdio_bridge.ts`) instead of being killed; call the returned function when it is over.
 */
export function standIn(): () => void {
  standIns++;
  let done = false;
  return () => {
    if (!done) standIns--;
    done = true;
  };
}

function onHostSignal(signal: Deno.Signal): () => void {
  return () => {
    if (standIns > 0) return;
    killAll();
    live.clear();
    stopListening();
    // Raise it again: with our listener gone the default action ends the host.
    Deno.kill(Deno.pid, signal);
  };
}

const handlers = new Map(HOST_SIGNALS.map((signal) => [signal, onHostSignal(signal)]));

function startListening(): void {
  if (listening) return;
  listening = true;
  for (const [signal, handler] of handlers) Deno.addSignalListener(signal, handler);
  globalThis.addEventListener("unload", killAll);
}

function stopListening(): void {
  if (!listening) return;
  listening = false;
  for (const [signal, handler] of handlers) Deno.removeSignalListener(signal, handler);
  globalThis.removeEventListener("unload", killAll);
}

/** Tracks `child` until it has exited. Signal listeners exist only while some child is live. */
export function trackChild(child: Child): void {
  live.add(child);
  startListening();
  child.status.finally(() => {
    live.delete(child);
    if (live.size === 0) stopListening();
  });
}
