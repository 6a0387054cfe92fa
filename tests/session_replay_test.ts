/**
 * Sessions through the cassette harness, in-process: recorded once from the real pinned CLI,
 * then replayed with no CLI call and no API request, callbacks included, so the session tests of
 * claw's users run offline.
 */
import { deepStrictEqual as assertEquals, ok } from "node:assert";
import { join } from "node:path";
import { z } from "zod";
import { type CassetteRecord, readCassetteFile, stdoutText } from "../src/cassette/cassette.ts";
import { cassetteSpawner } from "../src/cassette/cassette_spawner.ts";
import { replayProcess } from "../src/cassette/replay.ts";
import { replaySpawner } from "../src/cassette/testing.ts";
import { CassetteMissError } from "../src/errors/claw_error.ts";
import type { ClaudeProcess, Spawner } from "../src/process/spawn.ts";
import { LineStream } from "../src/protocol/line_stream.ts";
import { mcpServer, tool } from "../src/session/mcp_server.ts";
import { startSession } from "../src/session/session.ts";
import type { SessionTransport } from "../src/session/session_options.ts";
import { type Offline, offline } from "./_offline.ts";
import {
  forEachCli,
  ProcessMarker,
  sessionOptions,
  tempFolder,
  text,
  toolUse,
} from "./_session.ts";

const adder = () =>
  mcpServer("calc", [
    tool(
      "add",
      "Adds two numbers",
      z.object({ a: z.number(), b: z.number() }),
      ({ a, b }) => `The sum is ${a + b}`,
    ),
  ]);

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

/** One recorded stdin line, and how many stdout lines the client had read when it wrote it. */
interface ClientLine {
  line: string;
  after: number;
}

/**
 * Plays the recorded client against `process`: each of `lines` once the replay has printed as
 * many stdout lines as `after` says, then closes stdin once it has printed `eofAfter`. Returns
 * what the replay printed and its status.
 */
async function playClient(process: ClaudeProcess, lines: ClientLine[], eofAfter: number) {
  const writer = process.stdin.getWriter();
  const printed: string[] = [];
  const reader = process.stdout.pipeThrough(new LineStream()).getReader();
  const read = async (count: number) => {
    while (printed.length < count) {
      const { value, done } = await reader.read();
      if (done) return;
      printed.push(value.text);
    }
  };
  for (const { line, after } of lines) {
    await read(after);
    await writer.write(new TextEncoder().encode(`${line}\n`)).catch(() => {});
  }
  await read(eofAfter);
  await writer.close().catch(() => {});
  await read(Infinity);
  return { printed, status: await process.status };
}

/** The id of the CLI's request a recorded record is, when it is an `mcp_message` one. */
function mcpRequestId(record: CassetteRecord): string | undefined {
  if (!("stdout" in record) || record.stdout.type !== "control_request") return undefined;
  const { request_id, request } = record.stdout as {
    request_id?: string;
    request?: { subtype?: string };
  };
  return request?.subtype === "mcp_message" ? request_id : undefined;
}

forEachCli(
  "a client's concurrent writes replay in either order: its answer to an mcp_message and its first prompt, swapped",
  async (version) => {
    const marker = new ProcessMarker();
    await using env = await offline({
      replies: [toolUse("mcp__calc__add", { a: 2, b: 3 }), text("Five.")],
    });
    await using dir = await tempFolder("claw-concurrent-cassettes-");
    {
      // Recorded with the real CLI: the host answers the CLI's mcp_message requests to the
      // in-process server, and sends its prompt once the CLI has connected to it (after a pause),
      // so that an answer and the prompt are written back to back, with no output between them.
      await using session = await startSession(sessionOptions(env, version, marker, {
        mcpServers: { calc: adder() },
        allowedTools: ["mcp__calc__add"],
        spawner: cassetteSpawner({ dir: dir.path, mode: "record" }),
      }));
      await new Promise((resolve) => setTimeout(resolve, 1000));
      assertEquals(await session.send("Add 2 and 3").text(), "Five.");
      await session.close();
    }
    await marker.assertNoneLeft();
    const [name] = await Array.fromAsync(Deno.readDir(dir.path), (entry) => entry.name);
    const path = join(dir.path, name!);
    const cassette = await readCassetteFile(path);
    const { records } = cassette;

    // The client's lines as recorded, each with the stdout lines it had read when it wrote it.
    const lines: (ClientLine & { index: number })[] = [];
    let printed = 0;
    let eofAfter = 0;
    records.forEach((record, index) => {
      if ("stdout" in record || "stdout_raw" in record) printed++;
      else if ("stdin" in record) lines.push({ line: record.stdin, after: printed, index });
      else if ("stdin_eof" in record) eofAfter = printed;
    });
    // The prompt, and next to it an answer to an mcp_message printed before both: written with
    // nothing between them but the CLI's own requests, so a client could write either first.
    const prompt = lines.findIndex(({ line }) => JSON.parse(line).type === "user");
    const answer = [prompt - 1, prompt + 1].find((i) => {
      const id = JSON.parse(lines[i]?.line ?? "{}").response?.request_id;
      const asked = records.findIndex((record) => mcpRequestId(record) === id);
      const [from, to] = [lines[prompt]!.index, lines[i]!.index].sort((x, y) => x - y);
      return asked !== -1 && asked < from! &&
        records.slice(from! + 1, to).every((record) => mcpRequestId(record) !== undefined);
    });
    ok(
      answer !== undefined,
      `the recording has an mcp_message answer next to the prompt: ${Deno.inspect(lines)}`,
    );
    const [a, b] = [Math.min(prompt, answer), Math.max(prompt, answer)];
    const after = Math.min(lines[a]!.after, lines[b]!.after);
    const swapped = (change: (line: string) => string = (line) => line) => [
      ...lines.slice(0, a),
      { line: change(lines[b]!.line), after },
      { line: change(lines[a]!.line), after },
      ...lines.slice(b + 1),
    ];

    const replayed = await playClient(
      replayProcess(cassette, { source: path }),
      swapped(),
      eofAfter,
    );
    assertEquals(replayed.status, { code: 0, signal: null }, replayed.status.failure?.message);
    assertEquals(
      replayed.printed,
      records.flatMap((record) =>
        "stdout" in record || "stdout_raw" in record ? [stdoutText(record)] : []
      ),
      "all of the output, in the recorded order",
    );

    // A changed input still misses, naming the field.
    const changed = await playClient(
      replayProcess(cassette, { source: path }),
      swapped((line) => line.replace("Add 2 and 3", "Add 2 and 4")),
      eofAfter,
    );
    ok(changed.status.failure instanceof CassetteMissError);
    assertEquals(
      changed.status.failure.message,
      `stdin line ${
        prompt === b ? a + 1 : b + 1
      } differs from the cassette "${path}": message.content: recorded "Add 2 and 3", this run "Add 2 and 4"`,
    );
  },
  ["2.1.332"],
);

Deno.test("a session's API time is what each turn added to the CLI's running total, for every pinned CLI's recording", async () => {
  for (const version of ["2.1.337", "2.1.332", "2.0.76"]) {
    const path = `fixtures/cassettes/${version}/session_three_turns.ndjson`;
    const running = (await Deno.readTextFile(path)).match(/"duration_api_ms":\d+/g)!
      .map((field) => Number(field.split(":")[1]));
    await using session = await startSession({ spawner: replaySpawner(path) });
    const perTurn: number[] = [];
    for (
      const prompt of [
        "Remember the word: apple",
        "And the word: pear",
        "Which words did I give you?",
      ]
    ) {
      const turn = session.send(prompt);
      await turn.text();
      perTurn.push(turn.totals!.durationApiMs);
    }
    assertEquals(perTurn, running.map((total, i) => total - (running[i - 1] ?? 0)), version);
    assertEquals(session.totals.durationApiMs, running.at(-1), version);
  }
});
