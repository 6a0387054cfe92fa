/**
 * Which `claude` runs, whether its version is supported, and which other `claude` executables
 * could be confused with it (an npm shim, a stale global install, an SDK-bundled binary).
 *
 * @module
 */
import { ClaudeNotFoundError } from "../errors/claw_error.ts";
import { allClaudes, findClaude, type FoundCli } from "../process/discover.ts";
import type { Spawner } from "../process/spawn.ts";
import { readCliVersion, SUPPORTED_CLI, versionStanding } from "../process/version.ts";
import type { Check } from "./check.ts";

/** The CLI the checks found, for the checks that need to run it. */
export interface CliUnderTest {
  /** Its path, as found. */
  path: string;
  /** Its version, when it answered `--version` like Claude Code. */
  version: string | undefined;
}

/** What {@linkcode checkCli} needs. */
export interface CliCheckOptions {
  /** The environment a run would get (PATH, HOME, CLAUDE_CLI_PATH). */
  env: Record<string, string>;
  /** An explicit `claude` (`--cli`). */
  cli?: string;
  /** Starts `--version` probes; the real spawner by default. */
  spawner?: Spawner;
}

const WHY: Record<FoundCli["source"], string> = {
  option: "given with --cli",
  CLAUDE_CLI_PATH: "named by CLAUDE_CLI_PATH",
  PATH: "first on PATH",
  known_location: "not on PATH; found in a usual install location",
};

function realPath(path: string): string {
  try {
    return Deno.realPathSync(path);
  } catch {
    return path;
  }
}

function shown(path: string): string {
  const real = realPath(path);
  return real === path ? path : `${path} → ${real}`;
}

/**
 * The `cli_found`, `cli_version` and `cli_candidates` checks, and the CLI they found.
 *
 * @example No claude anywhere
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { checkCli } from "./cli_checks.ts";
 *
 * const { checks, cli } = await checkCli({ env: { PATH: "/nonexistent", HOME: "/nonexistent" } });
 * strictEqual(cli, undefined);
 * strictEqual(checks.find((check) => check.id === "cli_found")?.status, "fail");
 * ```
 */
export async function checkCli(
  options: CliCheckOptions,
): Promise<{ checks: Check[]; cli: CliUnderTest | undefined }> {
  // Each executable is asked once, however many names lead to it (PATH, a symlink, --cli).
  const asked = new Map<string, Promise<string | undefined>>();
  const probe = (cli: string) => {
    const real = realPath(cli);
    let version = asked.get(real);
    if (!version) {
      version = readCliVersion({
        cli,
        hostEnv: options.env,
        timeoutMs: 5000,
        ...(options.spawner ? { spawner: options.spawner } : {}),
      });
      asked.set(real, version);
    }
    return version;
  };
  let found: FoundCli;
  try {
    found = findClaude({ ...(options.cli ? { cli: options.cli } : {}), env: options.env });
  } catch (error) {
    if (!(error instanceof ClaudeNotFoundError)) throw error;
    const missing: Check = {
      id: "cli_found",
      status: "fail",
      detail: error.message,
      fix: error.hint,
    };
    return { checks: [missing, await candidates(options.env, undefined, probe)], cli: undefined };
  }
  const version = await probe(found.path);
  const checks: Check[] = [
    {
      id: "cli_found",
      status: "ok",
      detail: `${shown(found.path)} (${WHY[found.source]})`,
    },
    versionCheck(found.path, version),
    await candidates(options.env, found.path, probe),
  ];
  return { checks, cli: { path: found.path, version } };
}

function versionCheck(path: string, version: string | undefined): Check {
  const range =
    `supported ${SUPPORTED_CLI.minimum} and later, tested up to ${SUPPORTED_CLI.tested}`;
  if (version === undefined) {
    return {
      id: "cli_version",
      status: "fail",
      detail: `${path} does not answer --version like Claude Code`,
      fix: "Point claw at the real claude (--cli or CLAUDE_CLI_PATH), or reinstall it",
    };
  }
  switch (versionStanding(version)) {
    case "below_minimum":
      return {
        id: "cli_version",
        status: "fail",
        detail: `Claude Code ${version} is older than claw supports (${range})`,
        fix: `Upgrade: npm i -g @anthropic-ai/claude-code@${SUPPORTED_CLI.tested}`,
      };
    case "newer_than_tested":
      return {
        id: "cli_version",
        status: "warn",
        detail: `Claude Code ${version} is newer than claw was tested with (${range})`,
        fix: `Usually fine: claw doctor --live proves the pipeline; to list what changed, run ` +
          `deno task drift --cli ${path} in a claw checkout`,
      };
    default:
      return { id: "cli_version", status: "ok", detail: `Claude Code ${version} (${range})` };
  }
}

async function candidates(
  env: Record<string, string>,
  running: string | undefined,
  probe: (cli: string) => Promise<string | undefined>,
): Promise<Check> {
  const onPath = allClaudes(env);
  const all: FoundCli[] = running === undefined || onPath.some((found) => found.path === running)
    ? onPath
    : [{ path: running, source: "option" }, ...onPath];
  const versions = await Promise.all(all.map((found) => probe(found.path)));
  const shell = onPath.find((found) => found.source === "PATH")?.path;
  const lines = all.map((found, index) => {
    const marks = [
      found.path === running ? "claw runs this" : undefined,
      found.path === shell ? "your shell runs this" : undefined,
    ].filter(Boolean);
    const version = versions[index] ?? "no version";
    return `${shown(found.path)}: ${version}${marks.length ? ` (${marks.join(", ")})` : ""}`;
  });
  if (all.length === 0) {
    return {
      id: "cli_candidates",
      status: "ok",
      detail: "No claude on PATH or in the usual places",
    };
  }
  const distinct = new Set(versions.map((version) => version ?? "unknown"));
  const differs = running !== undefined && shell !== undefined && running !== shell &&
    realPath(running) !== realPath(shell);
  if (distinct.size > 1 || differs) {
    return {
      id: "cli_candidates",
      status: "warn",
      detail: [
        differs
          ? "claw and your shell run different claude executables:"
          : `${all.length} claude executables with different versions:`,
        ...lines,
      ].join("\n"),
      fix:
        "Remove the stale installs (npm rm -g @anthropic-ai/claude-code, ~/.claude/local) or point claw at one with CLAUDE_CLI_PATH",
    };
  }
  return { id: "cli_candidates", status: "ok", detail: lines.join("\n") };
}
