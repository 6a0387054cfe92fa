/**
 * The redaction of a whole recording, as it is saved: text the process split over several records
 * is redacted as a whole before each line is.
 *
 * @module
 */
import { type CassetteRecord, stdoutRecord, stdoutText } from "./cassette.ts";
import { isJson, type RedactionRule, redactLine, redactText } from "./redact.ts";
import { redactPieces } from "./_split_redaction.ts";
import { isObject } from "./_json_object.ts";

/**
 * Redacts the records of a run with `rules`. First what was split over records is redacted as one
 * text (see {@linkcode redactPieces}):
 *
 * - the deltas of one content block (`stream_event` / `content_block_delta` lines of the same
 *   `parent_tool_use_id` and block `index`), one text per delta field (`text`, `partial_json`,
 *   `thinking`, `signature`, …), from the block's start to its stop; other lines may come between
 *   (the CLI prints `thinking_tokens` between thinking deltas);
 * - the lines of stderr, as one text;
 * - each run of stdout lines that are not JSON, up to the next JSON line.
 *
 * Then each line is redacted on its own: stdout and stdin with `redactLine`, stderr with
 * `redactText`. Stdout lines may come as printed (`stdout_raw`) or as objects; they come out as
 * {@linkcode stdoutRecord} makes them. Other records pass through.
 *
 * @example A key split over two text deltas
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { redactionRules } from "./redact.ts";
 * import { redactRecords } from "./_redact_records.ts";
 *
 * const delta = (text: string) => ({
 *   type: "stream_event",
 *   event: { type: "content_block_delta", index: 0, delta: { type: "text_delta", text } },
 * });
 * const records = redactRecords([
 *   { t: 1, stdout: delta("key sk-a") },
 *   { t: 2, stdout: delta("nt-api03-abc") },
 * ], redactionRules());
 * strictEqual(JSON.stringify(records), JSON.stringify([
 *   { t: 1, stdout: delta("key [REDACTED_API_KEY]") },
 *   { t: 2, stdout: delta("") },
 * ]));
 * ```
 */
export function redactRecords(
  records: readonly CassetteRecord[],
  rules: readonly RedactionRule[],
): CassetteRecord[] {
  const texts = records.map(outputText);
  redactBlocks(texts, rules);
  redactLineRuns(records, texts, rules);
  return records.map((record, index) => redactRecord(record, texts[index], rules));
}

/** One delta field of a content block still streaming, and the records that carry it. */
interface OpenBlock {
  parent: string;
  index: number;
  kind: string;
  field: string;
  deltas: { record: number; delta: Record<string, unknown> }[];
}

/** Redacts the deltas of each content block as one text, rewriting the lines that changed. */
function redactBlocks(texts: (string | undefined)[], rules: readonly RedactionRule[]): void {
  const events = new Map<number, Record<string, unknown>>();
  const changed = new Set<number>();
  let open: OpenBlock[] = [];
  const close = (ends: (block: OpenBlock) => boolean) => {
    for (const block of open.filter(ends)) {
      const pieces = block.deltas.map(({ delta }) => delta[block.field] as string);
      const redacted = redactPieces(pieces, rules, { json: block.field === "partial_json" });
      block.deltas.forEach(({ record, delta }, n) => {
        if (redacted[n] === pieces[n]) return;
        delta[block.field] = redacted[n];
        changed.add(record);
      });
    }
    open = open.filter((block) => !ends(block));
  };

  texts.forEach((text, record) => {
    const line = text?.includes('"stream_event"') ? streamEvent(text) : undefined;
    if (!line) return;
    const { event } = line;
    const parent = String(line.parent_tool_use_id ?? "");
    switch (event.type) {
      case "message_start":
      case "message_stop":
        return close((block) => block.parent === parent);
      case "content_block_start":
      case "content_block_stop":
        return close((block) => block.parent === parent && block.index === event.index);
      case "content_block_delta": {
        const { delta, index } = event;
        if (!isObject(delta) || typeof index !== "number") return;
        events.set(record, line);
        for (const [field, value] of Object.entries(delta)) {
          if (field === "type" || typeof value !== "string") continue;
          const kind = `${String(delta.type)}.${field}`;
          let block = open.find((b) => b.parent === parent && b.index === index && b.kind === kind);
          if (!block) open.push(block = { parent, index, kind, field, deltas: [] });
          block.deltas.push({ record, delta });
        }
      }
    }
  });
  close(() => true);
  for (const record of changed) texts[record] = JSON.stringify(events.get(record));
}

/** Redacts all of stderr, and each run of stdout lines that are not JSON, as one text. */
function redactLineRuns(
  records: readonly CassetteRecord[],
  texts: (string | undefined)[],
  rules: readonly RedactionRule[],
): void {
  const runs: number[][] = [];
  const stderr: number[] = [];
  let stdout: number[] = [];
  records.forEach((record, index) => {
    const text = texts[index];
    if ("stderr" in record) stderr.push(index);
    else if (text === undefined) return;
    else if ("stdout_raw" in record && !isJson(text)) stdout.push(index);
    else {
      runs.push(stdout);
      stdout = [];
    }
  });
  runs.push(stdout, stderr);
  for (const run of runs) {
    if (run.length < 2) continue; // one line: the line's own redaction does it
    const redacted = redactPieces(run.map((index) => texts[index]!), rules, { separator: "\n" });
    run.forEach((index, n) => texts[index] = redacted[n]);
  }
}

/** One record with its line redacted; `text` is its stdout or stderr text after the split pass. */
function redactRecord(
  record: CassetteRecord,
  text: string | undefined,
  rules: readonly RedactionRule[],
): CassetteRecord {
  const { t } = record;
  const eol = !("eol" in record && record.eol === false);
  if (text !== undefined && ("stdout" in record || "stdout_raw" in record)) {
    return stdoutRecord(t, redactLine(text, rules), eol);
  }
  if (text !== undefined && "stderr" in record) {
    const stderr = redactText(text, rules);
    return eol ? { t, stderr } : { t, stderr, eol: false };
  }
  if ("stdin" in record) {
    const stdin = redactLine(record.stdin, rules);
    return eol ? { t, stdin } : { t, stdin, eol: false };
  }
  return record;
}

/** The text a stdout or stderr record holds (without its newline). */
function outputText(record: CassetteRecord): string | undefined {
  if ("stdout" in record || "stdout_raw" in record) return stdoutText(record);
  return "stderr" in record ? record.stderr : undefined;
}

/** A `stream_event` line, parsed; `undefined` when the line is not one. */
function streamEvent(
  text: string,
): { event: Record<string, unknown>; [field: string]: unknown } | undefined {
  try {
    const line: unknown = JSON.parse(text);
    if (isObject(line) && line.type === "stream_event" && isObject(line.event)) {
      return line as { event: Record<string, unknown> };
    }
  } catch {
    // not JSON: not a stream event
  }
  return undefined;
}
