/**
 * `claw fake-api`: serve a scripted fake Anthropic Messages API on 127.0.0.1.
 *
 * @module
 */
import { startFakeApi } from "../fake_api/fake_api.ts";
import { parseFakeScript } from "../fake_api/script.ts";
import { numberFlag, UsageError } from "./_args.ts";
import { type Flag, flagHelp, parseFlags } from "./_flags.ts";

const FLAGS: readonly Flag[] = [
  {
    name: "script",
    option: "script",
    type: "string",
    value: "FILE",
    help: "The replies to serve, as JSON (see src/fake_api/script.ts)",
  },
  {
    name: "port",
    option: "port",
    type: "string",
    value: "N",
    help: "The port (default: a free one)",
  },
  { name: "help", short: "h", option: "help", type: "boolean", help: "Show this help" },
];

/** Help for `claw fake-api`. */
export const help = `Usage: claw fake-api --script FILE [--port N]

Serve a scripted fake Anthropic Messages API on 127.0.0.1 until interrupted (Ctrl-C). Point the
real CLI at it with ANTHROPIC_BASE_URL and any ANTHROPIC_API_KEY. The first line on stdout is the
base URL.

Options:
${flagHelp(FLAGS)}

Example:
  claw fake-api --script replies.json
  ANTHROPIC_BASE_URL=http://127.0.0.1:PORT ANTHROPIC_API_KEY=fake claude -p "hi"
`;

/** Runs `claw fake-api` with `args`; returns the exit code. */
export async function run(args: string[]): Promise<number> {
  const { values: given, positionals } = parseFlags(args, FLAGS);
  const values = given as Partial<Record<string, string>>;
  if (positionals.length > 0) throw new UsageError(`Unexpected argument "${positionals[0]}"`);
  if (values.script === undefined) throw new UsageError("Missing --script FILE");
  let text: string;
  try {
    text = await Deno.readTextFile(values.script);
  } catch (error) {
    console.error(`Cannot read the script "${values.script}": ${(error as Error).message}`);
    return 1;
  }
  let script;
  try {
    script = parseFakeScript(JSON.parse(text));
  } catch (error) {
    console.error(`Cannot use the script "${values.script}": ${(error as Error).message}`);
    return 1;
  }
  const port = numberFlag("port", values.port);
  await using api = await startFakeApi({ script, ...(port === undefined ? {} : { port }) });
  console.log(api.url);
  const stop = Promise.withResolvers<void>();
  const onSignal = () => stop.resolve();
  Deno.addSignalListener("SIGINT", onSignal);
  Deno.addSignalListener("SIGTERM", onSignal);
  await stop.promise;
  Deno.removeSignalListener("SIGINT", onSignal);
  Deno.removeSignalListener("SIGTERM", onSignal);
  console.error(`Served ${api.requests.length} request(s)`);
  return 0;
}
