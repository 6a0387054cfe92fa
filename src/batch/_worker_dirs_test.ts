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

Deno.test("a kept batch dir loses the copies of the stored login when the batch ends", async () => {
  const home = await Deno.makeTempDir({ prefix: "claw-workers-" });
  try {
    await writeStoredLogin(home);
    const dirs = await WorkerDirs.create({ batchDir: `${home}/batch`, hostEnv: { HOME: home } }, 2);
    const copies = [0, 1].map((slot) => `${dirs.env(slot).CLAUDE_CONFIG_DIR}/.credentials.json`);
    strictEqual((await Promise.all(copies.map(exists))).every(Boolean), true);
    await dirs[Symbol.asyncDispose]();
    strictEqual((await Promise.all(copies.map(exists))).some(Boolean), false);
    strictEqual(await exists(`${home}/batch/worker-2/config`), true, "the rest is kept");
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("a process that exits mid-batch (Deno.exit) leaves no worker dir and no copy of the login", async () => {
  const home = await Deno.makeTempDir({ prefix: "claw-workers-" });
  try {
    await writeStoredLogin(home);
    await Deno.mkdir(`${home}/tmp`);
    await Deno.mkdir(`${home}/kept`);
    // Never disposed: main.ts exits like this on an error nobody handled.
    const [module, hostEnv, kept, tmp] = [
      new URL("./_worker_dirs.ts", import.meta.url).href,
      { HOME: home },
      `${home}/kept`,
      `${home}/tmp`,
    ].map((value) => JSON.stringify(value));
    const program = `
      import { WorkerDirs } from ${module};
      await WorkerDirs.create({ hostEnv: ${hostEnv} }, 2);
      await WorkerDirs.create({ batchDir: ${kept}, hostEnv: ${hostEnv} }, 1);
      console.log(Deno.readDirSync(${tmp}).toArray().length);
      Deno.exit(1);
    `;
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["eval", program],
      env: { TMPDIR: `${home}/tmp` },
      stdin: "null",
    }).output();
    strictEqual(out.code, 1, new TextDecoder().decode(out.stderr));
    strictEqual(new TextDecoder().decode(out.stdout).trim(), "1", "the batch dir was made");
    strictEqual([...Deno.readDirSync(`${home}/tmp`)].length, 0, "and removed at the exit");
    strictEqual(await exists(`${home}/kept/worker-1/config/.credentials.json`), false);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

async function writeStoredLogin(home: string): Promise<void> {
  await Deno.mkdir(`${home}/.claude`);
  const login = { accessToken: "a", refreshToken: "r", expiresAt: Date.now() + 3600_000 };
  await Deno.writeTextFile(
    `${home}/.claude/.credentials.json`,
    JSON.stringify({ claudeAiOauth: login }),
    { mode: 0o600 },
  );
}

function exists(path: string): Promise<boolean> {
  return Deno.stat(path).then(() => true, () => false);
}
