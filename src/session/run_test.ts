/**
 * Lifecycle tests of `run()` with real processes that misbehave on purpose: a small shell script
 * stands in for `claude` (through the spawner seam) because the real CLI cannot be made to hang,
 * die mid-line or ignore SIGTERM on demand. The real CLI is exercised in tests/run_e2e_test.ts.
 */
import { deepStrictEqual as assertEquals, match, ok } from "node:assert";
import { denoSpawner } from "../process/deno_spawner.ts";
import type { Spawner } from "../process/spawn.ts";
import { ARGV_PROMPT_LIMIT } from "./launch.ts";
import { run } from "./run.ts";
import {
  INIT_LINE as INIT,
  RESULT_LINE as RESULT,
  shellSpawner as shell,
  timed,
} from "../process/_stand_in.ts";
import type { RunOptions } from "./run_options.ts";
import { captureClawError } from "../errors/_capture.ts";
import type { ClawError } from "../errors/claw_error.ts";

function options(script: string, extra: RunOptions = {}): RunOptions {
  return { cli: "claude-stand-in", spawner: shell(script), ...extra };
}

Deno.test("run passes -p, stream-json and the flags, with the prompt after --", async () => {
  const claude = run(
    "-starts with a dash",
    options(
      `printf '%s\\n' '${INIT}'; echo "{\\"type\\":\\"keep_alive\\",\\"argv\\":\\"$*\\"}"; printf '%s\\n' '${RESULT}'`,
      { maxTurns: 2 },
    ),
  );
  const items = await Array.fromAsync(claude);
  const argv = items.find((i) => i.type === "keep_alive") as unknown as { argv: string };
  assertEquals(
    argv.argv,
    "-p --output-format=stream-json --verbose --max-turns=2 -- -starts with a dash",
  );
  assertEquals(await claude.text(), "done");
});

Deno.test("a prompt over the argv limit goes through stdin, byte for byte", async () => {
  const prompt = "é".repeat(ARGV_PROMPT_LIMIT);
  const claude = run(
    prompt,
    options(
      `n=$(wc -c); printf '%s\\n' '${INIT}'; echo "{\\"type\\":\\"keep_alive\\",\\"bytes\\":$n,\\"argc\\":$#}"; printf '%s\\n' '${RESULT}'`,
    ),
  );
  const items = await Array.fromAsync(claude);
  const seen = items.find((i) => i.type === "keep_alive") as unknown as {
    bytes: number;
    argc: number;
  };
  assertEquals(seen.bytes, new TextEncoder().encode(prompt).length);
  assertEquals(seen.argc, 3, "only -p and the two format flags: no prompt on argv");
});

Deno.test("an empty prompt is a usage error before anything starts", async () => {
  const error = await captureClawError(run("  ", options("exit 99")).result());
  assertEquals(error.kind, "usage");
});

Deno.test("invalid options fail before spawning", async () => {
  let spawned = false;
  const spawner: Spawner = (request) => {
    spawned = true;
    return denoSpawner(request);
  };
  const error = await captureClawError(run("hi", { cli: "x", spawner, maxTurns: 0 }).result());
  assertEquals([error.kind, spawned], ["usage", false]);
});

Deno.test("a CLI that exits without a result fails with no_result and keeps the events and stderr", async () => {
  const claude = run("hi", options(`printf '%s\\n' '${INIT}'; echo 'boom' >&2; exit 3`));
  const seen: string[] = [];
  const error = await captureClawError((async () => {
    for await (const item of claude) seen.push(item.type);
  })());
  assertEquals(seen, ["system"]);
  assertEquals([error.kind, error.exitCode, error.stderrTail, error.sessionId], [
    "no_result",
    3,
    "boom",
    "s-1",
  ]);
});

Deno.test("a CLI that refuses its command line fails with kind cli_usage and its stderr line", async () => {
  const error = await captureClawError(
    run("hi", options(`echo "error: unknown option '--nope'" >&2; exit 1`)).result(),
  );
  assertEquals(error.kind, "cli_usage");
  match(error.message, /^Claude Code refused the command line: error: unknown option '--nope'$/);
});

Deno.test("a CLI killed mid-line fails with cli_crashed and reports the truncated line", async () => {
  const claude = run("hi", options(`printf '%s\\n{"type":"assis' '${INIT}'; kill -9 $$`));
  const items: string[] = [];
  const error = await captureClawError((async () => {
    for await (const item of claude) items.push(item.type === "diagnostic" ? item.kind : item.type);
  })());
  assertEquals(items, ["system", "truncated_line"]);
  assertEquals([error.kind, error.signal], ["cli_crashed", "SIGKILL"]);
});

Deno.test("the idle watchdog stops a CLI that goes silent and fails with kind hang", async () => {
  const error = await captureClawError(
    run("hi", options(`printf '%s\\n' '${INIT}'; exec sleep 30`, { idleTimeoutMs: 300 })).result(),
  );
  assertEquals([error.kind, error.sessionId], ["hang", "s-1"]);
});

Deno.test("the timeout stops a long run with kind timeout", async () => {
  const error = await captureClawError(
    run("hi", options("exec sleep 30", { timeoutMs: 200 })).result(),
  );
  assertEquals(error.kind, "timeout");
});

Deno.test("a CLI that ignores SIGTERM is killed after the grace period", async () => {
  const started = Date.now();
  const error = await captureClawError(
    run(
      "hi",
      options(`trap '' TERM; printf '%s\\n' '${INIT}'; while :; do sleep 0.1; done`, {
        timeoutMs: 200,
      }),
    )
      .result(),
  );
  assertEquals(error.kind, "timeout");
  ok(Date.now() - started < 10_000);
});

Deno.test("a CLI that does not exit after its result is shut down, and the run succeeds", async () => {
  const warnings: string[] = [];
  const claude = run(
    "hi",
    options(`printf '%s\\n%s\\n' '${INIT}' '${RESULT}'; exec sleep 30`, {
      exitTimeoutMs: 100,
      onWarning: (message) => warnings.push(message),
    }),
  );
  assertEquals(await claude.text(), "done");
  match(warnings.join(), /did not exit after its result/);
});

Deno.test("breaking out of the iteration stops the process", async () => {
  await using claude = run("hi", options(`printf '%s\\n' '${INIT}'; exec sleep 30`));
  for await (const item of claude) {
    assertEquals(item.type, "system");
    break;
  }
});

Deno.test("an already aborted signal fails with kind aborted without starting", async () => {
  const error = await captureClawError(
    run("hi", options("exit 99", { signal: AbortSignal.abort() })).result(),
  );
  assertEquals(error.kind, "aborted");
});

Deno.test("a version outside the tested range is reported as a warning", async () => {
  const warnings: string[] = [];
  const old = INIT.replace("2.1.332", "1.0.0");
  await run(
    "hi",
    options(`printf '%s\\n%s\\n' '${old}' '${RESULT}'`, { onWarning: (m) => warnings.push(m) }),
  ).result();
  match(warnings.join(), /Claude Code 1\.0\.0 is older than the oldest supported version/);
});

Deno.test("a CLI too old to understand the flags fails with kind cli_version", async () => {
  const dir = await Deno.makeTempDir({ prefix: "claw-old-cli-" });
  try {
    const cli = `${dir}/claude`;
    await Deno.writeTextFile(
      cli,
      `#!/bin/sh\nif [ "$1" = --version ]; then echo "1.0.3 (Claude Code)"; exit 0; fi\necho "error: unknown option '--verbose'" >&2\nexit 1\n`,
    );
    await Deno.chmod(cli, 0o755);
    const error = await captureClawError(run("hi", { cli }).result());
    assertEquals(error.kind, "cli_version");
    match(error.message, /Claude Code 1\.0\.3 is older than 2\.0\.76.*unknown option '--verbose'/);
    // The error it explains keeps what it knew: exit code, stderr, and itself as the cause.
    assertEquals(error.exitCode, 1);
    match(error.stderrTail ?? "", /unknown option '--verbose'/);
    assertEquals((error.cause as ClawError).kind, "cli_usage");
    match(error.hint, /supported Claude Code version/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a run's timeoutMs bounds its version probe: a CLI whose --version hangs does not hold the run for the probe's own 10 s", async () => {
  // The CLI fails before system/init, so claw asks its version, and `--version` never answers.
  const cli = `case "$1" in --version) exec sleep 30 ;; *) exit 1 ;; esac`;
  const [error, ms] = await timed(
    captureClawError(run("hi", options(cli, { timeoutMs: 1500 })).result()),
  );
  assertEquals(error.kind, "no_result");
  ok(ms < 5000, `settled after ${Math.round(ms)} ms`);
});
