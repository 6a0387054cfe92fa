/**
 * Forking a stored session without running the CLI, as the official Agent SDK's `forkSession`
 * does: a new transcript under a new session id, in the same project folder, that `claude
 * --resume <new id>` goes on with.
 *
 * What is copied is what the CLI's own `--resume <id> --fork-session` copies: the conversation's
 * records (`user`, `assistant`, `attachment`, `system`), rewritten to the new `sessionId`, with
 * assistant records keeping the session that made the request as `requestSessionId`. Like the SDK,
 * each record gets a fresh `uuid` (its `parentUuid` chain remapped, the original kept as
 * `forkedFrom: { sessionId, messageUuid }`), so the two sessions never share a message id, and the
 * fork ends with a `custom-title` record. The CLI's `content-replacement`, `atis-latch` and
 * `tools-used` records go with the conversation and are copied too. The CLI's bookkeeping
 * (`queue-operation`, `api-request…`, `last-prompt`, `cost-state`, …) is not copied, nor are
 * subagent transcripts, tool-result files or file-history snapshots (a fork starts without undo
 * history). Reading the source is all a fork does to it, so a session a running `claude` has open
 * can be forked: whole lines only are read, one at a time, and only what is copied is kept.
 *
 * @module
 */
import { join } from "node:path";
import { InvalidOptionError } from "../errors/claw_error.ts";
import { PRIVATE_FILE } from "./_session_files.ts";
import { writeAtomic } from "../process/write_atomic.ts";
import { cleanTitle, readingFor, transcriptRecords } from "./_transcript.ts";
import { sessionFile } from "./_editable.ts";
import type { SessionMutationOptions } from "./store_edit.ts";

/** What {@linkcode forkSession} copies, and what it calls the fork. */
export interface ForkSessionOptions extends SessionMutationOptions {
  /**
   * The longest line of the source read, in bytes (default 256 MiB); a longer one fails the fork
   * (kind `usage`) rather than leave its record out.
   */
  maxLineBytes?: number;
  /**
   * Copy the conversation up to this message, inclusive: a `uuid` from `getSessionMessages`. The
   * whole conversation by default.
   */
  upToMessageId?: string;
  /**
   * The fork's title. By default the source's title, else its first prompt's first line, then
   * ` (fork)`, as in the SDK.
   */
  title?: string;
}

/** What {@linkcode forkSession} made. */
export interface ForkSessionResult {
  /** The fork's session id: `claude --resume` and `run({ resume })` take it. */
  sessionId: string;
}

/** The records that make up a conversation, copied to the fork. */
const MESSAGE_TYPES = new Set(["user", "assistant", "attachment", "system"]);
/** Records that only link a conversation (never copied, but followed). */
const LINK_TYPES = new Set(["progress"]);
/** Records of the CLI's state that a fork carries over, the last of each. */
const CARRIED_STATE = ["atis-latch", "tools-used"];
/** The longest title a fork gets from its source's first prompt. */
const PROMPT_TITLE_LENGTH = 60;

/**
 * Forks session `id` into a new session (see the module doc) and returns its id. An unknown
 * session is a `ClawError` of kind `session_not_found`; a malformed id, an `upToMessageId` the
 * conversation does not hold, or a session with no message to fork, one of kind `usage`.
 *
 * @example Fork a session after its first answer
 * ```ts
 * import { deepStrictEqual, strictEqual } from "node:assert";
 * import { conversationRecords, syntheticStore } from "./_synthetic_sessions.ts";
 * import { getSessionInfo } from "./store.ts";
 * import { forkSession } from "./store_fork.ts";
 * import { getSessionMessages } from "./stored_messages.ts";
 *
 * // A session of two turns as the CLI stores it, made by code in a throw-away config dir.
 * await using store = await syntheticStore();
 * const id = "5aafca37-6646-418e-83c3-936ecf025f7b";
 * const turns = [["Use a lock", "Locked"], ["Now a queue", "Queued"]] as const;
 * await store.write(id, conversationRecords({ sessionId: id, cwd: store.cwd, turns }));
 * const options = { env: store.env };
 *
 * const [, firstAnswer] = await getSessionMessages(id, options);
 * const { sessionId } = await forkSession(id, { ...options, upToMessageId: firstAnswer!.uuid });
 * strictEqual((await getSessionInfo(sessionId, options))?.title, "Use a lock (fork)");
 * const copied = await getSessionMessages(sessionId, options);
 * deepStrictEqual(copied.map((m) => m.type), ["user", "assistant"]);
 * // claude --resume <sessionId> (or run(prompt, { resume: sessionId })) goes on from there.
 * ```
 */
export async function forkSession(
  id: string,
  options: ForkSessionOptions = {},
): Promise<ForkSessionResult> {
  const path = await sessionFile(id, options);
  const source = await readSource(path, id, options);
  const { chain } = source;
  const kept = options.upToMessageId === undefined
    ? chain
    : ancestry(chain, options.upToMessageId, id);
  const copied = kept.filter((record) => MESSAGE_TYPES.has(String(record.type)));
  if (!copied.some((record) => record.type === "user" || record.type === "assistant")) {
    throw new InvalidOptionError(
      ["id"],
      (name) => `Cannot fork session ${name("id")} "${id}": it holds no message to fork`,
    );
  }
  const forkId = crypto.randomUUID();
  const uuids = new Map(copied.map((record) => [record.uuid, crypto.randomUUID()]));
  const byUuid = new Map(kept.map((record) => [record.uuid, record]));
  /** The new uuid of the nearest copied record up the chain from `uuid`. */
  const copiedAncestor = (uuid: unknown): string | null => {
    const seen = new Set<unknown>();
    while (typeof uuid === "string" && !seen.has(uuid)) {
      const mapped = uuids.get(uuid);
      if (mapped !== undefined) return mapped;
      seen.add(uuid);
      uuid = byUuid.get(uuid)?.parentUuid;
    }
    return null;
  };
  const forked = (record: Record<string, unknown>): Record<string, unknown> => {
    const fork: Record<string, unknown> = {
      ...record,
      uuid: uuids.get(record.uuid),
      parentUuid: copiedAncestor(record.parentUuid),
      sessionId: forkId,
      forkedFrom: { sessionId: id, messageUuid: record.uuid },
    };
    if (typeof record.logicalParentUuid === "string") {
      fork.logicalParentUuid = copiedAncestor(record.logicalParentUuid);
    }
    if (typeof record.sourceToolAssistantUUID === "string") {
      fork.sourceToolAssistantUUID = copiedAncestor(record.sourceToolAssistantUUID);
    }
    if (record.type === "assistant") {
      fork.requestSessionId = typeof record.requestSessionId === "string"
        ? record.requestSessionId
        : typeof record.sessionId === "string"
        ? record.sessionId
        : id;
    }
    return fork;
  };
  const title = {
    type: "custom-title",
    customTitle: cleanTitle(options.title ?? "") || `${source.title ?? "Forked session"} (fork)`,
    sessionId: forkId,
    uuid: crypto.randomUUID(),
    timestamp: new Date().toISOString(),
  };
  // Written a line at a time: the conversation, then the CLI's state that goes with it, as the
  // SDK copies it, then the title.
  function* lines(): Generator<string> {
    for (const record of copied) yield JSON.stringify(forked(record)) + "\n";
    const carried = CARRIED_STATE.flatMap((type) => {
      const record = source.carried.get(type);
      return record ? [record] : [];
    });
    for (const record of [...source.replacements, ...carried]) {
      yield JSON.stringify({ ...record, sessionId: forkId }) + "\n";
    }
    yield JSON.stringify(title) + "\n";
  }
  const folder = path.slice(0, path.lastIndexOf("/"));
  await writeAtomic(join(folder, `${forkId}.jsonl`), lines(), { mode: PRIVATE_FILE });
  return { sessionId: forkId };
}

/** What a fork takes from its source. */
interface Source {
  /** The conversation's records and the records that link it, in file order. */
  chain: Record<string, unknown>[];
  /** The CLI's `content-replacement` records. */
  replacements: Record<string, unknown>[];
  /** The last record of each type of {@linkcode CARRIED_STATE} that the session wrote. */
  carried: Map<string, Record<string, unknown>>;
  /** Its last `custom-title`, else its first prompt's first line, clipped. */
  title: string | undefined;
}

/**
 * Reads what a fork takes from the transcript at `path`, line by line, keeping nothing else: not
 * the CLI's bookkeeping, nor more of a link record than its links. A line over `maxLineBytes` is
 * a `ClawError` of kind `usage`: a fork never leaves a record out.
 */
async function readSource(
  path: string,
  id: string,
  options: ForkSessionOptions,
): Promise<Source> {
  const source: Source = { chain: [], replacements: [], carried: new Map(), title: undefined };
  let lastTitle: string | undefined;
  let promptTitle: string | undefined;
  const checked = readingFor(path, options);
  const reading = {
    ...checked,
    onTooLong: (line: number, bytes: number) => {
      throw new InvalidOptionError(
        ["maxLineBytes"],
        (name) =>
          `Cannot fork session "${id}": its line ${line} is ${bytes} bytes long, over ${
            name("maxLineBytes")
          } (${checked.maxLineBytes}): raise it to copy the line`,
      );
    },
  };
  for await (const record of transcriptRecords(path, reading)) {
    const type = String(record.type);
    if (typeof record.uuid === "string" && record.isSidechain !== true) {
      if (MESSAGE_TYPES.has(type)) source.chain.push(record);
      else if (LINK_TYPES.has(type)) {
        const { uuid, parentUuid, logicalParentUuid } = record;
        source.chain.push({ type, uuid, parentUuid, logicalParentUuid });
      }
    }
    if (type === "content-replacement") source.replacements.push(record);
    if (CARRIED_STATE.includes(type) && record.sessionId === id) source.carried.set(type, record);
    if (type === "custom-title" && typeof record.customTitle === "string") {
      if (record.customTitle.trim() !== "") lastTitle = cleanTitle(record.customTitle);
    }
    promptTitle ??= firstLine(record);
  }
  source.title = lastTitle ?? promptTitle;
  return source;
}

/**
 * The records of `chain` that lead to `uuid`, in file order: its `parentUuid` links, followed
 * across a compaction boundary by its `logicalParentUuid`.
 */
function ancestry(
  chain: Record<string, unknown>[],
  uuid: string,
  id: string,
): Record<string, unknown>[] {
  const byUuid = new Map(chain.map((record) => [record.uuid, record]));
  const target = byUuid.get(uuid);
  if (target === undefined || LINK_TYPES.has(String(target.type))) {
    throw new InvalidOptionError(
      ["upToMessageId"],
      (name) => {
        const option = name("upToMessageId");
        return `Invalid ${option} "${uuid}": session "${id}" holds no such message (getSessionMessages() lists their uuids)`;
      },
    );
  }
  const wanted = new Set<unknown>();
  for (let record: typeof target | undefined = target; record && !wanted.has(record.uuid);) {
    wanted.add(record.uuid);
    record = byUuid.get(record.parentUuid ?? record.logicalParentUuid);
  }
  return chain.filter((record) => wanted.has(record.uuid));
}

/** The first line of `record`'s text, clipped, when it is a prompt of the session's own. */
function firstLine(record: Record<string, unknown>): string | undefined {
  if (record.type !== "user" || record.isMeta === true || record.isSidechain === true) {
    return undefined;
  }
  const content = (record.message as { content?: unknown } | undefined)?.content;
  const text = typeof content === "string"
    ? content
    : Array.isArray(content)
    ? content.find((block) => block?.type === "text" && typeof block.text === "string")?.text
    : undefined;
  if (typeof text !== "string" || text.trim() === "") return undefined;
  const line = cleanTitle(text.trim().split("\n")[0]!);
  if (line.length <= PROMPT_TITLE_LENGTH) return line;
  return `${line.slice(0, PROMPT_TITLE_LENGTH - 1)}…`;
}
