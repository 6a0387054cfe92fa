/**
 * Test helpers: a shell script in place of `claude`, through the spawner seam, for the lifecycle
 * cases the real CLI cannot be made to show on demand (hangs, deaths mid-line, wrappers).
 */
import { denoSpawner } from "./deno_spawner.ts";
import type { Spawner } from "./spawn.ts";

/** A `system/init` line as a stand-in prints it. */
export const INIT_LINE =
  '{"type":"system","subtype":"init","session_id":"s-1","claude_code_version":"2.1.332"}';

/** A successful `result` line whose answer is `done`. */
export const RESULT_LINE =
  '{"duration_ms":5,"type":"result","subtype":"success","is_error":false,"num_turns":1,"result":"done","session_id":"s-1","total_cost_usd":0,"usage":{},"modelUsage":{},"permission_denials":[]}';

/** The shell command that prints {@linkcode INIT_LINE}. */
export const PRINT_INIT = `printf '%s\\n' '${INIT_LINE}'`;

/** The shell command that prints {@linkcode RESULT_LINE}. */
export const PRINT_RESULT = `printf '%s\\n' '${RESULT_LINE}'`;

/** Runs `script` with sh in place of claude; the CLI's argv is passed on as "$@". */
export function shellSpawner(script: string): Spawner {
  return (request) =>
    denoSpawner({ ...request, command: "sh", args: ["-c", script, "claude", ...request.args] });
}

/** Awaits `work` and says how long it took, in milliseconds. */
export async function timed<T>(work: Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const value = await work;
  return [value, performance.now() - started];
}
