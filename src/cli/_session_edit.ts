/**
 * `claw session rename|tag|archive|unarchive|delete`: change the CLI's stored sessions through the
 * session store (`src/session/store_edit.ts`). This module only parses flags, asks before a delete
 * on a terminal and reports; the store finds the session, refuses one a running `claude` has open
 * and writes the change.
 *
 * @module
 */
import { InvalidOptionError } from "../errors/claw_error.ts";
import { findSessionFile, getSessionInfo, type SessionInfo } from "../session/store.ts";
import {
  archiveSession,
  deleteSession,
  renameSession,
  type SessionMutationOptions,
  tagSession,
  unarchiveSession,
} from "../session/store_edit.ts";
import { UsageError } from "./_args.ts";
import { type Flag, parseFlags } from "./_flags.ts";
import { LineReader } from "./_line_reader.ts";
import { checkFolder } from "./_paths.ts";
import { oneLine } from "./_render.ts";
import { colourEnabled, styles } from "./_style.ts";

/** The subcommands of `claw session` that change a session. */
export type EditCommand = "rename" | "tag" | "archive" | "unarchive" | "delete";

/**
 * What `claw session rename|tag|archive|unarchive|delete --json` prints: one line, the session and
 * what it is now. Only the keys of the change are there: `title` for rename, `tag` (`null` once
 * cleared) for tag, `archived` for archive and unarchive, `deleted` for delete (`false` when the
 * question on a terminal was answered no).
 */
export interface EditResult {
  /** The session id. */
  id: string;
  /** Its transcript (deleted, for a delete). */
  path: string;
  /** Its title now. */
  title?: string;
  /** Its tag now; `null` when it has none. */
  tag?: string | null;
  /** Whether it is archived now. */
  archived?: boolean;
  /** Whether it was deleted. */
  deleted?: boolean;
}

const CWD_FLAG: Flag = {
  name: "cwd",
  option: "cwd",
  type: "string",
  value: "DIR",
  help: "Look among this working directory's sessions first",
};
const JSON_FLAG: Flag = {
  name: "json",
  option: "json",
  type: "boolean",
  help: "Print the result as one JSON line",
};

const FLAGS: Readonly<Record<EditCommand, readonly Flag[]>> = {
  rename: [CWD_FLAG, JSON_FLAG],
  tag: [
    CWD_FLAG,
    JSON_FLAG,
    { name: "clear", option: "clear", type: "boolean", help: "Remove the tag" },
  ],
  archive: [CWD_FLAG, JSON_FLAG],
  unarchive: [CWD_FLAG, JSON_FLAG],
  delete: [
    CWD_FLAG,
    JSON_FLAG,
    { name: "yes", short: "y", option: "yes", type: "boolean", help: "Do not ask" },
  ],
};

/** What each command takes after the ID, for the messages. */
const OPERANDS: Readonly<Record<EditCommand, string>> = {
  rename: "ID TITLE",
  tag: "ID TAG (or ID --clear)",
  archive: "ID",
  unarchive: "ID",
  delete: "ID",
};

/**
 * Runs `claw session rename|tag|archive|unarchive|delete` with `args` (what follows the
 * subcommand's name); returns the exit code. A mistake on the command line is a `UsageError`; an
 * unknown session id is the store's `ClawError` of kind `session_not_found`, a session a running
 * `claude` has open one of kind `session_in_use`.
 *
 * @example Mistakes are usage errors, found before any session is read
 * ```ts
 * import { rejects } from "node:assert";
 * import { runEditCommand } from "./_session_edit.ts";
 *
 * await rejects(runEditCommand("rename", []), /^UsageError: Missing ID/);
 * await rejects(runEditCommand("tag", ["abc", "red", "--clear"]), /either a TAG or --clear/);
 * ```
 */
export async function runEditCommand(kind: EditCommand, args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(args, FLAGS[kind]);
  const [id, ...rest] = positionals;
  if (id === undefined) {
    throw new UsageError(
      `Missing ID: claw session ${kind} takes ${OPERANDS[kind]} (claw session list prints ids)`,
    );
  }
  const json = values.json === true;
  const options = await storeOptions(values.cwd as string | undefined);
  switch (kind) {
    case "rename": {
      if (rest.length === 0) {
        throw new UsageError("Missing TITLE: claw session rename takes ID TITLE");
      }
      return await rename(id, rest.join(" "), { json, options });
    }
    case "tag": {
      const clear = values.clear === true;
      if (rest.length > 1) {
        throw new UsageError(
          `Expected one TAG, got ${rest.length}: ${quoted(rest)} (quote a tag with spaces)`,
        );
      }
      if (clear && rest.length > 0) {
        throw new UsageError(`Pass either a TAG or --clear, not both: got "${rest[0]}"`);
      }
      if (!clear && rest.length === 0) {
        throw new UsageError("Missing TAG: claw session tag takes ID TAG, or ID --clear");
      }
      const tag = clear || rest[0]!.trim() === "" ? null : rest[0]!;
      return await retag(id, tag, { json, options });
    }
    case "archive":
    case "unarchive":
    case "delete": {
      if (rest.length > 0) {
        throw new UsageError(
          `Unexpected ${quoted(rest)}: claw session ${kind} takes one ID`,
        );
      }
      if (kind === "delete") return await remove(id, { json, yes: values.yes === true, options });
      return await archive(id, kind === "archive", { json, options });
    }
  }
}

/** The store's options for `--cwd`: its real path, as the CLI saw its working directory. */
async function storeOptions(cwd: string | undefined): Promise<SessionMutationOptions> {
  if (cwd === undefined) return {};
  await checkFolder("--cwd", cwd, "the working directory the session ran in");
  return { cwd: await Deno.realPath(cwd) };
}

async function rename(
  id: string,
  title: string,
  { json, options }: { json: boolean; options: SessionMutationOptions },
): Promise<number> {
  await fromStore(id, () => renameSession(id, title, options));
  const path = await fromStore(id, () => findSessionFile(id, options));
  const stored = (await infoOf(id, options))?.title ?? title;
  report(json, { id, path, title: stored }, `Renamed session ${id}: "${stored}"`);
  return 0;
}

async function retag(
  id: string,
  tag: string | null,
  { json, options }: { json: boolean; options: SessionMutationOptions },
): Promise<number> {
  await fromStore(id, () => tagSession(id, tag, options));
  const path = await fromStore(id, () => findSessionFile(id, options));
  const now = (await infoOf(id, options))?.tag ?? null;
  const text = now === null ? `Cleared the tag of session ${id}` : `Tagged session ${id}: #${now}`;
  report(json, { id, path, tag: now }, text);
  return 0;
}

async function archive(
  id: string,
  archived: boolean,
  { json, options }: { json: boolean; options: SessionMutationOptions },
): Promise<number> {
  await fromStore(id, () => archived ? archiveSession(id, options) : unarchiveSession(id, options));
  const path = await fromStore(id, () => findSessionFile(id, options));
  report(json, { id, path, archived }, `${archived ? "Archived" : "Unarchived"} session ${id}`);
  return 0;
}

async function remove(
  id: string,
  { json, yes, options }: { json: boolean; yes: boolean; options: SessionMutationOptions },
): Promise<number> {
  if (!yes && !Deno.stdin.isTerminal()) {
    throw new UsageError(
      "claw session delete needs --yes when stdin is not a terminal: nothing was deleted",
    );
  }
  const path = await fromStore(id, () => findSessionFile(id, options));
  if (!yes && !(await confirmed(id, await infoOf(id, options), path))) {
    report(json, { id, path, deleted: false }, `Kept session ${id}: nothing was deleted`);
    return 0;
  }
  await fromStore(id, () => deleteSession(id, options));
  report(json, { id, path, deleted: true }, `Deleted session ${id} (${path} and its folder)`);
  return 0;
}

/** Asks on the terminal whether to delete the session; yes only for `y` or `yes`. */
async function confirmed(
  id: string,
  info: SessionInfo | undefined,
  path: string,
): Promise<boolean> {
  const s = styles(colourEnabled(Deno.stderr));
  const about = info === undefined
    ? path
    : `${oneLine(info.title ?? info.firstPrompt ?? "(no prompt)", 60)}, ${info.turns} prompt${
      info.turns === 1 ? "" : "s"
    }`;
  await Deno.stderr.write(
    new TextEncoder().encode(`Delete session ${s.bold(id)} (${about})? [y/N] `),
  );
  const answer = await new LineReader().next();
  return /^\s*y(es)?\s*$/i.test(answer ?? "");
}

/** The session as listed, or `undefined` when it holds no prompt. */
function infoOf(id: string, options: SessionMutationOptions): Promise<SessionInfo | undefined> {
  return fromStore(id, () => getSessionInfo(id, options));
}

/** Prints the result: one JSON line with `--json`, else `text`. */
function report(json: boolean, result: EditResult, text: string): void {
  console.log(json ? JSON.stringify(result) : text);
}

/** Calls the store, reporting a value it refused as a usage error in the CLI's words. */
async function fromStore<T>(id: string, call: () => Promise<T>): Promise<T> {
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
    const names: Record<string, string> = { title: "TITLE", tag: "TAG", cwd: "--cwd" };
    throw new UsageError(error.describe((option) => names[option] ?? option), { cause: error });
  }
}

function quoted(values: string[]): string {
  return values.map((value) => `"${value}"`).join(" ");
}
