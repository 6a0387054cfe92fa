/**
 * What a session takes in besides `send()`, with the real pinned CLIs: messages streamed from an
 * AsyncIterable, and file checkpoints rewound to a turn's user message.
 */
import { deepStrictEqual as assertEquals, ok } from "node:assert";
import { captureClawError } from "../src/errors/_capture.ts";
import { startSession } from "../src/session/session.ts";
import { offline } from "./_offline.ts";
import {
  exists,
  forEachCli,
  mentions,
  ProcessMarker,
  scripted,
  sessionOptions,
  tempFolder,
  text,
  toolUse,
} from "./_session.ts";

forEachCli(
  "streamInput: each message of an async iterable becomes a turn, in order; when it ends the session goes on",
  async (version) => {
    const marker = new ProcessMarker();
    await using env = await offline({
      replies: [text("Noted apple."), text("Noted pear."), text("Noted plum."), text("All three.")],
    });
    await using session = await startSession(sessionOptions(env, version, marker));
    async function* messages() {
      yield "Remember apple";
      await new Promise((resolve) => setTimeout(resolve, 50));
      yield [{ type: "text", text: "Remember pear" }];
      yield {
        type: "user" as const,
        message: { content: "Remember plum" },
        uuid: crypto.randomUUID(),
      };
    }
    const answers = [];
    for await (const turn of session.streamInput(messages())) answers.push(await turn.text());
    assertEquals(answers, ["Noted apple.", "Noted pear.", "Noted plum."]);
    assertEquals(await session.send("What did I ask?").text(), "All three.");
    for (const fruit of ["apple", "pear", "plum"]) {
      ok(mentions(scripted(env.api).at(-1), `Remember ${fruit}`), `the last turn carries ${fruit}`);
    }
    await session.close();
    await marker.assertNoneLeft();
  },
);

forEachCli(
  "streamInput: an iterable that throws stops sending, the iteration throws it, and the host hears of it",
  async (version) => {
    const marker = new ProcessMarker();
    await using env = await offline({ replies: [text("One."), text("Still here.")] });
    const warnings: string[] = [];
    await using session = await startSession(sessionOptions(env, version, marker, {
      onWarning: (warning) => warnings.push(warning),
    }));
    async function* messages() {
      yield "First";
      throw new Error("the queue broke");
    }
    const answers: string[] = [];
    const failure = await (async () => {
      for await (const turn of session.streamInput(messages())) answers.push(await turn.text());
    })().then(() => undefined, (error) => error);
    assertEquals([answers, failure?.message], [["One."], "the queue broke"]);
    ok(warnings.some((warning) => warning.includes("the queue broke")));
    assertEquals(await session.send("Are you there?").text(), "Still here.");
    await session.close();
    await marker.assertNoneLeft();
  },
);

forEachCli(
  "rewindFiles: with file checkpoints, a turn's file changes are restored; a dry run only reports",
  async (version) => {
    const marker = new ProcessMarker();
    // The Write calls need the absolute path of the working folder, so it is made first.
    await using folder = await tempFolder("claw-test-rewind-");
    const cwd = folder.path;
    await Deno.writeTextFile(`${cwd}/b.txt`, "old b\n");
    await using env = await offline({
      replies: [
        toolUse("Read", { file_path: `${cwd}/b.txt` }),
        toolUse("Write", { file_path: `${cwd}/a.txt`, content: "new a\n" }),
        toolUse("Write", { file_path: `${cwd}/b.txt`, content: "new b\n" }),
        text("Written."),
      ],
    });
    await using session = await startSession({
      ...sessionOptions(env, version, marker, {
        enableFileCheckpointing: true,
        permissionMode: "acceptEdits",
      }),
      cwd,
    });
    const turn = session.send("Write a.txt and b.txt");
    assertEquals(await turn.text(), "Written.");
    assertEquals(await Deno.readTextFile(`${cwd}/b.txt`), "new b\n");
    if (version.startsWith("2.0.")) {
      // 2.0.76 ignores dry_run and would rewind for real: refused before anything is sent.
      const refused = await captureClawError(
        session.rewindFiles(turn.userMessageId, { dryRun: true }),
      );
      assertEquals(refused.kind, "unsupported");
    } else {
      const dry = await session.rewindFiles(turn.userMessageId, { dryRun: true });
      assertEquals(dry.canRewind, true);
      assertEquals(dry.filesChanged?.toSorted(), [`${cwd}/a.txt`, `${cwd}/b.txt`]);
      assertEquals(await Deno.readTextFile(`${cwd}/b.txt`), "new b\n", "a dry run changes nothing");
    }
    assertEquals((await session.rewindFiles(turn.userMessageId)).canRewind, true);
    assertEquals(await Deno.readTextFile(`${cwd}/b.txt`), "old b\n");
    assertEquals(await exists(`${cwd}/a.txt`), false, "a file the turn created is gone");
    const unknown = await captureClawError(session.rewindFiles(crypto.randomUUID()));
    assertEquals(unknown.kind, "control_refused");
    await session.close();
    await marker.assertNoneLeft();
  },
);
