/**
 * Interrupts and early closes with the real pinned CLIs, named after the upstream SDK failures
 * they guard against: an interrupt that never settles while the API holds its stream open, an
 * interrupt before `system/init` that does nothing, an interrupt during a tool that surfaces as an
 * opaque error (or leaves the tool running), and a session that cannot be resumed when closed
 * right after init.
 */
import { deepStrictEqual as assertEquals, ok } from "node:assert";
import { captureClawError } from "../src/errors/_capture.ts";
import type { FakeApi } from "../src/fake_api/fake_api.ts";
import { timed } from "../src/process/_stand_in.ts";
import { startSession } from "../src/session/session.ts";
import { offline } from "./_offline.ts";
import {
  forEachCli,
  mentions,
  ProcessMarker,
  scripted,
  sessionOptions,
  text,
  toolUse,
} from "./_session.ts";

/** The controlTimeoutMs of these tests: every interrupt settles inside it. */
const TIME_BOX = 8000;

/** A reply that streams its first words, then holds the SSE stream open for a minute. */
const stalled = {
  content: [{ type: "text" as const, text: "This answer never finishes streaming" }],
  stall_ms: 60_000,
};

/** Waits until the fake API has received `count` scripted requests. */
async function requestsArrived(api: FakeApi, count: number): Promise<void> {
  while (scripted(api).length < count) await new Promise((resolve) => setTimeout(resolve, 20));
}

/** Waits until a session file under `home` holds `prompt` (2.1.x writes it as the turn starts). */
async function promptStored(home: string, prompt: string): Promise<void> {
  const projects = `${home}/.claude/projects`;
  for (const deadline = Date.now() + 20_000; Date.now() < deadline;) {
    for (const folder of await Array.fromAsync(Deno.readDir(projects)).catch(() => [])) {
      for (const file of await Array.fromAsync(Deno.readDir(`${projects}/${folder.name}`))) {
        if (!file.name.endsWith(".jsonl")) continue;
        const text = await Deno.readTextFile(`${projects}/${folder.name}/${file.name}`);
        if (text.includes(`"type":"user"`) && text.includes(prompt)) return;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`No session file under "${home}" stored "${prompt}" within 20 s`);
}

/** The marked processes whose command line includes `needle`. */
function marked(marker: ProcessMarker, needle: string): number[] {
  return marker.pids().filter((pid) => {
    try {
      return Deno.readTextFileSync(`/proc/${pid}/cmdline`).replaceAll("\0", " ").includes(needle);
    } catch {
      return false;
    }
  });
}

forEachCli(
  "interrupt while the fake API holds an SSE stream open settles within the time box, and the next turn works",
  async (version) => {
    const marker = new ProcessMarker();
    await using env = await offline({ replies: [stalled, text("Second answer.")] });
    await using session = await startSession(
      sessionOptions(env, version, marker, { controlTimeoutMs: TIME_BOX }),
    );
    const first = session.send("Write a long essay");
    await requestsArrived(env.api, 1);
    const [outcome, ms] = await timed(session.interrupt());
    assertEquals(outcome, "interrupted");
    ok(ms < TIME_BOX, `settled after ${ms} ms`);
    assertEquals((await captureClawError(first.result())).kind, "aborted");
    assertEquals(await session.send("Say something short").text(), "Second answer.");
    await session.close();
    await marker.assertNoneLeft();
  },
);

forEachCli(
  "interrupt before system/init stops the turn instead of doing nothing",
  async (version) => {
    const marker = new ProcessMarker();
    // Had the interrupt done nothing, the first turn would get this answer and succeed.
    await using env = await offline({
      replies: [text("After the interrupt.")],
      when_exhausted: "repeat_last",
    });
    await using session = await startSession(
      sessionOptions(env, version, marker, { controlTimeoutMs: TIME_BOX }),
    );
    const first = session.send("Write a long essay");
    const outcome = await session.interrupt(); // the CLI has not even read the message yet
    assertEquals(outcome, "interrupted");
    assertEquals((await captureClawError(first.result())).kind, "aborted");
    assertEquals(await session.send("Again").text(), "After the interrupt.");
    await session.close();
    await marker.assertNoneLeft();
  },
);

forEachCli(
  "interrupt during a Bash sleep ends the turn as aborted, not an error, and leaves no sleep running",
  async (version) => {
    const marker = new ProcessMarker();
    await using env = await offline({
      // 2.1.332 refuses a bare `sleep N` (it tells the model to use its Monitor tool instead).
      replies: [
        toolUse("Bash", { command: "ls >/dev/null; sleep 37; echo finished" }),
        text("Slept."),
        text("Next turn."),
      ],
    });
    await using session = await startSession(sessionOptions(env, version, marker, {
      allowedTools: ["Bash"],
      controlTimeoutMs: TIME_BOX,
    }));
    const first = session.send("Sleep a while");
    const started = Date.now() + 20_000;
    while (marked(marker, "sleep 37").length === 0) {
      ok(Date.now() < started && !first.ended, "the Bash tool started its sleep");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const outcome = await session.interrupt();
    ok(outcome === "interrupted" || outcome === "killed", `outcome ${outcome}`);
    const error = await captureClawError(first.result());
    assertEquals(error.kind, "aborted");
    const deadline = Date.now() + 3000;
    while (marked(marker, "sleep 37").length > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assertEquals(marked(marker, "sleep 37"), [], "the tool's sleep was stopped with its turn");
    ok((await session.send("Go on").text()).length > 0);
    await session.close();
    await marker.assertNoneLeft();
  },
);

forEachCli("a session closed right after init can be resumed", async (version) => {
  const marker = new ProcessMarker();
  await using env = await offline({ replies: [text("Noted kiwi."), text("You said kiwi.")] });
  let id: string | undefined;
  {
    const session = await startSession(sessionOptions(env, version, marker));
    const turn = session.send("Remember kiwi");
    for await (const event of turn) {
      if (event.type === "system" && event.subtype === "init") break;
    }
    id = session.sessionId;
    await session.close();
  }
  ok(id, "system/init named the session");
  await using resumed = await startSession(sessionOptions(env, version, marker, { resume: id }));
  assertEquals(await resumed.send("Which fruit?").text(), "You said kiwi.");
  assertEquals(resumed.sessionId, id);
  ok(mentions(scripted(env.api).at(-1), "Remember kiwi"), "the resumed turn carries the first");
  await resumed.close();
  await marker.assertNoneLeft();
});

forEachCli(
  "interrupt on the per-turn transport stops the turn's process; the next turn resumes",
  async (version) => {
    const marker = new ProcessMarker();
    await using env = await offline({ replies: [stalled, text("Resumed fine.")] });
    await using session = await startSession(sessionOptions(env, version, marker, {
      transport: "per-turn",
      controlTimeoutMs: TIME_BOX,
    }));
    const first = session.send("Write a long essay");
    await requestsArrived(env.api, 1);
    assertEquals(await session.interrupt(), "interrupted");
    assertEquals((await captureClawError(first.result())).kind, "aborted");
    assertEquals(await session.send("Short one").text(), "Resumed fine.");
    ok(mentions(scripted(env.api).at(-1), "Write a long essay"), "the next turn carries the first");
    await session.close();
    await marker.assertNoneLeft();
  },
);

forEachCli(
  "a session whose CLI is killed in its first turn takes the next turn, as a new session when the CLI stored nothing",
  async (version) => {
    const marker = new ProcessMarker();
    await using env = await offline({ replies: [stalled, text("Second answer.")] });
    const warnings: string[] = [];
    await using session = await startSession(sessionOptions(env, version, marker, {
      onWarning: (warning) => warnings.push(warning),
    }));
    const first = session.send("Write a long essay");
    await requestsArrived(env.api, 1);
    const killed = session.sessionId;
    if (!version.startsWith("2.0.")) await promptStored(env.home, "Write a long essay");
    for (const pid of marker.pids()) Deno.kill(pid, "SIGKILL");
    assertEquals((await captureClawError(first.result())).kind, "cli_crashed");
    assertEquals(await session.send("Say something short").text(), "Second answer.");
    const restarted = warnings.filter((warning) => warning.includes("starts a new session"));
    if (version.startsWith("2.0.")) {
      // 2.0.76 left an empty session file, which it refuses to resume: a new session goes on.
      assertEquals(restarted, [
        `Session "${killed}" stored no conversation before its process ended: the next turn starts a new session`,
      ]);
      ok(session.sessionId && session.sessionId !== killed, "a new session id");
    } else {
      assertEquals(restarted, []);
      assertEquals(session.sessionId, killed, "2.1.332 stored the prompt: the session resumed");
    }
    await session.close();
    await marker.assertNoneLeft();
  },
);
