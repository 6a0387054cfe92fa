/**
 * A resume value that is not a session id, with the real pinned CLIs against the fake API: an
 * unknown one is `session_not_found` before anything starts (`claw run --resume`, `claw session
 * resume`, `run()`, `startSession()` on both transports), and a session's title resumes that
 * session as claude 2.1 resolves it (the working directory's session of that title), on every
 * CLI version: claw passes the CLI the session's id.
 */
import { deepStrictEqual as assertEquals, match, ok, rejects } from "node:assert";
import { captureClawError } from "../src/errors/_capture.ts";
import { ClawError } from "../src/errors/claw_error.ts";
import { run } from "../src/session/run.ts";
import { startSession } from "../src/session/session.ts";
import { renameSession } from "../src/session/store_edit.ts";
import { claw } from "./_claw.ts";
import { type Offline, offline } from "./_offline.ts";
import { forEachCli, mentions, ProcessMarker, scripted, sessionOptions, text } from "./_session.ts";

/** `claw ARGS` against `env`'s fake API with CLI `version`, in `env.cwd`. */
function clawIn(env: Offline, version: string, marker: ProcessMarker, args: string[], stdin = "") {
  return claw([...args, "--cli", env.options(version).cli!, "--cwd", env.cwd], {
    stdin,
    env: { ...env.vars(version), ...marker.env },
  });
}

/** Runs one turn in a new session of `env.cwd` and gives it `title`; returns its id. */
async function titledSession(
  env: Offline,
  version: string,
  marker: ProcessMarker,
  title: string,
): Promise<string> {
  const first = run("Remember plum", sessionOptions(env, version, marker));
  await first.result();
  const id = first.sessionId!;
  await renameSession(id, title, { cwd: env.cwd, env: env.options(version).env! });
  return id;
}

forEachCli(
  "claw run --resume with a value that is no session id and no title fails with session_not_found before anything starts",
  async (version) => {
    const marker = new ProcessMarker();
    await using env = await offline({ replies: [text("unreachable")] });
    const out = await clawIn(env, version, marker, ["run", "--resume", "nonexistent-id", "hi"]);
    assertEquals(out.code, 1, out.stderr);
    const lines = out.stderr.trim().split("\n");
    assertEquals(lines.length, 2, out.stderr);
    match(
      lines[0]!,
      /^error\[session_not_found\]: No session of ".+" is called "nonexistent-id", and it is not a session id: nothing was started$/,
    );
    match(lines[1]!, /^hint: Pass the id or the title of a session that claw session list shows/);
    assertEquals(env.api.requests.length, 0, "nothing was started");
    await marker.assertNoneLeft();
  },
);

forEachCli(
  "claw session resume with a value that is no session id and no title fails with session_not_found before anything starts",
  async (version) => {
    const marker = new ProcessMarker();
    await using env = await offline({ replies: [text("unreachable")] });
    const out = await clawIn(env, version, marker, ["session", "resume", "nonexistent-id"], "hi\n");
    assertEquals(out.code, 1, out.stderr);
    match(out.stderr, /^error\[session_not_found\]: No session of ".+" is called "nonexistent-id"/);
    assertEquals(out.stdout, "");
    assertEquals(env.api.requests.length, 0, "nothing was started");
    await marker.assertNoneLeft();
  },
);

forEachCli(
  "run() and startSession() on either transport refuse an unknown resume value with session_not_found before starting",
  async (version) => {
    const marker = new ProcessMarker();
    await using env = await offline({ replies: [text("unreachable")] });
    const options = sessionOptions(env, version, marker, { resume: "Nobody's title" });
    const fromRun = await captureClawError(run("hi", options).result());
    assertEquals(fromRun.kind, "session_not_found");
    for (const transport of ["stream", "per-turn"] as const) {
      await rejects(
        startSession({ ...options, transport }),
        (error) => error instanceof ClawError && error.kind === "session_not_found",
        `startSession on the ${transport} transport`,
      );
    }
    assertEquals(env.api.requests.length, 0, "nothing was started");
    await marker.assertNoneLeft();
  },
);

forEachCli(
  "a session's title resumes it: claw run --resume, claw session resume and run() go on with that session",
  async (version) => {
    const marker = new ProcessMarker();
    await using env = await offline({
      replies: [text("Noted plum."), text("You said plum."), text("Still plum."), text("Plum.")],
    });
    const id = await titledSession(env, version, marker, "Fruit talk");
    const viaRun = await clawIn(env, version, marker, [
      "run",
      "--resume",
      "fruit talk ", // as claude 2.1 matches it: trimmed, in any case
      "--output",
      "json",
      "What fruit?",
    ]);
    assertEquals(viaRun.code, 0, viaRun.stderr);
    const result = JSON.parse(viaRun.stdout);
    assertEquals([result.result, result.session_id], ["You said plum.", id]);
    ok(mentions(scripted(env.api)[1], "Remember plum"), "the resumed turn carries the first");

    const viaRepl = await clawIn(
      env,
      version,
      marker,
      ["session", "resume", "Fruit talk"],
      "And?\n",
    );
    assertEquals([viaRepl.code, viaRepl.stdout], [0, "Still plum.\n"], viaRepl.stderr);

    const again = run("Once more", sessionOptions(env, version, marker, { resume: "Fruit talk" }));
    assertEquals(await again.text(), "Plum.");
    assertEquals(again.sessionId, id);
    await marker.assertNoneLeft();
  },
);

forEachCli(
  "a title two sessions share is refused with both ids, and a title only another folder has is not found",
  async (version) => {
    const marker = new ProcessMarker();
    await using env = await offline({
      replies: [text("One."), text("Two."), text("unreachable")],
    });
    const first = await titledSession(env, version, marker, "Twins");
    const second = await titledSession(env, version, marker, "Twins");
    const twins = await captureClawError(
      run("hi", sessionOptions(env, version, marker, { resume: "Twins" })).result(),
    );
    assertEquals(twins.kind, "usage");
    match(twins.message, /^"Twins" is the title of 2 sessions of ".+": pass one of their ids: /);
    ok(twins.message.includes(first) && twins.message.includes(second), twins.message);

    const elsewhere = await Deno.makeTempDir({ prefix: "claw-test-elsewhere-" });
    try {
      const lost = await captureClawError(
        run("hi", { ...sessionOptions(env, version, marker, { resume: "Twins" }), cwd: elsewhere })
          .result(),
      );
      assertEquals(lost.kind, "session_not_found");
      match(lost.message, /\(session [0-9a-f-]{36} of ".+" is: resume it by its id/);
    } finally {
      await Deno.remove(elsewhere, { recursive: true });
    }
    assertEquals(scripted(env.api).length, 2, "only the two titled sessions ran");
    await marker.assertNoneLeft();
  },
);
