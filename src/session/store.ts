/**
 * The CLI's own session files, read: list the sessions of a working directory (or of all), tell
 * one's title, tag and archived state, read one as a conversation, export it as Markdown, JSON or
 * NDJSON. (`store_edit.ts` renames, tags, archives and deletes them; `store_fork.ts` forks them.)
 *
 * The CLI keeps each session in `<config dir>/projects/<escaped cwd>/<session id>.jsonl`, where
 * the config dir is `CLAUDE_CONFIG_DIR` or `~/.claude` and the escaped cwd has every character
 * that is not `[A-Za-z0-9]` as `-` (PROTOCOL.md §8). One record per line: `user` and `assistant`
 * records carry the conversation (an assistant record per content block, several with one
 * `message.id`); the others (`queue-operation`, `attachment`, `api-request…`, `last-prompt`,
 * `cost-state`, …) are the CLI's bookkeeping and are skipped, but for two: the last
 * `{"type":"custom-title","customTitle":…}` names the session (`claude --name`, `/rename`, the
 * SDK's `renameSession`) and the last `{"type":"tag","tag":…}` tags it (`""` clears the tag).
 * Beside the transcript, its side folder `<session id>/` may hold `archived.json`
 * (`{"archived":true,"at":…,"by":…}`, written by the SDK's `archiveSession`; a prompt sent after
 * `at` unarchives the session) and `custom-title.json` (the CLI's copy of a `/rename`, read when
 * no record names the session). `agent-*.jsonl` files beside the transcripts hold 2.0.x subagent
 * sidechains, and 2.0.x leaves empty session files: neither is listed.
 *
 * Files are read line by line, never whole, so memory does not grow with a session's size: it
 * stays near its longest line read. A line longer than `maxLineBytes` is skipped and reported to
 * `onWarning`, never a failure. {@linkcode listSessions} parses only the lines that can matter to
 * a listing; {@linkcode streamSession} and {@linkcode streamSessionExport} give a session's
 * messages as they are read, for sessions too large to hold.
 *
 * @module
 */
import type { Usage } from "../protocol/events.ts";
import { join } from "node:path";
import { ClawError, InvalidOptionError } from "../errors/claw_error.ts";
import { configDir } from "../process/config_paths.ts";
import { prettyJson } from "./_pretty_json.ts";
import { scanListing } from "./_listing_scan.ts";
import {
  checkMaxLineBytes,
  cleanTitle,
  contentBlocks,
  parseRecord,
  readingFor,
  sideFolder,
  transcriptLines,
  type TranscriptReading,
} from "./_transcript.ts";
import { messageOf } from "../errors/message_of.ts";

/** Where to look for sessions. */
export interface SessionStoreOptions {
  /** The working directory whose sessions to list; `Deno.cwd()` by default. */
  cwd?: string;
  /** Every working directory's sessions, not only `cwd`'s. */
  all?: boolean;
  /**
   * The environment that says where the CLI keeps its files (`CLAUDE_CONFIG_DIR`, else
   * `HOME/.claude`); this process's by default.
   */
  env?: Readonly<Record<string, string | undefined>>;
  /**
   * The longest line of a session file read, in bytes: a longer one is skipped (its record left
   * out) and reported to `onWarning`, so memory stays near this size. Default 256 MiB
   * (`DEFAULT_MAX_LINE_BYTES`); `Infinity` for no limit (a line over about 512 MiB still cannot be
   * read). Anything else is a `ClawError` of kind `usage`.
   */
  maxLineBytes?: number;
  /**
   * Told, as a sentence, of each line skipped as too long, and of each session file
   * {@linkcode listSessions} could not read and left out. Nothing is told by default.
   */
  onWarning?: (message: string) => void;
}

/** One session, as {@linkcode listSessions} finds it. */
export interface SessionInfo {
  /** The session id (the file's name). */
  id: string;
  /** The working directory it ran in, from its records; `null` when none says. */
  cwd: string | null;
  /** The text of its first prompt; `null` when it has none. */
  firstPrompt: string | null;
  /** ISO time of its last record with a time. */
  lastActivity: string | null;
  /** How many prompts it holds (user messages that are not tool results). */
  turns: number;
  /** The file's size in bytes. */
  size: number;
  /** The file. */
  path: string;
  /**
   * The title it was given (`claude --name`, `/rename`, `renameSession`); absent when
   * it has none.
   */
  title?: string;
  /** Its tag (`tagSession`; the CLI's session picker shows it as `#tag`); absent when none. */
  tag?: string;
  /**
   * Whether it is archived: absent when it never was; `false` once unarchived, or once a prompt
   * was sent in it after it was archived.
   */
  archived?: boolean;
}

/** A block of a message: text, thinking, a tool call or a tool result, as the CLI stored it. */
export type SessionBlock = Record<string, unknown> & { type: string };

/** One message of a conversation; an assistant message joins its content blocks. */
export interface SessionMessage {
  /** Who said it. */
  role: "user" | "assistant";
  /** Its content blocks (a prompt given as a string is one `text` block). */
  content: SessionBlock[];
  /** ISO time of its (first) record. */
  timestamp: string | null;
  /** The model, for an assistant message. */
  model?: string;
  /** The API usage of an assistant message (its final one, where the CLI stored several). */
  usage?: Usage;
  /** Set on a user message the CLI added itself (context, a command's output), not typed. */
  meta?: true;
}

/** A session read whole: what {@linkcode listSessions} says about it, and its conversation. */
export interface SessionTranscript {
  /** What the listing says. */
  info: SessionInfo;
  /** The conversation, in order. */
  messages: SessionMessage[];
  /** What the session cost, as the CLI stored it (2.1.x writes it when a process ends). */
  costUsd?: number;
}

/**
 * A session being read by {@linkcode streamSession}: what the listing says about it, and its
 * conversation as a stream that reads the file as it is read.
 */
export interface SessionStream {
  /** What the listing says. */
  info: SessionInfo;
  /**
   * The conversation, in order, read from the file's first `info.size` bytes (what the listing
   * saw) one message at a time; nothing is read until the stream is, and cancelling it closes
   * the file.
   */
  messages: ReadableStream<SessionMessage>;
  /** What the session cost, as the CLI stored it (2.1.x writes it when a process ends). */
  costUsd?: number;
}

/** The formats of {@linkcode exportSession}. */
export const SESSION_EXPORT_FORMATS = ["markdown", "json", "ndjson"] as const;

/** An export format. */
export type SessionExportFormat = typeof SESSION_EXPORT_FORMATS[number];

/**
 * The CLI's folder for the sessions of `cwd`: every character that is not `[A-Za-z0-9]` becomes
 * `-`.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { projectFolderName } from "./store.ts";
 *
 * strictEqual(projectFolderName("/tmp/rec-text_simple/work"), "-tmp-rec-text-simple-work");
 * ```
 */
export function projectFolderName(cwd: string): string {
  return cwd.replace(/[^A-Za-z0-9]/g, "-");
}

/**
 * The sessions of a working directory (or of every one, with `all`), newest first. A folder with
 * no sessions gives an empty list. Each file is read line by line, and only the lines that can
 * matter to a listing (prompts, titles, tags, the first with a `cwd`, the last with a time) are
 * parsed: the others are told apart by their first or last bytes, never decoded, and a long one
 * is not held while it is read. A line over `maxLineBytes` is skipped and a file that cannot be
 * read is left out, each with a warning to `onWarning`: neither fails the listing.
 *
 * @example List the sessions of the current folder
 * ```ts ignore
 * import { listSessions } from "./store.ts";
 *
 * for (const session of await listSessions()) {
 *   console.log(session.id, session.lastActivity, session.turns, session.firstPrompt);
 * }
 * ```
 */
export async function listSessions(options: SessionStoreOptions = {}): Promise<SessionInfo[]> {
  checkMaxLineBytes(options.maxLineBytes);
  const projects = projectsDir(options);
  const folders = options.all
    ? await children(projects, (entry) => entry.isDirectory)
    : [projectFolderName(options.cwd ?? Deno.cwd())];
  const sessions: SessionInfo[] = [];
  for (const folder of folders) {
    const dir = join(projects, folder);
    const entries = await entriesOf(dir);
    // A session's side folder is looked in only when something has its name.
    const others = new Set(entries.flatMap((entry) => entry.isFile ? [] : [entry.name]));
    for (const { name, isFile } of entries) {
      if (!isFile || !name.endsWith(".jsonl") || name.startsWith("agent-")) continue;
      const path = join(dir, name);
      let info: SessionInfo;
      try {
        info = (await scanSession(path, options, others.has(name.slice(0, -".jsonl".length)))).info;
      } catch (error) {
        if (error instanceof Deno.errors.NotFound) continue; // deleted since the folder was read
        const why = messageOf(error);
        options.onWarning?.(`Cannot read session file "${path}": ${why}; it is not listed`);
        continue;
      }
      if (info.turns > 0) sessions.push(info);
    }
  }
  return sessions.sort((a, b) => (b.lastActivity ?? "").localeCompare(a.lastActivity ?? ""));
}

/**
 * Reads the session `id` as a conversation, every message held at once ({@linkcode streamSession}
 * gives them one at a time instead). It is looked up under `cwd`'s folder first, then under every
 * folder. Throws a `ClawError` of kind `session_not_found` when there is none.
 *
 * @example Print the conversation of a session
 * ```ts ignore
 * import { readSession } from "./store.ts";
 *
 * const { info, messages } = await readSession("5aafca37-6646-418e-83c3-936ecf025f7b");
 * for (const message of messages) console.log(message.role, message.content.length);
 * ```
 */
export async function readSession(
  id: string,
  options: SessionStoreOptions = {},
): Promise<SessionTranscript> {
  const { info, messages, costUsd } = await streamSession(id, options);
  const read = await Array.fromAsync(messages);
  return { info, messages: read, ...(costUsd === undefined ? {} : { costUsd }) };
}

/**
 * Opens the session `id` for reading: the file is read once for what the listing says (so a
 * missing session fails here, as `session_not_found`), and its messages come as a stream that
 * reads it again, one message at a time, so memory stays near its longest line whatever its
 * size. A line over `maxLineBytes` is skipped with a warning to `onWarning`. Looked up as
 * {@linkcode readSession} looks.
 *
 * @example Read a session one message at a time
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { conversationRecords, syntheticStore } from "./_synthetic_sessions.ts";
 * import { streamSession } from "./store.ts";
 *
 * // A session as the CLI stores it, made by code in a throw-away config dir.
 * await using store = await syntheticStore();
 * const id = "5aafca37-6646-418e-83c3-936ecf025f7b";
 * const turns = [["Fix the login bug", "Done"]] as const;
 * await store.write(id, conversationRecords({ sessionId: id, cwd: store.cwd, turns }));
 * const session = await streamSession(id, { env: store.env });
 * const roles = [];
 * for await (const message of session.messages) roles.push(message.role);
 * deepStrictEqual([session.info.turns, roles], [1, ["user", "assistant"]]);
 * ```
 */
export async function streamSession(
  id: string,
  options: SessionStoreOptions = {},
): Promise<SessionStream> {
  checkMaxLineBytes(options.maxLineBytes);
  const path = await findSessionFile(id, options);
  const { info, costUsd } = await scanSession(path, options);
  // The lines too long were told of by the first pass: the second reads the same bytes quietly.
  const reading = { maxLineBytes: options.maxLineBytes, bytes: info.size };
  const messages = ReadableStream.from(sessionMessages(path, reading));
  return { info, messages, ...(costUsd === undefined ? {} : { costUsd }) };
}

/**
 * What {@linkcode listSessions} says about session `id`: looked up under `cwd`'s folder first,
 * then under every folder. Like the SDK's `getSessionInfo`, `undefined` when there is no such
 * session, or when it holds no prompt (a session `listSessions` does not list); a malformed id is
 * a `ClawError` of kind `usage`.
 *
 * @example Tell a session's title, tag and archived state
 * ```ts
 * import { deepStrictEqual, strictEqual } from "node:assert";
 * import { conversationRecords, syntheticStore } from "./_synthetic_sessions.ts";
 * import { getSessionInfo } from "./store.ts";
 *
 * // A titled and tagged session as the CLI stores it, made by code in a throw-away config dir.
 * await using store = await syntheticStore();
 * const id = "5aafca37-6646-418e-83c3-936ecf025f7b";
 * const turns = [["Fix the login bug", "Done"]] as const;
 * await store.write(id, [
 *   ...conversationRecords({ sessionId: id, cwd: store.cwd, turns }),
 *   { type: "custom-title", customTitle: "Login bug", sessionId: id },
 *   { type: "tag", tag: "auth", sessionId: id },
 * ]);
 * const info = await getSessionInfo(id, { env: store.env });
 * deepStrictEqual(
 *   [info?.title, info?.tag, info?.archived, info?.firstPrompt],
 *   ["Login bug", "auth", undefined, "Fix the login bug"],
 * );
 * const unknown = "0b7c9a52-0000-4000-8000-000000000000";
 * strictEqual(await getSessionInfo(unknown, { env: store.env }), undefined);
 * ```
 */
export async function getSessionInfo(
  id: string,
  options: SessionStoreOptions = {},
): Promise<SessionInfo | undefined> {
  checkMaxLineBytes(options.maxLineBytes);
  let path: string;
  try {
    path = await findSessionFile(id, options);
  } catch (error) {
    if (error instanceof ClawError && error.kind === "session_not_found") return undefined;
    throw error;
  }
  const { info } = await scanSession(path, options);
  return info.turns > 0 ? info : undefined;
}

/**
 * The session `id` as text: `markdown` (a readable transcript: prompts, answers, tool calls with
 * their input and results), `json` (`{ info, messages }`) or `ndjson` (one message per line). The
 * whole text is held at once: {@linkcode streamSessionExport} gives it in pieces instead.
 *
 * @example Export a session as Markdown
 * ```ts ignore
 * import { exportSession } from "./store.ts";
 *
 * await Deno.writeTextFile("session.md", await exportSession("5aafca37-6646-418e-83c3-936ecf025f7b", "markdown"));
 * ```
 */
export async function exportSession(
  id: string,
  format: SessionExportFormat,
  options: SessionStoreOptions = {},
): Promise<string> {
  return (await Array.fromAsync(await streamSessionExport(id, format, options))).join("");
}

/**
 * The session `id` as {@linkcode exportSession} writes it, as a stream of text pieces made as the
 * file is read (about a message each), so memory stays near the session's longest line whatever
 * its size. A missing session or a bad format fails here, before any piece; a line over
 * `maxLineBytes` is skipped with a warning to `onWarning`.
 *
 * @example Export a session to a file as it is read
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { conversationRecords, syntheticStore } from "./_synthetic_sessions.ts";
 * import { streamSessionExport } from "./store.ts";
 *
 * // A session as the CLI stores it, made by code in a throw-away config dir.
 * await using store = await syntheticStore();
 * const id = "5aafca37-6646-418e-83c3-936ecf025f7b";
 * const turns = [["Fix the login bug", "Done"]] as const;
 * await store.write(id, conversationRecords({ sessionId: id, cwd: store.cwd, turns }));
 * const path = `${store.configDir}/session.md`;
 * const text = await streamSessionExport(id, "markdown", { env: store.env });
 * await text.pipeThrough(new TextEncoderStream()).pipeTo((await Deno.create(path)).writable);
 * strictEqual((await Deno.readTextFile(path)).split("\n")[0], `# Session ${id}`);
 * ```
 */
export async function streamSessionExport(
  id: string,
  format: SessionExportFormat,
  options: SessionStoreOptions = {},
): Promise<ReadableStream<string>> {
  if (!(SESSION_EXPORT_FORMATS as readonly string[]).includes(format)) {
    throw new InvalidOptionError(
      ["format"],
      (name) => `Invalid ${name("format")} "${format}": use ${SESSION_EXPORT_FORMATS.join(", ")}`,
    );
  }
  checkMaxLineBytes(options.maxLineBytes);
  if (format === "ndjson") {
    const path = await findSessionFile(id, options);
    return ReadableStream.from(ndjson(sessionMessages(path, readingFor(path, options))));
  }
  const session = await streamSession(id, options);
  if (format === "markdown") return ReadableStream.from(markdown(session));
  const { info, messages, costUsd } = session;
  const json = prettyJson({ info, messages: [], costUsd }, "messages", messages);
  return ReadableStream.from(linesOf(json));
}

/**
 * The file of session `id`: under `cwd`'s folder, else under any folder. Throws a `ClawError` of
 * kind `session_not_found` when there is none (what `run()` checks before it resumes a session
 * with the real CLI).
 *
 * @example
 * ```ts
 * import { rejects } from "node:assert";
 * import { findSessionFile } from "./store.ts";
 *
 * await rejects(findSessionFile("0b7c9a52-0000-4000-8000-000000000000", { env: { HOME: "/nowhere" } }), /No session/);
 * ```
 */
export async function findSessionFile(
  id: string,
  options: SessionStoreOptions = {},
): Promise<string> {
  if (!/^[A-Za-z0-9-]+$/.test(id)) {
    throw new InvalidOptionError(
      ["id"],
      (name) =>
        `Invalid session ${name("id")} "${id}": use the id of a session listSessions() lists`,
    );
  }
  const projects = projectsDir(options);
  const first = projectFolderName(options.cwd ?? Deno.cwd());
  const found = await sessionFileIn(projects, first, id);
  if (found) return found;
  // Only then every other folder.
  for (const folder of await children(projects, (e) => e.isDirectory)) {
    const path = folder === first ? undefined : await sessionFileIn(projects, folder, id);
    if (path) return path;
  }
  throw new ClawError(
    "session_not_found",
    `No session "${id}" under "${projects}": nothing was started`,
    { sessionId: id },
  );
}

/** The folder of project folders. */
function projectsDir(options: SessionStoreOptions): string {
  return join(configDir(options.env ?? Deno.env.toObject()), "projects");
}

/** The file of session `id` in the project folder `folder`, if it is there. */
async function sessionFileIn(
  projects: string,
  folder: string,
  id: string,
): Promise<string | undefined> {
  const path = join(projects, folder, `${id}.jsonl`);
  try {
    return (await Deno.stat(path)).isFile ? path : undefined;
  } catch {
    return undefined;
  }
}

/** What one pass over a session file tells: what the listing says, and the session's cost. */
interface Scan {
  info: SessionInfo;
  costUsd: number | undefined;
}

/**
 * Reads one session file for what the listing says ({@linkcode scanListing}: only the lines that
 * may be prompts are parsed as they are read, the last title, tag and cost and the last activity
 * at the end), and, unless `side` says there is none, its side folder's marks. Reads the file's
 * size when it opens it, and no further.
 */
async function scanSession(path: string, options: SessionStoreOptions, side = true): Promise<Scan> {
  const id = path.slice(path.lastIndexOf("/") + 1, -".jsonl".length);
  const facts = await scanListing(path, readingFor(path, options));
  const { cwd, firstPrompt, lastActivity, turns, size, costUsd } = facts;
  const folder = sideFolder(path);
  const title = (facts.title === undefined ? undefined : cleanTitle(facts.title) || undefined) ??
    (side ? await sideTitle(folder) : undefined);
  const tag = facts.tag === undefined ? undefined : cleanTitle(facts.tag) || undefined;
  const archived = side ? await archivedState(folder, facts.lastPromptAt) : undefined;
  const info: SessionInfo = { id, cwd, firstPrompt, lastActivity, turns, size, path };
  if (title !== undefined) info.title = title;
  if (tag !== undefined) info.tag = tag;
  if (archived !== undefined) info.archived = archived;
  return { info, costUsd };
}

/**
 * The messages of one session file, in order, each given once it is whole (an assistant message
 * is joined from the records of one `message.id`): only lines that name `"user"` or
 * `"assistant"` are parsed.
 */
async function* sessionMessages(
  path: string,
  reading: TranscriptReading,
): AsyncGenerator<SessionMessage> {
  let current: SessionMessage | undefined;
  let lastAssistantId: unknown;
  const lines = transcriptLines(path, reading);
  try {
    for (;;) {
      const next = await lines.next();
      if (next.done) break;
      const part = messagePart(next.value);
      next.value = ""; // the line is let go before a message goes out: a long one is not kept
      if (!part) continue;
      if (part.role === "assistant") {
        const id = part.id;
        if (current?.role === "assistant" && id !== undefined && id === lastAssistantId) {
          current.content.push(...part.message.content);
          if (part.message.usage) current.usage = part.message.usage;
        } else {
          if (current) yield current;
          current = part.message;
        }
        lastAssistantId = id;
        continue;
      }
      lastAssistantId = undefined;
      if (current) yield current;
      current = part.message;
    }
  } finally {
    await lines.return(undefined); // closes the file when the stream is let go early
  }
  if (current) yield current;
}

/** The message of a `user` or `assistant` record of the conversation, and its `message.id`. */
function messagePart(
  line: string,
): { role: "user" | "assistant"; id: unknown; message: SessionMessage } | undefined {
  if (!line.includes('"user"') && !line.includes('"assistant"')) return undefined;
  const record = parseRecord(line);
  if (!record || record.isSidechain === true) return undefined;
  if (record.type !== "user" && record.type !== "assistant") return undefined;
  const message = record.message as
    | { content?: unknown; id?: unknown; model?: unknown; usage?: unknown }
    | undefined;
  const usage = isUsage(message?.usage) ? { usage: message.usage } : {};
  const content = contentBlocks(message?.content);
  const timestamp = typeof record.timestamp === "string" ? record.timestamp : null;
  if (record.type === "assistant") {
    const model = typeof message?.model === "string" ? { model: message.model } : {};
    return {
      role: "assistant",
      id: message?.id,
      message: { role: "assistant", content, timestamp, ...model, ...usage },
    };
  }
  const meta = record.isMeta === true ? { meta: true as const } : {};
  return { role: "user", id: undefined, message: { role: "user", content, timestamp, ...meta } };
}

/** The largest side file read: the CLI's own are well under it. */
const SIDE_FILE_LIMIT = 4096;

/** A small JSON object from the side folder; `undefined` when missing, too large or not one. */
async function sideFile(path: string): Promise<Record<string, unknown> | undefined> {
  try {
    const stat = await Deno.stat(path);
    if (!stat.isFile || stat.size > SIDE_FILE_LIMIT) return undefined;
    return parseRecord(await Deno.readTextFile(path));
  } catch {
    return undefined;
  }
}

/** The title in the CLI's `custom-title.json`, when no record of the transcript names one. */
async function sideTitle(side: string): Promise<string | undefined> {
  const file = await sideFile(join(side, "custom-title.json"));
  return typeof file?.customTitle === "string"
    ? cleanTitle(file.customTitle) || undefined
    : undefined;
}

/**
 * The session's archived state from `archived.json`: `undefined` when it never was marked, and
 * `false` when a prompt came after the mark.
 */
async function archivedState(
  side: string,
  lastPromptAt: string | undefined,
): Promise<boolean | undefined> {
  const file = await sideFile(join(side, "archived.json"));
  if (typeof file?.archived !== "boolean") return undefined;
  if (!file.archived) return false;
  const at = typeof file.at === "string" ? Date.parse(file.at) : NaN;
  const prompted = lastPromptAt === undefined ? NaN : Date.parse(lastPromptAt);
  return !(prompted > at);
}

function isUsage(value: unknown): value is Usage {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The names of the entries of `dir` that `keep` keeps, sorted; none when it does not exist. */
async function children(
  dir: string,
  keep: (entry: Deno.DirEntry) => boolean,
): Promise<string[]> {
  return (await entriesOf(dir)).flatMap((entry) => keep(entry) ? [entry.name] : []);
}

/** The entries of `dir`, sorted by name; none when it does not exist. */
async function entriesOf(dir: string): Promise<Deno.DirEntry[]> {
  try {
    const entries = await Array.fromAsync(Deno.readDir(dir));
    return entries.sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
}

/** `pieces`, then a line break. */
async function* linesOf(pieces: AsyncIterable<string>): AsyncGenerator<string> {
  yield* pieces;
  yield "\n";
}

/** `messages` as NDJSON: a line each. */
async function* ndjson(messages: AsyncIterable<SessionMessage>): AsyncGenerator<string> {
  for await (const message of messages) {
    yield JSON.stringify(message);
    yield "\n";
  }
}

/**
 * A readable Markdown transcript, a message at a time, in pieces: a long text is a piece of its
 * own, never copied into a larger one.
 */
async function* markdown({ info, messages }: SessionStream): AsyncGenerator<string> {
  yield [
    `# Session ${info.id}`,
    "",
    `- cwd: ${info.cwd ?? "unknown"}`,
    `- last activity: ${info.lastActivity ?? "unknown"}`,
    `- prompts: ${info.turns}`,
  ].join("\n");
  for await (const message of messages) yield* markdownMessage(message);
  yield "\n";
}

/** The Markdown of one message, each line after a line break, in pieces. */
function* markdownMessage(message: SessionMessage): Generator<string> {
  yield `\n\n## ${message.role === "user" ? "User" : "Assistant"}`;
  /** `text` in a fence of more backticks than any run of them in it. */
  function* fence(text: string, lang = ""): Generator<string> {
    let longest = 0;
    for (const run of text.matchAll(/`+/g)) longest = Math.max(longest, run[0].length);
    const ticks = "`".repeat(Math.max(3, longest + 1));
    yield `\n${ticks}${lang}\n`;
    yield text;
    yield `\n${ticks}`;
  }
  for (const block of message.content) {
    yield "\n";
    if (block.type === "text" && typeof block.text === "string") {
      yield "\n";
      yield block.text;
    } else if (block.type === "thinking" && typeof block.thinking === "string") {
      yield `\n> _thinking:_ ${block.thinking.replaceAll("\n", "\n> ")}`;
    } else if (block.type === "tool_use") {
      yield `\n**Tool call** \`${block.name}\``;
      yield* fence(JSON.stringify(block.input, null, 2), "json");
    } else if (block.type === "tool_result") {
      const text = typeof block.content === "string"
        ? block.content
        : JSON.stringify(block.content, null, 2);
      yield `\n**Tool result**${block.is_error === true ? " (error)" : ""}`;
      yield* fence(text);
    } else yield* fence(JSON.stringify(block, null, 2), "json");
  }
}
