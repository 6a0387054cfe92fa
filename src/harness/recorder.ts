/**
 * Recording: a spawner that passes a real run through untouched and saves it as a cassette.
 *
 * @module
 */
import type { ClaudeProcess, Spawner, SpawnRequest } from "../process/spawn.ts";
import {
  type Cassette,
  cassetteHeader,
  cassetteKey,
  type CassetteRecord,
  serializeCassette,
  stdoutRecord,
} from "./cassette.ts";
import { lineTap } from "./_line_tap.ts";
import {
  type RedactionRule,
  redactionRules,
  redactLine,
  redactText,
  type RunPlaces,
} from "./redact.ts";

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
 * import { ok as assert } from "node:assert";
 * import { placesOf } from "./recorder.ts";
 *
 * const places = placesOf({ command: "claude", args: [], cwd: "/w", env: { HOME: "/h", ANTHROPIC_BASE_URL: "http://127.0.0.1:4000" } });
 * assert(places.port === 4000 && places.cwd === "/w" && places.home === "/h");
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

/**
 * Variables whose values are secrets whatever their shape (a Bash tool running `env` prints them):
 * a `_`-separated part of the name ends in KEY, TOKEN(S), SECRET, PASSWORD or CREDENTIAL(S).
 */
const SECRET_VARIABLE =
  /(?:^|_)[A-Z0-9]*(?:KEY|TOKENS?|SECRET|PASSWORD|PASSWD|CREDENTIALS?)(?:_|$)/i;

/**
 * The redaction rules of a request: {@linkcode redactionRules} for its places, then the values of
 * its secret-named variables (8 characters or more) wherever they appear, which catches secrets
 * that match no pattern.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { requestRules } from "./recorder.ts";
 * import { redactText } from "./redact.ts";
 *
 * const rules = requestRules({ command: "claude", args: [], cwd: "/w", env: { GATEWAY_TOKEN: "gw-1234567890" } });
 * strictEqual(redactText("token gw-1234567890 in /w", rules), "token [REDACTED_SECRET] in $CWD");
 * ```
 */
export function requestRules(request: SpawnRequest): RedactionRule[] {
  const secrets = Object.entries(request.env)
    .filter(([name, value]) => SECRET_VARIABLE.test(name) && value.length >= 8)
    .map(([, value]) => value)
    .sort((a, b) => b.length - a.length)
    .map((value) => ({
      pattern: new RegExp(value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "g"),
      replacement: "[REDACTED_SECRET]",
    }));
  return [...redactionRules(placesOf(request)), ...secrets];
}

/** The redacted argv of a request and its matching key. */
export async function requestKey(request: SpawnRequest): Promise<{ argv: string[]; key: string }> {
  const rules = requestRules(request);
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
    const rules = requestRules(request);
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
      // Output read after the exit was written before it: keep the times in order.
      const exitAt = Math.max(exitedAt, records.at(-1)?.t ?? 0);
      const { argv } = await requestKey(request);
      await options.save({
        header: await cassetteHeader(argv, {
          cli_version: cliVersion,
          env: Object.keys(request.env).filter((name) => CONFIG_VARIABLE.test(name)).sort(),
        }),
        records: [...records, { t: exitAt, exit: { code: status.code, signal: status.signal } }],
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
