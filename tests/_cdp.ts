/**
 * Test support: a Chrome DevTools Protocol connection over one WebSocket, with flattened sessions
 * (each message to or from a page carries its `sessionId`), events and a timeout on every call.
 *
 * ```ts ignore
 * await using cdp = await CdpConnection.connect("ws://127.0.0.1:9222/devtools/browser/…");
 * const { targetId } = await cdp.browser.send<{ targetId: string }>("Target.createTarget", {
 *   url: "about:blank",
 * });
 * ```
 */

/** The default time limit of a call or a wait, in milliseconds. */
export const CDP_TIMEOUT_MS = 15_000;

/** A CDP call or wait that failed: the browser answered with an error, or it took too long. */
export class CdpError extends Error {
  /** The method called or the event waited for, e.g. `"Page.navigate"`. */
  readonly method: string;
  /** The protocol's error code, when the browser answered with one. */
  readonly code: number | undefined;

  /** Makes the error for `method`. */
  constructor(method: string, message: string, options?: ErrorOptions & { code?: number }) {
    super(`CDP "${method}" failed: ${message}`, options);
    this.name = "CdpError";
    this.method = method;
    this.code = options?.code;
  }
}

/** An event's parameters: the shape depends on the event and is not checked. */
export type CdpParams = Record<string, unknown>;

/** Per-call options. */
export interface CdpCallOptions {
  /** Give up after this long (default {@linkcode CDP_TIMEOUT_MS}). */
  timeoutMs?: number;
}

/** Options for {@linkcode CdpSession.waitFor}. */
export interface CdpWaitOptions extends CdpCallOptions {
  /** Resolve only on an event whose parameters pass this test. */
  until?: (params: CdpParams) => boolean;
}

interface Pending {
  method: string;
  resolve: (result: CdpParams) => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

/** What a {@linkcode CdpSession} uses of its connection. */
interface Channel {
  send(
    sessionId: string | undefined,
    method: string,
    params: object,
    options: CdpCallOptions,
  ): Promise<CdpParams>;
  on(sessionId: string | undefined, method: string, call: (params: CdpParams) => void): () => void;
  waitFor(
    sessionId: string | undefined,
    method: string,
    options: CdpWaitOptions,
  ): Promise<CdpParams>;
}

interface Listener {
  sessionId: string | undefined;
  method: string;
  call: (params: CdpParams) => void;
}

/** One WebSocket to a browser's DevTools endpoint; dispose to close it. */
export class CdpConnection implements AsyncDisposable {
  /** The browser-level session (no `sessionId`): `Target.*`, `Browser.*`. */
  readonly browser: CdpSession;
  readonly #socket: WebSocket;
  readonly #pending = new Map<number, Pending>();
  readonly #listeners = new Set<Listener>();
  readonly #closed: Promise<void>;
  readonly #channel: Channel = {
    send: (...args) => this.#send(...args),
    on: (...args) => this.#on(...args),
    waitFor: (...args) => this.#waitFor(...args),
  };
  #nextId = 1;
  #closeReason: string | undefined;

  private constructor(socket: WebSocket) {
    this.#socket = socket;
    this.browser = new CdpSession(this.#channel, undefined);
    socket.onmessage = (event) => this.#receive(event.data);
    this.#closed = new Promise((resolve) => {
      socket.onclose = () => {
        this.#fail("the DevTools WebSocket closed");
        resolve();
      };
    });
  }

  /** Opens a WebSocket to `url` (a `ws://` DevTools endpoint), within `timeoutMs`. */
  static async connect(url: string, options: CdpCallOptions = {}): Promise<CdpConnection> {
    const timeoutMs = options.timeoutMs ?? CDP_TIMEOUT_MS;
    const socket = new WebSocket(url);
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      await new Promise<void>((resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
        socket.onopen = () => resolve();
        socket.onerror = (event) => {
          reject(new Error(event instanceof ErrorEvent ? event.message : "WebSocket error"));
        };
      });
    } catch (error) {
      socket.close();
      throw new CdpError("connect", `cannot open "${url}": ${(error as Error).message}`, {
        cause: error,
      });
    } finally {
      clearTimeout(timer);
    }
    socket.onerror = null;
    return new CdpConnection(socket);
  }

  /** The session attached with `Target.attachToTarget({ flatten: true })` as `sessionId`. */
  session(sessionId: string): CdpSession {
    return new CdpSession(this.#channel, sessionId);
  }

  /** Whether the connection is still open. */
  get open(): boolean {
    return this.#closeReason === undefined;
  }

  #send(
    sessionId: string | undefined,
    method: string,
    params: object,
    options: CdpCallOptions,
  ): Promise<CdpParams> {
    if (this.#closeReason !== undefined) {
      return Promise.reject(new CdpError(method, this.#closeReason));
    }
    const id = this.#nextId++;
    const timeoutMs = options.timeoutMs ?? CDP_TIMEOUT_MS;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new CdpError(method, `no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(id, { method, resolve, reject, timer });
      this.#socket.send(
        JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }),
      );
    });
  }

  #on(
    sessionId: string | undefined,
    method: string,
    call: (params: CdpParams) => void,
  ): () => void {
    const listener = { sessionId, method, call };
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #waitFor(
    sessionId: string | undefined,
    method: string,
    options: CdpWaitOptions,
  ): Promise<CdpParams> {
    if (this.#closeReason !== undefined) {
      return Promise.reject(new CdpError(method, this.#closeReason));
    }
    const timeoutMs = options.timeoutMs ?? CDP_TIMEOUT_MS;
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.#listeners.delete(listener);
        this.#listeners.delete(closed);
      };
      const timer = setTimeout(() => {
        done();
        reject(new CdpError(method, `no event within ${timeoutMs} ms`));
      }, timeoutMs);
      const listener: Listener = {
        sessionId,
        method,
        call: (params) => {
          if (options.until && !options.until(params)) return;
          done();
          resolve(params);
        },
      };
      // The connection closing ends the wait at once (see #fail).
      const closed: Listener = {
        sessionId: undefined,
        method: CLOSED,
        call: () => {
          done();
          reject(new CdpError(method, this.#closeReason ?? "closed"));
        },
      };
      this.#listeners.add(listener);
      this.#listeners.add(closed);
    });
  }

  /** Closes the WebSocket (bounded by `timeoutMs`, default 2 s); pending calls reject. */
  async close(timeoutMs = 2000): Promise<void> {
    if (this.#socket.readyState !== WebSocket.CLOSED) {
      if (this.#socket.readyState !== WebSocket.CLOSING) this.#socket.close();
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        this.#closed,
        new Promise((resolve) => timer = setTimeout(resolve, timeoutMs)),
      ]);
      clearTimeout(timer);
    }
    this.#fail("the DevTools connection was closed");
  }

  /** Closes the WebSocket. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #receive(data: unknown): void {
    if (typeof data !== "string") return;
    let message: unknown;
    try {
      message = JSON.parse(data);
    } catch {
      return;
    }
    if (!isRecord(message)) return;
    if (typeof message.id === "number") {
      const pending = this.#pending.get(message.id);
      if (!pending) return;
      this.#pending.delete(message.id);
      clearTimeout(pending.timer);
      if (isRecord(message.error)) {
        const { code, message: text, data: detail } = message.error;
        const said = [text, detail].filter((part) => typeof part === "string").join(": ");
        pending.reject(
          new CdpError(pending.method, said || "error", {
            ...(typeof code === "number" ? { code } : {}),
          }),
        );
      } else {
        pending.resolve(isRecord(message.result) ? message.result : {});
      }
      return;
    }
    if (typeof message.method !== "string") return;
    const sessionId = typeof message.sessionId === "string" ? message.sessionId : undefined;
    const params = isRecord(message.params) ? message.params : {};
    for (const listener of [...this.#listeners]) {
      if (listener.method === message.method && listener.sessionId === sessionId) {
        listener.call(params);
      }
    }
  }

  #fail(reason: string): void {
    if (this.#closeReason !== undefined) return;
    this.#closeReason = reason;
    for (const [id, pending] of this.#pending) {
      clearTimeout(pending.timer);
      this.#pending.delete(id);
      pending.reject(new CdpError(pending.method, reason));
    }
    for (const listener of [...this.#listeners]) {
      if (listener.method === CLOSED) listener.call({});
    }
    this.#listeners.clear();
  }
}

/** The pseudo-event that tells waiters the connection closed. */
const CLOSED = "claw:closed";

/** The browser's session or one page's flattened session, over a {@linkcode CdpConnection}. */
export class CdpSession {
  readonly #channel: Channel;
  /** The flattened session's id; `undefined` for the browser itself. */
  readonly id: string | undefined;

  /** Made by {@linkcode CdpConnection}: sends and listens as `id` over `channel`. */
  constructor(channel: Channel, id: string | undefined) {
    this.#channel = channel;
    this.id = id;
  }

  /**
   * Calls `method` with `params` and resolves with its result; rejects with a
   * {@linkcode CdpError} naming the method on an error answer, a timeout or a closed connection.
   * `T` is what the caller expects: the result's shape is not checked.
   */
  send<T = CdpParams>(
    method: string,
    params: object = {},
    options: CdpCallOptions = {},
  ): Promise<T> {
    return this.#channel.send(this.id, method, params, options) as Promise<T>;
  }

  /** Calls `listener` with the parameters of each `method` event; returns the unsubscriber. */
  on(method: string, listener: (params: CdpParams) => void): () => void {
    return this.#channel.on(this.id, method, listener);
  }

  /**
   * Resolves with the parameters of the next `method` event (that passes `until`); rejects with a
   * {@linkcode CdpError} on timeout or when the connection closes. Call it before what triggers
   * the event.
   */
  waitFor(method: string, options: CdpWaitOptions = {}): Promise<CdpParams> {
    return this.#channel.waitFor(this.id, method, options);
  }
}

/** Whether `value` is a plain JSON object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
