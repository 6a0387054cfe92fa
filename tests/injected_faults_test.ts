/**
 * Injected faults end to end: through the drop-in fake `claude` (`claw replay --fault`, a launcher
 * from `claw replay --write-bin`, `CLAW_CASSETTE_FAULTS`), with the kind `run()` reports, and
 * through `runBatch`, which retries an injected `overloaded` and not an injected `auth`. Every
 * process started is tagged, and none may be left behind.
 */
import { deepStrictEqual as assertEquals, ok } from "node:assert";
import { join } from "node:path";
import { runBatch } from "../src/batch/run_batch.ts";
import { cassetteSpawner } from "../src/cassette/cassette_spawner.ts";
import { API_ERROR_KINDS, type Fault, type FaultRun } from "../src/cassette/faults.ts";
import { captureClawError } from "../src/errors/_capture.ts";
import { ProcessMarker } from "../src/process/_process_marker.ts";
import { run } from "../src/session/run.ts";
import { cachedDenoDir } from "./_claw.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;
const CASSETTES = new URL("../fixtures/cassettes/2.1.332", import.meta.url).pathname;
const SAY_HELLO = ["-p", "--output-format", "stream-json", "--verbose", "Say hello"];

/** Runs `claw ARGS…` tagged with `marker`; returns its code, signal and output. */
async function claw(args: string[], marker: ProcessMarker, env: Record<string, string> = {}) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", MAIN, ...args],
    env: { NO_COLOR: "1", DENO_DIR: await cachedDenoDir(), ...marker.env, ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return {
    code: out.code,
    signal: out.signal,
    stdout: decoder.decode(out.stdout),
    stderr: decoder.decode(out.stderr),
  };
}

/** Runs `fn` with a process marker and a temporary folder; checks that no process is left. */
async function tagged(fn: (marker: ProcessMarker, dir: string) => Promise<void>): Promise<void> {
  const marker = new ProcessMarker();
  const dir = await Deno.makeTempDir({ prefix: "claw-faults-" });
  try {
    await fn(marker, dir);
    await marker.assertNoneLeft();
  } finally {
    marker.killAll();
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("claw replay --fault crash-after:2 prints two lines and dies by SIGKILL", () =>
  tagged(async (marker) => {
    const out = await claw(
      ["replay", "--cassettes", CASSETTES, "--fault", "crash-after:2", "--", ...SAY_HELLO],
      marker,
    );
    assertEquals([out.code, out.signal], [137, "SIGKILL"]);
    const lines = out.stdout.split("\n").filter((line) => line !== "");
    assertEquals(lines.map((line) => JSON.parse(line).type), ["system", "assistant"]);
  }));

Deno.test("claw replay refuses a bad --fault before anything runs, exit 2", () =>
  tagged(async (marker, dir) => {
    const bin = join(dir, "claude");
    const out = await claw(
      [
        "replay",
        "--cassettes",
        CASSETTES,
        "--fault",
        "latency:1",
        "--fault",
        "exit-after:2",
        "--write-bin",
        bin,
      ],
      marker,
    );
    assertEquals(out.code, 2);
    ok(
      out.stderr.startsWith(
        'Invalid fault "exit-after:2" in --fault: expected exit-after:N:CODE: use crash-after:N, ',
      ),
      out.stderr,
    );
    ok(!await Deno.stat(bin).then(() => true, () => false), "no launcher written");
  }));

Deno.test("run() through a written launcher reports each injected fault's kind; CLAW_CASSETTE_FAULTS overrides --fault", () =>
  tagged(async (marker, dir) => {
    const bin = join(dir, "claude");
    const written = await claw(
      ["replay", "--cassettes", CASSETTES, "--fault", "api-error:auth", "--write-bin", bin],
      marker,
    );
    assertEquals(written.code, 0, written.stderr);
    const failure = (faults?: string, options: { idleTimeoutMs?: number } = {}) =>
      captureClawError(
        run("Say hello", {
          cli: bin,
          env: { ...marker.env, ...(faults === undefined ? {} : { CLAW_CASSETTE_FAULTS: faults }) },
          ...options,
        }).text(),
      );
    assertEquals((await failure()).kind, "auth");
    for (const kind of API_ERROR_KINDS) {
      assertEquals((await failure(`api-error:${kind}`)).kind, kind);
    }
    const exited = await failure("exit-after:2:3");
    assertEquals([exited.kind, exited.exitCode], ["no_result", 3]);
    const crashed = await failure("crash-after:2");
    assertEquals([crashed.kind, crashed.signal], ["cli_crashed", "SIGKILL"]);
    // A stalled fake claude stays alive and silent until the idle watchdog stops it.
    assertEquals((await failure("stall-after:1", { idleTimeoutMs: 500 })).kind, "hang");
    // Slow and noisy, but a success: the stderr text reaches the run's events.
    const slow = run("Say hello", {
      cli: bin,
      env: { ...marker.env, CLAW_CASSETTE_FAULTS: "latency:20,stderr:claw test warns" },
    });
    assertEquals(await slow.text(), "Hello from the fake API.");
    ok(slow.stderrTail?.includes("claw test warns"), slow.stderrTail);
  }));

Deno.test("a bad CLAW_CASSETTE_FAULTS makes the fake claude say so, naming the variable", () =>
  tagged(async (marker) => {
    const out = await claw(["fake-claude", ...SAY_HELLO], marker, {
      CLAW_CASSETTES: CASSETTES,
      CLAW_CASSETTE_MODE: "replay",
      CLAW_CASSETTE_FAULTS: "api-error:teapot",
    });
    assertEquals(out.code, 1);
    ok(
      out.stderr.startsWith(
        'claw fake-claude: Invalid fault "api-error:teapot" in CLAW_CASSETTE_FAULTS: unknown API error kind "teapot"',
      ),
      out.stderr,
    );
  }));

/** One job, "Say hello", replayed from the corpus with `fault` injected into its first run only. */
async function batchWithFirstRun(fault: Fault) {
  const runs: FaultRun[] = [];
  const spawner = cassetteSpawner({
    dir: CASSETTES,
    mode: "replay",
    faults: (run) => {
      runs.push(run);
      return run.index === 0 ? [fault] : [];
    },
  });
  const jobs = [{ id: "hello", prompt: "Say hello", options: {}, line: 1 }];
  const results = await Array.fromAsync(
    runBatch(jobs, { spawnerFor: () => spawner, retryDelayMs: 1 }),
  );
  return { result: results[0]!, runs };
}

Deno.test("claw batch retries an injected overloaded, and the retry succeeds", async () => {
  const { result, runs } = await batchWithFirstRun({ kind: "api-error", error: "overloaded" });
  assertEquals([result.status, result.attempts, result.result], [
    "ok",
    2,
    "Hello from the fake API.",
  ]);
  assertEquals(runs.map((run) => run.index), [0, 1]);
  ok(runs[0]!.argv.includes("Say hello"), "the run's argv");
});

Deno.test("claw batch does not retry an injected auth failure", async () => {
  const { result, runs } = await batchWithFirstRun({ kind: "api-error", error: "auth" });
  assertEquals([result.status, result.attempts, result.error_kind], ["failed", 1, "auth"]);
  assertEquals(runs.length, 1);
});
