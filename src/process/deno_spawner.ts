/**
 * The real process implementation of the seam, on `Deno.Command`.
 *
 * @module
 */
import { trackChild } from "./_live_children.ts";
import { shutdown } from "./shutdown.ts";
import type { ClaudeProcess, ProcessStatus, SpawnRequest } from "./spawn.ts";

/**
 * Starts a real process with piped stdio and a fully specified environment. The child is killed
 * if the host receives SIGINT/SIGTERM or unloads, so no `claude` outlives its host.
 *
 * @example Run a command and read its output
 * ```ts
 * import { ok as assert } from "node:assert";
 * import { denoSpawner } from "./deno_spawner.ts";
 *
 * await using child = denoSpawner({ command: "echo", args: ["hi"], env: { PATH: Deno.env.get("PATH") ?? "" } });
 * const text = await new Response(child.stdout).text();
 * assert(text === "hi\n");
 * ```
 */
export function denoSpawner(request: SpawnRequest): ClaudeProcess {
  const child = new Deno.Command(request.command, {
    args: request.args,
    env: request.env,
    clearEnv: true,
    ...(request.cwd === undefined ? {} : { cwd: request.cwd }),
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  trackChild(child);
  const status: Promise<ProcessStatus> = child.status.then((s) => ({
    code: s.code,
    signal: s.signal,
  }));
  let exited = false;
  status.finally(() => exited = true);

  const process: ClaudeProcess = {
    pid: child.pid,
    stdin: child.stdin,
    stdout: child.stdout,
    stderr: child.stderr,
    status,
    kill(signal: Deno.Signal = "SIGTERM") {
      if (exited) return;
      try {
        child.kill(signal);
      } catch {
        // exited between the check and the kill
      }
    },
    async [Symbol.asyncDispose]() {
      await shutdown(process);
      await Promise.allSettled([drain(child.stdout), drain(child.stderr)]);
    },
  };
  return process;
}

async function drain(stream: ReadableStream<Uint8Array>): Promise<void> {
  if (stream.locked) return;
  await stream.cancel();
}
