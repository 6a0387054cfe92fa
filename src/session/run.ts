/**
 * One-shot runs: `run(prompt, options)` starts `claude -p` and yields its typed events.
 *
 * @module
 */
import { classifyRun, type StopReason } from "../errors/classify.ts";
import { ClawError } from "../errors/claw_error.ts";
import { decodeEvents } from "../protocol/decode.ts";
import {
  type DecodedItem,
  isSystemEvent,
  type ResultEvent,
  type SystemInitEvent,
} from "../protocol/events.ts";
import { denoSpawner } from "../process/deno_spawner.ts";
import { findClaude } from "../process/discover.ts";
import { buildEnv, type EnvOptions } from "../process/env.ts";
import { buildArgs, type CliFlags, validateFlags } from "../process/options.ts";
import { shutdown } from "../process/shutdown.ts";
import type { ClaudeProcess, ProcessStatus, Spawner } from "../process/spawn.ts";
import { StderrTail } from "../process/_stderr_tail.ts";
import { readCliVersion, SUPPORTED_CLI, versionStanding } from "../process/version.ts";
import { RunFacts } from "./_run_facts.ts";

/** Prompts longer than this many bytes go through stdin instead of argv. */
export const ARGV_PROMPT_LIMIT = 100_000;

/** Options for {@linkcode run}: the CLI flags plus how to start and supervise the process. */
export interface RunOptions extends CliFlags, EnvOptions {
  /** The `claude` executable; found on `CLAUDE_CLI_PATH`, `PATH` or known locations when absent. */
  cli?: string;
  /** The working directory of the run. */
  cwd?: string;
  /** Aborts the run: the process is shut down and the run fails with kind `aborted`. */
  signal?: AbortSignal;
  /** Fails the run with kind `timeout` after this many milliseconds. */
  timeoutMs?: number;
  /** Fails the run with kind `hang` when the CLI prints nothing for this many milliseconds. */
  idleTimeoutMs?: number;
  /** How long the CLI may take to exit after its `result` before it is shut down. Default 10 s. */
  exitTimeoutMs?: number;
  /** Starts the process; the real one by default. Replay and record plug in here. */
  spawner?: Spawner;
  /** Saves the run as a cassette at this path (on top of whatever `spawner` does). */
  record?: string;
  /** Receives warnings (CLI version outside the tested range, a CLI that would not exit). */
  onWarning?: (message: string) => void;
}

/**
 * A running (or finished) one-shot run. Iterate it for events; or await {@linkcode ClaudeRun.result}
 * or {@linkcode ClaudeRun.text}. A failed run throws a {@linkcode ClawError} after every event it
 * produced has been yielded, so nothing received is lost.
 */
export class ClaudeRun implements AsyncIterable<DecodedItem>, AsyncDisposable {
  readonly #prompt: string;
  readonly #options: RunOptions;
  #iterator: AsyncGenerator<DecodedItem, void> | undefined;
  #process: ClaudeProcess | undefined;
  #facts = new RunFacts();
  #stderr: StderrTail | undefined;

  constructor(prompt: string, options: RunOptions = {}) {
    this.#prompt = prompt;
    this.#options = options;
  }

  /** The session id from `system/init`, once it has arrived. */
  get sessionId(): string | undefined {
    return this.#facts.sessionId;
  }

  /** The last `result` event, once it has arrived. */
  get lastResult(): ResultEvent | undefined {
    return this.#facts.result;
  }

  /** The tail of the CLI's stderr read so far. */
  get stderrTail(): string | undefined {
    return this.#stderr?.text;
  }

  [Symbol.asyncIterator](): AsyncIterator<DecodedItem> {
    if (this.#iterator) throw new TypeError("A run can be iterated only once");
    this.#iterator = this.#generate();
    return this.#iterator;
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
    const result = this.#facts.result;
    if (!result) throw new ClawError("no_result", "The run ended without a result");
    return result;
  }

  /** Runs to the end and returns the final answer's text. */
  async text(): Promise<string> {
    const result = await this.result();
    return typeof result.result === "string" ? result.result : "";
  }

  /** Stops the process if it is still running and waits until it is reaped. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.#iterator?.return();
    if (this.#process) await shutdown(this.#process);
  }

  async *#generate(): AsyncGenerator<DecodedItem, void> {
    const options = this.#options;
    validateFlags(options);
    if (this.#prompt.trim() === "") {
      throw new ClawError("usage", "The prompt is empty: pass the text Claude should work on");
    }
    const env = buildEnv(options);
    // A custom spawner (replay, a test stand-in) decides itself what `cli` means.
    const cli = options.spawner ? options.cli ?? "claude" : findClaude({
      ...(options.cli === undefined ? {} : { cli: options.cli }),
      env,
    }).path;
    const viaStdin = new TextEncoder().encode(this.#prompt).length > ARGV_PROMPT_LIMIT;
    const args = ["-p", "--output-format=stream-json", "--verbose", ...buildArgs(options)];
    if (!viaStdin) args.push("--", this.#prompt);

    if (options.signal?.aborted) {
      throw new ClawError("aborted", "The run was aborted before it started");
    }
    let spawn = options.spawner ?? denoSpawner;
    if (options.record) {
      // Loaded only when recording: a plain run does not pay for the recorder's modules.
      const { recordingSpawner, saveCassette } = await import("../harness/recorder.ts");
      spawn = recordingSpawner(spawn, { save: saveCassette(options.record) });
    }
    let process: ClaudeProcess;
    try {
      process = spawn({
        command: cli,
        args,
        env,
        ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
      });
    } catch (cause) {
      if (cause instanceof ClawError) throw cause;
      throw new ClawError("spawn", `Cannot start "${cli}": ${String(cause)}`, { cause });
    }
    this.#process = process;
    this.#stderr = new StderrTail(process.stderr);
    const writing = this.#writePrompt(process, viaStdin);

    const reader = decodeEvents(process.stdout).getReader();
    const supervisor = new Supervisor(process, options, () => {
      // Grandchildren may hold stdout open after claude dies: stop reading once it is reaped.
      process.status.then(() => setTimeout(() => reader.cancel().catch(() => {}), 200));
    });
    let status: ProcessStatus | undefined;
    try {
      while (true) {
        const { value, done } = await reader.read();
        if (done) break;
        supervisor.sawOutput();
        this.#facts.observe(value);
        if (value.type === "result") supervisor.sawResult();
        if (isSystemEvent(value, "init")) this.#checkVersion(value);
        yield value;
      }
      status = await process.status;
      await Promise.all([this.#stderr.done, writing]);
    } finally {
      supervisor.dispose();
      if (status === undefined) {
        // The consumer stopped early, or reading failed: the process must not outlive the run.
        await shutdown(process);
        await reader.cancel().catch(() => {});
      }
    }
    const failure = classifyRun({
      facts: this.#facts,
      status,
      stderrTail: this.#stderr.text,
      ...(supervisor.stopReason === undefined ? {} : { stopReason: supervisor.stopReason }),
    });
    if (failure) throw await this.#explainWithVersion(failure, cli);
  }

  /**
   * The lazy version check: a run that failed before `system/init` may have met a CLI too old to
   * understand claw's flags, so only then is `claude --version` asked.
   */
  async #explainWithVersion(failure: ClawError, cli: string): Promise<ClawError> {
    if (this.#facts.cliVersion || this.#options.spawner) return failure;
    if (failure.kind !== "usage" && failure.kind !== "no_result") return failure;
    const version = await readCliVersion(cli);
    if (!version || versionStanding(version) !== "below_minimum") return failure;
    return new ClawError(
      "cli_version",
      `Claude Code ${version} is older than ${SUPPORTED_CLI.minimum}, the oldest version claw supports: ${failure.message}`,
      {
        ...(failure.stderrTail === undefined ? {} : { stderrTail: failure.stderrTail }),
        ...(failure.exitCode === undefined ? {} : { exitCode: failure.exitCode }),
        cause: failure,
      },
    );
  }

  async #writePrompt(process: ClaudeProcess, viaStdin: boolean): Promise<void> {
    try {
      if (viaStdin) {
        const writer = process.stdin.getWriter();
        await writer.write(new TextEncoder().encode(this.#prompt));
        await writer.close();
      } else {
        await process.stdin.close();
      }
    } catch {
      // the process died before reading its prompt; its exit explains why
    }
  }

  #checkVersion(init: SystemInitEvent): void {
    const version = init.claude_code_version;
    if (version === undefined) return;
    const standing = versionStanding(version);
    if (standing === "below_minimum" || standing === "newer_than_tested") {
      this.#options.onWarning?.(
        `Claude Code ${version} is ${
          standing === "below_minimum" ? "older than the oldest supported" : "newer than the tested"
        } version: claw is tested with ${SUPPORTED_CLI.minimum} to ${SUPPORTED_CLI.tested}`,
      );
    }
  }
}

type Timer = ReturnType<typeof setTimeout>;

/** Timers that stop a run: the caller's signal, the overall timeout, the idle and exit watchdogs. */
class Supervisor {
  stopReason: StopReason | undefined;
  readonly #process: ClaudeProcess;
  readonly #options: RunOptions;
  readonly #onStop: () => void;
  #timeout: Timer | undefined;
  #idle: Timer | undefined;
  #exit: Timer | undefined;
  readonly #onAbort = () => this.#stop("aborted");

  constructor(process: ClaudeProcess, options: RunOptions, onStop: () => void) {
    this.#process = process;
    this.#options = options;
    this.#onStop = onStop;
    options.signal?.addEventListener("abort", this.#onAbort, { once: true });
    if (options.timeoutMs !== undefined) {
      this.#timeout = setTimeout(() => this.#stop("timeout"), options.timeoutMs);
    }
    this.sawOutput();
  }

  sawOutput(): void {
    if (this.#options.idleTimeoutMs === undefined || this.stopReason) return;
    clearTimeout(this.#idle);
    this.#idle = setTimeout(() => this.#stop("hang"), this.#options.idleTimeoutMs);
  }

  sawResult(): void {
    clearTimeout(this.#idle);
    this.#idle = undefined;
    clearTimeout(this.#exit);
    this.#exit = setTimeout(() => {
      this.#options.onWarning?.("Claude Code did not exit after its result: shutting it down");
      shutdown(this.#process);
    }, this.#options.exitTimeoutMs ?? 10_000);
  }

  #stop(reason: StopReason): void {
    if (this.stopReason) return;
    this.stopReason = reason;
    this.#onStop();
    shutdown(this.#process);
  }

  dispose(): void {
    clearTimeout(this.#timeout);
    clearTimeout(this.#idle);
    clearTimeout(this.#exit);
    this.#options.signal?.removeEventListener("abort", this.#onAbort);
  }
}

/**
 * Runs `claude -p` with `prompt` and returns a {@linkcode ClaudeRun}: iterate it for typed events,
 * or await its `result()` / `text()`. Nothing starts until then.
 *
 * @example Stream events, then read the answer
 * ```ts ignore
 * import { run } from "./run.ts";
 *
 * await using answer = run("Name three primes", { model: "sonnet", maxTurns: 1 });
 * for await (const event of answer) {
 *   if (event.type === "assistant") console.log(event.message.content);
 * }
 * console.log(answer.lastResult?.total_cost_usd);
 * ```
 */
export function run(prompt: string, options: RunOptions = {}): ClaudeRun {
  return new ClaudeRun(prompt, options);
}
