/**
 * The `settings` check: every settings file the CLI would read parses, and its known fields have
 * the right types.
 *
 * What the CLI does with a bad file, observed in `-p` mode (a file with a working `apiKeyHelper`
 * and one wrong field; the helper's key reached a local API only when the file was read):
 *
 * - A file that is not JSON (a trailing comma, a comment, `null`) is ignored whole, by 2.0.76
 *   silently and by 2.1.332 with "These settings did not load, so nothing in them is in effect"
 *   on stderr; a run goes on without it (so without its permission rules and hooks). An empty
 *   file counts as `{}`; a leading byte order mark is fine.
 * - A wrong-typed field (`"permissions": {"allow": "Bash"}`) makes both ignore the whole file,
 *   for the user layer, the project layer and `--settings` files alike, its `env` included (an
 *   `ANTHROPIC_API_KEY` set there never reached the API).
 * - 2.1 is more lenient in places: it drops a non-string permission rule, an unknown hook event,
 *   a bad `forceLoginMethod` and a bad hook outside PreToolUse/PermissionRequest, where 2.0.76
 *   ignores the file. The per-field effects are listed in `_settings_problems.ts`.
 *
 * So a file the CLI would ignore is a `fail`; a field it only drops or tolerates is a `warn`.
 * Without `cliVersion`, a field is judged by the stricter of the two generations and the detail
 * says what each does.
 *
 * @module
 */
import { settingsLayers } from "../process/config_paths.ts";
import { type Check, type CheckStatus, worst } from "./check.ts";
import { describeInvalid, readJsonFile } from "./_json_file.ts";
import {
  type Effect,
  type Generation,
  type SettingsProblem,
  settingsProblems,
} from "./_settings_problems.ts";

/** What {@linkcode checkSettings} reads. */
export interface SettingsCheckOptions {
  /** The environment a run would get (`HOME`, `CLAUDE_CONFIG_DIR`). */
  env: Readonly<Record<string, string | undefined>>;
  /** The project folder: its `.claude/settings.json` and `.claude/settings.local.json`. */
  cwd: string;
  /** Which OS's managed-settings path to read; this one's by default. */
  os?: typeof Deno.build.os;
  /** `--settings` files a run passes. */
  extraFiles?: string[];
  /** The CLI's version (`2.1.332`): judges each field by that generation's rules only. */
  cliVersion?: string;
}

interface Line {
  status: CheckStatus;
  text: string;
}

const CONSEQUENCE: Record<Effect, string> = {
  file: "ignores this whole file in -p mode",
  entry: "skips only this field",
  kept: "still loads the file",
};
const STATUS: Record<Effect, CheckStatus> = { file: "fail", entry: "warn", kept: "warn" };

/**
 * Checks the settings layers (managed, local, project, user) and `extraFiles` that exist.
 *
 * @example A user settings file the CLI would ignore
 * ```ts
 * import { ok as assert, strictEqual } from "node:assert";
 * import { checkSettings } from "./settings_check.ts";
 *
 * const home = await Deno.makeTempDir();
 * await Deno.mkdir(`${home}/.claude`);
 * await Deno.writeTextFile(`${home}/.claude/settings.json`, '{"permissions": {"allow": "Bash"}}');
 * const check = checkSettings({ env: { HOME: home }, cwd: home });
 * strictEqual(check.status, "fail");
 * assert(check.detail.includes('"permissions.allow" must be an array of strings'));
 * await Deno.remove(home, { recursive: true });
 * ```
 */
export function checkSettings(options: SettingsCheckOptions): Check {
  const generations = generationsOf(options.cliVersion);
  const files: { label: string; path: string }[] = [];
  const lines: Line[] = [];
  try {
    for (const layer of settingsLayers(options)) files.push({ label: layer.scope, ...layer });
  } catch {
    // No HOME and no CLAUDE_CONFIG_DIR: every layer but the user's.
    const layers = settingsLayers({ ...options, env: { CLAUDE_CONFIG_DIR: "/" } });
    for (const layer of layers.filter((layer) => layer.scope !== "user")) {
      files.push({ label: layer.scope, path: layer.path });
    }
    lines.push({
      status: "warn",
      text: "User settings not checked: neither HOME nor CLAUDE_CONFIG_DIR is set",
    });
  }
  for (const path of options.extraFiles ?? []) files.push({ label: "--settings", path });

  const found: string[] = [];
  const seen = new Set<string>();
  for (const { label, path } of files) {
    if (seen.has(path)) continue; // cwd = HOME: the project layer is the user layer
    seen.add(path);
    const read = readJsonFile(path);
    if (read.kind === "missing") {
      if (label === "--settings") lines.push({ status: "fail", text: `${path}: does not exist` });
      continue;
    }
    found.push(`${label} (${path})`);
    if (read.kind === "unreadable") {
      lines.push({ status: "warn", text: `${path}: cannot read it: ${read.reason}` });
    } else if (read.kind === "invalid") {
      lines.push({
        status: "fail",
        text: `${path}: ${describeInvalid(read)}: the CLI ${CONSEQUENCE.file}`,
      });
    } else if (read.kind === "parsed") {
      for (const problem of settingsProblems(read.value)) {
        const line = describeProblem(path, problem, generations);
        if (line) lines.push(line);
      }
    }
  }

  const status = worst(lines.map((line) => line.status));
  const where = found.length
    ? `Settings files read: ${found.join(", ")}`
    : `No settings files found: looked for ${
      files.map((f) => `${f.label} (${f.path})`).join(", ")
    }`;
  if (status === "ok") {
    return {
      id: "settings",
      status,
      detail: found.length ? `${where}; all parse and their known fields are valid` : where,
    };
  }
  return {
    id: "settings",
    status,
    detail: [...lines.map((line) => line.text), where].join("\n"),
    fix: status === "fail"
      ? "Fix each problem listed: while a file is ignored, none of its settings apply, permission rules and hooks included"
      : "Fix each field listed so the CLI stops dropping it",
  };
}

function generationsOf(version: string | undefined): Generation[] {
  const match = version === undefined ? null : /^(\d+)\.(\d+)/.exec(version);
  if (!match) return ["2.0", "2.1"];
  const [major, minor] = [Number(match[1]), Number(match[2])];
  return major > 2 || (major === 2 && minor >= 1) ? ["2.1"] : ["2.0"];
}

function describeProblem(
  path: string,
  problem: SettingsProblem,
  generations: Generation[],
): Line | undefined {
  const applying = generations.filter((generation) => problem.effects[generation]);
  if (applying.length === 0) return undefined;
  const status = worst(applying.map((generation) => STATUS[problem.effects[generation]!]));
  const subject = problem.field
    ? `"${problem.field}" ${problem.message}`
    : `the file ${problem.message}`;
  const effects = generations.map((generation) => problem.effects[generation]);
  let consequence: string;
  if (generations.length === 1 || effects[0] === effects[1]) {
    consequence = `the CLI ${CONSEQUENCE[problem.effects[applying[0]!]!]}`;
  } else {
    consequence = "Claude Code " + generations.map((generation) => {
      const effect = problem.effects[generation];
      return `${generation} ${effect ? CONSEQUENCE[effect] : "accepts it"}`;
    }).join(", ");
  }
  return { status, text: `${path}: ${subject}: ${consequence}` };
}
