/**
 * `claw doctor` as a library: every check, in order, and whether any failed. Never runs
 * `claude doctor` (an interactive screen that hangs without a terminal).
 *
 * @module
 */
import { authStatus } from "../auth/auth_status.ts";
import { claudeProcessesUsing } from "../process/cli_processes.ts";
import { buildEnv } from "../process/env.ts";
import type { Spawner } from "../process/spawn.ts";
import { authCheck } from "./auth_check.ts";
import { checkBaseUrl } from "./base_url_check.ts";
import type { Check } from "./check.ts";
import { checkCli } from "./cli_checks.ts";
import { checkConfigDir } from "./config_dir_check.ts";
import { checkLive } from "./live_check.ts";
import { checkMcpConfig } from "./mcp_config_check.ts";
import { checkNestedSession } from "./nested_session_check.ts";
import { checkProxy } from "./proxy_check.ts";
import { checkSettings } from "./settings_check.ts";

/** Every check id `claw doctor` can report, in the order it reports them. */
export const CHECK_IDS = [
  "cli_found",
  "cli_version",
  "cli_candidates",
  "auth",
  "config_dir",
  "settings",
  "mcp_config",
  "proxy",
  "base_url",
  "nested_session",
  "live",
] as const;

/** What `claw doctor` found. */
export interface DoctorReport {
  /** Whether no check failed (warnings do not count). */
  ok: boolean;
  /** Every check, in {@linkcode CHECK_IDS} order. */
  checks: Check[];
}

/** Options for {@linkcode runDoctor}. */
export interface DoctorOptions {
  /** The environment to diagnose; this process's by default. */
  env?: Record<string, string | undefined>;
  /** The project folder (its settings and `.mcp.json`); `Deno.cwd()` by default. */
  cwd?: string;
  /** The `claude` to check (`--cli`); found like a run finds it otherwise. */
  cli?: string;
  /** Also run the live check: one prompt through a local fake API. */
  live?: boolean;
  /** Extra settings files to validate (what a run passes with `--settings`). */
  settingsFiles?: string[];
  /** Extra MCP config files to validate (what a run passes with `--mcp-config`). */
  mcpConfigFiles?: string[];
  /** Starts the CLI's processes (`--version`, `auth status`); the real one by default. */
  spawner?: Spawner;
}

/**
 * Runs every check. Reads files and runs `claude --version` (and `claude auth status` on CLIs
 * that have it); with `live`, one offline run. Never throws for what it diagnoses.
 *
 * @example A machine without claude fails, and says so
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { runDoctor } from "./doctor.ts";
 *
 * const home = await Deno.makeTempDir();
 * const report = await runDoctor({ env: { HOME: home, PATH: home }, cwd: home });
 * strictEqual(report.ok, false);
 * strictEqual(report.checks[0]?.id, "cli_found");
 * strictEqual(report.checks[0]?.status, "fail");
 * await Deno.remove(home, { recursive: true });
 * ```
 */
export async function runDoctor(options: DoctorOptions = {}): Promise<DoctorReport> {
  const hostEnv = options.env ?? Deno.env.toObject();
  const runEnv = buildEnv({ hostEnv });
  const cwd = options.cwd ?? Deno.cwd();
  const spawner = options.spawner ? { spawner: options.spawner } : {};
  const cliFlag = options.cli === undefined ? {} : { cli: options.cli };
  const found = await checkCli({ env: runEnv, ...cliFlag, ...spawner });
  // The live run takes longest: it goes on while the other checks ask and read.
  const live = options.live
    ? checkLive({ cli: found.cli, ...(runEnv.PATH ? { path: runEnv.PATH } : {}) })
    : undefined;
  // One look through /proc serves both the auth check and the config-dir check.
  const scans = new Map<string, number[]>();
  const processesUsing = (dir: string) => {
    if (!scans.has(dir)) scans.set(dir, claudeProcessesUsing(dir));
    return scans.get(dir)!;
  };
  const auth = await authStatus({
    env: hostEnv,
    cwd,
    processesUsing,
    ...(found.cli ? { cli: found.cli.path } : cliFlag),
    ...(found.cli?.version ? { cliVersion: found.cli.version } : {}),
    ...spawner,
  });
  const checks: Check[] = [
    ...found.checks,
    authCheck(auth),
    checkConfigDir({ env: hostEnv, processesUsing }),
    checkSettings({
      env: hostEnv,
      cwd,
      extraFiles: options.settingsFiles ?? [],
      ...(found.cli?.version ? { cliVersion: found.cli.version } : {}),
    }),
    checkMcpConfig({ env: hostEnv, cwd, extraFiles: options.mcpConfigFiles ?? [] }),
    checkProxy({ env: hostEnv }),
    checkBaseUrl({ env: hostEnv }),
    checkNestedSession({ env: hostEnv }),
  ];
  if (live) checks.push(await live);
  return { ok: checks.every((check) => check.status !== "fail"), checks };
}
