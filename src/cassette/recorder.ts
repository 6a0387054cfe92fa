/**
 * Recording: a spawner that passes a real run through untouched and saves it as a cassette.
 *
 * @module
 */
import { cliVersionOf } from "../protocol/events.ts";
import { type ClaudeProcess, cliNeedOf, type Spawner, withCliNeed } from "../process/spawn.ts";
import { writeAtomic } from "../process/write_atomic.ts";
import {
  type Cassette,
  cassetteHeader,
  type CassetteRecord,
  serializeCassette,
} from "./cassette.ts";
import { lineTap } from "./_line_tap.ts";
import { redactRecords } from "./_redact_records.ts";
import { asksVersion, requestKey, requestRules } from "./request.ts";
import { provenance } from "./_provenance.ts";
import { runInput } from "./run_input.ts";
import { messageOf } from "../errors/message_of.ts";

/** Variables whose names (never values) a cassette header lists: those that configure the CLI. */
const CONFIG_VARIABLE =
  /^(ANTHROPIC_|CLAUDE_|DISABLE_|IS_SANDBOX$|API_TIMEOUT_MS$|MCP_|HTTPS?_PROXY$|NO_PROXY$|HOME$)/;

/** Where a finished recording goes. */
export interface RecordOptions {
  /** Receives the finished, redacted cassette. */
  save: (cassette: Cassette) => void | Promise<void>;
  /**
   * Why the host signalled the process, when it knows (`{ reason: "stdout closed" }`): asked
   * once at save time for a run that was signalled, and added to the header's `interrupted`.
   */
  interruption?: () => { reason?: string } | undefined;
}

/**
 * Wraps `inner` so that every process it starts is recorded: stdout, stderr and stdin lines with
 * their times, each signal sent through `kill()` (an abort, a dispose, a forwarded Ctrl-C: the
 * header is then marked `interrupted`), then the exit. The caller sees the process exactly as
 * `inner` made it; the cassette is redacted as a whole (so a secret split over several lines is found too) and handed
 * to `options.save` once the process has exited and its output has been read. A `--version`
 * probe (a run explaining its failure asks one) passes through unrecorded, so it never takes the
 * place of the run's cassette. It needs of an installed `claude` what `inner` needs (see
 * `CliNeed`): over `denoSpawner`, `run()` finds the real CLI as it does without a spawner (the
 * `cli` option, `CLAUDE_CLI_PATH`, `PATH`, the usual locations).
 *
 * @example Record a run of the real CLI to a file
 * ```ts ignore
 * import { denoSpawner } from "../process/deno_spawner.ts";
 * import { run } from "../session/run.ts";
 * import { recordingSpawner, saveCassette } from "./recorder.ts";
 *
 * const spawner = recordingSpawner(denoSpawner, { save: saveCassette("cassettes/hello.ndjson") });
 * await run("Say hello", { spawner }).result();
 * ```
 */
export function recordingSpawner(inner: Spawner, options: RecordOptions): Spawner {
  return withCliNeed(recording(inner, options), cliNeedOf(inner));
}

/** {@linkcode recordingSpawner}'s spawner, before it says what it needs. */
function recording(inner: Spawner, options: RecordOptions): Spawner {
  return async (request) => {
    if (asksVersion(request.args)) return await inner(request);
    const started = performance.now();
    const at = () => Math.round((performance.now() - started) * 10) / 10;
    const rules = requestRules(request);
    // Lines are kept as the process printed them: the whole run is redacted when it is saved, so
    // that a secret split over several lines (the deltas of one content block) is found.
    const records: CassetteRecord[] = [];
    const process = await inner(request);

    const stdout = lineTap((line, eol) => {
      records.push(eol ? { t: at(), stdout_raw: line } : { t: at(), stdout_raw: line, eol: false });
    });
    const stderr = lineTap((line, eol) => {
      records.push(eol ? { t: at(), stderr: line } : { t: at(), stderr: line, eol: false });
    });
    const stdinLines = lineTap((line, eol) => {
      records.push(eol ? { t: at(), stdin: line } : { t: at(), stdin: line, eol: false });
    });
    const stdinWriter = stdinLines.stream.writable.getWriter();
    stdinLines.stream.readable.pipeTo(process.stdin).catch(() => {});

    const stdin = new WritableStream<Uint8Array>({
      write: (chunk) => stdinWriter.write(chunk),
      close: async () => {
        await stdinWriter.close();
        records.push({ t: at(), stdin_eof: true });
      },
      abort: (reason) => stdinWriter.abort(reason),
    });

    // Each signal is recorded once, the first time it is sent.
    const signalled = new Set<string>();
    let killed: { signal: string; t: number } | undefined;
    let exited = false;
    const status = (async () => {
      const status = await process.status;
      exited = true;
      const exitedAt = at();
      await Promise.all([stdout.done, stderr.done]);
      // Output read after the exit was written before it: keep the times in order.
      const exitAt = Math.max(exitedAt, records.at(-1)?.t ?? 0);
      const { argv } = await requestKey(request);
      const exit = { t: exitAt, exit: { code: status.code, signal: status.signal } };
      const redacted = redactRecords([...records, exit], rules);
      const stdinLines = redacted.flatMap((record) => "stdin" in record ? [record.stdin] : []);
      const input = runInput(argv, stdinLines);
      await options.save({
        header: await cassetteHeader(argv, {
          cli_version: redacted.reduce<string | null>(
            (found, record) => ("stdout" in record ? cliVersionOf(record.stdout) : null) ?? found,
            null,
          ),
          env: Object.keys(request.env).filter((name) => CONFIG_VARIABLE.test(name)).sort(),
          ...(input === undefined ? {} : { input }),
          ...provenance(request.env),
          ...(killed ? { interrupted: { ...killed, ...options.interruption?.() } } : {}),
        }),
        records: redacted,
      });
      return status;
    })();

    const recorded: ClaudeProcess = {
      pid: process.pid,
      stdin,
      stdout: process.stdout.pipeThrough(stdout.stream),
      stderr: process.stderr.pipeThrough(stderr.stream),
      status,
      kill: (signal = "SIGTERM") => {
        if (!exited && !signalled.has(signal)) {
          signalled.add(signal);
          const t = at();
          records.push({ t, kill: signal });
          killed ??= { signal, t };
        }
        process.kill(signal);
      },
      unref: () => process.unref?.(),
      ref: () => process.ref?.(),
      [Symbol.asyncDispose]: async () => {
        if (!exited) recorded.kill("SIGTERM");
        await process[Symbol.asyncDispose]();
      },
    };
    return recorded;
  };
}

/**
 * A `save` function that writes the cassette to `path` (creating folders; atomically, via a
 * temporary file and a rename).
 *
 * @example
 * ```ts ignore
 * recordingSpawner(denoSpawner, { save: saveCassette("cassettes/run.ndjson") });
 * ```
 */
export function saveCassette(path: string): (cassette: Cassette) => Promise<void> {
  return async (cassette) => {
    await Deno.mkdir(folderOf(path), { recursive: true });
    await writeAtomic(path, serializeCassette(cassette));
  };
}

/** The longest file name (one part of a path) the file systems claw runs on take, in bytes. */
const NAME_MAX = 255;

/**
 * Checks that a cassette can be saved at `path` (creating its folder), so a recording fails before
 * the run spends anything rather than after it: the folder takes a file, and the name fits. Throws
 * an error that names `path` (or its folder) otherwise; the file itself is not touched.
 *
 * @example
 * ```ts
 * import { rejects } from "node:assert";
 * import { checkWritable } from "./recorder.ts";
 *
 * await rejects(checkWritable("/proc/nope/run.ndjson"));
 * await rejects(checkWritable(`/tmp/${"x".repeat(300)}.ndjson`), /File name too long/);
 * ```
 */
export async function checkWritable(path: string): Promise<void> {
  const name = path.slice(path.lastIndexOf("/") + 1);
  const bytes = new TextEncoder().encode(name).length;
  if (bytes > NAME_MAX) {
    throw new Error(
      `File name too long: "${path}" has a name of ${bytes} bytes, and at most ${NAME_MAX} fit`,
    );
  }
  const folder = folderOf(path);
  await Deno.mkdir(folder, { recursive: true });
  const probe = `${folder}/.claw-write-check-${crypto.randomUUID().slice(0, 8)}`;
  try {
    await Deno.writeTextFile(probe, "");
    await Deno.remove(probe);
  } catch (error) {
    // Said of the folder: the probe is claw's own file, not one the user named.
    const message = messageOf(error);
    throw new Error(message.replaceAll(probe, folder), { cause: error });
  }
}

/** The folder a file path is in (`.` for a bare name). */
function folderOf(path: string): string {
  return path.includes("/") ? path.slice(0, path.lastIndexOf("/")) || "/" : ".";
}
