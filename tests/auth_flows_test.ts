/**
 * `claw auth login|token|logout`: the real login flows get this terminal (tmux) and refuse at
 * once without one; logout keeps MCP logins, leaves mode 0600 and survives being killed mid-write.
 */
import { deepStrictEqual, ok as assert, strictEqual } from "node:assert";
import { ProcessMarker } from "../src/process/_process_marker.ts";
import {
  authHome,
  loggingShim,
  NEWEST_PINNED_CLI,
  OLDEST_PINNED_CLI,
  pinnedCliPath,
  PLANTED,
} from "./_auth_home.ts";
import { cachedDenoDir, claw } from "./_claw.ts";
import { hasCli } from "./_offline.ts";
import { hasTmux, TmuxSession } from "./_tmux.ts";

const [TESTED, OLDEST] = [NEWEST_PINNED_CLI, OLDEST_PINNED_CLI];
const MAIN = new URL("../main.ts", import.meta.url).pathname;

for (const flow of ["login", "token"]) {
  Deno.test({
    name: `claw auth ${flow} without a terminal refuses at once and starts nothing`,
    ignore: !hasCli(TESTED),
    async fn() {
      await using home = await authHome();
      const log = `${home.home}/argv.log`;
      const shim = await loggingShim(home.home, TESTED, log);
      const out = await claw(["auth", flow, "--cli", shim], { env: home.env, clearEnv: true });
      strictEqual(out.code, 1);
      strictEqual(out.stdout, "");
      const [line = "", ...rest] = out.stderr.trim().split("\n");
      assert(line?.startsWith(`error[auth]: claw auth ${flow} needs a terminal`), out.stderr);
      assert(line.includes("claude setup-token") && line.includes("CLAUDE_CODE_OAUTH_TOKEN"));
      assert(rest.length <= 1, "one line, then at most the hint");
      strictEqual(await Deno.stat(log).then(() => true, () => false), false, "claude never ran");
    },
  });
}

/**
 * The real flows, ended the two ways a user ends them: `login` (a line prompt) by Ctrl-C, which
 * the CLI takes while claw waits; `token` (a full-screen prompt in raw mode, deaf to Ctrl-C and
 * Esc) by a SIGTERM to claw, which passes it on.
 */
for (
  const [flow, args, ending, status] of [
    ["login", ["--console"], "Ctrl-C", 130],
    ["token", [], "SIGTERM", 143],
  ] as const
) {
  Deno.test({
    name: `claw auth ${flow} hands the terminal to the real claude, and ${ending} ends both`,
    ignore: !hasCli(TESTED) || !hasTmux(),
    async fn() {
      await using home = await authHome();
      const marker = new ProcessMarker();
      const log = `${home.home}/argv.log`;
      const shim = await loggingShim(home.home, TESTED, log);
      {
        await using tty = await TmuxSession.start(
          [Deno.execPath(), "run", "-A", MAIN, "auth", flow, ...args, "--cli", shim],
          {
            env: {
              ...home.env,
              ...marker.env,
              DENO_DIR: await cachedDenoDir(),
              BROWSER: "/bin/true",
              NO_COLOR: "1",
            },
            width: 160,
            height: 40,
          },
        );
        await tty.waitFor("Paste code here if prompted", { timeoutMs: 30_000 });
        if (ending === "Ctrl-C") await tty.sendKeys("C-c");
        else Deno.kill(await tty.pid(), "SIGTERM");
        strictEqual(await tty.exited({ timeoutMs: 10_000 }), status, "claw exits as the CLI did");
      }
      const expected = flow === "login" ? "auth login --console" : "setup-token";
      deepStrictEqual(Deno.readTextFileSync(log).trim().split("\n"), ["--version", expected]);
      await marker.assertNoneLeft();
    },
  });
}

Deno.test("claw auth logout removes only the Claude login, keeps MCP logins, mode 0600", async () => {
  await using home = await authHome();
  home.plant({ login: "fresh" });
  await Deno.chmod(home.credentials, 0o644);
  const out = await claw(["auth", "logout", "--json"], { env: home.env, clearEnv: true });
  strictEqual(out.code, 0, out.stderr);
  deepStrictEqual(JSON.parse(out.stdout), {
    path: home.credentials,
    removed: true,
    kept: ["mcpOAuth"],
    deleted: false,
  });
  const after = JSON.parse(await Deno.readTextFile(home.credentials));
  deepStrictEqual(Object.keys(after), ["mcpOAuth"]);
  strictEqual(after.mcpOAuth["github|1a2b"].accessToken, PLANTED.mcpLogin);
  strictEqual((await Deno.stat(home.credentials)).mode! & 0o777, 0o600);
  const again = await claw(["auth", "logout"], { env: home.env, clearEnv: true });
  strictEqual(again.code, 0);
  strictEqual(again.stdout.trim(), `No Claude login in ${home.credentials}: nothing to do`);
});

Deno.test("claw auth logout killed at random moments leaves the old file or the new one", async () => {
  await using home = await authHome();
  const marker = new ProcessMarker();
  // A large file, so the write takes long enough to be interrupted somewhere inside it.
  const mcpOAuth: Record<string, unknown> = {};
  for (let i = 0; i < 20_000; i++) mcpOAuth[`server-${i}|x`] = { serverName: `s${i}`, n: i };
  const original = JSON.stringify({ claudeAiOauth: { accessToken: "a" }, mcpOAuth });
  const start = async () =>
    new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", MAIN, "auth", "logout"],
      env: { ...home.env, ...marker.env, DENO_DIR: await cachedDenoDir() },
      clearEnv: true,
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
  // How long a whole logout takes here: the kills land in its last stretch, where the write is.
  await Deno.writeTextFile(home.credentials, original, { mode: 0o600 });
  const began = performance.now();
  await (await start()).status;
  const whole = performance.now() - began;
  const seen = { old: 0, new: 0 };
  for (let round = 0; round < 12; round++) {
    await Deno.writeTextFile(home.credentials, original, { mode: 0o600 });
    const child = await start();
    await new Promise((resolve) => setTimeout(resolve, whole * (0.6 + Math.random() * 0.45)));
    try {
      child.kill("SIGKILL");
    } catch {
      // It finished first.
    }
    await child.status;
    const text = await Deno.readTextFile(home.credentials);
    const data = JSON.parse(text);
    const wholeNew = data.claudeAiOauth === undefined &&
      Object.keys(data.mcpOAuth).length === 20_000;
    assert(text === original || wholeNew, "the file is the old one or the whole new one");
    seen[text === original ? "old" : "new"]++;
    const dir = `${home.home}/.claude`;
    for (const entry of Deno.readDirSync(dir)) {
      if (entry.name.endsWith(".tmp")) await Deno.remove(`${dir}/${entry.name}`);
    }
  }
  console.log(`logout killed 12 times: ${seen.old} left the old file, ${seen.new} the new one`);
  await marker.assertNoneLeft();
});

Deno.test({
  name: "claw auth logout --all runs claude auth logout on 2.1.x and refuses on 2.0.76",
  ignore: !hasCli(TESTED) || !hasCli(OLDEST),
  async fn() {
    await using home = await authHome();
    home.plant({ login: "fresh" });
    const old = await claw(["auth", "logout", "--all", "--cli", pinnedCliPath(OLDEST)], {
      env: home.env,
      clearEnv: true,
    });
    strictEqual(old.code, 1);
    assert(old.stderr.startsWith(`error[unsupported]: Claude Code ${OLDEST} has no auth logout`));
    assert(await Deno.stat(home.credentials).then(() => true), "2.0.76 left the file alone");
    const out = await claw(["auth", "logout", "--all", "--cli", pinnedCliPath(TESTED)], {
      env: home.env,
      clearEnv: true,
    });
    strictEqual(out.code, 0, out.stderr);
    strictEqual(await Deno.stat(home.credentials).then(() => true, () => false), false);
  },
});
