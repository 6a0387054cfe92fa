/**
 * A session stays bounded whatever its CLI does: interrupts the CLI acknowledges but never acts
 * on, control requests claw does not know, an `initialize` that is never answered, children that
 * hold the pipes, a CLI that ignores stdin EOF, aborts, withdrawn permission prompts, queued turns
 * and a process that dies mid-turn. The real CLI cannot misbehave on demand, so each test runs a
 * stand-in CLI (a `sh` script speaking the stream-json and control protocol) through the spawner
 * seam: that is why a mock is used here. Every test tags its processes and asserts none is left.
 */
import { deepStrictEqual as assertEquals, match, ok, throws } from "node:assert";
import { ClawError } from "../errors/claw_error.ts";
import { captureClawError } from "../errors/_capture.ts";
import { ProcessMarker } from "../process/_process_marker.ts";
import {
  PRINT_INIT,
  PRINT_RESULT,
  RESULT_LINE as RESULT,
  shellSpawner as shell,
  timed,
} from "../process/_stand_in.ts";
import type { Spawner } from "../process/spawn.ts";
import type { ToolPermission } from "./permissions.ts";
import { startSession } from "./session.ts";
import type { SessionOptions } from "./session_options.ts";
import type { ClaudeTurn } from "./turn.ts";

/** Sets `id` to the request id of the line just read. */
const READ_ID = String.raw`id=$(printf '%s' "$line" | sed 's/.*"request_id":"\([^"]*\)".*/\1/')`;
/** Answers the control request just read with a success. */
const ANSWER =
  `${READ_ID}; printf '%s\\n' "{\\"type\\":\\"control_response\\",\\"response\\":{\\"subtype\\":\\"success\\",\\"request_id\\":\\"$id\\",\\"response\\":{}}}"`;
/** The result a CLI prints when a turn was interrupted (2.1.x). */
const INTERRUPTED_RESULT =
  '{"type":"result","subtype":"error_during_execution","is_error":true,"terminal_reason":"aborted_streaming","num_turns":1,"session_id":"s-1","total_cost_usd":0,"usage":{},"modelUsage":{},"permission_denials":[]}';
/** Sets `resumed` when the CLI was started with `--resume`. */
const NOTE_RESUME = `resumed=; case " $* " in *" --resume="*) resumed=yes ;; esac`;

/** What a stand-in does with each kind of line it reads on stdin, and after stdin ends. */
interface StandInCli {
  /** Before reading stdin. */
  before?: string;
  /** On `initialize`; default: answer it. */
  initialize?: string;
  /** On `interrupt`. */
  interrupt?: string;
  /** On a user message. */
  user?: string;
  /** After stdin's EOF; default: exit. */
  after?: string;
}

/** A `sh` script that reads stream-json lines on stdin and acts as `cli` says. */
function script(cli: StandInCli): string {
  return `${cli.before ?? ""}
while IFS= read -r line; do
  case "$line" in
    *'"subtype":"initialize"'*) ${cli.initialize ?? ANSWER} ;;
    *'"subtype":"interrupt"'*) ${cli.interrupt ?? ":"} ;;
    *'"type":"user"'*) ${cli.user ?? ":"} ;;
  esac
done
${cli.after ?? ""}`;
}

/** Session options that run `cli` in place of claude, its processes tagged with `marker`. */
function standIn(
  cli: StandInCli,
  marker: ProcessMarker,
  extra: SessionOptions = {},
): SessionOptions {
  return {
    cli: "claude-stand-in",
    spawner: shell(script(cli)),
    ...extra,
    env: { ...marker.env, ...extra.env },
  };
}

/** A spawner that records the argv of every process it starts. */
function recording(spawner: Spawner): { spawner: Spawner; argvs: string[][] } {
  const argvs: string[][] = [];
  return {
    argvs,
    spawner: (request) => {
      argvs.push([...request.args]);
      return spawner(request);
    },
  };
}

/** Waits until the CLI has printed the turn's first event. */
async function started(turn: ClaudeTurn): Promise<void> {
  for await (const _item of turn) return;
}

const SETTLED = 3000; // every give-up below settles well inside this
const SHUTDOWN_TERM_MS = 3000; // shutdown()'s SIGTERM-to-SIGKILL grace

// 1. interrupt() is time-boxed: a CLI that acknowledges but never stops is shut down.

Deno.test("an interrupt the CLI answers but never acts on kills the process within the time box, and the next turn resumes on a fresh one", async () => {
  const marker = new ProcessMarker();
  const cli = script({
    before: NOTE_RESUME,
    interrupt: ANSWER,
    user: `${PRINT_INIT}; if [ -n "$resumed" ]; then ${PRINT_RESULT}; fi`,
  });
  const { spawner, argvs } = recording(shell(cli));
  await using session = await startSession(
    standIn({}, marker, { spawner, controlTimeoutMs: 500 }),
  );
  const first = session.send("Write a long essay");
  await started(first);
  const [outcome, ms] = await timed(session.interrupt());
  assertEquals(outcome, "killed");
  ok(ms < SETTLED, `interrupt() settled after ${ms} ms`);
  const error = await captureClawError(first.result());
  assertEquals(error.kind, "aborted");
  match(error.message, /did not stop within/);
  assertEquals(await session.send("Say hello").text(), "done");
  assertEquals(argvs.length, 2);
  ok(!argvs[0]!.some((arg) => arg.startsWith("--resume")), argvs[0]!.join(" "));
  ok(argvs[1]!.includes("--resume=s-1"), argvs[1]!.join(" "));
  assertEquals(session.sessionId, "s-1");
  await session.close();
  await marker.assertNoneLeft();
});

// 2. A control request claw does not know is refused at once, not left to time out.

Deno.test("an unknown control request from the CLI gets an error response naming its subtype at once", async () => {
  const marker = new ProcessMarker();
  const resultWithReply = RESULT.replace('"result":"done"', '"result":"%s"');
  const user = String.raw`${PRINT_INIT}
      printf '%s\n' '{"type":"control_request","request_id":"x1","request":{"subtype":"brand_new_thing"}}'
      IFS= read -r reply
      escaped=$(printf '%s' "$reply" | sed 's/\\/\\\\/g; s/"/\\"/g')
      printf '${resultWithReply}\n' "$escaped"`;
  await using session = await startSession(standIn({ user }, marker, { controlTimeoutMs: 5000 }));
  const [text, ms] = await timed(session.send("Do something new").text());
  assertEquals(JSON.parse(text), {
    type: "control_response",
    response: {
      subtype: "error",
      request_id: "x1",
      error: 'claw does not handle the control request subtype "brand_new_thing"',
    },
  });
  ok(ms < 1500, `answered after ${ms} ms, with a 5000 ms time box`);
  await session.close();
  await marker.assertNoneLeft();
});

// 3. Start-up is time-boxed by the answer to initialize.

Deno.test("a CLI that never answers initialize fails startSession with kind timeout naming initialize, and leaves nothing", async () => {
  const marker = new ProcessMarker();
  const cli = { before: "sleep 60 &", initialize: ":" };
  const [error, ms] = await timed(
    captureClawError(startSession(standIn(cli, marker, { startupTimeoutMs: 500 }))),
  );
  assertEquals(error.kind, "timeout");
  match(error.message, /initialize/);
  match(error.message, /500 ms/);
  ok(ms < SETTLED, `startSession settled after ${ms} ms`);
  await marker.assertNoneLeft();
});

// 4. Closing reaps the process and what it started; a CLI that ignores EOF is shut down.

const STARTS_A_CHILD: StandInCli = { before: "sleep 60 &", user: `${PRINT_INIT}; ${PRINT_RESULT}` };

Deno.test("close() reaps a CLI and the child it started within exitTimeoutMs and the shutdown grace", async () => {
  const marker = new ProcessMarker();
  const session = await startSession(standIn(STARTS_A_CHILD, marker, { exitTimeoutMs: 300 }));
  assertEquals(await session.send("Hi").text(), "done");
  ok(marker.pids().length >= 2, "the CLI and its child run");
  const [, ms] = await timed(session.close());
  ok(ms < 300 + SHUTDOWN_TERM_MS, `close() settled after ${ms} ms`);
  assertEquals(session.closed, true);
  await marker.assertNoneLeft();
});

Deno.test("await using reaps a CLI and the child it started within exitTimeoutMs and the shutdown grace", async () => {
  const marker = new ProcessMarker();
  let disposing = 0;
  await (async () => {
    await using session = await startSession(
      standIn(STARTS_A_CHILD, marker, { exitTimeoutMs: 300 }),
    );
    assertEquals(await session.send("Hi").text(), "done");
    ok(marker.pids().length >= 2, "the CLI and its child run");
    disposing = performance.now();
  })();
  const ms = performance.now() - disposing;
  ok(ms < 300 + SHUTDOWN_TERM_MS, `disposed after ${ms} ms`);
  await marker.assertNoneLeft();
});

Deno.test("a CLI that ignores stdin EOF is shut down exitTimeoutMs after close(), and its turn in flight ends aborted", async () => {
  const marker = new ProcessMarker();
  const cli = { user: PRINT_INIT, after: "exec sleep 30" };
  const session = await startSession(standIn(cli, marker, { exitTimeoutMs: 300 }));
  const turn = session.send("Write a long essay");
  await started(turn);
  const [, ms] = await timed(session.close());
  ok(ms >= 250, `close() gave the CLI its exitTimeoutMs, settling after ${ms} ms`);
  ok(ms < 300 + SHUTDOWN_TERM_MS, `close() settled after ${ms} ms`);
  const error = await captureClawError(turn.result());
  assertEquals(error.kind, "aborted");
  match(error.message, /did not finish the turn within 300 ms/);
  await marker.assertNoneLeft();
});

// 5. The session's signal ends everything.

Deno.test("aborting the session's signal ends the turn in flight aborted, reaps the process and closes the session", async () => {
  const marker = new ProcessMarker();
  const controller = new AbortController();
  const session = await startSession(
    standIn({ user: PRINT_INIT }, marker, { signal: controller.signal }),
  );
  const turn = session.send("Write a long essay");
  await started(turn);
  controller.abort();
  const [error, ms] = await timed(captureClawError(turn.result()));
  assertEquals(error.kind, "aborted");
  ok(ms < SETTLED, `the turn settled ${ms} ms after the abort`);
  assertEquals(session.closed, true);
  throws(() => session.send("Anything else?"), (error: unknown) => {
    ok(error instanceof ClawError, String(error));
    assertEquals(error.kind, "usage");
    match(error.message, /The session is closed/);
    return true;
  });
  await session.close();
  await marker.assertNoneLeft();
});

// 6. A permission prompt the CLI withdraws: the callback is told, and no answer is written.

Deno.test("a can_use_tool request the CLI cancels aborts the callback's signal and is never answered", async () => {
  const marker = new ProcessMarker();
  const dir = await Deno.makeTempDir();
  const log = `${dir}/stdin.log`;
  try {
    const user = String.raw`turns=$((turns + 1))
      if [ "$turns" = 1 ]; then (
        ${PRINT_INIT}
        printf '%s\n' '{"type":"control_request","request_id":"perm-1","request":{"subtype":"can_use_tool","tool_name":"Bash","input":{"command":"ls"},"tool_use_id":"toolu_1"}}'
        sleep 0.2
        printf '%s\n' '-- cancel --' >> "$STDIN_LOG"
        printf '%s\n' '{"type":"control_cancel_request","request_id":"perm-1"}'
        sleep 0.3
        ${PRINT_RESULT}
      ) & else ${PRINT_RESULT}; fi`;
    const cli = { before: `turns=0; : > "$STDIN_LOG"`, user };
    const cliScript = script(cli).replace(
      "IFS= read -r line; do\n",
      'IFS= read -r line; do\n  printf \'%s\\n\' "$line" >> "$STDIN_LOG"\n',
    );
    const asked: { tool: string; signal: AbortSignal }[] = [];
    const canUseTool = (tool: string, _input: unknown, context: { signal: AbortSignal }) => {
      asked.push({ tool, signal: context.signal });
      return new Promise<ToolPermission>((resolve) =>
        context.signal.addEventListener(
          "abort",
          () => resolve({ behavior: "deny", message: "Too late" }),
          { once: true },
        )
      );
    };
    const session = await startSession(
      standIn({}, marker, {
        spawner: shell(cliScript),
        env: { STDIN_LOG: log },
        canUseTool,
      }),
    );
    assertEquals(await session.send("List the files").text(), "done");
    assertEquals(asked.map(({ tool }) => tool), ["Bash"]);
    const signal = asked[0]!.signal;
    ok(signal.aborted, "the callback's signal is aborted when the CLI withdraws the request");
    match(String((signal.reason as Error | undefined)?.message), /withdrew/);
    assertEquals(await session.send("And now?").text(), "done");
    await session.close();

    const lines = (await Deno.readTextFile(log)).split("\n").filter((line) => line !== "");
    const cancel = lines.indexOf("-- cancel --");
    ok(cancel > 0, `the stand-in marked the cancel: ${lines.join("\n")}`);
    const afterCancel = lines.slice(cancel + 1).map((line) => JSON.parse(line));
    ok(
      afterCancel.some((line) => line.type === "user"),
      "the stand-in echoed what claw wrote after the cancel (the next turn)",
    );
    const answers = lines.filter((line) => line.startsWith("{")).map((line) => JSON.parse(line))
      .filter((line) => line.type === "control_response");
    assertEquals(answers.filter((line) => line.response?.request_id === "perm-1"), []);
    await marker.assertNoneLeft();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

// 7. interrupt() with nothing to interrupt, and with a turn queued.

Deno.test("interrupt() with no turn running returns idle and leaves the session usable", async () => {
  const marker = new ProcessMarker();
  await using session = await startSession(
    standIn({ user: `${PRINT_INIT}; ${PRINT_RESULT}` }, marker),
  );
  assertEquals(await session.interrupt(), "idle");
  assertEquals(await session.send("Hi").text(), "done");
  assertEquals(await session.interrupt(), "idle");
  assertEquals(await session.send("Hi again").text(), "done");
  await session.close();
  await marker.assertNoneLeft();
});

/** Logs each user message to "$USER_LOG"; the first turn never ends, later ones answer "done". */
const LOGS_USERS: StandInCli = {
  before: "turns=0",
  user: `printf '%s\\n' "$line" >> "$USER_LOG"; turns=$((turns + 1)); ${PRINT_INIT}
      if [ "$turns" -gt 1 ]; then ${PRINT_RESULT}; fi`,
  interrupt: `${ANSWER}; printf '%s\\n' '${INTERRUPTED_RESULT}'`,
};

/** The prompts of the user messages a stand-in logged to `log`. */
async function promptsIn(log: string): Promise<unknown[]> {
  const text = await Deno.readTextFile(log).catch(() => "");
  return text.split("\n").filter((line) => line !== "").map((line) =>
    JSON.parse(line).message.content
  );
}

Deno.test("interrupt() stops the running turn and drops the turn queued behind it before it reaches the CLI", async () => {
  const marker = new ProcessMarker();
  const dir = await Deno.makeTempDir();
  const log = `${dir}/users.log`;
  try {
    await using session = await startSession(
      standIn(LOGS_USERS, marker, { env: { USER_LOG: log }, controlTimeoutMs: 2000 }),
    );
    const running = session.send("First");
    await started(running);
    const queued = session.send("Second");
    assertEquals(await session.interrupt(), "interrupted");
    assertEquals((await captureClawError(running.result())).kind, "aborted");
    assertEquals((await captureClawError(queued.result())).kind, "aborted");
    assertEquals(await session.send("Third").text(), "done");
    assertEquals(await promptsIn(log), ["First", "Third"]);
    await session.close();
    await marker.assertNoneLeft();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("interrupt() drops a turn still waiting for its process within the time box, and the process then takes the next turn", async () => {
  const marker = new ProcessMarker();
  const dir = await Deno.makeTempDir();
  const log = `${dir}/users.log`;
  try {
    // The first process dies mid-turn; the one that resumes takes 1 s to answer initialize.
    const cli: StandInCli = {
      before: NOTE_RESUME,
      initialize: `if [ -n "$resumed" ]; then sleep 1; fi; ${ANSWER}`,
      user: `printf '%s\\n' "$line" >> "$USER_LOG"; ${PRINT_INIT}
      if [ -n "$resumed" ]; then ${PRINT_RESULT}; else exit 1; fi`,
    };
    await using session = await startSession(
      standIn(cli, marker, { env: { USER_LOG: log }, controlTimeoutMs: 300 }),
    );
    assertEquals((await captureClawError(session.send("First").result())).kind, "no_result");
    const waiting = session.send("Second");
    const [outcome, ms] = await timed(session.interrupt());
    assertEquals(outcome, "interrupted");
    ok(ms < 900, `interrupt() settled after ${ms} ms, before the process was ready`);
    const error = await captureClawError(waiting.result());
    assertEquals(error.kind, "aborted");
    match(error.message, /before it started/);
    assertEquals(await session.send("Third").text(), "done");
    assertEquals(await promptsIn(log), ["First", "Third"]);
    await session.close();
    await marker.assertNoneLeft();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

// 8. A process that dies mid-turn fails that turn only.

Deno.test("a CLI that exits 1 mid-turn fails the turn no_result with the exit code, and the next turn resumes on a fresh process", async () => {
  const marker = new ProcessMarker();
  const cli = script({
    before: NOTE_RESUME,
    user: `${PRINT_INIT}; if [ -n "$resumed" ]; then ${PRINT_RESULT}; else exit 1; fi`,
  });
  const { spawner, argvs } = recording(shell(cli));
  await using session = await startSession(standIn({}, marker, { spawner }));
  const error = await captureClawError(session.send("Write a long essay").result());
  assertEquals([error.kind, error.exitCode, error.sessionId], ["no_result", 1, "s-1"]);
  match(error.message, /exited with code 1/);
  assertEquals(await session.send("Say hello").text(), "done");
  assertEquals(argvs.length, 2);
  ok(argvs[1]!.includes("--resume=s-1"), argvs[1]!.join(" "));
  await session.close();
  await marker.assertNoneLeft();
});
