/**
 * `claw record` and `claw replay` as a user runs them: record the real CLI 2.1.332 against the
 * fake API, then replay the cassette with no CLI and no API, and get the same bytes.
 */
import { deepStrictEqual as assertEquals, match, ok } from "node:assert";
import { join } from "node:path";
import { parseCassette, stdoutText } from "../src/cassette/cassette.ts";
import { CassetteStore } from "../src/cassette/cassette_store.ts";
import { redactionRules, redactLines } from "../src/cassette/redact.ts";
import { placesOf } from "../src/cassette/request.ts";
import { claw } from "./_claw.ts";
import { hasCli, offline, pinnedCliPath } from "./_offline.ts";

const VERSION = "2.1.332";
const ARGS = ["-p", "--output-format=stream-json", "--verbose", "--", "Say hi"];

Deno.test({
  name: "claw record saves a replayable cassette and passes the run through untouched",
  ignore: !hasCli(VERSION),
  async fn() {
    await using env = await offline({
      replies: [{ content: [{ type: "text", text: "hi there" }] }],
    });
    const cassettes = join(env.home, "cassettes");
    const file = join(cassettes, "hi.ndjson");
    const vars = env.vars(VERSION);

    const recorded = await claw([
      "record",
      "-o",
      file,
      "--cli",
      pinnedCliPath(VERSION),
      "--",
      ...ARGS,
    ], {
      env: vars,
    });
    assertEquals(recorded.code, 0, recorded.stderr);
    match(recorded.stdout, /"result":"hi there"/);
    match(recorded.stderr, /claw: recorded /);

    const summary = JSON.parse((await claw(["inspect", file, "--json"])).stdout);
    assertEquals(summary.cassette.cli_version, VERSION);
    assertEquals(summary.cassette.exit.code, 0);
    assertEquals(summary.results[0].is_error, false);

    // Replay: no API (closed), another HOME: the cassette alone answers.
    await env.api.close();
    const elsewhere = { ...vars, HOME: join(env.home, "elsewhere") };
    const replayed = await claw(["replay", "--cassettes", cassettes, "--", ...ARGS], {
      env: elsewhere,
    });
    const cassette = parseCassette(await Deno.readTextFile(file));
    const inCassette = cassette.records.flatMap((r) =>
      "stdout" in r || "stdout_raw" in r ? [stdoutText(r) + "\n"] : []
    );
    // The replay prints its own places where the cassette has placeholders.
    const replayPlaces = placesOf({ command: "claude", args: [], cwd: Deno.cwd(), env: elsewhere });
    ok(replayed.stdout.includes(`"cwd":${JSON.stringify(Deno.cwd())}`));
    ok(replayed.stdout.includes(`${elsewhere.HOME}/.claude/projects/`));
    assertEquals(
      [replayed.code, redactLines(replayed.stdout, redactionRules(replayPlaces))],
      [0, inCassette.join("")],
    );
    // The cassette is the live run with its machine paths as placeholders, nothing else.
    assertEquals(inCassette.join(""), redactedStdout(recorded.stdout, Deno.cwd(), env.home));
  },
});

Deno.test("claw record and claw replay refuse incomplete command lines with exit 2", async () => {
  for (
    const [args, expected] of [
      [["record", "-o", "x.ndjson"], /Missing -- before the claude arguments/],
      [["record", "--", "-p"], /Missing -o FILE/],
      [["replay", "--cassettes", "x"], /Missing --write-bin PATH or -- CLAUDE_ARGS/],
      [
        ["replay", "--cassettes", "x", "--mode", "replya", "--", "-p"],
        /Invalid cassette mode "replya"/,
      ],
    ] as const
  ) {
    const out = await claw([...args]);
    assertEquals(out.code, 2, out.stderr);
    match(out.stderr, expected);
  }
});

/** The live stdout with the run's paths as the recorder's placeholders (cwd is the repo here). */
function redactedStdout(stdout: string, cwd: string, home: string): string {
  const replaced = stdout.replaceAll(join(home, "tmp"), "$TMP").replaceAll(home, "$HOME")
    .replaceAll(cwd, "$CWD").replaceAll(cwd.replace(/[^A-Za-z0-9]/g, "-"), "$ESCAPED_CWD");
  ok(!replaced.includes(home));
  return replaced;
}

// A stand-in claude that only leaves a mark when started: these tests assert it never is.
async function withMarker(fn: (cli: string, mark: string, dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "claw-bad-path-" });
  try {
    const cli = join(dir, "claude");
    const mark = join(dir, "started");
    await Deno.writeTextFile(cli, `#!/bin/sh\ntouch '${mark}'\n`, { mode: 0o755 });
    await fn(cli, mark, dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const started = (mark: string) => Deno.stat(mark).then(() => true, () => false);

Deno.test("an unwritable cassette path is a usage error before claude starts, for run --record and record -o", () =>
  withMarker(async (cli, mark) => {
    const runs = [
      ["run", "--cli", cli, "--record", "/proc/nope/run.ndjson", "hi"],
      ["record", "-o", "/proc/nope/run.ndjson", "--cli", cli, "--", "-p", "hi"],
    ];
    for (const args of runs) {
      const out = await claw(args);
      assertEquals([out.code, out.stdout], [2, ""], out.stderr);
      const flag = args[0] === "run" ? "--record" : "-o";
      match(
        out.stderr,
        new RegExp(`^Cannot write ${flag} "/proc/nope/run.ndjson": .*: pass a writable path\\n`),
      );
      match(out.stderr, new RegExp(`\\n\\nUsage: claw ${args[0]}`));
      assertEquals(await started(mark), false, `${args[0]} started claude`);
    }
  }));

Deno.test("claw record with a claude that does not exist says so in one error line, exit 1", () =>
  withMarker(async (_cli, _mark, dir) => {
    const out = await claw([
      "record",
      "-o",
      join(dir, "x.ndjson"),
      "--cli",
      "/nonexistent/claude",
      "--",
      "-p",
      "hi",
    ]);
    assertEquals([out.code, out.stdout], [1, ""]);
    match(
      out.stderr,
      /^error\[cli_not_found\]: Cannot run "\/nonexistent\/claude", the claude given \(cli option, --cli\): it is not an executable file\nhint: /,
    );
    ok(!out.stderr.includes("    at "), "no stack trace");
  }));

Deno.test("claw record --json keeps stdout for its one JSON line: the CLI's output goes to stderr", () =>
  withMarker(async (_cli, _mark, dir) => {
    // A stand-in claude, made here: one event on stdout, one line on stderr, exit 3.
    const cli = join(dir, "talking-claude");
    const init = '{"type":"system","subtype":"init","claude_code_version":"9.9.9"}';
    await Deno.writeTextFile(cli, `#!/bin/sh\necho '${init}'\necho 'a warning' >&2\nexit 3\n`, {
      mode: 0o755,
    });
    const file = join(dir, "new folder", "run.ndjson");
    const out = await claw(["record", "--json", "-o", file, "--cli", cli, "--", "-p", "hi"]);
    assertEquals(out.code, 3, out.stderr);
    const [report, end] = out.stdout.split("\n");
    assertEquals(end, "", `one line on stdout: ${out.stdout}`);
    const stderr = out.stderr.split("\n");
    assertEquals(stderr.slice(-2), [`claw: recorded ${file}`, ""]);
    assertEquals(stderr.slice(0, -2).sort(), ["a warning", init].sort());
    const cassette = parseCassette(await Deno.readTextFile(file));
    const header = cassette.header;
    assertEquals(JSON.parse(report!), {
      cassette: file,
      replaced: false,
      key: header.key,
      cli_version: "9.9.9",
      argv: ["-p", "hi"],
      recorded_at: header.recorded_at,
      exit: { code: 3, signal: null },
      records: { stdout: 1, stderr: 1, stdin: 0 },
    });
    // The cassette keeps the two streams apart, as the CLI wrote them.
    ok(cassette.records.some((r) => "stdout" in r && stdoutText(r) === init));
    ok(cassette.records.some((r) => "stderr" in r && r.stderr === "a warning"));
  }));

Deno.test("claw record over an existing cassette says it replaced it, in its line and in --json", () =>
  withMarker(async (_cli, _mark, dir) => {
    const cli = join(dir, "quiet-claude");
    await Deno.writeTextFile(cli, "#!/bin/sh\necho '{}'\n", { mode: 0o755 });
    const file = join(dir, "run.ndjson");
    const first = await claw(["record", "-o", file, "--cli", cli, "--", "-p", "one"]);
    assertEquals([first.code, first.stderr], [0, `claw: recorded ${file}\n`]);
    const again = await claw(["record", "-o", file, "--cli", cli, "--", "-p", "two"]);
    assertEquals(again.code, 0, again.stderr);
    assertEquals(again.stderr, `claw: recorded ${file} (replaced the file that was there)\n`);
    const json = await claw(["record", "--json", "-o", file, "--cli", cli, "--", "-p", "three"]);
    assertEquals(JSON.parse(json.stdout).replaced, true, json.stdout);
    assertEquals(parseCassette(await Deno.readTextFile(file)).header.argv, ["-p", "three"]);
  }));

Deno.test("claw replay --write-bin --json reports the launcher, the folder, its cassette count, mode, timing and real CLI", () =>
  withMarker(async (cli, _mark, dir) => {
    const corpus = join(Deno.cwd(), "fixtures", "cassettes", "2.1.332");
    const bin = join(dir, "bin", "claude");
    const out = await claw(["replay", "--json", "--cassettes", corpus, "--write-bin", bin]);
    assertEquals([out.code, out.stderr], [0, ""]);
    assertEquals(
      out.stdout,
      JSON.stringify({
        launcher: bin,
        cassettes: corpus,
        cassette_count: (await CassetteStore.open(corpus)).cassettes.length,
        mode: "replay",
        timing: "instant",
        real_claude: null,
      }) + "\n",
    );
    ok((await Deno.stat(bin)).isFile);

    // Auto mode: the folder is made when the launcher is written; the real CLI is named.
    const fresh = join(dir, "fresh cassettes");
    const args = ["--mode", "auto", "--timing", "0.5", "--real-claude", cli, "--write-bin", bin];
    const auto = await claw(["replay", "--cassettes", fresh, ...args, "--json"]);
    assertEquals(auto.code, 0, auto.stderr);
    assertEquals(JSON.parse(auto.stdout), {
      launcher: bin,
      cassettes: fresh,
      cassette_count: 0,
      mode: "auto",
      timing: 0.5,
      real_claude: cli,
    });
    ok((await Deno.stat(fresh)).isDirectory);
  }));

Deno.test("claw replay --write-bin warns when the folder holds no cassettes to replay", () =>
  withMarker(async (_cli, _mark, dir) => {
    const bin = join(dir, "bin", "claude");
    const out = await claw(["replay", "--cassettes", dir, "--write-bin", bin]);
    assertEquals([out.code, out.stdout], [0, `${bin}\n`]);
    match(out.stderr, /^warning: --cassettes ".*" holds no cassettes: every run will miss/);
  }));
