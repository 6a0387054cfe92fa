/**
 * A recording that ends early is still saved, marked as interrupted, and replays to the same end:
 * `claw record` getting SIGINT or SIGTERM mid-stream (a Ctrl-C, an Agent SDK's abort), or its
 * reader going away, with the real CLI 2.1.332 streaming a stalled answer from the fake API.
 */
import { deepStrictEqual as assertEquals, match, ok } from "node:assert";
import { join } from "node:path";
import { readCassetteFile } from "../src/cassette/cassette.ts";
import { ProcessMarker } from "../src/process/_process_marker.ts";
import { hasCli, offline, pinnedCliPath } from "./_offline.ts";

const VERSION = "2.1.332";
const MAIN = new URL("../main.ts", import.meta.url).pathname;
const ARGS = [
  "-p",
  "--output-format=stream-json",
  "--verbose",
  "--include-partial-messages",
  "--",
  "Tell a long story",
];

/** A `claw` process whose stdout is read line by line until asked. */
function startClaw(args: string[], env: Record<string, string>, cwd: string) {
  return start(Deno.execPath(), ["run", "-A", "--quiet", MAIN, ...args], env, cwd);
}

/** A process whose stdout is read line by line until asked. */
function start(command: string, args: string[], env: Record<string, string>, cwd: string) {
  const child = new Deno.Command(command, {
    args,
    env,
    clearEnv: true,
    cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  return {
    child,
    /** Reads stdout until a line matches `pattern`. */
    async until(pattern: RegExp): Promise<void> {
      while (!pattern.test(text)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stdout ended before ${pattern}: ${text.slice(-500)}`);
        text += value;
      }
    },
    /** Reads the rest; returns all of stdout, stderr and the status. */
    async end() {
      for (let r = await reader.read(); !r.done; r = await reader.read()) text += r.value;
      const stderr = await new Response(child.stderr).text();
      return { stdout: text, stderr, status: await child.status };
    },
    /** Stops reading stdout: the pipe closes under the process. */
    async hangUp() {
      await reader.cancel();
      const stderr = await new Response(child.stderr).text();
      return { stderr, status: await child.status };
    },
  };
}

const FIRST_DELTA = /"text_delta"/;

async function scene(
  stallMs: number,
  fn: (place: {
    env: Record<string, string>;
    cwd: string;
    cassettes: string;
    closeApi: () => Promise<void>;
    /** Starts `claw record` of the story into `cassettes/story.ndjson`, read to its first delta. */
    recordStory: () => Promise<{ file: string; recording: ReturnType<typeof start> }>;
  }) => Promise<void>,
) {
  const marker = new ProcessMarker();
  await using offlineRun = await offline({
    replies: [{
      content: [{ type: "text", text: "Once upon a time, in a land far away, there was…" }],
      stall_ms: stallMs,
    }],
  });
  const env = {
    ...offlineRun.vars(VERSION),
    PATH: Deno.env.get("PATH") ?? "",
    NO_COLOR: "1",
    ...marker.env,
  };
  const cwd = offlineRun.cwd;
  const cassettes = join(offlineRun.home, "cassettes");
  const recordStory = async () => {
    const file = join(cassettes, "story.ndjson");
    const cli = pinnedCliPath(VERSION);
    const recording = startClaw(["record", "-o", file, "--cli", cli, "--", ...ARGS], env, cwd);
    await recording.until(FIRST_DELTA);
    return { file, recording };
  };
  try {
    await fn({ env, cwd, cassettes, closeApi: () => offlineRun.api.close(), recordStory });
  } finally {
    await marker.assertNoneLeft(5000);
  }
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  Deno.test({
    name:
      `claw record getting ${signal} mid-stream saves the run, and the replay ends the same way`,
    ignore: !hasCli(VERSION),
    fn: () =>
      scene(20_000, async ({ env, cwd, cassettes, closeApi, recordStory }) => {
        const { file, recording } = await recordStory();
        recording.child.kill(signal);
        const recorded = await recording.end();
        match(recorded.stderr, new RegExp(`interrupted: claw record got ${signal}`));
        // The CLI's own answer: SIGINT ends the turn with an error result and exit 0; SIGTERM
        // ends it at once with no result (143).
        const expected = signal === "SIGINT" ? 0 : 143;
        assertEquals(recorded.status.code, expected);

        const cassette = await readCassetteFile(file);
        const kill = cassette.records.find((record) => "kill" in record);
        assertEquals(kill && "kill" in kill ? kill.kill : undefined, signal);
        assertEquals(cassette.header.interrupted, {
          signal,
          t: kill!.t,
          reason: `claw record got ${signal}`,
        });
        const exit = cassette.records.at(-1);
        ok(exit && "exit" in exit);
        assertEquals(exit.exit.code, expected);

        await closeApi();
        const replay = startClaw(["replay", "--cassettes", cassettes, "--", ...ARGS], env, cwd);
        await replay.until(FIRST_DELTA);
        replay.child.kill(signal);
        const replayed = await replay.end();
        assertEquals(replayed.stdout, recorded.stdout, "the same lines, up to the same end");
        assertEquals(
          [replayed.status.code, replayed.status.signal ?? null],
          [exit.exit.code, exit.exit.signal],
          "the recorded end: the CLI's own exit code (it handles both signals itself)",
        );
        if (signal === "SIGINT") match(replayed.stdout, /"subtype":"error_during_execution"/);
      }),
  });
}

Deno.test({
  name: "claw record whose reader goes away stops the CLI and still saves the run",
  ignore: !hasCli(VERSION),
  // A closed pipe is seen at the next write: after the stall, when the CLI prints again. The stall
  // outlasts a slow hang-up on a loaded machine (the CLI must still be streaming by then).
  fn: () =>
    scene(5_000, async ({ recordStory }) => {
      const { file, recording } = await recordStory();
      const { stderr } = await recording.hangUp();
      match(stderr, /interrupted: stdout closed/);
      const cassette = await readCassetteFile(file);
      assertEquals(cassette.header.interrupted?.reason, "stdout closed");
      assertEquals(cassette.header.interrupted?.signal, "SIGTERM");
      ok(cassette.records.some((record) => "stdout" in record && record.stdout.type === "system"));
    }),
});

Deno.test({
  name:
    "a recording fake claude getting SIGTERM mid-stream, as an SDK's abort sends it, saves the run",
  ignore: !hasCli(VERSION),
  fn: () =>
    scene(20_000, async ({ env, cwd, cassettes }) => {
      const launcher = join(cwd, "bin", "claude");
      const real = pinnedCliPath(VERSION);
      const written = startClaw(
        [
          "replay",
          "--cassettes",
          cassettes,
          "--mode",
          "record",
          "--real-claude",
          real,
          "--write-bin",
          launcher,
        ],
        env,
        cwd,
      );
      assertEquals((await written.end()).status.code, 0);
      const recording = start(launcher, ARGS, { ...env, CLAW_DENO: Deno.execPath() }, cwd);
      await recording.until(FIRST_DELTA);
      recording.child.kill("SIGTERM");
      const { status } = await recording.end();
      const [name] = await Array.fromAsync(Deno.readDir(cassettes), (entry) => entry.name);
      ok(name, "the cassette is saved");
      const cassette = await readCassetteFile(join(cassettes, name));
      assertEquals(cassette.header.interrupted?.signal, "SIGTERM");
      assertEquals(cassette.header.interrupted?.reason, "the fake claude got SIGTERM");
      const exit = cassette.records.at(-1);
      assertEquals(exit && "exit" in exit ? exit.exit.code : undefined, status.code);
    }),
});
