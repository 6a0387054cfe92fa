/**
 * `claw doctor`: checks the CLI, auth, config, settings, MCP config and network variables, each
 * with a stable id; `--live` proves the pipeline against a local fake API. A thin layer over
 * `src/doctor/`.
 *
 * @module
 */
import type { Check } from "../doctor/check.ts";
import { runDoctor } from "../doctor/doctor.ts";
import { UsageError } from "./_args.ts";
import { type Flag, flagValues, parseFlags } from "./_flags.ts";
import { checkFolder, checkInputFile } from "./_paths.ts";
import { colourEnabled, styles } from "./_style.ts";

const FLAGS: readonly Flag[] = [
  { name: "json", option: "json", type: "boolean", help: "" },
  { name: "live", option: "live", type: "boolean", help: "" },
  { name: "cwd", option: "cwd", type: "string", value: "DIR", help: "" },
  { name: "cli", option: "cli", type: "string", value: "PATH", help: "" },
  { name: "settings", option: "settings", type: "repeat", value: "FILE", help: "" },
  { name: "mcp-config", option: "mcpConfig", type: "repeat", value: "FILE", help: "" },
];

/** Help for `claw doctor`. */
export const help = `Usage: claw doctor [--json] [--live] [--cwd DIR] [--cli PATH]
                   [--settings FILE]... [--mcp-config FILE]...

Checks what makes "claude doesn't work from my script": which claude runs and its version, auth,
the config dir, settings and MCP config files, proxy and CA variables, a nested session. Each
check has a stable id, a status (ok, warn, fail), what was seen and a fix. Never runs
claude doctor (it hangs without a terminal) and never prints a token.

  --live        Also run the installed CLI once against claw's own fake Messages API on
                127.0.0.1 with a throwaway HOME: proves spawn, stream, decode and result work,
                without credentials or tokens
  --json        Print { "ok": boolean, "checks": [{ "id", "status", "detail", "fix"? }] }
  --cwd DIR     The project whose .claude/settings*.json and .mcp.json count (default: here)
  --cli PATH    The claude to check (default: CLAUDE_CLI_PATH, PATH, the usual places)
  --settings FILE, --mcp-config FILE
                Also validate files you pass to claude with these flags

Checks: cli_found, cli_version, cli_candidates, auth, config_dir, settings, mcp_config, proxy,
base_url, nested_session, live (with --live).

Exit codes: 0 when no check fails (warnings allowed); 1 when one does; 2 usage error.

Examples:
  claw doctor
  claw doctor --live
  claw doctor --json | jq '.checks[] | select(.status != "ok")'
`;

/** Runs `claw doctor` with `args`; returns the exit code. */
export async function run(args: string[]): Promise<number> {
  const { values: given, positionals } = parseFlags(args, FLAGS);
  const values = flagValues(FLAGS, given) as {
    json?: boolean;
    live?: boolean;
    cwd?: string;
    cli?: string;
    settings?: string[];
    mcpConfig?: string[];
  };
  if (positionals.length > 0) {
    throw new UsageError(`Unexpected "${positionals.join(" ")}": claw doctor takes no arguments`);
  }
  const { cwd } = values;
  if (cwd !== undefined) await checkFolder("--cwd", cwd, "the project folder to check");
  const settingsFiles = values.settings ?? [];
  const mcpConfigFiles = values.mcpConfig ?? [];
  for (const file of settingsFiles) await checkInputFile("--settings", file, "a settings file");
  for (const file of mcpConfigFiles) {
    await checkInputFile("--mcp-config", file, "an MCP config file");
  }
  const report = await runDoctor({
    ...(cwd === undefined ? {} : { cwd }),
    ...(values.cli === undefined ? {} : { cli: values.cli }),
    live: values.live === true,
    settingsFiles,
    mcpConfigFiles,
  });
  if (values.json === true) console.log(JSON.stringify(report, null, 2));
  else console.log(renderChecks(report.checks, styles(colourEnabled(Deno.stdout))));
  return report.ok ? 0 : 1;
}

function renderChecks(checks: Check[], style: ReturnType<typeof styles>): string {
  const mark = { ok: style.green("✓"), warn: style.yellow("!"), fail: style.red("✗") };
  const width = Math.max(...checks.map((check) => check.id.length));
  const lines: string[] = [];
  for (const check of checks) {
    const [first, ...more] = check.detail.split("\n");
    lines.push(`${mark[check.status]} ${check.id.padEnd(width)}  ${first}`);
    for (const line of more) lines.push(`  ${" ".repeat(width)}  ${line}`);
    if (check.fix && check.status !== "ok") {
      lines.push(`  ${" ".repeat(width)}  ${style.dim(`fix: ${check.fix}`)}`);
    }
  }
  const failed = checks.filter((check) => check.status === "fail").length;
  const warned = checks.filter((check) => check.status === "warn").length;
  lines.push(
    "",
    failed
      ? style.red(`${failed} check${failed === 1 ? "" : "s"} failed, ${warned} warned`)
      : `${style.green("All checks passed")}${warned ? `, ${warned} warned` : ""}`,
  );
  return lines.join("\n");
}
