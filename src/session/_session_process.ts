/**
 * One CLI process of a session: `claude -p` reading stream-json messages and control requests on
 * stdin, which stays open. It runs one turn at a time, under the same supervision and
 * classification as `run()`, and answers the CLI's control requests while it runs.
 */
import { ClawError } from "../errors/claw_error.ts";
import { decodeEvents } from "../protocol/decode.ts";
import type { DecodedItem, ResultEvent } from "../protocol/events.ts";
import { StderrTail } from "../process/stderr_tail.ts";
import { shutdown } from "../process/shutdown.ts";
import type { ClaudeProcess, ProcessStatus } from "../process/spawn.ts";
import { classifyRun, type StopReason } from "./classify.ts";
import { ControlChannel, type ControlHandlers } from "./_control_channel.ts";
import { ProcessFacts, TurnFacts } from "./facts.ts";
import { launch, type LaunchPlan } from "./launch.ts";
import { DEFAULT_STARTUP_TIMEOUT_MS, type RunOptions } from "./run_options.ts";
import { Supervisor } from "./_supervisor.ts";
import type { TurnLog } from "./_turn_log.ts";
import { type ProcessSoFar, turnTotals } from "./totals.ts";
import { settlesWithin } from "../process/deadline.ts";

/** How a session process is started, supervised and answered. */
export interface SessionProcessOptions {
  /** Supervision (signal, time limits), decoding and warnings, as for `run()`. */
  run: RunOptions;
  /** Who answers the CLI's control requests. */
  handlers: ControlHandlers;
  /** Fields of the `initialize` request beyond its subtype: the hooks, a title, … */
  initialize: Json;
  /** Sees every event (not control traffic), for the tool observers. */
  observe: (item: DecodedItem) => void;
}

/** How {@linkcode SessionProcess.interrupt} ended: see `ClaudeSession.interrupt`. */
export type InterruptOutcome = "interrupted" | "idle" | "killed";

interface ActiveTurn {
  log: TurnLog;
  /** The `uuid` of the turn's user message. */
  uuid: string;
  supervisor: Supervisor;
  /** Set when claw itself stopped the process during the turn. */
  stopReason?: StopReason;
}

type Json = Record<string, unknown>;

const encoder = new TextEncoder();

/** A started session process; see the module doc. */
export class SessionProcess {
  /** What the process's events said (session id, CLI version). */
  readonly facts = new ProcessFacts();
  /** The CLI's answer to `initialize`. */
  info: Json = {};
  /** Settles once the process has exited and its output has been read. */
  readonly exited: Promise<ProcessStatus>;
  readonly #process: ClaudeProcess;
  readonly #options: SessionProcessOptions;
  readonly #writer: WritableStreamDefaultWriter<Uint8Array>;
  readonly #channel: ControlChannel;
  readonly #stderr: StderrTail;
  #turn: ActiveTurn | undefined;
  /** Events that came between turns: they open the next turn. */
  #between: DecodedItem[] = [];
  /** What this process's last result said of its running totals. */
  readonly #soFar: ProcessSoFar = { costUsd: 0, durationApiMs: 0 };
  #ended = false;
  #parked = false;

  private constructor(process: ClaudeProcess, options: SessionProcessOptions) {
    this.#process = process;
    this.#options = options;
    this.#writer = process.stdin.getWriter();
    this.#writer.closed.catch(() => {}); // a dead process's stdin errors: its exit explains why
    this.#channel = new ControlChannel((line) => this.#write(line), options.handlers);
    this.#stderr = new StderrTail(process.stderr, { onLine: options.run.stderr });
    this.exited = this.#pump();
  }

  /**
   * Starts the process of `plan` and initializes the control protocol; fails (with the process
   * reaped) when the CLI does not answer `initialize` within the start-up time limit.
   */
  static async start(plan: LaunchPlan, options: SessionProcessOptions): Promise<SessionProcess> {
    const { process } = await launch(plan);
    const session = new SessionProcess(process, options);
    const timeoutMs = options.run.startupTimeoutMs ?? DEFAULT_STARTUP_TIMEOUT_MS;
    try {
      await session.initialize(timeoutMs);
    } catch (error) {
      await session.kill();
      throw error;
    }
    return session;
  }

  /**
   * Sends `initialize` (again, for `reinitialize()`: 2.1.x answers it anew and re-registers the
   * hooks) and keeps the answer.
   */
  async initialize(timeoutMs: number): Promise<Json> {
    const request = { subtype: "initialize", ...this.#options.initialize };
    this.info = await this.#channel.request(request, timeoutMs);
    this.#channel.cliBlocksFailedHooks = this.info.hook_on_failure_supported === true;
    this.#channel.cliVersion = this.initializedVersion;
    return this.info;
  }

  /** The CLI's version as its `initialize` answer gives it (2.1.x); `undefined` on 2.0.x. */
  get initializedVersion(): string | undefined {
    const version = this.info.claude_code_version;
    return typeof version === "string" ? version : undefined;
  }

  /** Whether the process still runs and takes turns. */
  get alive(): boolean {
    return !this.#ended;
  }

  /**
   * Parks the idle process as a spare: it no longer keeps the host alive, and dies with it
   * (`ClaudeProcess.unref`). Undone by {@linkcode SessionProcess.unpark}, and by the next turn; a
   * process running a turn is never parked.
   */
  park(): void {
    if (this.#turn || this.#parked) return;
    this.#parked = true;
    this.#process.unref?.();
  }

  /** Takes the process out of the park: it keeps the host alive again while it runs. */
  unpark(): void {
    if (!this.#parked) return;
    this.#parked = false;
    this.#process.ref?.();
  }

  /** The CLI version, from `initialize` (2.1.x) or `system/init`. */
  get cliVersion(): string | undefined {
    return this.initializedVersion ?? this.facts.cliVersion;
  }

  /**
   * Starts a turn: writes the user `message` (its content, its `uuid`, …); the turn's events go
   * to `log` until its `result`.
   */
  startTurn(log: TurnLog, message: { content: unknown; uuid: string } & Json): void {
    if (this.#turn) throw new Error("A turn is already in flight on this process");
    if (this.#ended) {
      log.end(new ClawError("cli_crashed", "Claude Code's session process has exited"));
      return;
    }
    this.unpark(); // a turn keeps the host alive until it ends
    this.#turn = {
      log,
      uuid: message.uuid,
      supervisor: new Supervisor(this.#process, this.#options.run),
    };
    for (const item of this.#between.splice(0)) log.push(item);
    log.markPlaced();
    const { content, ...fields } = message;
    this.#write({
      type: "user",
      message: { role: "user", content },
      parent_tool_use_id: null,
      ...fields,
    }).catch(() => {});
  }

  /** Sends a control request, answered within `timeoutMs` (a parked process is unparked). */
  request(request: Json & { subtype: string }, timeoutMs: number): Promise<Json> {
    this.unpark(); // the answer keeps the host alive until it comes
    return this.#channel.request(request, timeoutMs);
  }

  /**
   * Interrupts the turn in flight. Before the turn has started (no output yet) the interrupt
   * waits for it, since a CLI that has not taken the message would ignore it. When the turn has
   * not ended within `timeoutMs`, the process is shut down and the turn ends `aborted`.
   */
  async interrupt(timeoutMs: number): Promise<InterruptOutcome> {
    const turn = this.#turn;
    if (!turn) return "idle";
    const deadline = Date.now() + timeoutMs;
    while (!turn.log.started && !turn.log.ended && Date.now() < deadline) {
      await settlesWithin(turn.log.changed(), deadline - Date.now());
    }
    if (turn.log.ended) return "idle";
    this.#channel.request({ subtype: "interrupt" }, Math.max(1, deadline - Date.now()))
      .catch(() => {}); // the turn's end is what counts, and it is waited for below
    await settlesWithin(turn.log.done, deadline - Date.now());
    if (turn.log.ended) return "interrupted";
    turn.stopReason = {
      kind: "aborted",
      message:
        `The turn was interrupted: Claude Code did not stop within ${timeoutMs} ms, so claw shut it down`,
    };
    await this.kill();
    return "killed";
  }

  /**
   * Ends the process gracefully: stdin is closed, so the CLI finishes a turn in flight and exits;
   * after `graceMs` it is shut down (and the turn ends `aborted`).
   */
  async close(graceMs: number): Promise<void> {
    if (this.#ended) return await this.exited.then(() => {});
    // Not awaited on its own: a CLI that stopped reading would keep a pending write, and close(),
    // waiting forever.
    this.#writer.close().catch(() => {});
    if (await settlesWithin(this.exited, graceMs)) return;
    if (this.#turn) {
      this.#turn.stopReason = {
        kind: "aborted",
        message:
          `The session was closed, and Claude Code did not finish the turn within ${graceMs} ms`,
      };
    }
    await this.kill();
  }

  /** Shuts the process (and its group) down now and waits until it is reaped. */
  async kill(): Promise<void> {
    this.#writer.close().catch(() => {});
    await shutdown(this.#process);
    await this.exited;
  }

  #write(line: Json): Promise<void> {
    return this.#writer.write(encoder.encode(`${JSON.stringify(line)}\n`));
  }

  async #pump(): Promise<ProcessStatus> {
    const reader = decodeEvents(this.#process.stdout, this.#options.run).getReader();
    let readFailure: ClawError | undefined;
    try {
      while (true) {
        const { value, done } = await reader.read();
        if (done) break;
        this.#route(value);
      }
    } catch (error) {
      readFailure = error instanceof ClawError ? error : new ClawError(
        "protocol",
        `Reading Claude Code's output failed: ${String(error)}`,
        { cause: error },
      );
      await shutdown(this.#process);
    }
    const status = await this.#process.status;
    await this.#stderr.done;
    this.#ended = true;
    const turn = this.#turn;
    this.#turn = undefined;
    turn?.supervisor.dispose();
    const stopReason = turn?.stopReason ?? turn?.supervisor.stopReason;
    const failure = readFailure ?? classifyRun({
      turn: turn?.log.facts ?? this.#factsBetweenTurns(),
      process: this.facts,
      status,
      stderrTail: this.#stderr.text,
      ...(stopReason ? { stopReason } : {}),
      scope: "session",
    }) ?? new ClawError("no_result", `Claude Code exited with code ${status.code}`);
    this.#channel.close(failure);
    turn?.log.end(failure);
    return status;
  }

  /** What the events that came between turns said (a CLI that refuses to start prints a result). */
  #factsBetweenTurns(): TurnFacts {
    const facts = new TurnFacts();
    for (const item of this.#between) facts.observe(item);
    return facts;
  }

  #route(item: DecodedItem): void {
    if (this.#channel.take(item)) return;
    // A user message's `completed` comes after its turn's result: it is no event of the next turn.
    if (item.type === "command_lifecycle" && item.command_uuid !== this.#turn?.uuid) return;
    if (item.type === "result") this.#checkSessionId(item);
    this.facts.observe(item);
    this.#options.observe(item);
    const turn = this.#turn;
    if (!turn) {
      this.#between.push(item);
      return;
    }
    turn.supervisor.sawOutput();
    turn.log.push(item);
    if (item.type === "result") this.#finish(turn, item);
  }

  /** The session id comes from `system/init`; a result that names another is reported. */
  #checkSessionId(result: ResultEvent): void {
    const { sessionId } = this.facts;
    if (sessionId !== undefined && result.session_id !== sessionId) {
      this.#options.run.onWarning?.(
        `The result names session "${result.session_id}", but system/init named "${sessionId}"`,
      );
    }
  }

  #finish(turn: ActiveTurn, result: ResultEvent): void {
    this.#turn = undefined;
    turn.supervisor.dispose();
    turn.log.totals = turnTotals(result, turn.log.items, this.#soFar);
    if (typeof result.total_cost_usd === "number") this.#soFar.costUsd = result.total_cost_usd;
    if (typeof result.duration_api_ms === "number") {
      this.#soFar.durationApiMs = result.duration_api_ms;
    }
    turn.log.end(classifyRun({
      turn: turn.log.facts,
      process: this.facts,
      status: undefined,
      stderrTail: this.#stderr.text,
      structuredOutput: this.#options.run.jsonSchema !== undefined,
      scope: "session",
    }));
  }
}
