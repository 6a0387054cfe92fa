/**
 * The real process implementation of the seam, on `Deno.Command`.
 *
 * @module
 */
import { trackChild } from "./_live_children.ts";
import { PipeReader } from "./_pipe_reader.ts";
import { OWN_PROCESS_GROUP, signalGroup } from "./_process_group.ts";
import { settlesWithin } from "./deadline.ts";
import { shutdown } from "./shutdown.ts";
import {
  type ClaudeProcess,
  type OutputPipe,
  type ProcessStatus,
  type SpawnRequest,
  withCliNeed,
} from "./spawn.ts";

/**
 * How long the pipes may stay open after the child has exited (something it started still holds
 * them) before that something is killed and claw stops reading.
 */
export const PIPE_LINGER_MS = 300;

/**
 * Starts a real process with piped stdio and a fully specified environment.
 *
 * Nothing it starts can keep claw waiting or outlive it:
 * - On Unix the child leads a process group of its own; {@linkcode ClaudeProcess.kill} signals the
 *   whole group, so wrappers without `exec` (npm shims, version managers) and the tools the CLI
 *   started go down with it.
 * - Once the child has exited, its pipes get {@linkcode PIPE_LINGER_MS} to close (`status.heldOpen`
 *   names those that did not); then what is left of its group gets SIGTERM and SIGKILL, and a pipe
 *   still held open after that (by a descendant that left the group with `setsid`, which claw
 *   cannot reach) is let go of, so readers see its end and nothing keeps claw waiting.
 * - If the host receives SIGINT/SIGTERM or unloads, the group is killed.
 *
 * It starts the real CLI: `run()` finds it first (its `cli` option, `CLAUDE_CLI_PATH`, `PATH`, the
 * usual locations) and passes its path as the `command` (see `CliNeed`).
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
    detached: OWN_PROCESS_GROUP,
  }).spawn();
  const pipes = { stdout: new PipeReader(child.stdout), stderr: new PipeReader(child.stderr) };
  const signal = (name: Deno.Signal) => signalGroup(child.pid, name, () => child.kill(name));
  let settled = false;
  const status = child.status.then(async (exit): Promise<ProcessStatus> => {
    const heldOpen = await settlePipes(pipes, signal);
    settled = true;
    return { code: exit.code, signal: exit.signal, ...(heldOpen.length ? { heldOpen } : {}) };
  });
  const process: ClaudeProcess = {
    pid: child.pid,
    stdin: child.stdin,
    stdout: pipes.stdout.stream,
    stderr: pipes.stderr.stream,
    status,
    kill(name: Deno.Signal = "SIGTERM") {
      if (!settled) signal(name);
    },
    unref: () => child.unref(),
    ref: () => child.ref(),
    async [Symbol.asyncDispose]() {
      await shutdown(process);
      await Promise.allSettled([cancelUnread(process.stdout), cancelUnread(process.stderr)]);
    },
  };
  trackChild(process);
  return process;
}
withCliNeed(denoSpawner, "always");

/**
 * After the child has exited: reads what is left in its pipes, gives whatever of its group still
 * writes to them {@linkcode PIPE_LINGER_MS} to finish, then lets the rest of the group go (SIGTERM,
 * another {@linkcode PIPE_LINGER_MS} when it holds a pipe, SIGKILL) and lets go of any pipe still
 * held open. Returns the pipes that were held open.
 */
async function settlePipes(
  pipes: Record<OutputPipe, PipeReader>,
  signal: (name: Deno.Signal) => void,
): Promise<OutputPipe[]> {
  const readers = Object.values(pipes);
  for (const reader of readers) reader.readEagerly();
  const allEnded = Promise.all(readers.map((reader) => reader.ended));
  await settlesWithin(allEnded, PIPE_LINGER_MS);
  const heldOpen = (Object.keys(pipes) as OutputPipe[]).filter((name) => !pipes[name].atEnd);
  signal("SIGTERM");
  if (heldOpen.length > 0) await settlesWithin(allEnded, PIPE_LINGER_MS);
  signal("SIGKILL");
  if (readers.some((reader) => !reader.atEnd)) {
    // Only a process that left the group (setsid) can hold them now: stop reading.
    await settlesWithin(allEnded, 100);
    for (const reader of readers) reader.letGo();
    await allEnded;
  }
  return heldOpen;
}

async function cancelUnread(stream: ReadableStream<Uint8Array>): Promise<void> {
  if (stream.locked) return;
  await stream.cancel();
}
