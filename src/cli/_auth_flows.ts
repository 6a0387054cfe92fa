/**
 * `claw auth login|token|logout`: the official flows run on this terminal, and a logout that
 * removes only the Claude login.
 *
 * @module
 */
import { AUTH_STATUS_SINCE } from "../auth/cli_auth_status.ts";
import { removeClaudeLogin } from "../auth/logout.ts";
import { ClawError } from "../errors/claw_error.ts";
import { credentialsPath } from "../process/config_paths.ts";
import { findClaude } from "../process/discover.ts";
import { buildEnv } from "../process/env.ts";
import { compareVersions, readCliVersion } from "../process/version.ts";
import { UsageError } from "./_args.ts";
import { type Flag, parseFlags } from "./_flags.ts";

/** The flows of `claw auth` that change the login. */
export type AuthFlow = "login" | "token" | "logout";

const CLI_FLAG: Flag = { name: "cli", option: "cli", type: "string", value: "PATH", help: "" };
/** `--json` on login and token only shapes a failure: one JSON error object on stdout. */
const JSON_FLAG: Flag = { name: "json", option: "json", type: "boolean", help: "" };

const FLAGS: Readonly<Record<AuthFlow, readonly Flag[]>> = {
  login: [
    { name: "claudeai", option: "claudeai", type: "boolean", help: "" },
    { name: "console", option: "console", type: "boolean", help: "" },
    { name: "sso", option: "sso", type: "boolean", help: "" },
    CLI_FLAG,
    JSON_FLAG,
  ],
  token: [CLI_FLAG, JSON_FLAG],
  logout: [{ name: "all", option: "all", type: "boolean", help: "" }, CLI_FLAG, JSON_FLAG],
};

const NO_TERMINAL =
  "needs a terminal (it waits for a browser round trip): on a workstation run claude setup-token, then set CLAUDE_CODE_OAUTH_TOKEN in CI";

/**
 * Runs `claw auth login|token|logout` with `args`; returns the exit code.
 *
 * @example Without a terminal, login refuses at once
 * ```ts
 * import { rejects } from "node:assert";
 * import { runAuthFlow } from "./_auth_flows.ts";
 *
 * if (!Deno.stdin.isTerminal()) {
 *   await rejects(runAuthFlow("login", []), /needs a terminal/);
 * }
 * await rejects(runAuthFlow("login", ["--sso", "--console"]), /^UsageError: Choose one/);
 * ```
 */
export async function runAuthFlow(flow: AuthFlow, args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(args, FLAGS[flow]);
  if (positionals.length > 0) {
    throw new UsageError(
      `Unexpected "${positionals.join(" ")}": claw auth ${flow} takes no arguments`,
    );
  }
  const cli = typeof values.cli === "string" ? values.cli : undefined;
  if (flow === "logout") {
    return await logout({ all: values.all === true, json: values.json === true, cli });
  }
  const modes = ["claudeai", "console", "sso"].filter((mode) => values[mode] === true);
  if (modes.length > 1) {
    throw new UsageError(
      `Choose one of --claudeai, --console, --sso, not ${modes.map((m) => `--${m}`).join(" and ")}`,
    );
  }
  if (!Deno.stdin.isTerminal() || !Deno.stdout.isTerminal()) {
    throw new ClawError("auth", `claw auth ${flow} ${NO_TERMINAL}`, {
      hint: "Run it in a terminal, or use CLAUDE_CODE_OAUTH_TOKEN or ANTHROPIC_API_KEY",
    });
  }
  const { path, version } = await officialCli(cli);
  if (flow === "token") return await handOver(path, ["setup-token"]);
  if (compareVersions(version, AUTH_STATUS_SINCE) < 0) {
    throw new ClawError("unsupported", `Claude Code ${version} has no auth login command`, {
      hint: "Run claude and type /login, or upgrade Claude Code",
    });
  }
  return await handOver(path, ["auth", "login", ...modes.map((mode) => `--${mode}`)]);
}

async function officialCli(cli: string | undefined): Promise<{ path: string; version: string }> {
  const env = buildEnv();
  const { path } = findClaude({ ...(cli === undefined ? {} : { cli }), env });
  const version = await readCliVersion({ cli: path, hostEnv: env });
  if (version === undefined) {
    throw new ClawError("cli_version", `"${path}" does not answer --version like Claude Code`);
  }
  return { path, version };
}

/**
 * Runs the CLI on this terminal and waits for it. Ctrl-C belongs to the CLI while it runs; if
 * claw itself is told to stop, the CLI is stopped too.
 */
async function handOver(path: string, args: string[]): Promise<number> {
  const child = new Deno.Command(path, {
    args,
    env: buildEnv(),
    stdin: "inherit",
    stdout: "inherit",
    stderr: "inherit",
  }).spawn();
  const ignore = () => {};
  const kill = (signal: Deno.Signal) => {
    try {
      child.kill(signal);
    } catch {
      // Already gone.
    }
  };
  // Told to stop: pass it on, and make sure within a few seconds (never wait forever).
  const forward = (signal: Deno.Signal) => () => {
    kill(signal);
    Deno.unrefTimer(setTimeout(() => kill("SIGKILL"), 5000));
  };
  const listeners: [Deno.Signal, () => void][] = [
    ["SIGINT", ignore],
    ["SIGTERM", forward("SIGTERM")],
    ["SIGHUP", forward("SIGHUP")],
  ];
  for (const [signal, listener] of listeners) Deno.addSignalListener(signal, listener);
  try {
    const status = await child.status;
    return status.code;
  } finally {
    for (const [signal, listener] of listeners) Deno.removeSignalListener(signal, listener);
  }
}

async function logout(
  options: { all: boolean; json: boolean; cli: string | undefined },
): Promise<number> {
  if (options.all) {
    const { path, version } = await officialCli(options.cli);
    if (compareVersions(version, AUTH_STATUS_SINCE) < 0) {
      throw new ClawError("unsupported", `Claude Code ${version} has no auth logout command`, {
        hint: "Run claude and type /logout, or run claw auth logout without --all",
      });
    }
    const out = await new Deno.Command(path, {
      args: ["auth", "logout"],
      env: buildEnv(),
      stdin: "null",
      signal: AbortSignal.timeout(30_000),
    }).output();
    const text = new TextDecoder().decode(out.stdout).trim();
    if (options.json) console.log(JSON.stringify({ removed: out.success, all: true }));
    else if (text) console.log(text);
    return out.success ? 0 : 1;
  }
  const path = credentialsPath(buildEnv());
  const outcome = removeClaudeLogin(path);
  if (options.json) {
    console.log(
      JSON.stringify({
        path,
        removed: outcome.removed,
        kept: outcome.kept,
        deleted: outcome.deleted,
      }),
    );
  } else if (!outcome.removed) {
    console.log(`No Claude login in ${path}: nothing to do`);
  } else {
    const kept = outcome.kept.length ? `; kept ${outcome.kept.join(", ")}` : "";
    console.log(`Logged out: removed the Claude login from ${path}${kept}`);
  }
  return 0;
}
