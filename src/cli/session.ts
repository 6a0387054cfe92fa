/**
 * `claw session`: the CLI's stored sessions (list, show, export; rename, tag, archive, unarchive,
 * delete), and an interactive multi-turn REPL (new, resume, continue, fork). A thin layer over the
 * session library.
 *
 * @module
 */
import { UsageError } from "./_args.ts";

/** The REPL's subcommands. */
const REPL_KINDS = ["new", "resume", "continue", "fork"] as const;
/** The store's subcommands that read. */
const STORE_KINDS = ["list", "show", "export"] as const;
/** The store's subcommands that change a session. */
const EDIT_KINDS = ["rename", "tag", "archive", "unarchive", "delete"] as const;
/** Every subcommand, for the messages. */
const KINDS = [...STORE_KINDS, ...EDIT_KINDS, ...REPL_KINDS].join(", ");

/** Help for `claw session`. */
export const help = `Usage: claw session list [--cwd DIR] [--all] [--json] [--max-line-bytes BYTES]
       claw session show ID [--json] [--full] [--max-line-bytes BYTES]
       claw session export ID --format md|json|ndjson [-o FILE] [--json] [--max-line-bytes BYTES]
       claw session rename ID TITLE [--cwd DIR] [--json]
       claw session tag ID TAG|--clear [--cwd DIR] [--json]
       claw session archive|unarchive ID [--cwd DIR] [--json]
       claw session delete ID [--yes] [--cwd DIR] [--json]
       claw session new|continue [run options]
       claw session resume ID|TITLE [run options]
       claw session fork ID [run options]

The Claude Code CLI's stored sessions, and an interactive session on one long-lived claude process.

  list       The sessions stored for a working directory (--cwd, default this one; --all: every
             one), newest first: id, cwd, first prompt, last activity, turns, size, and the title,
             tag and archived mark when a session has them. A table on a terminal; --json prints a
             stable array.
  show       One session's conversation: prompts, answers, tool calls and results (long results
             folded; --full unfolds them), thinking dimmed. --json prints the typed messages.
  export     One session as Markdown, JSON or NDJSON, to stdout or -o FILE. JSON is
             {"info","messages","cost_usd"}, info as list --json prints it. With -o, --json
             prints {"id","path","format","bytes"} once the file is written.
  rename     Gives a session a title, as claude's /rename does: claude --resume "TITLE" then finds
             it (Claude Code 2.1), and the session pickers show it.
  tag        Tags a session (the session pickers show #TAG); --clear or an empty TAG removes it.
  archive    Marks a session archived, as the Agent SDK's archiveSession does: still listed, with
             the mark, until unarchive or a new prompt in it.
  delete     Removes a session's transcript and its folder (subagents, tool results) and nothing
             else. On a terminal it asks first unless --yes; without a terminal it needs --yes.
  new        Starts a session and reads prompts: on a terminal an interactive prompt, with text
             streamed as it arrives, tool calls shown compactly, permission prompts
             ("Allow Bash(touch x)? [y/N/a]"), a cost line after each turn; Ctrl-C interrupts the
             running turn, Ctrl-C at an empty prompt or Ctrl-D ends the session. Piped, it takes
             one prompt per line and prints each answer on stdout; tools that need approval are
             denied unless --permission-mode allows them.
  resume     Goes on with session ID, or with the session of this folder titled TITLE (claw
             session rename); fork copies it under a new id first; continue goes on with the
             working directory's most recent session.

list, show and export read each session file a line at a time, so a session of any size is read
in little memory; a line longer than --max-line-bytes BYTES (default 268435456, 256 MiB) is skipped
with a warning on stderr, its record left out.

rename, tag, archive, unarchive and delete refuse a session that a running claude has open
(error[session_in_use]). --cwd DIR looks among DIR's sessions first; --json prints the result as
one JSON line: {"id","path"} and "title", "tag", "archived" or "deleted".

In the REPL: /exit, /model NAME, /mode MODE, /agents, /mcp [reconnect|enable|disable NAME],
/rewind [N] (put back the files turn N changed), /cost, /id, /help.

Run options: every option of claw run (see claw help run), such as --model, --permission-mode,
--allowed-tools, --cwd, --cli.

Exit codes: 0 success (a delete answered no too); 1 a failure (an unknown session id:
error[session_not_found]; a session in use: error[session_in_use]); 2 usage error.

Examples:
  claw session list
  claw session show 5c0e1a9e-… --full
  claw session export 5c0e1a9e-… --format md -o session.md
  claw session rename 5c0e1a9e-… "Fix the login bug"
  claw session tag 5c0e1a9e-… release
  claw session archive 5c0e1a9e-…
  claw session delete 5c0e1a9e-… --yes --json
  claw session new --model sonnet
  printf 'Remember apple\\nWhat did I say?\\n' | claw session new
  claw session resume 5c0e1a9e-…
`;

/** Runs `claw session` with `args`; returns the exit code. */
export async function run(args: string[]): Promise<number> {
  // Flags may come before the subcommand too (`claw session --json list`).
  const at = args.findIndex((arg) => !arg.startsWith("-"));
  const kind = at === -1 ? undefined : args[at];
  const rest = at === -1 ? args : [...args.slice(0, at), ...args.slice(at + 1)];
  if (kind === undefined) throw new UsageError(`Missing subcommand: use one of ${KINDS}`);
  if ((STORE_KINDS as readonly string[]).includes(kind)) {
    const store = await import("./_session_store.ts");
    return await store.runStoreCommand(kind as typeof STORE_KINDS[number], rest);
  }
  if ((EDIT_KINDS as readonly string[]).includes(kind)) {
    const edit = await import("./_session_edit.ts");
    return await edit.runEditCommand(kind as typeof EDIT_KINDS[number], rest);
  }
  if ((REPL_KINDS as readonly string[]).includes(kind)) {
    const repl = await import("./_repl.ts");
    return await repl.runRepl(kind as typeof REPL_KINDS[number], rest);
  }
  throw new UsageError(`Unknown subcommand "${kind}": use one of ${KINDS}`);
}
