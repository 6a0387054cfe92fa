/** Ending claw the way the process it stood in for ended. */
import type { ProcessStatus } from "../process/spawn.ts";

/**
 * The exit code to return for a child that ended with `status`; a child killed by a signal makes
 * claw die of the same signal first (a shell then sees the same end), 128 + n if it survives it.
 */
export async function exitLike(status: ProcessStatus): Promise<number> {
  if (status.signal) {
    Deno.kill(Deno.pid, status.signal);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  return status.code;
}
