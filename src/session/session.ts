/**
 * Multi-turn sessions: `startSession(options)` → {@linkcode ClaudeSession}, on one long-lived
 * process (`stream`) or one process per turn (`per-turn`), with the control protocol either way.
 *
 * @module
 */
import { ClawError, InvalidOptionError, invalidValue } from "../errors/claw_error.ts";
import { PERMISSION_MODES, type PermissionMode } from "../process/options.ts";
import { buildEnv } from "../process/env.ts";
import { versionWarning } from "../process/version.ts";
import { settlesWithin } from "../process/deadline.ts";
import { type InterruptOutcome, SessionProcess } from "./_session_process.ts";
import { TurnLog } from "./_turn_log.ts";
import { planSessionLaunch, resolveResume } from "./launch.ts";
import { preflightPrompt } from "./preflight.ts";
import { DEFAULT_EXIT_TIMEOUT_MS } from "./run_options.ts";
import {
  type McpServerConfig,
  type ResolvedSession,
  resolveSession,
  type SessionOptions,
  type SessionTransport,
  splitMcpServers,
} from "./session_options.ts";
import { hasStoredConversation } from "./_stored_conversation.ts";
import type {
  AccountInfo,
  InitializeResult,
  McpSetServersResult,
  ReadFileResult,
  ReloadPluginsOptions,
  ReloadPluginsResult,
  RewindFilesResult,
  SupportedAgent,
  SupportedModel,
} from "./control_answers.ts";
import { listOf, refusedRequest, unsupported } from "./_control_support.ts";
import type { SlashCommand } from "../protocol/events.ts";
import type { McpServer } from "./mcp_server.ts";
import { ToolObserver } from "./tool_observer.ts";
import { addTotals, emptyTotals, type Totals } from "./totals.ts";
import { ClaudeTurn } from "./turn.ts";
import { messageOf } from "../errors/message_of.ts";

export type { InterruptOutcome };

/** A user message: text, or content blocks (text, image, …) as the Messages API takes them. */
export type UserContent = string | readonly Record<string, unknown>[];

/** Options of {@linkcode ClaudeSession.send}. */
export interface SendOptions {
  /** The user message's id (its `uuid`); a new UUID when absent. See `ClaudeTurn.userMessageId`. */
  uuid?: string;
}

/** A message for {@linkcode ClaudeSession.streamInput}: a prompt, or an Agent SDK user message. */
export type StreamedMessage =
  | UserContent
  | { type: "user"; message: { content: UserContent }; uuid?: string };

/** Starts the session's process now and parks it as a spare (see `prewarm.ts`). */
export const PARK: unique symbol = Symbol("park");

/**
 * Takes the parked process out of the park; `false` when it is no longer running (it died, or
 * the session was closed).
 */
export const UNPARK: unique symbol = Symbol("unpark");

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
  /** A process being started, which every other start waits for. */
  #starting: Promise<SessionProcess> | undefined;
  #queue: Promise<void> = Promise.resolve();
  #turns: TurnLog[] = [];
  #settings: Settings = {};
  #thinkingTokens: number | null | undefined;
  /** The settings `applyFlagSettings()` merged, for later processes. */
  #flagSettings: Record<string, unknown> | undefined;
  /** The MCP servers `setMcpServers()` set (in-process ones as `{ type: "sdk" }`), for later processes. */
  #mcpServers: Record<string, unknown> | undefined;
  /** The in-process MCP servers the CLI reaches through the control protocol, by name. */
  readonly #inProcessServers: Map<string, McpServer>;
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
    this.#inProcessServers = new Map(resolved.mcpServers);
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

  /**
   * The version of the CLI the current (or last) process runs, as it said: in its `initialize`
   * answer (2.1.x) or its `system/init` (2.0.x, once a turn has started); `undefined` before.
   */
  get cliVersion(): string | undefined {
    return this.#process?.cliVersion;
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
    // The options and the CLI, checked before anything starts.
    const plan = planSessionLaunch(this.#resolved.run);
    if (this.#resolved.run.signal?.aborted) {
      throw new ClawError("aborted", "The session was aborted before it started");
    }
    if (this.transport === "stream") await this.#liveProcess();
    else {
      // The session to resume too (the first turn starts it), kept by id: a title is looked up once.
      const { resume } = await resolveResume(plan);
      if (resume !== undefined) this.#resolved.run.resume = resume;
      if (this.#resolved.run.prewarm) this.#startSpare(); // … or the spare started now
    }
  }

  /** Starts the process now, even on `per-turn`, and parks it: see `prewarm()`. */
  async [PARK](): Promise<void> {
    (await this.#liveProcess()).park();
  }

  /** See {@linkcode UNPARK}. */
  [UNPARK](): boolean {
    const running = this.#running;
    running?.unpark();
    return running !== undefined && !this.#closing;
  }

  /**
   * Queues `prompt` as the next user message; the turn starts when the turns before it have
   * ended. Iterate the returned turn for its events or await its `result()`. A prompt too big
   * for the session's current model throws a `ClawError` of kind `context_window` here, and the
   * session carries on (unless the `preflight` option is `false`).
   */
  send(prompt: UserContent, options: SendOptions = {}): ClaudeTurn {
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
        scope: "session",
      });
    }
    const uuid = options.uuid ?? crypto.randomUUID();
    const message = {
      content: prompt,
      uuid,
      ...(this.#resolved.run.verbatimPrompts ? { client_composed: true } : {}),
    };
    const log = new TurnLog();
    this.#turns = [...this.#turns.filter((turn) => !turn.ended), log];
    this.#queue = this.#queue.then(() => this.#take(log, message));
    return new ClaudeTurn(text, log, {
      schema: this.#resolved.run.jsonSchema,
      userMessageId: uuid,
    });
  }

  /**
   * Sends each message of `messages` as a turn, in order, as they come: the returned iterable
   * yields each {@linkcode ClaudeTurn} as it is queued (iterate it for the answers, or ignore
   * it). A message is a prompt, content blocks, or an Agent SDK user message (`{ type: "user",
   * message: { content }, uuid? }`). When `messages` ends, the session goes on; when it throws,
   * no more are sent, the iteration throws its error, and `onWarning` hears of it.
   */
  streamInput(
    messages: AsyncIterable<StreamedMessage> | Iterable<StreamedMessage>,
  ): AsyncIterable<ClaudeTurn> {
    const turns: ClaudeTurn[] = [];
    let ended = false;
    let failure: { error: unknown } | undefined;
    let wake = () => {};
    (async () => {
      try {
        for await (const message of messages) {
          if (this.#closing) break;
          const { content, uuid } = streamedMessage(message);
          turns.push(this.send(content, uuid === undefined ? {} : { uuid }));
          wake();
        }
      } catch (error) {
        failure = { error };
        this.#resolved.run.onWarning?.(
          `streamInput stopped: ${messageOf(error)}`,
        );
      } finally {
        ended = true;
        wake();
      }
    })();
    return {
      async *[Symbol.asyncIterator]() {
        let index = 0;
        while (true) {
          while (index < turns.length) yield turns[index++]!;
          if (ended) break;
          await new Promise<void>((resolve) => wake = resolve);
        }
        if (failure) throw failure.error;
      },
    };
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
   * transport): kind `unsupported` otherwise. `detail: "summary"` skips the per-category token
   * counts.
   */
  async getContextUsage(
    options: { detail?: "summary" | "full" } = {},
  ): Promise<Record<string, unknown>> {
    return await this.#ask("getContextUsage()", { subtype: "get_context_usage", ...options });
  }

  /** The MCP servers and their connection state, as the CLI sees them (stream transport). */
  async mcpServerStatus(): Promise<unknown[]> {
    return listOf(await this.#ask("mcpServerStatus()", { subtype: "mcp_status" }), "mcpServers");
  }

  /** The CLI's answer to `initialize`: its commands, models, account, output styles, … */
  async initializationResult(): Promise<InitializeResult> {
    return (await this.#controlProcess("initializationResult()")).info;
  }

  /**
   * Sends `initialize` again to the running process and returns its fresh answer (CLI 2.1.x
   * re-registers the hooks; 2.0.x refuses a second `initialize`: kind `unsupported`).
   */
  async reinitialize(): Promise<InitializeResult> {
    const process = await this.#controlProcess("reinitialize()");
    if (process.initializedVersion === undefined) {
      throw unsupported("reinitialize()", process.cliVersion, "it refuses a second initialize");
    }
    return await process.initialize(this.#resolved.controlTimeoutMs);
  }

  /** The slash commands and skills the session offers (from the `initialize` answer). */
  async supportedCommands(): Promise<SlashCommand[]> {
    return listOf(await this.initializationResult(), "commands");
  }

  /** The models the CLI offers, with what each supports (from the `initialize` answer). */
  async supportedModels(): Promise<SupportedModel[]> {
    return listOf(await this.initializationResult(), "models");
  }

  /**
   * The subagents the model can delegate to, the `agents` option's among them (from the
   * `initialize` answer; CLI 2.0.x does not list them there: kind `unsupported`).
   */
  async supportedAgents(): Promise<SupportedAgent[]> {
    const info = await this.initializationResult();
    if (!Array.isArray(info.agents)) {
      throw unsupported(
        "supportedAgents()",
        this.#process?.cliVersion,
        "its initialize answer lists no agents",
      );
    }
    return info.agents;
  }

  /** The account the CLI runs as: where its credential comes from (never a value). */
  async accountInfo(): Promise<AccountInfo> {
    const { account } = await this.initializationResult();
    return typeof account === "object" && account !== null ? account : {};
  }

  /**
   * Merges `settings` into the CLI's flag settings layer (what `--settings` sets), now and for any
   * process started later; a key set to `null` falls back to the settings files (CLI 2.1.x).
   */
  async applyFlagSettings(settings: Record<string, unknown>): Promise<void> {
    await this.#ask("applyFlagSettings()", { subtype: "apply_flag_settings", settings });
    this.#flagSettings = { ...this.#flagSettings, ...settings };
  }

  /**
   * The settings in effect and where each layer came from (`{ effective, sources, applied, … }`),
   * as the CLI merged them (CLI 2.1.x).
   */
  async getSettings(): Promise<Record<string, unknown>> {
    return await this.#ask("getSettings()", { subtype: "get_settings" });
  }

  /**
   * Writes `settings` to a settings file through the CLI's own writer, as `/config` does: only
   * `localSettings.outputStyle` and `userSettings.effortLevel` (CLI 2.1.x).
   */
  async updateSettings(
    source: "localSettings" | "userSettings",
    settings: Record<string, string>,
  ): Promise<void> {
    await this.#ask("updateSettings()", { subtype: "update_settings", source, settings });
  }

  /**
   * Reads a file through the CLI, under the Read tool's permissions (CLI 2.1.x): a refusal (a
   * missing or denied file) is kind `control_refused` with the CLI's reason.
   */
  async readFile(
    path: string,
    options: { maxBytes?: number; encoding?: "utf-8" | "base64" } = {},
  ): Promise<ReadFileResult> {
    const answer = await this.#ask("readFile()", {
      subtype: "read_file",
      path,
      ...(options.maxBytes === undefined ? {} : { max_bytes: options.maxBytes }),
      ...(options.encoding === undefined ? {} : { encoding: options.encoding }),
    });
    return answer as unknown as ReadFileResult;
  }

  /** Reloads plugins from disk; returns the session's commands, agents, plugins and MCP servers (CLI 2.1.x). */
  async reloadPlugins(options: ReloadPluginsOptions = {}): Promise<ReloadPluginsResult> {
    const answer = await this.#ask("reloadPlugins()", {
      subtype: "reload_plugins",
      ...(options.holdOnCacheImpact ? { hold_on_cache_impact: true } : {}),
      ...(options.addPlugins ? { add_plugins: options.addPlugins } : {}),
      ...(options.refuseIfBusy ? { refuse_if_busy: true } : {}),
    });
    return answer as ReloadPluginsResult;
  }

  /** Reloads skills from disk; returns them (CLI 2.1.x). */
  async reloadSkills(): Promise<SlashCommand[]> {
    return listOf(await this.#ask("reloadSkills()", { subtype: "reload_skills" }), "skills");
  }

  /** Re-reads the output-style folders; returns the style names (CLI 2.1.x). */
  async reloadOutputStyles(): Promise<string[]> {
    const answer = await this.#ask("reloadOutputStyles()", { subtype: "reload_output_styles" });
    return listOf(answer, "available_output_styles");
  }

  /**
   * Restores the files the session's turns changed to how they were when the user message
   * `userMessageId` (a turn's `userMessageId`) was sent; `dryRun` reports what would change.
   * Needs `enableFileCheckpointing`. CLI 2.0.x rewinds but reports nothing, and ignores `dryRun`
   * (it would rewind for real): a dry run there is kind `unsupported`.
   */
  async rewindFiles(
    userMessageId: string,
    options: { dryRun?: boolean } = {},
  ): Promise<RewindFilesResult> {
    const process = await this.#controlProcess("rewindFiles()");
    if (options.dryRun && process.initializedVersion === undefined) {
      throw unsupported(
        "rewindFiles({ dryRun })",
        process.cliVersion,
        "it ignores dry_run and would rewind the files",
      );
    }
    const answer = await this.#ask("rewindFiles()", {
      subtype: "rewind_files",
      user_message_id: userMessageId,
      ...(options.dryRun ? { dry_run: true } : {}),
    });
    return typeof answer.canRewind === "boolean"
      ? answer as unknown as RewindFilesResult
      : { canRewind: true };
  }

  /**
   * Tells the CLI the file at `path` was read when its mtime was `mtime` (floored ms), so an
   * Edit is not refused for a Read that left the context (CLI 2.1.x).
   */
  async seedReadState(path: string, mtime: number): Promise<void> {
    await this.#ask("seedReadState()", { subtype: "seed_read_state", path, mtime });
  }

  /** Reconnects the MCP server `serverName` the CLI runs (CLI 2.1.x); a failure is kind `control_refused`. */
  async reconnectMcpServer(serverName: string): Promise<void> {
    await this.#ask("reconnectMcpServer()", { subtype: "mcp_reconnect", serverName });
  }

  /** Enables or disables the MCP server `serverName` (CLI 2.1.x). */
  async toggleMcpServer(serverName: string, enabled: boolean): Promise<void> {
    await this.#ask("toggleMcpServer()", { subtype: "mcp_toggle", serverName, enabled });
  }

  /**
   * Reads a `ui://` resource from an MCP server the CLI runs (MCP Apps), for a host to render
   * sandboxed (CLI 2.1.x).
   */
  async readMcpResource(
    serverName: string,
    uri: string,
  ): Promise<{ contents: Record<string, unknown>[] }> {
    const answer = await this.#ask("readMcpResource()", {
      subtype: "mcp_read_resource",
      serverName,
      uri,
    });
    return { contents: listOf(answer, "contents") };
  }

  /**
   * Replaces the session's MCP servers (those of earlier calls and the in-process ones) with
   * `servers`: in-process ones made with `mcpServer()`, or configs of servers the CLI runs. Also
   * given to any process started later.
   */
  async setMcpServers(
    servers: Record<string, McpServer | McpServerConfig>,
  ): Promise<McpSetServersResult> {
    const { configs, inProcess } = splitMcpServers(servers);
    // The CLI may reach a new server before it answers: it is there from the start.
    for (const [name, server] of inProcess) this.#inProcessServers.set(name, server);
    const answer = await this.#ask("setMcpServers()", {
      subtype: "mcp_set_servers",
      servers: configs,
    });
    for (const name of this.#inProcessServers.keys()) {
      if (!inProcess.has(name)) this.#inProcessServers.delete(name);
    }
    this.#mcpServers = configs;
    return {
      added: listOf(answer, "added"),
      removed: listOf(answer, "removed"),
      errors: (answer.errors ?? {}) as Record<string, string>,
    };
  }

  /**
   * Pins (or clears, with `null`) the permission mode of one MCP server's tools: `default` asks
   * for each call, `auto` leaves it to auto mode; it only ever tightens (CLI 2.1.x). The answer's
   * `warning` says when no server has that name yet.
   */
  async setMcpPermissionModeOverride(
    serverName: string,
    mode: "default" | "auto" | null,
  ): Promise<{ warning?: string }> {
    const answer = await this.#ask("setMcpPermissionModeOverride()", {
      subtype: "set_mcp_permission_mode_override",
      serverName,
      mode,
    });
    return typeof answer.warning === "string" ? { warning: answer.warning } : {};
  }

  /** Stops the background task `taskId` (from `system/task_started`; CLI 2.1.x). */
  async stopTask(taskId: string): Promise<void> {
    await this.#ask("stopTask()", { subtype: "stop_task", task_id: taskId });
  }

  /**
   * Moves running foreground tasks (Bash commands, subagents) to the background, as Ctrl+B does:
   * the one `toolUseId` started, or all. `false` when `toolUseId` matched no running task (CLI
   * 2.1.x).
   */
  async backgroundTasks(toolUseId?: string): Promise<boolean> {
    const answer = await this.#ask("backgroundTasks()", {
      subtype: "background_tasks",
      ...(toolUseId === undefined ? {} : { tool_use_id: toolUseId }),
    });
    return answer.backgrounded !== false;
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
    await this.#starting?.catch(() => {}); // a spare being started is killed as it comes up
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
  async #take(log: TurnLog, message: { content: UserContent; uuid: string }): Promise<void> {
    if (log.ended) return; // interrupted or dropped while queued
    let process: SessionProcess | undefined;
    try {
      process = await this.#liveProcess();
      if (log.ended) return;
      process.startTurn(log, message);
      await log.done;
    } catch (error) {
      log.end(asClawError(error));
    }
    this.#noteProcess();
    if (log.totals) this.#totals = addTotals(this.#totals, log.totals);
    if (this.transport === "per-turn" && process) {
      await process.close(this.#exitTimeoutMs);
      if (this.#resolved.run.prewarm && !this.#closing) this.#startSpare();
    }
  }

  /** Starts the next turn's process now and parks it; a failure is the next turn's to report. */
  #startSpare(): void {
    this.#liveProcess().then((process) => process.park(), () => {});
  }

  /**
   * The running process (taken out of the park), or a new one that resumes the session when there
   * is none (or it died). A process being started is waited for, never started twice.
   */
  async #liveProcess(): Promise<SessionProcess> {
    while (this.#starting) await this.#starting.catch(() => {});
    const running = this.#running;
    if (running) {
      running.unpark();
      return running;
    }
    this.#starting = this.#startProcess();
    try {
      return await this.#starting;
    } finally {
      this.#starting = undefined;
    }
  }

  async #startProcess(): Promise<SessionProcess> {
    if (this.#closing) throw new ClawError("aborted", "The session was closed");
    this.#noteProcess();
    const run = await this.#processOptions();
    const process = await SessionProcess.start(planSessionLaunch(run), {
      run,
      handlers: {
        canUseTool: this.#resolved.run.canUseTool,
        hooks: this.#resolved.hooks.callbacks,
        hookPolicies: this.#resolved.hooks.policies,
        mcpServers: this.#inProcessServers,
        onElicitation: this.#resolved.run.onElicitation,
        onWarning: this.#resolved.run.onWarning,
      },
      initialize: this.#resolved.initialize,
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
    // No flags for these: a new process is told again.
    await this.#sendThinkingTokens(process);
    if (this.#flagSettings) {
      await process.request(
        { subtype: "apply_flag_settings", settings: this.#flagSettings },
        this.#resolved.controlTimeoutMs,
      );
    }
    if (this.#mcpServers) {
      await process.request(
        { subtype: "mcp_set_servers", servers: this.#mcpServers },
        this.#resolved.controlTimeoutMs,
      );
    }
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

  /**
   * Sends `request` (for `method`) to the running process and returns the answer; refused at once
   * (kind `unsupported`) where the CLI cannot serve it.
   */
  async #ask(method: string, request: Record<string, unknown> & { subtype: string }) {
    const process = await this.#controlProcess(method);
    const refusal = refusedRequest(
      method,
      request.subtype,
      process.initializedVersion,
      process.cliVersion,
    );
    if (refusal) throw refusal;
    return await process.request(request, this.#resolved.controlTimeoutMs);
  }

  async #controlProcess(method: string): Promise<SessionProcess> {
    if (this.transport === "per-turn") {
      if (this.#running) return this.#running;
      throw new ClawError(
        "unsupported",
        `${method} needs a running process: on the per-turn transport there is one only while a turn runs`,
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

/** The content and id of a streamed message. */
function streamedMessage(message: StreamedMessage): { content: UserContent; uuid?: string } {
  if (typeof message === "string" || Array.isArray(message)) {
    return { content: message as UserContent };
  }
  const { message: { content }, uuid } = message as Extract<StreamedMessage, { type: "user" }>;
  return uuid === undefined ? { content } : { content, uuid };
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
