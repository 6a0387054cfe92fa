/**
 * What `run()` reports for each injected fault, on recorded runs of the newest and the oldest
 * pinned CLI: a fault must be told apart as the failure it imitates, never pass as a success.
 */
import { deepStrictEqual as assertEquals, ok } from "node:assert";
import { captureClawError } from "../errors/_capture.ts";
import type { ErrorKind } from "../errors/kinds.ts";
import { run } from "../session/run.ts";
import type { RunOptions } from "../session/run_options.ts";
import { readCassetteFile } from "./cassette.ts";
import { API_ERROR_KINDS, type Fault, parseFaults, withFaults } from "./faults.ts";
import { replayProcess } from "./replay.ts";

const VERSIONS = ["2.1.337", "2.0.76"] as const;

const CASSETTES = new Map(
  await Promise.all(VERSIONS.map(async (version) =>
    [
      version,
      await readCassetteFile(
        new URL(`../../fixtures/cassettes/${version}/text_simple.ndjson`, import.meta.url),
      ),
    ] as const
  )),
);

/** `run()` of `version`'s text_simple (init, assistant, result), replayed with `faults`. */
function faultedRun(version: string, faults: readonly Fault[], options: RunOptions = {}) {
  const cassette = CASSETTES.get(version as typeof VERSIONS[number])!;
  const cliVersion = cassette.header.cli_version;
  return run("Say hello", {
    ...options,
    spawner: () => withFaults(replayProcess(cassette), faults, { cliVersion }),
  });
}

for (const version of VERSIONS) {
  Deno.test(`run() on ${version}: crash-after:N is cli_crashed, killed by SIGKILL`, async () => {
    const error = await captureClawError(faultedRun(version, parseFaults("crash-after:2")).text());
    assertEquals([error.kind, error.exitCode, error.signal], ["cli_crashed", 137, "SIGKILL"]);
    ok(error.sessionId, "the session id of the lines before the crash");
  });

  Deno.test(`run() on ${version}: exit-after:N:CODE is no_result, with the code`, async () => {
    for (const [spec, code] of [["exit-after:2:3", 3], ["exit-after:1:0", 0]] as const) {
      const error = await captureClawError(faultedRun(version, parseFaults(spec)).text());
      assertEquals([error.kind, error.exitCode], ["no_result", code]);
      ok(
        error.message.startsWith(`Claude Code exited with code ${code} without printing a result`),
      );
    }
  });

  Deno.test(`run() on ${version}: api-error:KIND is reported as that kind`, async () => {
    for (const kind of API_ERROR_KINDS) {
      const answer = faultedRun(version, [{ kind: "api-error", error: kind }]);
      const error = await captureClawError(answer.text());
      assertEquals(error.kind, kind satisfies ErrorKind);
      assertEquals(error.exitCode, 1);
      ok(error.sessionId && error.sessionId === answer.sessionId, "the replayed run's session");
    }
  });

  Deno.test(`run() on ${version}: the idle watchdog catches stall-after:N (N >= 1) as hang, the start-up box stall-after:0`, async () => {
    for (const spec of ["stall-after:1", "stall-after:2"]) {
      const answer = faultedRun(version, parseFaults(spec), { idleTimeoutMs: 50 });
      const error = await captureClawError(answer.text());
      assertEquals(error.kind, "hang");
      ok(/printed nothing for 50 ms before its result/.test(error.message), error.message);
    }
    // Before the first line, a stall is the start-up time box's to catch.
    const silent = faultedRun(version, parseFaults("stall-after:0"), { startupTimeoutMs: 50 });
    const error = await captureClawError(silent.text());
    assertEquals(error.kind, "hang");
    ok(/printed nothing in the 50 ms after it started/.test(error.message), error.message);
  });

  Deno.test(`run() on ${version}: latency and stderr leave the answer; the text is in the stderr tail`, async () => {
    const answer = faultedRun(version, parseFaults("latency:1,stderr:a warning, with a comma"));
    assertEquals(await answer.text(), "Hello from the fake API.");
    assertEquals(answer.stderrTail?.trim(), "a warning, with a comma");
  });
}
