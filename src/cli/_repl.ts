/**
 * The interactive side of `claw session`: prompts read line by line, each sent as a turn of one
 * long-lived session, its events rendered as they stream. Ctrl-C interrupts the running turn (or,
 * at the prompt, ends the session), permission prompts are asked on a terminal.
 *
 * A turn is one prompt and its answer, numbered from 1 in each REPL (`/rewind N` takes that
 * number); the model's round trips within a turn (the CLI's `num_turns`) are called round trips.
 */
import { ClawError, InvalidOptionError } from "../errors/claw_error.ts";
import { isSessionId, type PermissionMode, permissionModesOf } from "../process/options.ts";
import { standIn } from "../process/_live_children.ts";
import { readCliVersion } from "../process/version.ts";
import { planSessionLaunch } from "../session/launch.ts";
import type { CanUseTool } from "../session/permissions.ts";
import { type ClaudeSession, startSession } from "../session/session.ts";
import type { SessionOptions } from "../session/session_options.ts";
import { UsageError } from "./_args.ts";
import { flagFor, flagValues, parseFlags } from "./_flags.ts";
import { LineReader } from "./_line_reader.ts";
import { costLine, type Styles, TextRenderer, toolSummary, type Write } from "./_render.ts";
import { RUN_FLAGS } from "./_run_flags.ts";
import { failureDetails, writer } from "./_run_stream.ts";
import { startSpinner } from "./_spinner.ts";
import { colourEnabled, styles } from "./_style.ts";

/** How a REPL picks its session. */
export type ReplKind = "new" | "resume" | "continue" | "fork";

/** The slash commands, with the permission modes the running CLI has. */
function slashHelp(modes: readonly string[]): string {
  return `/exit         end the session
/model NAME   switch the model (no NAME: the default)
/mode MODE    switch the permission mode (${modes.join(", ")})
/agents       the subagents Claude can delegate to
/mcp          the MCP servers and their state; /mcp reconnect|enable|disable NAME
/rewind [N]   put back the files turn N (default: the last) changed
/cost         what this REPL's turns cost so far
/id           the session id
/help         this list`;
}

const MCP_ACTIONS = ["reconnect", "enable", "disable"];

/** Runs the REPL for `claw session <kind> [ID] [run options]`; returns the exit code. */
export async function runRepl(kind: ReplKind, args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(args, RUN_FLAGS);
  const options = flagValues(RUN_FLAGS, values) as SessionOptions;
  const needsId = kind === "resume" || kind === "fork";
  if (needsId && positionals.length !== 1) {
    throw new UsageError(`claw session ${kind} takes one session ID, got ${positionals.length}`);
  }
  if (!needsId && positionals.length > 0) {
    throw new UsageError(
      `claw session ${kind} takes no prompt: type the prompts once it has started`,
    );
  }
  if (needsId) options.resume = positionals[0]!;
  if (kind === "fork") options.forkSession = true;
  if (kind === "continue") options.continue = true;
  return await new Repl(options, kind).run();
}

class Repl {
  readonly #options: SessionOptions;
  readonly #kind: ReplKind;
  readonly #lines = new LineReader();
  readonly #tty = Deno.stdin.isTerminal();
  readonly #out: Write = writer(Deno.stdout, () => {});
  readonly #err: Write = writer(Deno.stderr, () => {});
  readonly #s: Styles = styles(colourEnabled(Deno.stderr));
  /** Tools the user allowed for the rest of the session ("a" at a permission prompt). */
  readonly #alwaysAllowed = new Set<string>();
  #session: ClaudeSession | undefined;
  #turnRunning = false;
  /** Ctrl-C was pressed during the running turn (said once per turn). */
  #interrupting = false;
  /** The running CLI's version, asked once (for `/help` and `/mode`). */
  #version: Promise<string | undefined> | undefined;
  /** The user message id of each turn sent, for /rewind. */
  readonly #turnIds: string[] = [];
  /** Ends the wait for the next prompt (Ctrl-C at the prompt, SIGTERM). */
  readonly #quit = new AbortController();
  /** Ends the session at once, a turn in flight included (SIGTERM). */
  readonly #terminate = new AbortController();
  #failed = false;

  constructor(options: SessionOptions, kind: ReplKind) {
    this.#kind = kind;
    this.#options = {
      ...options,
      includePartialMessages: true,
      enableFileCheckpointing: true, // for /rewind
      signal: this.#terminate.signal,
      onWarning: (message) => this.#err(this.#s.yellow(`warning: ${message}`) + "\n"),
      // Without a terminal nobody can answer: the CLI denies what --permission-mode does not allow.
      ...(this.#tty ? { canUseTool: this.#askPermission } : {}),
    };
  }

  async run(): Promise<number> {
    // The REPL answers Ctrl-C and SIGTERM itself: the session's process is not killed under it.
    const release = standIn();
    const onInterrupt = () => this.#onInterrupt();
    const onTerminate = () => {
      this.#quit.abort();
      this.#terminate.abort();
    };
    Deno.addSignalListener("SIGINT", onInterrupt);
    Deno.addSignalListener("SIGTERM", onTerminate);
    // The session's process starts while the user types the first prompt.
    const starting = this.#start();
    starting.catch(() => {}); // awaited below, and by the loop
    try {
      if (this.#tty) this.#err(this.#s.dim(this.#banner()) + "\n");
      await this.#loop(starting);
      await starting; // a start that failed is reported even when no prompt came
    } finally {
      await (await starting.catch(() => undefined))?.close();
      Deno.removeSignalListener("SIGINT", onInterrupt);
      Deno.removeSignalListener("SIGTERM", onTerminate);
      release();
    }
    if (this.#terminate.signal.aborted) return 143; // 128 + SIGTERM, as the signal would have
    return this.#failed ? 1 : 0;
  }

  /** The first line on a terminal: which session this is, then how to use the REPL. */
  #banner(): string {
    const id = this.#options.resume;
    const which = this.#kind === "resume"
      ? `Resuming session ${id}. `
      : this.#kind === "fork"
      ? `Forking session ${id}: the fork gets its own id with its first prompt. `
      : this.#kind === "continue"
      ? "Continuing the most recent session in this folder. "
      : "";
    return `${which}Type a prompt; /help for commands, Ctrl-D to end.`;
  }

  /**
   * The session's id: the CLI's once a turn has started; before that, the id given to
   * `resume` (a fork and `continue` learn theirs from the CLI with the first prompt).
   */
  #sessionId(session: ClaudeSession): string | undefined {
    if (session.sessionId !== undefined) return session.sessionId;
    const id = this.#options.resume;
    return this.#kind === "resume" && id !== undefined && isSessionId(id) ? id : undefined;
  }

  /**
   * The running CLI's version: as the session's process said it (see `cliVersion`), else
   * `claude --version` (2.0.x says it only once a turn has started), asked once; `undefined` when
   * neither says.
   */
  #cliVersion(session: ClaudeSession): Promise<string | undefined> {
    this.#version ??= (async () => {
      const said = session.cliVersion;
      if (said !== undefined) return said;
      const plan = planSessionLaunch(this.#options);
      return await readCliVersion({
        cli: plan.request.command,
        hostEnv: plan.request.env,
        spawner: plan.spawner,
      });
    })().catch(() => undefined);
    return this.#version;
  }

  async #start(): Promise<ClaudeSession> {
    try {
      this.#session = await startSession(this.#options);
      return this.#session;
    } catch (error) {
      if (error instanceof InvalidOptionError) {
        throw new UsageError(error.describe((option) => flagFor(RUN_FLAGS, option) ?? option));
      }
      throw error;
    }
  }

  /** Reads prompts until the end of input; a start that fails meanwhile ends it at once. */
  async #loop(starting: Promise<ClaudeSession>): Promise<void> {
    const failed = starting.then(() => new Promise<never>(() => {}));
    let session: ClaudeSession | undefined;
    while (true) {
      if (this.#tty) this.#err(this.#s.bold("> "));
      const next = this.#lines.next(this.#quit.signal);
      const line = session ? await next : await Promise.race([next, failed]);
      if (line === null) {
        if (this.#tty) this.#err("\n");
        return;
      }
      const prompt = line.trim();
      if (prompt === "") continue;
      session ??= await starting;
      if (prompt.startsWith("/")) {
        if (await this.#command(session, prompt) === "exit") return;
        continue;
      }
      await this.#turn(session, prompt);
    }
  }

  async #turn(session: ClaudeSession, prompt: string): Promise<void> {
    const renderer = new TextRenderer({
      out: this.#out,
      err: this.#err,
      styles: this.#s,
      partial: true,
    });
    const stopSpinner = startSpinner("Waiting for Claude…", this.#tty);
    const turn = session.send(prompt);
    this.#turnIds.push(turn.userMessageId);
    const label = `turn ${this.#turnIds.length}`;
    this.#turnRunning = true;
    this.#interrupting = false;
    try {
      for await (const item of turn) {
        stopSpinner();
        renderer.render(item);
      }
      renderer.endAnswer();
      if (turn.totals) {
        this.#err(this.#s.dim(costLine(turn.totals, session.sessionId, { label })) + "\n");
      }
    } catch (error) {
      stopSpinner();
      renderer.endAnswer();
      if (!(error instanceof ClawError)) throw error;
      if (error.kind === "aborted") {
        this.#err(this.#s.yellow("interrupted") + "\n");
      } else {
        this.#failed = true;
        this.#err(
          `${this.#s.red(`error[${error.kind}]`)}: ${error.message}${failureDetails(error)}\n`,
        );
        this.#err(`${this.#s.dim("hint:")} ${error.hint}\n`);
      }
    } finally {
      this.#turnRunning = false;
    }
  }

  async #command(session: ClaudeSession, line: string): Promise<"exit" | void> {
    const [name, ...rest] = line.slice(1).split(/\s+/);
    const argument = rest.join(" ").trim();
    try {
      switch (name) {
        case "exit":
        case "quit":
          return "exit";
        case "model":
          await session.setModel(argument === "" ? undefined : argument);
          this.#err(`model: ${argument || "the default"}\n`);
          return;
        case "mode":
          return await this.#mode(session, argument);
        case "agents":
          for (const agent of await session.supportedAgents()) {
            this.#err(`${this.#s.bold(agent.name)}  ${firstSentence(agent.description)}\n`);
          }
          return;
        case "mcp":
          return await this.#mcp(session, argument);
        case "rewind":
          return await this.#rewind(session, argument);
        case "cost": {
          const turns = this.#turnIds.length;
          const label = `${turns} turn${turns === 1 ? "" : "s"}`;
          this.#err(costLine(session.totals, this.#sessionId(session), { label }) + "\n");
          return;
        }
        case "id":
          this.#out(`${this.#sessionId(session) ?? "(none yet: send a prompt first)"}\n`);
          return;
        case "help":
          this.#err(slashHelp(permissionModesOf(await this.#cliVersion(session))) + "\n");
          return;
        default:
          this.#err(`Unknown command "/${name}": try /help\n`);
      }
    } catch (error) {
      if (!(error instanceof ClawError)) throw error;
      this.#err(`${this.#s.red(`error[${error.kind}]`)}: ${error.message}\n`);
    }
  }

  /** `/mode MODE`: one the running CLI has; without MODE, those it has. */
  async #mode(session: ClaudeSession, argument: string): Promise<void> {
    const version = await this.#cliVersion(session);
    const modes: readonly string[] = permissionModesOf(version);
    const cli = version === undefined ? "This Claude Code" : `Claude Code ${version}`;
    if (argument === "") {
      this.#err(`Permission modes of ${cli}: ${modes.join(", ")}\n`);
    } else if (!modes.includes(argument)) {
      this.#err(`Unknown permission mode "${argument}": ${cli} has ${modes.join(", ")}\n`);
    } else {
      await session.setPermissionMode(argument as PermissionMode);
      this.#err(`permission mode: ${argument}\n`);
    }
  }

  /** `/mcp`: the servers' state, or `reconnect|enable|disable NAME`. */
  async #mcp(session: ClaudeSession, argument: string): Promise<void> {
    const [action, name] = argument.split(/\s+/);
    if (action && !(MCP_ACTIONS.includes(action) && name)) {
      this.#err(`Usage: /mcp, or /mcp ${MCP_ACTIONS.join("|")} NAME\n`);
      return;
    }
    if (action === "reconnect") await session.reconnectMcpServer(name!);
    else if (action) await session.toggleMcpServer(name!, action === "enable");
    const servers = (await session.mcpServerStatus()) as { name?: string; status?: string }[];
    if (servers.length === 0) this.#err("No MCP servers\n");
    for (const server of servers) this.#err(`${server.name}: ${server.status}\n`);
  }

  /** `/rewind [N]`: the files as they were before turn N (the last by default). */
  async #rewind(session: ClaudeSession, argument: string): Promise<void> {
    const number = argument === "" ? this.#turnIds.length : Number(argument);
    const id = Number.isInteger(number) ? this.#turnIds[number - 1] : undefined;
    if (id === undefined) {
      this.#err(
        this.#turnIds.length === 0
          ? "No turn to rewind yet\n"
          : `Usage: /rewind [N], N from 1 to ${this.#turnIds.length}\n`,
      );
      return;
    }
    // 2.1.x says which files a rewind changes; 2.0.x only rewinds.
    const preview = await session.rewindFiles(id, { dryRun: true }).catch(() => undefined);
    const result = await session.rewindFiles(id);
    if (!result.canRewind) {
      this.#err(`Cannot rewind: ${result.error ?? "Claude Code gave no reason"}\n`);
      return;
    }
    const files = preview?.filesChanged ?? [];
    this.#err(
      `Rewound the files to before turn ${number}${
        files.length
          ? `: ${files.map((file) => file.slice(file.lastIndexOf("/") + 1)).join(", ")}`
          : ""
      }\n`,
    );
  }

  #onInterrupt(): void {
    if (this.#turnRunning) {
      // The terminal has echoed ^C already: say what it does, once per turn.
      if (!this.#interrupting) this.#err(this.#s.dim("\ninterrupting…") + "\n");
      this.#interrupting = true;
      this.#session?.interrupt().catch(() => {});
    } else {
      this.#quit.abort();
    }
  }

  readonly #askPermission: CanUseTool = async (toolName, input, { signal }) => {
    if (this.#alwaysAllowed.has(toolName)) return { behavior: "allow" };
    this.#err(`\n${this.#s.bold(`Allow ${toolName}(${toolSummary(input)})?`)} [y/N/a] `);
    const answer = (await this.#lines.next(signal))?.trim().toLowerCase();
    if (answer === "a" || answer === "always") this.#alwaysAllowed.add(toolName);
    if (answer === "y" || answer === "yes" || this.#alwaysAllowed.has(toolName)) {
      return { behavior: "allow" };
    }
    return { behavior: "deny", message: `The user denied ${toolName}` };
  };
}

/** The first sentence of `text`, at most 100 characters. */
function firstSentence(text: string): string {
  const sentence = /^.*?[.!?](?=\s|$)/.exec(text)?.[0] ?? text;
  return sentence.length > 100 ? `${sentence.slice(0, 99)}…` : sentence;
}
