/** The status a replayed process reports when a signal ends it. */
import type { ProcessStatus } from "../process/spawn.ts";

const SIGNAL_NUMBERS: Partial<Record<Deno.Signal, number>> = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGKILL: 9,
  SIGTERM: 15,
};

/** The status of a process killed by `signal`: code 128 + its number (15 for one not listed). */
export function killedBy(signal: Deno.Signal): ProcessStatus {
  return { code: 128 + (SIGNAL_NUMBERS[signal] ?? 15), signal };
}
