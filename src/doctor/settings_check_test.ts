import { ok as assert, strictEqual } from "node:assert";
import { checkSettings, type SettingsCheckOptions } from "./settings_check.ts";

/** A home and a project in a throwaway dir; `os: "windows"` so this machine's managed file stays out. */
async function withDirs(
  files: Record<string, unknown>,
  test: (options: SettingsCheckOptions & { home: string }) => void,
) {
  const home = await Deno.makeTempDir();
  try {
    for (const [name, content] of Object.entries(files)) {
      const path = `${home}/${name}`;
      await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
      await Deno.writeTextFile(
        path,
        typeof content === "string" ? content : JSON.stringify(content, null, 2),
      );
    }
    test({ env: { HOME: home }, cwd: `${home}/project`, os: "windows", home });
  } finally {
    await Deno.remove(home, { recursive: true });
  }
}

const USER = ".claude/settings.json";
const PROJECT = "project/.claude/settings.json";
const LOCAL = "project/.claude/settings.local.json";

Deno.test("settings check is ok and says where it looked when there are no settings files", async () => {
  await withDirs({}, (options) => {
    const check = checkSettings(options);
    strictEqual(check.id, "settings");
    strictEqual(check.status, "ok");
    assert(check.detail.startsWith("No settings files found"), check.detail);
    assert(check.detail.includes(`user (${options.home}/.claude/settings.json)`), check.detail);
  });
});

Deno.test("settings check lists the layers it read when all are valid", async () => {
  await withDirs({
    [USER]: {
      apiKeyHelper: "echo key",
      env: { A: "1" },
      permissions: { allow: ["Bash(git:*)"], defaultMode: "acceptEdits" },
      hooks: {
        PreToolUse: [{ matcher: "Bash", hooks: [{ type: "command", command: "x", timeout: 5 }] }],
      },
      statusLine: { type: "command", command: "echo hi" },
      enabledMcpjsonServers: ["db"],
      someNewerKey: { anything: true },
    },
    [PROJECT]: { model: "sonnet" },
    [LOCAL]: "",
  }, (options) => {
    const check = checkSettings(options);
    strictEqual(check.status, "ok", check.detail);
    assert(check.detail.includes(`user (${options.home}/.claude/settings.json)`), check.detail);
    assert(check.detail.includes(`project (${options.home}/${PROJECT})`), check.detail);
    assert(check.detail.includes(`local (${options.home}/${LOCAL})`), check.detail);
    strictEqual(check.fix, undefined);
  });
});

Deno.test("settings check fails on a wrong-typed field and names the file and the field", async () => {
  await withDirs({ [PROJECT]: { permissions: { allow: "Bash" } } }, (options) => {
    const check = checkSettings(options);
    strictEqual(check.status, "fail");
    assert(
      check.detail.includes(
        `${options.home}/${PROJECT}: "permissions.allow" must be an array of strings: the CLI ignores this whole file in -p mode`,
      ),
      check.detail,
    );
    assert(check.fix?.includes("Fix each problem listed"));
  });
});

Deno.test("settings check fails on malformed JSON with the line and column", async () => {
  await withDirs({ [USER]: '{\n  "model": "sonnet",\n}\n' }, (options) => {
    const check = checkSettings(options);
    strictEqual(check.status, "fail");
    assert(
      check.detail.includes(
        `${options.home}/${USER}: invalid JSON at line 3, column 1: expected a double-quoted property name`,
      ),
      check.detail,
    );
  });
});

Deno.test("settings check judges a field by the CLI generation when it knows the version", async () => {
  await withDirs({ [USER]: { forceLoginMethod: "sso" } }, (options) => {
    const both = checkSettings(options);
    strictEqual(both.status, "fail");
    assert(
      both.detail.includes(
        '"forceLoginMethod" must be "claudeai" or "console": Claude Code 2.0 ignores this whole file in -p mode, 2.1 skips only this field',
      ),
      both.detail,
    );
    const newer = checkSettings({ ...options, cliVersion: "2.1.332" });
    strictEqual(newer.status, "warn");
    assert(newer.detail.includes("the CLI skips only this field"), newer.detail);
    strictEqual(checkSettings({ ...options, cliVersion: "2.0.76" }).status, "fail");
  });
});

Deno.test("settings check knows the permission modes of each generation", async () => {
  await withDirs({ [USER]: { permissions: { defaultMode: "manual" } } }, (options) => {
    strictEqual(checkSettings({ ...options, cliVersion: "2.1.332" }).status, "ok");
    const older = checkSettings({ ...options, cliVersion: "2.0.76" });
    strictEqual(older.status, "fail");
    assert(older.detail.includes('"permissions.defaultMode" is "manual"'), older.detail);
  });
  await withDirs({ [USER]: { permissions: { defaultMode: "sometimes" } } }, (options) => {
    const check = checkSettings({ ...options, cliVersion: "2.1.332" });
    strictEqual(check.status, "fail");
    assert(check.detail.includes('"default", "acceptEdits", "plan"'), check.detail);
  });
});

Deno.test("settings check fails a bad PreToolUse hook but only warns of a bad Stop hook on 2.1", async () => {
  const bad = [{ hooks: [{ type: "command" }] }];
  await withDirs({ [USER]: { hooks: { PreToolUse: bad } } }, (options) => {
    const check = checkSettings({ ...options, cliVersion: "2.1.332" });
    strictEqual(check.status, "fail");
    assert(check.detail.includes('"hooks.PreToolUse[0].hooks[0].command" must be a string'));
  });
  await withDirs({ [USER]: { hooks: { Stop: bad, NoSuchEvent: [] } } }, (options) => {
    const check = checkSettings({ ...options, cliVersion: "2.1.332" });
    strictEqual(check.status, "warn", check.detail);
    assert(check.detail.includes('"hooks.Stop[0].hooks[0].command" must be a string'));
    assert(check.detail.includes('"hooks.NoSuchEvent" is not a hook event'));
    strictEqual(checkSettings({ ...options, cliVersion: "2.0.76" }).status, "fail");
  });
});

Deno.test("settings check warns of a non-string env value without failing", async () => {
  await withDirs({ [USER]: { env: { MAX_THINKING_TOKENS: 1024 } } }, (options) => {
    const check = checkSettings(options);
    strictEqual(check.status, "warn");
    assert(
      check.detail.includes('"env.MAX_THINKING_TOKENS" must be a string: the CLI still loads'),
    );
  });
});

Deno.test("settings check fails a --settings file that is missing or wrong", async () => {
  await withDirs({ "flag.json": { cleanupPeriodDays: "30" } }, (options) => {
    const check = checkSettings({
      ...options,
      extraFiles: [`${options.home}/flag.json`, `${options.home}/none.json`],
    });
    strictEqual(check.status, "fail");
    assert(check.detail.includes(`${options.home}/flag.json: "cleanupPeriodDays" must be a whole`));
    assert(check.detail.includes(`${options.home}/none.json: does not exist`));
    assert(check.detail.includes(`--settings (${options.home}/flag.json)`));
  });
});

Deno.test("settings check says which file is not an object", async () => {
  await withDirs({ [LOCAL]: "[1, 2]" }, (options) => {
    const check = checkSettings(options);
    strictEqual(check.status, "fail");
    assert(check.detail.includes(`${options.home}/${LOCAL}: the file must be a JSON object`));
  });
});

Deno.test("settings check skips the user layer with a warning when HOME is not set", async () => {
  await withDirs({}, (options) => {
    const check = checkSettings({ ...options, env: {} });
    strictEqual(check.status, "warn");
    assert(check.detail.includes("neither HOME nor CLAUDE_CONFIG_DIR is set"));
  });
});

Deno.test("settings check never prints a value from the file", async () => {
  const secret = "sk-ant-api03-SECRETVALUE";
  await withDirs({
    [USER]: { env: { ANTHROPIC_API_KEY: secret, N: 5 }, apiKeyHelper: 7, model: secret.length },
    // Broken right after the secret: V8's own message would quote it.
    [PROJECT]: `{"env": {"ANTHROPIC_API_KEY": "${secret}"}, "x": nope}`,
    "flag.json": `{"apiKeyHelper": "echo ${secret}" "model": 1}`,
  }, (options) => {
    const check = checkSettings({ ...options, extraFiles: [`${options.home}/flag.json`] });
    strictEqual(check.status, "fail");
    assert(check.detail.includes(`${options.home}/${PROJECT}: invalid JSON at line 1, column`));
    for (const text of [check.detail, check.fix ?? ""]) {
      assert(!text.includes("SECRETVALUE"), text);
    }
  });
});
