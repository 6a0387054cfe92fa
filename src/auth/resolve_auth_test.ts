import { deepStrictEqual, ok as assert, strictEqual } from "node:assert";
import { AUTH_SOURCES, resolveAuth, type ResolveAuthOptions } from "./resolve_auth.ts";

const HOUR = 3600_000;

interface Home {
  home: string;
  env: Record<string, string>;
  login(fields?: Record<string, unknown>, mode?: number, dir?: string): string;
  helper(): void;
  resolve(
    vars?: Record<string, string>,
    extra?: ResolveAuthOptions,
  ): ReturnType<typeof resolveAuth>;
}

async function withHome(test: (home: Home) => void | Promise<void>): Promise<void> {
  const home = await Deno.makeTempDir({ prefix: "claw-auth-" });
  await Deno.mkdir(`${home}/.claude`);
  const env = { HOME: home };
  const it: Home = {
    home,
    env,
    login(fields = {}, mode = 0o600, dir = `${home}/.claude`) {
      const path = `${dir}/.credentials.json`;
      const login = {
        accessToken: "sk-ant-oat01-access",
        refreshToken: "sk-ant-ort01-refresh",
        expiresAt: Date.now() + HOUR,
        scopes: ["user:inference", "user:profile"],
        ...fields,
      };
      Deno.writeTextFileSync(path, JSON.stringify({ claudeAiOauth: login, mcpOAuth: {} }));
      Deno.chmodSync(path, mode);
      return path;
    },
    helper() {
      const settings = JSON.stringify({ apiKeyHelper: "echo k" });
      Deno.writeTextFileSync(`${home}/.claude/settings.json`, settings);
    },
    resolve(vars = {}, extra = {}) {
      return resolveAuth({
        env: { ...env, ...vars },
        cwd: home,
        os: "linux",
        processesUsing: () => [],
        ...extra,
      });
    },
  };
  try {
    await test(it);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
}

const ids = (report: ReturnType<typeof resolveAuth>) => report.warnings.map((w) => w.id);

Deno.test("resolveAuth follows the CLI's precedence, one pair at a time", () =>
  withHome(({ login, helper, resolve }) => {
    login();
    strictEqual(resolve().active?.source, "credentials_file");
    strictEqual(resolve().active?.method, "claude.ai");
    strictEqual(
      resolve({ CLAUDE_CODE_OAUTH_TOKEN: "t" }).active?.source,
      "CLAUDE_CODE_OAUTH_TOKEN",
    );
    strictEqual(
      resolve({ CLAUDE_CODE_OAUTH_TOKEN: "t", ANTHROPIC_API_KEY: "k" }).active?.source,
      "ANTHROPIC_API_KEY",
    );
    strictEqual(
      resolve({ ANTHROPIC_API_KEY: "k", ANTHROPIC_AUTH_TOKEN: "a" }).active?.source,
      "ANTHROPIC_AUTH_TOKEN",
    );
    helper();
    strictEqual(resolve({ ANTHROPIC_API_KEY: "k" }).active?.method, "api_key_helper");
    strictEqual(resolve({ ANTHROPIC_AUTH_TOKEN: "a" }).active?.method, "oauth_token");
    strictEqual(
      resolve({ ANTHROPIC_AUTH_TOKEN: "a", CLAUDE_CODE_USE_VERTEX: "1" }).active?.source,
      "vertex",
    );
    strictEqual(resolve({ CLAUDE_CODE_USE_BEDROCK: "0" }).active?.method, "api_key_helper");
  }));

Deno.test("resolveAuth lists every source in order, with expiry and scopes but no value", () =>
  withHome(({ login, resolve }) => {
    const path = login();
    const report = resolve({ ANTHROPIC_API_KEY: "sk-ant-api03-secretvalue" });
    deepStrictEqual(
      report.sources.map((source) => source.source),
      AUTH_SOURCES.filter((source) => source !== "keychain"),
      "every source but the keychain (macOS only), in precedence order",
    );
    const file = report.sources.find((source) => source.source === "credentials_file");
    strictEqual(file?.path, path);
    strictEqual(file?.expired, false);
    deepStrictEqual(file?.scopes, ["user:inference", "user:profile"]);
    const text = JSON.stringify(report);
    assert(!text.includes("secretvalue") && !text.includes("sk-ant-oat01-access"));
    assert(!text.includes("refresh"), "no refresh token value");
  }));

Deno.test("an API key beside a subscription login is flagged as billing the API account", () =>
  withHome(({ login, resolve }) => {
    strictEqual(ids(resolve({ ANTHROPIC_API_KEY: "k" })).length, 0);
    strictEqual(
      ids(resolve({ ANTHROPIC_API_KEY: "k", CLAUDE_CODE_OAUTH_TOKEN: "t" }))[0],
      "api_key_shadows_login",
    );
    login();
    const report = resolve({ ANTHROPIC_API_KEY: "k" });
    deepStrictEqual(ids(report), ["api_key_shadows_login"]);
    assert(report.warnings[0]!.message.includes("billed to the API account"));
  }));

Deno.test("an OAuth token in ANTHROPIC_API_KEY is flagged and not usable", () =>
  withHome(({ resolve }) => {
    const report = resolve({ ANTHROPIC_API_KEY: "sk-ant-oat01-abc" });
    deepStrictEqual(ids(report), ["oauth_token_in_api_key"]);
    strictEqual(report.usable, false);
  }));

Deno.test("an expired login is flagged; it stays usable only with a refresh token", () =>
  withHome(({ login, resolve }) => {
    login({ expiresAt: Date.now() - HOUR });
    let report = resolve();
    strictEqual(report.active?.source, "credentials_file");
    deepStrictEqual(ids(report), ["login_expired"]);
    strictEqual(report.usable, true);
    assert(report.warnings[0]!.message.includes("try to refresh"));
    login({ expiresAt: Date.now() - HOUR, refreshToken: undefined });
    report = resolve();
    strictEqual(report.usable, false);
    assert(report.warnings[0]!.message.includes("no refresh token"));
  }));

Deno.test("a malformed credentials file counts as missing and is flagged", () =>
  withHome(({ home, resolve }) => {
    const path = `${home}/.claude/.credentials.json`;
    for (
      const [content, why] of [
        ['{"claudeAiOauth":', "not valid JSON"],
        ["[]", "not a JSON object"],
        ['{"claudeAiOauth":{"refreshToken":"r"}}', "no access token"],
      ]
    ) {
      Deno.writeTextFileSync(path, content!, { mode: 0o600 });
      const report = resolve();
      strictEqual(report.active, null, content);
      deepStrictEqual(ids(report), ["credentials_malformed"]);
      assert(report.warnings[0]!.message.includes(why!), report.warnings[0]!.message);
    }
  }));

Deno.test("a credentials file others can read is flagged with a chmod fix", () =>
  withHome(({ login, resolve }) => {
    const path = login({}, 0o644);
    const report = resolve();
    deepStrictEqual(ids(report), ["credentials_world_readable"]);
    strictEqual(report.warnings[0]!.fix, `Run chmod 600 ${path}`);
  }));

Deno.test("with CLAUDE_CONFIG_DIR set, a login in ~/.claude is ignored and flagged", () =>
  withHome(async ({ home, login, resolve }) => {
    login();
    await Deno.mkdir(`${home}/other`);
    const report = resolve({ CLAUDE_CONFIG_DIR: `${home}/other` });
    strictEqual(report.active, null);
    deepStrictEqual(ids(report), ["config_dir_elsewhere"]);
    login({}, 0o600, `${home}/other`);
    strictEqual(resolve({ CLAUDE_CONFIG_DIR: `${home}/other` }).active?.source, "credentials_file");
  }));

Deno.test("--bare counts only the API key, and says the login is ignored", () =>
  withHome(({ login, resolve }) => {
    login();
    const report = resolve({ CLAUDE_CODE_OAUTH_TOKEN: "t" }, { bare: true });
    strictEqual(report.active, null);
    deepStrictEqual(ids(report), ["bare_ignores_login"]);
    strictEqual(
      resolve({ ANTHROPIC_API_KEY: "k" }, { bare: true }).active?.source,
      "ANTHROPIC_API_KEY",
    );
  }));

Deno.test("a refreshable login shared with running claude processes is flagged", () =>
  withHome(({ login, resolve }) => {
    login();
    const report = resolve({}, { processesUsing: () => [4242] });
    deepStrictEqual(ids(report), ["login_shared_by_processes"]);
    assert(report.warnings[0]!.message.includes("4242"));
  }));

Deno.test("the keychain counts on macOS only", () =>
  withHome(({ resolve }) => {
    strictEqual(resolve({}, { os: "darwin", keychain: () => true }).active?.source, "keychain");
    strictEqual(resolve({}, { os: "linux", keychain: () => true }).active, null);
  }));
