/**
 * Spare sessions: `prewarm(options)` starts and initializes a CLI process before the session it
 * will serve is asked for, so that the CLI's start-up (spawn, boot, `initialize`, MCP and plugin
 * handshakes) is off the first answer; `spare.claim(options)` makes it that session.
 *
 * @module
 */
import { ClawError, invalidValue } from "../errors/claw_error.ts";
import { ClaudeSession, PARK, startSession, UNPARK } from "./session.ts";
import { resolveSession, type SessionOptions } from "./session_options.ts";

/** Options for {@linkcode prewarm}: a session's, and how long an unclaimed spare waits. */
export interface PrewarmOptions extends SessionOptions {
  /**
   * How long the spare waits to be claimed before it is reaped, in ms; default
   * {@linkcode DEFAULT_SPARE_IDLE_MS}.
   */
  idleMs?: number;
  /**
   * Also has the CLI build what its first turn needs (system prompt, tools, memory files) before
   * the claim, by asking it for the context usage (`get_context_usage`, CLI 2.1.x; ignored on
   * 2.0.x). That asks the API's `count_tokens` endpoint (free, but traffic of a spare that may never
   * be claimed), and takes about a fifth off the first answer on 2.1.337. Default `false`.
   */
  warmContext?: boolean;
}

/** Options for {@linkcode SpareSession.claim}: the session's, over those of the spare. */
export interface ClaimOptions extends SessionOptions {
  /**
   * When the spare cannot serve these options (an option fixed at start-up differs, or the spare
   * is gone): start a fresh session with them instead of failing. `onWarning` says which option
   * forced it, and {@linkcode SpareSession.fallbackReason} keeps it.
   */
  fallback?: boolean;
}

/** How long an unclaimed spare waits by default: 10 minutes. */
export const DEFAULT_SPARE_IDLE_MS = 600_000;

/**
 * The options a claim may change on a started process: each is sent as a control request
 * (`set_model`, `set_permission_mode`, `set_max_thinking_tokens`). Every other option is fixed
 * when the process starts.
 */
export const CLAIMABLE_OPTIONS = ["model", "permissionMode", "maxThinkingTokens"] as const;

/**
 * A started, initialized CLI process waiting for its session; see {@linkcode prewarm}. It never
 * keeps the program alive, and is reaped when disposed, after `idleMs` unclaimed, or when the
 * program ends.
 */
export class SpareSession implements AsyncDisposable {
  readonly #options: PrewarmOptions;
  readonly #session: ClaudeSession;
  readonly #idleTimer: ReturnType<typeof setTimeout>;
  /** Why the spare can no longer be claimed: claimed, reaped, closed. */
  #gone: string | undefined;
  #claimed = false;
  #fallbackReason: string | undefined;

  /** A spare around `session`, started with `options`; use {@linkcode prewarm}. */
  constructor(session: ClaudeSession, options: PrewarmOptions) {
    this.#session = session;
    this.#options = options;
    const idleMs = options.idleMs ?? DEFAULT_SPARE_IDLE_MS;
    this.#idleTimer = setTimeout(() => {
      this.#reap(`it was reaped after ${idleMs} ms unclaimed (the idleMs option)`).catch(() => {});
    }, idleMs);
    Deno.unrefTimer(this.#idleTimer);
  }

  /** Why the last claim started a fresh session instead of using the spare (`fallback`). */
  get fallbackReason(): string | undefined {
    return this.#fallbackReason;
  }

  /**
   * The session on the spare's process, with `options` over the spare's: those in
   * {@linkcode CLAIMABLE_OPTIONS} are applied by control request; any other that differs from the
   * spare's (the `cwd`, a flag, a callback) fails with kind `spare_unusable`, naming it, as does a
   * spare already claimed, reaped or dead. With `fallback: true`, a fresh session starts instead.
   */
  async claim(options: ClaimOptions = {}): Promise<ClaudeSession> {
    const { fallback, ...overlay } = options;
    if (fallback !== undefined && typeof fallback !== "boolean") {
      throw invalidValue("fallback", fallback, "true or false");
    }
    const why = this.#gone ?? fixedOptionChanged(this.#options, overlay) ??
      (this.#session[UNPARK]() ? undefined : "its process is no longer running");
    if (why !== undefined) {
      if (!fallback) {
        throw new ClawError("spare_unusable", `Cannot claim the spare: ${why}`);
      }
      this.#fallbackReason = why;
      const { idleMs: _idle, warmContext: _warm, ...fresh } = { ...this.#options, ...overlay };
      fresh.onWarning?.(`The spare was not used (${why}): a fresh session started`);
      await this.close();
      return await startSession(fresh);
    }
    this.#claimed = true;
    this.#gone = "it was claimed already";
    clearTimeout(this.#idleTimer);
    const session = this.#session;
    const changed = (key: typeof CLAIMABLE_OPTIONS[number]) =>
      key in overlay && !sameValue(overlay[key], this.#options[key]);
    try {
      if (changed("model")) await session.setModel(overlay.model);
      if (changed("permissionMode") && overlay.permissionMode !== undefined) {
        await session.setPermissionMode(overlay.permissionMode);
      }
      if (changed("maxThinkingTokens")) {
        await session.setMaxThinkingTokens(overlay.maxThinkingTokens ?? null);
      }
    } catch (error) {
      await session.close();
      throw error;
    }
    return session;
  }

  /** Reaps the spare unless it was claimed (the claimed session is the caller's to close). */
  async close(): Promise<void> {
    if (!this.#claimed) await this.#reap("it was closed");
  }

  /** Reaps the spare; see {@linkcode SpareSession.close}. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  async #reap(why: string): Promise<void> {
    clearTimeout(this.#idleTimer);
    this.#gone ??= why;
    await this.#session.close();
  }
}

/**
 * Starts a spare: a CLI process started and initialized with `options` (a session's options, as
 * for `startSession()`), waiting for {@linkcode SpareSession.claim}. A missing CLI, a bad option
 * or a CLI that will not initialize fails here, as `startSession()` would.
 *
 * @example Claim a spare for the first turn of a session (replayed here)
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { replaySpawner } from "../cassette/testing.ts";
 * import { prewarm } from "./prewarm.ts";
 *
 * const spawner = replaySpawner(new URL("../../fixtures/cassettes/2.1.337/session_three_turns.ndjson", import.meta.url));
 * await using spare = await prewarm({ spawner });
 * // … later, when the user opens a chat:
 * await using session = await spare.claim();
 * strictEqual(await session.send("Remember the word: apple").text(), "Noted.");
 * ```
 */
export async function prewarm(options: PrewarmOptions = {}): Promise<SpareSession> {
  const { idleMs, warmContext } = options;
  if (idleMs !== undefined && !(typeof idleMs === "number" && idleMs > 0)) {
    throw invalidValue("idleMs", idleMs, "a positive number of milliseconds");
  }
  if (warmContext !== undefined && typeof warmContext !== "boolean") {
    throw invalidValue("warmContext", warmContext, "true or false");
  }
  const session = new ClaudeSession(resolveSession(options));
  try {
    await session.open();
    await session[PARK]();
    if (warmContext) {
      await session.getContextUsage().catch(() => {}); // 2.0.x: unsupported
      await session[PARK]();
    }
  } catch (error) {
    await session.close();
    throw error;
  }
  return new SpareSession(session, options);
}

/** The first option of `overlay` that differs from `spare`'s and cannot change after start. */
function fixedOptionChanged(spare: PrewarmOptions, overlay: SessionOptions): string | undefined {
  const claimable: readonly string[] = CLAIMABLE_OPTIONS;
  for (const [key, value] of Object.entries(overlay)) {
    if (value === undefined || claimable.includes(key)) continue;
    if (!sameValue(value, spare[key as keyof PrewarmOptions])) {
      return `its option "${key}" differs from the spare's, and is fixed when the process starts`;
    }
  }
  return undefined;
}

/**
 * The same value: identical, or equal plain data (arrays and plain objects compared item by item;
 * functions, servers and other objects only by identity).
 */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, index) => sameValue(item, b[index]));
  }
  if (!isPlainObject(a) || !isPlainObject(b)) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length &&
    keys.every((key) => Object.hasOwn(b, key) && sameValue(a[key], b[key]));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
