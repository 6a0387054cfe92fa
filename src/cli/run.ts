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
import { type Flag, flagFor, flagHelp, flagValues, parseFlags } from "./_flags.ts";
import {
  CHECKED_RUN_OPTIONS,
  claudeFlagHints,
  type Output,
  OUTPUTS,
  RUN_FLAGS,
} from "./_run_flags.ts";

/** `claw run`'s own flags, on top of the run options. */
const OWN_FLAGS: readonly Flag<"output" | "record" | "demo" | "noPreflight">[] = [
  {
    name: "output",
    option: "output",
    type: "string",
    value: "FORMAT",
    help: `${OUTPUTS.join(", ")}: the answer (default), the final result, or every event`,
    spellings: ["--output-format"],
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
  {
    name: "no-preflight",
    option: "noPreflight",
    type: "boolean",
    help: "Start claude even if the prompt looks too big for the model",
  },
];

/** Help for `claw run`. */
export const help = `Usage: claw run [options] PROMPT [-- CLAUDE_ARGS…]
       echo PROMPT | claw run [options] -
       claw run --demo [--partial] [--output FORMAT]

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

After --, claude's own flags and their values go to claude as they are (claw run PROMPT -- --debug);
a prompt that starts with a dash can follow -- instead, with claude's flags after it. A word where
claude expects a flag is refused: claude would take it as its prompt, in place of PROMPT.

Paths are checked before claude starts, as claude will read them (a relative one from --cwd):
--cwd and --add-dir must be folders, the prompt files files, and --mcp-config and --settings JSON
objects or files of one; a mistake is a usage error that names the flag and the value.

Exit codes: 0 success, 1 the run failed, 2 usage error; 141 when stdout was closed early
(claw run … | head -1): the run is stopped quietly, like any Unix tool.

Examples:
  claw run "Summarise README.md"
  claw run --model sonnet --max-turns 3 --allowed-tools "Read,Grep" "Find the TODOs"
  claw run --output stream-json "Say hi" | jq .type
  claw run --demo
`;

/** The demo's module, loaded only for --demo. */
function loadDemo(): Promise<typeof import("./_demo.ts")> {
  return import("./_demo.ts");
}

/**
 * Loads the recorder and checks `path` first: a bad path is a usage error before anything starts,
 * not a failure after the run has spent its tokens. Returns what makes the options record.
 */
async function prepareRecording(path: string): Promise<(options: RunOptions) => RunOptions> {
  const { checkCassettePath, recordingCli } = await import("./_record.ts");
  await checkCassettePath("--record", path);
  return (options) => recordingCli(path, options);
}

/** How the CLI names an option in messages: its flag, or PROMPT. */
function flagName(option: string): string {
  return flagFor(RUN_FLAGS, option) ?? (option === "prompt" ? "PROMPT" : option);
}

/**
 * The prompt and the arguments for claude itself: `PROMPT [-- ARGS…]`, or `-- PROMPT [ARGS…]`
 * for a prompt that starts with a dash. ARGS are claude's flags and their values, so the first of
 * them must be a flag, and none `--`: claude would take a word there as its prompt, in place of
 * PROMPT (claw ends claude's arguments with `-- PROMPT` itself), so it is refused, not dropped.
 */
function splitPositionals(
  positionals: string[],
  afterDashes: number,
): { prompt: string | undefined; extraArgs: string[] } {
  const before = positionals.slice(0, positionals.length - afterDashes);
  const after = positionals.slice(positionals.length - afterDashes);
  if (before.length > 1) {
    throw new UsageError(
      `Expected one PROMPT, got ${before.length}: quote the prompt ("claw run \\"…\\"")`,
    );
  }
  const given = before.length === 1
    ? { prompt: before[0], extraArgs: after }
    : { prompt: after[0], extraArgs: after.slice(1) };
  checkClaudeArgs(given.prompt, given.extraArgs, before.length === 1);
  return given;
}

/** Refuses `extraArgs` that claude would not read as flags (see {@linkcode splitPositionals}). */
function checkClaudeArgs(prompt: string | undefined, extraArgs: string[], before: boolean): void {
  if (extraArgs.includes("--")) {
    throw new UsageError(
      "Unexpected -- among claude's arguments: claw run ends them with -- PROMPT itself, so claude would take what follows for its prompt; drop it",
    );
  }
  const first = extraArgs[0];
  if (first === undefined || first.startsWith("-")) return;
  const shown = `"${prompt!.length > 40 ? `${prompt!.slice(0, 40)}…` : prompt}"`;
  throw new UsageError(
    before
      ? `Unexpected "${first}" after --: claude would take it as the prompt in place of ${shown}; after -- pass only claude's flags (claw run PROMPT -- --debug)`
      : `Unexpected "${first}" after the PROMPT ${shown}: claude would take it as the prompt instead; quote a prompt of several words as one argument, and pass only claude's flags after it`,
  );
}

async function readPrompt(prompt: string | undefined): Promise<string> {
  if (prompt === "-") {
    // A prompt piped in ends with the newline of its last line: it is not part of the prompt.
    return (await new Response(Deno.stdin.readable).text()).replace(/\r?\n$/, "");
  }
  if (prompt === undefined) {
    throw new UsageError("Missing PROMPT: pass it as an argument, or - to read it from stdin");
  }
  return prompt;
}

/** `--demo` replays one recorded run: a prompt or a run flag could only be ignored, so it is refused. */
function refuseWithDemo(
  prompt: string | undefined,
  options: RunOptions,
  extraArgs: string[],
): void {
  const given = [
    ...(prompt === undefined ? [] : ["PROMPT"]),
    ...Object.keys(options).filter((option) => !DEMO_OPTIONS.has(option)).map(flagName),
    ...(extraArgs.length > 0 ? ["arguments after --"] : []),
  ];
  if (given.length === 0) return;
  throw new UsageError(
    `--demo replays a bundled recorded run, so it takes no ${given.join(", ")}: drop ${
      given.length === 1 ? "it" : "them"
    }, or drop --demo to run claude`,
  );
}

/** The run options `--demo` honours: how the replay is shown and supervised. */
const DEMO_OPTIONS = new Set([
  "preflight",
  "includePartialMessages",
  "timeoutMs",
  "startupTimeoutMs",
  "idleTimeoutMs",
]);

/** Runs `claw run` with `args`; returns the exit code. */
export async function run(args: string[]): Promise<number> {
  const { values, positionals, afterDashes } = parseFlags(args, [...RUN_FLAGS, ...OWN_FLAGS], {
    command: "claw run",
    hints: claudeFlagHints("claw run"),
  });
  const own = flagValues(OWN_FLAGS, values) as {
    output?: string;
    record?: string;
    demo?: boolean;
    noPreflight?: boolean;
  };
  const output = (own.output ?? "text") as Output;
  if (!OUTPUTS.includes(output)) {
    throw new UsageError(`Invalid --output "${own.output}": use ${OUTPUTS.join(", ")}`);
  }
  const options = flagValues(RUN_FLAGS, values) as RunOptions;
  if (own.noPreflight) options.preflight = false;
  const given = splitPositionals(positionals, afterDashes);
  let prompt: string;
  if (own.demo) {
    refuseWithDemo(given.prompt, options, given.extraArgs);
    // Loaded only for --demo: a plain run does not pay for the replay modules.
    const demo = await loadDemo();
    prompt = demo.DEMO_PROMPT;
    options.spawner = await demo.demoSpawner();
  } else {
    prompt = await readPrompt(given.prompt);
    if (given.extraArgs.length > 0) options.extraArgs = given.extraArgs;
    if (CHECKED_RUN_OPTIONS.some((option) => options[option] !== undefined)) {
      // Loaded only when a path, JSON or model is given: a bare run does not pay for it.
      const { checkRunOptions } = await import("./_run_checks.ts");
      await checkRunOptions(options);
    }
  }
  const record = own.record === undefined ? undefined : await prepareRecording(own.record);

  let started: Promise<Launched>;
  try {
    if (record) Object.assign(options, record(options));
    // The renderer is not loaded yet: a warning before the start (an unknown model) goes plain.
    const warn = (message: string) => console.error(`warning: ${message}`);
    started = launch(planLaunch(prompt, { ...options, onWarning: warn }));
  } catch (error) {
    if (error instanceof InvalidOptionError) throw new UsageError(error.describe(flagName));
    started = Promise.reject(error); // reported like any other failure of the run
  }
  started.catch(() => {}); // read, and reported, by the run
  // claude is booting: load the decoder and the renderer meanwhile.
  const { streamRun } = await import("./_run_stream.ts");
  return await streamRun(() => started, options, output);
}
