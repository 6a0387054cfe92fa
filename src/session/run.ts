/**
 * One-shot runs: `run(prompt, options)` starts `claude -p` and yields its typed events.
 *
 * @module
 */
import { ClawError } from "../errors/claw_error.ts";
import { decodeEvents } from "../protocol/decode.ts";
import type { DecodedItem, ResultEvent } from "../protocol/events.ts";
import { shutdown } from "../process/shutdown.ts";
import type { ClaudeProcess, ProcessStatus } from "../process/spawn.ts";
import { StderrTail } from "../process/stderr_tail.ts";
import {
  readCliVersion,
  SUPPORTED_CLI,
  VERSION_PROBE_TIMEOUT_MS,
  versionStanding,
  versionWarning,
} from "../process/version.ts";
import { classifyRun } from "./classify.ts";
import { ProcessFacts, TurnFacts } from "./facts.ts";
import { launch, type Launched, type LaunchPlan, planLaunch } from "./launch.ts";
import { DEFAULT_TIMEOUT_MS, type RunOptions } from "./run_options.ts";
import { structuredOutputOf } from "./structured.ts";
import { Supervisor } from "./_supervisor.ts";
import { ToolObserver } from "./tool_observer.ts";

/**
 * A running (or finished) one-shot run. Iterate it for events; or await {@linkcode ClaudeRun.result}
 * or {@linkcode ClaudeRun.text}. A failed run throws a {@linkcode ClawError} after every event it
 * produced has been yielded, so nothing received is lost.
 *
 * Made by {@linkcode run}. Its `start` function launches the process when the run is first
 * iterated; passing one that returns an earlier launch adopts a process started before (what
 * `claw run` does, to start `claude` before it loads the decoder).
 */
export class ClaudeRun implements AsyncIterable<DecodedItem>, AsyncDisposable {
  readonly #start: () => Promise<Launched>;
  readonly #options: RunOptions;
  #iterator: AsyncGenerator<DecodedItem, void> | undefined;
  #process: ClaudeProcess | undefined;
  #turn = new TurnFacts();
  #processFacts = new ProcessFacts();
  #stderr: StderrTail | undefined;
  readonly #tools: ToolObserver;
  #lettingGo = false;
  /** When the run started, for what is left of its time limit. */
  #startedAt = 0;
  /** Ends the pending read early, when the consumer lets go. */
  #endRead: ((result: ReadableStreamReadResult<DecodedItem>) => void) | undefined;

  /** A run that calls `start` when first iterated, supervised by `options`. */
  constructor(start: () => Promise<Launched>, options: RunOptions = {}) {
    this.#start = start;
    this.#options = options;
    this.#tools = new ToolObserver(options);
  }

  /** The session id from `system/init`, once it has arrived. */
  get sessionId(): string | undefined {
    return this.#processFacts.sessionId;
  }

  /** The CLI version from `system/init`, once it has arrived. */
  get cliVersion(): string | undefined {
    return this.#processFacts.cliVersion;
  }

  /** The last `result` event, once it has arrived. */
  get lastResult(): ResultEvent | undefined {
    return this.#turn.result;
  }

  /** The tail of the CLI's stderr read so far. */
  get stderrTail(): string | undefined {
    return this.#stderr?.text;
  }

  /**
   * The run's items as they arrive; a run can be iterated once. Its `return()` acts at once,
   * even while a `next()` waits: the pending `next()` ends the iteration and the process is shut
   * down.
   */
  [Symbol.asyncIterator](): AsyncIterator<DecodedItem> {
    if (this.#iterator) throw new TypeError("A run can be iterated only once");
    const generator = this.#generate();
    this.#iterator = generator;
    return {
      next: () => generator.next(),
      return: (value?: unknown) => {
        this.#letGo();
        return generator.return(value as void);
      },
      throw: (error?: unknown) => generator.throw(error),
    };
  }

  /**
   * Runs to the end and returns the final `result` event; throws a {@linkcode ClawError} when the
   * run failed.
   */
  async result(): Promise<ResultEvent> {
    if (!this.#iterator) {
      for await (const _ of this) { /* drain */ }
    } else {
      while (!(await this.#iterator.next()).done) { /* drain the rest */ }
    }
    const result = this.#turn.result;
    if (!result) throw new ClawError("no_result", "The run ended without a result");
    return result;
  }

  /** Runs to the end and returns the final answer's text. */
  async text(): Promise<string> {
    const result = await this.result();
    return typeof result.result === "string" ? result.result : "";
  }

  /**
   * Runs to the end and returns the structured output, checked against `jsonSchema` when that is
   * a Standard Schema. Fails with kind `structured_output` when the result has none, the CLI gave
   * up on the schema, or the value does not match.
   */
  async structured<T = unknown>(): Promise<T> {
    return await structuredOutputOf<T>(await this.result(), this.#options.jsonSchema);
  }

  /**
   * Stops the process if it is still running and waits until it is reaped. Acts at once, even
   * while a `next()` waits for the next event.
   */
  async [Symbol.asyncDispose](): Promise<void> {
    this.#letGo();
    await this.#iterator?.return();
    if (this.#process) await shutdown(this.#process);
  }

  /** The consumer is done: a pending read ends now rather than at the next line. */
  #letGo(): void {
    this.#lettingGo = true;
    this.#endRead?.({ done: true });
  }

  async *#generate(): AsyncGenerator<DecodedItem, void> {
    const options = this.#options;
    if (options.signal?.aborted) {
      throw new ClawError("aborted", "The run was aborted before it started");
    }
    this.#startedAt = Date.now();
    const { plan, process, writing } = await this.#start();
    this.#process = process;
    this.#stderr = new StderrTail(process.stderr, { onLine: options.stderr });
    const reader = decodeEvents(process.stdout, options).getReader();
    const supervisor = new Supervisor(process, options);
    let status: ProcessStatus | undefined;
    try {
      while (true) {
        const { value, done } = await this.#read(reader);
        if (done) break;
        supervisor.sawOutput();
        this.#observe(value);
        if (value.type === "result") supervisor.sawResult();
        yield value;
      }
      if (this.#lettingGo) return; // disposed: the finally below shuts the process down
      status = await process.status;
      await Promise.all([this.#stderr.done, writing]);
    } finally {
      supervisor.dispose();
      if (status === undefined) {
        // The consumer stopped early, or reading failed: the process must not outlive the run.
        // It is stopped before its stdout is closed: a CLI that meets a closed stdout while it
        // shuts down can take seconds to exit.
        await shutdown(process);
        reader.cancel().catch(() => {});
      }
    }
    if (status.heldOpen) options.onWarning?.(heldOpenWarning(status.heldOpen));
    const failure = classifyRun({
      turn: this.#turn,
      process: this.#processFacts,
      status,
      stderrTail: this.#stderr.text,
      ...(supervisor.stopReason === undefined ? {} : { stopReason: supervisor.stopReason }),
      structuredOutput: options.jsonSchema !== undefined,
    });
    if (failure) throw await this.#explainWithVersion(failure, plan);
  }

  /** The next item, or the end as soon as the consumer lets go, whichever comes first. */
  #read(
    reader: ReadableStreamDefaultReader<DecodedItem>,
  ): Promise<ReadableStreamReadResult<DecodedItem>> {
    if (this.#lettingGo) return Promise.resolve({ done: true });
    return new Promise((resolve, reject) => {
      this.#endRead = resolve;
      readOrExplain(reader).then(resolve, reject);
    });
  }

  #observe(item: DecodedItem): void {
    const knewVersion = this.#processFacts.cliVersion !== undefined;
    this.#processFacts.observe(item);
    this.#turn.observe(item);
    if (this.#tools.active) this.#tools.observe(item);
    if (!knewVersion && this.#processFacts.cliVersion !== undefined) {
      const warning = versionWarning(this.#processFacts.cliVersion);
      if (warning) this.#options.onWarning?.(warning);
    }
  }

  /**
   * The lazy version check: a run that failed before `system/init` may have met a CLI too old to
   * understand claw's flags, so only then is `claude --version` asked, through the same seam.
   */
  async #explainWithVersion(
    failure: ClawError,
    plan: LaunchPlan,
  ): Promise<ClawError> {
    if (this.#processFacts.cliVersion) return failure;
    if (failure.kind !== "cli_usage" && failure.kind !== "no_result") return failure;
    // The probe gets what is left of the run's own time limit, and at most its own 10 s.
    const left = (this.#options.timeoutMs ?? DEFAULT_TIMEOUT_MS) - (Date.now() - this.#startedAt);
    if (left <= 0) return failure;
    const version = await readCliVersion({
      cli: plan.request.command,
      env: plan.request.env,
      inheritEnv: false,
      spawner: plan.spawner,
      timeoutMs: Math.min(left, VERSION_PROBE_TIMEOUT_MS),
      ...(this.#options.signal === undefined ? {} : { signal: this.#options.signal }),
    });
    if (!version || versionStanding(version) !== "below_minimum") return failure;
    return new ClawError(
      "cli_version",
      `Claude Code ${version} is older than ${SUPPORTED_CLI.minimum}, the oldest version claw supports: ${failure.message}`,
      failure.details,
    );
  }
}

/** Reads the next item; a failure that is not claw's own (a stream error) becomes kind `protocol`. */
async function readOrExplain(
  reader: ReadableStreamDefaultReader<DecodedItem>,
): Promise<ReadableStreamReadResult<DecodedItem>> {
  try {
    return await reader.read();
  } catch (error) {
    if (error instanceof ClawError) throw error;
    throw new ClawError("protocol", `Reading Claude Code's output failed: ${String(error)}`, {
      cause: error,
    });
  }
}

function heldOpenWarning(pipes: readonly string[]): string {
  return `Claude Code exited, but a process it started kept its ${
    pipes.join(" and ")
  } open: claw stopped it (or, if it left Claude Code's process group, stopped reading)`;
}

/**
 * Runs `claude -p` with `prompt` and returns a {@linkcode ClaudeRun}: iterate it for typed events,
 * or await its `result()` / `text()`. Nothing starts until then; the options are checked then too,
 * before anything is spawned.
 *
 * @example Replay a recorded run and read its answer
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { replaySpawner } from "../cassette/testing.ts";
 * import { run } from "./run.ts";
 *
 * const spawner = replaySpawner(new URL("../../fixtures/cassettes/2.1.332/text_simple.ndjson", import.meta.url));
 * await using answer = run("Say hello", { spawner });
 * for await (const event of answer) {
 *   if (event.type === "assistant") console.log(event.message.content);
 * }
 * strictEqual(answer.lastResult?.result, "Hello from the fake API.");
 * ```
 */
export function run(prompt: string, options: RunOptions = {}): ClaudeRun {
  return new ClaudeRun(() => launch(planLaunch(prompt, options)), options);
}
