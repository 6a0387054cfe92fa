/**
 * The `config_dir` check: the CLI's config dir and its global config file (`.claude.json`).
 *
 * A `.claude.json` that does not parse makes the CLI print "Claude configuration file at … is
 * corrupted" on stdout (into a `-p` run's output), back it up as `.claude.json.corrupted.<ms>` and
 * reset it; concurrent CLI processes on one config dir are the usual cause (observed in the CLI's
 * code, 2.0.76).
 *
 * @module
 */
import { claudeProcessesUsing } from "../process/cli_processes.ts";
import { configDir, globalConfigPath } from "../process/config_paths.ts";
import { type Check, type CheckStatus, worst } from "./check.ts";

/** What {@linkcode checkConfigDir} needs. */
export interface ConfigDirCheckOptions {
  /** The environment a run would get. */
  env: Readonly<Record<string, string | undefined>>;
  /** Other `claude` processes on a config dir (Linux `/proc` by default). */
  processesUsing?: (dir: string) => number[];
}

interface Finding {
  status: CheckStatus;
  text: string;
  fix?: string;
}

/**
 * Checks the config dir (exists, owned by this user, not writable by others), the global config
 * file (parses; no earlier corruption backups) and other CLI processes sharing the dir.
 *
 * @example A config dir that does not exist yet is fine
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { checkConfigDir } from "./config_dir_check.ts";
 *
 * const check = checkConfigDir({ env: { HOME: "/nonexistent" }, processesUsing: () => [] });
 * strictEqual(check.status, "ok");
 * ```
 */
export function checkConfigDir(options: ConfigDirCheckOptions): Check {
  const { env } = options;
  const dir = configDir(env);
  const findings: Finding[] = [...dirFindings(dir), ...globalConfigFindings(globalConfigPath(env))];
  const others = (options.processesUsing ?? claudeProcessesUsing)(dir);
  if (others.length > 0) {
    findings.push({
      status: "warn",
      text: `${others.length} claude process${
        others.length === 1 ? "" : "es"
      } running on ${dir} (pid ${
        others.slice(0, 5).join(", ")
      }): concurrent sessions on one config dir can corrupt .claude.json`,
      fix: "Give concurrent workers their own CLAUDE_CONFIG_DIR",
    });
  }
  const status = worst(findings.map((finding) => finding.status));
  const fixes = findings.flatMap((finding) => finding.fix ? [finding.fix] : []);
  return {
    id: "config_dir",
    status,
    detail: findings.map((finding) => finding.text).join("\n"),
    ...(fixes.length ? { fix: fixes.join("; ") } : {}),
  };
}

function dirFindings(dir: string): Finding[] {
  let info: Deno.FileInfo;
  try {
    info = Deno.statSync(dir);
  } catch {
    return [{ status: "ok", text: `${dir} does not exist yet: the CLI creates it on first run` }];
  }
  if (!info.isDirectory) {
    return [{
      status: "fail",
      text: `${dir} is not a folder`,
      fix: `Move ${dir} aside so the CLI can create its config dir`,
    }];
  }
  const uid = Deno.uid();
  if (uid !== null && info.uid !== null && info.uid !== uid) {
    return [{
      status: "warn",
      text:
        `${dir} belongs to uid ${info.uid}, not to you (uid ${uid}): the CLI may fail to save sessions`,
      fix: `Run chown -R ${uid} ${dir} (it was probably created by sudo claude)`,
    }];
  }
  if (info.mode !== null && (info.mode & 0o002) !== 0) {
    return [{
      status: "warn",
      text: `${dir} can be written by every user (mode ${(info.mode & 0o777).toString(8)})`,
      fix: `Run chmod 700 ${dir}`,
    }];
  }
  return [{ status: "ok", text: `${dir} exists and is yours` }];
}

function globalConfigFindings(path: string): Finding[] {
  const findings: Finding[] = [];
  try {
    JSON.parse(Deno.readTextFileSync(path));
    findings.push({ status: "ok", text: `${path} parses` });
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) {
      findings.push({
        status: "fail",
        text:
          `${path} is not valid JSON: the CLI will print a corruption notice into its output and reset it`,
        fix:
          `Restore ${path}.backup if it exists (cp ${path}.backup ${path}), or move the file aside`,
      });
    }
  }
  const slash = path.lastIndexOf("/");
  const [folder, name] = [path.slice(0, slash) || "/", path.slice(slash + 1)];
  let backups = 0;
  try {
    for (const entry of Deno.readDirSync(folder)) {
      if (entry.name.startsWith(`${name}.corrupted.`)) backups++;
    }
  } catch {
    // No folder: nothing was ever corrupted there.
  }
  if (backups > 0) {
    findings.push({
      status: "warn",
      text: `${backups} ${name}.corrupted.* backup${
        backups === 1 ? "" : "s"
      } in ${folder}: the CLI found ${name} corrupted before (often concurrent sessions on one config dir)`,
      fix: "Give concurrent workers their own CLAUDE_CONFIG_DIR, then delete the backups",
    });
  }
  return findings;
}
