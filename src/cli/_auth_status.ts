/**
 * `claw auth status`: the credential the CLI will use and why, as a report or as stable JSON.
 *
 * @module
 */
import { type AuthStatus, authStatus } from "../auth/auth_status.ts";
import type { AuthWarning } from "../auth/auth_warnings.ts";
import type { AuthSourceReport } from "../auth/resolve_auth.ts";
import { UsageError } from "./_args.ts";
import { type Flag, parseFlags } from "./_flags.ts";
import { checkFolder } from "./_paths.ts";
import { colourEnabled, styles } from "./_style.ts";

const FLAGS: readonly Flag[] = [
  { name: "json", option: "json", type: "boolean", help: "Print JSON (stable shape)" },
  { name: "cwd", option: "cwd", type: "string", value: "DIR", help: "Whose project settings" },
  { name: "bare", option: "bare", type: "boolean", help: "Predict a claude --bare run" },
  { name: "cli", option: "cli", type: "string", value: "PATH", help: "The claude to ask" },
];

/** One source as `claw auth status --json` prints it. */
export interface SourceJson {
  source: string;
  present: boolean;
  expires_at?: string;
  expired?: boolean;
  scopes?: string[];
  path?: string;
}

/** What `claw auth status --json` prints: a stable shape the README documents. */
export interface AuthStatusJson {
  /** The credential the CLI will use, and why; `null` when none. */
  active: { source: string; method: string; why: string } | null;
  /** Every source, in the CLI's precedence order. */
  sources: SourceJson[];
  /** Traps, each with a stable id. */
  warnings: AuthWarning[];
  /** The CLI that would run and what it said; `null` when none is found. */
  cli: {
    path: string;
    version: string | null;
    auth_status?: {
      logged_in: boolean;
      auth_method: string;
      api_provider?: string;
      api_key_source?: string;
    };
  } | null;
}

/**
 * The JSON of `claw auth status --json` for `status`.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { authStatusJson } from "./_auth_status.ts";
 *
 * const json = authStatusJson({
 *   active: null, usable: false, loggedIn: false, configDir: "/h/.claude", warnings: [], cli: null,
 *   sources: [{ source: "credentials_file", present: false, path: "/h/.claude/.credentials.json" }],
 * });
 * deepStrictEqual(Object.keys(json), ["active", "sources", "warnings", "cli"]);
 * ```
 */
export function authStatusJson(status: AuthStatus): AuthStatusJson {
  const said = status.cli?.authStatus;
  return {
    active: status.active,
    sources: status.sources.map(sourceJson),
    warnings: status.warnings,
    cli: status.cli && {
      path: status.cli.path,
      version: status.cli.version,
      ...(said && {
        auth_status: {
          logged_in: said.loggedIn,
          auth_method: said.authMethod,
          ...(said.apiProvider && { api_provider: said.apiProvider }),
          ...(said.apiKeySource && { api_key_source: said.apiKeySource }),
        },
      }),
    },
  };
}

function sourceJson(report: AuthSourceReport): SourceJson {
  return {
    source: report.source,
    present: report.present,
    ...(report.expiresAt !== undefined && { expires_at: report.expiresAt }),
    ...(report.expired !== undefined && { expired: report.expired }),
    ...(report.scopes !== undefined && { scopes: report.scopes }),
    ...(report.path !== undefined && { path: report.path }),
  };
}

/**
 * Runs `claw auth status` with `args`; exit 0 when a usable credential exists, 1 when not.
 *
 * @example A stray argument is a usage error
 * ```ts
 * import { rejects } from "node:assert";
 * import { runAuthStatus } from "./_auth_status.ts";
 *
 * await rejects(runAuthStatus(["now"]), /^UsageError: Unexpected "now"/);
 * ```
 */
export async function runAuthStatus(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(args, FLAGS);
  if (positionals.length > 0) {
    throw new UsageError(
      `Unexpected "${positionals.join(" ")}": claw auth status takes no arguments`,
    );
  }
  const cwd = values.cwd as string | undefined;
  if (cwd !== undefined) await checkFolder("--cwd", cwd, "the project folder whose settings count");
  const bare = values.bare === true;
  const status = await authStatus({
    ...(cwd === undefined ? {} : { cwd }),
    ...(typeof values.cli === "string" ? { cli: values.cli } : {}),
    bare,
  });
  if (values.json === true) console.log(JSON.stringify(authStatusJson(status), null, 2));
  else console.log(renderAuthStatus(status, { style: styles(colourEnabled(Deno.stdout)), bare }));
  return status.loggedIn ? 0 : 1;
}

/** The human report; `bare` when it predicts a `claude --bare` run. */
function renderAuthStatus(
  status: AuthStatus,
  { style, bare }: { style: ReturnType<typeof styles>; bare: boolean },
): string {
  const lines: string[] = [];
  if (status.active) {
    lines.push(`${style.bold("Active:")} ${status.active.source} (${status.active.method})`);
    lines.push(`  ${status.active.why}`);
  } else {
    lines.push(`${style.bold("Active:")} ${style.red("none")}: the CLI has no credential`);
    lines.push("  Run claw auth login, or set ANTHROPIC_API_KEY or CLAUDE_CODE_OAUTH_TOKEN");
  }
  lines.push("", style.bold("Sources:"));
  const width = Math.max(...status.sources.map((source) => source.source.length));
  for (const source of status.sources) {
    const mark = source.present ? style.green("✓") : style.dim("·");
    const facts = [
      source.present ? "set" : "not set",
      source.path,
      source.expiresAt &&
      `${source.expired ? style.red("expired") : "expires"} ${source.expiresAt}`,
      source.scopes?.length ? `scopes ${source.scopes.join(" ")}` : undefined,
    ].filter(Boolean);
    lines.push(`  ${mark} ${source.source.padEnd(width)}  ${facts.join("  ")}`);
  }
  if (status.warnings.length > 0) {
    lines.push("", style.bold("Warnings:"));
    for (const warning of status.warnings) {
      lines.push(`  ${style.yellow("!")} ${warning.id}: ${warning.message}`);
      lines.push(`    ${style.dim(`fix: ${warning.fix}`)}`);
    }
  }
  lines.push("", `${style.bold("CLI:")} ${cliLine(status, bare)}`);
  return lines.join("\n");
}

function cliLine(status: AuthStatus, bare: boolean): string {
  const { cli } = status;
  if (!cli) return "not found (claw predicted from the environment and the files alone)";
  const version = cli.version ?? "version unknown";
  const said = cli.authStatus;
  const asked = bare ? "claude --bare auth status" : "claude auth status";
  if (said) {
    const state = said.loggedIn ? `logged in, ${said.authMethod}` : "not logged in";
    return `${cli.path} (${version}); ${asked}: ${state}`;
  }
  return `${cli.path} (${version}); ${asked} not asked (this version has none)`;
}
