/**
 * Records the cassette corpus in `fixtures/cassettes/`: every scenario below, run by every pinned
 * Claude Code CLI against claw's fake Messages API, fully offline, and saved by claw's own
 * recorder (never written by hand).
 *
 * A scenario is one or more steps that share a fresh temporary root (HOME, working directory and
 * TMPDIR) and one fake API serving the scenario's script. A step is recorded one of three ways:
 *
 * - `claw run`: `deno run -A main.ts run --cli <claude> --record <cassette> ARGS…` as a
 *   subprocess; what `claw run` printed is kept as the golden `<step>.claw-run.json`
 *   (`{ args, stdout, stderr, code }`, redacted like the cassette) that
 *   `tests/corpus_replay_test.ts` compares a replay against.
 * - `run()`: `run(prompt, { spawner: recordingSpawner(…) })` from `src/session/run.ts`, the
 *   library's own path (`jsonSchema`, `resume`, `continue`, `forkSession`).
 * - `stdin`: the CLI in `--input-format stream-json` mode through `recordingSpawner`, with this
 *   script writing user messages and control messages on stdin as the run goes.
 *
 * Each cassette is `fixtures/cassettes/<version>/<step>.ndjson`. A scenario's `verify` checks the
 * fake API's request log (a resumed request must carry the earlier turns) and the files the tools
 * touched, and fails the recording loudly when something is off; nothing is written then. The
 * scenario table in `fixtures/README.md` is rewritten from the cassettes at the end.
 *
 * @example Record the whole corpus, one scenario, or one CLI version
 * ```sh
 * deno run -A scripts/record_cassettes.ts
 * deno run -A scripts/record_cassettes.ts --only tool_bash --only resume
 * deno run -A scripts/record_cassettes.ts --version 2.0.76
 * ```
 *
 * @module
 */
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { parseCassette } from "../src/cassette/cassette.ts";
import { type FakeApi, startFakeApi } from "../src/fake_api/fake_api.ts";
import { offlineEnv } from "../src/fake_api/offline_env.ts";
import { recordingSpawner, saveCassette } from "../src/cassette/recorder.ts";
import { requestRules } from "../src/cassette/request.ts";
import { redactLines, redactText } from "../src/cassette/redact.ts";
import { promptTooLongReply } from "../src/fake_api/replies.ts";
import type { FakeReply, FakeScript } from "../src/fake_api/script.ts";
import { decodeEvents } from "../src/protocol/decode.ts";
import type { ControlRequestEvent, DecodedItem } from "../src/protocol/events.ts";
import { ClawError } from "../src/errors/claw_error.ts";
import { denoSpawner } from "../src/process/deno_spawner.ts";
import { buildEnv } from "../src/process/env.ts";
import { shutdown } from "../src/process/shutdown.ts";
import type { ClaudeProcess } from "../src/process/spawn.ts";
import { run } from "../src/session/run.ts";
import type { RunOptions } from "../src/session/run_options.ts";
import { mcpServer, tool as mcpTool } from "../src/session/mcp_server.ts";
import { type ClaudeSession, startSession } from "../src/session/session.ts";
import type { SessionOptions } from "../src/session/session_options.ts";
import { PINNED_CLI_VERSIONS, pinnedCliPath } from "./install_cli.ts";

/** Where the corpus lives: one folder per CLI version. */
export const CASSETTES_DIR: string = new URL("../fixtures/cassettes/", import.meta.url).pathname;

const README = new URL("../fixtures/README.md", import.meta.url).pathname;
const MAIN = new URL("../main.ts", import.meta.url).pathname;

/** How long one step may take before it is stopped (and the recording fails). */
const STEP_TIMEOUT_MS = 90_000;

/** How a step is recorded. */
export type Via = "claw run" | "run()" | "stdin" | "startSession()" | "argv";

/** What a step can see of its scenario's run. */
export interface StepContext {
  /** The CLI version being recorded. */
  version: string;
  /** The run's working directory and HOME. */
  cwd: string;
  home: string;
  /** The session id of every earlier step of the scenario, by step name. */
  sessions: Map<string, string>;
}

interface StepBase {
  /** The cassette's file name stem; unique across the corpus. */
  name: string;
  /** What the cassette exercises, for the README. */
  about: string;
}

/** A step recorded by running `claw run` as a subprocess; it gets a golden `.claw-run.json`. */
export interface ClawRunStep extends StepBase {
  via: "claw run";
  /** `claw run`'s flags and prompt (without `--cli` and `--record`). */
  args: readonly string[];
}

/** A step recorded with `run()` through a recording spawner. */
export interface RunStep extends StepBase {
  via: "run()";
  prompt: string;
  options?(context: StepContext): RunOptions;
}

/** A step that drives the CLI's stream-json input by hand. */
export interface StdinStep extends StepBase {
  via: "stdin";
  /** CLI arguments after `-p --input-format=stream-json --output-format=stream-json --verbose`. */
  args: readonly string[];
  drive(session: StdinSession, context: StepContext): Promise<void>;
}

/** A step that runs a session through `startSession()` (stream transport: one process). */
export interface SessionStep extends StepBase {
  via: "startSession()";
  /** The turns' prompts, sent one after another (when there is no `drive`). */
  prompts?: readonly string[];
  /** Plays the host: turns and control requests. */
  drive?(session: ClaudeSession, context: StepContext & { api: FakeApi }): Promise<void>;
  options?(context: StepContext): SessionOptions;
}

/**
 * A step that runs the CLI with exactly `args` and stdin closed: its surface (`--help`,
 * `auth status --json`) and its usage errors. Its cassette goes to the version's `cli/` folder,
 * apart from the runs: it has no `result` line, and only the drift check reads it.
 */
export interface ArgvStep extends StepBase {
  via: "argv";
  args: readonly string[];
}

/** One recorded run of a scenario. */
export type Step = ClawRunStep | RunStep | StdinStep | SessionStep | ArgvStep;

/** Where a step's cassette lives inside a version's folder. */
export function stepFile(step: Step): string {
  return step.via === "argv" ? join("cli", `${step.name}.ndjson`) : `${step.name}.ndjson`;
}

/** What a scenario's `verify` gets once every step has run. */
export interface VerifyContext extends StepContext {
  /** Every request the fake API received, the 2.0.x background requests included. */
  api: FakeApi;
  /** The exit code of every step, by step name. */
  codes: Map<string, number>;
}

/** A situation the corpus records: steps sharing a HOME, a cwd and a fake API. */
export interface Scenario {
  /** The scenario's name (`--only NAME`). */
  name: string;
  steps: readonly Step[];
  /** The fake API's replies for every step, in order. */
  script(context: { cwd: string }): FakeScript;
  /** `CLAUDE_CODE_MAX_RETRIES` (default 0). */
  maxRetries?: number;
  /** Extra environment for the CLI; `undefined` removes a variable. */
  env?(): Promise<Record<string, string | undefined>> | Record<string, string | undefined>;
  /** Prepares the working directory. */
  setup?(cwd: string): Promise<void>;
  /** Versions the scenario cannot be recorded with, and why. */
  skip?: Partial<Record<string, string>>;
  /** Checks the fake API's log and the files the run touched; throws when something is off. */
  verify?(context: VerifyContext): void | Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// the scenarios

const text = (value: string): FakeReply => ({ content: [{ type: "text", text: value }] });
const tool = (name: string, input: Record<string, unknown>): FakeReply => ({
  content: [{ type: "tool_use", name, input }],
});
const STREAM = ["--output", "stream-json"] as const;

/** A scenario of one `claw run` step, named like the scenario. */
function clawRun(
  name: string,
  about: string,
  args: readonly string[],
  rest: Omit<Scenario, "name" | "steps">,
): Scenario {
  return { name, steps: [{ name, about, via: "claw run", args }], ...rest };
}

/** A scenario of one `run()` step, named like the scenario. */
function runApi(
  name: string,
  about: string,
  step: Omit<RunStep, "name" | "about" | "via">,
  rest: Omit<Scenario, "name" | "steps">,
): Scenario {
  return { name, steps: [{ name, about, via: "run()", ...step }], ...rest };
}

/** A scenario of one stdin-driven step, named like the scenario. */
function stdin(
  name: string,
  about: string,
  step: Omit<StdinStep, "name" | "about" | "via">,
  rest: Omit<Scenario, "name" | "steps">,
): Scenario {
  return { name, steps: [{ name, about, via: "stdin", ...step }], ...rest };
}

/** A step that runs the CLI with exactly `args`. */
function argv(name: string, about: string, args: readonly string[]): ArgvStep {
  return { name, about, via: "argv", args };
}

/** The in-process MCP server of `control_protocol`: `add` sums two numbers. */
const CALCULATOR = mcpServer("calc", [
  mcpTool<{ a: number; b: number }>(
    "add",
    "Adds two numbers",
    { type: "object", properties: { a: { type: "number" }, b: { type: "number" } } },
    ({ a, b }) => String(a + b),
  ),
]);

/** A failing API: the same error reply for every request. */
function failing(reply: FakeReply): (context: { cwd: string }) => FakeScript {
  return () => ({ replies: [reply], when_exhausted: "repeat_last" });
}

const ANSWER_SCHEMA = {
  type: "object",
  properties: { answer: { type: "string" } },
  required: ["answer"],
  additionalProperties: false,
};

/** Every scenario of the corpus, recorded with each pinned CLI version. */
export const SCENARIOS: readonly Scenario[] = [
  clawRun("text_simple", "one text answer, claw run's text output", ["Say hello"], {
    script: () => ({ replies: [text("Hello from the fake API.")] }),
  }),
  clawRun(
    "output_json",
    "one text answer, claw run --output json (the final result object)",
    ["--output", "json", "Say hello as one JSON result"],
    { script: () => ({ replies: [text("Hello as one JSON result.")] }) },
  ),
  clawRun(
    "text_partial",
    "--partial: stream_event text deltas of non-ASCII text, assembled",
    [...STREAM, "--partial", "Say hello in two languages"],
    {
      script: () => ({
        replies: [{
          content: [{ type: "text", text: "Hello! こんにちは 🚀 — streamed in small deltas." }],
          chunk_size: 8,
        }],
      }),
    },
  ),
  clawRun(
    "thinking",
    "a thinking block then text, with partial messages (thinking and signature deltas)",
    [...STREAM, "--partial", "Think, then answer"],
    {
      script: () => ({
        replies: [{
          content: [
            { type: "thinking", thinking: "The user wants a short answer after some thought." },
            { type: "text", text: "Here is my answer: 42." },
          ],
        }],
      }),
    },
  ),
  clawRun(
    "tool_bash",
    "Bash under bypassPermissions, claw run's text output (tool lines on stderr)",
    ["--permission-mode", "bypassPermissions", "Run a command"],
    {
      script: () => ({
        replies: [tool("Bash", { command: "echo claw-$((40+2))" }), text("It printed claw-42.")],
      }),
    },
  ),
  clawRun(
    "tool_read",
    "Read of a file in the working directory in the default permission mode",
    [...STREAM, "Read notes.txt"],
    {
      setup: (cwd) => Deno.writeTextFile(join(cwd, "notes.txt"), "first note\nsecond note\n"),
      script: ({ cwd }) => ({
        replies: [
          tool("Read", { file_path: join(cwd, "notes.txt") }),
          text("The file has two notes."),
        ],
      }),
    },
  ),
  clawRun(
    "tool_write",
    "Write of a new file under acceptEdits",
    [...STREAM, "--permission-mode", "acceptEdits", "Write hello.txt"],
    {
      script: ({ cwd }) => ({
        replies: [
          tool("Write", { file_path: join(cwd, "hello.txt"), content: "written by the CLI\n" }),
          text("I wrote hello.txt."),
        ],
      }),
      verify: async ({ cwd }) => {
        assert(
          await Deno.readTextFile(join(cwd, "hello.txt")) === "written by the CLI\n",
          "Write wrote hello.txt",
        );
      },
    },
  ),
  clawRun(
    "tool_edit",
    "Read then Edit of an existing file under acceptEdits",
    [...STREAM, "--permission-mode", "acceptEdits", "Edit notes.txt"],
    {
      setup: (cwd) => Deno.writeTextFile(join(cwd, "notes.txt"), "first note\nsecond note\n"),
      script: ({ cwd }) => ({
        replies: [
          tool("Read", { file_path: join(cwd, "notes.txt") }),
          tool("Edit", {
            file_path: join(cwd, "notes.txt"),
            old_string: "second note",
            new_string: "edited note",
          }),
          text("I edited notes.txt."),
        ],
      }),
      verify: async ({ cwd }) => {
        assert(
          await Deno.readTextFile(join(cwd, "notes.txt")) === "first note\nedited note\n",
          "Edit changed notes.txt",
        );
      },
    },
  ),
  clawRun(
    "tool_parallel",
    "text and two tool_use blocks in one message (Bash, Read), two tool results",
    [...STREAM, "--permission-mode", "bypassPermissions", "Run a command and read notes.txt"],
    {
      setup: (cwd) => Deno.writeTextFile(join(cwd, "notes.txt"), "first note\nsecond note\n"),
      script: ({ cwd }) => ({
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
  ),
  clawRun(
    "tool_denied",
    "Write in the default permission mode: denied, error tool result, permission_denials",
    [...STREAM, "Write a file"],
    {
      script: ({ cwd }) => ({
        replies: [
          tool("Write", { file_path: join(cwd, "denied.txt"), content: "should not be written\n" }),
          text("I could not write the file."),
        ],
      }),
      verify: async ({ cwd }) => {
        assert(!await exists(join(cwd, "denied.txt")), "the denied Write wrote nothing");
      },
    },
  ),
  clawRun(
    "tool_unknown",
    "a tool_use of a tool that does not exist: error tool result, the run succeeds",
    [...STREAM, "Use a tool that does not exist"],
    {
      script: () => ({
        replies: [tool("NoSuchTool", { value: 1 }), text("That tool does not exist.")],
      }),
    },
  ),
  clawRun(
    "max_turns",
    "--max-turns 1 with tool_use then tool_use: result error_max_turns",
    [...STREAM, "--max-turns", "1", "--permission-mode", "bypassPermissions", "Keep going"],
    {
      script: () => ({
        replies: [
          tool("Bash", { command: "echo turn-1" }),
          tool("Bash", { command: "echo turn-2" }),
        ],
      }),
    },
  ),
  clawRun(
    "budget",
    "--max-budget-usd 0.0000001: result error_max_budget_usd after the first request",
    [
      ...STREAM,
      "--max-budget-usd",
      "0.0000001",
      "--permission-mode",
      "bypassPermissions",
      "Spend money",
    ],
    {
      script: () => ({
        replies: [tool("Bash", { command: "echo spent" }), text("Spent it.")],
      }),
    },
  ),
  runApi(
    "structured_valid",
    "jsonSchema: the model calls StructuredOutput with valid input; structured_output",
    { prompt: "Answer in JSON", options: () => ({ jsonSchema: ANSWER_SCHEMA }) },
    {
      // 2.0.76 asks for one more message after the StructuredOutput call; 2.1.332 does not.
      script: () => ({ replies: [tool("StructuredOutput", { answer: "42" }), text("Done.")] }),
    },
  ),
  runApi(
    "structured_invalid",
    "jsonSchema: StructuredOutput input violates the schema until the retries run out",
    { prompt: "Answer in JSON, badly", options: () => ({ jsonSchema: ANSWER_SCHEMA }) },
    { script: failing(tool("StructuredOutput", { answer: 42 })) },
  ),
  runApi(
    "structured_never",
    "jsonSchema: the model never calls StructuredOutput (the CLI nudges it; maxTurns 4)",
    {
      prompt: "Answer in JSON, never",
      // 2.0.76 nudges without end (it overflowed its stack after 947 turns): maxTurns stops it.
      options: () => ({ jsonSchema: ANSWER_SCHEMA, maxTurns: 4 }),
    },
    { script: failing(text("No structured output here.")) },
  ),
  {
    name: "resume",
    steps: [
      {
        name: "resume_1_first",
        about: "the first turn of a session that is resumed next",
        via: "claw run",
        args: [...STREAM, "Remember the code word mango"],
      },
      {
        name: "resume_2_resume",
        about: "resume: the session id of resume_1_first; the request carries the earlier turn",
        via: "run()",
        prompt: "What was the code word?",
        options: ({ sessions }) => ({ resume: sessionOf(sessions, "resume_1_first") }),
      },
    ],
    script: () => ({ replies: [text("I will remember mango."), text("The code word was mango.")] }),
    verify: ({ api, sessions }) => {
      carriesEarlierTurn(api, ["Remember the code word mango", "I will remember mango."]);
      assert(
        sessions.get("resume_2_resume") === sessions.get("resume_1_first"),
        "a resumed session keeps its id",
      );
    },
  },
  {
    name: "continue",
    steps: [
      {
        name: "continue_1_first",
        about: "the first turn of a session that is continued next",
        via: "claw run",
        args: [...STREAM, "Remember the colour teal"],
      },
      {
        name: "continue_2_continue",
        about: "continue: the most recent session of the cwd; the request carries the earlier turn",
        via: "run()",
        prompt: "What was the colour?",
        options: () => ({ continue: true }),
      },
    ],
    script: () => ({ replies: [text("I will remember teal."), text("The colour was teal.")] }),
    verify: ({ api, sessions }) => {
      carriesEarlierTurn(api, ["Remember the colour teal", "I will remember teal."]);
      assert(
        sessions.get("continue_2_continue") === sessions.get("continue_1_first"),
        "a continued session keeps its id",
      );
    },
  },
  {
    name: "fork",
    steps: [
      {
        name: "fork_1_first",
        about: "the first turn of a session that is forked next",
        via: "claw run",
        args: [...STREAM, "Remember the number 7"],
      },
      {
        name: "fork_2_fork",
        about: "resume with forkSession: a new session id, the request carries the earlier turn",
        via: "run()",
        prompt: "What was the number?",
        options: ({ sessions }) => ({
          resume: sessionOf(sessions, "fork_1_first"),
          forkSession: true,
        }),
      },
    ],
    script: () => ({ replies: [text("I will remember 7."), text("The number was 7.")] }),
    verify: ({ api, sessions }) => {
      carriesEarlierTurn(api, ["Remember the number 7", "I will remember 7."]);
      const first = sessions.get("fork_1_first");
      const fork = sessions.get("fork_2_fork");
      assert(fork !== undefined && fork !== first, "a forked session gets a new id");
    },
  },
  stdin(
    "stream_input_turns",
    "stream-json input: three user messages, one turn each (system/init, result per turn)",
    {
      args: [],
      drive: async (session) => {
        for (const prompt of ["First turn: say one", "Second turn: say two", "Third: say three"]) {
          await session.user(prompt);
          await session.until(isResult, "the turn's result");
        }
      },
    },
    { script: () => ({ replies: [text("One."), text("Two."), text("Three.")] }) },
  ),
  stdin(
    "interrupt",
    "stream-json input: an interrupt control request while a stalled turn streams, then a turn",
    {
      args: ["--include-partial-messages"],
      drive: async (session) => {
        await session.user("Tell a long story");
        await session.until(isTextDelta, "the first text delta");
        await session.send({
          type: "control_request",
          request_id: "r1",
          request: { subtype: "interrupt" },
        });
        await session.until(isResult, "the interrupted turn's result");
        await session.user("Now just say done");
        await session.until(isResult, "the second turn's result");
      },
    },
    {
      script: () => ({
        replies: [
          {
            content: [{ type: "text", text: "Once upon a time, in a land far away, there was…" }],
            stall_ms: 20_000,
          },
          text("Done."),
        ],
      }),
    },
  ),
  stdin(
    "permission_allow",
    "--permission-prompt-tool stdio: a can_use_tool control request answered allow",
    {
      args: ["--permission-prompt-tool", "stdio"],
      drive: (session) => permissionTurn(session, "Write allowed.txt", "allow"),
    },
    {
      script: ({ cwd }) => ({
        replies: [
          tool("Write", { file_path: join(cwd, "allowed.txt"), content: "allowed\n" }),
          text("I wrote allowed.txt."),
        ],
      }),
      verify: async ({ cwd }) => {
        assert(await exists(join(cwd, "allowed.txt")), "the allowed Write wrote the file");
      },
    },
  ),
  stdin(
    "permission_deny",
    "--permission-prompt-tool stdio: a can_use_tool control request answered deny",
    {
      args: ["--permission-prompt-tool", "stdio"],
      drive: (session) => permissionTurn(session, "Write refused.txt", "deny"),
    },
    {
      script: ({ cwd }) => ({
        replies: [
          tool("Write", { file_path: join(cwd, "refused.txt"), content: "refused\n" }),
          text("I was not allowed to write refused.txt."),
        ],
      }),
      verify: async ({ cwd }) => {
        assert(!await exists(join(cwd, "refused.txt")), "the denied Write wrote nothing");
      },
    },
  ),
  stdin(
    "control_requests",
    "stream-json input: initialize, set_permission_mode, an unknown subtype, then a turn",
    {
      args: [],
      drive: async (session, { version }) => {
        const requests = [
          { subtype: "initialize" },
          { subtype: "set_permission_mode", mode: "acceptEdits" },
          { subtype: "no_such_request" },
        ];
        for (const [index, request] of requests.entries()) {
          const id = `c${index + 1}`;
          await session.send({ type: "control_request", request_id: id, request });
          // 2.0.76 never answers a subtype it does not know.
          if (request.subtype === "no_such_request" && version.startsWith("2.0.")) continue;
          await session.until((item) => isControlResponse(item, id), `the response to ${id}`);
        }
        await session.user("Say hi after the control requests");
        await session.until(isResult, "the result");
      },
    },
    { script: () => ({ replies: [text("Hi.")] }) },
  ),
  {
    name: "session_three_turns",
    steps: [{
      name: "session_three_turns",
      about: "a three-turn session through startSession() (stream transport)",
      via: "startSession()",
      prompts: ["Remember the word: apple", "And the word: pear", "Which words did I give you?"],
    }],
    script: () => ({ replies: [text("Noted."), text("Noted too."), text("Apple and pear.")] }),
    verify: ({ api }) =>
      carriesEarlierTurn(api, ["Remember the word: apple", "And the word: pear"]),
  },
  stdin(
    "session_tape",
    "a long-lived stream-json session: initialize, a turn, set_model, can_use_tool allow, deny, set_permission_mode, an interrupt, a last turn",
    {
      args: ["--include-partial-messages", "--permission-prompt-tool", "stdio"],
      drive: (session) => driveSessionTape(session, { newId: counter("s") }),
    },
    {
      script: ({ cwd }) => ({
        replies: [
          text("Hi."), // set_model sent no validation request here (2.1.332, 2.0.76)
          tool("Write", { file_path: join(cwd, "allowed.txt"), content: "allowed\n" }),
          text("I wrote allowed.txt."),
          tool("Write", { file_path: join(cwd, "refused.txt"), content: "refused\n" }),
          text("I was not allowed to write refused.txt."),
          {
            content: [{ type: "text", text: "Once upon a time, in a land far away, there was…" }],
            stall_ms: 20_000,
          },
          text("Done."),
        ],
      }),
      verify: async ({ cwd }) => {
        assert(await exists(join(cwd, "allowed.txt")), "the allowed Write wrote the file");
        assert(!await exists(join(cwd, "refused.txt")), "the denied Write wrote nothing");
      },
    },
  ),
  {
    name: "control_protocol",
    steps: [{
      name: "control_protocol",
      about:
        "startSession() with a hook, an in-process MCP server and canUseTool: hook_callback, mcp_message and can_use_tool round trips, then every control request the CLI serves, and an interrupt",
      via: "startSession()",
      options: () => ({
        hooks: { PreToolUse: [{ matcher: "Bash", hooks: [() => ({})] }] },
        mcpServers: { calc: CALCULATOR },
        canUseTool: (_tool, input) => ({ behavior: "allow", updatedInput: input }),
        includePartialMessages: true,
        controlTimeoutMs: 20_000,
      }),
      drive: driveControlProtocol,
    }],
    setup: (cwd) => Deno.writeTextFile(join(cwd, "notes.txt"), "first note\n"),
    script: () => ({
      replies: [
        tool("Bash", { command: "echo hooked" }),
        text("It printed hooked."),
        tool("mcp__calc__add", { a: 2, b: 3 }),
        text("It is 5."),
        {
          content: [{ type: "text", text: "Once upon a time, in a land far away, there was…" }],
          stall_ms: 20_000,
        },
        text("Done."),
      ],
    }),
  },
  stdin(
    "local_command",
    "stream-json input: the slash commands /model sonnet and /cost, answered by the CLI itself",
    {
      args: [],
      drive: async (session) => {
        for (const command of ["/model sonnet", "/cost"]) {
          await session.user(command);
          await session.until(isResult, `the result of ${command}`);
        }
      },
    },
    { script: () => ({ replies: [] }) },
  ),
  {
    name: "cli_surface",
    steps: [
      argv("cli_help", "claude --help: the flags and subcommands", ["--help"]),
      argv("usage_unknown_flag", "an unknown flag", ["-p", "--no-such-flag", "hi"]),
      argv("usage_bad_output_format", "--output-format yaml", [
        "-p",
        "--output-format",
        "yaml",
        "hi",
      ]),
      argv("usage_stream_input_text_output", "--input-format stream-json without stream output", [
        "-p",
        "--input-format",
        "stream-json",
        "hi",
      ]),
      argv("usage_bad_permission_mode", "--permission-mode sometimes", [
        "-p",
        "--permission-mode",
        "sometimes",
        "hi",
      ]),
      argv("usage_bad_max_turns", "--max-turns abc (2.0.76 takes it and runs)", [
        "-p",
        "--max-turns",
        "abc",
        "hi",
      ]),
    ],
    script: () => ({ replies: [text("ok")], when_exhausted: "repeat_last" }),
  },
  {
    name: "cli_auth_status",
    steps: [
      argv("cli_auth_status", "claude auth status --json with an API key", [
        "auth",
        "status",
        "--json",
      ]),
    ],
    script: () => ({ replies: [] }),
    skip: { "2.0.76": "2.0.x has no auth subcommand: `auth status` is taken as a prompt" },
  },
  clawRun(
    "error_400_prompt_too_long",
    "HTTP 400 'prompt is too long': not retried, kind context_window",
    [...STREAM, "Say hello to a very long prompt"],
    { maxRetries: 1, script: failing(promptTooLongReply()) },
  ),
  clawRun(
    "error_400_generic",
    "HTTP 400 with a generic message: the CLI retries without beta features",
    [...STREAM, "Say hello to a bad request"],
    { maxRetries: 1, script: failing({ status: 400 }) },
  ),
  clawRun(
    "error_401",
    "HTTP 401 authentication_error (retried), claw run's text output: kind auth",
    ["Say hello with a bad key"],
    { maxRetries: 1, script: failing({ status: 401 }) },
  ),
  clawRun(
    "error_403",
    "HTTP 403 permission_error: kind auth",
    [...STREAM, "Say hello without permission"],
    { maxRetries: 1, script: failing({ status: 403 }) },
  ),
  clawRun(
    "error_404_model",
    "HTTP 404 not_found_error for --model claude-nonexistent-1 (then a non-streaming retry)",
    [...STREAM, "--model", "claude-nonexistent-1", "Say hello from a missing model"],
    {
      maxRetries: 1,
      script: failing({
        status: 404,
        error: { type: "not_found_error", message: "model: claude-nonexistent-1" },
      }),
    },
  ),
  clawRun(
    "error_429",
    "HTTP 429 rate_limit_error with retry-after: 1: kind rate_limit",
    [...STREAM, "Say hello too often"],
    { maxRetries: 1, script: failing({ status: 429, headers: { "retry-after": "1" } }) },
  ),
  clawRun(
    "error_500",
    "HTTP 500 api_error on every request, claw run's text output",
    ["Say hello to a failing server"],
    { maxRetries: 1, script: failing({ status: 500 }) },
  ),
  clawRun(
    "error_500_something_went_wrong",
    "HTTP 500 'Something went wrong': kind provider_internal",
    [...STREAM, "Say hello to a confused server"],
    {
      maxRetries: 1,
      script: failing({
        status: 500,
        error: { type: "api_error", message: "Something went wrong" },
      }),
    },
  ),
  clawRun(
    "error_502_html",
    "HTTP 502 with an HTML body from a proxy",
    [...STREAM, "Say hello through a broken proxy"],
    {
      maxRetries: 1,
      script: failing({
        status: 502,
        body:
          "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>",
      }),
    },
  ),
  clawRun(
    "error_529",
    "HTTP 529 overloaded_error on every request: kind overloaded",
    [...STREAM, "Say hello to a busy server"],
    { maxRetries: 1, script: failing({ status: 529 }) },
  ),
  clawRun(
    "error_sse_error_event",
    "a 200 stream carrying an SSE error event (overloaded), then non-streaming retries",
    [...STREAM, "Say hello to an overloaded stream"],
    {
      maxRetries: 1,
      script: failing({ sse_error: { type: "overloaded_error", message: "Overloaded" } }),
    },
  ),
  clawRun(
    "error_connection_refused",
    "ANTHROPIC_BASE_URL points at a closed port: connection refused",
    [...STREAM, "Say hello to nobody"],
    {
      maxRetries: 1,
      env: async () => ({ ANTHROPIC_BASE_URL: `http://127.0.0.1:${await closedPort()}` }),
      script: () => ({ replies: [] }),
    },
  ),
  clawRun(
    "error_midstream_disconnect",
    "the connection drops after the first text delta on every attempt",
    [...STREAM, "Say hello over a bad line"],
    {
      maxRetries: 1,
      script: failing({
        content: [{ type: "text", text: "This answer is cut off mid-stream." }],
        disconnect_after_events: 4,
      }),
    },
  ),
  clawRun(
    "error_timeout_before_headers",
    "API_TIMEOUT_MS=3000 and replies whose headers take 5 s: request timed out",
    [...STREAM, "Say hello to a slow server"],
    {
      maxRetries: 1,
      env: () => ({ API_TIMEOUT_MS: "3000" }),
      script: failing({ ...text("Too late."), delay_ms: 5000 }),
    },
  ),
  clawRun(
    "max_tokens",
    "stop_reason max_tokens on every reply: the CLI nudges it to resume, then gives up",
    [...STREAM, "Write something endless"],
    {
      script: failing({
        content: [{ type: "text", text: "This answer runs out of tok" }],
        stop_reason: "max_tokens",
      }),
    },
  ),
  clawRun(
    "refusal",
    "stop_reason refusal on every reply",
    [...STREAM, "Ask for something refused"],
    {
      script: failing({
        content: [{ type: "text", text: "I can't help." }],
        stop_reason: "refusal",
      }),
    },
  ),
  clawRun(
    "no_auth",
    "ANTHROPIC_API_KEY unset: no credentials, no request",
    [...STREAM, "Say hello without a key"],
    {
      env: () => ({ ANTHROPIC_API_KEY: undefined }),
      script: () => ({ replies: [] }),
    },
  ),
];

/** Every step of the corpus, in order. */
export function allSteps(): Step[] {
  return SCENARIOS.flatMap((scenario) => scenario.steps);
}

/** The scenarios recorded for `version` (those not skipped for it). */
export function scenariosFor(version: string): Scenario[] {
  return SCENARIOS.filter((scenario) => scenario.skip?.[version] === undefined);
}

// ---------------------------------------------------------------------------------------------
// helpers of the scenarios

function assert(condition: unknown, what: string): asserts condition {
  if (!condition) throw new Error(`Recording check failed: ${what}`);
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

function sessionOf(sessions: Map<string, string>, step: string): string {
  const id = sessions.get(step);
  assert(id !== undefined, `step "${step}" printed a session id`);
  return id;
}

/** A port nothing listens on: bound, then closed again. */
async function closedPort(): Promise<number> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  await new Promise((resolve) => setTimeout(resolve, 10));
  return port;
}

/** Every text the `messages` of a request body hold, in order. */
function requestTexts(body: unknown): string[] {
  const messages = (body as { messages?: unknown })?.messages;
  if (!Array.isArray(messages)) return [];
  return messages.flatMap((message: { content?: unknown }) => {
    const content = message?.content;
    if (typeof content === "string") return [content];
    if (!Array.isArray(content)) return [];
    return content.flatMap((block: { text?: unknown }) =>
      typeof block?.text === "string" ? [block.text] : []
    );
  });
}

/** The last scripted request must hold every one of `texts` (the earlier turn it resumes). */
function carriesEarlierTurn(api: FakeApi, texts: readonly string[]): void {
  const last = api.requests.filter((request) => request.reply !== null).at(-1);
  assert(last !== undefined, "the fake API answered a request");
  const seen = requestTexts(last.body);
  for (const text of texts) {
    assert(
      seen.some((value) => value.includes(text)),
      `the resumed request carries the earlier turn's "${text}" (it holds ${
        JSON.stringify(seen.map((s) => s.slice(0, 60)))
      })`,
    );
  }
}

function isResult(item: DecodedItem): boolean {
  return item.type === "result";
}

function isTextDelta(item: DecodedItem): boolean {
  return item.type === "stream_event" && item.event.type === "content_block_delta" &&
    (item.event as { delta?: { type?: unknown } }).delta?.type === "text_delta";
}

function isCanUseTool(item: DecodedItem): item is ControlRequestEvent {
  return item.type === "control_request" && item.request.subtype === "can_use_tool";
}

function isControlResponse(item: DecodedItem, id: string): boolean {
  return item.type === "control_response" && item.response.request_id === id;
}

// ---------------------------------------------------------------------------------------------
// the control protocol through startSession()

/**
 * The host's side of `control_protocol`: a Bash turn (the PreToolUse `hook_callback`, then
 * `can_use_tool`), an MCP turn (`mcp_message` round trips, `can_use_tool`), every control request
 * a session sends, and a streamed turn interrupted at its first words. A request the CLI refuses is
 * recorded as refused; one claw refuses up front on 2.0.x (which never answers it) is skipped.
 */
async function driveControlProtocol(
  session: ClaudeSession,
  { cwd }: StepContext,
): Promise<void> {
  const first = session.send("Run echo hooked");
  await first.result();
  await session.send("Add 2 and 3").result();
  const ask = async (request: () => Promise<unknown>) => {
    try {
      await request();
    } catch (error) {
      const kind = error instanceof ClawError ? error.kind : undefined;
      if (kind !== "unsupported" && kind !== "control_refused") throw error;
    }
  };
  await ask(() => session.setModel("sonnet"));
  await ask(() => session.setPermissionMode("acceptEdits"));
  await ask(() => session.setMaxThinkingTokens(2048));
  await ask(() => session.mcpServerStatus());
  await ask(() => session.getContextUsage());
  await ask(() => session.getSettings());
  await ask(() => session.applyFlagSettings({ effortLevel: "low" }));
  await ask(() => session.readFile(join(cwd, "notes.txt")));
  await ask(() => session.seedReadState(join(cwd, "notes.txt"), 0));
  await ask(() => session.reloadPlugins());
  await ask(() => session.reloadSkills());
  await ask(() => session.reloadOutputStyles());
  await ask(() => session.rewindFiles(first.userMessageId, { dryRun: true }));
  await ask(() => session.stopTask("no-such-task"));
  await ask(() => session.backgroundTasks());
  await ask(() => session.reinitialize());
  // Interrupted at its first words, as session_tape is: the lines an interrupt brings depend on
  // how far the stream got.
  const story = session.send("Tell a long story");
  for await (const item of story) if (isTextDelta(item)) break;
  await session.interrupt();
  await story.result().catch(() => undefined);
  await session.send("Now just say done").result();
}

// ---------------------------------------------------------------------------------------------
// stdin-driven sessions

/** How {@linkcode driveSessionTape} plays the host's part. */
export interface SessionTapeHost {
  /** The id of the next control request the host sends. */
  newId: () => string;
  /** The answers to the two can_use_tool requests; `["allow", "deny"]` as recorded. */
  answers?: readonly ["allow" | "deny", "allow" | "deny"];
}

/**
 * Sends `prompt`, answers the `can_use_tool` request its Write brings with `behavior` (allow with
 * the input as asked, or deny saying "The user said no"), and waits for the turn's result.
 */
async function permissionTurn(
  session: StdinSession,
  prompt: string,
  behavior: "allow" | "deny",
): Promise<void> {
  await session.user(prompt);
  const request = await session.until(isCanUseTool, "the can_use_tool request");
  await session.send({
    type: "control_response",
    response: {
      subtype: "success",
      request_id: request.request_id,
      response: behavior === "allow"
        ? { behavior, updatedInput: request.request.input }
        : { behavior, message: "The user said no" },
    },
  });
  await session.until(isResult, `the result of "${prompt}"`);
}

/** Ids `${prefix}1`, `${prefix}2`, …: the recording's host draws nothing at random. */
export function counter(prefix: string): () => string {
  let next = 0;
  return () => `${prefix}${++next}`;
}

/**
 * The host's side of the `session_tape` scenario, each step taken on what the CLI printed: an
 * initialize, a turn, set_model, a turn whose Write is allowed, one whose Write is denied,
 * set_permission_mode, a streamed turn interrupted at its first text delta, and a last turn. The
 * session tests replay it with fresh ids and other answers.
 */
export async function driveSessionTape(
  session: StdinSession,
  host: SessionTapeHost,
): Promise<void> {
  const control = async (request: Record<string, unknown>) => {
    const id = host.newId();
    await session.send({ type: "control_request", request_id: id, request });
    await session.until((item) => isControlResponse(item, id), `the answer to ${request.subtype}`);
  };
  const [first, second] = host.answers ?? ["allow", "deny"];
  await control({ subtype: "initialize" });
  await session.user("Say hi");
  await session.until(isResult, "the first turn's result");
  await control({ subtype: "set_model", model: "sonnet" });
  await permissionTurn(session, "Write allowed.txt", first);
  await permissionTurn(session, "Write refused.txt", second);
  await control({ subtype: "set_permission_mode", mode: "acceptEdits" });
  await session.user("Tell a long story");
  await session.until(isTextDelta, "the first text delta");
  await control({ subtype: "interrupt" });
  await session.until(isResult, "the interrupted turn's result");
  await session.user("Now just say done");
  await session.until(isResult, "the last turn's result");
}

/** A CLI in stream-json input mode, driven line by line. */
export class StdinSession {
  readonly #process: ClaudeProcess;
  readonly #writer: WritableStreamDefaultWriter<Uint8Array>;
  readonly #items: DecodedItem[] = [];
  #seen = 0;
  #ended = false;
  #wake: (() => void) | undefined;
  readonly reading: Promise<void>;

  constructor(process: ClaudeProcess) {
    this.#process = process;
    this.#writer = process.stdin.getWriter();
    this.reading = (async () => {
      for await (const item of decodeEvents(process.stdout)) {
        this.#items.push(item);
        this.#wake?.();
      }
      this.#ended = true;
      this.#wake?.();
    })();
  }

  /** What the CLI printed so far, decoded. */
  get items(): readonly DecodedItem[] {
    return this.#items;
  }

  /** Writes one JSON line on stdin. */
  async send(message: Record<string, unknown>): Promise<void> {
    await this.#writer.write(new TextEncoder().encode(JSON.stringify(message) + "\n"));
  }

  /** Sends a user message. */
  user(text: string): Promise<void> {
    return this.send({ type: "user", message: { role: "user", content: text } });
  }

  /** Waits for the next stdout item (after those already waited for) that `matches`. */
  async until<T extends DecodedItem>(
    matches: ((item: DecodedItem) => item is T) | ((item: DecodedItem) => boolean),
    what: string,
  ): Promise<T> {
    const deadline = Date.now() + STEP_TIMEOUT_MS;
    while (true) {
      while (this.#seen < this.#items.length) {
        const item = this.#items[this.#seen++]!;
        if (matches(item)) return item as T;
      }
      if (this.#ended) throw new Error(`The CLI's stdout ended before ${what}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`Timed out waiting for ${what}`);
      let timer: ReturnType<typeof setTimeout> | undefined;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        timer = setTimeout(resolve, left);
      });
      clearTimeout(timer);
    }
  }

  /** Closes stdin: the CLI finishes and exits. */
  async close(): Promise<void> {
    await this.#writer.close();
  }

  /** Stops the process (after a failure). */
  async stop(): Promise<void> {
    await shutdown(this.#process, { graceMs: 1000 });
  }
}

// ---------------------------------------------------------------------------------------------
// recording

/** The temporary root of one scenario run. */
interface Place extends StepContext {
  root: string;
  cli: string;
  api: FakeApi;
  /** The complete environment of the CLI. */
  env: Record<string, string>;
  /** Where cassettes and goldens are written before the scenario has been verified. */
  staging: string;
  codes: Map<string, number>;
}

let denoDirCache: string | undefined;

/** The Deno cache of this process, so `claw run` subprocesses with a fresh HOME reuse it. */
async function denoDir(): Promise<string> {
  if (denoDirCache) return denoDirCache;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json"],
    stdin: "null",
    stderr: "inherit",
  }).output();
  denoDirCache = String(JSON.parse(new TextDecoder().decode(out.stdout)).denoDir);
  return denoDirCache;
}

/** Records one step into the staging folder. */
async function recordStep(step: Step, place: Place): Promise<void> {
  const cassette = join(place.staging, stepFile(step));
  switch (step.via) {
    case "argv":
      return await recordArgv(step, place, cassette);
    case "claw run":
      return await recordClawRun(step, place, cassette);
    case "run()":
      return await recordRun(step, place, cassette);
    case "stdin":
      return await recordStdin(step, place, cassette);
    case "startSession()":
      return await recordSession(step, place, cassette);
  }
}

async function recordSession(step: SessionStep, place: Place, cassette: string): Promise<void> {
  await using session = await startSession({
    ...recordingOptions(place, cassette),
    ...step.options?.(place),
  });
  if (step.drive) await step.drive(session, place);
  for (const prompt of step.prompts ?? []) await session.send(prompt).result();
}

async function recordArgv(step: ArgvStep, place: Place, cassette: string): Promise<void> {
  await Deno.mkdir(join(cassette, ".."), { recursive: true });
  const spawn = recordingSpawner(denoSpawner, { save: saveCassette(cassette) });
  const process = await spawn({
    command: place.cli,
    args: [...step.args],
    env: place.env,
    cwd: place.cwd,
  });
  await process.stdin.close();
  const timer = setTimeout(() => shutdown(process, { graceMs: 1000 }), STEP_TIMEOUT_MS);
  try {
    await Promise.all([
      new Response(process.stdout).arrayBuffer(),
      new Response(process.stderr).arrayBuffer(),
      process.status,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

async function recordClawRun(step: ClawRunStep, place: Place, cassette: string): Promise<void> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--quiet",
      MAIN,
      "run",
      "--cli",
      place.cli,
      "--record",
      cassette,
      ...step.args,
    ],
    cwd: place.cwd,
    env: { ...place.env, NO_COLOR: "1", DENO_DIR: await denoDir() },
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill("SIGTERM");
  }, STEP_TIMEOUT_MS);
  const output = await child.output().finally(() => clearTimeout(timer));
  if (timedOut) throw new Error(`claw run did not finish within ${STEP_TIMEOUT_MS} ms`);
  // The rules the recorder applied to the cassette: the golden must match what replay prints.
  const rules = requestRules({ command: place.cli, args: [], env: place.env, cwd: place.cwd });
  const decoder = new TextDecoder();
  const golden = {
    args: step.args,
    stdout: redactLines(decoder.decode(output.stdout), rules),
    stderr: redactText(decoder.decode(output.stderr), rules),
    code: output.code,
  };
  await Deno.writeTextFile(
    join(place.staging, `${step.name}.claw-run.json`),
    JSON.stringify(golden, null, 2) + "\n",
  );
}

/** Options that run the real CLI in `place` and record it into `cassette`. */
function recordingOptions(place: Place, cassette: string): RunOptions {
  return {
    cli: place.cli,
    cwd: place.cwd,
    env: place.env,
    inheritEnv: false,
    timeoutMs: STEP_TIMEOUT_MS,
    spawner: recordingSpawner(denoSpawner, { save: saveCassette(cassette) }),
  };
}

async function recordRun(step: RunStep, place: Place, cassette: string): Promise<void> {
  const claude = run(step.prompt, {
    ...recordingOptions(place, cassette),
    ...step.options?.(place),
  });
  try {
    await claude.result();
  } catch (error) {
    // A failed run is what some scenarios record; the cassette holds the exit code.
    if (claude.lastResult === undefined) throw error;
  }
}

async function recordStdin(step: StdinStep, place: Place, cassette: string): Promise<void> {
  const spawn = recordingSpawner(denoSpawner, { save: saveCassette(cassette) });
  const process = await spawn({
    command: place.cli,
    args: [
      "-p",
      "--input-format=stream-json",
      "--output-format=stream-json",
      "--verbose",
      // The matching key is the argv alone: a fixed session id per step keeps the keys of
      // stdin-driven cassettes with the same flags apart.
      `--session-id=${await stepSessionId(step.name)}`,
      ...step.args,
    ],
    env: place.env,
    cwd: place.cwd,
  });
  const stderr = new Response(process.stderr).text();
  const session = new StdinSession(process);
  try {
    await step.drive(session, place);
    await session.close();
  } catch (error) {
    await session.stop();
    throw new Error(`${step.name}: ${(error as Error).message}; stderr: ${await stderr}`, {
      cause: error,
    });
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const status = await Promise.race([
    process.status,
    new Promise<undefined>((resolve) =>
      timer = setTimeout(() => resolve(undefined), STEP_TIMEOUT_MS)
    ),
  ]).finally(() => clearTimeout(timer));
  if (status === undefined) {
    await session.stop();
    throw new Error(`${step.name}: the CLI did not exit after stdin closed`);
  }
  await Promise.all([session.reading, stderr]);
}

/** A UUID derived from `name`: the same on every recording. */
async function stepSessionId(name: string): Promise<string> {
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`claw-cassette:${name}`)),
  );
  digest[6] = (digest[6]! & 0x0f) | 0x40;
  digest[8] = (digest[8]! & 0x3f) | 0x80;
  const hex = Array.from(digest.subarray(0, 16), (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${
    hex.slice(20)
  }`;
}

/** The session id and exit code a staged cassette recorded; a run must have printed a result. */
async function cassetteFacts(
  path: string,
  run: boolean,
): Promise<{ sessionId?: string; code: number }> {
  const cassette = parseCassette(await Deno.readTextFile(path), path);
  let sessionId: string | undefined;
  let code: number | undefined;
  for (const record of cassette.records) {
    if ("stdout" in record && typeof record.stdout.session_id === "string") {
      sessionId ??= record.stdout.session_id;
      if (record.stdout.type === "result") sessionId = record.stdout.session_id;
    }
    if ("exit" in record) code = record.exit.code;
  }
  assert(code !== undefined, `${path} has an exit record`);
  assert(
    !run || cassette.records.some((r) => "stdout" in r && r.stdout.type === "result"),
    `${path} recorded a result line`,
  );
  return sessionId === undefined ? { code } : { sessionId, code };
}

/** Copies the files under `from` into `to`, folders included. */
async function copyTree(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const entry of Deno.readDir(from)) {
    if (entry.isDirectory) await copyTree(join(from, entry.name), join(to, entry.name));
    else await Deno.copyFile(join(from, entry.name), join(to, entry.name));
  }
}

/** Records every step of `scenario` with `version` into `outDir`; throws when a check fails. */
async function recordScenario(
  scenario: Scenario,
  version: string,
  outDir: string,
  cli: string,
): Promise<void> {
  const root = await Deno.makeTempDir({ prefix: "claw-rec-" });
  try {
    const home = join(root, "home");
    const cwd = join(root, "cwd");
    const staging = join(root, "staging");
    for (const dir of [home, cwd, staging]) await Deno.mkdir(dir);
    await scenario.setup?.(cwd);
    await using api = await startFakeApi({ script: scenario.script({ cwd }) });
    const env = buildEnv({
      env: {
        ...offlineEnv({
          apiUrl: api.url,
          home,
          maxRetries: scenario.maxRetries ?? 0,
          tmpDir: root,
        }),
        XDG_RUNTIME_DIR: undefined,
        ...await scenario.env?.(),
      },
    });
    const place: Place = {
      version,
      root,
      cwd,
      home,
      cli,
      api,
      env,
      staging,
      sessions: new Map(),
      codes: new Map(),
    };
    for (const step of scenario.steps) {
      await recordStep(step, place);
      const facts = await cassetteFacts(join(staging, stepFile(step)), step.via !== "argv");
      if (facts.sessionId) place.sessions.set(step.name, facts.sessionId);
      place.codes.set(step.name, facts.code);
    }
    await scenario.verify?.(place);
    await copyTree(staging, outDir);
    const requests = api.requests.length;
    const codes = [...place.codes].map(([name, code]) => `${name} exit ${code}`).join(", ");
    console.error(`${version} ${scenario.name}: ${codes}; ${requests} requests`);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

// ---------------------------------------------------------------------------------------------
// the README table

const TABLE_START = "<!-- scenarios: written by scripts/record_cassettes.ts -->";
const TABLE_END = "<!-- end of scenarios -->";

/** The CLI's exit code in a cassette, and `claw run`'s when its golden says another. */
async function exitCode(version: string, step: Step): Promise<string> {
  const dir = join(CASSETTES_DIR, version);
  let code: string;
  try {
    const text = await Deno.readTextFile(join(dir, stepFile(step)));
    const exit = parseCassette(text).records.findLast((record) => "exit" in record);
    code = exit && "exit" in exit ? String(exit.exit.code) : "?";
  } catch {
    return "missing";
  }
  try {
    const golden = JSON.parse(await Deno.readTextFile(join(dir, `${step.name}.claw-run.json`)));
    if (String(golden.code) !== code) code += ` (claw run ${golden.code})`;
  } catch {
    // no golden: not recorded through claw run
  }
  return code;
}

/** The scenario table of the README, from the scenarios and the cassettes on disk. */
async function scenarioTable(): Promise<string> {
  const rows = [
    `| cassette | what it exercises | recorded with | ${
      PINNED_CLI_VERSIONS.map((v) => `exit ${v}`).join(" | ")
    } |`,
    `|---|---|---|${PINNED_CLI_VERSIONS.map(() => "---").join("|")}|`,
  ];
  for (const scenario of SCENARIOS) {
    for (const step of scenario.steps) {
      const codes = await Promise.all(PINNED_CLI_VERSIONS.map((version) => {
        const why = scenario.skip?.[version];
        return why === undefined ? exitCode(version, step) : Promise.resolve("skipped");
      }));
      const golden = step.via === "claw run" ? " (+ golden)" : "";
      rows.push(
        `| \`${step.name}\` | ${step.about} | ${step.via}${golden} | ${codes.join(" | ")} |`,
      );
    }
  }
  return rows.join("\n");
}

async function writeTable(): Promise<void> {
  const readme = await Deno.readTextFile(README);
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start === -1 || end < start) {
    console.error(`${README} has no scenario table markers: the table was not written`);
    return;
  }
  const table = await scenarioTable();
  await Deno.writeTextFile(
    README,
    `${readme.slice(0, start + TABLE_START.length)}\n${table}\n${readme.slice(end)}`,
  );
}

// ---------------------------------------------------------------------------------------------
// main

async function main(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      only: { type: "string", multiple: true },
      version: { type: "string", multiple: true },
      // For scripts/drift.ts: record an unpinned CLI into another folder.
      cli: { type: "string" },
      out: { type: "string" },
    },
  });
  const only = values.only ?? [];
  const unknown = only.find((name) => !SCENARIOS.some((scenario) => scenario.name === name));
  if (unknown !== undefined) {
    console.error(
      `Unknown scenario "${unknown}": choose one of ${SCENARIOS.map((s) => s.name).join(", ")}`,
    );
    return 2;
  }
  const versions = values.version ?? [...PINNED_CLI_VERSIONS];
  const unpinned = versions.find((v) => !(PINNED_CLI_VERSIONS as readonly string[]).includes(v));
  if (
    (values.cli === undefined) !== (values.out === undefined) ||
    (values.cli && versions.length !== 1)
  ) {
    console.error("Pass --cli PATH and --out DIR together, with one --version");
    return 2;
  }
  if (unpinned !== undefined && values.cli === undefined) {
    console.error(
      `Unknown version "${unpinned}": choose one of ${PINNED_CLI_VERSIONS.join(", ")}`,
    );
    return 2;
  }
  const names = new Set<string>();
  for (const step of allSteps()) {
    if (names.has(step.name)) throw new Error(`Two steps are named "${step.name}"`);
    names.add(step.name);
  }

  let failed = 0;
  for (const version of versions) {
    const cli = values.cli === undefined ? pinnedCliPath(version) : resolve(values.cli);
    if (!await exists(cli)) {
      console.error(`Cannot find Claude Code ${version}: install it with deno task setup`);
      return 1;
    }
    const outDir = join(values.out ?? CASSETTES_DIR, version);
    const chosen = scenariosFor(version).filter((s) => only.length === 0 || only.includes(s.name));
    if (only.length === 0) await Deno.remove(outDir, { recursive: true }).catch(() => {});
    for (const scenario of chosen) {
      try {
        await recordScenario(scenario, version, outDir, cli);
      } catch (error) {
        failed++;
        console.error(`${version} ${scenario.name}: FAILED: ${(error as Error).message}`);
      }
    }
  }
  if (values.out === undefined) await writeTable();
  if (failed > 0) console.error(`${failed} scenarios failed: their cassettes were not written`);
  return failed > 0 ? 1 : 0;
}

if (import.meta.main) Deno.exitCode = await main(Deno.args);
