/**
 * Record and replay end to end: the real pinned CLIs against claw's fake Messages API are
 * recorded as cassettes, then replayed in-process and through the drop-in fake `claude`.
 */
import { deepStrictEqual as assertEquals, match, ok } from "node:assert";
import { join } from "node:path";
import { buildEnv } from "../src/process/env.ts";
import { denoSpawner } from "../src/process/deno_spawner.ts";
import type { ClaudeProcess } from "../src/process/spawn.ts";
import { decodeEvents } from "../src/protocol/decode.ts";
import type { DecodedItem } from "../src/protocol/events.ts";
import {
  type Cassette,
  cassetteHeader,
  parseCassette,
  serializeCassette,
  stdoutText,
} from "../src/cassette/cassette.ts";
import { cassetteSpawner } from "../src/cassette/cassette_spawner.ts";
import { recordingSpawner, saveCassette } from "../src/cassette/recorder.ts";
import { requestRules } from "../src/cassette/request.ts";
import { redactLine } from "../src/cassette/redact.ts";
import { loadCassette, withFakeClaude } from "../src/cassette/testing.ts";
import { run } from "../src/session/run.ts";
import { claw } from "./_claw.ts";
import { hasCli, offline, PINNED_CLI_VERSIONS, pinnedCliPath, recordTo } from "./_offline.ts";
import { captureClawError } from "../src/errors/_capture.ts";

const PROMPT = "Run the command";

/** The events a cassette's (redacted) stdout records decode to. */
async function cassetteEvents(cassette: Cassette): Promise<DecodedItem[]> {
  const text = cassette.records.map((record) =>
    "stdout" in record || "stdout_raw" in record
      ? stdoutText(record) + ("eol" in record && record.eol === false ? "" : "\n")
      : ""
  ).join("");
  return await Array.fromAsync(
    decodeEvents(ReadableStream.from([new TextEncoder().encode(text)])),
  );
}

async function withTemp<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: "claw-record-replay-" });
  try {
    return await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Reads a process's stdout line by line. */
function lineReader(stream: ReadableStream<Uint8Array>) {
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  // One read in flight at a time, shared by whoever waits for it.
  let filling: Promise<boolean> | undefined;
  const fill = (): Promise<boolean> =>
    filling ??= reader.read().then(({ value, done }) => {
      filling = undefined;
      if (done) return false;
      buffer += value;
      return true;
    });
  return {
    /** Lines up to and including the first `result` line. */
    async untilResult(): Promise<string[]> {
      const lines: string[] = [];
      while (true) {
        let newline: number;
        while ((newline = buffer.indexOf("\n")) !== -1) {
          const line = buffer.slice(0, newline);
          buffer = buffer.slice(newline + 1);
          lines.push(line);
          if (line.includes('"type":"result"')) return lines;
        }
        if (!await fill()) throw new Error(`stdout ended before a result: ${lines.join("\n")}`);
      }
    },
    /** Whether any output arrives within `ms`. */
    async quietFor(ms: number): Promise<boolean> {
      if (buffer !== "") return false;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const quiet = new Promise<"quiet">((resolve) => timer = setTimeout(resolve, ms, "quiet"));
      const outcome = await Promise.race([fill().then(() => "output" as const), quiet]);
      clearTimeout(timer);
      return outcome === "quiet";
    },
    async rest(): Promise<string> {
      while (await fill()) { /* read to the end */ }
      return buffer;
    },
  };
}

const userLine = (text: string) =>
  JSON.stringify({ type: "user", message: { role: "user", content: text } }) + "\n";

async function writeLine(child: { stdin: WritableStream<Uint8Array> }, text: string) {
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(text));
  writer.releaseLock();
}

/** A two-turn stream-json input session: each turn written only after the previous result. */
async function twoTurns(child: Pick<ClaudeProcess, "stdin" | "stdout">) {
  const stdout = lineReader(child.stdout);
  await writeLine(child, userLine("First question"));
  const first = await stdout.untilResult();
  const waitedForInput = await stdout.quietFor(300);
  await writeLine(child, userLine("Second question"));
  const second = await stdout.untilResult();
  await child.stdin.close();
  const rest = await stdout.rest();
  return { first, second, waitedForInput, rest };
}

for (const version of PINNED_CLI_VERSIONS) {
  const test = (name: string, fn: () => Promise<void>) =>
    Deno.test({ name: `[claude ${version}] ${name}`, ignore: !hasCli(version), fn });

  test("a recorded run replays in-process and through the fake claude as the same events", () =>
    withTemp(async (root) => {
      await using env = await offline({
        replies: [
          {
            content: [
              { type: "text", text: "Let me run it" },
              { type: "tool_use", name: "Bash", input: { command: "echo claw-$((40+2))" } },
            ],
          },
          { content: [{ type: "text", text: "It printed claw-42" }] },
        ],
      });
      const cassettes = join(root, "cassettes");
      const path = join(cassettes, "run.ndjson");
      const flags = { permissionMode: "bypassPermissions" } as const;
      const options = env.options(version, { ...flags, ...recordTo(path) });
      const live = await Array.fromAsync(run(PROMPT, options));
      const cassette = await loadCassette(path);
      assertEquals(cassette.header.cli_version, version);
      assertEquals(cassette.records.at(-1), {
        t: cassette.records.at(-1)!.t,
        exit: { code: 0, signal: null },
      });
      const recorded = await cassetteEvents(cassette);
      // The cassette is the live run, redacted with the run's own rules.
      const rules = requestRules({
        command: pinnedCliPath(version),
        args: [],
        env: buildEnv(options),
        cwd: env.cwd,
      });
      assertEquals(recorded, live.map((e) => JSON.parse(redactLine(JSON.stringify(e), rules))));
      ok(!recorded.some((e) => e.type === "diagnostic"));
      ok(JSON.stringify(recorded).includes("claw-42"), "the Bash tool's output was recorded");
      ok(!JSON.stringify(recorded).includes(env.cwd) && JSON.stringify(recorded).includes("$CWD"));

      // In-process, from another working directory.
      const other = join(root, "elsewhere");
      await Deno.mkdir(other);
      const spawner = cassetteSpawner({ dir: cassettes, mode: "replay" });
      const inProcess = await Array.fromAsync(run(PROMPT, { ...flags, spawner, cwd: other }));
      // A replay prints its own places where the cassette has placeholders.
      const placed = (events: unknown[]) => {
        const rules = requestRules({ command: "claude", args: [], env: buildEnv({}), cwd: other });
        return events.map((e) => JSON.parse(redactLine(JSON.stringify(e), rules)));
      };
      const init = inProcess.find((e) => e.type === "system" && e.subtype === "init");
      assertEquals(init && "cwd" in init ? init.cwd : undefined, other);
      assertEquals(placed(inProcess), recorded);

      // Cross-process: the launcher written by claw replay --write-bin.
      const bin = join(root, "bin", "claude");
      const written = await claw(["replay", "--cassettes", cassettes, "--write-bin", bin]);
      assertEquals([written.code, written.stdout], [0, `${bin}\n`], written.stderr);
      const crossProcess = await Array.fromAsync(run(PROMPT, { ...flags, cli: bin, cwd: other }));
      assertEquals(placed(crossProcess), recorded);

      // The fake claude answers --version as the recorded CLI does.
      const versionOf = async (cli: string) =>
        new TextDecoder().decode(
          (await new Deno.Command(cli, { args: ["--version"] }).output())
            .stdout,
        );
      assertEquals(await versionOf(bin), `${version} (Claude Code)\n`);
      assertEquals(await versionOf(bin), await versionOf(pinnedCliPath(version)));
    }));

  test("a replay miss fails with cassette_miss, naming the nearest cassette and the differing argv field", () =>
    withTemp(async (root) => {
      await using env = await offline({ replies: [{ content: [{ type: "text", text: "Hi" }] }] });
      const cassettes = join(root, "cassettes");
      const flags = { permissionMode: "bypassPermissions" } as const;
      await run(
        PROMPT,
        env.options(version, { ...flags, ...recordTo(join(cassettes, "run.ndjson")) }),
      )
        .text();
      const difference =
        'the nearest is "run.ndjson", which differs at argv[0]: recorded (nothing), this run "--max-turns=3" (canonical order; only recorded: "--permission-mode=bypassPermissions"; only this run: "--max-turns=3")';

      const spawner = cassetteSpawner({ dir: cassettes, mode: "replay" });
      const error = await captureClawError(run(PROMPT, { maxTurns: 3, spawner }).text());
      assertEquals(error.kind, "cassette_miss");
      match(error.message, /^No cassette in ".+cassettes" matches this run \(key k2:[0-9a-f]+\)/);
      ok(error.message.endsWith(difference), error.message);

      const bin = join(root, "bin", "claude");
      assertEquals(
        (await claw(["replay", "--cassettes", cassettes, "--write-bin", bin])).code,
        0,
      );
      const out = await claw(["run", "--cli", bin, "--max-turns", "3", PROMPT]);
      assertEquals(out.code, 1, out.stderr);
      match(
        out.stderr,
        /^error\[cassette_miss\]: No cassette in ".+cassettes" matches this run \(key k2:[0-9a-f]+\): the nearest is "run.ndjson", which differs at argv\[0\]: recorded \(nothing\), this run "--max-turns=3" \(canonical order; only recorded: "--permission-mode=bypassPermissions"; only this run: "--max-turns=3"\)\nhint: Record the run once/,
      );
      assertEquals(out.stdout, "");
    }));

  test("secrets planted in argv, env, stdout and stderr never reach the cassette", () =>
    withTemp(async (root) => {
      const key = "sk-ant-api03-PLANTEDKEY-Zx81QmV4pT7sKd0Lw3Nf";
      const email = "planted.owner@example.org";
      await using env = await offline({
        replies: [
          // 2.1.332 echoes the unknown model on stderr after a 404, then retries.
          { status: 404, error: { type: "not_found_error", message: `model: ${key}` } },
          { content: [{ type: "text", text: `Your key is ${key}; write to ${email}` }] },
        ],
        when_exhausted: "repeat_last",
      });
      const secrets = [key, "PLANTEDKEY", email, env.home, env.cwd, String(env.api.port)];
      const plantedEnv = { ANTHROPIC_API_KEY: key };

      // argv (--model), env, stdout (the reply), and on 2.1.332 stderr.
      const answered = join(root, "model.ndjson");
      await run(
        "Tell me my key",
        env.options(version, {
          model: key,
          env: plantedEnv,
          ...recordTo(answered),
        }),
      ).text().catch(() => {});
      // argv (--resume) and stderr: both CLIs refuse the id, quoting it on stderr. (Recorded over
      // a spawner that does not say it is the real CLI: over denoSpawner claw itself would refuse
      // the unknown session before starting anything.)
      const refused = join(root, "resume.ndjson");
      const unchecked = recordingSpawner((request) => denoSpawner(request), {
        save: saveCassette(refused),
      });
      await captureClawError(
        run("Go on", env.options(version, { resume: key, env: plantedEnv, spawner: unchecked }))
          .text(),
      );

      for (const path of [answered, refused]) {
        const text = await Deno.readTextFile(path);
        for (const secret of secrets) {
          ok(!text.includes(secret), `${path} contains ${secret}:\n${text.slice(0, 3000)}`);
        }
        const cassette = parseCassette(text, path);
        ok(cassette.header.env.includes("ANTHROPIC_API_KEY"));
        ok(cassette.header.argv.some((arg) => arg.includes("[REDACTED_API_KEY]")));
      }
      const model = parseCassette(await Deno.readTextFile(answered));
      const stdout = JSON.stringify(model.records.filter((r) => "stdout" in r));
      ok(stdout.includes("Your key is [REDACTED_API_KEY]; write to [REDACTED_EMAIL]"), stdout);
      const stderrOf = (cassette: Cassette) =>
        cassette.records.flatMap((r) => "stderr" in r ? [r.stderr] : []);
      if (version.startsWith("2.1.")) {
        ok(
          stderrOf(model).some((line) =>
            line.startsWith("[claude-code:unrecognized_model]") &&
            line.includes('"model":"[REDACTED_API_KEY]"')
          ),
          `stderr: ${stderrOf(model)}`,
        );
      }
      const resume = parseCassette(await Deno.readTextFile(refused));
      ok(
        stderrOf(resume).some((line) => line.includes('"[REDACTED_API_KEY]"')),
        `stderr: ${stderrOf(resume)}`,
      );
    }));

  test("a recorded stream-json input session replays through the fake claude only as stdin lines arrive", () =>
    withTemp(async (root) => {
      await using env = await offline({
        replies: [
          { content: [{ type: "text", text: "First answer" }] },
          { content: [{ type: "text", text: "Second answer" }] },
        ],
      });
      const cassettes = join(root, "cassettes");
      const args = ["-p", "--input-format=stream-json", "--output-format=stream-json", "--verbose"];
      const spawn = recordingSpawner(denoSpawner, {
        save: saveCassette(join(cassettes, "session.ndjson")),
      });
      const options = env.options(version);
      await using live = await spawn({
        command: pinnedCliPath(version),
        args,
        env: buildEnv({ env: options.env ?? {} }),
        cwd: env.cwd,
      });
      const stderr = new Response(live.stderr).text();
      const recorded = await twoTurns(live);
      assertEquals(await live.status, { code: 0, signal: null }, await stderr);
      match(recorded.first.at(-1)!, /"result":"First answer"/);
      match(recorded.second.at(-1)!, /"result":"Second answer"/);
      ok(recorded.waitedForInput, "the real CLI waits for the second turn");

      const cassette = await loadCassette(join(cassettes, "session.ndjson"));
      const stdin = cassette.records.flatMap((r) => "stdin" in r ? [r.stdin] : []);
      assertEquals(
        stdin,
        [userLine("First question"), userLine("Second question")].map((l) => l.trimEnd()),
      );
      const recordedStdout = cassette.records.flatMap((r) =>
        "stdout" in r || "stdout_raw" in r ? [stdoutText(r)] : []
      );

      await withFakeClaude(cassettes, async (claude) => {
        const replay = new Deno.Command(claude, {
          args,
          cwd: root,
          stdin: "piped",
          stdout: "piped",
          stderr: "piped",
        }).spawn();
        const replayStderr = new Response(replay.stderr).text();
        const replayed = await twoTurns(replay);
        const status = await replay.status;
        assertEquals(status.code, 0, await replayStderr);
        ok(replayed.waitedForInput, "the second turn waits for its stdin line");
        // The replay prints its own places (cwd root, this process's HOME and TMPDIR).
        const rules = requestRules({ command: claude, args, env: Deno.env.toObject(), cwd: root });
        assertEquals(
          [...replayed.first, ...replayed.second].map((line) => redactLine(line, rules)),
          recordedStdout,
        );
        assertEquals(replayed.rest, "");
      });
    }));
}

Deno.test("claw replay -- ARGS replays one run directly; a misspelled --mode is a usage error", () =>
  withTemp(async (root) => {
    // A synthetic cassette, made here by code: this test is about the command line only.
    const argv = ["-p", "--output-format=stream-json", "--verbose", "--", "Say hi"];
    const header = await cassetteHeader(argv, {
      cli_version: "2.1.332",
      recorded_at: "2026-11-21T06:00:00.000Z",
    });
    await Deno.writeTextFile(
      join(root, "hi.ndjson"),
      serializeCassette({
        header,
        records: [
          { t: 0, stdin_eof: true },
          { t: 1, stdout: { type: "system", subtype: "init", session_id: "s-1" } },
          { t: 2, stderr: "recorded warning" },
          { t: 3, exit: { code: 4, signal: null } },
        ],
      }),
    );
    const out = await claw(["replay", "--cassettes", root, "--", ...argv], { stdin: "" });
    assertEquals(out, {
      code: 4,
      stdout: '{"type":"system","subtype":"init","session_id":"s-1"}\n',
      stderr: "recorded warning\n",
    });
    const miss = await claw(["replay", "--cassettes", root, "--", "-p", "Say bye"], { stdin: "" });
    assertEquals(miss.code, 1);
    match(
      miss.stderr,
      /^error\[cassette_miss\]: No cassette in .* the nearest is "hi.ndjson"[^\n]*\nhint: /,
    );

    const misspelled = await claw(["replay", "--cassettes", root, "--mode", "replya", "--", "-p"]);
    assertEquals(misspelled.code, 2);
    match(
      misspelled.stderr,
      /^Invalid cassette mode "replya": use replay, record, auto, passthrough\n\nUsage: claw replay/,
    );
  }));
