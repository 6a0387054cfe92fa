/**
 * Signalling a child together with everything it started. On Unix the child runs in a process
 * group of its own (its pid is the group id), so a signal to `-pid` reaches every descendant that
 * has not left the group with `setsid`; on Windows only the child itself is reachable.
 */

/** Whether children get a process group of their own (Unix). */
export const OWN_PROCESS_GROUP = Deno.build.os !== "windows";

/**
 * Sends `signal` to the process group led by `pid`; quietly does nothing when the group is empty.
 * `fallback` signals the child alone where there are no process groups.
 */
export function signalGroup(pid: number, signal: Deno.Signal, fallback: () => void): void {
  try {
    if (OWN_PROCESS_GROUP) Deno.kill(-pid, signal);
    else fallback();
  } catch {
    // nobody left in the group
  }
}
