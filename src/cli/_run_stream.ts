/**
 * The part of `claw run` loaded while `claude` boots: the run's events rendered as they stream,
 * and its failure reported as `error[kind]` with a hint.
 */
import { ClawError } from "../errors/claw_error.ts";
import type { DecodedItem } from "../protocol/events.ts";
import type { Launched } from "../session/launch.ts";
import { ClaudeRun } from "../session/run.ts";
import type { RunOptions } from "../session/run_options.ts";
import { TextRenderer } from "./_render.ts";
import { startSpinner } from "./_spinner.ts";
import { colourEnabled, styles } from "./_style.ts";
import type { Output } from "./_run_flags.ts";

/** Streams the run that `start` launched as `output`; returns `claw run`'s exit code. */
export async function streamRun(
  start: () => Promise<Launched>,
  options: RunOptions,
  output: Output,
): Promise<number> {
  const out = writer(Deno.stdout);
  const err = writer(Deno.stderr);
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
    for await (const item of claude) {
      stopSpinner();
      emit(item);
    }
  } catch (error) {
    stopSpinner();
    if (!(error instanceof ClawError)) throw error;
    if (output === "json" && claude.lastResult) out(JSON.stringify(claude.lastResult) + "\n");
    err(`${s.red(`error[${error.kind}]`)}: ${error.message}${details(error)}\n`);
    err(`${s.dim("hint:")} ${error.hint}\n`);
    return error.kind === "usage" ? 2 : 1;
  }
  const result = claude.lastResult;
  if (result && output === "json") out(JSON.stringify(result) + "\n");
  if (result && output === "text") renderer.summary(result);
  return 0;
}

/** Writes text to `stream` synchronously and whole. */
function writer(stream: { writeSync(p: Uint8Array): number }): (text: string) => void {
  const encoder = new TextEncoder();
  return (text) => {
    const bytes = encoder.encode(text);
    let written = 0;
    while (written < bytes.length) written += stream.writeSync(bytes.subarray(written));
  };
}

function details(error: ClawError): string {
  const parts = [];
  if (error.requestId) parts.push(`request ${error.requestId}`);
  if (error.sessionId) parts.push(`session ${error.sessionId}`);
  const refused = error.kind === "usage" || error.kind === "cli_usage";
  if (error.exitCode !== undefined && error.exitCode !== 0 && !refused) {
    parts.push(`exit ${error.exitCode}`);
  }
  const repeatsMessage = refused || error.kind === "cassette_miss";
  const stderr = error.stderrTail && !repeatsMessage ? `\n${error.stderrTail}` : "";
  return (parts.length ? ` (${parts.join(", ")})` : "") + stderr;
}
