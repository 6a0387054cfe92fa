// The "real CLI" here is a stand-in: a replay of an in-memory run, counted, so that each mode's
// choice between the real CLI and the cassettes shows without starting processes.
// tests/record_replay_test.ts drives the modes with the real CLI.
import { deepStrictEqual as assertEquals, match, ok, rejects, throws } from "node:assert";
import { join } from "node:path";
import { denoSpawner } from "../process/deno_spawner.ts";
import { cliNeedOf, type Spawner, type SpawnRequest } from "../process/spawn.ts";
import { readCliVersion } from "../process/version.ts";
import { run } from "../session/run.ts";
import { type Cassette, type CassetteRecord, parseCassette } from "./cassette.ts";
import {
  CASSETTE_MODES,
  type CassetteMode,
  cassetteModeFromEnv,
  cassetteSpawner,
  parseCassetteMode,
} from "./cassette_spawner.ts";
import { recordingSpawner } from "./recorder.ts";
import { replayProcess } from "./replay.ts";
import { captureClawError } from "../errors/_capture.ts";
import { CassetteMissError } from "../errors/claw_error.ts";

const SESSION = "0b9a3c1e-5d2f-4e8a-9c7b-1a2b3c4d5e6f";

function cliRun(version: string, text: string): Cassette {
  const records: CassetteRecord[] = [
    { t: 0, stdin_eof: true },
    {
      t: 1,
      stdout: {
        type: "system",
        subtype: "init",
        session_id: SESSION,
        claude_code_version: version,
        model: "claude-opus-5-5",
      },
    },
    {
      t: 2,
      stdout: {
        type: "assistant",
        message: {
          id: "msg_1",
          type: "message",
          role: "assistant",
          model: "claude-opus-5-5",
          content: [{ type: "text", text }],
          stop_reason: null,
          stop_sequence: null,
          usage: { input_tokens: 1, output_tokens: 1 },
        },
        parent_tool_use_id: null,
        session_id: SESSION,
      },
    },
    {
      t: 3,
      stdout: {
        type: "result",
        subtype: "success",
        is_error: false,
        result: text,
        session_id: SESSION,
        num_turns: 1,
        duration_ms: 3,
        duration_api_ms: 2,
        total_cost_usd: 0,
        usage: { input_tokens: 1, output_tokens: 1 },
        modelUsage: {},
        permission_denials: [],
      },
    },
    { t: 4, exit: { code: 0, signal: null } },
  ];
  return {
    header: {
      type: "claw_cassette",
      format: 1,
      key: "k1:real",
      cli_version: version,
      argv: [],
      env: [],
      cwd: "$CWD",
      recorded_at: "2026-11-21T06:00:00.000Z",
    },
    records,
  };
}

/** A stand-in for the real CLI that counts how often it was started. */
function realCli(version = "2.1.332", text = "Hi from the real CLI") {
  const calls: SpawnRequest[] = [];
  const spawner: Spawner = (request) => {
    calls.push(request);
    return replayProcess(cliRun(version, text));
  };
  return { spawner, calls };
}

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "claw-modes-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function files(dir: string): Promise<string[]> {
  try {
    return (await Array.fromAsync(Deno.readDir(dir), (e) => e.name)).sort();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
}

Deno.test("record mode runs the real CLI and writes a cassette named after the prompt", () =>
  withDir(async (dir) => {
    const real = realCli();
    const spawner = cassetteSpawner({ dir, mode: "record", real: real.spawner });
    assertEquals(await run("Say hi", { spawner }).text(), "Hi from the real CLI");
    assertEquals(real.calls.length, 1);
    const [name] = await files(dir);
    match(name!, /^say-hi-[0-9a-f]{8}\.ndjson$/);
    const cassette = parseCassette(await Deno.readTextFile(join(dir, name!)));
    assertEquals(cassette.header.argv.slice(-2), ["--", "Say hi"]);
    assertEquals(cassette.header.cli_version, "2.1.332");
    // Recording again re-runs the real CLI and replaces the cassette.
    await run("Say hi", { spawner }).text();
    assertEquals([real.calls.length, (await files(dir)).length], [2, 1]);
  }));

Deno.test("auto mode records only what is missing: the second run replays without the real CLI", () =>
  withDir(async (dir) => {
    const real = realCli();
    const spawner = cassetteSpawner({ dir, mode: "auto", real: real.spawner });
    const first = await Array.fromAsync(run("Say hi", { spawner }));
    assertEquals(real.calls.length, 1);
    assertEquals((await files(dir)).length, 1);

    const second = await Array.fromAsync(run("Say hi", { spawner }));
    assertEquals(real.calls.length, 1, "the same spawner replays the cassette it just recorded");
    assertEquals(second, first);
    const fresh = cassetteSpawner({ dir, mode: "auto", real: real.spawner });
    assertEquals(await Array.fromAsync(run("Say hi", { spawner: fresh })), first);
    assertEquals(real.calls.length, 1);

    // Another prompt is missing: recorded.
    await run("Say bye", { spawner }).text();
    assertEquals([real.calls.length, (await files(dir)).length], [2, 2]);
  }));

Deno.test("replay mode fails a miss with cassette_miss, naming the nearest cassette and the argv difference", () =>
  withDir(async (dir) => {
    const real = realCli();
    await run("Say hi", { spawner: cassetteSpawner({ dir, mode: "record", real: real.spawner }) })
      .text();
    const [name] = await files(dir);
    const spawner = cassetteSpawner({ dir, mode: "replay", real: real.spawner });
    assertEquals(await run("Say hi", { spawner }).text(), "Hi from the real CLI");

    const error = await captureClawError(run("Say hi", { spawner, maxTurns: 2 }).text());
    ok(error instanceof CassetteMissError, "the typed error reaches the caller of run()");
    assertEquals(error.kind, "cassette_miss");
    match(
      error.message,
      new RegExp(
        `^No cassette in "${dir}" matches this run \\(key k2:[0-9a-f]+\\): the nearest is "${name}", which differs at argv\\[0\\]: recorded \\(nothing\\), this run "--max-turns=2"$`,
      ),
    );
    assertEquals(real.calls.length, 1, "replay mode never starts the real CLI");
  }));

Deno.test("a miss is thrown by the spawner itself: no process is started", () =>
  withDir(async (dir) => {
    const real = realCli();
    const spawner = cassetteSpawner({ dir, mode: "replay", real: real.spawner });
    await rejects(
      Promise.resolve(spawner({ command: "claude", args: ["-p", "--", "hi"], env: {} })),
      (error: unknown) =>
        error instanceof CassetteMissError &&
        /^No cassette in ".+" matches this run .*: the folder holds no cassettes$/.test(
          error.message,
        ),
    );
    assertEquals(real.calls.length, 0);
  }));

Deno.test("passthrough mode runs the real CLI and never writes", () =>
  withDir(async (dir) => {
    const real = realCli();
    const cassettes = join(dir, "cassettes");
    const spawner = cassetteSpawner({ dir: cassettes, mode: "passthrough", real: real.spawner });
    assertEquals(await run("Say hi", { spawner }).text(), "Hi from the real CLI");
    await run("Say hi", { spawner }).text();
    assertEquals(real.calls.length, 2);
    assertEquals(await files(cassettes), []);
  }));

Deno.test("a misspelled mode is an error that lists the modes", () => {
  assertEquals(CASSETTE_MODES, ["replay", "record", "auto", "passthrough"]);
  throws(
    () => parseCassetteMode("replya"),
    (error: unknown) =>
      error instanceof TypeError &&
      error.message === 'Invalid cassette mode "replya": use replay, record, auto, passthrough',
  );
  throws(
    () => cassetteModeFromEnv({ CLAW_CASSETTE_MODE: "replya" }),
    (error: unknown) =>
      error instanceof TypeError &&
      error.message ===
        'Invalid CLAW_CASSETTE_MODE "replya": use replay, record, auto, passthrough',
  );
});

Deno.test("the mode comes from CLAW_CASSETTE_MODE, else replay under CI and auto elsewhere", () => {
  assertEquals(
    [
      cassetteModeFromEnv({ CLAW_CASSETTE_MODE: "passthrough", CI: "true" }),
      cassetteModeFromEnv({ CI: "true" }),
      cassetteModeFromEnv({ CI: "1" }),
      cassetteModeFromEnv({ CI: "false" }),
      cassetteModeFromEnv({}),
    ],
    ["passthrough", "replay", "replay", "auto", "auto"],
  );
});

Deno.test("a cassette recorded with another CLI version is flagged through onWarning", () =>
  withDir(async (dir) => {
    const old = realCli("2.0.76", "Hi from 2.0.76");
    await run("Say hi", { spawner: cassetteSpawner({ dir, mode: "record", real: old.spawner }) })
      .text();
    const [name] = await files(dir);
    for (const [cliVersion, expected] of [["2.1.332", 1], ["2.0.76", 0]] as const) {
      const warnings: string[] = [];
      const spawner = cassetteSpawner({
        dir,
        mode: "replay",
        cliVersion,
        onWarning: (message) => warnings.push(message),
      });
      assertEquals(await run("Say hi", { spawner }).text(), "Hi from 2.0.76");
      assertEquals(warnings.length, expected);
      if (expected) {
        assertEquals(
          warnings[0],
          `The cassette "${
            join(dir, name!)
          }" was recorded with Claude Code 2.0.76, not 2.1.332: re-record it if the CLI's output changed`,
        );
      }
    }
  }));

Deno.test("stdin lines that mention the machine's paths match across machines", () =>
  withDir(async (dir) => {
    const real = realCli();
    const spawner = cassetteSpawner({ dir, mode: "auto", real: real.spawner });
    const argv = ["-p", "--input-format=stream-json", "--output-format=stream-json", "--verbose"];
    const session = async (cwd: string, home: string) => {
      const child = await spawner({ command: "claude", args: argv, env: { HOME: home }, cwd });
      const writer = child.stdin.getWriter();
      const line = { type: "user", message: { role: "user", content: `Read ${cwd}/a.txt` } };
      await writer.write(new TextEncoder().encode(JSON.stringify(line) + "\n"));
      await writer.close();
      const [stdout, stderr] = await Promise.all([
        new Response(child.stdout).text(),
        new Response(child.stderr).text(),
      ]);
      return { stdout, stderr, status: await child.status };
    };
    const recorded = await session(join(dir, "machine-a"), "/home/a");
    const cassette = await Deno.readTextFile(join(dir, (await files(dir))[0]!));
    ok(cassette.includes("Read $CWD/a.txt") && !cassette.includes("machine-a"));
    const replayed = await session(join(dir, "machine-b"), "/home/b");
    assertEquals(real.calls.length, 1);
    assertEquals(replayed, recorded);
    assertEquals(replayed.status, { code: 0, signal: null });
  }));

Deno.test("readCliVersion through a replay answers the recorded version, as doctor will ask it", async () => {
  const corpus = new URL("../../fixtures/cassettes/2.1.332", import.meta.url).pathname;
  const spawner = cassetteSpawner({ dir: corpus, mode: "replay" });
  assertEquals(await readCliVersion({ cli: "claude", spawner }), "2.1.332");
});

Deno.test("a --version probe in record mode reaches the real CLI and writes no cassette", () =>
  withDir(async (dir) => {
    const seen: string[][] = [];
    // Synthetic: a stand-in for the real CLI that answers --version, counted.
    const real: Spawner = (request) => {
      seen.push(request.args);
      return replayProcess(parseCassette(
        '{"type":"claw_cassette","format":1,"key":"k1:0","argv":[]}\n{"t":0,"stdout_raw":"2.1.332 (Claude Code)"}\n{"t":0,"exit":{"code":0,"signal":null}}\n',
      ));
    };
    const spawner = cassetteSpawner({ dir, mode: "record", real });
    assertEquals(await readCliVersion({ cli: "claude", spawner }), "2.1.332");
    assertEquals([seen, await files(dir)], [[["--version"]], []]);
  }));

Deno.test("each mode says what it needs of an installed claude: replay nothing, auto a CLI for a miss, record and passthrough always", () => {
  const need = (mode: CassetteMode, real?: Spawner) =>
    cliNeedOf(cassetteSpawner({ dir: "/nonexistent", mode, ...(real ? { real } : {}) }));
  assertEquals(
    CASSETTE_MODES.map((mode) => need(mode)),
    ["never", "always", "on-miss", "always"],
  );
  const own: Spawner = () => {
    throw new Error("not started");
  };
  assertEquals(CASSETTE_MODES.map((mode) => need(mode, own)), [
    "never",
    undefined,
    undefined,
    undefined,
  ]);
  assertEquals(cliNeedOf(recordingSpawner(denoSpawner, { save: () => {} })), "always");
  assertEquals(cliNeedOf(recordingSpawner(own, { save: () => {} })), undefined);
});
