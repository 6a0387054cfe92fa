/**
 * `claw session`: the CLI's stored sessions (list, show, export), and an interactive multi-turn
 * REPL (new, resume, continue, fork). A thin layer over the session library.
 *
 * @module
 */
import { UsageError } from "./_args.ts";
import { importLazily } from "./_lazy.ts";

/** The REPL's subcommands. */
const REPL_KINDS = ["new", "resume", "continue", "fork"] as const;
/** The store's subcommands. */
const STORE_KINDS = ["list", "show", "export"] as const;

/** Help for `claw session`. */
export const help = `Usage: claw session list [--cwd DIR] [--all] [--json]
       claw session show ID [--json] [--full]
       claw session export ID --format md|json|ndjson [-o FILE] [--json]
       claw session new|continue [run options]
       claw session resume|fork ID [run options]

The Claude Code CLI's stored sessions, and an interactive session on one long-lived claude process.

  list       The sessions stored for a working directory (--cwd, default this one; --all: every
             one), newest first: id, cwd, first prompt, last activity, turns, size. A table on a
             terminal; --json prints a stable array.
  show       One session's conversation: prompts, answers, tool calls and results (long results
             folded; --full unfolds them), thinking dimmed. --json prints the typed messages.
  export     One session as Markdown, JSON or NDJSON, to stdout or -o FILE.
  new        Starts a session and reads prompts: on a terminal an interactive prompt, with text
             streamed as it arrives, tool calls shown compactly, permission prompts
             ("Allow Bash(touch x)? [y/N/a]"), a cost line after each turn; Ctrl-C interrupts the
             running turn, Ctrl-C at an empty prompt or Ctrl-D ends the session. Piped, it takes
             one prompt per line and prints each answer on stdout; tools that need approval are
             denied unless --permission-mode allows them.
  resume     Goes on with session ID; fork copies it under a new id first; continue goes on with
             the working directory's most recent session.

In the REPL: /exit, /model NAME, /mode MODE, /cost, /id, /help.

Run options: every option of claw run (see claw help run), such as --model, --permission-mode,
--allowed-tools, --cwd, --cli.

Exit codes: 0 success; 1 a failure (an unknown session id: error[session_not_found]); 2 usage error.

Examples:
  claw session list
  claw session show 5c0e1a9e-… --full
  claw session export 5c0e1a9e-… --format md -o session.md
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
  if (kind === undefined) {
    throw new UsageError(
      `Missing subcommand: use one of ${[...STORE_KINDS, ...REPL_KINDS].join(", ")}`,
    );
  }
  if ((STORE_KINDS as readonly string[]).includes(kind)) {
    const store = await importLazily<typeof import("./_session_store.ts")>(
      "./_session_store.ts",
      import.meta.url,
    );
    return await store.runStoreCommand(kind as typeof STORE_KINDS[number], rest);
  }
  if ((REPL_KINDS as readonly string[]).includes(kind)) {
    const repl = await importLazily<typeof import("./_repl.ts")>("./_repl.ts", import.meta.url);
    return await repl.runRepl(kind as typeof REPL_KINDS[number], rest);
  }
  throw new UsageError(
    `Unknown subcommand "${kind}": use one of ${[...STORE_KINDS, ...REPL_KINDS].join(", ")}`,
  );
}
