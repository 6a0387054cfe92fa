/**
 * A recorded long-lived session (`session_tape` in the corpus: initialize, a turn, set_model,
 * can_use_tool allowed and denied, set_permission_mode, an interrupt mid-stream, a last turn)
 * replays in-process and through the fake claude for a host that draws its own control request
 * ids, as the Agent SDKs do: the replayed answers carry the host's ids. A host whose permission
 * callback answers otherwise than the recording is told so by a miss.
 */
import { deepStrictEqual as assertEquals, match, ok } from "node:assert";
import { join } from "node:path";
import {
  CASSETTES_DIR,
  driveSessionTape,
  type SessionTapeHost,
  StdinSession,
} from "../scripts/record_cassettes.ts";
import { PINNED_CLI_VERSIONS } from "../scripts/install_cli.ts";
import { readCassetteFile } from "../src/cassette/cassette.ts";
import { cassetteSpawner } from "../src/cassette/cassette_spawner.ts";
import { writeFakeClaude } from "../src/cassette/fake_claude.ts";
import { CassetteMissError } from "../src/errors/claw_error.ts";
import { denoSpawner } from "../src/process/deno_spawner.ts";
import { ProcessMarker } from "../src/process/_process_marker.ts";
import type { ClaudeProcess } from "../src/process/spawn.ts";

/** Control request ids as an SDK draws them: random, different on every run. */
const randomIds = () => () => crypto.randomUUID().slice(0, 10);

/** Drives `process` as the session's host; returns what it printed and how it ended. */
async function host(process: ClaudeProcess, settings: SessionTapeHost) {
  const stderr = new Response(process.stderr).text();
  const session = new StdinSession(process);
  let failed: Error | undefined;
  try {
    await driveSessionTape(session, settings);
    await session.close();
  } catch (error) {
    failed = error as Error;
    await session.close().catch(() => {});
  }
  const status = await process.status;
  await session.reading;
  return { items: session.items, status, stderr: await stderr, failed };
}

/** The texts of the results, in order. */
function results(items: readonly { type: string }[]): unknown[] {
  return items.filter((item) => item.type === "result").map((item) =>
    (item as { subtype?: string; result?: string }).result ??
      (item as { subtype?: string }).subtype
  );
}

for (const version of PINNED_CLI_VERSIONS) {
  const dir = join(CASSETTES_DIR, version);
  const path = join(dir, "session_tape.ndjson");

  Deno.test(`[claude ${version}] a recorded session replays in-process for a host with its own ids`, async () => {
    const { argv } = (await readCassetteFile(path)).header;
    const spawner = cassetteSpawner({ dir, mode: "replay" });
    const cwd = await Deno.makeTempDir({ prefix: "claw-session-tape-" });
    try {
      const ids: string[] = [];
      const newId = randomIds();
      const run = await host(
        await spawner({ command: "claude", args: argv, env: { HOME: join(cwd, "home") }, cwd }),
        { newId: () => ids[ids.push(newId()) - 1]! },
      );
      assertEquals([run.failed, run.status], [undefined, { code: 0, signal: null }]);
      const answered = run.items.flatMap((item) =>
        item.type === "control_response" ? [item.response.request_id] : []
      );
      // (2.0.76 answers set_permission_mode twice, as recorded.)
      assertEquals([...new Set(answered)], ids, "every answer carries the id this host sent");
      assertEquals(results(run.items), [
        "Hi.",
        "I wrote allowed.txt.",
        "I was not allowed to write refused.txt.",
        "error_during_execution",
        "Done.",
      ]);
      const init = run.items.find((item) => item.type === "system" && item.subtype === "init");
      ok(init && "cwd" in init && init.cwd === cwd, "the replay's own cwd");
    } finally {
      await Deno.remove(cwd, { recursive: true });
    }
  });

  Deno.test(`[claude ${version}] the same session through the fake claude, and a different answer is a miss`, async () => {
    const { argv } = (await readCassetteFile(path)).header;
    const marker = new ProcessMarker();
    const root = await Deno.makeTempDir({ prefix: "claw-session-tape-" });
    const launcher = join(root, "bin", "claude");
    await writeFakeClaude(launcher, { cassettes: dir });
    const spawn = (cwd: string) =>
      denoSpawner({
        command: launcher,
        args: argv,
        env: {
          PATH: Deno.env.get("PATH") ?? "",
          CLAW_DENO: Deno.execPath(),
          HOME: root,
          ...marker.env,
        },
        cwd,
      });
    try {
      const replayed = await host(await spawn(root), { newId: randomIds() });
      assertEquals([replayed.failed, replayed.status.code], [undefined, 0]);
      assertEquals(results(replayed.items).length, 5);

      // The recording allowed the first Write; this host's callback denies it.
      const denied = await host(await spawn(root), {
        newId: randomIds(),
        answers: ["deny", "deny"],
      });
      assertEquals(denied.status.code, 1);
      match(
        denied.stderr,
        /^error\[cassette_miss\]: stdin line \d+ differs from the cassette ".*session_tape\.ndjson": response\.response\.behavior: recorded "allow", this run "deny"\nhint: [^\n]+\n$/,
      );
    } finally {
      await marker.assertNoneLeft(3000);
      await Deno.remove(root, { recursive: true });
    }
  });
}

Deno.test("in-process, the other answer is a typed miss on the replay's status", async () => {
  const dir = join(CASSETTES_DIR, PINNED_CLI_VERSIONS[0]);
  const { argv } = (await readCassetteFile(join(dir, "session_tape.ndjson"))).header;
  const spawner = cassetteSpawner({ dir, mode: "replay" });
  const run = await host(
    await spawner({ command: "claude", args: argv, env: {}, cwd: Deno.cwd() }),
    { newId: randomIds(), answers: ["allow", "allow"] },
  );
  ok(run.failed, "the host never got its result");
  ok(run.status.failure instanceof CassetteMissError);
  match(
    run.status.failure.message,
    /response\.response\.behavior: recorded "deny", this run "allow"/,
  );
});
