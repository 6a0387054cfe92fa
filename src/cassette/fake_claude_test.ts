import { deepStrictEqual as assertEquals, match, ok, throws } from "node:assert";
import { dirname, join } from "node:path";
import { fileURLToPath as fromFileUrl } from "node:url";
import { captureClawError } from "../errors/_capture.ts";
import { CassetteMissError } from "../errors/claw_error.ts";
import { run } from "../session/run.ts";
import { cassetteHeader, type CassetteRecord, serializeCassette } from "./cassette.ts";
import { fakeClaudeConfig, launcherEnv, writeFakeClaude } from "./fake_claude.ts";

const ARGV = ["-p", "--output-format=stream-json", "--verbose", "--", "Say hi"];

async function writeCassette(
  path: string,
  argv: string[],
  records: CassetteRecord[],
  cliVersion = "2.1.332",
): Promise<void> {
  const header = await cassetteHeader(argv, {
    cli_version: cliVersion,
    recorded_at: "2026-11-21T06:00:00.000Z",
  });
  await Deno.writeTextFile(path, serializeCassette({ header, records }));
}

/** A temp folder with `cassettes/` and a launcher at `bin/claude`; removed afterwards. */
async function withLauncher(
  fn: (paths: { cassettes: string; claude: string; root: string }) => Promise<void>,
  options: { timing?: number | "recorded" } = {},
): Promise<void> {
  const root = await Deno.makeTempDir({ prefix: "claw-fake-claude-" });
  try {
    const cassettes = join(root, "cassettes");
    await Deno.mkdir(cassettes);
    const claude = join(root, "bin", "claude");
    await writeFakeClaude(claude, { cassettes, ...options });
    await fn({ cassettes, claude, root });
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

async function launch(claude: string, args: string[], env: Record<string, string> = {}) {
  const out = await new Deno.Command(claude, { args, env, stdin: "null" }).output();
  const decoder = new TextDecoder();
  return {
    code: out.code,
    stdout: decoder.decode(out.stdout),
    stderr: decoder.decode(out.stderr),
  };
}

Deno.test("fakeClaudeConfig names the variable that is missing or misspelled", () => {
  throws(
    () => fakeClaudeConfig({}),
    (error: unknown) =>
      error instanceof TypeError &&
      error.message ===
        "CLAW_CASSETTES is not set: point it at the folder of cassettes to replay",
  );
  throws(
    () => fakeClaudeConfig({ CLAW_CASSETTES: "/c", CLAW_CASSETTE_MODE: "replya" }),
    /^TypeError: Invalid CLAW_CASSETTE_MODE "replya": use replay, record, auto, passthrough$/,
  );
  throws(
    () => fakeClaudeConfig({ CLAW_CASSETTES: "/c", CLAW_CASSETTE_TIMING: "fast" }),
    /Invalid replay timing "fast"/,
  );
  assertEquals(fakeClaudeConfig({ CLAW_CASSETTES: "/c" }).dir, "/c");
});

Deno.test("launcherEnv makes paths absolute and defaults to replay mode", () => {
  assertEquals(launcherEnv({ cassettes: "/c" }), {
    CLAW_CASSETTES: "/c",
    CLAW_CASSETTE_MODE: "replay",
  });
  assertEquals(
    launcherEnv({ cassettes: "c", mode: "auto", timing: "recorded", realClaude: "bin/claude" }),
    {
      CLAW_CASSETTES: join(Deno.cwd(), "c"),
      CLAW_CASSETTE_MODE: "auto",
      CLAW_CASSETTE_TIMING: "recorded",
      CLAW_REAL_CLAUDE: join(Deno.cwd(), "bin", "claude"),
    },
  );
});

Deno.test("the launcher replays a cassette as claude would print it, and answers --version", () =>
  withLauncher(async ({ cassettes, claude, root }) => {
    assertEquals((await launch(claude, ["--version"])).stdout, "0.0.0 (Claude Code)\n");
    await writeCassette(join(cassettes, "hi.ndjson"), ARGV, [
      { t: 0, stdin_eof: true },
      { t: 1, stdout: { type: "system", subtype: "init", session_id: "s-1" } },
      { t: 2, stderr: "a warning" },
      { t: 3, stdout_raw: "no newline", eol: false },
      { t: 4, exit: { code: 3, signal: null } },
    ], "2.0.76");
    assertEquals(await launch(claude, ["--version"]), {
      code: 0,
      stdout: "2.0.76 (Claude Code)\n",
      stderr: "",
    });
    assertEquals((await launch(claude, ["-v"])).stdout, "2.0.76 (Claude Code)\n");
    // From any working directory.
    const out = await new Deno.Command(claude, { args: ARGV, cwd: root, stdin: "null" }).output();
    const decoder = new TextDecoder();
    assertEquals(
      [out.code, decoder.decode(out.stdout), decoder.decode(out.stderr)],
      [3, '{"type":"system","subtype":"init","session_id":"s-1"}\nno newline', "a warning\n"],
    );
  }));

Deno.test("the launcher fails a miss with exit 1, error[cassette_miss] naming the difference, and the hint", () =>
  withLauncher(async ({ cassettes, claude }) => {
    await writeCassette(join(cassettes, "hi.ndjson"), ARGV, [
      { t: 0, exit: { code: 0, signal: null } },
    ]);
    const out = await launch(claude, [...ARGV.slice(0, -1), "Say bye"]);
    assertEquals([out.code, out.stdout], [1, ""]);
    match(
      out.stderr,
      /^error\[cassette_miss\]: No cassette in ".+cassettes" matches this run \(key k2:[0-9a-f]+\): the nearest is "hi.ndjson", which differs at argv\[4\]: recorded "Say hi", this run "Say bye"\nhint: Record the run once against the real CLI: [^\n]+\n$/,
    );
    const misspelled = await launch(claude, ARGV, { CLAW_CASSETTE_MODE: "replya" });
    assertEquals(misspelled.code, 1);
    match(
      misspelled.stderr,
      /Invalid CLAW_CASSETTE_MODE "replya": use replay, record, auto, passthrough/,
    );
  }));

Deno.test("a signal to the launcher ends the replay, and the launcher dies of it", () =>
  withLauncher(async ({ cassettes, claude }) => {
    await writeCassette(join(cassettes, "slow.ndjson"), ARGV, [
      { t: 0, stdout_raw: "started" },
      { t: 3_600_000, stdout_raw: "an hour later" },
      { t: 3_600_000, exit: { code: 0, signal: null } },
    ]);
    const child = new Deno.Command(claude, { args: ARGV, stdin: "null", stdout: "piped" })
      .spawn();
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    assertEquals((await reader.read()).value, "started\n");
    child.kill("SIGTERM");
    while (!(await reader.read()).done) { /* drain */ }
    const status = await child.status;
    assertEquals([status.code, status.signal], [143, "SIGTERM"]);
  }, { timing: "recorded" }));

Deno.test("across the process boundary a miss still reaches run() as a CassetteMissError", () =>
  withLauncher(async ({ cassettes, claude }) => {
    await writeCassette(join(cassettes, "hi.ndjson"), ARGV, [
      { t: 0, exit: { code: 0, signal: null } },
    ]);
    const error = await captureClawError(run("Say bye", { cli: claude }).text());
    ok(error instanceof CassetteMissError, `${error.name}: ${error.message}`);
    match(error.message, /^No cassette in ".+" matches this run .*this run "Say bye"$/);
    assertEquals(error.exitCode, 1);
  }));

Deno.test("a stdin line the launcher's cassette did not record is a miss and its hint on stderr, exit 1", () =>
  withLauncher(async ({ cassettes, claude }) => {
    const args = ["-p", "--input-format=stream-json", "--output-format=stream-json", "--verbose"];
    await writeCassette(join(cassettes, "session.ndjson"), args, [
      { t: 0, stdin: '{"type":"user"}' },
      { t: 1, exit: { code: 0, signal: null } },
    ]);
    const child = new Deno.Command(claude, {
      args,
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    })
      .spawn();
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode('{"type":"other"}\n'));
    await writer.close();
    const out = await child.output();
    assertEquals(out.code, 1);
    match(
      new TextDecoder().decode(out.stderr),
      /^error\[cassette_miss\]: stdin line 1 differs from the cassette ".+session.ndjson": type: recorded "user", this run "other"\nhint: [^\n]+\n$/,
    );
  }));

Deno.test("the launcher finds Deno when it runs: deno on PATH after the Deno that wrote it is gone", async () => {
  const root = await Deno.makeTempDir({ prefix: "claw-fake-claude-deno-" });
  try {
    const cassettes = join(root, "cassettes");
    await Deno.mkdir(cassettes);
    await writeCassette(join(cassettes, "hi.ndjson"), ARGV, [
      { t: 0, stdout_raw: "replayed" },
      { t: 1, exit: { code: 0, signal: null } },
    ]);
    // A Deno of its own (as npx caches one) writes the launcher, as `claw replay --write-bin`.
    const cached = join(root, "npx-cache", "deno");
    await Deno.mkdir(dirname(cached));
    const real = await Deno.realPath(Deno.execPath());
    await Deno.link(real, cached).catch(() => Deno.copyFile(real, cached));
    const claude = join(root, "bin", "claude");
    const module = new URL("./fake_claude.ts", import.meta.url).href;
    const wrote = await new Deno.Command(cached, {
      args: [
        "eval",
        `import { writeFakeClaude } from ${JSON.stringify(module)};
         await writeFakeClaude(${JSON.stringify(claude)}, { cassettes: ${
          JSON.stringify(cassettes)
        } });`,
      ],
      stdin: "null",
    }).output();
    assertEquals(wrote.code, 0, new TextDecoder().decode(wrote.stderr));
    // With no deno on PATH the launcher uses the one that wrote it, while it is there.
    assertEquals((await launch(claude, ARGV, { PATH: "/nonexistent" })).stdout, "replayed\n");

    // The npx cache is cleared: deno on PATH still runs the launcher.
    await Deno.remove(dirname(cached), { recursive: true });
    const path = `${dirname(Deno.execPath())}:/usr/bin:/bin`;
    assertEquals(await launch(claude, ARGV, { PATH: path }), {
      code: 0,
      stdout: "replayed\n",
      stderr: "",
    });
    // CLAW_DENO names one when PATH has none.
    assertEquals(
      (await launch(claude, ARGV, { PATH: "/nonexistent", CLAW_DENO: Deno.execPath() })).stdout,
      "replayed\n",
    );
    // None at all: one line that says which Deno is needed and how to get it.
    const out = await launch(claude, ARGV, { PATH: "/nonexistent" });
    assertEquals([out.code, out.stdout], [127, ""]);
    const version = Deno.version.deno;
    assertEquals(
      out.stderr,
      `claw fake-claude: Cannot find Deno to run claw (${
        fromFileUrl(new URL("../../main.ts", import.meta.url))
      }): "deno" is not on PATH, CLAW_DENO is not set and ${
        JSON.stringify(cached)
      }, the Deno that wrote this launcher, is gone; install Deno ${version} with npm i -g deno@${version} or set CLAW_DENO to a deno executable\n`,
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("in auto mode, a new stdin prompt with no real CLI to record it is one line on stderr, exit 1", () =>
  withLauncher(async ({ cassettes, claude }) => {
    const args = ["-p", "--input-format=stream-json", "--output-format=stream-json", "--verbose"];
    const user = (text: string) =>
      JSON.stringify({ type: "user", message: { role: "user", content: text } });
    await writeCassette(join(cassettes, "hi.ndjson"), args, [
      { t: 0, stdin: user("Say hi") },
      { t: 1, stdout_raw: '{"type":"result","result":"Hello"}' },
      { t: 2, exit: { code: 0, signal: null } },
    ]);
    const child = new Deno.Command(claude, {
      args,
      env: { CLAW_CASSETTE_MODE: "auto" },
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(user("Say bye") + "\n"));
    await writer.close();
    const out = await child.output();
    assertEquals([out.code, new TextDecoder().decode(out.stdout)], [1, ""]);
    match(
      new TextDecoder().decode(out.stderr),
      /^claw fake-claude: CLAW_CASSETTE_MODE=auto runs the real CLI, but CLAW_REAL_CLAUDE is not set: [^\n]+\n$/,
    );
  }));
