/**
 * Every shell command the README prints, then every one the `docs/` pages print (in
 * {@linkcode PAGES} order), run as printed, in order, in one bash shell (so the set-up's `export`
 * and `scratch=` hold for the lines after them), on a copy of this checkout with a fresh HOME, a
 * fresh TMPDIR and a fresh npm prefix, as a newcomer without credentials would: `claude` is the
 * pinned real CLI, and what answers it is the fake Messages API the README's offline recipe starts
 * (on its fixed port), through the variables the recipe exports. Nothing here points `claude` at
 * an API.
 *
 * Not run, each for its reason in {@linkcode NOT_RUN}. A line that ends in `&` starts a server in
 * the background: the shell waits for it to print its URL (as a newcomer would before typing the
 * next line), and stops it after the last line, as this test's own cleanup. Afterwards the copy of
 * the checkout holds exactly the files it held before, unchanged, and no process is left.
 */
import { deepStrictEqual as assertEquals, ok } from "node:assert";
import { join, relative } from "node:path";
import { denoSpawner } from "../src/process/deno_spawner.ts";
import { ProcessMarker } from "../src/process/_process_marker.ts";
import { shutdown } from "../src/process/shutdown.ts";
import { hasCli, NEWEST_PINNED_CLI } from "./_offline.ts";

const ROOT = new URL("..", import.meta.url).pathname;

/** The pages whose commands run, in this order, in one shell: the README, then each docs page. */
const PAGES = [
  "README.md",
  "docs/cli.md",
  "docs/errors.md",
  "docs/auth.md",
  "docs/doctor.md",
  "docs/batch.md",
  "docs/record-replay.md",
  "docs/report.md",
  "docs/drift.md",
  "docs/harness.md",
  "docs/library.md",
  "docs/sdk.md",
];

/** The port of the README's offline recipe. */
const RECIPE_PORT = 8787;

/** The answer of the recipe's script, `examples/hello_api.json`. */
const ANSWER: string = JSON.parse(
  await Deno.readTextFile(join(ROOT, "examples/hello_api.json")),
).replies[0].content[0].text;

/** Commands the pages print that this test does not run, and why. */
const NOT_RUN: Record<string, string> = {
  "npx -y deno@2.9.6 task ok": "it runs this test suite: CI runs it as its second command",
  "deno task ok": "it runs this test suite",
  "deno task test": "it runs this test suite",
  "deno task bench": "minutes of timing on a quiet machine; its numbers go in the closing notes",
  "deno task record": "it re-records the committed corpus from the real CLIs",
  "deno task drift": "it installs the newest Claude Code, whose answer changes with each release",
  "deno task docs":
    "it rewrites docs/cli.md when a help text changed; tests/docs_test.ts fails until it is run",
};

/** The command of a printed line: the line without its comment. */
function commandOf(line: string): string {
  return line.replace(/\s+#.*$/, "").trim();
}

/** `text` as one single-quoted bash word: printed as it is, nothing expanded. */
function quoted(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/** Whether a printed line starts a server in the background. */
function inBackground(line: string): boolean {
  const command = commandOf(line);
  return command.endsWith("&") && !command.endsWith("&&");
}

/** The lines of every ```sh block, in order. */
function shellLines(markdown: string): string[] {
  const lines: string[] = [];
  let inside = false;
  for (const line of markdown.split("\n")) {
    if (line.startsWith("```")) inside = !inside && line.trim() === "```sh";
    else if (inside && line.trim() !== "") lines.push(line);
  }
  return lines;
}

/** Every page's shell lines, in {@linkcode PAGES} order. */
async function allShellLines(): Promise<string[]> {
  const pages = await Promise.all(PAGES.map((page) => Deno.readTextFile(join(ROOT, page))));
  return pages.flatMap(shellLines);
}

/**
 * The bash script that runs `lines`: each as printed; a background line's output to a file, its
 * URL awaited; every background job stopped at the end (and on any failure), its output shown.
 */
function script(lines: string[]): string {
  const steps = [
    "set -euo pipefail",
    "servers=()",
    "stop_servers() {",
    '  for pid in ${servers[@]+"${servers[@]}"}; do',
    '    kill -TERM -- "-$pid" 2>/dev/null || true',
    '    wait "$pid" 2>/dev/null || true',
    "  done",
    '  [ ${#servers[@]} -eq 0 ] || cat "$README_TEST_TMP"/server-*.out >&2',
    "  servers=()",
    "}",
    "trap stop_servers EXIT",
  ];
  lines.forEach((line, index) => {
    const command = commandOf(line);
    if (command in NOT_RUN) return;
    steps.push(`echo "[$SECONDS s] $ "${quoted(command)} >&2`);
    if (!inBackground(line)) {
      steps.push(line);
      return;
    }
    const out = `"$README_TEST_TMP/server-${index}.out"`;
    steps.push(
      // Job control on: the job gets a process group of its own, which the cleanup stops whole.
      `set -m; { ${line}\n} > ${out} 2>&1; servers+=($!); set +m`,
      `for _ in $(seq 300); do grep -q 'http://127.0.0.1:' ${out} && break; sleep 0.2; done`,
      `grep 'http://127.0.0.1:' ${out} >&2`,
    );
  });
  steps.push("stop_servers");
  return steps.join("\n") + "\n";
}

/**
 * The host's environment as a user's shell has it (certificates, proxies, locale), minus what
 * would point claw or claude elsewhere than the pages say.
 */
function userEnv(): Record<string, string> {
  const env = Deno.env.toObject();
  for (const name of Object.keys(env)) {
    // npm_config_* come from the npx that may be running these tests: they would point
    // `npm i -g` at the host's own prefix.
    if (/^(CLAW_|CLAUDE|ANTHROPIC_|DENO_|npm_)/i.test(name)) delete env[name];
  }
  return env;
}

/** Where `npm i -g` installs under `env`. */
async function globalPrefix(env: Record<string, string>, cwd: string): Promise<string> {
  const out = await new Deno.Command("npm", {
    args: ["prefix", "-g"],
    env,
    clearEnv: true,
    cwd,
    stdout: "piped",
    stderr: "inherit",
  }).output();
  return new TextDecoder().decode(out.stdout).trim();
}

/** This checkout's files (tracked and new, not ignored) copied to `dir`, sharing its `.cache`. */
async function copyCheckout(dir: string): Promise<void> {
  const listed = await new Deno.Command("git", {
    args: ["ls-files", "-co", "--exclude-standard", "-z"],
    cwd: ROOT,
    stdout: "piped",
  }).output();
  for (const path of new TextDecoder().decode(listed.stdout).split("\0").filter(Boolean)) {
    const target = join(dir, path);
    await Deno.mkdir(join(target, ".."), { recursive: true });
    await Deno.copyFile(join(ROOT, path), target).catch(() => {}); // deleted but still listed
  }
  await Deno.symlink(join(ROOT, ".cache"), join(dir, ".cache"));
}

/** Every file and folder under `dir` but `.cache`, with its size and modification time. */
async function tree(dir: string, under = dir): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for await (const entry of Deno.readDir(under)) {
    const path = join(under, entry.name);
    const name = relative(dir, path);
    if (name === ".cache") continue;
    const info = await Deno.lstat(path);
    found.set(name, entry.isDirectory ? "folder" : `${info.size} ${info.mtime?.getTime()}`);
    if (entry.isDirectory) { for (const [k, v] of await tree(dir, path)) found.set(k, v); }
  }
  return found;
}

/** Waits until nothing listens on `port` (another run of this test may hold it), up to `ms`. */
async function portFree(port: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (true) {
    try {
      Deno.listen({ hostname: "127.0.0.1", port }).close();
      return true;
    } catch (error) {
      if (!(error instanceof Deno.errors.AddrInUse) || Date.now() > until) return false;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

Deno.test("every line that is not run says why, and every reason names a printed line", async () => {
  const printed = new Set((await allShellLines()).map(commandOf));
  for (const command of Object.keys(NOT_RUN)) {
    ok(printed.has(command), `"${command}" is not printed`);
  }
});

Deno.test("the commands of every docs page run, after the README's, in one fixed order", async () => {
  const pages = [];
  for await (const entry of Deno.readDir(join(ROOT, "docs"))) {
    if (entry.name.endsWith(".md")) pages.push(`docs/${entry.name}`);
  }
  assertEquals(PAGES[0], "README.md");
  assertEquals(PAGES.slice(1).toSorted(), pages.toSorted());
});

Deno.test("the README's offline recipe comes before its first run, on the port the test waits for", async () => {
  const lines = shellLines(await Deno.readTextFile(join(ROOT, "README.md")));
  const server = lines.findIndex(inBackground);
  const firstRun = lines.findIndex((line) => / run /.test(commandOf(line)));
  ok(server !== -1 && server < firstRun, "the fake API starts before the first run");
  ok(lines[server]!.includes(`--port ${RECIPE_PORT}`), `the recipe serves on ${RECIPE_PORT}`);
  ok(
    lines.some((line) => line.includes(`ANTHROPIC_BASE_URL=http://127.0.0.1:${RECIPE_PORT}`)),
    "the recipe points claude at it",
  );
});

Deno.test({
  name: "every shell command the README and docs print works as printed on a fresh machine",
  ignore: !hasCli(NEWEST_PINNED_CLI),
  fn: async () => {
    ok(
      await portFree(RECIPE_PORT, 180_000),
      `port ${RECIPE_PORT}, which the README's offline recipe uses, stayed busy`,
    );
    const sandbox = await Deno.makeTempDir({ prefix: "claw-readme-" });
    const marker = new ProcessMarker();
    try {
      const checkout = join(sandbox, "claw");
      const home = join(sandbox, "home");
      const tmp = join(sandbox, "tmp");
      const npmPrefix = join(sandbox, "npm-global");
      await Promise.all([
        copyCheckout(checkout),
        Deno.mkdir(home, { recursive: true }),
        Deno.mkdir(tmp, { recursive: true }),
      ]);
      const before = await tree(checkout);
      const hostHome = Deno.env.get("HOME") ?? "";
      const env: Record<string, string> = {
        ...userEnv(),
        HOME: home,
        TMPDIR: tmp,
        PATH: `${npmPrefix}/bin:${Deno.env.get("PATH") ?? ""}`,
        NPM_CONFIG_PREFIX: npmPrefix,
        // The host's caches: what a fresh machine downloads once, not per test run.
        NPM_CONFIG_CACHE: Deno.env.get("NPM_CONFIG_CACHE") ?? join(hostHome, ".npm"),
        DENO_DIR: Deno.env.get("DENO_DIR") ?? join(hostHome, ".cache", "deno"),
        NO_COLOR: "1",
        README_TEST_TMP: sandbox,
        ...marker.env,
      };
      // The README's `npm i -g` must land in the sandbox, never in the host's prefix.
      assertEquals(await globalPrefix(env, checkout), npmPrefix);
      const bash = denoSpawner({
        command: "bash",
        args: ["-c", script(await allShellLines())],
        env,
        cwd: checkout,
      });
      await bash.stdin.close();
      const stuck = setTimeout(() => shutdown(bash), 480_000); // a command that never ends
      const [stdout, stderr] = await Promise.all([
        new Response(bash.stdout).text(),
        new Response(bash.stderr).text(),
      ]);
      const status = await bash.status;
      clearTimeout(stuck);
      assertEquals(status.code, 0, `a printed command failed:\n${stderr.slice(-4000)}`);
      ok(stdout.includes(ANSWER), "the runs printed the recipe's fake API's answer");
      const replayed = stdout.split("\n").filter((line) => line.includes('"type":"result"'));
      ok(replayed.some((line) => line.includes(ANSWER)), "the replayed claude printed the result");
      const served = Number(/Served (\d+) request/.exec(stderr)?.[1] ?? 0);
      // claw run, session, batch, record and claude itself: at least ten model requests.
      ok(served >= 10, `the recipe's fake API served ${served} requests`);
      await marker.assertNoneLeft(3000);
      const after = await tree(checkout);
      const changed = [...after].filter(([path, facts]) => before.get(path) !== facts);
      const gone = [...before.keys()].filter((path) => !after.has(path));
      assertEquals(
        { changed, gone },
        { changed: [], gone: [] },
        "the commands left the checkout as it was",
      );
    } finally {
      marker.killAll();
      await Deno.remove(sandbox, { recursive: true }).catch(() => {});
    }
  },
});
