/**
 * `claw fake-claude ARGS…`: behave like the recorded `claude` (used by launcher scripts).
 *
 * @module
 */
import { fakeClaudeConfig, runFakeClaude } from "../cassette/fake_claude.ts";

/** Help for `claw fake-claude` (shown only by `claw help fake-claude`: every argument is the CLI's). */
export const help = `Usage: claw fake-claude CLAUDE_ARGS…

Behave like the recorded Claude Code CLI: every argument is taken as claude's own. Configured by
CLAW_CASSETTES (folder), CLAW_CASSETTE_MODE (replay|record|auto|passthrough),
CLAW_CASSETTE_TIMING (instant|recorded|FACTOR) and CLAW_REAL_CLAUDE. claw replay --write-bin
writes a launcher named claude that runs this.

Example:
  CLAW_CASSETTES=fixtures/cassettes/2.1.332 claw fake-claude -p --output-format=stream-json --verbose -- "Say hello"
`;

/** Runs the fake claude; returns its exit code (a signal becomes 128 + n). */
export async function run(args: string[]): Promise<number> {
  let config;
  try {
    config = fakeClaudeConfig();
  } catch (error) {
    console.error(`claw fake-claude: ${(error as Error).message}`);
    return 1;
  }
  const status = await runFakeClaude(args, config);
  if (status.signal) {
    Deno.kill(Deno.pid, status.signal);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  return status.code;
}
