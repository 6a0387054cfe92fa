/**
 * `claw fake-api`: serve a scripted fake Anthropic Messages API on 127.0.0.1.
 *
 * @module
 */
import { type FakeApi, startFakeApi } from "../fake_api/fake_api.ts";
import { type FakeScript, parseFakeScript } from "../fake_api/script.ts";
import { UsageError } from "./_args.ts";
import { type Flag, flagHelp, parseFlags } from "./_flags.ts";
import { checkInputFile } from "./_paths.ts";

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
  {
    name: "json",
    option: "json",
    type: "boolean",
    help: "Print the address as one JSON line on stdout (stable shape)",
  },
  { name: "help", short: "h", option: "help", type: "boolean", help: "Show this help" },
];

/** Help for `claw fake-api`. */
export const help = `Usage: claw fake-api --script FILE [--port N] [--json]

Serve a scripted fake Anthropic Messages API on 127.0.0.1 until interrupted (Ctrl-C). Point the
real CLI at it with ANTHROPIC_BASE_URL and any ANTHROPIC_API_KEY. The first line on stdout is the
base URL; with --json it is {"url":"http://127.0.0.1:PORT","port":PORT}, and a refusal is
{"error":{"kind":…,"message":…,"hint":…,…}}. The script is read and checked before the server
starts: a missing or invalid script, or a port that cannot be used, is a usage error.

Options:
${flagHelp(FLAGS)}

Exit codes: 0 stopped by a signal, 1 failure, 2 usage error.

Example:
  claw fake-api --script replies.json
  ANTHROPIC_BASE_URL=http://127.0.0.1:PORT ANTHROPIC_API_KEY=fake claude -p "hi"
`;

/** What `claw fake-api --json` prints first: where the fake API listens. */
export interface FakeApiReport {
  /** The base URL, for `ANTHROPIC_BASE_URL`. */
  url: string;
  /** The port. */
  port: number;
}

/** Runs `claw fake-api` with `args`; returns the exit code. */
export async function run(args: string[]): Promise<number> {
  const { values: given, positionals } = parseFlags(args, FLAGS);
  const values = given as Partial<Record<string, string>>;
  if (positionals.length > 0) throw new UsageError(`Unexpected argument "${positionals[0]}"`);
  if (values.script === undefined) throw new UsageError("Missing --script FILE");
  const port = portFlag(values.port);
  const script = await readScript(values.script);
  await using api = await listen(script, port);
  const report: FakeApiReport = { url: api.url, port: api.port };
  console.log(values.json ? JSON.stringify(report) : api.url);
  const stop = Promise.withResolvers<void>();
  const onSignal = () => stop.resolve();
  Deno.addSignalListener("SIGINT", onSignal);
  Deno.addSignalListener("SIGTERM", onSignal);
  await stop.promise;
  Deno.removeSignalListener("SIGINT", onSignal);
  Deno.removeSignalListener("SIGTERM", onSignal);
  console.error(`Served ${api.requests.at(-1)?.sequence ?? 0} request(s)`);
  return 0;
}

/** Starts the fake API; a --port it cannot listen on is a usage error. */
async function listen(script: FakeScript, port: number | undefined): Promise<FakeApi> {
  try {
    return await startFakeApi({ script, ...(port === undefined ? {} : { port }) });
  } catch (error) {
    if (port === undefined || !(error instanceof Error)) throw error;
    throw new UsageError(
      `Cannot listen on --port ${port}: ${error.message}: pass another port, or leave --port out for a free one`,
      { cause: error },
    );
  }
}

/** The --port value: a whole number from 0 (a free port) to 65535. */
function portFlag(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) {
    throw new UsageError(
      `Invalid --port "${text}": it must be a whole number from 0 to 65535 (leave it out for a free one)`,
    );
  }
  return port;
}

/** Reads and checks the script at `path`: any problem with it is a usage error naming --script. */
async function readScript(path: string): Promise<FakeScript> {
  const what = "a JSON script of replies (see src/fake_api/script.ts)";
  await checkInputFile("--script", path, what);
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    throw new UsageError(`Cannot read --script "${path}": ${(error as Error).message}`, {
      cause: error,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const reason = (error as Error).message.replace(/\s*\n\s*/g, " ");
    throw new UsageError(`Invalid --script "${path}": it is not JSON (${reason}): pass ${what}`, {
      cause: error,
    });
  }
  try {
    return parseFakeScript(json);
  } catch (error) {
    throw new UsageError(`Invalid --script "${path}": ${(error as Error).message}`, {
      cause: error,
    });
  }
}
