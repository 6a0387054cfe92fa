/**
 * The command table: every `claw` command once, with its one-line summary and its module, loaded
 * lazily. It drives the top-level help, dispatch, `claw help <command>` and the help tests.
 *
 * @module
 */
import { importLazily } from "./_lazy.ts";

/** A command module: its help text and its entry point, which returns the exit code. */
export interface CommandModule {
  /** The command's `--help` text, starting `Usage: claw <name>`. */
  help: string;
  /** Runs the command with the arguments after its name; returns the exit code. */
  run(args: string[]): Promise<number>;
}

/** One `claw` command. */
export interface Command {
  /** What the user types after `claw`. */
  name: string;
  /** One line for the top-level help. */
  summary: string;
  /** Loads the command's module (lazily, so start-up stays cheap). */
  load(): Promise<CommandModule>;
  /** Every argument belongs to the command, `--help` included (the fake claude's are claude's). */
  ownsAllArgs?: boolean;
  /** Left out of the top-level help (plumbing for launcher scripts). */
  hidden?: boolean;
}

/** Every command, in the order the help lists them. */
export const COMMANDS: readonly Command[] = [
  {
    name: "run",
    summary: "Run one prompt through claude and stream the answer",
    load: () => importLazily<CommandModule>("./run.ts", import.meta.url),
  },
  {
    name: "inspect",
    summary: "Decode a stream-json transcript or a cassette and summarise it",
    load: () => importLazily<CommandModule>("./inspect.ts", import.meta.url),
  },
  {
    name: "record",
    summary: "Record a run of the real CLI as a cassette",
    load: () => importLazily<CommandModule>("./record.ts", import.meta.url),
  },
  {
    name: "replay",
    summary: "Replay cassettes: write a drop-in fake claude, or run one directly",
    load: () => importLazily<CommandModule>("./replay.ts", import.meta.url),
  },
  {
    name: "fake-api",
    summary: "Serve a scripted fake Anthropic Messages API on 127.0.0.1",
    load: () => importLazily<CommandModule>("./fake_api.ts", import.meta.url),
  },
  {
    name: "fake-claude",
    summary: "Behave like the recorded claude (what replay launchers run)",
    load: () => importLazily<CommandModule>("./fake_claude.ts", import.meta.url),
    ownsAllArgs: true,
    hidden: true,
  },
];

/**
 * The command called `name`, if there is one.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { findCommand } from "./commands.ts";
 *
 * strictEqual(findCommand("run")?.summary.startsWith("Run one prompt"), true);
 * strictEqual(findCommand("frobnicate"), undefined);
 * ```
 */
export function findCommand(name: string): Command | undefined {
  return COMMANDS.find((command) => command.name === name);
}

/**
 * The top-level help: usage, the visible commands with their summaries, options and examples.
 *
 * @example
 * ```ts
 * import { match } from "node:assert";
 * import { topHelp } from "./commands.ts";
 *
 * match(topHelp("0.1.0"), /\n  run +Run one prompt/);
 * ```
 */
export function topHelp(version: string): string {
  const visible = COMMANDS.filter((command) => !command.hidden);
  const width = Math.max(...visible.map((command) => command.name.length)) + 3;
  return `claw ${version}: drive the Claude Code CLI from programs, scripts and CI

Usage: claw <command> [options]

Commands:
${visible.map((command) => `  ${command.name.padEnd(width)}${command.summary}`).join("\n")}

Options:
  -h, --help     Show this help (also: claw help <command>, claw <command> --help)
  -V, --version  Print claw's version

Examples:
  claw run "Summarise README.md"
  claw run --demo
  claw inspect transcript.ndjson --json
`;
}
