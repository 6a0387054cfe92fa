/**
 * Graceful-then-forceful shutdown of a process: stdin EOF, grace, SIGTERM, SIGKILL, reap.
 *
 * @module
 */
import { settlesWithin } from "./deadline.ts";
import type { ClaudeProcess, ProcessStatus } from "./spawn.ts";

/** How long each step of {@linkcode shutdown} waits before escalating. */
export interface ShutdownOptions {
  /** After closing stdin, how long to wait for a voluntary exit. Default 0. */
  graceMs?: number;
  /** After SIGTERM, how long to wait before SIGKILL. Default 3000. */
  termMs?: number;
}

/**
 * Stops `process` and waits until it is reaped: closes stdin, waits `graceMs`, sends SIGTERM,
 * waits `termMs`, then sends SIGKILL. Always resolves with the final status.
 *
 * @example Stop a sleeping process
 * ```ts
 * import { ok as assert } from "node:assert";
 * import { denoSpawner } from "./deno_spawner.ts";
 * import { shutdown } from "./shutdown.ts";
 *
 * const child = denoSpawner({ command: "sleep", args: ["30"], env: { PATH: Deno.env.get("PATH") ?? "" } });
 * const status = await shutdown(child, { graceMs: 10 });
 * assert(status.signal === "SIGTERM");
 * ```
 */
export async function shutdown(
  process: ClaudeProcess,
  options: ShutdownOptions = {},
): Promise<ProcessStatus> {
  const { graceMs = 0, termMs = 3000 } = options;
  await closeQuietly(process.stdin);
  if (await settlesWithin(process.status, graceMs)) return process.status;
  process.kill("SIGTERM");
  if (await settlesWithin(process.status, termMs)) return process.status;
  process.kill("SIGKILL");
  return process.status;
}

async function closeQuietly(stdin: WritableStream<Uint8Array>): Promise<void> {
  if (stdin.locked) return; // a writer owns it and closes it itself
  try {
    await stdin.close();
  } catch {
    // already closed or errored: nothing to do
  }
}
