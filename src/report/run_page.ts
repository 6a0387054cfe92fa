/**
 * The page of one run or session: the key numbers, a timeline of its turns (wall time split into
 * API, tool and the CLI's own time), tokens by kind and cost per turn, every turn with its tool
 * calls folded (subagent work nested under the call that started it), retries, rate-limit events,
 * errors with their kind and hint, and the final result.
 *
 * @module
 */
import { barChart, stackedBarChart } from "./_charts.ts";
import { count, ms, shorten, usd } from "./_format.ts";
import { type Html, html, htmlId } from "./_html.ts";
import { renderPage } from "./_page.ts";
import { dataTable } from "./_table.ts";
import type { RunTimeline, Step, ToolCall, Turn } from "./run_timeline.ts";

/** What the page says about where the run came from. */
export interface RunPageOptions {
  /** `run`, `session` or `cassette`. */
  kind: "run" | "session" | "cassette";
  /** The input's name: a file name or a session id. */
  source: string;
  /** What made the page (`claw 0.1.0`). */
  generatedBy: string;
}

/** The longest tool input or result shown whole; longer ones are cut, saying so. */
const SHOWN_CHARS = 20_000;

/**
 * The HTML document of a run's timeline.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { runPage } from "./run_page.ts";
 * import { runTimeline } from "./run_timeline.ts";
 *
 * const page = runPage(runTimeline([]), { kind: "run", source: "run.ndjson", generatedBy: "claw" });
 * ok(page.startsWith("<!doctype html>"));
 * ```
 */
export function runPage(timeline: RunTimeline, options: RunPageOptions): string {
  const { turns, totals } = timeline;
  const heading = options.kind === "session"
    ? `Session ${options.source}`
    : options.kind === "cassette"
    ? `Cassette ${options.source}`
    : `Run ${options.source}`;
  return renderPage({
    title: `${heading}: claw report`,
    kind: options.kind,
    heading,
    facts: [
      { label: "Turns", value: count(turns.length) },
      { label: "Total cost", value: cost(totals.costUsd) },
      { label: "Tool calls", value: count(totals.toolCalls) },
      { label: "Wall time", value: ms(totals.wallMs) },
      { label: "Model", value: timeline.model ?? "unknown" },
      { label: "CLI version", value: timeline.cliVersion ?? "unknown" },
      { label: "Errors", value: count(timeline.errors.length) },
      { label: "Retries", value: count(timeline.retries.length) },
      { label: "Rate-limit events", value: count(timeline.rateLimits.length) },
      { label: "Session", value: timeline.sessionIds.join(", ") || "unknown" },
    ],
    sections: [
      { id: "timeline", title: "Timeline", body: timelineSection(turns) },
      { id: "tokens", title: "Tokens and cost", body: tokensSection(turns) },
      { id: "turns", title: "Turns", body: html`${turns.map(turnArticle)}` },
      { id: "retries", title: "Retries and rate limits", body: retriesSection(timeline) },
      { id: "errors", title: "Errors", body: errorsSection(timeline) },
      {
        id: "result",
        title: "Final result",
        body: timeline.finalResult === null
          ? html`<p>No result: the run ended before its last turn finished.</p>`
          : html`<pre class="result">${timeline.finalResult}</pre>`,
      },
    ],
    generatedBy: options.generatedBy,
  });
}

function timelineSection(turns: readonly Turn[]): Html {
  if (turns.length === 0) return html`<p>No turns.</p>`;
  const known = turns.some((turn) => turn.toolMs !== null);
  const chart = stackedBarChart({
    title: "Wall time of each turn, by where it went",
    legend: ["API", "Tools", "CLI"],
    stacks: turns.map((turn) => ({
      label: `Turn ${turn.index}`,
      parts: [
        { name: "API", value: turn.apiMs ?? 0 },
        { name: "Tools", value: turn.toolMs ?? 0 },
        { name: "CLI", value: turn.cliMs ?? (turn.apiMs === null ? turn.wallMs ?? 0 : 0) },
      ],
    })),
    unit: ms,
  });
  const note = known
    ? html``
    : html`<p class="note">The input has no line times, so tool time is not split out: "CLI" holds it.</p>`;
  const table = dataTable({
    id: "turn-table",
    caption: "Turns",
    rows: [...turns],
    rowId: (turn) => `turn-row-${turn.index}`,
    columns: [
      { key: "turn", title: "Turn", value: (turn) => turn.index, numeric: true },
      {
        key: "prompt",
        title: "Prompt",
        value: (turn) => shorten(turn.prompt ?? "", 80),
        cell: (turn) =>
          html`<a href="#turn-${turn.index}">${shorten(turn.prompt ?? "(none shown)", 80)}</a>`,
      },
      {
        key: "wall",
        title: "Wall",
        value: (turn) => turn.wallMs,
        cell: (t) => time(t.wallMs),
        numeric: true,
      },
      {
        key: "api",
        title: "API",
        value: (turn) => turn.apiMs,
        cell: (t) => time(t.apiMs),
        numeric: true,
      },
      {
        key: "tools",
        title: "Tools",
        value: (turn) => turn.toolMs,
        cell: (t) => time(t.toolMs),
        numeric: true,
      },
      {
        key: "cli",
        title: "CLI",
        value: (turn) => turn.cliMs,
        cell: (t) => time(t.cliMs),
        numeric: true,
      },
      {
        key: "cost",
        title: "Cost",
        value: (turn) => turn.costUsd,
        cell: (turn) => html`${cost(turn.costUsd)}`,
        numeric: true,
      },
      {
        key: "status",
        title: "Status",
        value: (turn) => turn.errorKind ?? turn.subtype ?? "unfinished",
      },
    ],
  });
  return html`${chart}${note}${table}`;
}

function tokensSection(turns: readonly Turn[]): Html {
  if (turns.length === 0) return html`<p>No turns.</p>`;
  const byKind = stackedBarChart({
    title: "Tokens of each turn, by kind",
    legend: ["Input", "Output", "Cache write", "Cache read"],
    stacks: turns.map((turn) => ({
      label: `Turn ${turn.index}`,
      parts: [
        { name: "Input", value: turn.tokens.input },
        { name: "Output", value: turn.tokens.output },
        { name: "Cache write", value: turn.tokens.cacheWrite },
        { name: "Cache read", value: turn.tokens.cacheRead },
      ],
    })),
    unit: count,
  });
  const cost = barChart({
    title: "Cost of each turn",
    bars: turns.map((turn) => ({
      label: `Turn ${turn.index}`,
      value: turn.costUsd ?? 0,
      href: `#turn-${turn.index}`,
    })),
    unit: usd,
  });
  return html`${byKind}${cost}`;
}

function turnArticle(turn: Turn): Html {
  const failed = turn.errorKind === null
    ? html``
    : html`<p class="error"><strong>error[${turn.errorKind}]</strong> ${
      turn.result ?? ""
    }<br>hint: ${turn.hint ?? ""}</p>`;
  return html`<article id="turn-${turn.index}" class="turn">
<h3>Turn ${turn.index}</h3>
<p class="meta">${time(turn.wallMs)} wall · ${time(turn.apiMs)} API · ${
    time(turn.toolMs)
  } tools · ${turn.costUsd === null ? "cost unknown" : usd(turn.costUsd)} · ${
    count(turn.tokens.input)
  } in / ${count(turn.tokens.output)} out${
    turn.roundTrips === null ? "" : ` · ${turn.roundTrips} round trips`
  }</p>
${turn.prompt === null ? html`` : html`<blockquote class="prompt">${turn.prompt}</blockquote>`}
${stepList(turn.steps)}
${failed}
${
    turn.result === null || turn.errorKind !== null
      ? html``
      : html`<pre class="result">${turn.result}</pre>`
  }
</article>`;
}

function stepList(steps: readonly Step[]): Html {
  if (steps.length === 0) return html``;
  return html`<ol class="steps">${
    steps.map((step) =>
      step.type === "text"
        ? html`
          <li class="text">
            <p>${step.text}</p>
          </li>
        `
        : html`<li class="tool">${toolCall(step.call)}</li>`
    )
  }</ol>`;
}

function toolCall(call: ToolCall): Html {
  const status = call.result === null ? "no result" : call.isError ? "error" : "ok";
  const input = JSON.stringify(call.input, null, 2) ?? "";
  return html`<details class="tool-call ${status === "error" ? "failed" : ""}" id="${
    htmlId(`tool-${call.id}`)
  }">
<summary><code>${call.name}</code> <span class="meta">${time(call.ms)} · ${status}${
    call.children.length ? ` · ${call.children.length} subagent steps` : ""
  }</span></summary>
<h4>Input</h4>
<pre>${cut(input)}</pre>
<h4>Result</h4>
<pre>${call.result === null ? "(no result)" : cut(call.result)}</pre>
${call.children.length ? html`<h4>Subagent</h4>${stepList(call.children)}` : html``}
</details>`;
}

function retriesSection(timeline: RunTimeline): Html {
  const retries = timeline.retries.length === 0 ? html`<p>No retries.</p>` : dataTable({
    id: "retry-table",
    caption: "Retries",
    rows: [...timeline.retries],
    columns: [
      { key: "turn", title: "Turn", value: (retry) => retry.turn, numeric: true },
      { key: "attempt", title: "Attempt", value: (r) => `${r.attempt} of ${r.maxRetries}` },
      { key: "status", title: "Status", value: (retry) => retry.status ?? "network" },
      { key: "error", title: "Error", value: (retry) => retry.error },
      {
        key: "delay",
        title: "Waited",
        value: (retry) => retry.delayMs,
        cell: (r) => time(r.delayMs),
        numeric: true,
      },
    ],
  });
  const limits = timeline.rateLimits.length === 0 ? html`<p>No rate-limit events.</p>` : dataTable({
    id: "rate-limit-table",
    caption: "Rate-limit events",
    rows: [...timeline.rateLimits],
    columns: [
      { key: "turn", title: "Turn", value: (note) => note.turn, numeric: true },
      { key: "status", title: "Status", value: (note) => String(note.info.status) },
      { key: "type", title: "Limit", value: (note) => note.info.rateLimitType ?? "" },
      {
        key: "resets",
        title: "Resets at",
        value: (note) => resetTime(note.info.resetsAt),
      },
    ],
  });
  return html`${retries}${limits}`;
}

function errorsSection(timeline: RunTimeline): Html {
  if (timeline.errors.length === 0) return html`<p>No errors.</p>`;
  return html`<ul class="errors">${
    timeline.errors.map((error) =>
      html`<li><strong>error[${error.kind}]</strong>${
        error.turn
          ? html`
            (turn <a href="#turn-${error.turn}">${error.turn}</a>)
          `
          : html``
      }: ${error.message}<br><span class="hint">hint: ${error.hint}</span></li>`
    )
  }</ul>`;
}

/** When a rate limit resets (epoch seconds, as the CLI says it), or the value as given. */
function resetTime(seconds: unknown): string {
  if (seconds === undefined) return "";
  const date = new Date(Number(seconds) * 1000);
  return Number.isFinite(date.getTime()) ? date.toISOString() : String(seconds);
}

/** A cost, or what stands for one no result gave (a stored session has none). */
function cost(value: number | null): string {
  return value === null ? "unknown" : usd(value);
}

function time(value: number | null): Html {
  return html`${value === null ? "—" : ms(value)}`;
}

function cut(text: string): string {
  return text.length > SHOWN_CHARS
    ? `${text.slice(0, SHOWN_CHARS)}\n… (${count(text.length - SHOWN_CHARS)} more characters)`
    : text;
}

/**
 * A run in a few lines, for a batch page's row: its prompt, tool calls (name, time, status),
 * answer or error, cost and time.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { compactRun } from "./run_page.ts";
 * import { runTimeline } from "./run_timeline.ts";
 *
 * ok(compactRun(runTimeline([])).text.includes("0 turns"));
 * ```
 */
export function compactRun(timeline: RunTimeline): Html {
  const calls = timeline.turns.flatMap((turn) =>
    turn.steps.flatMap((step) => step.type === "tool" ? [step.call] : [])
  );
  const last = timeline.turns.at(-1);
  return html`
    <p
      class="meta">${count(timeline.turns.length)} turns · ${cost(timeline.totals.costUsd)} · ${ms(
        timeline.totals.wallMs,
      )} · ${count(calls.length)} tool calls · ${timeline.cliVersion ?? "CLI unknown"}</p>
    ${last?.prompt
      ? html`<blockquote class="prompt">${shorten(last.prompt, 300)}</blockquote>`
      : html``}
    ${calls.length
      ? html`<ul class="calls">${
        calls.map((call) =>
          html`<li><code>${call.name}</code> ${shorten(JSON.stringify(call.input) ?? "", 120)} · ${
            time(call.ms)
          } · ${call.result === null ? "no result" : call.isError ? "error" : "ok"}</li>`
        )
      }</ul>`
      : html``}
    ${last?.errorKind
      ? html`<p class="error"><strong>error[${last.errorKind}]</strong> ${
        shorten(last.result ?? "", 300)
      }</p>`
      : html`<pre class="result">${shorten(timeline.finalResult ?? "", 600)}</pre>`}
  `;
}
