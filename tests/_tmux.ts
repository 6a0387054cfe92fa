/**
 * Test support: drive an interactive terminal program through tmux, for end-to-end tests.
 *
 * Each {@linkcode TmuxSession} runs one program in a detached tmux session on its own server
 * socket (`tmux -L <unique name>`, config `/dev/null`), so tests never touch a user's tmux and can
 * run in parallel. Keys go in with `send-keys`, the screen comes out with `capture-pane`, and
 * `remain-on-exit` keeps the pane around so the final screen and exit status can be read.
 *
 * tmux discards output the program writes in its last moments before it exits (tmux/tmux#506):
 * to check a final screen, `waitFor` it while the program still runs (e.g. waiting on input), then
 * end it.
 *
 * tmux may be missing (CI): tests check {@linkcode hasTmux} and are ignored, printing the reason.
 *
 * ```ts ignore
 * await using tmux = await TmuxSession.start(["sh", "-c", 'printf "name? "; read n; echo "hi $n"']);
 * await tmux.waitFor("name? ");
 * await tmux.type("bob");
 * await tmux.sendKeys("Enter");
 * await tmux.waitFor("hi bob");
 * ```
 */

let tmuxAvailable: boolean | undefined;

/** Whether `tmux` is on PATH and runs (checked once). */
export function hasTmux(): boolean {
  if (tmuxAvailable === undefined) {
    try {
      const { success } = new Deno.Command("tmux", { args: ["-V"], stdout: "null", stderr: "null" })
        .outputSync();
      tmuxAvailable = success;
    } catch {
      tmuxAvailable = false;
    }
  }
  return tmuxAvailable;
}

/** How to start the program. */
export interface TmuxOptions {
  /** Working directory of the program (default: the test's). */
  cwd?: string;
  /**
   * The program's environment on top of PATH and HOME (taken from the test) and TERM
   * (`xterm-256color`); any of those three can be overridden here. Nothing else of the test's
   * environment reaches the program; tmux itself adds `TMUX`, `TMUX_PANE`, `TERM_PROGRAM*`,
   * `SHELL` and `PWD`.
   */
  env?: Record<string, string>;
  /** Terminal width in columns (default 80). */
  width?: number;
  /** Terminal height in rows (default 24). */
  height?: number;
}

/** Options for {@linkcode TmuxSession.waitFor}. */
export interface WaitForOptions {
  /** Give up (throwing, with the last screen) after this long; default 10 s. */
  timeoutMs?: number;
  /**
   * Wait until `pattern` occurs this many times in the scrollback plus screen (default 1), e.g.
   * `{ count: 2 }` for the second prompt.
   */
  count?: number;
}

/** Quotes `word` for a POSIX shell: `it's` becomes `'it'\''s'`. */
export function shellQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

const SESSION = "main";
const POLL_MS = 50;
const DEFAULT_TIMEOUT_MS = 10_000;
/** The line tmux prints at the bottom of a pane that died under `remain-on-exit`. */
const DEAD_LINE = /^Pane is dead \(.*\)\s*$/;

let sessions = 0;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One program running in a detached tmux session on a private tmux server. */
export class TmuxSession implements AsyncDisposable {
  /** The tmux server's socket name: `tmux -L <socket> ...` reaches it. */
  readonly socket: string;
  #socketPath = "";
  #serverPid = 0;
  #panePid = 0;

  private constructor(socket: string) {
    this.socket = socket;
  }

  /**
   * Starts `command` (an argv, quoted for the shell tmux hands it to and run with `exec`, so the
   * pane's process is the program itself) in a new detached session on its own tmux server.
   */
  static async start(command: string[], options: TmuxOptions = {}): Promise<TmuxSession> {
    if (command.length === 0) throw new Error("TmuxSession.start: empty command");
    const socket = `claw-test-${Deno.pid}-${++sessions}-${crypto.randomUUID().slice(0, 8)}`;
    const session = new TmuxSession(socket);
    const { TERM = "xterm-256color", ...env } = options.env ?? {};
    const newSession = [
      "new-session",
      "-d",
      "-s",
      SESSION,
      "-x",
      String(options.width ?? 80),
      "-y",
      String(options.height ?? 24),
      ...(options.cwd === undefined ? [] : ["-c", options.cwd]),
      ...Object.entries(env).flatMap(([name, value]) => ["-e", `${name}=${value}`]),
      `exec ${command.map(shellQuote).join(" ")}`,
    ];
    try {
      // One tmux invocation, so the options are set before the program can exit.
      await session.#tmux(
        ...["set", "-g", "remain-on-exit", "on", ";"],
        ...["set", "-g", "status", "off", ";"],
        ...["set", "-g", "default-shell", "/bin/sh", ";"],
        ...["set", "-g", "default-terminal", TERM, ";"],
        ...newSession,
      );
      const [serverPid, panePid, socketPath] =
        (await session.#display("#{pid}\t#{pane_pid}\t#{socket_path}"))
          .split("\t");
      session.#serverPid = Number(serverPid);
      session.#panePid = Number(panePid);
      session.#socketPath = socketPath ?? "";
    } catch (error) {
      await session[Symbol.asyncDispose]();
      throw error;
    }
    return session;
  }

  /** Sends tmux key names, e.g. `"C-c"`, `"C-d"`, `"Enter"`, `"Up"`. */
  async sendKeys(...keys: string[]): Promise<void> {
    await this.#tmux("send-keys", "-t", SESSION, "--", ...keys);
  }

  /** Types `text` literally (`send-keys -l`); press Enter with {@linkcode sendKeys}. */
  async type(text: string): Promise<void> {
    await this.#tmux("send-keys", "-t", SESSION, "-l", "--", text);
  }

  /**
   * The visible screen (`capture-pane -p -J`: wrapped lines joined), without trailing blank lines
   * or tmux's "Pane is dead" line. With `history`, the scrollback comes first: after the program
   * exits, tmux's dead-pane line scrolls the top line of the screen into it.
   */
  async screen(options: { history?: boolean } = {}): Promise<string> {
    const text = await this.#tmux(
      "capture-pane",
      "-p",
      "-J",
      "-t",
      SESSION,
      ...(options.history ? ["-S", "-"] : []),
    );
    const lines = text.split("\n");
    while (lines.length > 0 && lines.at(-1)!.trim() === "") lines.pop();
    if (lines.length > 0 && DEAD_LINE.test(lines.at(-1)!)) lines.pop();
    while (lines.length > 0 && lines.at(-1)!.trim() === "") lines.pop();
    return lines.join("\n");
  }

  /**
   * Polls the scrollback plus screen every 50 ms until `pattern` occurs `count` times (default 1)
   * and returns that text; throws on timeout with the last screen in the message.
   */
  async waitFor(pattern: string | RegExp, options: WaitForOptions = {}): Promise<string> {
    const { timeoutMs = DEFAULT_TIMEOUT_MS, count = 1 } = options;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const text = await this.screen({ history: true });
      const seen = occurrences(text, pattern);
      if (seen >= count) return text;
      if (Date.now() >= deadline) {
        throw new Error(
          `timed out after ${timeoutMs} ms waiting for ${String(pattern)}` +
            (count > 1 ? ` ×${count} (seen ${seen})` : "") + `; screen:\n${text}`,
        );
      }
      await sleep(POLL_MS);
    }
  }

  /**
   * Waits (polling; default 10 s, then throws with the screen) for the program to exit and
   * returns its exit status, or `undefined` if a signal killed it. Output written just before the
   * exit may be missing from the screen: see the module doc.
   */
  async exited(options: { timeoutMs?: number } = {}): Promise<number | undefined> {
    const { timeoutMs = DEFAULT_TIMEOUT_MS } = options;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const [dead, status, signal] = (
        await this.#display("#{pane_dead}\t#{pane_dead_status}\t#{pane_dead_signal}")
      ).split("\t");
      if (dead === "1" && status) return Number(status);
      if (dead === "1" && signal) return undefined;
      if (dead === "1") {
        // Dead (pty closed) but not reaped: a tmux built with libutempter can lose the SIGCHLD
        // (tmux/tmux#311), leaving the program a zombie; nudging the server makes it reap.
        try {
          Deno.kill(this.#serverPid, "SIGCHLD");
        } catch {
          // The server is gone; the deadline reports it.
        }
      }
      if (Date.now() >= deadline) {
        throw new Error(
          `program still running after ${timeoutMs} ms; screen:\n${await this.screen()}`,
        );
      }
      await sleep(POLL_MS);
    }
  }

  /** The program's pid (`pane_pid`). */
  async pid(): Promise<number> {
    return Number(await this.#display("#{pane_pid}"));
  }

  /**
   * Kills the tmux server (the program gets SIGHUP; its process group gets SIGKILL if it is still
   * around a second later), waits for the server to go and removes its socket. Never throws.
   */
  async [Symbol.asyncDispose](): Promise<void> {
    try {
      await this.#tmux("kill-server");
    } catch {
      // Already gone, or never started.
    }
    if (this.#panePid > 0 && !(await gone(this.#panePid, 1000))) {
      try {
        Deno.kill(-this.#panePid, "SIGKILL");
      } catch {
        // It went after all.
      }
      await gone(this.#panePid, 1000);
    }
    if (this.#serverPid > 0 && !(await gone(this.#serverPid, 1000))) {
      try {
        Deno.kill(this.#serverPid, "SIGKILL");
      } catch {
        // It went after all.
      }
    }
    if (this.#socketPath) await Deno.remove(this.#socketPath).catch(() => {});
  }

  async #display(format: string): Promise<string> {
    return (await this.#tmux("display-message", "-p", "-t", SESSION, format)).replace(/\n$/, "");
  }

  /** Runs `tmux -L <socket> args...` and returns its stdout; throws with stderr on failure. */
  async #tmux(...args: string[]): Promise<string> {
    const env: Record<string, string> = {};
    for (const name of ["PATH", "HOME"]) {
      const value = Deno.env.get(name);
      if (value !== undefined) env[name] = value;
    }
    const { success, stdout, stderr } = await new Deno.Command("tmux", {
      args: ["-u", "-f", "/dev/null", "-L", this.socket, ...args],
      clearEnv: true,
      env,
      stdin: "null",
    }).output();
    const decoder = new TextDecoder();
    if (!success) {
      throw new Error(`tmux ${args.join(" ")}: ${decoder.decode(stderr).trim()}`);
    }
    return decoder.decode(stdout);
  }
}

/** How many times `pattern` occurs in `text`. */
function occurrences(text: string, pattern: string | RegExp): number {
  if (typeof pattern === "string") {
    return pattern === "" ? Infinity : text.split(pattern).length - 1;
  }
  const global = new RegExp(
    pattern.source,
    pattern.flags.includes("g") ? pattern.flags : pattern.flags + "g",
  );
  return [...text.matchAll(global)].length;
}

/** Whether `pid` is running (not a zombie); without /proc, assumes it is gone. */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z /.test(Deno.readTextFileSync(`/proc/${pid}/stat`));
  } catch {
    return false;
  }
}

/** Waits up to `ms` for `pid` to be gone; whether it went. */
async function gone(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (alive(pid)) {
    if (Date.now() >= deadline) return false;
    await sleep(20);
  }
  return true;
}
