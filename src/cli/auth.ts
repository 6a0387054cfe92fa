/**
 * `claw auth`: which credential the CLI will use and why (`status`), and the official login flows
 * with the terminal handed through (`login`, `token`), and a logout that keeps MCP logins. A thin
 * layer over `src/auth/`.
 *
 * @module
 */
import { UsageError } from "./_args.ts";

const SUBCOMMANDS = ["status", "login", "token", "logout"] as const;

/** Help for `claw auth`. */
export const help = `Usage: claw auth status [--json] [--cwd DIR] [--bare] [--cli PATH]
       claw auth login [--claudeai|--console|--sso] [--cli PATH]
       claw auth token [--cli PATH]
       claw auth logout [--all] [--json] [--cli PATH]

Which credential Claude Code will use, and logging in and out safely. claw reads credentials for
their metadata only (presence, expiry, scopes) and never prints a token.

  status   The credential the CLI will use and why; every source (ANTHROPIC_API_KEY,
           ANTHROPIC_AUTH_TOKEN, CLAUDE_CODE_OAUTH_TOKEN, apiKeyHelper in the settings, the
           credentials file or keychain, Bedrock/Vertex/Foundry) with presence, expiry and
           scopes; the traps (an API key shadowing a subscription, an expired login, a
           malformed or world-readable credentials file, CLAUDE_CONFIG_DIR pointing elsewhere),
           each with a stable id and a fix. Cross-checked with claude auth status where the CLI
           has it (2.1.41 and later; never run on 2.0.x). --bare predicts a claude --bare run.
  login    Runs claude auth login on this terminal (subscription by default; --console for API
           billing, --sso). Needs a terminal: in CI, run claude setup-token on a workstation and
           set CLAUDE_CODE_OAUTH_TOKEN instead.
  token    Runs claude setup-token on this terminal: a long-lived OAuth token for CI.
  logout   Removes the Claude login from the credentials file and keeps everything else in it
           (MCP servers' logins), written atomically with mode 0600. --all runs claude auth
           logout instead, which deletes the whole file.

Exit codes: status 0 when a usable credential exists, 1 when not; login, token, logout 0 on
success, 1 on failure; 2 usage error.

Examples:
  claw auth status
  claw auth status --json | jq .active
  claw auth login --console
  claw auth logout
`;

/** Runs `claw auth` with `args`; returns the exit code. */
export async function run(args: string[]): Promise<number> {
  const at = args.findIndex((arg) => !arg.startsWith("-"));
  const kind = at === -1 ? undefined : args[at];
  const rest = at === -1 ? args : [...args.slice(0, at), ...args.slice(at + 1)];
  if (kind === undefined) {
    throw new UsageError(`Missing subcommand: use one of ${SUBCOMMANDS.join(", ")}`);
  }
  switch (kind) {
    case "status": {
      const status = await import("./_auth_status.ts");
      return await status.runAuthStatus(rest);
    }
    case "login":
    case "token":
    case "logout": {
      const flows = await import("./_auth_flows.ts");
      return await flows.runAuthFlow(kind, rest);
    }
    default:
      throw new UsageError(`Unknown subcommand "${kind}": use one of ${SUBCOMMANDS.join(", ")}`);
  }
}
