/**
 * `claw record -o FILE -- CLAUDE_ARGS…`: run the real CLI and save the run as a cassette.
 *
 * @module
 */
import { findClaude } from "../process/discover.ts";
import { denoSpawner } from "../process/deno_spawner.ts";
import { recordingSpawner, saveCassette } from "../cassette/recorder.ts";
import { ClawError } from "../errors/claw_error.ts";
import { assertWritable, parseFlags, UsageError } from "./_args.ts";

/** Help for `claw record`. */
export const help = `Usage: claw record -o FILE [--cli PATH] -- CLAUDE_ARGS…

Run the real Claude Code CLI with CLAUDE_ARGS, passing its stdin, stdout, stderr and exit code
through, and save the run as a cassette: every stdout, stderr and stdin line with its time, then
the exit. Secrets, emails, HOME and the working directory are redacted when the file is saved.

Options:
  -o, --output FILE   The cassette to write
  --cli PATH          The claude executable (default: CLAUDE_CLI_PATH, PATH, known places)
  -h, --help          Show this help

Examples:
  claw record -o cassettes/hello.ndjson -- -p --output-format stream-json --verbose "Say hello"
  claw inspect cassettes/hello.ndjson
`;

/** Runs `claw record` with `args`; returns the CLI's exit code. */
export async function run(args: string[]): Promise<number> {
  const separator = args.indexOf("--");
  if (separator === -1) throw new UsageError("Missing -- before the claude arguments");
  const { values, positionals } = parseFlags(args.slice(0, separator), {
    output: { type: "string", short: "o" },
    cli: { type: "string" },
  });
  if (positionals.length) throw new UsageError(`Unexpected argument "${positionals[0]}" before --`);
  if (!values.output) throw new UsageError("Missing -o FILE: where to write the cassette");
  const claudeArgs = args.slice(separator + 1);
  if (!claudeArgs.length) throw new UsageError("Missing the claude arguments after --");
  // Checked before anything starts: a run that spent tokens must not fail on a bad path.
  await assertWritable("-o", values.output);
  const env = Deno.env.toObject();
  let child;
  try {
    const cli = findClaude({ ...(values.cli ? { cli: values.cli } : {}), env }).path;
    const spawn = recordingSpawner(denoSpawner, { save: saveCassette(values.output) });
    child = await spawn({ command: cli, args: claudeArgs, env, cwd: Deno.cwd() });
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
  console.error(`claw: recorded ${values.output}`);
  return status.code;
}
