/**
 * The `claw` command line: dispatches to a subcommand module, maps errors to exit codes, and is the
 * only place that calls `Deno.exit`.
 *
 * @module
 */
import { UsageError } from "./src/cli/_args.ts";
import { VERSION } from "./src/version.ts";

const HELP = `claw ${VERSION}: drive the Claude Code CLI from programs, scripts and CI

Usage: claw <command> [options]

Commands:
  run        Run one prompt through claude and stream the answer
  inspect    Decode a stream-json transcript and summarise it
  record     Record a run of the real CLI as a cassette
  replay     Replay cassettes: write a drop-in fake claude, or run one directly
  fake-api   Serve a scripted fake Anthropic Messages API on 127.0.0.1

Options:
  -h, --help     Show this help (also: claw <command> --help)
  -V, --version  Print claw's version

Examples:
  claw run "Summarise README.md"
  claw run --demo
  claw inspect transcript.ndjson --json
`;

/** A subcommand module: its help text and its entry point, which returns the exit code. */
interface Command {
  help: string;
  run(args: string[]): Promise<number>;
}

function load(name: string): Promise<Command> | undefined {
  switch (name) {
    case "run":
      return import("./src/cli/run.ts");
    case "inspect":
      return import("./src/cli/inspect.ts");
    case "fake-api":
      return import("./src/cli/fake_api.ts");
    case "record":
      return import("./src/cli/record.ts");
    case "replay":
      return import("./src/cli/replay.ts");
    case "fake-claude":
      return import("./src/cli/fake_claude.ts");
  }
  return undefined;
}

async function main(args: string[]): Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined) {
    console.error(HELP);
    return 2;
  }
  if (name === "-h" || name === "--help" || name === "help") {
    console.log(HELP);
    return 0;
  }
  if (name === "-V" || name === "--version") {
    console.log(`claw ${VERSION}`);
    return 0;
  }
  const pending = load(name);
  if (!pending) {
    console.error(`Unknown command "${name}": see the list below\n\n${HELP}`);
    return 2;
  }
  const command = await pending;
  // Every argument after fake-claude is claude's own, --help and --version included.
  if (name === "fake-claude") return await command.run(rest);
  if (rest.includes("-h") || rest.includes("--help")) {
    console.log(command.help);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n\n${command.help}`);
      return 2;
    }
    throw error;
  }
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
