/**
 * Test support: headless Chromium driven over the DevTools protocol, to load a page (a `claw
 * report`) in a real browser and check what it requested, logged, rendered and printed.
 *
 * One Chromium per {@linkcode openBrowser}, in a process group of its own with a fresh profile in
 * a temporary folder, reached over one WebSocket ({@linkcode CdpConnection}); each
 * {@linkcode Browser.load} opens a new tab on a flattened session. Pages load offline by default,
 * so any request a self-contained page makes fails, and is recorded.
 *
 * Chromium may be missing: tests check {@linkcode whyNoBrowser} and are ignored, printing it.
 *
 * ```ts ignore
 * await using browser = await openBrowser({ marker });
 * const page = await browser.load(pathToFileURL("/tmp/report.html").href);
 * assertEquals(page.otherRequests, []);
 * assertEquals(page.consoleErrors, []);
 * ```
 */
import { dirname, join } from "node:path";
import { trackChild } from "../src/process/_live_children.ts";
import { OWN_PROCESS_GROUP, signalGroup } from "../src/process/_process_group.ts";
import type { ProcessMarker } from "../src/process/_process_marker.ts";
import { settlesWithin } from "../src/process/deadline.ts";
import { isExecutableFile } from "../src/process/discover.ts";
import {
  CDP_TIMEOUT_MS,
  CdpConnection,
  type CdpParams,
  type CdpSession,
  isRecord,
} from "./_cdp.ts";

const CANDIDATES = ["chromium", "chromium-browser", "google-chrome"];
const FALLBACK = "/usr/bin/chromium";

/**
 * Where Chromium is: `CHROMIUM_BIN`, else `chromium`, `chromium-browser` or `google-chrome` on
 * PATH, else `/usr/bin/chromium`; `undefined` when none is an executable file.
 */
export function chromiumPath(): string | undefined {
  const explicit = Deno.env.get("CHROMIUM_BIN");
  if (explicit) return isExecutableFile(explicit) ? explicit : undefined;
  const path = (Deno.env.get("PATH") ?? "").split(":").filter(Boolean);
  const found = CANDIDATES.flatMap((name) => path.map((dir) => join(dir, name)))
    .find(isExecutableFile);
  return found ?? (isExecutableFile(FALLBACK) ? FALLBACK : undefined);
}

/** Why no browser test can run here (the reason to print when skipping), or `undefined`. */
export function whyNoBrowser(): string | undefined {
  if (chromiumPath() !== undefined) return undefined;
  const explicit = Deno.env.get("CHROMIUM_BIN");
  if (explicit) return `CHROMIUM_BIN is "${explicit}", which is not an executable file`;
  return "no Chromium: install it (apt-get install chromium, as .ci/run does) or set CHROMIUM_BIN";
}

/** How to start the browser. */
export interface BrowserOptions {
  /**
   * Tags Chromium's processes, so a test can check none is left. The marker finds the browser and
   * its crash handlers; its zygotes and renderers overwrite their environment with their title, so
   * it misses them, but they stay in the browser's process group, which dispose kills.
   */
  marker?: ProcessMarker;
  /** Variables added to the environment Chromium inherits (after the marker's). */
  env?: Record<string, string>;
  /** Give up starting after this long (default 30 s). */
  startTimeoutMs?: number;
  /** Time limit of each DevTools call (default {@linkcode CDP_TIMEOUT_MS}). */
  timeoutMs?: number;
}

/** How to load a page. */
export interface LoadOptions {
  /** Emulate no network before navigating, so every request fails (default `true`). */
  offline?: boolean;
  /** Viewport width in CSS pixels (default 1280). */
  width?: number;
  /** Viewport height in CSS pixels (default 900). */
  height?: number;
  /** Emulate `prefers-color-scheme`. */
  colorScheme?: "light" | "dark";
  /** Give up waiting for the load event after this long (default {@linkcode CDP_TIMEOUT_MS}). */
  timeoutMs?: number;
}

/** A console message, an uncaught exception or a browser log entry of a page. */
export interface ConsoleMessage {
  /** Where it came from: `console.*`, an uncaught exception, or the browser's log. */
  source: "console" | "exception" | "log";
  /** The console call (`log`, `error`, `warning`, `assert`…), `exception`, or the log level. */
  type: string;
  /** The arguments as text, joined by spaces; the exception's description; the log entry. */
  text: string;
}

/** A request that failed (offline, every request but `file:` and `data:` ones). */
export interface FailedRequest {
  /** What was requested. */
  url: string;
  /** Chromium's reason, e.g. `net::ERR_INTERNET_DISCONNECTED`. */
  error: string;
}

/** The keys {@linkcode LoadedPage.keyboard} can press. */
export type Key =
  | "Tab"
  | "Shift+Tab"
  | "Enter"
  | " "
  | "Escape"
  | "ArrowLeft"
  | "ArrowUp"
  | "ArrowRight"
  | "ArrowDown"
  | "Home"
  | "End";

/** A loaded tab. Its lists are what has been seen so far: they keep growing after the load. */
export interface LoadedPage {
  /** The URL navigated to. */
  readonly url: string;
  /** Every URL requested (`Network.requestWillBeSent`), the document's own included. */
  readonly requests: string[];
  /** {@linkcode requests} without the navigated URL itself (fragment ignored). */
  readonly otherRequests: string[];
  /** The requests that failed (`Network.loadingFailed`). */
  readonly failedRequests: FailedRequest[];
  /** `console.error`/`console.assert` calls, uncaught exceptions, error-level log entries. */
  readonly consoleErrors: string[];
  /** Every console call, exception and log entry, in order. */
  readonly consoleMessages: ConsoleMessage[];
  /** Navigation start to load event end, in ms, as the page measured it (Navigation Timing). */
  readonly renderMs: number;
  /** What the body renders as text (`document.body.innerText`: no script contents). */
  visibleText(): Promise<string>;
  /**
   * Evaluates `expression` in the page (a promise is awaited) and returns its value as JSON; an
   * exception becomes a thrown `Error` with its description.
   */
  evaluate<T = unknown>(expression: string): Promise<T>;
  /** Presses and releases `key` (keyDown then keyUp, as a keyboard would). */
  keyboard(key: Key): Promise<void>;
  /**
   * Writes a PNG of the whole page, or of its top `maxHeight` px (at most 10000 px), to `path`,
   * creating its folder.
   */
  screenshot(path: string, maxHeight?: number): Promise<void>;
  /** Prints the page to PDF and returns the PDF's size in bytes. */
  printToPdf(): Promise<number>;
  /** Closes the tab. */
  close(): Promise<void>;
}

/** A headless Chromium; dispose to close it, kill what is left of it and remove its profile. */
export interface Browser extends AsyncDisposable {
  /** The browser process's id (the leader of its process group). */
  readonly pid: number;
  /** The product and version, e.g. `Chrome/156.0.8078.129` (`Browser.getVersion`). */
  readonly version: string;
  /** Opens a new tab, navigates it to `url` and waits for its load event. */
  load(url: string, options?: LoadOptions): Promise<LoadedPage>;
  /** What Chromium wrote to stderr lately (for failure messages). */
  stderrTail(): string;
}

/**
 * Starts headless Chromium and connects to it. Throws when there is none
 * ({@linkcode whyNoBrowser}) or it does not start in time, with the end of its stderr.
 */
export async function openBrowser(options: BrowserOptions = {}): Promise<Browser> {
  const bin = chromiumPath();
  if (bin === undefined) throw new Error(`Cannot start a browser: ${whyNoBrowser()}`);
  // The profile, and the crash database (XDG_CONFIG_HOME: else it goes to ~/.config/chromium)
  const root = await Deno.makeTempDir({ prefix: "claw-chromium-" });
  const profile = join(root, "profile");
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(bin, {
      args: [...FLAGS, `--user-data-dir=${profile}`, "about:blank"],
      env: { XDG_CONFIG_HOME: join(root, "config"), ...options.marker?.env, ...options.env },
      stdin: "null",
      stdout: "null",
      stderr: "piped",
      detached: OWN_PROCESS_GROUP,
    }).spawn();
  } catch (error) {
    await Deno.remove(root, { recursive: true });
    throw new Error(`Cannot start "${bin}": ${(error as Error).message}`, { cause: error });
  }
  const chromium = new ChromiumProcess(child, root);
  try {
    const endpoint = await chromium.endpoint(options.startTimeoutMs ?? 30_000);
    const cdp = await CdpConnection.connect(endpoint);
    chromium.cdp = cdp;
    const timeoutMs = options.timeoutMs ?? CDP_TIMEOUT_MS;
    const { product } = await cdp.browser.send<{ product: string }>("Browser.getVersion", {}, {
      timeoutMs,
    });
    return new ChromiumBrowser(chromium, cdp, product, timeoutMs);
  } catch (error) {
    await chromium.stop();
    throw error;
  }
}

/** Headless and quiet, for a root container (no sandbox, no /dev/shm), fresh profile. */
const FLAGS = [
  "--headless=new",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--no-first-run",
  "--no-default-browser-check",
  "--disable-extensions",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--metrics-recording-only",
  "--mute-audio",
  "--remote-debugging-port=0",
];

const POLL_MS = 50;
/** How long Chromium gets to exit after `Browser.close`, and to die after SIGKILL. */
const GRACE_MS = 3000;

/** The Chromium child: its folder, its stderr tail, and how to stop it for good. */
class ChromiumProcess {
  cdp: CdpConnection | undefined;
  readonly #child: Deno.ChildProcess;
  /** Holds `profile/` (`--user-data-dir`) and `config/` (`XDG_CONFIG_HOME`). */
  readonly #root: string;
  readonly #status: Promise<Deno.CommandStatus>;
  #exited = false;
  readonly #stderr: ReadableStreamDefaultReader<string>;
  readonly #stderrDone: Promise<void>;
  #stderrText = "";
  #stopped: Promise<void> | undefined;

  constructor(child: Deno.ChildProcess, root: string) {
    this.#child = child;
    this.#root = root;
    this.#status = child.status.finally(() => this.#exited = true);
    this.#stderr = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
    this.#stderrDone = this.#readStderr();
    // Killed with its group if the test process gets SIGINT or SIGTERM, or unloads.
    trackChild({
      kill: (signal) => this.#kill(signal ?? "SIGTERM"),
      status: this.#status.then(({ code, signal }) => ({ code, signal })),
    });
  }

  get pid(): number {
    return this.#child.pid;
  }

  get stderrTail(): string {
    return this.#stderrText.trim();
  }

  /** The browser's WebSocket endpoint, read from its profile's `DevToolsActivePort` in time. */
  async endpoint(timeoutMs: number): Promise<string> {
    const file = join(this.#root, "profile", "DevToolsActivePort");
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && !this.#exited) {
      const [port, path] = await Deno.readTextFile(file).then((text) => text.split("\n"), () => []);
      if (port && /^\d+$/.test(port) && path?.startsWith("/")) {
        return `ws://127.0.0.1:${port}${path}`;
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    await settlesWithin(this.#stderrDone, 500); // its last words
    const why = this.#exited
      ? "it exited before it wrote"
      : `it did not write ${file} within ${timeoutMs} ms`;
    throw new Error(`Chromium did not start: ${why}; its stderr ends:\n${this.stderrTail}`);
  }

  /**
   * Closes the browser (`Browser.close`), kills its group if it lingers, reaps it, stops reading
   * its stderr and removes its folder. Every wait is bounded; calling it again waits for the same.
   */
  stop(): Promise<void> {
    return this.#stopped ??= this.#stop();
  }

  async #stop(): Promise<void> {
    if (this.cdp?.open) {
      await this.cdp.browser.send("Browser.close", {}, { timeoutMs: GRACE_MS }).catch(() => {});
    }
    if (!await settlesWithin(this.#status, GRACE_MS)) this.#kill("SIGTERM");
    if (!await settlesWithin(this.#status, GRACE_MS)) this.#kill("SIGKILL");
    // Whatever of the group outlived the browser (renderers, zygotes, crashpad) goes too.
    this.#kill("SIGKILL");
    const reaped = await settlesWithin(this.#status, GRACE_MS);
    await this.cdp?.close();
    if (!await settlesWithin(this.#stderrDone, 500)) {
      await this.#stderr.cancel().catch(() => {});
    }
    await Deno.remove(this.#root, { recursive: true }).catch(() => {});
    if (!reaped) throw new Error(`Chromium (pid ${this.pid}) did not exit after SIGKILL`);
  }

  #kill(signal: Deno.Signal): void {
    signalGroup(this.pid, signal, () => {
      try {
        this.#child.kill(signal);
      } catch {
        // exited already
      }
    });
  }

  async #readStderr(): Promise<void> {
    try {
      while (true) {
        const { done, value } = await this.#stderr.read();
        if (done) return;
        this.#stderrText = (this.#stderrText + value).slice(-4000);
      }
    } catch {
      // cancelled or broken: keep what was read
    }
  }
}

class ChromiumBrowser implements Browser {
  readonly #chromium: ChromiumProcess;
  readonly #cdp: CdpConnection;
  readonly #timeoutMs: number;
  readonly version: string;

  constructor(chromium: ChromiumProcess, cdp: CdpConnection, version: string, timeoutMs: number) {
    this.#chromium = chromium;
    this.#cdp = cdp;
    this.version = version;
    this.#timeoutMs = timeoutMs;
  }

  get pid(): number {
    return this.#chromium.pid;
  }

  stderrTail(): string {
    return this.#chromium.stderrTail;
  }

  async load(url: string, options: LoadOptions = {}): Promise<LoadedPage> {
    const call = { timeoutMs: this.#timeoutMs };
    const { targetId } = await this.#cdp.browser.send<{ targetId: string }>(
      "Target.createTarget",
      { url: "about:blank" },
      call,
    );
    const { sessionId } = await this.#cdp.browser.send<{ sessionId: string }>(
      "Target.attachToTarget",
      { targetId, flatten: true },
      call,
    );
    const page = new Page(this.#cdp, targetId, this.#cdp.session(sessionId), url, call);
    try {
      await page.navigate(options);
    } catch (error) {
      await page.close().catch(() => {});
      throw error;
    }
    return page;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.#chromium.stop();
  }
}

/** What `Input.dispatchKeyEvent` needs for each key (`modifiers`: 8 is Shift). */
const KEYS: Record<
  Key,
  { key: string; code: string; windowsVirtualKeyCode: number; text?: string; modifiers?: number }
> = {
  Tab: { key: "Tab", code: "Tab", windowsVirtualKeyCode: 9 },
  "Shift+Tab": { key: "Tab", code: "Tab", windowsVirtualKeyCode: 9, modifiers: 8 },
  Enter: { key: "Enter", code: "Enter", windowsVirtualKeyCode: 13, text: "\r" },
  " ": { key: " ", code: "Space", windowsVirtualKeyCode: 32, text: " " },
  Escape: { key: "Escape", code: "Escape", windowsVirtualKeyCode: 27 },
  ArrowLeft: { key: "ArrowLeft", code: "ArrowLeft", windowsVirtualKeyCode: 37 },
  ArrowUp: { key: "ArrowUp", code: "ArrowUp", windowsVirtualKeyCode: 38 },
  ArrowRight: { key: "ArrowRight", code: "ArrowRight", windowsVirtualKeyCode: 39 },
  ArrowDown: { key: "ArrowDown", code: "ArrowDown", windowsVirtualKeyCode: 40 },
  Home: { key: "Home", code: "Home", windowsVirtualKeyCode: 36 },
  End: { key: "End", code: "End", windowsVirtualKeyCode: 35 },
};

const MAX_SCREENSHOT_HEIGHT = 10_000;

/** From navigation start to the end of the load event, by Navigation Timing (level 2, else 1). */
const RENDER_MS = `(() => {
  const [entry] = performance.getEntriesByType("navigation");
  if (entry && entry.loadEventEnd > 0) return entry.loadEventEnd - entry.startTime;
  const timing = performance.timing;
  return timing.loadEventEnd > 0 ? timing.loadEventEnd - timing.navigationStart : 0;
})()`;

class Page implements LoadedPage {
  readonly url: string;
  renderMs = 0;
  readonly #cdp: CdpConnection;
  readonly #targetId: string;
  readonly #session: CdpSession;
  readonly #call: { timeoutMs: number };
  readonly #requests: { id: string; url: string }[] = [];
  readonly #failed: FailedRequest[] = [];
  readonly #messages: ConsoleMessage[] = [];
  readonly #stop: (() => void)[];
  #width = 1280;
  #height = 900;

  constructor(
    cdp: CdpConnection,
    targetId: string,
    session: CdpSession,
    url: string,
    call: { timeoutMs: number },
  ) {
    this.#cdp = cdp;
    this.#targetId = targetId;
    this.#session = session;
    this.url = url;
    this.#call = call;
    this.#stop = [
      session.on("Network.requestWillBeSent", (params) => {
        const request = isRecord(params.request) ? params.request : {};
        this.#requests.push({ id: String(params.requestId), url: String(request.url) });
      }),
      session.on("Network.loadingFailed", (params) => {
        const request = this.#requests.findLast(({ id }) => id === params.requestId);
        const error = [params.errorText, params.blockedReason].filter(Boolean).join(" ");
        this.#failed.push({ url: request?.url ?? "?", error });
      }),
      session.on("Runtime.consoleAPICalled", (params) => {
        const args = Array.isArray(params.args) ? params.args : [];
        const type = String(params.type);
        this.#messages.push({ source: "console", type, text: args.map(remoteText).join(" ") });
      }),
      session.on("Runtime.exceptionThrown", (params) => {
        const details = isRecord(params.exceptionDetails) ? params.exceptionDetails : {};
        const exception = isRecord(details.exception) ? details.exception : {};
        const text = String(exception.description ?? details.text ?? "exception");
        this.#messages.push({ source: "exception", type: "exception", text });
      }),
      session.on("Log.entryAdded", (params) => {
        const entry = isRecord(params.entry) ? params.entry : {};
        const text = entry.url ? `${entry.text} (${entry.url})` : String(entry.text);
        this.#messages.push({ source: "log", type: String(entry.level), text });
      }),
    ];
  }

  get requests(): string[] {
    return this.#requests.map(({ url }) => url);
  }

  get otherRequests(): string[] {
    const self = withoutFragment(this.url);
    return this.requests.filter((url) => withoutFragment(url) !== self);
  }

  get failedRequests(): FailedRequest[] {
    return [...this.#failed];
  }

  get consoleMessages(): ConsoleMessage[] {
    return [...this.#messages];
  }

  get consoleErrors(): string[] {
    return this.#messages.filter(({ source, type }) =>
      source === "exception" || (source === "console" && (type === "error" || type === "assert")) ||
      (source === "log" && type === "error")
    ).map(({ text }) => text);
  }

  /** Enables the domains, emulates, navigates, waits for the load event and reads the timing. */
  async navigate(options: LoadOptions): Promise<void> {
    this.#width = options.width ?? 1280;
    this.#height = options.height ?? 900;
    await Promise.all(
      ["Network.enable", "Runtime.enable", "Page.enable", "Log.enable"].map((method) =>
        this.#send(method)
      ),
    );
    if (options.offline ?? true) {
      await this.#send("Network.emulateNetworkConditions", {
        offline: true,
        latency: 0,
        downloadThroughput: -1,
        uploadThroughput: -1,
      });
    }
    await this.#setViewport(this.#height);
    if (options.colorScheme) {
      await this.#send("Emulation.setEmulatedMedia", {
        features: [{ name: "prefers-color-scheme", value: options.colorScheme }],
      });
    }
    const loaded = this.#session.waitFor("Page.loadEventFired", {
      timeoutMs: options.timeoutMs ?? this.#call.timeoutMs,
    });
    loaded.catch(() => {}); // awaited below, unless the navigation itself fails
    const { errorText } = await this.#send<{ errorText?: string }>("Page.navigate", {
      url: this.url,
    });
    if (errorText) throw new Error(`Cannot load "${this.url}": ${errorText}`);
    await loaded;
    const deadline = Date.now() + this.#call.timeoutMs;
    // The load event's end is stamped once its handlers have run.
    while ((this.renderMs = await this.evaluate<number>(RENDER_MS)) <= 0) {
      if (Date.now() > deadline) {
        throw new Error(`"${this.url}" never stamped its load event's end`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  visibleText(): Promise<string> {
    return this.evaluate<string>("document.body.innerText");
  }

  async evaluate<T = unknown>(expression: string): Promise<T> {
    const { result, exceptionDetails } = await this.#send<{
      result?: CdpParams;
      exceptionDetails?: CdpParams;
    }>("Runtime.evaluate", { expression, returnByValue: true, awaitPromise: true });
    if (exceptionDetails) {
      const exception = isRecord(exceptionDetails.exception) ? exceptionDetails.exception : {};
      const description = exception.description ?? exceptionDetails.text;
      throw new Error(`Evaluating in the page threw: ${description}`);
    }
    if (result?.unserializableValue !== undefined) {
      return Number(result.unserializableValue) as T; // NaN, Infinity, -0
    }
    return result?.value as T;
  }

  async keyboard(key: Key): Promise<void> {
    const { text, ...event } = KEYS[key];
    const codes = { nativeVirtualKeyCode: event.windowsVirtualKeyCode };
    await this.#send("Input.dispatchKeyEvent", {
      type: text === undefined ? "rawKeyDown" : "keyDown",
      ...event,
      ...codes,
      ...(text === undefined ? {} : { text, unmodifiedText: text }),
    });
    await this.#send("Input.dispatchKeyEvent", { type: "keyUp", ...event, ...codes });
  }

  async screenshot(path: string, maxHeight = MAX_SCREENSHOT_HEIGHT): Promise<void> {
    const metrics = await this.#send<{ cssContentSize?: CdpParams; contentSize?: CdpParams }>(
      "Page.getLayoutMetrics",
    );
    const size = metrics.cssContentSize ?? metrics.contentSize ?? {};
    const most = Math.min(maxHeight, MAX_SCREENSHOT_HEIGHT);
    const height = Math.min(Math.ceil(Number(size.height) || this.#height), most);
    await this.#setViewport(height);
    try {
      const { data } = await this.#send<{ data: string }>("Page.captureScreenshot", {
        format: "png",
        captureBeyondViewport: true,
        clip: { x: 0, y: 0, width: this.#width, height, scale: 1 },
      });
      await Deno.mkdir(dirname(path), { recursive: true });
      await Deno.writeFile(path, Uint8Array.from(atob(data), (char) => char.charCodeAt(0)));
    } finally {
      await this.#setViewport(this.#height);
    }
  }

  async printToPdf(): Promise<number> {
    const { data } = await this.#send<{ data: string }>("Page.printToPDF", {
      printBackground: true,
    });
    return atob(data).length;
  }

  async close(): Promise<void> {
    for (const stop of this.#stop) stop();
    if (!this.#cdp.open) return;
    await this.#cdp.browser.send("Target.closeTarget", { targetId: this.#targetId }, this.#call);
  }

  #setViewport(height: number): Promise<unknown> {
    return this.#send("Emulation.setDeviceMetricsOverride", {
      width: this.#width,
      height,
      deviceScaleFactor: 1,
      mobile: false,
    });
  }

  #send<T = CdpParams>(method: string, params: object = {}): Promise<T> {
    return this.#session.send<T>(method, params, this.#call);
  }
}

/** A console argument as text: its value when it is a primitive, else its description. */
function remoteText(arg: unknown): string {
  if (!isRecord(arg)) return String(arg);
  if ("value" in arg) return typeof arg.value === "string" ? arg.value : JSON.stringify(arg.value);
  return String(arg.unserializableValue ?? arg.description ?? arg.type);
}

function withoutFragment(url: string): string {
  const hash = url.indexOf("#");
  return hash < 0 ? url : url.slice(0, hash);
}
