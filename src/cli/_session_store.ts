/**
 * `claw session list|show|export`: the CLI's stored sessions, read through the session store
 * (`src/session/store.ts`). This module only parses flags, checks paths and renders: the store
 * finds, reads and exports the sessions. `show` and `export` write as the store reads, a message at
 * a time, so their memory stays near a session's longest line; a line the store skips as too long
 * is a warning on stderr.
 *
 * @module
 */
import { InvalidOptionError } from "../errors/claw_error.ts";
import { prettyJson } from "../session/_pretty_json.ts";
import {
  listSessions,
  type SessionBlock,
  type SessionExportFormat,
  type SessionInfo,
  type SessionMessage,
  type SessionStoreOptions,
  type SessionStream,
  streamSession,
  streamSessionExport,
} from "../session/store.ts";
import { numberFlag, UsageError } from "./_args.ts";
import { type Flag, parseFlags } from "./_flags.ts";
import { checkFolder, checkOutputPath } from "./_paths.ts";
import { oneLine, type Styles, toolSummary } from "./_render.ts";
import { colourEnabled, styles } from "./_style.ts";
import { messageOf } from "../errors/message_of.ts";

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

const MAX_LINE_BYTES_FLAG: Flag = {
  name: "max-line-bytes",
  option: "maxLineBytes",
  type: "string",
  value: "BYTES",
  help: "Skip longer lines of a session file, with a warning (default 268435456)",
};

const FLAGS: Readonly<Record<StoreCommand, readonly Flag[]>> = {
  list: [
    { name: "cwd", option: "cwd", type: "string", value: "DIR", help: "Whose sessions" },
    { name: "all", option: "all", type: "boolean", help: "Every working directory's sessions" },
    JSON_FLAG,
    MAX_LINE_BYTES_FLAG,
  ],
  show: [
    JSON_FLAG,
    { name: "full", option: "full", type: "boolean", help: "Unfold long results" },
    MAX_LINE_BYTES_FLAG,
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
    // To stdout the export is the output: --json then only makes a failure a JSON object.
    {
      ...JSON_FLAG,
      help: 'With -o, print {"id","path","format","bytes"} when done; a failure as JSON',
    },
    MAX_LINE_BYTES_FLAG,
  ],
};

/** How many lines of a tool result or of thinking `show` prints without `--full`. */
const FOLDED_LINES = 3;
/** The most of a title or a tag that `list` shows. */
const TITLE_WIDTH = 40;
/** The width of the output when it is not a terminal. */
const PIPE_WIDTH = 120;
/** The exit code when stdout's reader goes away mid-output: 128 + SIGPIPE, as `claw run`'s. */
const STDOUT_CLOSED_EXIT = 141;
/** How much output is gathered before it is written. */
const WRITE_CHARS = 64 * 1024;

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
  const maxLineBytes = numberFlag("max-line-bytes", values["max-line-bytes"] as string | undefined);
  const s = styles(colourEnabled(Deno.stderr));
  const reading: Reading = {
    ...(maxLineBytes === undefined ? {} : { maxLineBytes }),
    onWarning: (message) => console.error(s.yellow(`warning: ${message}`)),
  };
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
        reading,
      });
    }
    case "show":
      return await show(sessionId(positionals), {
        json: values.json === true,
        full: values.full === true,
        reading,
      });
    case "export":
      return await exportTo(sessionId(positionals), {
        format: values.format as string | undefined,
        output: values.output as string | undefined,
        json: values.json === true,
        reading,
      });
  }
}

/** How the store reads for a command: `--max-line-bytes`, and its warnings to stderr. */
type Reading = Pick<SessionStoreOptions, "maxLineBytes" | "onWarning">;

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
      maxLineBytes: "--max-line-bytes",
      env: "the environment",
    };
    throw new UsageError(error.describe((option) => names[option] ?? option), { cause: error });
  }
}

async function list(
  options: { cwd: string | undefined; all: boolean; json: boolean; reading: Reading },
): Promise<number> {
  if (options.all && options.cwd !== undefined) {
    throw new UsageError("Pass either --cwd or --all, not both");
  }
  let cwd = Deno.cwd();
  if (options.cwd !== undefined) {
    await checkFolder("--cwd", options.cwd, "the working directory whose sessions to list");
    cwd = await Deno.realPath(options.cwd); // as the CLI saw it: absolute, links resolved
  }
  const sessions = await fromStore(
    undefined,
    () => listSessions({ cwd, all: options.all, ...options.reading }),
  );
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

async function show(
  id: string,
  options: { json: boolean; full: boolean; reading: Reading },
): Promise<number> {
  const session = await fromStore(id, () => streamSession(id, options.reading));
  return await toStdout(async (out) => {
    if (options.json) {
      const shown = { session: sessionListing(session.info), messages: [] };
      for await (const piece of prettyJson(shown, "messages", session.messages)) {
        await out.write(piece);
      }
      await out.write("\n");
      return;
    }
    const s = styles(colourEnabled(Deno.stdout));
    const view = new ConversationView({ full: options.full, width: outputWidth(), s });
    await out.write(view.header(session));
    for await (const message of session.messages) {
      for (const part of view.add(message)) await out.write(`\n\n${part}`);
    }
    for (const part of view.end()) await out.write(`\n\n${part}`);
    await out.write("\n");
  });
}

/**
 * What `claw session export -o FILE --json` prints when it is done: the session, the file, the
 * format as `--format` names it, and the bytes written.
 */
export interface SessionExported {
  /** The session id. */
  id: string;
  /** The file written (as given with `-o`). */
  path: string;
  /** `md`, `json` or `ndjson`. */
  format: "md" | "json" | "ndjson";
  /** How many bytes the file holds. */
  bytes: number;
}

/**
 * What `claw session export --format json` writes: the session as `claw session list --json`
 * shows it (snake_case, as every JSON of the CLI), its typed messages, and its cost (`null` when
 * the CLI stored none). The library's `exportSession(id, "json")` keeps its own camelCase
 * `SessionInfo`.
 */
export interface SessionJsonExport {
  /** The session, as listed. */
  info: SessionListing;
  /** The conversation, as the session store returns it. */
  messages: SessionMessage[];
  /** What the session cost, as the CLI stored it. */
  cost_usd: number | null;
}

async function exportTo(
  id: string,
  options: {
    format: string | undefined;
    output: string | undefined;
    json: boolean;
    reading: Reading;
  },
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
  const path = options.output;
  if (path !== undefined) await checkOutputPath("-o", path);
  const pieces = await fromStore(id, () => exportPieces(id, format, options.reading));
  if (path === undefined) {
    return await toStdout(async (out) => {
      for await (const piece of pieces) await out.write(piece);
    });
  }
  // Past the checks, a failure to write (a full disk) is an io error that names the file.
  const failed = (error: unknown): never => {
    const reason = messageOf(error);
    throw new Error(`Cannot write "${path}": ${reason}`, { cause: error });
  };
  let bytes = 0;
  {
    using file = await Deno.open(path, { write: true, create: true, truncate: true })
      .catch(failed);
    const out = new TextOut({
      write: (chunk) =>
        file.write(chunk).then((written) => {
          bytes += written;
          return written;
        }, failed),
    });
    for await (const piece of pieces) await out.write(piece);
    await out.flush();
  }
  if (options.json) {
    const exported: SessionExported = {
      id,
      path,
      format: format === "markdown" ? "md" : format,
      bytes,
    };
    console.log(JSON.stringify(exported));
    return 0;
  }
  const s = styles(colourEnabled(Deno.stderr));
  console.error(s.dim(`Wrote session ${id} to ${path}`));
  return 0;
}

/**
 * The text of session `id` in `format`, in pieces: the store's export, but for `json`, whose
 * session info is put as `claw session list --json` prints it ({@linkcode SessionJsonExport}).
 */
async function exportPieces(
  id: string,
  format: SessionExportFormat,
  reading: Reading,
): Promise<AsyncIterable<string>> {
  if (format !== "json") return await streamSessionExport(id, format, reading);
  const { info, messages, costUsd } = await streamSession(id, reading);
  const shape: Omit<SessionJsonExport, "messages"> & { messages: [] } = {
    info: sessionListing(info),
    messages: [],
    cost_usd: costUsd ?? null,
  };
  return (async function* () {
    yield* prettyJson(shape, "messages", messages);
    yield "\n";
  })();
}

/**
 * Runs `write` with stdout as a {@linkcode TextOut}; its exit code: 0, or 141 when stdout's
 * reader went away (`claw session show … | head`), which stops the reading too.
 */
async function toStdout(write: (out: TextOut) => Promise<void>): Promise<number> {
  const out = new TextOut(Deno.stdout);
  try {
    await write(out);
    await out.flush();
    return 0;
  } catch (error) {
    if (error instanceof Deno.errors.BrokenPipe) return STDOUT_CLOSED_EXIT;
    throw error;
  }
}

/** Text written as it is made, gathered into writes of about {@linkcode WRITE_CHARS}. */
class TextOut {
  readonly #writer: { write(bytes: Uint8Array): Promise<number> };
  readonly #encoder = new TextEncoder();
  #pending: string[] = [];
  #chars = 0;

  constructor(writer: { write(bytes: Uint8Array): Promise<number> }) {
    this.#writer = writer;
  }

  /** Adds `text`; writes what was gathered once it is large enough, and a long text on its own. */
  async write(text: string): Promise<void> {
    if (text.length >= WRITE_CHARS) {
      await this.flush();
      await this.#writeAll(text);
      return;
    }
    this.#pending.push(text);
    this.#chars += text.length;
    if (this.#chars >= WRITE_CHARS) await this.flush();
  }

  /** Writes what was gathered. */
  async flush(): Promise<void> {
    const text = this.#pending.join("");
    this.#pending = [];
    this.#chars = 0;
    await this.#writeAll(text);
  }

  async #writeAll(text: string): Promise<void> {
    let bytes = this.#encoder.encode(text);
    while (bytes.length > 0) bytes = bytes.subarray(await this.#writer.write(bytes));
  }
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

/** A tool call shown by `show`, and the result shown under it once it comes. */
interface ToolCall {
  /** The id its result names. */
  id: string;
  lines: string[];
  result?: SessionBlock;
}

/**
 * A session's conversation, readable: prompts, answers, tool calls with their results, made a
 * message at a time. A tool call's lines wait for its result (in the messages that follow), but
 * no longer than the next answer or prompt: then it is shown without one.
 */
class ConversationView {
  readonly #s: Styles;
  readonly #full: boolean;
  readonly #width: number;
  /** What is ready to show, held back while a tool call in it waits for its result. */
  #held: (string | ToolCall)[] = [];
  /** The tool calls held back for their results, by id. */
  #waiting = new Map<string, ToolCall>();
  /** What the turn used so far: the CLI stores tokens per answer (its cost only per session). */
  #used = { input: 0, output: 0, any: false };

  constructor(options: { full: boolean; width: number; s: Styles }) {
    this.#s = options.s;
    this.#full = options.full;
    this.#width = options.width;
  }

  /** The session's title line and what it is about. */
  header({ info, costUsd }: SessionStream): string {
    const s = this.#s;
    const titled = info.title !== undefined || info.tag !== undefined || info.archived === true;
    const about = [
      ...titled ? [titleCell(info)] : [],
      info.cwd ?? "unknown cwd",
      `${info.turns} prompt${info.turns === 1 ? "" : "s"}`,
      `last activity ${localTime(info.lastActivity)}`,
      ...(costUsd === undefined ? [] : [`$${costUsd.toFixed(4)}`]),
    ];
    return `${s.bold(`Session ${info.id}`)}\n${s.dim(about.join(" · "))}`;
  }

  /** The parts ready to show once `message` is added, in order. */
  add(message: SessionMessage): string[] {
    const s = this.#s;
    const ready: string[] = [];
    const prompt = message.role === "user" && message.meta !== true &&
      message.content.every((block) => block.type !== "tool_result");
    // Results still awaited come before the next answer or prompt, or not at all.
    if (message.role === "assistant" || prompt) ready.push(...this.#release());
    if (prompt) this.#closeTurn();
    if (message.usage) {
      this.#used.input += message.usage.input_tokens ?? 0;
      this.#used.output += message.usage.output_tokens ?? 0;
      this.#used.any = true;
    }
    for (const block of message.content) {
      if (message.role === "user" && message.meta === true) {
        if (typeof block.text === "string") {
          this.#held.push(s.dim(oneLine(block.text, this.#width)));
        }
      } else if (message.role === "user") this.#userBlock(block);
      else this.#assistantBlock(block);
    }
    if (this.#waiting.size === 0) ready.push(...this.#release());
    return ready;
  }

  /** The parts still held, and the last turn's tokens. */
  end(): string[] {
    const ready = this.#release();
    this.#closeTurn();
    return [...ready, ...this.#release()];
  }

  #userBlock(block: SessionBlock): void {
    if (block.type !== "tool_result") {
      const text = typeof block.text === "string" ? block.text : `[${block.type}]`;
      const lines = text.split("\n").map((line) => this.#s.bold(line));
      this.#held.push(hang("> ", lines, "  "));
      return;
    }
    const id = block.tool_use_id;
    const call = typeof id === "string" ? this.#waiting.get(id) : undefined;
    if (call === undefined) {
      this.#held.push(this.#result(block)); // a result whose call was shown already, or never
      return;
    }
    call.result = block;
    this.#waiting.delete(call.id);
  }

  #assistantBlock(block: SessionBlock): void {
    const s = this.#s;
    if (block.type === "text" && typeof block.text === "string") {
      this.#held.push(block.text);
    } else if (block.type === "thinking" && typeof block.thinking === "string") {
      this.#held.push(hang(s.dim("✻ "), this.#fold(block.thinking).map((l) => s.dim(l)), "  "));
    } else if (block.type === "tool_use") {
      const input = isRecord(block.input) ? block.input : {};
      const lines = [`${s.cyan("⏺")} ${s.bold(String(block.name))}(${toolSummary(input)})`];
      if (this.#full && !summarizesAll(input)) {
        const json = JSON.stringify(input, null, 2).split("\n").map((line) => s.dim(line));
        lines.push(hang("    ", json, "    "));
      }
      if (typeof block.id === "string") {
        const call: ToolCall = { id: block.id, lines };
        this.#waiting.set(call.id, call);
        this.#held.push(call);
      } else this.#held.push(lines.join("\n"));
    } else {
      this.#held.push(s.dim(`[${block.type}]`));
    }
  }

  /** The parts held, each tool call with its result when it came; nothing waits any more. */
  #release(): string[] {
    const parts = this.#held.map((part) =>
      typeof part === "string"
        ? part
        : [...part.lines, ...part.result ? [this.#result(part.result)] : []].join("\n")
    );
    this.#held = [];
    this.#waiting.clear();
    return parts;
  }

  /** Holds the tokens of the turn that ends, if it used any, and starts counting afresh. */
  #closeTurn(): void {
    const used = this.#used;
    if (used.any) this.#held.push(this.#s.dim(`  (${used.input} in / ${used.output} out tokens)`));
    this.#used = { input: 0, output: 0, any: false };
  }

  #result(block: SessionBlock): string {
    const s = this.#s;
    const mark = block.is_error === true ? s.red("✗") : s.dim("⎿");
    const text = resultText(block.content);
    return hang(
      `  ${mark} `,
      text.trim() === "" ? [s.dim("(no output)")] : this.#fold(text),
      "    ",
    );
  }

  #fold(text: string): string[] {
    return foldLines(text, { full: this.#full, width: this.#width - 4, s: this.#s });
  }
}

/** Whether the one-liner of a tool call shows all its input: one text, not clipped. */
function summarizesAll(input: Record<string, unknown>): boolean {
  const values = Object.values(input);
  return values.length === 1 && toolSummary(input) === values[0];
}

/** `text`'s lines; without `full`, its first few, each clipped to `width`, and how many more. */
function foldLines(text: string, options: { full: boolean; width: number; s: Styles }): string[] {
  const trimmed = text.trimEnd();
  if (options.full) return trimmed.split("\n");
  // A long text is not split: its lines are counted, and only the first few cut out.
  let total = 1;
  for (let at = trimmed.indexOf("\n"); at !== -1; at = trimmed.indexOf("\n", at + 1)) total++;
  const shown: string[] = [];
  for (let start = 0; shown.length < Math.min(FOLDED_LINES, total);) {
    const end = trimmed.indexOf("\n", start);
    shown.push(trimmed.slice(start, end === -1 ? undefined : end));
    start = end + 1;
  }
  const more = total - shown.length;
  const room = Math.max(20, options.width);
  const lines = shown.map((line) => clipEnd(line, room));
  if (more > 0) {
    lines.push(options.s.dim(`… +${more} line${more === 1 ? "" : "s"} (--full shows them)`));
  }
  return lines;
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
