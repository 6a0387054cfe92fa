/**
 * Recording: a spawner that passes a real run through untouched and saves it as a cassette.
 *
 * @module
 */
import type { ClaudeProcess, Spawner, SpawnRequest } from "../process/spawn.ts";
import {
  type Cassette,
  CASSETTE_FORMAT,
  cassetteKey,
  type CassetteRecord,
  serializeCassette,
  stdoutRecord,
} from "./cassette.ts";
import { lineTap } from "./_line_tap.ts";
import { redactionRules, redactLine, redactText, type RunPlaces } from "./redact.ts";

/** Variables whose names (never values) a cassette header lists: those that configure the CLI. */
const CONFIG_VARIABLE =
  /^(ANTHROPIC_|CLAUDE_|DISABLE_|IS_SANDBOX$|API_TIMEOUT_MS$|MCP_|HTTPS?_PROXY$|NO_PROXY$|HOME$)/;

/** Where a finished recording goes. */
export interface RecordOptions {
  /** Receives the finished, redacted cassette. */
  save: (cassette: Cassette) => void | Promise<void>;
}

/**
 * The machine-specific values of a request, for redaction and for matching: its HOME, cwd, TMPDIR
 * and the port of a fake API on 127.0.0.1.
 *
 * @example
 * ```ts
 * import { placesOf } from "./recorder.ts";
 *
 * const places = placesOf({ command: "claude", args: [], cwd: "/w", env: { HOME: "/h", ANTHROPIC_BASE_URL: "http://127.0.0.1:4000" } });
 * console.assert(places.port === 4000 && places.cwd === "/w" && places.home === "/h");
 * ```
 */
export function placesOf(request: SpawnRequest): RunPlaces {
  const port = /^https?:\/\/(?:127\.0\.0\.1|localhost):(\d+)/.exec(
    request.env.ANTHROPIC_BASE_URL ?? "",
  )?.[1];
  const places: RunPlaces = { cwd: request.cwd ?? Deno.cwd() };
  if (request.env.HOME) places.home = request.env.HOME;
  if (request.env.TMPDIR) places.root = request.env.TMPDIR;
  if (port) places.port = Number(port);
  return places;
}

/** The redacted argv of a request and its matching key. */
export async function requestKey(request: SpawnRequest): Promise<{ argv: string[]; key: string }> {
  const rules = redactionRules(placesOf(request));
  const argv = request.args.map((arg) => redactText(arg, rules));
  return { argv, key: await cassetteKey(argv) };
}

/**
 * Wraps `inner` so that every process it starts is recorded: stdout, stderr and stdin lines with
 * their times, then the exit. The caller sees the process exactly as `inner` made it; the
 * cassette is redacted and handed to `options.save` once the process has exited and its output
 * has been read.
 *
 * @example Record a run of the real CLI to a file
 * ```ts ignore
 * import { denoSpawner } from "../process/deno_spawner.ts";
 * import { run } from "../session/run.ts";
 * import { recordingSpawner, saveCassette } from "./recorder.ts";
 *
 * const spawner = recordingSpawner(denoSpawner, { save: saveCassette("cassettes/hello.ndjson") });
 * await run("Say hello", { spawner, cli: "claude" }).result();
 * ```
 */
export function recordingSpawner(inner: Spawner, options: RecordOptions): Spawner {
  return (request) => {
    const started = performance.now();
    const at = () => Math.round((performance.now() - started) * 10) / 10;
    const rules = redactionRules(placesOf(request));
    const records: CassetteRecord[] = [];
    let cliVersion: string | null = null;
    const process = inner(request);

    const stdout = lineTap((line, eol) => {
      const record = stdoutRecord(at(), redactLine(line, rules), eol);
      if ("stdout" in record && record.stdout.subtype === "init") {
        const version = record.stdout.claude_code_version;
        if (typeof version === "string") cliVersion = version;
      }
      records.push(record);
    });
    const stderr = lineTap((line, eol) => {
      records.push(
        eol
          ? { t: at(), stderr: redactText(line, rules) }
          : { t: at(), stderr: redactText(line, rules), eol: false },
      );
    });
    const stdinLines = lineTap((line, eol) => {
      records.push(
        eol
          ? { t: at(), stdin: redactLine(line, rules) }
          : { t: at(), stdin: redactLine(line, rules), eol: false },
      );
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

    const status = (async () => {
      const status = await process.status;
      const exitedAt = at();
      await Promise.all([stdout.done, stderr.done]);
      const { argv, key } = await requestKey(request);
      await options.save({
        header: {
          type: "claw_cassette",
          format: CASSETTE_FORMAT,
          key,
          cli_version: cliVersion,
          argv,
          env: Object.keys(request.env).filter((name) => CONFIG_VARIABLE.test(name)).sort(),
          cwd: "$CWD",
          recorded_at: new Date().toISOString(),
        },
        records: [...records, { t: exitedAt, exit: { code: status.code, signal: status.signal } }],
      });
      return status;
    })();

    const recorded: ClaudeProcess = {
      pid: process.pid,
      stdin,
      stdout: process.stdout.pipeThrough(stdout.stream),
      stderr: process.stderr.pipeThrough(stderr.stream),
      status,
      kill: (signal) => process.kill(signal),
      [Symbol.asyncDispose]: () => process[Symbol.asyncDispose](),
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
    const folder = path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : ".";
    await Deno.mkdir(folder, { recursive: true });
    const temporary = `${path}.tmp-${crypto.randomUUID()}`;
    await Deno.writeTextFile(temporary, serializeCassette(cassette));
    await Deno.rename(temporary, path);
  };
}
