/**
 * The `context_window` hint fits the run it follows, with the real pinned CLIs against the fake
 * API: a one-shot run (`run()`, `claw run`) has no session to `/compact`, so its hint does not
 * say to; a session's turn keeps the session wording. The same for the prompt-size preflight.
 */
import { deepStrictEqual as assertEquals, match, ok, throws } from "node:assert";
import { captureClawError } from "../src/errors/_capture.ts";
import { ClawError } from "../src/errors/claw_error.ts";
import { promptTooLongReply } from "../src/fake_api/replies.ts";
import { run } from "../src/session/run.ts";
import { startSession } from "../src/session/session.ts";
import { claw } from "./_claw.ts";
import { offline } from "./_offline.ts";
import { forEachCli, ProcessMarker, sessionOptions } from "./_session.ts";

const ONE_SHOT = /^Shorten the prompt, or use a model with a larger context window \(--model\)/;
const SESSION = "Shorten the prompt, run /compact in the session, or start a fresh session";

forEachCli(
  "a one-shot run's context_window hint says nothing of /compact; a session's turn keeps it",
  async (version) => {
    const marker = new ProcessMarker();
    await using env = await offline({
      replies: [promptTooLongReply()],
      when_exhausted: "repeat_last",
    });
    const options = sessionOptions(env, version, marker);
    const once = await captureClawError(run("hi", options).result());
    assertEquals(once.kind, "context_window");
    match(once.hint, ONE_SHOT);
    ok(!once.hint.includes("/compact"), once.hint);

    const cli = await claw(["run", "--cli", options.cli!, "--cwd", env.cwd, "hi"], {
      env: { ...env.vars(version), ...marker.env },
    });
    assertEquals(cli.code, 1, cli.stderr);
    const hint = cli.stderr.split("\n").find((line) => line.startsWith("hint: "));
    match(hint ?? "", /^hint: Shorten the prompt, or use a model with a larger context window/);
    ok(!cli.stderr.includes("/compact"), cli.stderr);

    {
      await using session = await startSession(options);
      const turn = await captureClawError(session.send("hi").result());
      assertEquals(turn.kind, "context_window");
      ok(turn.hint.startsWith(SESSION), turn.hint);
    }
    await marker.assertNoneLeft();
  },
);

Deno.test("the preflight's context_window hint fits the run: none of /compact for a one-shot prompt, the session wording for a session's", async () => {
  const prompt = "word ".repeat(1_200_000);
  const never = () => {
    throw new Error("must not start");
  };
  const once = await captureClawError(run(prompt, { model: "haiku", spawner: never }).result());
  assertEquals(once.kind, "context_window");
  match(once.hint, ONE_SHOT);
  await using session = await startSession({
    model: "haiku",
    spawner: never,
    transport: "per-turn",
  });
  throws(() => session.send(prompt), (error) => {
    ok(error instanceof ClawError && error.kind === "context_window", String(error));
    ok(error.hint.startsWith(SESSION), error.hint);
    return true;
  });
});
