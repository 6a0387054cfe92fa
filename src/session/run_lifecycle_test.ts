/**
 * No hang, no orphan, whatever the child does: `run()` over stand-in executables (shell scripts,
 * through the spawner seam) that wrap without `exec`, leave children holding the pipes, die
 * mid-run, stay silent, or hang when asked their version. The real CLI cannot misbehave on demand;
 * scripts/soak_lifecycle.ts repeats the abort mix against it. Every test tags its processes and
 * asserts none is left.
 */
import { deepStrictEqual as assertEquals, match, ok } from "node:assert";
import { captureClawError } from "../errors/_capture.ts";
import { PIPE_LINGER_MS } from "../process/deno_spawner.ts";
import { ProcessMarker } from "../process/_process_marker.ts";
import { run } from "./run.ts";
import { PRINT_INIT, PRINT_RESULT, shellSpawner as shell, timed } from "../process/_stand_in.ts";
import type { RunOptions } from "./run_options.ts";

/** A stand-in run tagged with `marker`; `extra` adds run options. */
function standIn(script: string, marker: ProcessMarker, extra: RunOptions = {}): RunOptions {
  return { cli: "claude-stand-in", spawner: shell(script), env: marker.env, ...extra };
}

/** Settles `work` (fulfilled or rejected) and says how long it took. */
async function settleTime(work: Promise<unknown>): Promise<number> {
  const [, ms] = await timed(work.catch(() => {}));
  return ms;
}

const SETTLED = 3000; // every give-up below settles well inside this

// 1. A descendant keeps stderr open: signal, timeout, idle timeout and dispose all still settle.

const HOLDS_STDERR = `sleep 60 >/dev/null & ${PRINT_INIT}; sleep 30; true`;

Deno.test("a wrapper whose child holds stderr: the timeout settles the run and leaves nothing", async () => {
  const marker = new ProcessMarker();
  const [error, ms] = await timed(
    captureClawError(run("hi", standIn(HOLDS_STDERR, marker, { timeoutMs: 300 })).result()),
  );
  assertEquals(error.kind, "timeout");
  ok(ms < SETTLED, `settled after ${ms} ms`);
  await marker.assertNoneLeft();
});

Deno.test("a wrapper whose child holds stderr: the caller's abort settles the run and leaves nothing", async () => {
  const marker = new ProcessMarker();
  const signal = AbortSignal.timeout(300);
  const [error, ms] = await timed(
    captureClawError(run("hi", standIn(HOLDS_STDERR, marker, { signal })).result()),
  );
  assertEquals(error.kind, "aborted");
  ok(ms < SETTLED, `settled after ${ms} ms`);
  await marker.assertNoneLeft();
});

Deno.test("a wrapper whose child holds stderr: the idle timeout settles the run and leaves nothing", async () => {
  const marker = new ProcessMarker();
  const error = await captureClawError(
    run("hi", standIn(HOLDS_STDERR, marker, { idleTimeoutMs: 300 })).result(),
  );
  assertEquals([error.kind, error.sessionId], ["hang", "s-1"]);
  await marker.assertNoneLeft();
});

Deno.test("a wrapper whose child holds stderr: await using disposes at once and leaves nothing", async () => {
  const marker = new ProcessMarker();
  const ms = await settleTime((async () => {
    await using claude = run("hi", standIn(HOLDS_STDERR, marker));
    for await (const item of claude) {
      assertEquals(item.type, "system");
      break;
    }
  })());
  ok(ms < SETTLED, `disposed after ${ms} ms`);
  await marker.assertNoneLeft();
});

Deno.test("a CLI killed mid-run while its child holds the pipes fails cli_crashed and leaves nothing", async () => {
  const marker = new ProcessMarker();
  const script = `sleep 60 & ${PRINT_INIT}; kill -9 $$`;
  const [error, ms] = await timed(captureClawError(run("hi", standIn(script, marker)).result()));
  assertEquals([error.kind, error.signal], ["cli_crashed", "SIGKILL"]);
  ok(ms < SETTLED, `settled after ${ms} ms`);
  await marker.assertNoneLeft();
});

// 2. The CLI exits, a descendant holds stdout: the run settles and says what happened.

Deno.test("a CLI that exits after its result while a child holds stdout succeeds at once, with a warning", async () => {
  const marker = new ProcessMarker();
  const warnings: string[] = [];
  const options = standIn(`sleep 60 & ${PRINT_INIT}; ${PRINT_RESULT}`, marker, {
    onWarning: (message) => warnings.push(message),
  });
  const [text, ms] = await timed(run("hi", options).text());
  assertEquals(text, "done");
  ok(ms < SETTLED, `settled after ${ms} ms`);
  match(warnings.join("\n"), /exited, but a process it started kept its stdout and stderr open/);
  ok(
    !/did not exit/.test(warnings.join("\n")),
    "the exit watchdog does not blame a CLI that exited",
  );
  await marker.assertNoneLeft();
});

Deno.test("a CLI that exits at once with no output while a child holds stdout is no_result, not timeout", async () => {
  const marker = new ProcessMarker();
  const [error, ms] = await timed(
    captureClawError(run("hi", standIn("sleep 60 & exit 0", marker, { timeoutMs: 5000 })).result()),
  );
  assertEquals([error.kind, error.exitCode], ["no_result", 0]);
  ok(ms < 2 * PIPE_LINGER_MS + 1000, `settled after ${ms} ms`);
  await marker.assertNoneLeft();
});

Deno.test("a descendant that left the process group holds the pipes: the run still settles", async () => {
  const marker = new ProcessMarker();
  try {
    const [text, ms] = await timed(
      run("hi", standIn(`setsid sleep 60 & ${PRINT_INIT}; ${PRINT_RESULT}`, marker)).text(),
    );
    assertEquals(text, "done");
    ok(ms < SETTLED, `settled after ${ms} ms`);
    assertEquals(marker.pids().length, 1, "only the setsid sleep, which claw cannot reach");
  } finally {
    marker.killAll();
  }
});

// 3. Dispose and return() act at once, even with a next() pending.

Deno.test("asyncDispose while the consumer waits in next() on a silent CLI settles both at once", async () => {
  const marker = new ProcessMarker();
  const claude = run("hi", standIn("exec sleep 30", marker));
  const iterator = claude[Symbol.asyncIterator]();
  const pending = iterator.next();
  await new Promise((resolve) => setTimeout(resolve, 200));
  const ms = await settleTime(claude[Symbol.asyncDispose]());
  ok(ms < 1500, `disposed after ${ms} ms`);
  assertEquals(await pending, { value: undefined, done: true });
  await marker.assertNoneLeft();
});

Deno.test("return() while a next() is pending acts at once", async () => {
  const marker = new ProcessMarker();
  const claude = run("hi", standIn(`${PRINT_INIT}; exec sleep 30`, marker));
  const iterator = claude[Symbol.asyncIterator]();
  assertEquals((await iterator.next()).value?.type, "system");
  const pending = iterator.next();
  const ms = await settleTime(iterator.return!());
  ok(ms < 1500, `returned after ${ms} ms`);
  assertEquals((await pending).done, true);
  await marker.assertNoneLeft();
});

// 4. A CLI that needs SIGKILL, behind a wrapper: the whole group goes.

Deno.test("a wrapper and a CLI that both ignore SIGTERM are killed together after the grace", async () => {
  const marker = new ProcessMarker();
  const script = `trap '' TERM; sh -c "trap '' TERM; ${
    PRINT_INIT.replaceAll('"', '\\"')
  }; while :; do sleep 0.1; done"; true`;
  const [error, ms] = await timed(
    captureClawError(run("hi", standIn(script, marker, { timeoutMs: 300 })).result()),
  );
  assertEquals(error.kind, "timeout");
  ok(ms < 3000 + SETTLED, `settled after ${ms} ms`);
  await marker.assertNoneLeft();
});

// 5. A line over the limit is a diagnostic; the run goes on.

Deno.test("a 600 MB line is a line_too_long diagnostic under the default limit, and the run succeeds", async () => {
  const marker = new ProcessMarker();
  const bytes = 600 * 1024 * 1024; // over V8's longest string: once a plain TypeError
  const script = `${PRINT_INIT}; head -c ${bytes} /dev/zero | tr '\\0' a; echo; ${PRINT_RESULT}`;
  const claude = run("hi", standIn(script, marker));
  const items = await Array.fromAsync(claude);
  assertEquals(items.map((item) => item.type === "diagnostic" ? item.byteLength : item.type), [
    "system",
    bytes,
    "result",
  ]);
  assertEquals(await claude.text(), "done");
  await marker.assertNoneLeft();
});

Deno.test("maxLineBytes sets the limit", async () => {
  const marker = new ProcessMarker();
  const script = `${PRINT_INIT}; head -c 5000 /dev/zero | tr '\\0' a; echo; ${PRINT_RESULT}`;
  const items = await Array.fromAsync(run("hi", standIn(script, marker, { maxLineBytes: 4096 })));
  const tooLong = items.find((item) => item.type === "diagnostic");
  assertEquals(tooLong?.type === "diagnostic" && [tooLong.kind, tooLong.byteLength], [
    "line_too_long",
    5000,
  ]);
});

// 8. The idle watchdog starts at the first line; start-up has its own bound.

Deno.test("a slow start-up does not count against the idle timeout", async () => {
  const marker = new ProcessMarker();
  const script = `sleep 1; ${PRINT_INIT}; sleep 0.2; ${PRINT_RESULT}`;
  assertEquals(await run("hi", standIn(script, marker, { idleTimeoutMs: 500 })).text(), "done");
});

Deno.test("a CLI that prints nothing after starting fails hang at the start-up bound", async () => {
  const marker = new ProcessMarker();
  const error = await captureClawError(
    run("hi", standIn("exec sleep 30", marker, { startupTimeoutMs: 300 })).result(),
  );
  assertEquals(error.kind, "hang");
  match(error.message, /printed nothing in the 300 ms after it started/);
  await marker.assertNoneLeft();
});

Deno.test("Infinity turns a limit off rather than firing at once", async () => {
  const marker = new ProcessMarker();
  const options = standIn(`sleep 0.3; ${PRINT_INIT}; ${PRINT_RESULT}`, marker, {
    timeoutMs: Infinity,
    startupTimeoutMs: Infinity,
    idleTimeoutMs: Infinity,
    exitTimeoutMs: Infinity,
  });
  assertEquals(await run("hi", options).text(), "done");
});

// 9. The version probe after an early failure is bounded, has the run's environment, dies with it.

const FAILS_THEN_HANGS_ON_VERSION = `if [ "$1" = --version ]; then
  env > "$PROBE_ENV_FILE"; exec sleep 30
fi
echo "error: unknown option '--verbose'" >&2; exit 1`;

Deno.test("a version probe that hangs dies with the run's abort, and saw the run's environment", async () => {
  const marker = new ProcessMarker();
  const envFile = await Deno.makeTempFile();
  try {
    const controller = new AbortController();
    const options = standIn(FAILS_THEN_HANGS_ON_VERSION, marker, {
      env: { ...marker.env, PROBE_ENV_FILE: envFile, ONLY_IN_THIS_RUN: "yes" },
      signal: controller.signal,
    });
    const running = captureClawError(run("hi", options).result());
    while ((await Deno.readTextFile(envFile)) === "") {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    controller.abort();
    const [error, ms] = await timed(running);
    assertEquals(error.kind, "cli_usage", "unexplained, the original failure stands");
    ok(ms < SETTLED, `settled ${ms} ms after the abort`);
    match(await Deno.readTextFile(envFile), /^ONLY_IN_THIS_RUN=yes$/m);
    await marker.assertNoneLeft();
  } finally {
    await Deno.remove(envFile);
  }
});
