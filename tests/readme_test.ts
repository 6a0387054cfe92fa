/**
 * Every shell command the README prints, run as printed, in order, in one bash shell (so the
 * setup lines' `export` holds for the lines after them), on a copy of this checkout with a fresh
 * HOME and a fresh npm prefix. `claude` is the pinned real CLI, talking to claw's fake Messages API
 * on 127.0.0.1 through the environment a user's credentials would otherwise come from.
 *
 * Not run, each for its reason in {@linkcode NOT_RUN}; a line that runs until Ctrl-C is started
 * in the background, must print its URL, and is then stopped.
 */
import { deepStrictEqual as assertEquals, ok } from "node:assert";
import { join } from "node:path";
import { startFakeApi } from "../src/fake_api/fake_api.ts";
import { offlineEnv } from "../src/fake_api/offline_env.ts";
import { denoSpawner } from "../src/process/deno_spawner.ts";
import { ProcessMarker } from "../src/process/_process_marker.ts";
import { shutdown } from "../src/process/shutdown.ts";
import { hasCli } from "./_offline.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const README = await Deno.readTextFile(join(ROOT, "README.md"));
const ANSWER = "Hello from the README test.";

/** Commands the README prints that this test does not run, and why. */
const NOT_RUN: Record<string, string> = {
  "npx -y deno@2.9.6 task ok": "it runs this test suite: CI runs it as its second command",
  "deno task ok": "it runs this test suite",
  "deno task test": "it runs this test suite",
  "deno task bench": "minutes of timing on a quiet machine; its numbers go in the closing notes",
  "deno task record": "it re-records the committed corpus from the real CLIs",
  "deno task drift": "it installs the newest Claude Code, whose answer changes with each release",
};

/** A line the README says runs until Ctrl-C. */
const UNTIL_STOPPED = /until Ctrl-C/;

/** The command of a README line: the line without its comment. */
function commandOf(line: string): string {
  return line.replace(/\s+#.*$/, "").trim();
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

/** The bash script that runs `lines`: each as printed, a server line in the background. */
function script(lines: string[]): string {
  const steps = ["set -euo pipefail"];
  lines.forEach((line, index) => {
    const command = commandOf(line);
    if (command in NOT_RUN) return;
    steps.push(`echo "[$SECONDS s] "${JSON.stringify(`$ ${command}`)} >&2`);
    if (!UNTIL_STOPPED.test(line)) {
      steps.push(line);
      return;
    }
    const out = `"$README_TEST_TMP/server-${index}.out"`;
    steps.push(
      `set -m; { ${line}\n} > ${out} 2>&1 & server=$!; set +m`,
      `for _ in $(seq 100); do grep -q 'http://127.0.0.1:' ${out} && break; sleep 0.2; done`,
      `kill -INT -- -$server; wait $server || true`,
      `grep 'http://127.0.0.1:' ${out} >&2`,
    );
  });
  return steps.join("\n") + "\n";
}

/**
 * The host's environment as a user's shell has it (certificates, proxies, locale), minus what
 * would point claw or claude elsewhere than the README says.
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

Deno.test("every README line that is not run says why, and every reason names a printed line", () => {
  const printed = new Set(shellLines(README).map(commandOf));
  for (const command of Object.keys(NOT_RUN)) {
    ok(printed.has(command), `"${command}" is not printed`);
  }
  ok(shellLines(README).some((line) => UNTIL_STOPPED.test(line)), "the fake-api line is there");
});

Deno.test({
  name: "every shell command the README prints works as printed on a fresh HOME",
  ignore: !hasCli("2.1.332"),
  fn: async () => {
    await using api = await startFakeApi({
      script: {
        replies: [{ content: [{ type: "text", text: ANSWER }] }],
        when_exhausted: "repeat_last",
      },
    });
    const sandbox = await Deno.makeTempDir({ prefix: "claw-readme-" });
    const marker = new ProcessMarker();
    try {
      const checkout = join(sandbox, "claw");
      const home = join(sandbox, "home");
      const npmPrefix = join(sandbox, "npm-global");
      await Promise.all([
        copyCheckout(checkout),
        Deno.mkdir(join(home, "tmp"), { recursive: true }),
      ]);
      const hostHome = Deno.env.get("HOME") ?? "";
      const env: Record<string, string> = {
        ...userEnv(),
        ...Object.fromEntries(
          Object.entries(offlineEnv({ apiUrl: api.url, home, tmpDir: join(home, "tmp") }))
            .filter((entry): entry is [string, string] => entry[1] !== undefined),
        ),
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
      const lines = shellLines(README);
      const bash = denoSpawner({
        command: "bash",
        args: ["-c", script(lines)],
        env,
        cwd: checkout,
      });
      await bash.stdin.close();
      const stuck = setTimeout(() => shutdown(bash), 300_000); // a command that never ends
      const [stdout, stderr] = await Promise.all([
        new Response(bash.stdout).text(),
        new Response(bash.stderr).text(),
      ]);
      const status = await bash.status;
      clearTimeout(stuck);
      assertEquals(status.code, 0, `a README command failed:\n${stderr.slice(-4000)}`);
      ok(stdout.includes(ANSWER), "the runs printed the fake API's answer");
      const replayed = stdout.split("\n").filter((line) => line.includes('"type":"result"'));
      ok(replayed.some((line) => line.includes(ANSWER)), "the replayed claude printed the result");
      ok(api.requests.length >= 4, `the fake API served ${api.requests.length} requests`);
      await marker.assertNoneLeft(3000);
    } finally {
      marker.killAll();
      await Deno.remove(sandbox, { recursive: true }).catch(() => {});
    }
  },
});
