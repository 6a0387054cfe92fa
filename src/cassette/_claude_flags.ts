/**
 * The Claude Code CLI's top-level flags and what each takes, for canonicalising an argv: the union
 * of `claude --help` of the pinned CLIs (2.0.76 and 2.1.332) and the hidden flags claw itself
 * passes (`src/process/options.ts`) or the SDKs use. `tests/cassette_flags_test.ts` checks this
 * table against the help of every installed pinned CLI.
 *
 * The CLI parses its argv with commander: a flag `<value>` takes the next argument whatever it
 * looks like; a flag `[value]` takes the next argument only when it does not start with `-`; a flag
 * `<values...>` takes the next argument and then every following one that does not start with
 * `-`; `--flag=value` gives a value flag its value in one argument; `--` ends the flags.
 *
 * @module
 */

/** What a flag takes: nothing, one value, an optional value, or one value and then more. */
export type FlagArity = "boolean" | "value" | "optional" | "variadic";

/** One flag of the CLI. */
export interface ClaudeFlag {
  /** The spelling a canonical argv uses (claw's own, from `src/process/options.ts`). */
  name: string;
  /** What it takes. */
  arity: FlagArity;
  /** Other spellings of the same flag (`-p` for `--print`). */
  aliases?: readonly string[];
}

const flag = (name: string, arity: FlagArity, ...aliases: string[]): ClaudeFlag => ({
  name,
  arity,
  ...(aliases.length ? { aliases } : {}),
});

/**
 * Left out on purpose, so that they count as unknown flags (kept in place, nothing after them
 * moved): `--plugin-dir` takes `<paths...>` in 2.0.76 but one `<path>` in 2.1.332, so whether it
 * takes the argument after its value depends on the version; `--tmux` is listed without a value
 * but documented as `--tmux=classic`, so how it parses is not known.
 */
export const LEFT_OUT_FLAGS: readonly string[] = ["--plugin-dir", "--tmux"];

/** Every flag claw knows, by canonical name. */
export const CLAUDE_FLAGS: readonly ClaudeFlag[] = [
  // Flags without a value.
  flag("--allow-dangerously-skip-permissions", "boolean"),
  flag("--ax-screen-reader", "boolean"),
  flag("--background", "boolean", "--bg"),
  flag("--bare", "boolean"),
  flag("--brief", "boolean"),
  flag("--chrome", "boolean"),
  flag("--continue", "boolean", "-c"),
  flag("--dangerously-skip-permissions", "boolean"),
  flag("--debug-to-stderr", "boolean", "-d2e"),
  flag("--desktop", "boolean"),
  flag("--disable-slash-commands", "boolean"),
  flag("--enable-auth-status", "boolean"),
  flag("--exclude-dynamic-system-prompt-sections", "boolean"),
  flag("--fork-session", "boolean"),
  flag("--forward-subagent-text", "boolean"),
  flag("--help", "boolean", "-h"),
  flag("--ide", "boolean"),
  flag("--include-hook-events", "boolean"),
  flag("--include-partial-messages", "boolean"),
  flag("--mcp-debug", "boolean"),
  flag("--no-chrome", "boolean"),
  flag("--no-session-persistence", "boolean"),
  flag("--print", "boolean", "-p"),
  flag("--replay-user-messages", "boolean"),
  flag("--restricted", "boolean"),
  flag("--safe-mode", "boolean"),
  flag("--strict-mcp-config", "boolean"),
  flag("--verbose", "boolean"),
  flag("--version", "boolean", "-v"),
  // Flags with one value.
  flag("--agent", "value"),
  flag("--agents", "value"),
  flag("--append-system-prompt", "value"),
  flag("--append-system-prompt-file", "value"),
  flag("--autocompact", "value"),
  flag("--debug-file", "value"),
  flag("--effort", "value"),
  flag("--environment", "value"),
  flag("--fallback-model", "value"),
  flag("--input-format", "value"),
  flag("--json-schema", "value"),
  flag("--max-budget-usd", "value"),
  flag("--max-thinking-tokens", "value"),
  flag("--max-turns", "value"),
  flag("--model", "value"),
  flag("--name", "value", "-n"),
  flag("--output-format", "value"),
  flag("--permission-mode", "value"),
  flag("--permission-prompt-tool", "value"),
  flag("--permission-prompts", "value"),
  flag("--plugin-url", "value"),
  flag("--remote-control-session-name-prefix", "value"),
  flag("--resume-session-at", "value"),
  flag("--rewind-files", "value"),
  flag("--sdk-url", "value"),
  flag("--session-id", "value"),
  flag("--setting-sources", "value"),
  flag("--settings", "value"),
  flag("--system-prompt", "value"),
  flag("--system-prompt-file", "value"),
  flag("--system-prompt-snapshot", "value"),
  // Flags with an optional value.
  flag("--cloud", "optional"),
  flag("--debug", "optional", "-d"),
  flag("--from-pr", "optional"),
  flag("--prompt-suggestions", "optional"),
  flag("--remote-control", "optional"),
  flag("--resume", "optional", "-r"),
  flag("--teleport", "optional"),
  flag("--worktree", "optional", "-w"),
  // Flags with one or more values.
  flag("--add-dir", "variadic"),
  flag("--allowedTools", "variadic", "--allowed-tools"),
  flag("--betas", "variadic"),
  flag("--disallowedTools", "variadic", "--disallowed-tools"),
  flag("--file", "variadic"),
  flag("--mcp-config", "variadic"),
  flag("--tools", "variadic"),
];

/** Every spelling of every flag → the flag. */
export const FLAG_BY_SPELLING: ReadonlyMap<string, ClaudeFlag> = new Map(
  CLAUDE_FLAGS.flatMap((f) => [f.name, ...f.aliases ?? []].map((spelling) => [spelling, f])),
);
