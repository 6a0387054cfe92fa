/**
 * Starting a run's process: the options checked, the executable found, the argv and environment
 * built, the process spawned through the seam and the prompt on its way. Kept apart from decoding
 * so that `claw run` can start `claude` before it loads the rest of claw.
 *
 * @module
 */
import { ClaudeNotFoundError, ClawError, InvalidOptionError } from "../errors/claw_error.ts";
import { denoSpawner } from "../process/deno_spawner.ts";
import { findClaude } from "../process/discover.ts";
import { authEnv } from "../auth/launch_auth.ts";
import { buildEnv } from "../process/env.ts";
import { buildArgs } from "../process/options.ts";
import {
  type ClaudeProcess,
  type CliNeed,
  cliNeedOf,
  type Spawner,
  type SpawnRequest,
} from "../process/spawn.ts";
import { preflightPrompt } from "./preflight.ts";
import { type RunOptions, validateRunOptions } from "./run_options.ts";
import { toJsonSchema } from "./standard_schema.ts";
import { resumedSessionId } from "./_resume.ts";

/** Prompts longer than this many bytes go through stdin instead of argv. */
export const ARGV_PROMPT_LIMIT = 100_000;

/** A run ready to start: what to spawn, with what, and how the prompt travels. */
export interface LaunchPlan {
  /** The executable, argv, environment and cwd. */
  request: SpawnRequest;
  /** Starts the process. */
  spawner: Spawner;
  /** The prompt, when it is too long for argv and goes through stdin. */
  stdinPrompt: string | undefined;
  /** Stdin stays open for the caller to write (a session's messages), instead of being closed. */
  openStdin?: boolean;
  /**
   * The session to resume (an id or a title), when the real CLI will look for its file: checked,
   * and a title resolved to its session's id, before spawning ({@linkcode resolveResume}). (A
   * replay has no such file to find.)
   */
  resume?: string;
}

/** A started run: its plan, its process, and the prompt being written to its stdin. */
export interface Launched {
  /** What was started. */
  plan: LaunchPlan;
  /** The process. */
  process: ClaudeProcess;
  /** Settles once the prompt is written and stdin closed (or the process refused it). */
  writing: Promise<void>;
}

/**
 * Checks `options` and `prompt` and works out what to start, without starting it. Throws an
 * {@linkcode InvalidOptionError} for a bad option, a `ClawError` of kind `context_window` for a
 * prompt too big for the model (unless `preflight: false`) and a `ClaudeNotFoundError` when there
 * is no CLI.
 *
 * @example The argv of a one-shot run
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { planLaunch } from "./launch.ts";
 *
 * const plan = planLaunch("Say hi", { maxTurns: 2, spawner: () => { throw new Error("not started"); } });
 * deepStrictEqual(plan.request.args, ["-p", "--output-format=stream-json", "--verbose", "--max-turns=2", "--", "Say hi"]);
 * ```
 */
export function planLaunch(prompt: string, options: RunOptions): LaunchPlan {
  if (prompt.trim() === "") {
    throw new InvalidOptionError(
      ["prompt"],
      (name) => `The ${name("prompt")} is empty: pass the text Claude should work on`,
    );
  }
  const viaStdin = new TextEncoder().encode(prompt).length > ARGV_PROMPT_LIMIT;
  const head = ["-p", "--output-format=stream-json", "--verbose"];
  const plan = planCommand(head, options, viaStdin ? [] : ["--", prompt], prompt);
  return { ...plan, stdinPrompt: viaStdin ? prompt : undefined };
}

/**
 * Works out what to start for a session's process: `claude -p` reading stream-json user messages
 * and control requests on stdin, which stays open. Checks `options` like {@linkcode planLaunch}.
 *
 * @example The argv of a session's process
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { planSessionLaunch } from "./launch.ts";
 *
 * const plan = planSessionLaunch({ model: "sonnet", spawner: () => { throw new Error("not started"); } });
 * deepStrictEqual(plan.request.args, ["-p", "--input-format=stream-json", "--output-format=stream-json", "--verbose", "--model=sonnet"]);
 * ```
 */
export function planSessionLaunch(options: RunOptions): LaunchPlan {
  const head = ["-p", "--input-format=stream-json", "--output-format=stream-json", "--verbose"];
  return { ...planCommand(head, options, []), stdinPrompt: undefined, openStdin: true };
}

/** The plan of `head`, the flags and `tail`; a `prompt` given is checked before the CLI is found. */
function planCommand(
  head: string[],
  options: RunOptions,
  tail: string[],
  prompt?: string,
): Omit<LaunchPlan, "stdinPrompt"> {
  validateRunOptions(options);
  if (prompt !== undefined && options.preflight !== false) preflightPrompt(prompt, options);
  const need = options.spawner ? cliNeedOf(options.spawner) ?? "never" : "always";
  // Only a run that ends in the real CLI reads credentials (a replay's never does), unless a
  // method was chosen.
  const env = need === "always" || options.auth
    ? authEnv(buildEnv(options), options)
    : buildEnv(options);
  if (options.enableFileCheckpointing) env.CLAUDE_CODE_ENABLE_SDK_FILE_CHECKPOINTING = "true";
  const command = cliCommand(need, options, env);
  const { jsonSchema, ...flags } = options;
  const args = [
    ...head,
    ...buildArgs(
      jsonSchema === undefined
        ? flags
        : { ...flags, jsonSchema: toJsonSchema(jsonSchema, "jsonSchema") },
    ),
    ...tail,
  ];
  return {
    request: { command, args, env, ...(options.cwd === undefined ? {} : { cwd: options.cwd }) },
    spawner: options.spawner ?? denoSpawner,
    ...(need === "always" && options.resume !== undefined ? { resume: options.resume } : {}),
  };
}

/**
 * The `command` of a run whose spawner needs `need` of an installed `claude` (see `CliNeed`): the
 * CLI found as usual when it always needs one (or throws `ClaudeNotFoundError`), when it may need
 * one and there is one, else the `cli` option as given.
 */
function cliCommand(need: CliNeed, options: RunOptions, env: Record<string, string>): string {
  const given = options.cli ?? "claude";
  if (need === "never") return given;
  try {
    return findClaude({ ...(options.cli === undefined ? {} : { cli: options.cli }), env }).path;
  } catch (error) {
    // A run that may replay starts without one; only a miss needs it, and says so then.
    if (need === "on-miss" && error instanceof ClaudeNotFoundError) return given;
    throw error;
  }
}

/**
 * The plan with the session it resumes checked, before anything starts, where the real CLI will
 * look for it: a session id must have a file (else kind `session_not_found`); any other value is
 * taken as a title, as claude 2.1 takes it (`claude -p --resume "<title>"`: the session of the
 * working directory whose last title it is, trimmed and in any case) and becomes that session's
 * id, so that every CLI version resumes it. An unknown title is kind `session_not_found`, a title
 * two sessions share kind `usage` (the message lists their ids). A plan that resumes nothing, or
 * whose spawner does not end in the real CLI, is returned as it is.
 *
 * @example A title no session has
 * ```ts
 * import { rejects } from "node:assert";
 * import { planLaunch, resolveResume } from "./launch.ts";
 *
 * // Any executable stands in for claude here: nothing is started.
 * const plan = planLaunch("Go on", { resume: "nonexistent-id", cli: "/bin/sh", env: { HOME: "/nowhere" } });
 * await rejects(resolveResume(plan), /No session of ".+" is called "nonexistent-id"/);
 * ```
 */
export async function resolveResume(plan: LaunchPlan): Promise<LaunchPlan> {
  const { resume } = plan;
  if (resume === undefined) return plan;
  const { env, cwd } = plan.request;
  const id = await resumedSessionId(resume, { env, ...(cwd === undefined ? {} : { cwd }) });
  if (id === resume) return plan;
  const args = [...plan.request.args];
  args[args.indexOf(`--resume=${resume}`)] = `--resume=${id}`;
  return { ...plan, request: { ...plan.request, args }, resume: id };
}

/**
 * Starts `plan`'s process and sends the prompt on its way. A spawner's `ClawError` (such as a
 * `CassetteMissError`) is thrown as it is; any other failure to start is kind `spawn`.
 *
 * @example Start a stand-in and read what it prints
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { denoSpawner } from "../process/deno_spawner.ts";
 * import { launch, planLaunch } from "./launch.ts";
 *
 * const echo = planLaunch("hi", { spawner: (request) => denoSpawner({ ...request, command: "echo" }) });
 * const { process } = await launch(echo);
 * strictEqual(await new Response(process.stdout).text(), "-p --output-format=stream-json --verbose -- hi\n");
 * await process.status;
 * ```
 */
export async function launch(planned: LaunchPlan): Promise<Launched> {
  const plan = await resolveResume(planned);
  let process: ClaudeProcess;
  try {
    process = await plan.spawner(plan.request);
  } catch (cause) {
    if (cause instanceof ClawError) throw cause;
    throw new ClawError("spawn", `Cannot start "${plan.request.command}": ${String(cause)}`, {
      cause,
    });
  }
  const writing = plan.openStdin ? Promise.resolve() : writePrompt(process, plan.stdinPrompt);
  return { plan, process, writing };
}

async function writePrompt(process: ClaudeProcess, prompt: string | undefined): Promise<void> {
  try {
    if (prompt === undefined) {
      await process.stdin.close();
      return;
    }
    const writer = process.stdin.getWriter();
    await writer.write(new TextEncoder().encode(prompt));
    await writer.close();
  } catch {
    // the process died before reading its prompt; its exit explains why
  }
}
