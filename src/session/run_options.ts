/**
 * The options of a run: the CLI's flags plus how to start and supervise the process, checked once
 * before anything starts.
 *
 * @module
 */
import type { AuthMethod } from "../auth/auth_method.ts";
import { InvalidOptionError, invalidValue } from "../errors/claw_error.ts";
import type { EnvOptions } from "../process/env.ts";
import { type CliFlags, validateFlags } from "../process/options.ts";
import type { Spawner } from "../process/spawn.ts";
import { toJsonSchema } from "./standard_schema.ts";
import type { JsonSchemaOption } from "./structured.ts";
import type { ToolResult, ToolUse } from "./tool_observer.ts";

/** Options for `run()`: the CLI flags plus how to start and supervise the process. */
export interface RunOptions extends Omit<CliFlags, "jsonSchema">, EnvOptions {
  /**
   * `--json-schema`: the final answer must satisfy this schema (structured output). A JSON Schema
   * object, or a Standard Schema (zod 4.2 or later, …) that claw turns into JSON Schema and checks
   * the answer with; read the value with `structured()`.
   */
  jsonSchema?: JsonSchemaOption;
  /**
   * Which credential the CLI uses: `apiKey()`, `oauthToken()`, `oauth()`, `auto()` or a
   * `.fallback()` chain, resolved before anything starts; the chosen one reaches the child alone.
   * Without it the CLI picks by its own precedence, and a stored login that expired without a
   * refresh token fails the run (kind `auth`) before it starts.
   */
  auth?: AuthMethod;
  /** Called with each tool call the model makes, as its assistant message arrives. */
  onToolUse?: (use: ToolUse) => void;
  /** Called with each tool result, as the user message carrying it arrives. */
  onToolResult?: (result: ToolResult) => void;
  /**
   * The `claude` executable. When absent it is found on `CLAUDE_CLI_PATH`, `PATH` or the usual
   * install locations, for a run without a `spawner` and for one whose spawner ends in the real
   * CLI (`denoSpawner`, `recordingSpawner` over it, a cassette spawner that records); a spawner
   * that replays, or does not say what it needs (see `CliNeed`), gets it as it is (default
   * `claude`).
   */
  cli?: string;
  /** The working directory of the run. */
  cwd?: string;
  /** Aborts the run: the process is shut down and the run fails with kind `aborted`. */
  signal?: AbortSignal;
  /**
   * Fails the run with kind `timeout` after this many milliseconds. Default
   * {@linkcode DEFAULT_TIMEOUT_MS} (one hour), a safety net against a run that never ends;
   * `Infinity` turns it off.
   */
  timeoutMs?: number;
  /**
   * Fails the run with kind `hang` when the CLI prints nothing this many milliseconds after it
   * started. Default {@linkcode DEFAULT_STARTUP_TIMEOUT_MS} (one minute): the CLI prints
   * `system/init` within a second or two, or within MCP servers' connect timeout.
   */
  startupTimeoutMs?: number;
  /**
   * Fails the run with kind `hang` when the CLI, once it has printed its first line, prints
   * nothing for this many milliseconds before its result. Off by default: a tool may work quietly
   * for minutes.
   */
  idleTimeoutMs?: number;
  /**
   * How long the CLI may take to exit after its `result` (a session's, after `close()`) before it
   * is shut down. Default {@linkcode DEFAULT_EXIT_TIMEOUT_MS} (10 s).
   */
  exitTimeoutMs?: number;
  /**
   * The longest stdout line decoded, in bytes; a longer one becomes a `line_too_long` diagnostic
   * and is skipped, keeping memory near this size. Default 256 MiB; `Infinity` for no limit.
   */
  maxLineBytes?: number;
  /**
   * The CLI keeps a checkpoint of the files each turn changes, so a session's `rewindFiles()` can
   * restore them (sets `CLAUDE_CODE_ENABLE_SDK_FILE_CHECKPOINTING`).
   */
  enableFileCheckpointing?: boolean;
  /**
   * Called with each line the CLI writes to stderr, as it comes (its debug log with
   * `extraArgs: ["--debug-to-stderr"]`, warnings, a hook's failure); the tail is still kept for
   * errors. A callback that throws is not called again.
   */
  stderr?: (line: string) => void;
  /**
   * Starts the process; the real one by default. Replay and record plug in here; what a spawner
   * says it needs of an installed `claude` (`CliNeed`) decides whether the CLI is found first.
   */
  spawner?: Spawner;
  /** Receives warnings (CLI version outside the tested range, a CLI that would not exit). */
  onWarning?: (message: string) => void;
  /**
   * Checks each prompt's estimated size against the model's context window before anything
   * starts, and fails with kind `context_window` when it cannot fit (see `preflightPrompt()`).
   * Default `true`; `false` leaves the prompt to the CLI and the API.
   */
  preflight?: boolean;
}

/** The default overall time limit of a run: one hour. */
export const DEFAULT_TIMEOUT_MS = 60 * 60_000;

/** The default time the CLI has to exit after its result, or after a session's `close()`: 10 s. */
export const DEFAULT_EXIT_TIMEOUT_MS = 10_000;

/** The default time the CLI has to print its first line: one minute. */
export const DEFAULT_STARTUP_TIMEOUT_MS = 60_000;

const DURATIONS = ["timeoutMs", "startupTimeoutMs", "idleTimeoutMs", "exitTimeoutMs"] as const;

/**
 * Checks `options` (the flags and the durations) before anything starts. Throws an
 * {@linkcode InvalidOptionError} (kind `usage`) naming the option.
 *
 * @example
 * ```ts
 * import { throws } from "node:assert";
 * import { validateRunOptions } from "./run_options.ts";
 *
 * throws(() => validateRunOptions({ timeoutMs: -5 }), /Invalid timeoutMs "-5": it must be a positive number of milliseconds/);
 * ```
 */
export function validateRunOptions(options: RunOptions): void {
  const { jsonSchema, ...flags } = options;
  validateFlags(flags);
  if (jsonSchema !== undefined) {
    try {
      toJsonSchema(jsonSchema, "jsonSchema");
    } catch (error) {
      throw new InvalidOptionError(["jsonSchema"], () => (error as Error).message);
    }
  }
  for (const option of DURATIONS) {
    const value = options[option];
    if (value !== undefined && !(typeof value === "number" && value > 0)) {
      throw invalidValue(
        option,
        value,
        "a positive number of milliseconds (Infinity for no limit)",
      );
    }
  }
  for (const option of ["stderr", "onWarning", "onToolUse", "onToolResult"] as const) {
    const value = options[option];
    if (value !== undefined && typeof value !== "function") {
      throw invalidValue(option, typeof value, "a function");
    }
  }
  const { preflight } = options;
  if (preflight !== undefined && typeof preflight !== "boolean") {
    throw invalidValue("preflight", preflight, "true or false");
  }
  const { maxLineBytes } = options;
  const wholeBytes = Number.isSafeInteger(maxLineBytes) || maxLineBytes === Infinity;
  if (maxLineBytes !== undefined && !(wholeBytes && maxLineBytes > 0)) {
    throw invalidValue(
      "maxLineBytes",
      maxLineBytes,
      "a positive whole number of bytes (Infinity for no limit)",
    );
  }
}
