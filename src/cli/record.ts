/**
 * `claw record -o FILE -- CLAUDE_ARGS…`: run the real CLI and save the run as a cassette.
 *
 * @module
 */
import { ClawError } from "../errors/claw_error.ts";
import { UsageError } from "./_args.ts";
import { type Flag, flagHelp, parseFlags } from "./_flags.ts";
import { checkCassettePath, recordingCli } from "./_record.ts";

const FLAGS: readonly Flag[] = [
  {
    name: "output",
    short: "o",
    option: "output",
    type: "string",
    value: "FILE",
    help: "The cassette to write",
  },
  {
    name: "cli",
    option: "cli",
    type: "string",
    value: "PATH",
    help: "The claude executable (default: CLAUDE_CLI_PATH, PATH, known places)",
  },
  { name: "help", short: "h", option: "help", type: "boolean", help: "Show this help" },
];

/** Help for `claw record`. */
export const help = `Usage: claw record -o FILE [--cli PATH] -- CLAUDE_ARGS…

Run the real Claude Code CLI with CLAUDE_ARGS, passing its stdin, stdout, stderr and exit code
through, and save the run as a cassette: every stdout, stderr and stdin line with its time, then
the exit. Secrets, emails, HOME and the working directory are redacted when the file is saved.

Options:
${flagHelp(FLAGS)}

Examples:
  claw record -o cassettes/hello.ndjson -- -p --output-format stream-json --verbose "Say hello"
  claw inspect cassettes/hello.ndjson
`;

/** Runs `claw record` with `args`; returns the CLI's exit code. */
export async function run(args: string[]): Promise<number> {
  const separator = args.indexOf("--");
  if (separator === -1) throw new UsageError("Missing -- before the claude arguments");
  const { values, positionals } = parseFlags(args.slice(0, separator), FLAGS);
  if (positionals.length) throw new UsageError(`Unexpected argument "${positionals[0]}" before --`);
  const output = values.output as string | undefined;
  if (!output) throw new UsageError("Missing -o FILE: where to write the cassette");
  const claudeArgs = args.slice(separator + 1);
  if (!claudeArgs.length) throw new UsageError("Missing the claude arguments after --");
  await checkCassettePath("-o", output);
  const env = Deno.env.toObject();
  let child;
  try {
    const cli = values.cli as string | undefined;
    const { cli: found, spawner } = recordingCli(output, {
      ...(cli ? { cli } : {}),
      hostEnv: env,
    });
    child = await spawner({ command: found, args: claudeArgs, env, cwd: Deno.cwd() });
  } catch (error) {
    if (!(error instanceof ClawError)) throw error;
    console.error(`error[${error.kind}]: ${error.message}\nhint: ${error.hint}`);
    return 1;
  }
  Deno.stdin.readable.pipeTo(child.stdin).catch(() => {});
  await Promise.all([
    child.stdout.pipeTo(Deno.stdout.writable, { preventClose: true }),
    child.stderr.pipeTo(Deno.stderr.writable, { preventClose: true }),
  ]);
  const status = await child.status;
  console.error(`claw: recorded ${output}`);
  return status.code;
}
