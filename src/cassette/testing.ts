/**
 * Helpers for your own `Deno.test`s of code built on claw: replay recorded runs in-process or as a
 * drop-in fake `claude`, and assert on what a run did.
 *
 * Record a cassette once against the real CLI (`claw record -o tests/cassettes/hi.ndjson -- -p
 * --output-format stream-json --verbose "Say hi"`, or `run(prompt, { record: path })`), commit it,
 * and replay it in every test run: no tokens, no network, the same events every time.
 *
 * @example Replay a recorded run in-process and assert on its events
 * ```ts
 * import { run } from "../session/run.ts";
 * import { assertFinalText, assertResultKind, assertToolCalled, replaySpawner } from "./testing.ts";
 *
 * const cassette = new URL("../../fixtures/cassettes/2.1.332/tool_bash.ndjson", import.meta.url);
 * const spawner = replaySpawner(cassette);
 * const events = await Array.fromAsync(
 *   run("Run a command", { spawner, permissionMode: "bypassPermissions" }),
 * );
 * assertToolCalled(events, "Bash");
 * assertFinalText(events, /claw-42/);
 * assertResultKind(events, "success");
 * ```
 *
 * @module
 */
import { AssertionError } from "node:assert";
import { isDeepStrictEqual } from "node:util";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { CassetteMissError, ClawError } from "../errors/claw_error.ts";
import type { ErrorKind } from "../errors/kinds.ts";
import {
  type DecodedItem,
  isContentBlock,
  type ResultEvent,
  type ToolUseBlock,
} from "../protocol/events.ts";
import { type Spawner, withCliNeed } from "../process/spawn.ts";
import { classifyRun } from "../session/classify.ts";
import { ProcessFacts, TurnFacts } from "../session/facts.ts";
import { type Cassette, cassetteKey, readCassetteFile } from "./cassette.ts";
import type { CassetteMode } from "./cassette_spawner.ts";
import { argvDifference } from "./cassette_store.ts";
import { writeFakeClaude } from "./fake_claude.ts";
import { faultInjector, type FaultsOption } from "./faults.ts";
import { type CassetteSource, replayRequest } from "./replay_request.ts";
import { asksVersion } from "./request.ts";
import type { ReplayTiming } from "./timing.ts";
import { UsageLog } from "./usage_log.ts";

/**
 * Reads and checks a cassette file. Throws a `CassetteFormatError` (with the line number) for a
 * broken file or a format version this claw does not read.
 *
 * @example Load a cassette from the recorded corpus
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { loadCassette } from "./testing.ts";
 *
 * const cassette = await loadCassette(new URL("../../fixtures/cassettes/2.1.332/text_simple.ndjson", import.meta.url));
 * strictEqual(cassette.header.cli_version, "2.1.332");
 * strictEqual(cassette.header.argv.at(-1), "Say hello");
 * ```
 */
export function loadCassette(path: string | URL): Promise<Cassette> {
  return readCassetteFile(path);
}

/** Options for {@linkcode replaySpawner}. */
export interface ReplaySpawnerOptions {
  /** How fast to play: `instant` (default), `recorded`, or a factor such as `0.5`. */
  timing?: ReplayTiming;
  /** Faults injected into each run (see `faults.ts`); default `CLAW_CASSETTE_FAULTS`. */
  faults?: FaultsOption;
  /** The usage log each run appends to (see `usage_log.ts`); default `CLAW_CASSETTE_USAGE`. */
  usage?: string;
}

/**
 * A spawner that replays one cassette in-process, for `run(prompt, { spawner })`. Every run it
 * starts must have the recorded arguments (prompt and flags): another run fails with kind
 * `cassette_miss` and a message naming the first differing `argv[i]`. Each run replays from the
 * start, so one spawner serves any number of runs.
 *
 * @example Replay the same recorded cassette twice, and miss with another prompt
 * ```ts
 * import { rejects, strictEqual } from "node:assert";
 * import { run } from "../session/run.ts";
 * import { replaySpawner } from "./testing.ts";
 *
 * const spawner = replaySpawner(new URL("../../fixtures/cassettes/2.1.332/text_simple.ndjson", import.meta.url));
 * strictEqual(await run("Say hello", { spawner }).text(), "Hello from the fake API.");
 * strictEqual(await run("Say hello", { spawner }).text(), "Hello from the fake API.");
 * await rejects(run("Say bye", { spawner }).text(), /differs at argv\[4\]: recorded "Say hello", this run "Say bye"/);
 * ```
 */
export function replaySpawner(
  cassette: string | URL | Cassette,
  options: ReplaySpawnerOptions = {},
): Spawner {
  const source = typeof cassette === "string"
    ? cassette
    : cassette instanceof URL
    ? fileURLToPath(cassette)
    : "<memory>";
  let loaded: Promise<Cassette> | undefined;
  const load = () =>
    loaded ??= typeof cassette === "string" || cassette instanceof URL
      ? loadCassette(cassette)
      : Promise.resolve(cassette);
  const single: CassetteSource = {
    async candidates(argvKey, argv) {
      const recorded = await load();
      if (argvKey !== await cassetteKey(recorded.header.argv)) {
        throw new CassetteMissError(
          `This run does not match the cassette "${source}" (key ${argvKey}): it differs at ${
            argvDifference(recorded.header.argv, argv)
          }`,
        );
      }
      return [{ path: source, cassette: recorded }];
    },
    async cliVersion() {
      return (await load()).header.cli_version;
    },
  };
  const inject = faultInjector(options.faults);
  const usageFile = options.usage ?? Deno.env.get("CLAW_CASSETTE_USAGE");
  const usage = usageFile === undefined
    ? undefined
    : new UsageLog({ dir: dirname(source), file: usageFile });
  return withCliNeed(async (request) => {
    const replayed = await replayRequest(request, single, {
      ...(options.timing === undefined ? {} : { timing: options.timing }),
      ...(usage ? { usage } : {}),
    });
    if (asksVersion(request.args)) return replayed;
    return inject(replayed, request.args, (await load()).header.cli_version);
  }, "never");
}

/** Options for {@linkcode withFakeClaude}. */
export interface WithFakeClaudeOptions {
  /**
   * `replay` (default): a miss fails. `record`, `auto` and `passthrough` start the real CLI
   * (`realClaude`, else found as usual). `CLAW_CASSETTE_MODE` in the environment of the process
   * that starts the fake claude overrides it, as for any launcher.
   */
  mode?: CassetteMode;
  /** Replay speed; instant by default (`CLAW_CASSETTE_TIMING` overrides it likewise). */
  timing?: ReplayTiming;
  /** The real CLI, for the modes that start it. */
  realClaude?: string;
}

/**
 * Writes a drop-in fake `claude` serving the cassettes in `dir` (the launcher `claw replay
 * --write-bin` writes) into a temporary folder, calls `fn` with its path, and removes it
 * afterwards. For code that spawns `claude` itself: pass the path wherever it takes the CLI's.
 *
 * @example Replay through a fake claude executable
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { fileURLToPath } from "node:url";
 * import { run } from "../session/run.ts";
 * import { withFakeClaude } from "./testing.ts";
 *
 * const corpus = fileURLToPath(new URL("../../fixtures/cassettes/2.1.332", import.meta.url));
 * const text = await withFakeClaude(corpus, (cli) => run("Say hello", { cli }).text());
 * strictEqual(text, "Hello from the fake API.");
 * ```
 */
export async function withFakeClaude<T>(
  dir: string,
  fn: (cliPath: string) => Promise<T>,
  options: WithFakeClaudeOptions = {},
): Promise<T> {
  const bin = await Deno.makeTempDir({ prefix: "claw-fake-claude-" });
  try {
    const cli = join(bin, "claude");
    await writeFakeClaude(cli, { ...options, cassettes: dir });
    return await fn(cli);
  } finally {
    await Deno.remove(bin, { recursive: true });
  }
}

/**
 * Asserts that the run called the tool `name`, with an input that includes `inputSubset` (objects
 * are compared key by key, recursively; anything else must be deeply equal). Returns the first
 * matching `tool_use` block.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import type { DecodedItem } from "../protocol/events.ts";
 * import { assertToolCalled } from "./testing.ts";
 *
 * const message = { id: "m1", type: "message", role: "assistant", model: "m", stop_reason: null, stop_sequence: null, usage: { input_tokens: 1, output_tokens: 1 } } as const;
 * const events: DecodedItem[] = [{
 *   type: "assistant", parent_tool_use_id: null, session_id: "s-1",
 *   message: { ...message, content: [{ type: "tool_use", id: "t1", name: "Bash", input: { command: "ls -la", timeout: 5 } }] },
 * }];
 * const call = assertToolCalled(events, "Bash", { command: "ls -la" });
 * strictEqual(call.id, "t1");
 * ```
 */
export function assertToolCalled(
  events: readonly DecodedItem[],
  name: string,
  inputSubset?: Record<string, unknown>,
): ToolUseBlock {
  const calls = toolCalls(events);
  const found = calls.find((call) =>
    call.name === name && (inputSubset === undefined || includes(call.input, inputSubset))
  );
  if (found) return found;
  const wanted = `a call of the tool "${name}"${
    inputSubset === undefined ? "" : ` with an input including ${show(inputSubset)}`
  }`;
  const seen = calls.length === 0
    ? "the run made no tool calls"
    : `the run called ${calls.map((call) => `${call.name} ${show(call.input)}`).join(", ")}`;
  throw new AssertionError({ message: `Expected ${wanted}: ${seen}` });
}

/**
 * Asserts the final answer's text (the last `result` event's `result`): equal to a string, or
 * matching a RegExp.
 *
 * @example
 * ```ts
 * import type { DecodedItem } from "../protocol/events.ts";
 * import { assertFinalText } from "./testing.ts";
 *
 * const events = [{ type: "result", subtype: "success", is_error: false, result: "Hello there", session_id: "s-1" }] as DecodedItem[];
 * assertFinalText(events, "Hello there");
 * assertFinalText(events, /^Hello/);
 * ```
 */
export function assertFinalText(events: readonly DecodedItem[], expected: string | RegExp): void {
  const wanted = typeof expected === "string"
    ? `the final text to be ${JSON.stringify(expected)}`
    : `the final text to match ${expected}`;
  const result = lastResult(events);
  if (!result) throw new AssertionError({ message: `Expected ${wanted}: the run has no result` });
  if (typeof result.result !== "string") {
    throw new AssertionError({
      message: `Expected ${wanted}: the result (${result.subtype}) has no text`,
    });
  }
  const text = result.result;
  if (typeof expected === "string" ? text === expected : expected.test(text)) return;
  throw new AssertionError({
    message: `Expected ${wanted}: it is ${JSON.stringify(text)}`,
    actual: text,
    expected,
  });
}

/**
 * Asserts how a run ended: `"success"`, or claw's error kind (`rate_limit`, `max_turns`,
 * `cassette_miss`, …). Pass the run's events (classified as `run()` would) or the error it threw.
 *
 * @example
 * ```ts
 * import { ClawError } from "../errors/claw_error.ts";
 * import type { DecodedItem } from "../protocol/events.ts";
 * import { assertResultKind } from "./testing.ts";
 *
 * const events = [{ type: "result", subtype: "error_max_turns", is_error: true, errors: ["Reached maximum number of turns (1)"], session_id: "s-1" }] as DecodedItem[];
 * assertResultKind(events, "max_turns");
 * assertResultKind(new ClawError("rate_limit", "Slow down"), "rate_limit");
 * ```
 */
export function assertResultKind(
  eventsOrError: readonly DecodedItem[] | unknown,
  kind: ErrorKind | "success",
): void {
  let seen: string;
  let detail = "";
  if (Array.isArray(eventsOrError)) {
    const turn = new TurnFacts();
    const process = new ProcessFacts();
    for (const event of eventsOrError as readonly DecodedItem[]) {
      turn.observe(event);
      process.observe(event);
    }
    const failure = turn.result
      ? classifyRun({ turn, process, status: undefined, stderrTail: undefined })
      : undefined;
    seen = turn.result ? failure?.kind ?? "success" : "no result";
    if (failure) detail = ` (${failure.message})`;
  } else if (eventsOrError instanceof ClawError) {
    seen = eventsOrError.kind;
    detail = ` (${eventsOrError.message})`;
  } else {
    throw new AssertionError({
      message:
        `Expected the run to end with "${kind}": pass its events or the ClawError it threw, not ${
          eventsOrError instanceof Error
            ? `${eventsOrError.name}: ${eventsOrError.message}`
            : String(eventsOrError)
        }`,
    });
  }
  if (seen === kind) return;
  throw new AssertionError({
    message: `Expected the run to end with "${kind}": it ended with "${seen}"${detail}`,
    actual: seen,
    expected: kind,
  });
}

function toolCalls(events: readonly DecodedItem[]): ToolUseBlock[] {
  return events.flatMap((event) =>
    event.type === "assistant" && Array.isArray(event.message.content)
      ? event.message.content.filter((block) => isContentBlock(block, "tool_use"))
      : []
  );
}

function lastResult(events: readonly DecodedItem[]): ResultEvent | undefined {
  return events.findLast((event): event is ResultEvent => event.type === "result");
}

function includes(actual: unknown, subset: unknown): boolean {
  if (isPlainObject(subset) && isPlainObject(actual)) {
    return Object.entries(subset).every(([key, value]) => includes(actual[key], value));
  }
  return isDeepStrictEqual(actual, subset);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
