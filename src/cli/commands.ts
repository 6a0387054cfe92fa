/**
 * The command table: every `claw` command once, with its one-line summary and its module, loaded
 * lazily. It drives the top-level help, dispatch, `claw help <command>` and the help tests.
 *
 * Each module is a literal `import("./x.ts")`, which `deno publish` can analyse; deno.json's
 * `"unstable": ["lazy-dynamic-imports"]` makes Deno read a module's graph only when its `import()`
 * runs, not at start-up, so `claw --version` loads no command. The same flag keeps these modules
 * out of `deno compile`'s graph: scripts/compile.ts includes them by name.
 *
 * @module
 */

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
  /**
   * The flag that asks the command for JSON output, if `main.ts` is to print a failure the command
   * throws as a JSON error object on stdout too (see {@linkcode asksForJson}). `run` has none: it
   * prints its own error line for `--output json` and `stream-json`.
   */
  json?: "--json";
}

/** Every command, in the order the help lists them. */
export const COMMANDS: readonly Command[] = [
  {
    name: "run",
    summary: "Run one prompt through claude and stream the answer",
    load: () => import("./run.ts"),
  },
  {
    name: "session",
    json: "--json",
    summary: "List, show and export stored sessions, or talk in an interactive session",
    load: () => import("./session.ts"),
  },
  {
    name: "auth",
    json: "--json",
    summary: "Say which credential claude will use and why; log in and out safely",
    load: () => import("./auth.ts"),
  },
  {
    name: "doctor",
    json: "--json",
    summary: "Check the CLI, auth, settings and network set-up; --live proves the pipeline",
    load: () => import("./doctor.ts"),
  },
  {
    name: "batch",
    json: "--json",
    summary: "Run many prompts through a bounded pool, resumable, sharded; merge the shards",
    load: () => import("./batch.ts"),
  },
  {
    name: "inspect",
    json: "--json",
    summary: "Decode a stream-json transcript or a cassette and summarise it",
    load: () => import("./inspect.ts"),
  },
  {
    name: "report",
    json: "--json",
    summary: "Write one self-contained HTML page for a run, session, cassette, batch or miss",
    load: () => import("./report.ts"),
  },
  {
    name: "record",
    json: "--json",
    summary: "Record a run of the real CLI as a cassette",
    load: () => import("./record.ts"),
  },
  {
    name: "replay",
    json: "--json",
    summary: "Replay cassettes: write a drop-in fake claude, or run one directly",
    load: () => import("./replay.ts"),
  },
  {
    name: "cassette",
    json: "--json",
    summary: "Edit how cassettes match, report which a test suite used, refresh them",
    load: () => import("./cassette.ts"),
  },
  {
    name: "fake-api",
    json: "--json",
    summary: "Serve a scripted fake Anthropic Messages API on 127.0.0.1",
    load: () => import("./fake_api.ts"),
  },
  {
    name: "fake-claude",
    summary: "Behave like the recorded claude (what replay launchers run)",
    load: () => import("./fake_claude.ts"),
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
 * Whether `args` (what follows the command's name) ask `command` for JSON output: its
 * {@linkcode Command.json} flag, before any `--` (after it, arguments are not claw's).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { asksForJson, findCommand } from "./commands.ts";
 *
 * strictEqual(asksForJson(findCommand("record")!, ["--json", "-o", "x", "--", "-p"]), true);
 * strictEqual(asksForJson(findCommand("record")!, ["-o", "x", "--", "--json"]), false);
 * strictEqual(asksForJson(findCommand("run")!, ["--json", "hi"]), false);
 * ```
 */
export function asksForJson(command: Command, args: readonly string[]): boolean {
  if (command.json === undefined) return false;
  const end = args.indexOf("--");
  return (end === -1 ? args : args.slice(0, end)).includes(command.json);
}

/** The commands the top-level help lists: all but the hidden ones. */
export function visibleCommands(): Command[] {
  return COMMANDS.filter((command) => !command.hidden);
}

/** `claw help`'s line in the top-level help (it is `main.ts`'s own, not a command module). */
const HELP_SUMMARY = "Show the help of a command (claw help run, claw help auth status)";

/**
 * The top-level help: usage, the visible commands with their summaries (and `help`), options and
 * examples.
 *
 * @example
 * ```ts
 * import { match } from "node:assert";
 * import { topHelp } from "./commands.ts";
 *
 * match(topHelp("0.1.0"), /\n  run +Run one prompt/);
 * match(topHelp("0.1.0"), /\n  help +Show the help of a command/);
 * ```
 */
export function topHelp(version: string): string {
  const visible = [...visibleCommands(), { name: "help", summary: HELP_SUMMARY }];
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
