/**
 * `claw doctor` end to end: `--live` against both pinned CLIs, a missing and a too-old CLI, broken
 * settings and MCP config named by path and field, the traps around PATH and the environment,
 * and never `claude doctor` nor `claude auth` on 2.0.76.
 */
import { deepStrictEqual, ok as assert, strictEqual } from "node:assert";
import type { Check } from "../src/doctor/check.ts";
import { CHECK_IDS } from "../src/doctor/doctor.ts";
import { ProcessMarker } from "../src/process/_process_marker.ts";
import {
  authHome,
  loggingShim,
  NEWEST_PINNED_CLI,
  OLDEST_PINNED_CLI,
  PINNED_CLI_VERSIONS,
  pinnedCliPath,
} from "./_auth_home.ts";
import { claw } from "./_claw.ts";
import { hasCli } from "./_offline.ts";

const [TESTED, OLDEST] = [NEWEST_PINNED_CLI, OLDEST_PINNED_CLI];

interface DoctorJson {
  ok: boolean;
  checks: Check[];
}

async function doctor(
  env: Record<string, string>,
  args: string[] = [],
): Promise<{ code: number; json: DoctorJson; stderr: string }> {
  const out = await claw(["doctor", "--json", ...args], { env, clearEnv: true });
  assert(out.stdout.startsWith("{"), `claw doctor printed: ${out.stdout}${out.stderr}`);
  return { code: out.code, json: JSON.parse(out.stdout), stderr: out.stderr };
}

function check(json: DoctorJson, id: string): Check {
  const found = json.checks.find((c) => c.id === id);
  assert(found, `no ${id} check in ${json.checks.map((c) => c.id).join(", ")}`);
  return found;
}

for (const version of PINNED_CLI_VERSIONS) {
  Deno.test({
    name: `claw doctor --live passes with Claude Code ${version}`,
    ignore: !hasCli(version),
    async fn() {
      await using home = await authHome();
      home.plant({ vars: ["ANTHROPIC_API_KEY"] });
      const marker = new ProcessMarker();
      const env = { ...home.env, ...marker.env, CLAUDE_CLI_PATH: pinnedCliPath(version) };
      const { code, json } = await doctor(env, ["--live"]);
      const live = check(json, "live");
      strictEqual(live.status, "ok", live.detail);
      assert(live.detail.startsWith(`Claude Code ${version} answered through a local fake API in`));
      console.log(
        `doctor --live, Claude Code ${version}: ${/in ([\d.]+ s)/.exec(live.detail)?.[1]}`,
      );
      const failed = json.checks.filter((c) => c.status === "fail");
      deepStrictEqual(failed, []);
      strictEqual(json.ok, true);
      strictEqual(code, 0);
      deepStrictEqual(json.checks.map((c) => c.id), [...CHECK_IDS], "every check, in order");
      await marker.assertNoneLeft();
    },
  });
}

Deno.test("claw doctor fails clearly when claude is missing", async () => {
  await using home = await authHome();
  const env = { ...home.env, PATH: `${home.home}/tmp` };
  const { code, json } = await doctor(env, ["--live"]);
  strictEqual(code, 1);
  strictEqual(json.ok, false);
  const found = check(json, "cli_found");
  strictEqual(found.status, "fail");
  assert(found.detail.startsWith('Cannot find "claude" on PATH'), found.detail);
  assert(found.fix?.includes("npm i -g @anthropic-ai/claude-code"));
  const live = check(json, "live");
  strictEqual(live.status, "fail");
  strictEqual(live.detail, "Not run: no claude was found (see cli_found)");
  const named = await doctor(env, ["--cli", `${home.home}/nope/claude`]);
  assert(check(named.json, "cli_found").detail.includes(`"${home.home}/nope/claude"`));
});

Deno.test("claw doctor fails clearly when claude is too old", async () => {
  await using home = await authHome();
  // A stand-in: no Claude Code older than 2.0.76 is installed here, and only --version matters.
  const old = `${home.home}/claude`;
  await Deno.writeTextFile(old, "#!/bin/sh\necho '1.0.72 (Claude Code)'\n", { mode: 0o755 });
  const { code, json } = await doctor(home.env, ["--live", "--cli", old]);
  strictEqual(code, 1);
  const version = check(json, "cli_version");
  strictEqual(version.status, "fail");
  assert(
    version.detail.startsWith("Claude Code 1.0.72 is older than claw supports"),
    version.detail,
  );
  assert(version.fix?.includes(`@anthropic-ai/claude-code@${TESTED}`));
  assert(check(json, "live").detail.includes("older than claw supports"));
});

Deno.test("a broken settings file and a broken MCP server are named with path and field", async () => {
  await using home = await authHome();
  const project = `${home.home}/project`;
  await Deno.mkdir(`${project}/.claude`, { recursive: true });
  const settings = `${project}/.claude/settings.json`;
  await Deno.writeTextFile(settings, JSON.stringify({ permissions: { allow: "Bash" } }));
  const mcp = `${project}/.mcp.json`;
  await Deno.writeTextFile(
    mcp,
    JSON.stringify({
      mcpServers: { docs: { type: "http", url: "not a url" }, ok: { command: "sh" } },
    }),
  );
  const { code, json } = await doctor(home.env, ["--cwd", project, "--cli", "/bin/false"]);
  strictEqual(code, 1);
  const settingsCheck = check(json, "settings");
  assert(settingsCheck.status !== "ok");
  assert(settingsCheck.detail.includes(settings), settingsCheck.detail);
  assert(settingsCheck.detail.includes("permissions.allow"), settingsCheck.detail);
  const mcpCheck = check(json, "mcp_config");
  strictEqual(mcpCheck.status, "fail");
  assert(mcpCheck.detail.includes(mcp) && mcpCheck.detail.includes("docs"), mcpCheck.detail);
  assert(mcpCheck.detail.includes("url"), mcpCheck.detail);
  assert(mcpCheck.detail.includes('Valid MCP servers: "ok"'), "the good server is not a problem");
});

Deno.test({
  name: "claw doctor names the environment traps: nested session, custom base URL, a stale claude",
  ignore: !hasCli(TESTED) || !hasCli(OLDEST),
  async fn() {
    await using home = await authHome();
    home.plant({ vars: ["ANTHROPIC_API_KEY"] });
    // A stale install first on PATH (what the shell runs), while claw is pointed at another.
    const stale = `${home.home}/stale-bin`;
    await Deno.mkdir(stale);
    await Deno.symlink(pinnedCliPath(OLDEST), `${stale}/claude`);
    const env = {
      ...home.env,
      PATH: `${stale}:${home.env.PATH}`,
      CLAUDE_CLI_PATH: pinnedCliPath(TESTED),
      CLAUDECODE: "1",
      ANTHROPIC_BASE_URL: "https://llm-proxy.example.com/anthropic",
    };
    const { code, json } = await doctor(env);
    strictEqual(code, 0, "warnings do not fail");
    strictEqual(check(json, "nested_session").status, "warn");
    const baseUrl = check(json, "base_url");
    strictEqual(baseUrl.status, "warn");
    assert(baseUrl.detail.includes("llm-proxy.example.com"), baseUrl.detail);
    const candidates = check(json, "cli_candidates");
    strictEqual(candidates.status, "warn");
    assert(candidates.detail.startsWith("claw and your shell run different claude executables"));
    assert(candidates.detail.includes(`${OLDEST} (your shell runs this)`), candidates.detail);
    assert(candidates.detail.includes(`${TESTED} (claw runs this)`), candidates.detail);
    assert(candidates.detail.includes(`${stale}/claude → `), "the symlink is resolved");
  },
});

Deno.test("claw doctor flags a corrupted .claude.json and earlier corruption backups", async () => {
  await using home = await authHome();
  await Deno.writeTextFile(`${home.home}/.claude.json`, '{"projects": {');
  await Deno.writeTextFile(`${home.home}/.claude.json.corrupted.1764662400000`, "{");
  const { json } = await doctor(home.env, ["--cli", "/bin/false"]);
  const config = check(json, "config_dir");
  strictEqual(config.status, "fail");
  assert(config.detail.includes(`${home.home}/.claude.json is not valid JSON`), config.detail);
  assert(config.detail.includes("1 .claude.json.corrupted.* backup"), config.detail);
});

Deno.test({
  name: "with CLI 2.0.76 claw doctor answers and never runs claude doctor or claude auth",
  ignore: !hasCli(OLDEST),
  async fn() {
    await using home = await authHome();
    home.plant({ login: "fresh" });
    const log = `${home.home}/argv.log`;
    const shim = await loggingShim(home.home, OLDEST, log);
    const { json } = await doctor(home.env, ["--cli", shim, "--live"]);
    strictEqual(check(json, "cli_version").detail.startsWith(`Claude Code ${OLDEST}`), true);
    strictEqual(check(json, "auth").status, "ok");
    strictEqual(check(json, "live").status, "ok", check(json, "live").detail);
    const runs = Deno.readTextFileSync(log).trim().split("\n");
    assert(runs.every((argv) => !/^(doctor|auth)\b/.test(argv)), runs.join(" | "));
    assert(runs.includes("--version"));
  },
});
