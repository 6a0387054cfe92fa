/**
 * The `live` check: the installed CLI answers one prompt through claw's own fake Messages API on
 * 127.0.0.1, with a throwaway HOME. It proves the whole pipeline (spawn, stream, decode, result)
 * without credentials and without spending a token.
 *
 * @module
 */
import { ClawError } from "../errors/claw_error.ts";
import { startFakeApi } from "../fake_api/fake_api.ts";
import { offlineEnv } from "../fake_api/offline_env.ts";
import { versionStanding } from "../process/version.ts";
import { run } from "../session/run.ts";
import type { Check } from "./check.ts";
import type { CliUnderTest } from "./cli_checks.ts";

const ANSWER = "claw doctor: the pipeline works";

/** What {@linkcode checkLive} needs. */
export interface LiveCheckOptions {
  /** The CLI found by the `cli_found` check; `undefined` when none was. */
  cli: CliUnderTest | undefined;
  /** The `PATH` the CLI runs with (a Node-based CLI needs `node` on it). */
  path?: string;
  /** Gives up after this many milliseconds. Default 30 s. */
  timeoutMs?: number;
}

/**
 * Runs the CLI once against a local fake API and checks the answer comes back whole. The fake
 * API, the throwaway HOME and the process are gone when it returns.
 *
 * @example Without a CLI the check fails and says why
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { checkLive } from "./live_check.ts";
 *
 * const check = await checkLive({ cli: undefined });
 * strictEqual(check.status, "fail");
 * ```
 */
export async function checkLive(options: LiveCheckOptions): Promise<Check> {
  const { cli } = options;
  if (!cli) {
    return {
      id: "live",
      status: "fail",
      detail: "Not run: no claude was found (see cli_found)",
      fix: "Install Claude Code, then run claw doctor --live again",
    };
  }
  if (cli.version === undefined || versionStanding(cli.version) === "below_minimum") {
    return {
      id: "live",
      status: "fail",
      detail: `Not run: ${cli.path} is ${
        cli.version ? `Claude Code ${cli.version}, older than claw supports` : "not Claude Code"
      } (see cli_version)`,
      fix: "Install a supported Claude Code, then run claw doctor --live again",
    };
  }
  const home = await Deno.makeTempDir({ prefix: "claw-doctor-" });
  const started = performance.now();
  try {
    await using api = await startFakeApi({
      script: { replies: [{ content: [{ type: "text", text: ANSWER }] }] },
    });
    await Deno.mkdir(`${home}/tmp`);
    await Deno.mkdir(`${home}/work`);
    const env = {
      PATH: options.path ?? Deno.env.get("PATH") ?? "/usr/bin:/bin",
      ...offlineEnv({ apiUrl: api.url, home, maxRetries: 0, tmpDir: `${home}/tmp` }),
    };
    await using answer = run("Reply with the health-check sentence", {
      cli: cli.path,
      cwd: `${home}/work`,
      env,
      inheritEnv: false,
      timeoutMs: options.timeoutMs ?? 30_000,
      startupTimeoutMs: options.timeoutMs ?? 30_000,
    });
    const text = await answer.text();
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    const named = cli.version ? `Claude Code ${cli.version}` : cli.path;
    if (text !== ANSWER) {
      return {
        id: "live",
        status: "fail",
        detail: `claude answered ${
          JSON.stringify(text.slice(0, 200))
        } instead of the scripted text`,
        fix: "Run the CLI by hand against claw fake-api and compare its output",
      };
    }
    return {
      id: "live",
      status: "ok",
      detail:
        `${named} answered through a local fake API in ${seconds} s: spawn, stream, decode and result work`,
    };
  } catch (error) {
    const kind = error instanceof ClawError ? ` [${error.kind}]` : "";
    return {
      id: "live",
      status: "fail",
      detail: `The live run failed${kind}: ${(error as Error).message}`,
      fix: error instanceof ClawError
        ? error.hint
        : "Check the CLI install (claw doctor's cli checks)",
    };
  } finally {
    await Deno.remove(home, { recursive: true }).catch(() => {});
  }
}
