/**
 * A session survives a `claude` that dies under it: an injected `crash-after` on a replay of a
 * recorded session kills its first process mid-turn, the turn fails with the kind claw gives a
 * dead process, and the next turn resumes the session in a new process, served by the recording
 * of that resume. Everything is recorded from the real CLI: the first turn by `record` mode, the
 * resume by `auto` mode (the crash is injected on the replayed first process; the resume misses
 * and the real CLI, in the same HOME, records it); then both are replayed with no CLI and no API.
 */
import { deepStrictEqual as assertEquals, ok } from "node:assert";
import { readCassetteFile } from "../src/cassette/cassette.ts";
import { cassetteSpawner } from "../src/cassette/cassette_spawner.ts";
import { CassetteStore } from "../src/cassette/cassette_store.ts";
import type { FaultRun } from "../src/cassette/faults.ts";
import { ClawError } from "../src/errors/claw_error.ts";
import { startSession } from "../src/session/session.ts";
import { offline } from "./_offline.ts";
import { forEachCli, ProcessMarker, sessionOptions, text } from "./_session.ts";

/**
 * The number of stdout lines up to and including `system/init` in the cassette of `dir` (the
 * session's id is known from there on: 2.0.76 prints it before the first prompt, 2.1 after).
 */
async function linesThroughInit(dir: string): Promise<number> {
  const [stored] = await CassetteStore.list(dir);
  const { records } = await readCassetteFile(stored!.path);
  const stdout = records.filter((record) => "stdout" in record);
  const init = stdout.findIndex((record) =>
    "stdout" in record && record.stdout.type === "system" && record.stdout.subtype === "init"
  );
  ok(init >= 0, "the recording has system/init");
  return init + 1;
}

forEachCli(
  "a stream session survives a crash-after injected in its replay and resumes in a new process",
  async (version) => {
    const marker = new ProcessMarker();
    await using env = await offline({ replies: [text("First answer."), text("Second answer.")] });
    const dir = await Deno.makeTempDir({ prefix: "claw-session-fault-" });
    let crashAfter = 0;
    // The first replayed process dies by SIGKILL once it has printed the session's id.
    const crashFirst = ({ index }: FaultRun) =>
      index === 0 ? [{ kind: "crash-after" as const, lines: crashAfter }] : [];
    const options = (mode: "record" | "auto" | "replay") =>
      sessionOptions(env, version, marker, {
        spawner: cassetteSpawner({
          dir,
          mode,
          ...(mode === "record" ? {} : { faults: crashFirst }),
        }),
      });
    /** Two turns: the first dies with its process, the second resumes. */
    const crashThenResume = async (mode: "auto" | "replay") => {
      await using session = await startSession(options(mode));
      const first = await session.send("First question").text().then(
        () => "ok",
        (error) => error instanceof ClawError ? error.kind : String(error),
      );
      const second = await session.send("Second question").text();
      return { first, second, id: session.sessionId };
    };
    try {
      let id: string | undefined;
      {
        await using session = await startSession(options("record"));
        assertEquals(await session.send("First question").text(), "First answer.");
        id = session.sessionId;
      }
      crashAfter = await linesThroughInit(dir);
      const recorded = await crashThenResume("auto");
      assertEquals(recorded.second, "Second answer.", "the resume, recorded from the real CLI");
      const requests = env.api.requests.length;

      const replayed = await crashThenResume("replay");
      assertEquals(replayed, recorded);
      assertEquals(replayed.first, "cli_crashed", "the crash failed the first turn");
      const resumes = (await CassetteStore.list(dir)).filter(({ header }) =>
        header.argv.join(" ").includes(`--resume ${id}`) ||
        header.argv.includes(`--resume=${id}`)
      );
      assertEquals(resumes.length, 1, "the second process resumed the first one's session");
      assertEquals(env.api.requests.length, requests, "the replay asked the API nothing");
    } finally {
      await Deno.remove(dir, { recursive: true });
      assertEquals(marker.pids(), [], "no process left behind");
    }
  },
);
