import { ok as assert, strictEqual } from "node:assert";
import { WorkerDirs } from "./_worker_dirs.ts";

Deno.test("each worker gets its own config and temp dir, and a stored login is copied read-only", async () => {
  const home = await Deno.makeTempDir({ prefix: "claw-workers-" });
  try {
    await Deno.mkdir(`${home}/.claude`);
    const login = { accessToken: "a", refreshToken: "r", expiresAt: Date.now() + 3600_000 };
    await Deno.writeTextFile(
      `${home}/.claude/.credentials.json`,
      JSON.stringify({ claudeAiOauth: login }),
      {
        mode: 0o600,
      },
    );
    const warnings: string[] = [];
    await using dirs = await WorkerDirs.create(
      { batchDir: `${home}/batch`, hostEnv: { HOME: home }, onWarning: (w) => warnings.push(w) },
      2,
    );
    const [one, two] = [dirs.env(0), dirs.env(1)];
    assert(one.CLAUDE_CONFIG_DIR !== two.CLAUDE_CONFIG_DIR && one.TMPDIR !== two.TMPDIR);
    for (const env of [one, two]) {
      const copy = `${env.CLAUDE_CONFIG_DIR}/.credentials.json`;
      strictEqual((await Deno.stat(copy)).mode! & 0o777, 0o400);
      assert((await Deno.stat(env.TMPDIR!)).isDirectory);
    }
    strictEqual(warnings.length, 1);
    assert(
      warnings[0]!.includes("copied read-only") && warnings[0]!.includes("CLAUDE_CODE_OAUTH_TOKEN"),
    );
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("credentials from a variable copy nothing, and a temporary batch dir is removed", async () => {
  const home = await Deno.makeTempDir({ prefix: "claw-workers-" });
  let root = "";
  try {
    const warnings: string[] = [];
    {
      await using dirs = await WorkerDirs.create(
        {
          hostEnv: { HOME: home, ANTHROPIC_API_KEY: "sk-ant-api03-x" },
          onWarning: (w) => warnings.push(w),
        },
        1,
      );
      root = dirs.env(0).CLAUDE_CONFIG_DIR!.replace(/\/worker-1\/config$/, "");
      strictEqual(
        await Deno.stat(`${dirs.env(0).CLAUDE_CONFIG_DIR}/.credentials.json`).then(
          () => true,
          () => false,
        ),
        false,
      );
    }
    strictEqual(warnings.length, 0);
    strictEqual(await Deno.stat(root).then(() => true, () => false), false, "removed at the end");
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});
