/**
 * Sessions through the cassette harness, in-process: recorded once from the real pinned CLI,
 * then replayed with no CLI call and no API request, callbacks included, so the session tests of
 * claw's users run offline.
 */
import { deepStrictEqual as assertEquals } from "node:assert";
import { cassetteSpawner } from "../src/cassette/cassette_spawner.ts";
import type { Spawner } from "../src/process/spawn.ts";
import { startSession } from "../src/session/session.ts";
import type { SessionTransport } from "../src/session/session_options.ts";
import { type Offline, offline } from "./_offline.ts";
import { forEachCli, ProcessMarker, sessionOptions, text, toolUse } from "./_session.ts";

/** Runs two turns with a permission callback; returns the answers, the questions and the id. */
async function twoTurns(
  env: Offline,
  version: string,
  marker: ProcessMarker,
  transport: SessionTransport,
  spawner: Spawner,
) {
  const asked: string[] = [];
  await using session = await startSession(sessionOptions(env, version, marker, {
    transport,
    spawner,
    canUseTool: (tool, input) => {
      asked.push(`${tool} ${input.command}`);
      return { behavior: "allow" };
    },
  }));
  const answers = [
    await session.send("Make recorded.txt").text(),
    await session.send("What did you make?").text(),
  ];
  return { answers, asked, id: session.sessionId };
}

for (const transport of ["stream", "per-turn"] as SessionTransport[]) {
  forEachCli(
    `a ${transport} session records through the cassette harness and replays offline`,
    async (version) => {
      const marker = new ProcessMarker();
      await using env = await offline({
        replies: [
          toolUse("Bash", { command: "touch recorded.txt" }),
          text("Made it."),
          text("recorded.txt"),
        ],
      });
      const dir = await Deno.makeTempDir({ prefix: "claw-session-cassettes-" });
      try {
        const recorded = await twoTurns(
          env,
          version,
          marker,
          transport,
          cassetteSpawner({ dir, mode: "record" }),
        );
        assertEquals(recorded.answers, ["Made it.", "recorded.txt"]);
        const requests = env.api.requests.length;
        const replayed = await twoTurns(
          env,
          version,
          marker,
          transport,
          cassetteSpawner({ dir, mode: "replay" }),
        );
        assertEquals(replayed, recorded);
        assertEquals(env.api.requests.length, requests, "the replay made no API request");
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
      await marker.assertNoneLeft();
    },
  );
}
