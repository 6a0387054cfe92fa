/**
 * Nothing claw prints about auth holds a secret: tokens are planted in every source claw reads
 * (variables, an apiKeyHelper command, the stored login and its refresh token, an MCP server's
 * login, settings `env`, `.mcp.json` headers, a proxy URL's password) and every output of
 * `claw auth` and `claw doctor` is scanned for each value, whole or in pieces, across lines too.
 */
import { ok as assert } from "node:assert";
import { ProcessMarker } from "../src/process/_process_marker.ts";
import { authHome, NEWEST_PINNED_CLI, pinnedCliPath, PLANTED } from "./_auth_home.ts";
import { claw } from "./_claw.ts";
import { hasCli } from "./_offline.ts";

const TESTED = NEWEST_PINNED_CLI;

const EXTRA = {
  settingsEnv: "sk-ant-api03-plantedSettingsEnvValue5Rk2",
  mcpHeader: "plantedMcpHeaderBearerValue1Lq8",
  proxyPassword: "plantedProxyPasswordValue7Zs3",
};

/** The distinctive part of each secret (after its well-known prefix), and 12-character pieces. */
function needles(): string[] {
  const secrets = [...Object.values(PLANTED), ...Object.values(EXTRA)];
  const pieces = new Set<string>();
  for (const secret of secrets) {
    const body = secret.replace(/^(sk-ant-[a-z]+\d+-|gho_)/, "");
    pieces.add(body);
    for (let at = 0; at + 12 <= body.length; at += 4) pieces.add(body.slice(at, at + 12));
  }
  return [...pieces];
}

Deno.test({
  name: "no output of claw auth or claw doctor contains a planted secret",
  ignore: !hasCli(TESTED),
  async fn() {
    await using home = await authHome();
    home.plant({
      vars: ["ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "CLAUDE_CODE_OAUTH_TOKEN"],
      login: "expired",
      helper: true,
    });
    await Deno.chmod(home.credentials, 0o644);
    const project = `${home.home}/project`;
    await Deno.mkdir(`${project}/.claude`, { recursive: true });
    await Deno.writeTextFile(
      `${project}/.claude/settings.json`,
      JSON.stringify({ env: { ANTHROPIC_API_KEY: EXTRA.settingsEnv }, permissions: { allow: 1 } }),
    );
    await Deno.writeTextFile(
      `${project}/.mcp.json`,
      JSON.stringify({
        mcpServers: {
          docs: {
            type: "http",
            url: `https://user:${EXTRA.proxyPassword}@mcp.example.com/x?key=${EXTRA.mcpHeader}`,
            headers: { Authorization: `Bearer ${EXTRA.mcpHeader}` },
          },
        },
      }),
    );
    const marker = new ProcessMarker();
    const env = {
      ...home.env,
      ...marker.env,
      CLAUDE_CLI_PATH: pinnedCliPath(TESTED),
      HTTPS_PROXY: `http://proxyuser:${EXTRA.proxyPassword}@127.0.0.1:9`,
      NO_PROXY: "127.0.0.1,localhost",
    };
    const runs = [
      ["auth", "status"],
      ["auth", "status", "--json"],
      ["auth", "status", "--bare"],
      ["doctor", "--cwd", project],
      ["doctor", "--json", "--cwd", project],
      ["doctor", "--json", "--live", "--cwd", project],
      ["auth", "logout", "--json"],
      ["auth", "login"],
    ];
    const scanned: string[] = [];
    for (const args of runs) {
      const out = await claw(args, { env, clearEnv: true });
      const text = out.stdout + out.stderr;
      const refused = args[1] === "login"; // no terminal: one error line instead of a report
      assert(refused ? out.stderr.startsWith("error[auth]") : out.stdout.length > 100, text);
      scanned.push(text);
      const squeezed = text.replace(/\s+/g, "");
      for (const needle of needles()) {
        assert(!squeezed.includes(needle), `claw ${args.join(" ")} printed a piece of a secret`);
      }
    }
    assert(scanned.join("").includes("api_key_and_auth_token"), "the scan saw real reports");
    await marker.assertNoneLeft();
  },
});
