/**
 * `claw auth status` against the real pinned CLIs: for every combination of credentials, the
 * credential claw predicts is the one `claude auth status` reports (2.1.332) and the one
 * `claude -p` actually sends (both versions, seen by a header-capturing server on 127.0.0.1);
 * each trap is named; 2.0.76 is never asked `claude auth`.
 */
import { deepStrictEqual, ok as assert, strictEqual } from "node:assert";
import { resolveAuth } from "../src/auth/resolve_auth.ts";
import type { AuthStatusJson } from "../src/cli/_auth_status.ts";
import { ProcessMarker } from "../src/process/_process_marker.ts";
import {
  authHome,
  type Combination,
  loggingShim,
  NEWEST_PINNED_CLI,
  OLDEST_PINNED_CLI,
  PINNED_CLI_VERSIONS,
  pinnedCliPath,
  PLANTED,
} from "./_auth_home.ts";
import { claw } from "./_claw.ts";
import { hasCli } from "./_offline.ts";

const [TESTED, OLDEST] = [NEWEST_PINNED_CLI, OLDEST_PINNED_CLI];

/** Runs `check` on each entry, two at a time (the machine has two cores), as named steps. */
async function inPairs<T extends [string, unknown]>(
  t: Deno.TestContext,
  entries: T[],
  check: (entry: T) => Promise<void>,
): Promise<void> {
  for (let at = 0; at < entries.length; at += 2) {
    const pair = entries.slice(at, at + 2);
    const outcomes = await Promise.allSettled(pair.map(check));
    for (const [index, outcome] of outcomes.entries()) {
      await t.step(pair[index]![0], () => {
        if (outcome.status === "rejected") throw outcome.reason;
      });
    }
  }
}

/** Every combination the issue names, and the pairs between them. */
const COMBINATIONS: Record<string, Combination> = {
  "nothing": {},
  "API key": { vars: ["ANTHROPIC_API_KEY"] },
  "auth token": { vars: ["ANTHROPIC_AUTH_TOKEN"] },
  "OAuth token": { vars: ["CLAUDE_CODE_OAUTH_TOKEN"] },
  "stored login": { login: "fresh" },
  "expired stored login": { login: "expired" },
  "apiKeyHelper": { helper: true },
  "API key + auth token": { vars: ["ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN"] },
  "API key + OAuth token": { vars: ["ANTHROPIC_API_KEY", "CLAUDE_CODE_OAUTH_TOKEN"] },
  "auth token + OAuth token": { vars: ["ANTHROPIC_AUTH_TOKEN", "CLAUDE_CODE_OAUTH_TOKEN"] },
  "API key + stored login": { vars: ["ANTHROPIC_API_KEY"], login: "fresh" },
  "OAuth token + stored login": { vars: ["CLAUDE_CODE_OAUTH_TOKEN"], login: "fresh" },
  "auth token + stored login": { vars: ["ANTHROPIC_AUTH_TOKEN"], login: "fresh" },
  "apiKeyHelper + API key": { helper: true, vars: ["ANTHROPIC_API_KEY"] },
  "apiKeyHelper + OAuth token": { helper: true, vars: ["CLAUDE_CODE_OAUTH_TOKEN"] },
  "apiKeyHelper + auth token": { helper: true, vars: ["ANTHROPIC_AUTH_TOKEN"] },
  "apiKeyHelper + stored login": { helper: true, login: "fresh" },
};

/** The planted value each source sends. */
const SENT: Record<string, string> = {
  ANTHROPIC_API_KEY: PLANTED.ANTHROPIC_API_KEY,
  ANTHROPIC_AUTH_TOKEN: PLANTED.ANTHROPIC_AUTH_TOKEN,
  CLAUDE_CODE_OAUTH_TOKEN: PLANTED.CLAUDE_CODE_OAUTH_TOKEN,
  apiKeyHelper: PLANTED.helper,
  credentials_file: PLANTED.fileAccess,
};

async function cliAuthStatus(env: Record<string, string>): Promise<Record<string, unknown>> {
  const out = await new Deno.Command(pinnedCliPath(TESTED), {
    args: ["auth", "status"],
    env,
    clearEnv: true,
    stdin: "null",
    signal: AbortSignal.timeout(30_000),
  }).output();
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

/** `claw auth status --json`, asking the tested CLI unless `args` names another. */
async function clawStatus(
  env: Record<string, string>,
  args: string[] = [],
): Promise<{ code: number; json: AuthStatusJson }> {
  const out = await claw(["auth", "status", "--json", ...args], {
    env: { CLAUDE_CLI_PATH: pinnedCliPath(TESTED), ...env },
    clearEnv: true,
  });
  assert(out.stdout.startsWith("{"), `claw auth status printed: ${out.stdout}${out.stderr}`);
  return { code: out.code, json: JSON.parse(out.stdout) };
}

Deno.test({
  name: "claw predicts the credential claude auth status reports, for every combination",
  ignore: !hasCli(TESTED),
  async fn(t) {
    await inPairs(t, Object.entries(COMBINATIONS), async ([, combination]) => {
      await using home = await authHome();
      home.plant(combination);
      const [cli, { code, json }] = await Promise.all([
        cliAuthStatus(home.env),
        clawStatus(home.env),
      ]);
      strictEqual(json.active?.method ?? "none", cli.authMethod, JSON.stringify(json.active));
      deepStrictEqual(json.cli?.auth_status?.auth_method, cli.authMethod);
      deepStrictEqual(json.cli?.auth_status?.logged_in, cli.loggedIn);
      strictEqual(json.warnings.some((w) => w.id === "cli_disagrees"), false);
      strictEqual(code, cli.loggedIn ? 0 : 1);
    });
  },
});

/**
 * A server on 127.0.0.1 that answers 401 and keeps the credential headers of the first Messages
 * request under each base path (`/<tag>/v1/messages`), so concurrent CLIs stay apart.
 */
function headerCatcher() {
  const seen = new Map<string, [string, string]>();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (request) => {
    const match = /^\/([^/]+)\/v1\/messages$/.exec(new URL(request.url).pathname);
    const tag = match && decodeURIComponent(match[1]!);
    if (tag && !seen.has(tag)) {
      seen.set(tag, [
        request.headers.get("x-api-key") ?? "",
        request.headers.get("authorization") ?? "",
      ]);
    }
    return Response.json({
      type: "error",
      error: { type: "authentication_error", message: "invalid x-api-key" },
    }, { status: 401 });
  });
  return { url: `http://127.0.0.1:${server.addr.port}`, seen, server };
}

for (const version of PINNED_CLI_VERSIONS) {
  Deno.test({
    name: `the credential claw predicts is the one claude -p ${version} sends`,
    ignore: !hasCli(version),
    async fn(t) {
      const catcher = headerCatcher();
      const marker = new ProcessMarker();
      try {
        const set = Object.entries(COMBINATIONS).filter(([name]) => name !== "nothing");
        await inPairs(t, set, async ([name, combination]) => {
          await using home = await authHome();
          home.plant(combination);
          const winner = resolveAuth({ env: home.env, cwd: home.home, processesUsing: () => [] })
            .active?.source ?? "none";
          const log = `${home.home}/sent`;
          await new Deno.Command(pinnedCliPath(version), {
            args: ["-p", "hi"],
            env: {
              ...home.env,
              ...marker.env,
              // The catcher files each request under the HOME it came from.
              ANTHROPIC_BASE_URL: `${catcher.url}/${encodeURIComponent(log)}`,
              CLAUDE_CODE_MAX_RETRIES: "0",
            },
            clearEnv: true,
            stdin: "null",
            stdout: "null",
            stderr: "null",
            signal: AbortSignal.timeout(60_000),
          }).output();
          const [key, bearer] = catcher.seen.get(log) ?? ["", ""];
          const value = SENT[winner];
          assert(value, `no planted value for ${winner}`);
          assert(
            key === value || bearer === `Bearer ${value}`,
            `${name}: claw predicts ${winner}, the CLI sent x-api-key "${key}" and authorization "${bearer}"`,
          );
        });
      } finally {
        await catcher.server.shutdown();
        await marker.assertNoneLeft();
      }
    },
  });
}

Deno.test({
  name: "each trap is planted and named by its stable id",
  ignore: !hasCli(TESTED),
  async fn(t) {
    const ids = (json: AuthStatusJson) => json.warnings.map((warning) => warning.id);
    await t.step("an API key shadowing a subscription login", async () => {
      await using home = await authHome();
      home.plant({ vars: ["ANTHROPIC_API_KEY"], login: "fresh" });
      const { code, json } = await clawStatus(home.env);
      strictEqual(code, 0);
      deepStrictEqual(ids(json), ["api_key_shadows_login"]);
    });
    await t.step("an OAuth token put into ANTHROPIC_API_KEY", async () => {
      await using home = await authHome();
      const { code, json } = await clawStatus({
        ...home.env,
        ANTHROPIC_API_KEY: PLANTED.CLAUDE_CODE_OAUTH_TOKEN,
      });
      strictEqual(code, 1, "a token the API will reject is not a usable credential");
      deepStrictEqual(ids(json), ["oauth_token_in_api_key"]);
    });
    await t.step("an expired stored login, with and without a refresh token", async () => {
      await using home = await authHome();
      home.plant({ login: "expired" });
      let { code, json } = await clawStatus(home.env);
      strictEqual(code, 0);
      deepStrictEqual(ids(json), ["login_expired"]);
      strictEqual(json.sources.find((s) => s.source === "credentials_file")?.expired, true);
      home.plant({ login: "expired_no_refresh" });
      ({ code, json } = await clawStatus(home.env));
      strictEqual(code, 1, "the CLI says logged in; claw knows the token will be refused");
      strictEqual(json.cli?.auth_status?.logged_in, true);
      assert(json.warnings[0]?.message.includes("no refresh token"));
    });
    await t.step("a malformed credentials file", async () => {
      await using home = await authHome();
      await Deno.writeTextFile(home.credentials, '{"claudeAiOauth": {', { mode: 0o600 });
      const { code, json } = await clawStatus(home.env);
      strictEqual(code, 1);
      deepStrictEqual(ids(json), ["credentials_malformed"]);
      assert(json.warnings[0]?.message.includes(home.credentials));
    });
    await t.step("a world-readable credentials file", async () => {
      await using home = await authHome();
      home.plant({ login: "fresh" });
      await Deno.chmod(home.credentials, 0o644);
      const { json } = await clawStatus(home.env);
      deepStrictEqual(ids(json), ["credentials_world_readable"]);
      strictEqual(json.warnings[0]?.fix, `Run chmod 600 ${home.credentials}`);
    });
    await t.step("CLAUDE_CONFIG_DIR pointing away from the login", async () => {
      await using home = await authHome();
      home.plant({ login: "fresh" });
      await Deno.mkdir(`${home.home}/elsewhere`);
      const env = { ...home.env, CLAUDE_CONFIG_DIR: `${home.home}/elsewhere` };
      const { code, json } = await clawStatus(env);
      strictEqual(code, 1);
      strictEqual(json.active, null);
      strictEqual(json.cli?.auth_status?.logged_in, false, "the CLI ignores ~/.claude too");
      deepStrictEqual(ids(json), ["config_dir_elsewhere"]);
    });
    await t.step("a stored login shared with a running claude process", async () => {
      await using home = await authHome();
      home.plant({ login: "fresh" });
      const marker = new ProcessMarker();
      // A real CLI waiting for stream-json input on the same config dir; its API is unreachable.
      const other = new Deno.Command(pinnedCliPath(TESTED), {
        args: ["-p", "--input-format=stream-json", "--output-format=stream-json", "--verbose"],
        env: { ...home.env, ...marker.env, ANTHROPIC_BASE_URL: "http://127.0.0.1:9" },
        clearEnv: true,
        stdin: "piped",
        stdout: "null",
        stderr: "null",
      }).spawn();
      try {
        const { json } = await clawStatus(home.env);
        const shared = json.warnings.find((w) => w.id === "login_shared_by_processes");
        assert(shared?.message.includes(String(other.pid)), JSON.stringify(json.warnings));
      } finally {
        await other.stdin.close();
        other.kill("SIGKILL");
        await other.status;
        await marker.assertNoneLeft();
      }
    });
  },
});

Deno.test({
  name: "with CLI 2.0.76 claw auth status answers from the files and never runs claude auth",
  ignore: !hasCli(OLDEST),
  async fn() {
    await using home = await authHome();
    home.plant({ vars: ["ANTHROPIC_API_KEY"], login: "expired" });
    const log = `${home.home}/argv.log`;
    const shim = await loggingShim(home.home, OLDEST, log);
    const { code, json } = await clawStatus(home.env, ["--cli", shim]);
    strictEqual(code, 0);
    strictEqual(json.active?.source, "ANTHROPIC_API_KEY");
    deepStrictEqual(json.warnings.map((w) => w.id), ["api_key_shadows_login", "login_expired"]);
    deepStrictEqual(json.cli, { path: shim, version: OLDEST });
    deepStrictEqual(Deno.readTextFileSync(log).trim().split("\n"), ["--version"]);
  },
});

Deno.test({
  name:
    "claw auth status --bare asks claude --bare auth status, so a token it ignores is no cli_disagrees",
  ignore: !hasCli(TESTED),
  async fn(t) {
    type Case = { combination: Combination; method: string; warnings: string[] };
    const cases: [string, Case][] = [
      ["an OAuth token, which --bare ignores", {
        combination: { vars: ["CLAUDE_CODE_OAUTH_TOKEN"] },
        method: "none",
        warnings: ["bare_ignores_login"],
      }],
      ["an API key, which --bare reads", {
        combination: { vars: ["ANTHROPIC_API_KEY"] },
        method: "api_key",
        warnings: [],
      }],
    ];
    await inPairs(t, cases, async ([, { combination, method, warnings }]) => {
      await using home = await authHome();
      home.plant(combination);
      const { code, json } = await clawStatus(home.env, ["--bare"]);
      deepStrictEqual(json.warnings.map((w) => w.id), warnings);
      strictEqual(json.active?.method ?? "none", method);
      strictEqual(json.cli?.auth_status?.auth_method, method, "claude --bare auth status agrees");
      strictEqual(code, method === "none" ? 1 : 0);
    });
  },
});
