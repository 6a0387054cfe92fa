/**
 * `claw run`: one prompt through `claude`, rendered as it streams.
 *
 * @module
 */
import { ClawError } from "../errors/claw_error.ts";
import type { DecodedItem } from "../protocol/events.ts";
import { PERMISSION_MODES, type PermissionMode } from "../process/options.ts";
import { run as startRun, type RunOptions } from "../session/run.ts";
import { listFlag, numberFlag, parseFlags, UsageError } from "./_args.ts";
import { TextRenderer } from "./_render.ts";
import { startSpinner } from "./_spinner.ts";
import { colourEnabled, styles } from "./_style.ts";

/** Help for `claw run`. */
export const help = `Usage: claw run [options] PROMPT
       echo PROMPT | claw run [options] -

Run one prompt through the Claude Code CLI and stream the answer. The answer goes to stdout;
tool calls, results and the closing cost line go to stderr.

Options:
  --cli PATH                  The claude executable (default: CLAUDE_CLI_PATH, PATH, known places)
  --model NAME                Model alias or full name
  --permission-mode MODE      ${PERMISSION_MODES.join(", ")}
  --system-prompt TEXT        Replace the default system prompt
  --append-system-prompt TEXT Add to the default system prompt
  --allowed-tools LIST        Tools allowed without asking, comma-separated ("Read,Bash(git *)")
  --disallowed-tools LIST     Tools denied, comma-separated
  --max-turns N               Stop after N turns
  --max-budget-usd AMOUNT     Stop after spending AMOUNT dollars
  --cwd DIR                   Working directory of the run
  --timeout SECONDS           Fail the run after SECONDS
  --partial                   Stream text as it is generated (--include-partial-messages)
  --output FORMAT             text (default), json (the final result) or stream-json (events)
  --record FILE               Also save the run as a cassette (see claw replay)
  --demo                      Replay a bundled recorded run: no claude, no credentials needed
  -h, --help                  Show this help

Exit codes: 0 success, 1 the run failed, 2 usage error.

Examples:
  claw run "Summarise README.md"
  claw run --model sonnet --max-turns 3 --allowed-tools "Read,Grep" "Find the TODOs"
  claw run --output stream-json "Say hi" | jq .type
  claw run --demo
`;

const OUTPUTS = ["text", "json", "stream-json"] as const;
type Output = typeof OUTPUTS[number];

async function readPrompt(positionals: string[], demo: boolean): Promise<string> {
  if (positionals.length > 1) {
    throw new UsageError(
      `Expected one PROMPT, got ${positionals.length}: quote the prompt ("claw run \\"…\\"")`,
    );
  }
  const [prompt] = positionals;
  if (prompt === "-") return await new Response(Deno.stdin.readable).text();
  if (prompt === undefined) {
    if (demo) return (await import("./_demo.ts")).DEMO_PROMPT;
    throw new UsageError("Missing PROMPT: pass it as an argument, or - to read it from stdin");
  }
  return prompt;
}

/** Runs `claw run` with `args`; returns the exit code. */
export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(args, {
    cli: { type: "string" },
    model: { type: "string" },
    "permission-mode": { type: "string" },
    "system-prompt": { type: "string" },
    "append-system-prompt": { type: "string" },
    "allowed-tools": { type: "string" },
    "disallowed-tools": { type: "string" },
    "max-turns": { type: "string" },
    "max-budget-usd": { type: "string" },
    cwd: { type: "string" },
    timeout: { type: "string" },
    partial: { type: "boolean" },
    output: { type: "string", default: "text" },
    demo: { type: "boolean" },
    record: { type: "string" },
  });
  const output = values.output as Output;
  if (!OUTPUTS.includes(output)) {
    throw new UsageError(`Invalid --output "${values.output}": use text, json or stream-json`);
  }
  const mode = values["permission-mode"];
  if (mode !== undefined && !PERMISSION_MODES.includes(mode as PermissionMode)) {
    throw new UsageError(
      `Invalid --permission-mode "${mode}": use one of ${PERMISSION_MODES.join(", ")}`,
    );
  }
  const timeout = numberFlag("timeout", values.timeout);
  const options: RunOptions = {
    ...defined({
      cli: values.cli,
      model: values.model,
      permissionMode: mode as PermissionMode | undefined,
      systemPrompt: values["system-prompt"],
      appendSystemPrompt: values["append-system-prompt"],
      allowedTools: listFlag(values["allowed-tools"]),
      disallowedTools: listFlag(values["disallowed-tools"]),
      maxTurns: numberFlag("max-turns", values["max-turns"]),
      maxBudgetUsd: numberFlag("max-budget-usd", values["max-budget-usd"]),
      cwd: values.cwd,
      timeoutMs: timeout === undefined ? undefined : timeout * 1000,
      record: values.record,
    }),
    includePartialMessages: values.partial === true,
  };
  const prompt = await readPrompt(positionals, values.demo === true);

  if (values.demo) {
    // Loaded only for --demo: a plain run does not pay for the replay modules.
    options.spawner = await (await import("./_demo.ts")).demoSpawner();
  }
  return await execute(prompt, options, output);
}

function defined<T extends Record<string, unknown>>(
  record: T,
): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}

async function execute(prompt: string, options: RunOptions, output: Output): Promise<number> {
  const encoder = new TextEncoder();
  const write = (stream: { writeSync(p: Uint8Array): number }) => (text: string) => {
    const bytes = encoder.encode(text);
    let written = 0;
    while (written < bytes.length) written += stream.writeSync(bytes.subarray(written));
  };
  const out = write(Deno.stdout);
  const err = write(Deno.stderr);
  const s = styles(colourEnabled(Deno.stderr));
  const renderer = new TextRenderer({
    out,
    err,
    styles: s,
    partial: options.includePartialMessages === true,
  });
  const stopSpinner = startSpinner(
    "Waiting for Claude…",
    output === "text" && Deno.stderr.isTerminal(),
  );
  const claude = startRun(prompt, {
    ...options,
    onWarning: (message) => err(s.yellow(`warning: ${message}`) + "\n"),
  });
  const emit = (item: DecodedItem) => {
    if (output === "stream-json") out(JSON.stringify(item) + "\n");
    else if (output === "text") renderer.render(item);
  };
  try {
    for await (const item of claude) {
      stopSpinner();
      emit(item);
    }
  } catch (error) {
    stopSpinner();
    if (!(error instanceof ClawError)) throw error;
    if (output === "json" && claude.lastResult) out(JSON.stringify(claude.lastResult) + "\n");
    err(`${s.red(`error[${error.kind}]`)}: ${error.message}${details(error)}\n`);
    err(`${s.dim("hint:")} ${error.hint}\n`);
    return error.kind === "usage" ? 2 : 1;
  }
  const result = claude.lastResult;
  if (result && output === "json") out(JSON.stringify(result) + "\n");
  if (result && output === "text") renderer.summary(result);
  return 0;
}

function details(error: ClawError): string {
  const parts = [];
  if (error.requestId) parts.push(`request ${error.requestId}`);
  if (error.sessionId) parts.push(`session ${error.sessionId}`);
  if (error.exitCode !== undefined && error.exitCode !== 0 && error.kind !== "usage") {
    parts.push(`exit ${error.exitCode}`);
  }
  const repeatsMessage = error.kind === "usage" || error.kind === "cassette_miss";
  const stderr = error.stderrTail && !repeatsMessage ? `\n${error.stderrTail}` : "";
  return (parts.length ? ` (${parts.join(", ")})` : "") + stderr;
}
