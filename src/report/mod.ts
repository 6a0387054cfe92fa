/**
 * See a run: one self-contained HTML page (every byte inline, no network) for a run, a session, a
 * cassette, a batch or a replay miss, as `claw report` writes it. Inputs are told apart by their
 * content; everything the page embeds is redacted as cassettes are.
 *
 * @example The report of a recorded run
 * ```ts
 * import { ok, strictEqual } from "node:assert";
 * import { buildReport } from "./mod.ts";
 *
 * const report = await buildReport(["fixtures/cassettes/2.1.332/tool_bash.ndjson"]);
 * strictEqual(report.kind, "cassette");
 * ok(report.html.startsWith("<!doctype html>"));
 * // await Deno.writeTextFile("report.html", report.html);
 * ```
 *
 * @module
 */
export {
  buildReport,
  type InputKind,
  type Report,
  REPORT_KINDS,
  type ReportKind,
  type ReportOptions,
} from "./report.ts";
