/**
 * claw's main job needs no package it does not use: on a machine whose Deno cache is empty and
 * that cannot reach any registry, `deno task demo` (the README's first command) and `deno run
 * --cached-only main.ts run --demo` both work. `deno task` installs every npm package of the
 * lockfile before it runs anything, so the packages only tests import (zod, yaml) live in a map
 * and a lockfile of their own (`tests/imports.json`, `tests/imports.lock`), which the tasks that
 * type-check and test pass to Deno.
 */
import { deepStrictEqual, ok as assert, strictEqual } from "node:assert";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
/** Where nothing listens: the npm registry and any proxy point here. */
const NOWHERE = "http://127.0.0.1:9/";

/** Runs `deno ARGS` in the checkout with an empty cache in `denoDir` and no network. */
async function denoOffline(denoDir: string, args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: ROOT,
    clearEnv: true,
    env: {
      PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
      HOME: denoDir,
      DENO_DIR: denoDir,
      DENO_NO_UPDATE_CHECK: "1",
      NO_COLOR: "1",
      // Deno takes the npm registry from here; the proxies stop jsr: and https: imports too.
      NPM_CONFIG_REGISTRY: NOWHERE,
      HTTP_PROXY: NOWHERE,
      HTTPS_PROXY: NOWHERE,
    },
    stdin: "null",
  }).output();
  const decoder = new TextDecoder();
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
}

async function withEmptyCache(fn: (denoDir: string) => Promise<void>): Promise<void> {
  const denoDir = await Deno.makeTempDir({ prefix: "claw-empty-deno-dir-" });
  try {
    await fn(denoDir);
  } finally {
    await Deno.remove(denoDir, { recursive: true });
  }
}

const DEMO_ANSWER = 'The shell printed "Hello from claw".';

Deno.test("deno task demo works with an empty Deno cache and no registry", () =>
  withEmptyCache(async (denoDir) => {
    const out = await denoOffline(denoDir, ["task", "demo"]);
    strictEqual(out.code, 0, out.stderr);
    assert(out.stdout.includes(DEMO_ANSWER), out.stdout);
    assert(!out.stderr.includes("Download"), `nothing to download:\n${out.stderr}`);
  }));

Deno.test("deno run --cached-only main.ts run --demo works once main.ts's own graph is cached", () =>
  withEmptyCache(async (denoDir) => {
    const cached = await denoOffline(denoDir, ["cache", "main.ts"]);
    strictEqual(cached.code, 0, cached.stderr);
    const out = await denoOffline(denoDir, [
      "run",
      "--cached-only",
      "-A",
      "main.ts",
      "run",
      "--demo",
    ]);
    strictEqual(out.code, 0, out.stderr);
    assert(out.stdout.includes(DEMO_ANSWER), out.stdout);
  }));

Deno.test("the main config and lockfile hold no npm package; the test-only ones are locked apart", async () => {
  const config = JSON.parse(await Deno.readTextFile(`${ROOT}deno.json`));
  const lock = JSON.parse(await Deno.readTextFile(`${ROOT}deno.lock`));
  deepStrictEqual([config.imports, lock.npm, lock.specifiers], [undefined, undefined, undefined]);
  const testImports = JSON.parse(await Deno.readTextFile(`${ROOT}tests/imports.json`)).imports;
  const testLock = JSON.parse(await Deno.readTextFile(`${ROOT}tests/imports.lock`));
  deepStrictEqual(Object.keys(testImports).sort(), ["yaml", "zod"]);
  deepStrictEqual(Object.keys(testLock.specifiers).sort(), Object.values(testImports).sort());
  // Every task that type-checks or runs the tests resolves them through the map and its lock.
  const flags = "--import-map=tests/imports.json --lock=tests/imports.lock";
  for (const name of ["check", "test", "ok"]) {
    const task = config.tasks[name];
    const command: string = typeof task === "string" ? task : task.command;
    for (const step of command.split("&&").map((part) => part.trim())) {
      if (/^deno (check|test) /.test(step)) assert(step.includes(flags), `${name}: ${step}`);
    }
  }
});
