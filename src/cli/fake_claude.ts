/**
 * `claw fake-claude ARGS…`: behave like the recorded `claude` (used by launcher scripts).
 *
 * @module
 */
import { cassetteModeFromEnv } from "../cassette/cassette_spawner.ts";
import { exitLike } from "./_exit_like.ts";
import { type FakeClaudeConfig, fakeClaudeConfig, runFakeClaude } from "../cassette/fake_claude.ts";

/** Help for `claw fake-claude` (shown only by `claw help fake-claude`: every argument is the CLI's). */
export const help = `Usage: claw fake-claude CLAUDE_ARGS…

Behave like the recorded Claude Code CLI: every argument is taken as claude's own. Configured by
CLAW_CASSETTES (folder), CLAW_CASSETTE_MODE (replay|record|auto|passthrough),
CLAW_CASSETTE_TIMING (instant|recorded|FACTOR), CLAW_REAL_CLAUDE and CLAW_CASSETTE_FAULTS
(injected faults, such as crash-after:2: see claw help replay). claw replay --write-bin writes a
launcher named claude that runs this. Like claude, it reports a problem in one line on
stderr ("claw fake-claude: …") and exits 1; when no cassette matches, it prints
"error[cassette_miss]: …" and "hint: …", as claw prints every failure.

Example:
  CLAW_CASSETTES=fixtures/cassettes/2.1.332 claw fake-claude -p --output-format=stream-json --verbose -- "Say hello"
`;

/** Runs the fake claude; returns its exit code (a signal becomes 128 + n). */
export async function run(args: string[]): Promise<number> {
  let config;
  try {
    config = fakeClaudeConfig();
    await checkCassettes(config);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    console.error(`claw fake-claude: ${error.message}`);
    return 1;
  }
  return await exitLike(await runFakeClaude(args, config));
}

/**
 * Checks CLAW_CASSETTES before serving a run, so a wrong folder is not reported as a cassette
 * miss: in replay mode it must be a folder that exists; in the other modes, if it exists, a
 * folder. Throws a `TypeError` naming the variable.
 */
async function checkCassettes(config: FakeClaudeConfig): Promise<void> {
  const mode = cassetteModeFromEnv(config.env);
  let info: Deno.FileInfo | undefined;
  try {
    info = await Deno.stat(config.dir);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound || error instanceof Deno.errors.NotADirectory)) {
      throw new TypeError(`Cannot use CLAW_CASSETTES "${config.dir}": ${(error as Error).message}`);
    }
  }
  const fix =
    "point it at the folder of cassettes (claw replay --write-bin writes a launcher that does)";
  if (info && !info.isDirectory) {
    throw new TypeError(`CLAW_CASSETTES "${config.dir}" is a file, not a folder: ${fix}`);
  }
  if (!info && mode === "replay") {
    throw new TypeError(`CLAW_CASSETTES "${config.dir}" does not exist: ${fix}`);
  }
}
