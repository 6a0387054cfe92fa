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
 * @module
 */
import type { Usage } from "../protocol/events.ts";
import { join } from "node:path";
import { ClawError, InvalidOptionError } from "../errors/claw_error.ts";
import { configDir } from "../process/config_paths.ts";
import { cleanTitle, sideFolder } from "./_transcript.ts";

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
 * no sessions gives an empty list.
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
  const projects = projectsDir(options);
  const folders = options.all
    ? await children(projects, (entry) => entry.isDirectory)
    : [projectFolderName(options.cwd ?? Deno.cwd())];
  const sessions: SessionInfo[] = [];
  for (const folder of folders) {
    const dir = join(projects, folder);
    for (const name of await children(dir, (entry) => entry.isFile)) {
      if (!name.endsWith(".jsonl") || name.startsWith("agent-")) continue;
      const info = (await readSessionFile(join(dir, name))).info;
      if (info.turns > 0) sessions.push(info);
    }
  }
  return sessions.sort((a, b) => (b.lastActivity ?? "").localeCompare(a.lastActivity ?? ""));
}

/**
 * Reads the session `id` as a conversation. It is looked up under `cwd`'s folder first, then
 * under every folder. Throws a `ClawError` of kind `session_not_found` when there is none.
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
  const path = await findSessionFile(id, options);
  return await readSessionFile(path);
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
  let path: string;
  try {
    path = await findSessionFile(id, options);
  } catch (error) {
    if (error instanceof ClawError && error.kind === "session_not_found") return undefined;
    throw error;
  }
  const { info } = await readSessionFile(path);
  return info.turns > 0 ? info : undefined;
}

/**
 * The session `id` as text: `markdown` (a readable transcript: prompts, answers, tool calls with
 * their input and results), `json` (`{ info, messages }`) or `ndjson` (one message per line).
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
  if (!(SESSION_EXPORT_FORMATS as readonly string[]).includes(format)) {
    throw new InvalidOptionError(
      ["format"],
      (name) => `Invalid ${name("format")} "${format}": use ${SESSION_EXPORT_FORMATS.join(", ")}`,
    );
  }
  const transcript = await readSession(id, options);
  if (format === "json") return JSON.stringify(transcript, null, 2) + "\n";
  if (format === "ndjson") {
    return transcript.messages.map((message) => JSON.stringify(message) + "\n").join("");
  }
  return markdown(transcript);
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

/** Reads one session file, and its side folder's marks. */
async function readSessionFile(path: string): Promise<SessionTranscript> {
  const [text, stat] = await Promise.all([Deno.readTextFile(path), Deno.stat(path)]);
  const id = path.slice(path.lastIndexOf("/") + 1, -".jsonl".length);
  const messages: SessionMessage[] = [];
  let cwd: string | null = null;
  let lastActivity: string | null = null;
  let turns = 0;
  let firstPrompt: string | null = null;
  let lastPromptAt: string | undefined;
  let lastAssistantId: unknown;
  let costUsd: number | undefined;
  let title: string | undefined;
  let tag: string | undefined;
  for (const line of text.split("\n")) {
    const record = parseRecord(line);
    if (!record) continue;
    if (record.type === "cost-state" && typeof record.totalCostUSD === "number") {
      costUsd = record.totalCostUSD;
    }
    if (record.type === "custom-title" && typeof record.customTitle === "string") {
      title = cleanTitle(record.customTitle) || undefined;
    }
    if (record.type === "tag" && typeof record.tag === "string") {
      tag = cleanTitle(record.tag) || undefined;
    }
    if (typeof record.timestamp === "string") lastActivity = record.timestamp;
    if (cwd === null && typeof record.cwd === "string") cwd = record.cwd;
    if (record.isSidechain === true || (record.type !== "user" && record.type !== "assistant")) {
      continue;
    }
    const message = record.message as {
      content?: unknown;
      id?: unknown;
      model?: unknown;
      usage?: unknown;
    };
    const usage = isUsage(message?.usage) ? { usage: message.usage } : {};
    const content = blocks(message?.content);
    const timestamp = typeof record.timestamp === "string" ? record.timestamp : null;
    if (record.type === "assistant") {
      const previous = messages.at(-1);
      if (
        previous?.role === "assistant" && message.id !== undefined && message.id === lastAssistantId
      ) {
        previous.content.push(...content);
        Object.assign(previous, usage);
      } else {
        messages.push({
          role: "assistant",
          content,
          timestamp,
          ...(typeof message.model === "string" ? { model: message.model } : {}),
          ...usage,
        });
      }
      lastAssistantId = message.id;
      continue;
    }
    lastAssistantId = undefined;
    messages.push({
      role: "user",
      content,
      timestamp,
      ...(record.isMeta === true ? { meta: true } : {}),
    });
    if (record.isMeta !== true && content.every((block) => block.type !== "tool_result")) {
      turns++;
      firstPrompt ??= content.flatMap((b) => typeof b.text === "string" ? [b.text] : []).join("\n");
      lastPromptAt = timestamp ?? lastPromptAt;
    }
  }
  const side = sideFolder(path);
  title ??= await sideTitle(side);
  const archived = await archivedState(side, lastPromptAt);
  const info: SessionInfo = { id, cwd, firstPrompt, lastActivity, turns, size: stat.size, path };
  if (title !== undefined) info.title = title;
  if (tag !== undefined) info.tag = tag;
  if (archived !== undefined) info.archived = archived;
  return { info, messages, ...(costUsd === undefined ? {} : { costUsd }) };
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

function parseRecord(line: string): Record<string, unknown> | undefined {
  if (line.trim() === "") return undefined;
  try {
    const value = JSON.parse(line);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined; // a line cut short by a CLI that was killed mid-write
  }
}

/** A message's content as blocks: a string is one text block. */
function blocks(content: unknown): SessionBlock[] {
  if (typeof content === "string") return [{ type: "text", text: content }];
  if (!Array.isArray(content)) return [];
  return content.filter((block): block is SessionBlock =>
    typeof block === "object" && block !== null && typeof block.type === "string"
  );
}

/** The names of the entries of `dir` that `keep` keeps, sorted; none when it does not exist. */
async function children(
  dir: string,
  keep: (entry: Deno.DirEntry) => boolean,
): Promise<string[]> {
  try {
    const names: string[] = [];
    for await (const entry of Deno.readDir(dir)) if (keep(entry)) names.push(entry.name);
    return names.sort();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
}

/** A readable Markdown transcript. */
function markdown({ info, messages }: SessionTranscript): string {
  const out = [
    `# Session ${info.id}`,
    "",
    `- cwd: ${info.cwd ?? "unknown"}`,
    `- last activity: ${info.lastActivity ?? "unknown"}`,
    `- prompts: ${info.turns}`,
  ];
  const fence = (text: string, lang = "") => {
    const ticks = "`".repeat(Math.max(3, ...[...text.matchAll(/`+/g)].map((m) => m[0].length + 1)));
    return `${ticks}${lang}\n${text}\n${ticks}`;
  };
  for (const message of messages) {
    out.push("", `## ${message.role === "user" ? "User" : "Assistant"}`);
    for (const block of message.content) {
      out.push("");
      if (block.type === "text" && typeof block.text === "string") out.push(block.text);
      else if (block.type === "thinking" && typeof block.thinking === "string") {
        out.push(`> _thinking:_ ${block.thinking.replaceAll("\n", "\n> ")}`);
      } else if (block.type === "tool_use") {
        out.push(
          `**Tool call** \`${block.name}\``,
          fence(JSON.stringify(block.input, null, 2), "json"),
        );
      } else if (block.type === "tool_result") {
        const text = typeof block.content === "string"
          ? block.content
          : JSON.stringify(block.content, null, 2);
        out.push(`**Tool result**${block.is_error === true ? " (error)" : ""}`, fence(text));
      } else out.push(fence(JSON.stringify(block, null, 2), "json"));
    }
  }
  return out.join("\n") + "\n";
}
