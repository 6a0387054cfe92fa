/**
 * The part of `claw run` loaded while `claude` boots: the run's events rendered as they stream,
 * and its failure reported as `error[kind]` with a hint.
 */
import { ClawError } from "../errors/claw_error.ts";
import type { DecodedItem, ResultEvent } from "../protocol/events.ts";
import type { Launched } from "../session/launch.ts";
import { ClaudeRun } from "../session/run.ts";
import type { RunOptions } from "../session/run_options.ts";
import { errorReport } from "./_error_json.ts";
import { TextRenderer } from "./_render.ts";
import { startSpinner } from "./_spinner.ts";
import { colourEnabled, styles } from "./_style.ts";
import type { Output } from "./_run_flags.ts";

/** Thrown by a write to a stdout that was closed (`claw run … | head -1`). */
class StdoutClosed extends Error {}

/** `claw run`'s exit code when its stdout was closed: 128 + SIGPIPE, as a Unix tool ends. */
export const STDOUT_CLOSED_EXIT = 141;

/** Streams the run that `start` launched as `output`; returns `claw run`'s exit code. */
export async function streamRun(
  start: () => Promise<Launched>,
  options: RunOptions,
  output: Output,
): Promise<number> {
  const out = writer(Deno.stdout, () => {
    throw new StdoutClosed();
  });
  const err = writer(Deno.stderr, () => {}); // nowhere left to say anything
  const s = styles(colourEnabled(Deno.stderr));
  const renderer = new TextRenderer({
    out,
    err,
    styles: s,
    partial: options.includePartialMessages === true,
  });
  const stopSpinner = startSpinner(
    "Waiting for Claude…",
    output === "text" && Deno.stderr.isTerminal(),
  );
  const claude = new ClaudeRun(start, {
    ...options,
    onWarning: (message) => err(s.yellow(`warning: ${message}`) + "\n"),
  });
  const emit = (item: DecodedItem) => {
    if (output === "stream-json") out(JSON.stringify(item) + "\n");
    else if (output === "text") renderer.render(item);
  };
  try {
    try {
      // A write to a closed stdout ends the loop: leaving it stops and reaps the CLI.
      for await (const item of claude) {
        stopSpinner();
        emit(item);
      }
    } catch (error) {
      stopSpinner();
      if (!(error instanceof ClawError)) throw error;
      if (output !== "text") out(JSON.stringify(errorLine(error, claude.lastResult)) + "\n");
      err(`${s.red(`error[${error.kind}]`)}: ${error.message}${failureDetails(error)}\n`);
      err(`${s.dim("hint:")} ${error.hint}\n`);
      return error.kind === "usage" ? 2 : 1;
    }
    const result = claude.lastResult;
    if (result && output === "json") out(JSON.stringify(result) + "\n");
    if (result && output === "text") renderer.summary(result);
    return 0;
  } catch (error) {
    if (error instanceof StdoutClosed) return STDOUT_CLOSED_EXIT;
    throw error;
  }
}

/** Writes text to `stream` synchronously and whole; `onClosed` when its reader has gone. */
export function writer(
  stream: { writeSync(p: Uint8Array): number },
  onClosed: () => void,
): (text: string) => void {
  const encoder = new TextEncoder();
  let closed = false;
  return (text) => {
    if (closed) return onClosed();
    const bytes = encoder.encode(text);
    let written = 0;
    try {
      while (written < bytes.length) written += stream.writeSync(bytes.subarray(written));
    } catch (error) {
      if (!(error instanceof Deno.errors.BrokenPipe)) throw error;
      closed = true;
      onClosed();
    }
  };
}

/**
 * A failed run for `--output json` (the one object printed) and `stream-json` (the last line):
 * `{"type": "claw_error", "error": {…}, "result": …}`, the error as every `--json` of claw prints
 * it (`errorReport`) and the CLI's last `result` (or `null`).
 */
function errorLine(error: ClawError, result: ResultEvent | undefined): Record<string, unknown> {
  return { type: "claw_error", ...errorReport(error), result: result ?? null };
}

/** The error line's details: request, session, exit code, and the stderr tail where it helps. */
export function failureDetails(error: ClawError): string {
  const parts = [];
  if (error.requestId) parts.push(`request ${error.requestId}`);
  if (error.sessionId) parts.push(`session ${error.sessionId}`);
  const refused = error.kind === "usage" || error.kind === "cli_usage";
  // A fake claude's exit 1 is how its miss travelled, not a failure of its own.
  const miss = error.kind === "cassette_miss";
  if (error.exitCode !== undefined && error.exitCode !== 0 && !refused && !miss) {
    parts.push(`exit ${error.exitCode}`);
  }
  const repeatsMessage = refused || miss;
  const stderr = error.stderrTail && !repeatsMessage ? `\n${error.stderrTail}` : "";
  return (parts.length ? ` (${parts.join(", ")})` : "") + stderr;
}
