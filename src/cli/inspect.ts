/**
 * `claw inspect`: decode a stream-json or json transcript and summarise it.
 *
 * @module
 */
import { decodeJsonOutput, decodeLine } from "../protocol/decode.ts";
import { LineStream } from "../protocol/line_stream.ts";
import { TranscriptSummarizer, type TranscriptSummary } from "../protocol/summary.ts";
import { parseFlags, UsageError } from "./_args.ts";
import { colourEnabled, styles } from "./_style.ts";

/** Help for `claw inspect`. */
export const help = `Usage: claw inspect FILE|- [--json] [--strict]

Decode a Claude Code transcript (--output-format stream-json, or json with or without --verbose)
and summarise it: lines, events, counts per kind, unknown kinds, diagnostics with line numbers,
sessions, CLI version, model, and each result with its error kind.

Options:
  --json      Print the summary as one JSON object (stable shape)
  --strict    Exit 1 when there is any diagnostic
  -h, --help  Show this help

Exit codes: 0 the input was read, 1 it could not be read (or --strict found diagnostics),
2 usage error.

Examples:
  claude -p --output-format stream-json --verbose "hi" > run.ndjson; claw inspect run.ndjson
  claw inspect - --json < run.ndjson
`;

/** Decodes `bytes` (any transcript format) into a summary, streaming. */
export async function summarize(bytes: ReadableStream<Uint8Array>): Promise<TranscriptSummary> {
  const summarizer = new TranscriptSummarizer();
  const [head, body] = bytes.tee();
  if (await startsWithBracket(head)) {
    const text = await new Response(body).text();
    summarizer.lines = text.replace(/\n$/, "").split("\n").length;
    for (const item of decodeJsonOutput(text)) summarizer.add(item, 1);
    return summarizer.summary();
  }
  for await (const line of body.pipeThrough(new LineStream())) {
    summarizer.lines = line.lineNumber;
    for (const item of decodeLine(line)) summarizer.add(item, line.lineNumber);
  }
  return summarizer.summary();
}

async function startsWithBracket(stream: ReadableStream<Uint8Array>): Promise<boolean> {
  const reader = stream.getReader();
  try {
    while (true) {
      const { value, done } = await reader.read();
      if (done) return false;
      const text = new TextDecoder().decode(value).trimStart();
      if (text !== "") return text.startsWith("[");
    }
  } finally {
    // Not awaited: a tee branch's cancel settles only once the other branch is done too.
    reader.cancel().catch(() => {});
  }
}

async function open(path: string): Promise<ReadableStream<Uint8Array>> {
  if (path === "-") return Deno.stdin.readable;
  const file = await Deno.open(path);
  return file.readable;
}

/** Runs `claw inspect` with `args`; returns the exit code. */
export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(args, {
    json: { type: "boolean" },
    strict: { type: "boolean" },
  });
  if (positionals.length !== 1) {
    throw new UsageError(
      positionals.length === 0
        ? "Missing FILE: pass a transcript path, or - to read stdin"
        : `Expected one FILE, got ${positionals.length}`,
    );
  }
  const path = positionals[0]!;
  let summary: TranscriptSummary;
  try {
    summary = await summarize(await open(path));
  } catch (error) {
    console.error(`Cannot read "${path}": ${error instanceof Error ? error.message : error}`);
    return 1;
  }
  if (values.json) console.log(JSON.stringify(summary, null, 2));
  else console.log(render(path, summary));
  return values.strict && summary.diagnostics.length > 0 ? 1 : 0;
}

function render(path: string, summary: TranscriptSummary): string {
  const s = styles(colourEnabled(Deno.stdout));
  const out = [
    `${
      s.bold(path === "-" ? "stdin" : path)
    }: ${summary.lines} lines, ${summary.events} events, ${summary.diagnostics.length} diagnostics`,
    `CLI ${summary.cli_version ?? "unknown"} · model ${summary.model ?? "unknown"} · sessions ${
      summary.sessions.join(", ") || "none"
    }`,
    s.bold("kinds:"),
  ];
  const kinds = Object.entries(summary.kinds).sort(([a], [b]) => a.localeCompare(b));
  for (const [kind, count] of kinds) out.push(`  ${kind.padEnd(32)} ${count}`);
  if (summary.results.length) out.push(s.bold("results:"));
  for (const r of summary.results) {
    const outcome = r.is_error ? s.red(`error[${r.error_kind}]`) : s.green("ok");
    const cost = r.total_cost_usd === null ? "" : `, $${r.total_cost_usd.toFixed(4)}`;
    const time = r.duration_ms === null ? "" : `, ${(r.duration_ms / 1000).toFixed(1)} s`;
    out.push(
      `  line ${r.line}: ${r.subtype}, ${outcome}, ${r.num_turns ?? "?"} turns${cost}${time}`,
    );
  }
  const unknown = Object.entries(summary.unknown);
  if (unknown.length) {
    out.push(`${s.bold("unknown kinds:")} ${unknown.map(([k, n]) => `${k} ×${n}`).join(", ")}`);
  }
  if (summary.diagnostics.length) out.push(s.bold("diagnostics:"));
  for (const d of summary.diagnostics) {
    out.push(s.yellow(`  line ${d.line}: ${d.kind}: ${d.message}`));
  }
  return out.join("\n");
}
