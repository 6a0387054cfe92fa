/**
 * `claw run`: one prompt through `claude`, rendered as it streams.
 *
 * Start-up is ordered for speed: the flags are parsed and checked, `claude` is spawned, and only
 * then is the rest of claw (decoder, renderer) loaded, while the CLI boots.
 *
 * @module
 */
import { InvalidOptionError } from "../errors/claw_error.ts";
import { launch, type Launched, planLaunch } from "../session/launch.ts";
import type { RunOptions } from "../session/run_options.ts";
import { UsageError } from "./_args.ts";
import { importLazily } from "./_lazy.ts";
import { type Flag, flagFor, flagHelp, flagValues, parseFlags } from "./_flags.ts";
import { type Output, OUTPUTS, RUN_FLAGS } from "./_run_flags.ts";

/** `claw run`'s own flags, on top of the run options. */
const OWN_FLAGS: readonly Flag<"output" | "record" | "demo">[] = [
  {
    name: "output",
    option: "output",
    type: "string",
    value: "FORMAT",
    help: `${OUTPUTS.join(", ")}: the answer (default), the final result, or every event`,
  },
  {
    name: "record",
    option: "record",
    type: "string",
    value: "FILE",
    help: "Also save the run as a cassette (see claw replay)",
  },
  {
    name: "demo",
    option: "demo",
    type: "boolean",
    help: "Replay a bundled recorded run: no claude, no credentials needed",
  },
];

/** Help for `claw run`. */
export const help = `Usage: claw run [options] PROMPT
       echo PROMPT | claw run [options] -

Run one prompt through the Claude Code CLI and stream the answer. The answer goes to stdout;
tool calls, results and the closing cost line go to stderr.

Options:
${
  flagHelp([...RUN_FLAGS, ...OWN_FLAGS, {
    name: "help",
    short: "h",
    option: "",
    type: "boolean",
    help: "Show this help",
  }])
}

Exit codes: 0 success, 1 the run failed, 2 usage error.

Examples:
  claw run "Summarise README.md"
  claw run --model sonnet --max-turns 3 --allowed-tools "Read,Grep" "Find the TODOs"
  claw run --output stream-json "Say hi" | jq .type
  claw run --demo
`;

/** The demo's module, loaded only for --demo. */
function loadDemo(): Promise<typeof import("./_demo.ts")> {
  return importLazily("./_demo.ts", import.meta.url);
}

/**
 * Loads the recorder and checks `path` first: a bad path is a usage error before anything starts,
 * not a failure after the run has spent its tokens. Returns what makes the options record.
 */
async function prepareRecording(path: string): Promise<(options: RunOptions) => RunOptions> {
  const { checkCassettePath, recordingCli } = await importLazily<typeof import("./_record.ts")>(
    "./_record.ts",
    import.meta.url,
  );
  await checkCassettePath("--record", path);
  return (options) => recordingCli(path, options);
}

/** How the CLI names an option in messages: its flag, or PROMPT. */
function flagName(option: string): string {
  return flagFor(RUN_FLAGS, option) ?? (option === "prompt" ? "PROMPT" : option);
}

async function readPrompt(positionals: string[], demo: boolean): Promise<string> {
  if (positionals.length > 1) {
    throw new UsageError(
      `Expected one PROMPT, got ${positionals.length}: quote the prompt ("claw run \\"…\\"")`,
    );
  }
  const [prompt] = positionals;
  if (prompt === "-") return await new Response(Deno.stdin.readable).text();
  if (prompt === undefined) {
    if (demo) return (await loadDemo()).DEMO_PROMPT;
    throw new UsageError("Missing PROMPT: pass it as an argument, or - to read it from stdin");
  }
  return prompt;
}

/** Runs `claw run` with `args`; returns the exit code. */
export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(args, [...RUN_FLAGS, ...OWN_FLAGS]);
  const own = flagValues(OWN_FLAGS, values) as { output?: string; record?: string; demo?: boolean };
  const output = (own.output ?? "text") as Output;
  if (!OUTPUTS.includes(output)) {
    throw new UsageError(`Invalid --output "${own.output}": use ${OUTPUTS.join(", ")}`);
  }
  const options = flagValues(RUN_FLAGS, values) as RunOptions;
  const prompt = await readPrompt(positionals, own.demo === true);
  if (own.demo) {
    // Loaded only for --demo: a plain run does not pay for the replay modules.
    options.spawner = await (await loadDemo()).demoSpawner();
  }
  const record = own.record === undefined ? undefined : await prepareRecording(own.record);

  let started: Promise<Launched>;
  try {
    if (record) Object.assign(options, record(options));
    started = launch(planLaunch(prompt, options));
  } catch (error) {
    if (error instanceof InvalidOptionError) throw new UsageError(error.describe(flagName));
    started = Promise.reject(error); // reported like any other failure of the run
  }
  started.catch(() => {}); // read, and reported, by the run
  // claude is booting: load the decoder and the renderer meanwhile.
  const { streamRun } = await importLazily<typeof import("./_run_stream.ts")>(
    "./_run_stream.ts",
    import.meta.url,
  );
  return await streamRun(() => started, options, output);
}
