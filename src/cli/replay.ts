/**
 * `claw replay`: serve cassettes as a drop-in fake `claude`.
 *
 * @module
 */
import { resolve } from "node:path";
import { parseCassetteMode } from "../cassette/cassette_spawner.ts";
import { launcherEnv, runFakeClaude, writeFakeClaude } from "../cassette/fake_claude.ts";
import { parseTiming } from "../cassette/timing.ts";
import { UsageError } from "./_args.ts";
import { type Flag, flagHelp, parseFlags } from "./_flags.ts";

const FLAGS: readonly Flag[] = [
  {
    name: "cassettes",
    option: "cassettes",
    type: "string",
    value: "DIR",
    help: "The folder of cassettes",
  },
  {
    name: "write-bin",
    option: "writeBin",
    type: "string",
    value: "PATH",
    help: "Write a launcher script to PATH (made executable)",
  },
  {
    name: "mode",
    option: "mode",
    type: "string",
    value: "MODE",
    help: "replay (default), record, auto, passthrough",
  },
  {
    name: "timing",
    option: "timing",
    type: "string",
    value: "TIMING",
    help: "instant (default), recorded, or a factor such as 0.5",
  },
  {
    name: "real-claude",
    option: "realClaude",
    type: "string",
    value: "PATH",
    help: "The real CLI, for record, auto and passthrough",
  },
  { name: "help", short: "h", option: "help", type: "boolean", help: "Show this help" },
];

/** Help for `claw replay`. */
export const help = `Usage: claw replay --cassettes DIR --write-bin PATH [options]
       claw replay --cassettes DIR [options] -- CLAUDE_ARGS…

Serve recorded cassettes as the Claude Code CLI. --write-bin writes an executable launcher (name it
claude) that code which spawns claude itself can use; the second form runs one replay directly.
A run is matched to a cassette by its arguments; in replay mode a miss fails and names the nearest
cassette and the first argument that differs.

Options:
${flagHelp(FLAGS)}

Examples:
  claw replay --cassettes fixtures/cassettes/2.1.332 --write-bin /tmp/bin/claude
  claw run --cli /tmp/bin/claude "Say hello"
  claw replay --cassettes cassettes --mode auto -- -p --output-format stream-json --verbose "Hi"
`;

/** Runs `claw replay` with `args`; returns the exit code. */
export async function run(args: string[]): Promise<number> {
  const separator = args.indexOf("--");
  const own = separator === -1 ? args : args.slice(0, separator);
  const { values: given, positionals } = parseFlags(own, FLAGS);
  const values = given as Partial<Record<string, string>>;
  if (positionals.length) throw new UsageError(`Unexpected argument "${positionals[0]}"`);
  if (!values.cassettes) throw new UsageError("Missing --cassettes DIR");
  let launcher;
  try {
    launcher = {
      cassettes: values.cassettes,
      mode: values.mode ? parseCassetteMode(values.mode) : "replay" as const,
      ...(values.timing ? { timing: parseTiming(values.timing) } : {}),
      ...(values["real-claude"] ? { realClaude: values["real-claude"] } : {}),
    };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }

  if (values["write-bin"]) {
    if (separator !== -1) {
      throw new UsageError("Pass either --write-bin or -- CLAUDE_ARGS, not both");
    }
    await writeFakeClaude(values["write-bin"], launcher);
    console.log(values["write-bin"]);
    return 0;
  }
  if (separator === -1) throw new UsageError("Missing --write-bin PATH or -- CLAUDE_ARGS");
  const status = await runFakeClaude(args.slice(separator + 1), {
    dir: resolve(values.cassettes),
    env: { ...Deno.env.toObject(), ...launcherEnv(launcher) },
  });
  return status.code;
}
