/**
 * `claw run` as a user runs it: main.ts driving the real pinned CLI 2.1.332 against a fake API
 * served by `claw fake-api` in another process.
 */
import { deepStrictEqual as assertEquals, match, ok } from "node:assert";
import { join } from "node:path";
import type { FakeScript } from "../src/fake_api/script.ts";
import { offlineEnv } from "../src/fake_api/offline_env.ts";
import { promptTooLongReply } from "../src/fake_api/replies.ts";
import { claw } from "./_claw.ts";
import { hasCli, pinnedCliPath } from "./_offline.ts";

const VERSION = "2.1.332";
const MAIN = new URL("../main.ts", import.meta.url).pathname;

/** Serves `script` with `claw fake-api` in its own process and runs `fn` with the base URL. */
async function withFakeApiProcess(
  script: FakeScript,
  fn: (env: Record<string, string>) => Promise<void>,
) {
  const dir = await Deno.makeTempDir({ prefix: "claw-cli-test-" });
  const scriptPath = join(dir, "script.json");
  await Deno.writeTextFile(scriptPath, JSON.stringify(script));
  const server = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, "fake-api", "--script", scriptPath],
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const reader = server.stdout.pipeThrough(new TextDecoderStream()).getReader();
  try {
    let url = "";
    while (!url.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) throw new Error("claw fake-api exited before printing its URL");
      url += value;
    }
    const home = join(dir, "home");
    await Deno.mkdir(home);
    await Deno.mkdir(join(home, "tmp"));
    const env = offlineEnv({ apiUrl: url.trim(), home, maxRetries: 0, tmpDir: join(home, "tmp") });
    await fn(
      Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) as Record<
        string,
        string
      >,
    );
  } finally {
    server.kill("SIGTERM");
    await server.status;
    await reader.cancel().catch(() => {});
    await Deno.remove(dir, { recursive: true });
  }
}

const TOOL_SCRIPT: FakeScript = {
  replies: [
    {
      content: [{ type: "text", text: "Checking." }, {
        type: "tool_use",
        name: "Bash",
        input: { command: "echo tool-output-7" },
      }],
    },
    { content: [{ type: "text", text: "All done." }] },
  ],
};

/** `claw run` on the pinned CLI in bypassPermissions mode, with `args` before the prompt. */
function clawRun(env: Record<string, string>, ...args: string[]) {
  return claw([
    "run",
    "--cli",
    pinnedCliPath(VERSION),
    "--permission-mode",
    "bypassPermissions",
    ...args,
  ], {
    env,
  });
}

const test = (name: string, fn: () => Promise<void>) =>
  Deno.test({ name, ignore: !hasCli(VERSION), fn });

test("claw run streams the answer to stdout and tools and the cost line to stderr", async () => {
  await withFakeApiProcess(TOOL_SCRIPT, async (env) => {
    const out = await clawRun(env, "go");
    assertEquals(out.code, 0, out.stderr);
    assertEquals(out.stdout, "Checking.\nAll done.\n");
    match(out.stderr, /⏺ Bash\(echo tool-output-7\)/);
    match(out.stderr, /⎿ tool-output-7/);
    match(
      out.stderr,
      /2 round trips · [\d.]+ s · \$\d+\.\d{4} · \d+ in \/ \d+ out tokens · session [0-9a-f-]{36}\n$/,
    );
  });
});

test("claw run --partial streams text deltas and gives the same answer", async () => {
  await withFakeApiProcess(TOOL_SCRIPT, async (env) => {
    const out = await clawRun(env, "--partial", "go");
    assertEquals(out.code, 0, out.stderr);
    assertEquals(out.stdout, "Checking.\nAll done.\n");
  });
});

test("claw run --output stream-json prints one decoded event per line, ending with the result", async () => {
  await withFakeApiProcess(TOOL_SCRIPT, async (env) => {
    const out = await clawRun(env, "--output", "stream-json", "go");
    assertEquals(out.code, 0, out.stderr);
    const events = out.stdout.trimEnd().split("\n").map((line) => JSON.parse(line));
    assertEquals(events[0].type, "system");
    assertEquals(events.at(-1).type, "result");
    ok(events.some((e) => e.type === "user"), "the tool result is there");
  });
});

test("claw run --output json prints only the final result object", async () => {
  await withFakeApiProcess(TOOL_SCRIPT, async (env) => {
    const out = await clawRun(env, "--output", "json", "go");
    assertEquals(out.code, 0, out.stderr);
    const result = JSON.parse(out.stdout);
    assertEquals([result.type, result.result, result.is_error], ["result", "All done.", false]);
  });
});

test("a failed run prints error[kind] first, then the hint, and exits 1", async () => {
  const script: FakeScript = { replies: [promptTooLongReply()], when_exhausted: "repeat_last" };
  await withFakeApiProcess(script, async (env) => {
    const out = await claw(["run", "--cli", pinnedCliPath(VERSION), "hi"], { env });
    assertEquals(out.code, 1);
    match(out.stderr, /^error\[context_window\]: Prompt is too long/m);
    match(out.stderr, /\nhint: Shorten the prompt, or use a model with a larger context window/);
  });
});

test("claw run shows the CLI's retries on stderr while it waits them out", async () => {
  const script: FakeScript = {
    replies: [
      { status: 529 },
      { content: [{ type: "text", text: "made it" }] },
    ],
  };
  await withFakeApiProcess(script, async (env) => {
    const out = await clawRun({ ...env, CLAUDE_CODE_MAX_RETRIES: "2" }, "hi");
    assertEquals([out.code, out.stdout], [0, "made it\n"], out.stderr);
    match(out.stderr, /^retrying 1\/2 in \d+\.\d s: the API is overloaded \(HTTP 529\)$/m);
  });
});

test("a failed run with --output json or stream-json also says so on stdout, as a claw_error object", async () => {
  const script: FakeScript = { replies: [promptTooLongReply()], when_exhausted: "repeat_last" };
  await withFakeApiProcess(script, async (env) => {
    for (const output of ["json", "stream-json"]) {
      const out = await clawRun(env, "--output", output, "hi");
      assertEquals(out.code, 1, out.stderr);
      const last = JSON.parse(out.stdout.trimEnd().split("\n").at(-1)!);
      const { error } = last;
      assertEquals([last.type, error.kind, error.exit_code], ["claw_error", "context_window", 1]);
      match(error.message, /Prompt is too long/);
      match(error.hint, /^Shorten the prompt, or use a model with a larger context window/);
      match(error.session_id, /^[0-9a-f-]{36}$/);
      assertEquals(last.result.type, "result");
      match(out.stderr, /^error\[context_window\]/m);
    }
  });
});

test("claw run - reads the prompt from stdin", async () => {
  await withFakeApiProcess(
    { replies: [{ content: [{ type: "text", text: "read it" }] }] },
    async (env) => {
      const out = await claw(["run", "--cli", pinnedCliPath(VERSION), "-"], {
        env,
        stdin: "a prompt on stdin",
      });
      assertEquals([out.code, out.stdout], [0, "read it\n"]);
    },
  );
});

Deno.test("claw run --demo replays the bundled run without claude or credentials", async () => {
  const out = await claw(["run", "--demo"], {
    env: { PATH: "/nonexistent", ANTHROPIC_API_KEY: "", CLAUDE_CODE_OAUTH_TOKEN: "" },
  });
  assertEquals(out.code, 0, out.stderr);
  match(out.stdout, /Hello from claw/);
  match(out.stderr, /⏺ Bash\(echo 'Hello from claw'\)/);
});
