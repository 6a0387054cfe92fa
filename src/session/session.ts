/**
 * Multi-turn sessions: `startSession(options)` → {@linkcode ClaudeSession}, on one long-lived
 * process (`stream`) or one process per turn (`per-turn`), with the control protocol either way.
 *
 * @module
 */
import { ClawError, InvalidOptionError, invalidValue } from "../errors/claw_error.ts";
import { PERMISSION_MODES, type PermissionMode } from "../process/options.ts";
import { buildEnv } from "../process/env.ts";
import { compareVersions, versionWarning } from "../process/version.ts";
import { settlesWithin } from "../process/_deadline.ts";
import { type InterruptOutcome, SessionProcess } from "./_session_process.ts";
import { TurnLog } from "./_turn_log.ts";
import { planSessionLaunch } from "./launch.ts";
import { preflightPrompt } from "./preflight.ts";
import { DEFAULT_EXIT_TIMEOUT_MS } from "./run_options.ts";
import {
  type ResolvedSession,
  resolveSession,
  type SessionOptions,
  type SessionTransport,
} from "./session_options.ts";
import { hasStoredConversation } from "./_stored_conversation.ts";
import { ToolObserver } from "./tool_observer.ts";
import { addTotals, emptyTotals, type Totals } from "./totals.ts";
import { ClaudeTurn } from "./turn.ts";

export type { InterruptOutcome };

/** A user message: text, or content blocks (text, image, …) as the Messages API takes them. */
export type UserContent = string | readonly Record<string, unknown>[];

/** The session settings a control request changed, which a new process gets as flags. */
interface Settings {
  /** `undefined`: back to the default model. */
  model?: string | undefined;
  permissionMode?: PermissionMode;
}

/**
 * A conversation with Claude Code. `send()` queues a prompt and returns its {@linkcode ClaudeTurn};
 * turns run one after another. The control requests (`interrupt()`, `setModel()`, …) each settle
 * within the session's `controlTimeoutMs`. Close it (`await using`, `close()`) to end the process:
 * every process it started is reaped.
 */
export class ClaudeSession implements AsyncDisposable {
  /** The transport the session runs on. */
  readonly transport: SessionTransport;
  readonly #resolved: ResolvedSession;
  readonly #observer: ToolObserver;
  #process: SessionProcess | undefined;
  #queue: Promise<void> = Promise.resolve();
  #turns: TurnLog[] = [];
  #settings: Settings = {};
  #thinkingTokens: number | null | undefined;
  #sessionId: string | undefined;
  #totals = emptyTotals();
  #warnedVersion = false;
  /** The preflight warnings given (an unknown model): each is said once per session. */
  readonly #preflightWarnings = new Set<string>();
  #closing: Promise<void> | undefined;
  readonly #onAbort = () => this.#abort();

  /** A session on `resolved` options; use {@linkcode startSession}. */
  constructor(resolved: ResolvedSession) {
    this.#resolved = resolved;
    this.transport = resolved.transport;
    this.#observer = new ToolObserver(resolved.run);
    resolved.run.signal?.addEventListener("abort", this.#onAbort, { once: true });
  }

  /** The session id, from the CLI's `system/init` (never guessed before it arrives). */
  get sessionId(): string | undefined {
    return this.#process?.facts.sessionId ?? this.#sessionId;
  }

  /** The CLI's answer to `initialize` on the current (or last) process. */
  get info(): Record<string, unknown> {
    return this.#process?.info ?? {};
  }

  /** What the session's finished turns cost and used, summed. */
  get totals(): Totals {
    return { ...this.#totals };
  }

  /** Whether the session has been closed. */
  get closed(): boolean {
    return this.#closing !== undefined;
  }

  /**
   * Starts the first process now (stream transport), so that a missing CLI, an unknown session to
   * resume or a CLI that will not initialize fails here. Called by {@linkcode startSession}.
   */
  async open(): Promise<void> {
    planSessionLaunch(this.#resolved.run); // the options and the CLI, checked before anything starts
    if (this.#resolved.run.signal?.aborted) {
      throw new ClawError("aborted", "The session was aborted before it started");
    }
    if (this.transport === "stream") await this.#liveProcess();
  }

  /**
   * Queues `prompt` as the next user message; the turn starts when the turns before it have
   * ended. Iterate the returned turn for its events or await its `result()`. A prompt too big
   * for the session's current model throws a `ClawError` of kind `context_window` here, and the
   * session carries on (unless the `preflight` option is `false`).
   */
  send(prompt: UserContent): ClaudeTurn {
    if (this.#closing) throw new ClawError("usage", "The session is closed: start a new one");
    const text = promptText(prompt);
    if (text === undefined) {
      throw new InvalidOptionError(
        ["prompt"],
        (name) =>
          `The ${name("prompt")} is empty: pass the text (or content blocks) Claude should work on`,
      );
    }
    if (this.#resolved.run.preflight !== false) {
      preflightPrompt(text, {
        model: this.#model,
        onWarning: (message) => this.#warnOnce(message),
      });
    }
    const log = new TurnLog();
    this.#turns = [...this.#turns.filter((turn) => !turn.ended), log];
    this.#queue = this.#queue.then(() => this.#take(log, prompt));
    return new ClaudeTurn(text, log, this.#resolved.run.jsonSchema);
  }

  /**
   * Interrupts the current turn: `"interrupted"` when the CLI stopped it (the turn ends with kind
   * `aborted`), `"idle"` when no turn was running, `"killed"` when the CLI did not stop within
   * the time box and its process was shut down (the turn ends `aborted`; the next `send()` starts
   * a fresh process that resumes the session). Turns queued behind it are dropped (kind `aborted`).
   */
  async interrupt(): Promise<InterruptOutcome> {
    const [log, ...queued] = this.#turns.filter((turn) => !turn.ended);
    if (!log) return "idle";
    for (const turn of queued) {
      turn.end(new ClawError("aborted", "The turn was dropped by an interrupt before it started"));
    }
    const deadline = Date.now() + this.#resolved.controlTimeoutMs;
    if (!(await settlesWithin(log.placed, deadline - Date.now()))) {
      log.end(new ClawError("aborted", "The turn was interrupted before it started"));
      return "interrupted";
    }
    if (log.ended || !this.#process) return "idle";
    return await this.#process.interrupt(Math.max(1, deadline - Date.now()));
  }

  /**
   * Switches the model for the following turns (`undefined`: the default model). Sent to the
   * running process, and passed as `--model` to any process started later.
   */
  async setModel(model: string | undefined): Promise<void> {
    if (model !== undefined && (typeof model !== "string" || model.trim() === "")) {
      throw invalidValue("model", model, "a model name or alias");
    }
    await this.#change({ model }, { subtype: "set_model", ...(model ? { model } : {}) });
  }

  /** Switches the permission mode, now and for any process started later. */
  async setPermissionMode(mode: PermissionMode): Promise<void> {
    if (!PERMISSION_MODES.includes(mode)) {
      throw invalidValue("permissionMode", mode, `one of ${PERMISSION_MODES.join(", ")}`);
    }
    await this.#change({ permissionMode: mode }, { subtype: "set_permission_mode", mode });
  }

  /** Limits extended thinking (`null`: the CLI's default), now and on later processes. */
  async setMaxThinkingTokens(tokens: number | null): Promise<void> {
    if (tokens !== null && !(Number.isInteger(tokens) && tokens >= 0)) {
      throw invalidValue("maxThinkingTokens", tokens, "a whole number of tokens, or null");
    }
    this.#thinkingTokens = tokens;
    await this.#sendThinkingTokens(this.#running);
  }

  /**
   * The context window's use, as the CLI's `/context` reports it (CLI 2.1 or later, stream
   * transport): kind `unsupported` otherwise.
   */
  async getContextUsage(): Promise<Record<string, unknown>> {
    const process = await this.#controlProcess("getContextUsage");
    const version = process.cliVersion;
    if (version === undefined || compareVersions(version, "2.1.0") < 0) {
      throw new ClawError(
        "unsupported",
        `Claude Code ${
          version ?? "2.0.x"
        } has no get_context_usage control request: it needs 2.1 or later`,
      );
    }
    return await process.request({ subtype: "get_context_usage" }, this.#resolved.controlTimeoutMs);
  }

  /** The MCP servers and their connection state, as the CLI sees them (stream transport). */
  async mcpServerStatus(): Promise<unknown[]> {
    const process = await this.#controlProcess("mcpServerStatus");
    const answer = await process.request(
      { subtype: "mcp_status" },
      this.#resolved.controlTimeoutMs,
    );
    return Array.isArray(answer.mcpServers) ? answer.mcpServers : [];
  }

  /**
   * Ends the session: turns not yet started are dropped (kind `aborted`), the process gets stdin
   * EOF so it finishes the turn in flight, and is shut down if it has not exited within
   * `exitTimeoutMs` (default 10 s). Resolves once every process is reaped.
   */
  close(): Promise<void> {
    this.#closing ??= this.#close(false);
    return this.#closing;
  }

  /** Closes the session; see {@linkcode ClaudeSession.close}. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  async #close(now: boolean): Promise<void> {
    this.#resolved.run.signal?.removeEventListener("abort", this.#onAbort);
    const reason = now ? "The session was aborted" : "The session was closed";
    for (const turn of this.#turns) {
      // A turn already written to the process ends with it; the others never start.
      if (!turn.isPlaced) turn.end(new ClawError("aborted", `${reason} before the turn started`));
    }
    const process = this.#process;
    if (process) {
      await (now ? process.kill() : process.close(this.#exitTimeoutMs));
    }
    await this.#queue;
  }

  #abort(): void {
    this.#closing ??= this.#close(true);
  }

  /** Runs one queued turn on a process, then adds up its totals. */
  async #take(log: TurnLog, prompt: UserContent): Promise<void> {
    if (log.ended) return; // interrupted or dropped while queued
    let process: SessionProcess | undefined;
    try {
      process = await this.#liveProcess();
      if (log.ended) return;
      process.startTurn(log, prompt);
      await log.done;
    } catch (error) {
      log.end(asClawError(error));
    }
    this.#noteProcess();
    if (log.totals) this.#totals = addTotals(this.#totals, log.totals);
    if (this.transport === "per-turn" && process) {
      await process.close(this.#exitTimeoutMs);
    }
  }

  /** The running process, or a new one that resumes the session when there is none (or it died). */
  async #liveProcess(): Promise<SessionProcess> {
    if (this.#running) return this.#running;
    if (this.#closing) throw new ClawError("aborted", "The session was closed");
    this.#noteProcess();
    const run = await this.#processOptions();
    const process = await SessionProcess.start(planSessionLaunch(run), {
      run,
      handlers: {
        canUseTool: this.#resolved.run.canUseTool,
        hooks: this.#resolved.hooks.callbacks,
        mcpServers: this.#resolved.mcpServers,
      },
      hooks: this.#resolved.hooks.initialize,
      observe: (item) => {
        if (this.#observer.active) this.#observer.observe(item);
      },
    });
    if (this.#closing) {
      await process.kill(); // the session was closed while this process started
      throw new ClawError("aborted", "The session was closed");
    }
    this.#process = process;
    this.#warnVersion(process.cliVersion);
    await this.#sendThinkingTokens(process); // no flag for it: a new process is told again
    return process;
  }

  /**
   * The options of the next process: the first starts as asked, the others resume the session,
   * unless the real CLI stored none of it (2.0.76 killed in the first turn leaves an empty file
   * and refuses to resume it): then a new session starts, and the host is told.
   */
  async #processOptions(): Promise<SessionOptions> {
    const { model, ...settings } = this.#settings;
    const options: SessionOptions = { ...this.#resolved.run, ...settings };
    if ("model" in this.#settings) {
      if (model === undefined) delete options.model;
      else options.model = model;
    }
    if (this.#sessionId === undefined) return options;
    const { continue: _continue, forkSession: _fork, sessionId: _id, resume: _resume, ...rest } =
      options;
    if (options.spawner || await this.#stored(this.#sessionId)) {
      return { ...rest, resume: this.#sessionId };
    }
    this.#resolved.run.onWarning?.(
      `Session "${this.#sessionId}" stored no conversation before its process ended: the next turn starts a new session`,
    );
    this.#sessionId = undefined;
    return rest;
  }

  /** Whether the real CLI stored any of session `id`, where the session's processes look. */
  #stored(id: string): Promise<boolean> {
    const { cwd } = this.#resolved.run;
    return hasStoredConversation(id, {
      env: buildEnv(this.#resolved.run),
      ...(cwd === undefined ? {} : { cwd }),
    });
  }

  /** Keeps what the current process learnt (its session id) for the processes after it. */
  #noteProcess(): void {
    const process = this.#process;
    if (!process) return;
    this.#sessionId = process.facts.sessionId ?? this.#sessionId;
    this.#warnVersion(process.cliVersion);
  }

  get #exitTimeoutMs(): number {
    return this.#resolved.run.exitTimeoutMs ?? DEFAULT_EXIT_TIMEOUT_MS;
  }

  #warnVersion(version: string | undefined): void {
    if (this.#warnedVersion || version === undefined) return;
    this.#warnedVersion = true;
    const warning = versionWarning(version);
    if (warning) this.#resolved.run.onWarning?.(warning);
  }

  /** The model of the next turn: the one `setModel()` chose, else the session's option. */
  get #model(): string | undefined {
    return "model" in this.#settings ? this.#settings.model : this.#resolved.run.model;
  }

  #warnOnce(message: string): void {
    if (this.#preflightWarnings.has(message)) return;
    this.#preflightWarnings.add(message);
    this.#resolved.run.onWarning?.(message);
  }

  async #change(settings: Settings, request: Record<string, unknown> & { subtype: string }) {
    this.#settings = { ...this.#settings, ...settings };
    await this.#running?.request(request, this.#resolved.controlTimeoutMs);
  }

  /** The thinking-token limit set with `setMaxThinkingTokens()`, sent to `process`. */
  async #sendThinkingTokens(process: SessionProcess | undefined): Promise<void> {
    if (this.#thinkingTokens === undefined) return;
    await process?.request(
      { subtype: "set_max_thinking_tokens", max_thinking_tokens: this.#thinkingTokens },
      this.#resolved.controlTimeoutMs,
    );
  }

  /** The process, while it runs. */
  get #running(): SessionProcess | undefined {
    return this.#process?.alive ? this.#process : undefined;
  }

  async #controlProcess(method: string): Promise<SessionProcess> {
    if (this.transport === "per-turn") {
      if (this.#running) return this.#running;
      throw new ClawError(
        "unsupported",
        `${method}() needs a running process: on the per-turn transport there is one only while a turn runs`,
      );
    }
    return await this.#liveProcess();
  }
}

/**
 * Starts a session. On the `stream` transport (the default) the CLI process starts and is
 * initialized before this resolves; on `per-turn` each turn starts its own. Resume one with
 * `resume: id`, the cwd's most recent with `continue: true`, and add `forkSession: true` to
 * continue under a new id.
 *
 * @example Replay a recorded three-turn session
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { replaySpawner } from "../cassette/testing.ts";
 * import { startSession } from "./session.ts";
 *
 * const spawner = replaySpawner(new URL("../../fixtures/cassettes/2.1.332/session_three_turns.ndjson", import.meta.url));
 * await using session = await startSession({ spawner });
 * strictEqual(await session.send("Remember the word: apple").text(), "Noted.");
 * ```
 */
export async function startSession(options: SessionOptions = {}): Promise<ClaudeSession> {
  const session = new ClaudeSession(resolveSession(options));
  try {
    await session.open();
  } catch (error) {
    await session.close();
    throw error;
  }
  return session;
}

function promptText(prompt: UserContent): string | undefined {
  const text = typeof prompt === "string"
    ? prompt
    : Array.isArray(prompt)
    ? prompt.map((block) => typeof block.text === "string" ? block.text : "").join("\n")
    : "";
  if (
    typeof prompt === "string" ? text.trim() === "" : !Array.isArray(prompt) || prompt.length === 0
  ) {
    return undefined;
  }
  return text;
}

function asClawError(error: unknown): ClawError {
  return error instanceof ClawError
    ? error
    : new ClawError("spawn", `Starting the session's process failed: ${String(error)}`, {
      cause: error,
    });
}
