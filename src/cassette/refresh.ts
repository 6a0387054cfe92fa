/**
 * Refresh: re-record cassettes against a live CLI and say what changed in meaning, the user's own
 * drift check for their fixtures (`claw cassette refresh`).
 *
 * Each cassette's run is made again: its argv and its recorded stdin, against the CLI given and
 * whatever API the environment points at (a fake API, or a real key), in a fresh HOME and working
 * folder (with `TMPDIR` inside) where the recording's placeholders (`$HOME`, `$CWD`, `$TMP`, the
 * fake API's port) become the new run's places. Stdin is written as the recording's host wrote
 * it, each line once the live output has reached the point where it was written, and the answers
 * to the CLI's own requests name this run's request ids (see `_stdin_schedule.ts`). The run is
 * recorded as claw's recorder records any run (redacted the same way), and compared with the
 * cassette by meaning (see `meaning.ts`), not by bytes.
 *
 * @module
 */
import { join, relative } from "node:path";
import { denoSpawner } from "../process/deno_spawner.ts";
import { buildEnv } from "../process/env.ts";
import { shutdown } from "../process/shutdown.ts";
import type { ClaudeProcess } from "../process/spawn.ts";
import { LineStream } from "../protocol/line_stream.ts";
import {
  type Cassette,
  type CassetteHeader,
  looksLikeCassette,
  readCassetteFile,
} from "./cassette.ts";
import { ndjsonFiles } from "./cassette_store.ts";
import { patternMatches } from "./matchers.ts";
import { cassetteMeaning, meaningChanges } from "./meaning.ts";
import { recordingSpawner, saveCassette } from "./recorder.ts";
import { placesOf } from "./request.ts";
import { placeRestorer } from "./restore.ts";
import { type HostAction, StdinSchedule } from "./_stdin_schedule.ts";
import { messageOf } from "../errors/message_of.ts";

/** Options of {@linkcode refreshCassette}. */
export interface RefreshOptions {
  /** The CLI to run: the path of a `claude` executable (or of anything that answers like one). */
  cli: string;
  /**
   * The environment the run starts from (the API it points at, its key); the process's own when
   * absent. HOME, TMPDIR and CLAUDE_CODE_TMPDIR are the fresh run's, and CLAUDE_CONFIG_DIR is
   * left out (the CLI's config is in the fresh HOME).
   */
  env?: Readonly<Record<string, string>>;
  /**
   * How long one run may take, in milliseconds, before the CLI is stopped. Default 120 000;
   * `Infinity` for no limit.
   */
  timeoutMs?: number;
  /** Compare each turn's final text and token usage too (useful against a deterministic API). */
  text?: boolean;
}

/** What re-running one cassette gave. */
export interface RefreshResult {
  /**
   * The new recording, with the header fields the user set on the old one kept (`match`,
   * `times`, `job_id`, …); absent when the run failed.
   */
  cassette?: Cassette;
  /** The changes in meaning, one line each (see `meaningChanges`); none when it means the same. */
  changes: string[];
  /** Why the run failed: it could not start, did not finish in time, or strayed from the stdin. */
  error?: string;
}

/** How long one run may take by default: two minutes. */
const DEFAULT_TIMEOUT_MS = 120_000;

/**
 * The header fields claw's recorder writes: the others on a cassette were set by its user (or a
 * tool of claw's, such as `claw cassette match`) and are kept on the new recording.
 */
const RECORDED_FIELDS: ReadonlySet<string> = new Set([
  "type",
  "format",
  "key",
  "cli_version",
  "argv",
  "env",
  "cwd",
  "recorded_at",
  "input",
  "platform",
  "claw_version",
  "auth",
  "client",
  "interrupted",
]);

/**
 * Re-runs `cassette` against `options.cli` and compares the new recording with it (see the
 * module doc). Never throws for a run that went wrong: `error` says why, and `changes` holds what
 * can be compared of what it printed.
 *
 * @example Re-run a cassette against a stand-in that answers differently
 * ```ts
 * import { ok as assert } from "node:assert";
 * import { readCassetteFile } from "./cassette.ts";
 * import { refreshCassette } from "./refresh.ts";
 *
 * const dir = await Deno.makeTempDir();
 * const cli = `${dir}/claude`;
 * await Deno.writeTextFile(cli, `#!/bin/sh\necho '{"type":"result","subtype":"error_during_execution","is_error":true}'\nexit 1\n`);
 * await Deno.chmod(cli, 0o755);
 * const cassette = await readCassetteFile("fixtures/cassettes/2.1.332/text_simple.ndjson");
 * const { changes } = await refreshCassette(cassette, { cli, timeoutMs: 10_000 });
 * assert(changes.includes("exit: recorded code 0, now code 1"));
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function refreshCassette(
  cassette: Cassette,
  options: RefreshOptions,
): Promise<RefreshResult> {
  const { cassette: recorded, error } = await rerun(cassette, options);
  if (recorded === undefined) return { changes: [], error: error ?? "The run was not recorded" };
  const text = options.text ?? false;
  const changes = meaningChanges(
    cassetteMeaning(cassette, { text }),
    cassetteMeaning(recorded, { text }),
  );
  if (error !== undefined) return { changes, error };
  return {
    cassette: { ...recorded, header: keptHeader(cassette.header, recorded.header) },
    changes,
  };
}

/** Options of {@linkcode refreshFolder}. */
export interface RefreshFolderOptions extends RefreshOptions {
  /** Only compare: write nothing. */
  check?: boolean;
  /**
   * Only the cassettes whose path under the folder, or whose file name, matches this glob (`*`
   * any run of characters, `?` one).
   */
  only?: string;
  /** Called with each cassette's outcome as soon as it is known. */
  onCassette?: (outcome: RefreshOutcome) => void;
}

/** One cassette of a folder, refreshed. */
export interface RefreshOutcome {
  /** The cassette file: the folder as given, joined with its path under it. */
  path: string;
  /** The changes in meaning; none when it means the same. */
  changes: string[];
  /** Why it could not be re-run (or read); it is then left as it was. */
  error?: string;
  /** Whether the new recording was written over it. */
  written: boolean;
}

/** What {@linkcode refreshFolder} did. */
export interface RefreshReport {
  /** Each cassette, in path order. */
  cassettes: RefreshOutcome[];
  /** Cassettes re-run whose meaning did not change. */
  ok: number;
  /** Cassettes re-run whose meaning changed. */
  changed: number;
  /** Cassettes that could not be read or re-run. */
  failed: number;
  /** Cassettes written over with their new recording. */
  written: number;
}

/**
 * Refreshes every cassette under `dir` (recursively, the `*.ndjson` files that are cassettes),
 * one at a time in path order: each is re-run (see {@linkcode refreshCassette}) and, unless
 * `check`, written over with its new recording when the run succeeded (the header keeps the
 * fields its user set, such as `match`). A cassette that fails is left as it was.
 *
 * @example Check a folder against the CLI on PATH
 * ```ts ignore
 * import { refreshFolder } from "./refresh.ts";
 *
 * const report = await refreshFolder("tests/cassettes", { cli: "claude", check: true });
 * if (report.changed + report.failed > 0) console.log(report.cassettes);
 * ```
 */
export async function refreshFolder(
  dir: string,
  options: RefreshFolderOptions,
): Promise<RefreshReport> {
  const report: RefreshReport = { cassettes: [], ok: 0, changed: 0, failed: 0, written: 0 };
  await Deno.stat(dir); // a folder that is not there is an error (NotFound), not nothing to do
  for (const file of await ndjsonFiles(dir)) {
    if (!await isCassette(file)) continue; // a transcript beside the cassettes
    const name = relative(dir, file);
    const base = name.slice(name.lastIndexOf("/") + 1);
    if (
      options.only !== undefined &&
      !patternMatches({ glob: options.only }, name) && !patternMatches({ glob: options.only }, base)
    ) continue;
    const outcome = await refreshFile(file, options);
    report.cassettes.push(outcome);
    if (outcome.error !== undefined) report.failed++;
    else if (outcome.changes.length > 0) report.changed++;
    else report.ok++;
    if (outcome.written) report.written++;
    options.onCassette?.(outcome);
  }
  return report;
}

async function refreshFile(path: string, options: RefreshFolderOptions): Promise<RefreshOutcome> {
  let cassette: Cassette;
  try {
    cassette = await readCassetteFile(path);
  } catch (error) {
    return { path, changes: [], error: messageOf(error), written: false };
  }
  const result = await refreshCassette(cassette, options);
  if (result.error !== undefined || result.cassette === undefined) {
    return { path, changes: result.changes, error: result.error ?? "Not recorded", written: false };
  }
  if (options.check) return { path, changes: result.changes, written: false };
  try {
    await saveCassette(path)(result.cassette);
  } catch (error) {
    return { path, changes: result.changes, error: messageOf(error), written: false };
  }
  return { path, changes: result.changes, written: true };
}

/** The new header, with every field the user set on the old one. */
function keptHeader(old: CassetteHeader, recorded: CassetteHeader): CassetteHeader {
  const kept = Object.entries(old).filter(([name]) => !RECORDED_FIELDS.has(name));
  return { ...recorded, ...Object.fromEntries(kept) };
}

/** The recording of one re-run of `cassette`, and why it failed when it did. */
async function rerun(
  cassette: Cassette,
  options: RefreshOptions,
): Promise<{ cassette?: Cassette; error?: string }> {
  const root = await Deno.makeTempDir({ prefix: "claw-refresh-" });
  try {
    const home = join(root, "home");
    const cwd = join(root, "cwd");
    const tmp = join(root, "tmp");
    await Promise.all([home, cwd, tmp].map((dir) => Deno.mkdir(dir)));
    const { client } = cassette.header;
    const env = buildEnv({
      hostEnv: options.env ?? Deno.env.toObject(),
      env: {
        HOME: home,
        // The CLI's config (settings, sessions, a stored login) goes in the fresh HOME too.
        CLAUDE_CONFIG_DIR: undefined,
        TMPDIR: tmp,
        CLAUDE_CODE_TMPDIR: tmp,
        // The client that drove the recorded run, as the CLI saw it.
        ...(client?.entrypoint ? { CLAUDE_CODE_ENTRYPOINT: client.entrypoint } : {}),
        ...(client?.sdk_version ? { CLAUDE_AGENT_SDK_VERSION: client.sdk_version } : {}),
      },
    });
    const restore = placeRestorer(placesOf({ command: options.cli, args: [], env, cwd }));
    let saved: Cassette | undefined;
    const spawn = recordingSpawner(denoSpawner, {
      save: (recorded) => {
        saved = recorded;
      },
    });
    let process: ClaudeProcess;
    try {
      process = await spawn({
        command: options.cli,
        args: cassette.header.argv.map(restore),
        env,
        cwd,
      });
    } catch (error) {
      return {
        error: `Cannot start "${options.cli}": ${
          messageOf(error)
        }: pass the path of a claude executable`,
      };
    }
    const error = await drive(process, new StdinSchedule(cassette.records, restore), options);
    return saved === undefined ? { error: error ?? "The run was not recorded" } : {
      cassette: saved,
      ...(error === undefined ? {} : { error }),
    };
  } finally {
    await Deno.remove(root, { recursive: true }).catch(() => {});
  }
}

/**
 * Plays the host's side of the recording on `process` until it exits, within the time box;
 * returns why the run failed, if it did.
 */
async function drive(
  process: ClaudeProcess,
  schedule: StdinSchedule,
  options: RefreshOptions,
): Promise<string | undefined> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let timedOut = false;
  // Infinity (--timeout none) is no time box: setTimeout would take it as no wait at all.
  const timer = Number.isFinite(timeoutMs)
    ? setTimeout(() => {
      timedOut = true;
      shutdown(process, { termMs: 3000 }).catch(() => {});
    }, timeoutMs)
    : undefined;
  const stderr = process.stderr.pipeTo(new WritableStream()).catch(() => {});
  const writer = process.stdin.getWriter();
  const encoder = new TextEncoder();
  const act = async (actions: readonly HostAction[]) => {
    for (const action of actions) {
      try {
        if ("write" in action) await writer.write(encoder.encode(action.write));
        else if ("close" in action) await writer.close();
        else process.kill(action.kill);
      } catch {
        // The CLI has gone and its stdin with it: what it printed says the rest.
      }
    }
  };
  try {
    await act(schedule.start());
    for await (const line of process.stdout.pipeThrough(new LineStream())) {
      await act(schedule.observe(line.text));
    }
    const strayed = schedule.end();
    await writer.close().catch(() => {});
    await Promise.all([process.status, stderr]);
    if (timedOut) {
      return `The CLI did not finish within ${
        timeoutMs / 1000
      } s and was stopped: raise the time box (--timeout, timeoutMs) if it needs longer`;
    }
    return strayed === undefined
      ? undefined
      : `Cannot play the recorded stdin: ${strayed}: re-record this cassette if the new behaviour is right`;
  } finally {
    clearTimeout(timer);
    writer.releaseLock();
  }
}

/** Whether the file starts with a cassette header (a transcript beside the cassettes does not). */
async function isCassette(path: string): Promise<boolean> {
  using file = await Deno.open(path);
  const buffer = new Uint8Array(64);
  const read = await file.read(buffer);
  return looksLikeCassette(new TextDecoder().decode(buffer.subarray(0, read ?? 0)));
}
