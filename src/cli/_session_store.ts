/**
 * `claw session list|show|export`: the CLI's stored sessions, read through the session store
 * (`src/session/store.ts`). This module only parses flags, checks paths and renders: the store
 * finds, reads and exports the sessions.
 *
 * @module
 */
import { InvalidOptionError } from "../errors/claw_error.ts";
import {
  exportSession,
  listSessions,
  readSession,
  type SessionBlock,
  type SessionExportFormat,
  type SessionInfo,
  type SessionMessage,
  type SessionTranscript,
} from "../session/store.ts";
import { UsageError } from "./_args.ts";
import { type Flag, parseFlags } from "./_flags.ts";
import { checkFolder, checkOutputPath } from "./_paths.ts";
import { oneLine, type Styles, toolSummary } from "./_render.ts";
import { colourEnabled, styles } from "./_style.ts";

/** The store's subcommands of `claw session`. */
export type StoreCommand = "list" | "show" | "export";

/**
 * One session as `claw session list --json` prints it: a stable shape, every key always there,
 * `null` when not known.
 */
export interface SessionListing {
  /** The session id: what `claw session show` and `resume` take. */
  id: string;
  /** The working directory it ran in. */
  cwd: string | null;
  /** The text of its first prompt. */
  first_prompt: string | null;
  /** ISO time of its last record. */
  last_activity: string | null;
  /** How many prompts it holds. */
  turns: number;
  /** The size of its file. */
  size_bytes: number;
  /** Its file, under the CLI's config folder. */
  path: string;
  /** The title it was given (`claude --name`, `/rename`, `claw session rename`). */
  title: string | null;
  /** Its tag (`claw session tag`). */
  tag: string | null;
  /** Whether it is archived (`claw session archive`). */
  archived: boolean;
}

/** What `claw session show ID --json` prints: the session as listed, and its typed messages. */
export interface SessionShow {
  /** The session, as `claw session list --json` shows it. */
  session: SessionListing;
  /** The conversation, as the session store returns it. */
  messages: SessionMessage[];
}

/** The `--format` values of `claw session export` (`markdown` too), and the store's for each. */
const EXPORT_FORMATS: Readonly<Record<string, SessionExportFormat>> = {
  md: "markdown",
  markdown: "markdown",
  json: "json",
  ndjson: "ndjson",
};
/** The formats as the help and the messages name them. */
const FORMAT_NAMES = "md, json, ndjson";

const JSON_FLAG: Flag = {
  name: "json",
  option: "json",
  type: "boolean",
  help: "Print JSON (stable shape)",
};

const FLAGS: Readonly<Record<StoreCommand, readonly Flag[]>> = {
  list: [
    { name: "cwd", option: "cwd", type: "string", value: "DIR", help: "Whose sessions" },
    { name: "all", option: "all", type: "boolean", help: "Every working directory's sessions" },
    JSON_FLAG,
  ],
  show: [
    JSON_FLAG,
    { name: "full", option: "full", type: "boolean", help: "Unfold long results" },
  ],
  export: [
    { name: "format", option: "format", type: "string", value: "FORMAT", help: "md|json|ndjson" },
    {
      name: "output",
      short: "o",
      option: "output",
      type: "string",
      value: "FILE",
      help: "Write here",
    },
    // The export is its own format: --json only makes a failure a JSON object on stdout.
    { ...JSON_FLAG, help: "On failure, print the error as JSON on stdout" },
  ],
};

/** How many lines of a tool result or of thinking `show` prints without `--full`. */
const FOLDED_LINES = 3;
/** The most of a title or a tag that `list` shows. */
const TITLE_WIDTH = 40;
/** The width of the output when it is not a terminal. */
const PIPE_WIDTH = 120;

/**
 * Runs `claw session list|show|export` with `args` (what follows the subcommand's name); returns
 * the exit code. A mistake on the command line is a `UsageError`; an unknown session id is the
 * store's `ClawError` of kind `session_not_found`.
 *
 * @example A missing id is a usage error
 * ```ts
 * import { rejects } from "node:assert";
 * import { runStoreCommand } from "./_session_store.ts";
 *
 * await rejects(runStoreCommand("show", []), /^UsageError: Missing ID/);
 * await rejects(runStoreCommand("export", ["abc", "--format", "pdf"]), /use md, json, ndjson/);
 * ```
 */
export async function runStoreCommand(kind: StoreCommand, args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(args, FLAGS[kind]);
  switch (kind) {
    case "list": {
      if (positionals.length > 0) {
        const extra = positionals.join(" ");
        throw new UsageError(`Unexpected "${extra}": claw session list takes no ID`);
      }
      return await list({
        cwd: values.cwd as string | undefined,
        all: values.all === true,
        json: values.json === true,
      });
    }
    case "show":
      return await show(sessionId(positionals), {
        json: values.json === true,
        full: values.full === true,
      });
    case "export":
      return await exportTo(sessionId(positionals), {
        format: values.format as string | undefined,
        output: values.output as string | undefined,
      });
  }
}

/**
 * A session as `claw session list --json` prints it.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { sessionListing } from "./_session_store.ts";
 *
 * const info = {
 *   id: "5c0e1a9e-0000-4000-8000-000000000000",
 *   cwd: "/work",
 *   firstPrompt: "hi",
 *   lastActivity: "2026-01-02T03:04:05.000Z",
 *   turns: 1,
 *   size: 2048,
 *   path: "/home/me/.claude/projects/-work/5c0e1a9e-0000-4000-8000-000000000000.jsonl",
 * };
 * deepStrictEqual(Object.keys(sessionListing(info)), [
 *   "id", "cwd", "first_prompt", "last_activity", "turns", "size_bytes", "path", "title", "tag",
 *   "archived",
 * ]);
 * ```
 */
export function sessionListing(info: SessionInfo): SessionListing {
  return {
    id: info.id,
    cwd: info.cwd,
    first_prompt: info.firstPrompt,
    last_activity: info.lastActivity,
    turns: info.turns,
    size_bytes: info.size,
    path: info.path,
    title: info.title ?? null,
    tag: info.tag ?? null,
    archived: info.archived === true,
  };
}

/** The one ID of `show` and `export`. */
function sessionId(positionals: string[]): string {
  if (positionals.length === 0) {
    throw new UsageError("Missing ID: pass a session id (claw session list prints them)");
  }
  if (positionals.length > 1) {
    throw new UsageError(
      `Expected one ID, got ${positionals.length}: ${positionals.map((p) => `"${p}"`).join(" ")}`,
    );
  }
  return positionals[0]!;
}

/** Calls the store, reporting an option it refused as a usage error in the CLI's words. */
async function fromStore<T>(id: string | undefined, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof InvalidOptionError)) throw error;
    if (error.options.includes("id")) {
      throw new UsageError(
        `Invalid session ID "${id}": pass an id that claw session list prints`,
        { cause: error },
      );
    }
    const names: Record<string, string> = {
      cwd: "--cwd",
      format: "--format",
      env: "the environment",
    };
    throw new UsageError(error.describe((option) => names[option] ?? option), { cause: error });
  }
}

async function list(
  options: { cwd: string | undefined; all: boolean; json: boolean },
): Promise<number> {
  if (options.all && options.cwd !== undefined) {
    throw new UsageError("Pass either --cwd or --all, not both");
  }
  let cwd = Deno.cwd();
  if (options.cwd !== undefined) {
    await checkFolder("--cwd", options.cwd, "the working directory whose sessions to list");
    cwd = await Deno.realPath(options.cwd); // as the CLI saw it: absolute, links resolved
  }
  const sessions = await fromStore(undefined, () => listSessions({ cwd, all: options.all }));
  if (options.json) {
    console.log(JSON.stringify(sessions.map(sessionListing), null, 2));
    return 0;
  }
  if (sessions.length === 0) {
    console.error(
      options.all
        ? "No sessions in any working directory: run claw session new"
        : `No sessions for ${cwd}: run claw session new, or pass --all`,
    );
    return 0;
  }
  const s = styles(colourEnabled(Deno.stdout));
  console.log(table(sessions, { all: options.all, width: outputWidth(), s }));
  return 0;
}

async function show(id: string, options: { json: boolean; full: boolean }): Promise<number> {
  const transcript = await fromStore(id, () => readSession(id));
  if (options.json) {
    const shown: SessionShow = {
      session: sessionListing(transcript.info),
      messages: transcript.messages,
    };
    console.log(JSON.stringify(shown, null, 2));
    return 0;
  }
  const s = styles(colourEnabled(Deno.stdout));
  console.log(conversation(transcript, { full: options.full, width: outputWidth(), s }));
  return 0;
}

async function exportTo(
  id: string,
  options: { format: string | undefined; output: string | undefined },
): Promise<number> {
  if (options.format === undefined) {
    throw new UsageError(`Missing --format: use ${FORMAT_NAMES}`);
  }
  const format = Object.hasOwn(EXPORT_FORMATS, options.format)
    ? EXPORT_FORMATS[options.format]
    : undefined;
  if (format === undefined) {
    throw new UsageError(`Invalid --format "${options.format}": use ${FORMAT_NAMES}`);
  }
  if (options.output !== undefined) await checkOutputPath("-o", options.output);
  const text = await fromStore(id, () => exportSession(id, format));
  if (options.output === undefined) {
    await writeAll(Deno.stdout, new TextEncoder().encode(text));
    return 0;
  }
  await Deno.writeTextFile(options.output, text);
  const s = styles(colourEnabled(Deno.stderr));
  console.error(s.dim(`Wrote session ${id} to ${options.output}`));
  return 0;
}

async function writeAll(
  writer: { write(bytes: Uint8Array): Promise<number> },
  bytes: Uint8Array,
): Promise<void> {
  while (bytes.length > 0) bytes = bytes.subarray(await writer.write(bytes));
}

/** The columns to fit: the terminal's, or a fixed width for a pipe or a file. */
function outputWidth(): number {
  if (!Deno.stdout.isTerminal()) return PIPE_WIDTH;
  try {
    return Deno.consoleSize().columns;
  } catch {
    return PIPE_WIDTH;
  }
}

/**
 * The aligned table of `claw session list`, the first prompt clipped to `width`; a TITLE column
 * (title, `#tag`, `archived`) when a session has any of them.
 */
function table(
  sessions: SessionInfo[],
  options: { all: boolean; width: number; s: Styles },
): string {
  const { s } = options;
  const titled = sessions.some((session) =>
    session.title !== undefined || session.tag !== undefined || session.archived === true
  );
  const header = [
    "ID",
    "LAST ACTIVITY",
    "TURNS",
    "SIZE",
    ...options.all ? ["CWD"] : [],
    ...titled ? ["TITLE"] : [],
  ];
  const rows = sessions.map((session) => [
    session.id,
    localTime(session.lastActivity),
    String(session.turns),
    byteSize(session.size),
    ...options.all ? [clipStart(session.cwd ?? "?", 40)] : [],
    ...titled ? [titleCell(session)] : [],
  ]);
  const widths = header.map((title, i) =>
    Math.max(title.length, ...rows.map((row) => row[i]!.length))
  );
  const numeric = new Set([2, 3]);
  const cells = (row: string[]) =>
    row.map((cell, i) => numeric.has(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!));
  const used = widths.reduce((sum, w) => sum + w + 2, 0);
  const room = Math.max(20, options.width - used);
  const lines = [s.bold([...cells(header), "FIRST PROMPT"].join("  "))];
  sessions.forEach((session, i) => {
    const [id, ...rest] = cells(rows[i]!);
    const shown = rest.map((cell, at) =>
      titled && at === rest.length - 1 ? s.bold(cell) : s.dim(cell)
    );
    const prompt = session.firstPrompt === null
      ? s.dim("(none)")
      : oneLine(session.firstPrompt, room);
    lines.push([s.cyan(id!), ...shown, prompt].join("  "));
  });
  return lines.join("\n");
}

/** A session's TITLE cell: its title clipped, its `#tag`, and `archived` when it is. */
function titleCell(session: SessionInfo): string {
  return [
    ...session.title === undefined ? [] : [oneLine(session.title, TITLE_WIDTH)],
    ...session.tag === undefined ? [] : [`#${oneLine(session.tag, TITLE_WIDTH)}`],
    ...session.archived === true ? ["(archived)"] : [],
  ].join(" ");
}

/** An ISO time as local `YYYY-MM-DD HH:MM`. */
function localTime(iso: string | null): string {
  const date = iso === null ? undefined : new Date(iso);
  if (date === undefined || Number.isNaN(date.getTime())) return "?";
  const two = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ${
    two(date.getHours())
  }:${two(date.getMinutes())}`;
}

function byteSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** `text` in at most `width` characters, its start clipped. */
function clipStart(text: string, width: number): string {
  return text.length > width ? `…${text.slice(text.length - width + 1)}` : text;
}

/** A session's conversation, readable: prompts, answers, tool calls with their results. */
function conversation(
  { info, messages, costUsd }: SessionTranscript,
  options: { full: boolean; width: number; s: Styles },
): string {
  const { s, full, width } = options;
  const results = new Map<string, SessionBlock>();
  for (const message of messages) {
    for (const block of message.content) {
      if (block.type === "tool_result" && typeof block.tool_use_id === "string") {
        results.set(block.tool_use_id, block);
      }
    }
  }
  const shownResults = new Set<SessionBlock>();
  const titled = info.title !== undefined || info.tag !== undefined || info.archived === true;
  const about = [
    ...titled ? [titleCell(info)] : [],
    info.cwd ?? "unknown cwd",
    `${info.turns} prompt${info.turns === 1 ? "" : "s"}`,
    `last activity ${localTime(info.lastActivity)}`,
    ...(costUsd === undefined ? [] : [`$${costUsd.toFixed(4)}`]),
  ];
  const parts = [`${s.bold(`Session ${info.id}`)}\n${s.dim(about.join(" · "))}`];
  const fold = (text: string) => foldLines(text, { full, width: width - 4, s });
  const result = (block: SessionBlock) => {
    shownResults.add(block);
    const mark = block.is_error === true ? s.red("✗") : s.dim("⎿");
    const text = resultText(block.content);
    return hang(`  ${mark} `, text.trim() === "" ? [s.dim("(no output)")] : fold(text), "    ");
  };
  // What each turn used: the CLI stores tokens per answer (its cost only for the whole session).
  const used = { input: 0, output: 0, any: false };
  const closeTurn = () => {
    if (used.any) parts.push(s.dim(`  (${used.input} in / ${used.output} out tokens)`));
    Object.assign(used, { input: 0, output: 0, any: false });
  };
  for (const message of messages) {
    const prompt = message.role === "user" &&
      message.content.every((block) => block.type !== "tool_result");
    if (prompt && message.meta !== true) closeTurn();
    if (message.usage) {
      used.input += message.usage.input_tokens ?? 0;
      used.output += message.usage.output_tokens ?? 0;
      used.any = true;
    }
    for (const block of message.content) {
      if (message.role === "user" && message.meta === true) {
        if (typeof block.text === "string") parts.push(s.dim(oneLine(block.text, width)));
        continue;
      }
      if (message.role === "user") {
        if (block.type === "tool_result") {
          if (!shownResults.has(block)) parts.push(result(block));
        } else {
          const text = typeof block.text === "string" ? block.text : `[${block.type}]`;
          parts.push(hang("> ", text.split("\n").map((line) => s.bold(line)), "  "));
        }
        continue;
      }
      if (block.type === "text" && typeof block.text === "string") {
        parts.push(block.text);
      } else if (block.type === "thinking" && typeof block.thinking === "string") {
        parts.push(hang(s.dim("✻ "), fold(block.thinking).map((line) => s.dim(line)), "  "));
      } else if (block.type === "tool_use") {
        const input = isRecord(block.input) ? block.input : {};
        const lines = [`${s.cyan("⏺")} ${s.bold(String(block.name))}(${toolSummary(input)})`];
        if (full && !summarizesAll(input)) {
          const json = JSON.stringify(input, null, 2).split("\n").map((line) => s.dim(line));
          lines.push(hang("    ", json, "    "));
        }
        const answer = typeof block.id === "string" ? results.get(block.id) : undefined;
        if (answer) lines.push(result(answer));
        parts.push(lines.join("\n"));
      } else {
        parts.push(s.dim(`[${block.type}]`));
      }
    }
  }
  closeTurn();
  return parts.join("\n\n");
}

/** Whether the one-liner of a tool call shows all its input: one text, not clipped. */
function summarizesAll(input: Record<string, unknown>): boolean {
  const values = Object.values(input);
  return values.length === 1 && toolSummary(input) === values[0];
}

/** `text`'s lines; without `full`, its first few, each clipped to `width`, and how many more. */
function foldLines(text: string, options: { full: boolean; width: number; s: Styles }): string[] {
  const lines = text.replace(/\s+$/, "").split("\n");
  if (options.full) return lines;
  const room = Math.max(20, options.width);
  const shown = lines.slice(0, FOLDED_LINES).map((line) => clipEnd(line, room));
  const more = lines.length - shown.length;
  if (more > 0) {
    shown.push(options.s.dim(`… +${more} line${more === 1 ? "" : "s"} (--full shows them)`));
  }
  return shown;
}

/** `lines` after `first` on the first line, the others indented by `rest`. */
function hang(first: string, lines: string[], rest: string): string {
  return lines.map((line, i) => (i === 0 ? first : rest) + line).join("\n");
}

function clipEnd(line: string, width: number): string {
  return line.length > width ? `${line.slice(0, width - 1)}…` : line;
}

/** A tool result's content as text: its text blocks, and a `[type]` for any other block. */
function resultText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content.map((block) =>
    isRecord(block) && typeof block.text === "string"
      ? block.text
      : `[${isRecord(block) ? String(block.type) : "?"}]`
  ).join("\n");
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
