/**
 * Records the transcript corpus in `fixtures/transcripts/`: every scenario below, run by every
 * pinned Claude Code CLI against claw's fake Messages API, fully offline.
 *
 * Each run gets a fresh temporary root holding its HOME, its working directory and its TMPDIR, so
 * the CLI reads no real configuration and leaves nothing behind. Raw stdout is saved as
 * `<version>/<scenario>.ndjson` (or `.json` for `--output-format json`), next to a `.meta.json`
 * with the arguments, exit code and stderr. Secrets and machine paths are redacted at save time by
 * the one rule list in {@linkcode redactionRules}; session ids, uuids and timestamps are real data
 * and are kept.
 *
 * @example Record the whole corpus, or one scenario
 * ```sh
 * deno run -A scripts/record_transcripts.ts
 * deno run -A scripts/record_transcripts.ts --only tool_bash
 * ```
 *
 * @module
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startFakeApi } from "../src/harness/fake_api.ts";
import { offlineEnv } from "../src/harness/offline_env.ts";
import { promptTooLongReply } from "../src/harness/replies.ts";
import { redactionRules, redactLines, redactText } from "../src/harness/redact.ts";
import type { FakeScript } from "../src/harness/script.ts";
import { denoSpawner } from "../src/process/deno_spawner.ts";
import { buildEnv } from "../src/process/env.ts";
import { shutdown } from "../src/process/shutdown.ts";
import { PINNED_CLI_VERSIONS, pinnedCliPath } from "./install_cli.ts";

/** Where the corpus lives. */
export const TRANSCRIPTS_DIR: string = new URL("../fixtures/transcripts/", import.meta.url)
  .pathname;

/** How long one CLI run may take before it is killed. */
const RUN_TIMEOUT_MS = 60_000;

/** How the CLI is asked to print its output. */
export type OutputFormat = "stream-json" | "json" | "json-verbose";

/** One recorded situation: a prompt, the fake API's replies and the CLI flags. */
export interface Scenario {
  /** File name stem, e.g. `tool_bash`. */
  name: string;
  /** What the transcript exercises, for people reading the corpus. */
  about: string;
  /** The prompt given with `-p`. */
  prompt: string;
  /** The fake API's replies; `cwd` is the run's working directory. */
  script(cwd: string): FakeScript;
  /** Output format (default `stream-json`, always with `--verbose`). */
  output?: OutputFormat;
  /** Extra CLI flags. */
  flags?: string[];
  /** `CLAUDE_CODE_MAX_RETRIES` (default 0). */
  maxRetries?: number;
  /** Extra environment for the CLI; `undefined` removes a variable. */
  env?: Record<string, string | undefined>;
  /** Prepares the working directory before the run. */
  setup?(cwd: string): Promise<void>;
}

const text = (value: string): FakeScript["replies"][number] => ({
  content: [{ type: "text", text: value }],
});

/** Every scenario of the corpus, recorded with each pinned CLI version. */
export const SCENARIOS: readonly Scenario[] = [
  {
    name: "text_simple",
    about: "one text answer: system/init, assistant, result/success",
    prompt: "Say hello",
    script: () => ({ replies: [text("Hello from the fake API.")] }),
  },
  {
    name: "text_partial",
    about: "--include-partial-messages: stream_event text deltas, non-ASCII text",
    prompt: "Say hello in two languages",
    flags: ["--include-partial-messages"],
    script: () => ({
      replies: [{
        content: [{ type: "text", text: "Hello! こんにちは 🚀 — streamed in small deltas." }],
        chunk_size: 8,
      }],
    }),
  },
  {
    name: "thinking",
    about: "a thinking block then text, with partial messages (thinking and signature deltas)",
    prompt: "Think, then answer",
    flags: ["--include-partial-messages"],
    script: () => ({
      replies: [{
        content: [
          { type: "thinking", thinking: "The user wants a short answer after some thought." },
          { type: "text", text: "Here is my answer: 42." },
        ],
      }],
    }),
  },
  {
    name: "tool_bash",
    about: "a Bash tool call under bypassPermissions: tool_use, user tool_result, final text",
    prompt: "Run a command",
    flags: ["--permission-mode", "bypassPermissions"],
    script: () => ({
      replies: [
        {
          content: [{ type: "tool_use", name: "Bash", input: { command: "echo claw-$((40+2))" } }],
        },
        text("It printed claw-42."),
      ],
    }),
  },
  {
    name: "tool_parallel",
    about: "two tool_use blocks in one reply (Bash and Read of a file in cwd), two tool_results",
    prompt: "Run a command and read notes.txt",
    flags: ["--permission-mode", "bypassPermissions"],
    setup: (cwd) => Deno.writeTextFile(join(cwd, "notes.txt"), "first note\nsecond note\n"),
    script: (cwd) => ({
      replies: [
        {
          content: [
            { type: "text", text: "I will do both at once." },
            { type: "tool_use", name: "Bash", input: { command: "echo parallel-bash" } },
            { type: "tool_use", name: "Read", input: { file_path: join(cwd, "notes.txt") } },
          ],
        },
        text("The command printed parallel-bash and the file has two notes."),
      ],
    }),
  },
  {
    name: "tool_denied",
    about: "Write in the default permission mode: denied, tool_result error, permission_denials",
    prompt: "Write a file",
    script: (cwd) => ({
      replies: [
        {
          content: [{
            type: "tool_use",
            name: "Write",
            input: { file_path: join(cwd, "denied.txt"), content: "should not be written\n" },
          }],
        },
        text("I could not write the file."),
      ],
    }),
  },
  {
    name: "max_turns",
    about: "--max-turns 1 with tool_use then tool_use: result/error_max_turns",
    prompt: "Keep running commands",
    flags: ["--max-turns", "1", "--permission-mode", "bypassPermissions"],
    script: () => ({
      replies: [
        { content: [{ type: "tool_use", name: "Bash", input: { command: "echo turn-1" } }] },
        { content: [{ type: "tool_use", name: "Bash", input: { command: "echo turn-2" } }] },
      ],
    }),
  },
  {
    name: "error_500",
    about: "HTTP 500 on every request, CLAUDE_CODE_MAX_RETRIES=1: api_retry, synthetic error",
    prompt: "Say hello",
    maxRetries: 1,
    script: () => ({ replies: [{ status: 500 }], when_exhausted: "repeat_last" }),
  },
  {
    name: "error_400_prompt_too_long",
    about: "HTTP 400 invalid_request_error 'prompt is too long': not retried",
    prompt: "Say hello",
    maxRetries: 1,
    script: () => ({
      replies: [promptTooLongReply()],
      when_exhausted: "repeat_last",
    }),
  },
  {
    name: "error_429_rate_limit",
    about: "HTTP 429 with retry-after: 0 on every request, CLAUDE_CODE_MAX_RETRIES=1",
    prompt: "Say hello",
    maxRetries: 1,
    script: () => ({
      replies: [{ status: 429, headers: { "retry-after": "0" } }],
      when_exhausted: "repeat_last",
    }),
  },
  {
    name: "no_auth",
    about: "ANTHROPIC_API_KEY unset: no credentials at all",
    prompt: "Say hello",
    env: { ANTHROPIC_API_KEY: undefined },
    script: () => ({ replies: [text("This reply should never be requested.")] }),
  },
  {
    name: "output_json",
    about: "--output-format json: one result object",
    prompt: "Say hello",
    output: "json",
    script: () => ({ replies: [text("Hello as one JSON result.")] }),
  },
  {
    name: "output_json_verbose",
    about: "--output-format json --verbose: one array of every message",
    prompt: "Say hello",
    output: "json-verbose",
    script: () => ({ replies: [text("Hello as a JSON array.")] }),
  },
];

/** The file extension of a scenario's stdout: `.json` for the json formats, else `.ndjson`. */
export function transcriptExtension(scenario: Scenario): ".json" | ".ndjson" {
  return (scenario.output ?? "stream-json") === "stream-json" ? ".ndjson" : ".json";
}

/** The `<scenario>.meta.json` written beside each transcript. */
export interface TranscriptMeta {
  scenario: string;
  cli_version: string;
  /** CLI arguments, without the executable, redacted. */
  args: string[];
  exit_code: number;
  /** The signal that ended the CLI, when one did. */
  signal?: string;
  /** `true` when the run was killed after the timeout. */
  timed_out?: boolean;
  /** Redacted. */
  stderr: string;
  recorded_at: string;
  /** Every request the fake API received, including 2.0.x background requests. */
  fake_api_requests: number;
  /**
   * Requests not answered from the script: the background requests of Claude Code 2.0.x
   * (subagent warm-up, Bash path extraction), which the fake API answers itself.
   */
  fake_api_unscripted_requests: number;
}

// ---------------------------------------------------------------------------------------------
// recording

/** What one run of the real CLI produced, already redacted. */
interface Recording {
  stdout: string;
  meta: TranscriptMeta;
}

function cliArgs(scenario: Scenario): string[] {
  const output = scenario.output ?? "stream-json";
  const format = output === "stream-json"
    ? ["--output-format", "stream-json", "--verbose"]
    : output === "json"
    ? ["--output-format", "json"]
    : ["--output-format", "json", "--verbose"];
  return ["-p", scenario.prompt, ...format, ...scenario.flags ?? []];
}

/** Runs `scenario` with the pinned CLI `version` in a fresh temporary root, then removes it. */
async function record(version: string, scenario: Scenario): Promise<Recording> {
  const root = await Deno.makeTempDir({ prefix: "claw-rec-" });
  try {
    const home = join(root, "home");
    const cwd = join(root, "cwd");
    const tmp = join(root, "tmp");
    for (const dir of [home, cwd, tmp]) await Deno.mkdir(dir);
    await scenario.setup?.(cwd);
    await using api = await startFakeApi({ script: scenario.script(cwd) });
    const env = buildEnv({
      env: {
        ...offlineEnv({ apiUrl: api.url, home, maxRetries: scenario.maxRetries ?? 0 }),
        TMPDIR: tmp,
        CLAUDE_CODE_TMPDIR: tmp,
        XDG_RUNTIME_DIR: undefined,
        ...scenario.env,
      },
    });
    const args = cliArgs(scenario);
    await using child = denoSpawner({ command: pinnedCliPath(version), args, env, cwd });
    await child.stdin.close();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      void shutdown(child);
    }, RUN_TIMEOUT_MS);
    const [stdout, stderr, status] = await Promise.all([
      new Response(child.stdout).text(),
      new Response(child.stderr).text(),
      child.status,
    ]).finally(() => clearTimeout(timer));

    const rules = redactionRules({ root, home, cwd, port: api.port });
    return {
      stdout: redactLines(stdout, rules),
      meta: {
        scenario: scenario.name,
        cli_version: version,
        args: args.map((arg) => redactText(arg, rules)),
        exit_code: status.code,
        ...(status.signal === null ? {} : { signal: status.signal }),
        ...(timedOut ? { timed_out: true } : {}),
        stderr: redactText(stderr, rules),
        recorded_at: new Date().toISOString(),
        fake_api_requests: api.requests.length,
        fake_api_unscripted_requests: api.requests.filter((r) => r.reply === null).length,
      },
    };
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

async function save(scenario: Scenario, recording: Recording): Promise<void> {
  const dir = join(TRANSCRIPTS_DIR, recording.meta.cli_version);
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(
    join(dir, scenario.name + transcriptExtension(scenario)),
    recording.stdout,
  );
  await Deno.writeTextFile(
    join(dir, `${scenario.name}.meta.json`),
    JSON.stringify(recording.meta, null, 2) + "\n",
  );
}

async function main(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { only: { type: "string", multiple: true } } });
  const only = values.only ?? [];
  const unknown = only.filter((name) => !SCENARIOS.some((scenario) => scenario.name === name));
  if (unknown.length > 0) {
    console.error(
      `Unknown scenario "${unknown[0]}": choose one of ${SCENARIOS.map((s) => s.name).join(", ")}`,
    );
    return 2;
  }
  const chosen = only.length === 0 ? SCENARIOS : SCENARIOS.filter((s) => only.includes(s.name));
  let failed = 0;
  for (const version of PINNED_CLI_VERSIONS) {
    try {
      await Deno.stat(pinnedCliPath(version));
    } catch {
      console.error(`Cannot find Claude Code ${version}: install it with deno task setup`);
      return 1;
    }
    for (const scenario of chosen) {
      const started = performance.now();
      const recording = await record(version, scenario);
      await save(scenario, recording);
      const { exit_code, timed_out, fake_api_requests } = recording.meta;
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      console.error(
        `${version} ${scenario.name}: exit ${exit_code}, ${fake_api_requests} requests, ${seconds} s` +
          (timed_out ? " (killed after the timeout)" : ""),
      );
      if (timed_out) failed++;
    }
  }
  if (failed > 0) console.error(`${failed} runs timed out: their transcripts are incomplete`);
  return failed > 0 ? 1 : 0;
}

if (import.meta.main) Deno.exitCode = await main(Deno.args);
