/**
 * The page of a batch: counts by status and error kind, cost and duration distributions, the
 * slowest and costliest jobs, retries, a row per shard, and a table of every job that sorts and
 * filters, each row linking to its run when the run is at hand.
 *
 * @module
 */
import { barChart, histogram } from "./_charts.ts";
import { count, ms, shorten, usd } from "./_format.ts";
import { type Html, html, htmlId } from "./_html.ts";
import { renderPage } from "./_page.ts";
import { dataTable } from "./_table.ts";
import type { BatchRow, BatchSummary } from "./batch_summary.ts";

/** A job's run, shown on the page when its cassette or transcript is at hand. */
export interface JobRun {
  /** Its section of the page (a run's turns and tool calls, compact). */
  body: Html;
}

/** What the page says besides the summary. */
export interface BatchPageOptions {
  /** The input files' names. */
  sources: readonly string[];
  /** What made the page. */
  generatedBy: string;
  /** The runs at hand, by job id. */
  runs?: ReadonlyMap<string, JobRun>;
}

/**
 * The HTML document of a batch's results.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { batchPage } from "./batch_page.ts";
 * import { batchSummary } from "./batch_summary.ts";
 *
 * const summary = batchSummary([{ name: "r.jsonl", results: [{ id: "a", status: "failed" }] }]);
 * ok(batchPage(summary, { sources: ["r.jsonl"], generatedBy: "claw" }).includes("job-a"));
 * ```
 */
export function batchPage(summary: BatchSummary, options: BatchPageOptions): string {
  const runs = options.runs ?? new Map<string, JobRun>();
  const ok = summary.byStatus.find(([status]) => status === "ok")?.[1] ?? 0;
  const facts = [
    { label: "Jobs", value: count(summary.jobs) },
    { label: "Ok", value: count(ok) },
    { label: "Not ok", value: count(summary.jobs - ok) },
    { label: "Total cost", value: usd(summary.costUsd) },
    { label: "Retried jobs", value: count(summary.retried.length) },
    { label: "Results files", value: count(Math.max(1, summary.shards.length)) },
  ];
  if (summary.missing.length > 0) {
    facts.push({ label: "Jobs with no result", value: count(summary.missing.length) });
  }
  const sections = [
    { id: "status", title: "Status", body: statusSection(summary) },
    { id: "distributions", title: "Cost and duration", body: distributions(summary) },
    { id: "extremes", title: "Slowest and costliest", body: extremes(summary) },
    { id: "retries", title: "Retries", body: retriesSection(summary) },
    { id: "failed", title: "Jobs not ok", body: failedSection(summary) },
  ];
  if (summary.shards.length > 0) {
    sections.push({ id: "shards", title: "Shards", body: shardsSection(summary) });
  }
  sections.push({ id: "jobs", title: "Every job", body: jobsTable(summary, runs) });
  if (runs.size > 0) {
    sections.push({
      id: "runs",
      title: "Runs",
      body: html`${
        summary.rows.filter((row) => runs.has(row.id)).map((row) =>
          html`<details class="run" id="${runId(row.id)}"><summary>${row.id}</summary>${
            runs.get(row.id)!.body
          }</details>`
        )
      }`,
    });
  }
  return renderPage({
    title: `Batch ${options.sources.join(", ")}: claw report`,
    kind: "batch",
    heading: `Batch ${options.sources.join(", ")}`,
    facts,
    sections,
    generatedBy: options.generatedBy,
  });
}

function statusSection(summary: BatchSummary): Html {
  const byStatus = barChart({
    title: "Jobs by status",
    bars: summary.byStatus.map(([status, jobs]) => ({ label: status, value: jobs })),
    unit: count,
  });
  const byKind = summary.byErrorKind.length === 0 ? html`<p>Every job is ok.</p>` : barChart({
    title: "Jobs not ok, by error kind",
    bars: summary.byErrorKind.map(([kind, jobs]) => ({ label: kind, value: jobs })),
    unit: count,
  });
  return html`${byStatus}${byKind}`;
}

function distributions(summary: BatchSummary): Html {
  return html`${
    histogram({ title: "Cost per job", values: summary.rows.map((row) => row.costUsd), unit: usd })
  }${
    histogram({
      title: "Duration per job",
      values: summary.rows.map((row) => row.durationMs),
      unit: ms,
    })
  }`;
}

function extremes(summary: BatchSummary): Html {
  const list = (caption: string, rows: BatchRow[], value: (row: BatchRow) => string) =>
    html`
      <h3>${caption}</h3>
      <ol class="extremes">${rows.map((row) =>
        html`<li><a href="#${jobId(row.id)}">${row.id}</a>: ${value(row)}</li>`
      )}</ol>
    `;
  return html`${list("Slowest jobs", summary.slowest, (row) => ms(row.durationMs))}${
    list("Costliest jobs", summary.costliest, (row) => usd(row.costUsd))
  }`;
}

function retriesSection(summary: BatchSummary): Html {
  if (summary.retried.length === 0) return html`<p>No job was tried more than once.</p>`;
  return dataTable({
    id: "retried-table",
    caption: "Jobs tried more than once",
    rows: summary.retried,
    initialSort: { key: "attempts", descending: true },
    columns: [
      { key: "id", title: "Job", value: (row) => row.id, cell: jobLink },
      { key: "attempts", title: "Attempts", value: (row) => row.attempts, numeric: true },
      { key: "status", title: "Status", value: (row) => row.status },
      { key: "kind", title: "Last error", value: (row) => row.errorKind ?? "" },
    ],
  });
}

function failedSection(summary: BatchSummary): Html {
  const failed = summary.rows.filter((row) => row.status !== "ok");
  const missing = summary.missing.length === 0
    ? html``
    : html`<p>No result for ${count(summary.missing.length)} jobs of the jobs file: ${
      summary.missing.join(", ")
    }.</p>`;
  if (failed.length === 0) return html`<p>Every job is ok.</p>${missing}`;
  return html`<ul class="errors">${
    failed.map((row) =>
      html`<li><a href="#${jobId(row.id)}">${row.id}</a> ${row.status}${
        row.errorKind
          ? html`
            <strong>error[${row.errorKind}]</strong>
          `
          : html``
      }: ${row.errorMessage ?? ""}${
        row.errorHint ? html`<br><span class="hint">hint: ${row.errorHint}</span>` : html``
      }</li>`
    )
  }</ul>${missing}`;
}

function shardsSection(summary: BatchSummary): Html {
  return dataTable({
    id: "shard-table",
    caption: "Results files",
    rows: summary.shards,
    columns: [
      { key: "name", title: "File", value: (shard) => shard.name },
      { key: "jobs", title: "Jobs", value: (shard) => shard.jobs, numeric: true },
      { key: "ok", title: "Ok", value: (shard) => shard.ok, numeric: true },
      { key: "notOk", title: "Not ok", value: (shard) => shard.notOk, numeric: true },
      {
        key: "cost",
        title: "Cost",
        value: (shard) => shard.costUsd,
        cell: (shard) => html`${usd(shard.costUsd)}`,
        numeric: true,
      },
      {
        key: "longest",
        title: "Longest job",
        value: (shard) => shard.longestMs,
        cell: (shard) => html`${ms(shard.longestMs)}`,
        numeric: true,
      },
    ],
  });
}

function jobsTable(summary: BatchSummary, runs: ReadonlyMap<string, JobRun>): Html {
  return dataTable({
    id: "every-job",
    caption: `Every job (${count(summary.jobs)})`,
    rows: summary.rows,
    rowId: (row) => `job-${row.id}`,
    filter: true,
    columns: [
      {
        key: "id",
        title: "Job",
        value: (row) => row.id,
        cell: (row) =>
          runs.has(row.id) ? html`<a href="#${runId(row.id)}">${row.id}</a>` : html`${row.id}`,
      },
      { key: "status", title: "Status", value: (row) => row.status },
      { key: "kind", title: "Error kind", value: (row) => row.errorKind ?? "" },
      {
        key: "cost",
        title: "Cost",
        value: (row) => row.costUsd,
        cell: (row) => html`${usd(row.costUsd)}`,
        numeric: true,
      },
      {
        key: "duration",
        title: "Duration",
        value: (row) => row.durationMs,
        cell: (row) => html`${ms(row.durationMs)}`,
        numeric: true,
      },
      { key: "attempts", title: "Attempts", value: (row) => row.attempts, numeric: true },
      { key: "turns", title: "Turns", value: (row) => row.turns, numeric: true },
      { key: "shard", title: "File", value: (row) => row.shard },
      { key: "prompt", title: "Prompt", value: (row) => shorten(row.prompt, 80) },
      {
        key: "answer",
        title: "Answer or error",
        value: (row) => shorten(row.result ?? row.errorMessage, 80),
      },
    ],
  });
}

function jobLink(row: BatchRow): Html {
  return html`<a href="#${jobId(row.id)}">${row.id}</a>`;
}

/** The id of a job's row, as the jobs table gives it. */
function jobId(id: string): string {
  return htmlId(`job-${id}`);
}

function runId(id: string): string {
  return htmlId(`run-${id}`);
}
