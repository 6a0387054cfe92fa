import { ok as assert, strictEqual } from "node:assert";
import { checkConfigDir } from "./config_dir_check.ts";

async function withHome(test: (home: string) => void | Promise<void>): Promise<void> {
  const home = await Deno.makeTempDir({ prefix: "claw-config-dir-" });
  await Deno.mkdir(`${home}/.claude`, { mode: 0o700 });
  try {
    await test(home);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
}

Deno.test("a config dir of this user with a parsing .claude.json is ok", () =>
  withHome(async (home) => {
    await Deno.writeTextFile(`${home}/.claude.json`, "{}");
    const check = checkConfigDir({ env: { HOME: home }, processesUsing: () => [] });
    strictEqual(check.status, "ok", check.detail);
    strictEqual(check.detail, `${home}/.claude exists and is yours\n${home}/.claude.json parses`);
  }));

Deno.test("a config dir every user can write to is a warning with a chmod fix", () =>
  withHome(async (home) => {
    await Deno.chmod(`${home}/.claude`, 0o777);
    const check = checkConfigDir({ env: { HOME: home }, processesUsing: () => [] });
    strictEqual(check.status, "warn");
    strictEqual(check.fix, `Run chmod 700 ${home}/.claude`);
  }));

Deno.test("other claude processes on the config dir are named by pid", () =>
  withHome((home) => {
    const check = checkConfigDir({ env: { HOME: home }, processesUsing: () => [11, 12] });
    strictEqual(check.status, "warn");
    assert(check.detail.includes("2 claude processes running") && check.detail.includes("11, 12"));
  }));

Deno.test("with CLAUDE_CONFIG_DIR the global config file is read from there", () =>
  withHome(async (home) => {
    await Deno.writeTextFile(`${home}/.claude/.claude.json`, "{not json");
    const env = { HOME: home, CLAUDE_CONFIG_DIR: `${home}/.claude` };
    const check = checkConfigDir({ env, processesUsing: () => [] });
    strictEqual(check.status, "fail");
    assert(check.detail.includes(`${home}/.claude/.claude.json is not valid JSON`));
  }));
