/**
 * `claw cassette refresh` end to end: a small corpus recorded with claw's own recorder from each
 * pinned CLI against the fake Messages API, then refreshed against the same CLI (no change),
 * against a stand-in that answers differently (the change named), and written over (the header's
 * `match` kept).
 */
import { deepStrictEqual, match, ok, strictEqual } from "node:assert";
import { join } from "node:path";
import {
  type Cassette,
  parseCassette,
  readCassetteFile,
  serializeCassette,
} from "../src/cassette/cassette.ts";
import { cassetteMeaning } from "../src/cassette/meaning.ts";
import { recordingSpawner, saveCassette } from "../src/cassette/recorder.ts";
import { startFakeApi } from "../src/fake_api/fake_api.ts";
import type { FakeReply, FakeScript } from "../src/fake_api/script.ts";
import { denoSpawner } from "../src/process/deno_spawner.ts";
import { ProcessMarker } from "../src/process/_process_marker.ts";
import { shutdown } from "../src/process/shutdown.ts";
import { run } from "../src/session/run.ts";
import { cachedDenoDir, claw } from "./_claw.ts";
import { hasCli, offline, PINNED_CLI_VERSIONS, pinnedCliPath, recordTo } from "./_offline.ts";

const text = (value: string): FakeReply => ({ content: [{ type: "text", text: value }] });
const tool = (name: string, input: Record<string, unknown>): FakeReply => ({
  content: [{ type: "tool_use", name, input }],
});

/**
 * The replies of the corpus, in the order its cassettes run (refresh takes them in path order):
 * a text answer, a Bash call and its answer, and a session's Bash call the host allows, then its
 * answer. Nothing in them depends on the folder a run is in, so a re-run gets the same.
 */
const SCRIPT: FakeScript = {
  replies: [
    text("Hello from the fake API."),
    tool("Bash", { command: "echo claw-$((40+2))" }),
    text("It printed claw-42."),
    tool("Bash", { command: "touch allowed.txt" }),
    text("I touched allowed.txt."),
  ],
};

/** The session cassette's argv after the executable. */
const SESSION_ARGS = [
  "-p",
  "--input-format=stream-json",
  "--output-format=stream-json",
  "--verbose",
  "--permission-prompt-tool",
  "stdio",
];

/**
 * Records the corpus into `dir` with `version`: `a_text` (run(), a text answer), `b_bash` (run(),
 * Bash under bypassPermissions), `c_permission` (a stream-json session on stdin whose Bash call
 * brings a `can_use_tool` request the host answers allow, as `scripts/record_cassettes.ts` does).
 */
async function recordCorpus(
  dir: string,
  version: string,
  marker: ProcessMarker,
): Promise<void> {
  await using place = await offline(SCRIPT);
  const options = (path: string) => place.options(version, { ...recordTo(path) });
  const withMarker = (path: string) => ({
    ...options(path),
    env: { ...options(path).env, ...marker.env },
  });
  await run("Say hello", withMarker(join(dir, "a_text.ndjson"))).result();
  await run("Run a command", {
    ...withMarker(join(dir, "b_bash.ndjson")),
    permissionMode: "bypassPermissions",
  }).result();

  const spawn = recordingSpawner(denoSpawner, {
    save: saveCassette(join(dir, "c_permission.ndjson")),
  });
  const process = await spawn({
    command: pinnedCliPath(version),
    args: SESSION_ARGS,
    env: { ...place.vars(version), ...marker.env },
    cwd: place.cwd,
  });
  const stderr = new Response(process.stderr).text();
  const writer = process.stdin.getWriter();
  const send = (line: unknown) =>
    writer.write(new TextEncoder().encode(JSON.stringify(line) + "\n"));
  try {
    await send({ type: "user", message: { role: "user", content: "Touch allowed.txt" } });
    for await (const line of lines(process.stdout)) {
      const value = JSON.parse(line);
      if (value.type === "control_request" && value.request.subtype === "can_use_tool") {
        await send({
          type: "control_response",
          response: {
            subtype: "success",
            request_id: value.request_id,
            response: { behavior: "allow", updatedInput: value.request.input },
          },
        });
      }
      if (value.type === "result") await writer.close();
    }
    strictEqual((await process.status).code, 0, await stderr);
  } finally {
    await shutdown(process, { termMs: 1000 });
  }
  const session = await readCassetteFile(join(dir, "c_permission.ndjson"));
  ok(
    cassetteMeaning(session).kinds.includes("control_request/can_use_tool"),
    "the session asked the host to allow its Bash call",
  );
}

/** The request id of a cassette's `can_use_tool` request, and the one its answer names. */
function permissionIds(cassette: Cassette): [string | undefined, string | undefined] {
  let asked: string | undefined;
  let answered: string | undefined;
  for (const record of cassette.records) {
    if ("stdout" in record && record.stdout.type === "control_request") {
      asked = String(record.stdout.request_id);
    }
    if ("stdin" in record && record.stdin.includes('"control_response"')) {
      answered = JSON.parse(record.stdin).response.request_id;
    }
  }
  return [asked, answered];
}

/** The lines of a byte stream. */
async function* lines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  let pending = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    pending += chunk;
    let newline: number;
    while ((newline = pending.indexOf("\n")) !== -1) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      if (line.trim() !== "") yield line;
    }
  }
}

/**
 * A stand-in for `claude` that answers every run with a Read call and a failed result: a CLI
 * that answers differently on demand cannot be a real one (the real CLIs answer the fake API the
 * same every time), so a small script plays the CLI whose behaviour drifted.
 */
async function writeStandIn(dir: string): Promise<string> {
  const path = join(dir, "drifted-claude");
  const lines = [
    { type: "system", subtype: "init", session_id: "s-1", tools: ["Read"], model: "m" },
    {
      type: "assistant",
      message: {
        role: "assistant",
        content: [{ type: "tool_use", id: "toolu_1", name: "Read", input: { file_path: "x.txt" } }],
      },
      session_id: "s-1",
    },
    {
      type: "result",
      subtype: "error_during_execution",
      is_error: true,
      errors: ["The run broke"],
      session_id: "s-1",
    },
  ];
  const echo = lines.map((line) => `echo '${JSON.stringify(line)}'`).join("\n");
  await Deno.writeTextFile(path, `#!/bin/sh\n${echo}\nexit 1\n`);
  await Deno.chmod(path, 0o755);
  return path;
}

/** Runs `claw cassette refresh` with `args` and the fake API's variables (HOME is refresh's own). */
async function refresh(args: string[], vars: Record<string, string>, marker: ProcessMarker) {
  const { HOME: _home, USERPROFILE: _profile, ...env } = vars;
  return await claw(["cassette", "refresh", ...args], {
    env: { ...env, ...marker.env, DENO_DIR: await cachedDenoDir() },
  });
}

// The newest and the oldest pinned CLI, and 2.1.332 between them, which the issue names.
for (const version of PINNED_CLI_VERSIONS) {
  const installed = hasCli(version);
  if (!installed) console.log(`Skipping refresh with ${version}: not installed (deno task setup)`);
  Deno.test({
    name:
      `refresh --check passes a corpus recorded with ${version} against ${version}, names the change a drifted CLI brings, and writes the new recordings keeping the header's match`,
    ignore: !installed,
    sanitizeResources: false,
    sanitizeOps: false,
    async fn() {
      const marker = new ProcessMarker();
      const dir = await Deno.makeTempDir({ prefix: "claw-refresh-corpus-" });
      try {
        await recordCorpus(dir, version, marker);
        const before = await Deno.readTextFile(join(dir, "a_text.ndjson"));
        const [recordedAsk] = permissionIds(
          await readCassetteFile(join(dir, "c_permission.ndjson")),
        );

        {
          await using api = await startFakeApi({ script: SCRIPT });
          await using place = await offline({ replies: [] });
          const vars = { ...place.vars(version), ANTHROPIC_BASE_URL: api.url };
          const checked = await refresh(
            [dir, "--cli", pinnedCliPath(version), "--check", "--text"],
            vars,
            marker,
          );
          strictEqual(checked.code, 0, checked.stdout + checked.stderr);
          match(checked.stderr, /a_text\.ndjson: ok/);
          match(checked.stderr, /c_permission\.ndjson: ok/);
          match(
            checked.stderr,
            /3 cassettes: 3 ok, 0 changed, 0 failed; nothing written \(--check\)/,
          );
          strictEqual(await Deno.readTextFile(join(dir, "a_text.ndjson")), before);
        }

        {
          const standIn = await writeStandIn(await Deno.makeTempDir({ dir }));
          const drifted = await refresh([dir, "--cli", standIn, "--check", "--json"], {}, marker);
          strictEqual(drifted.code, 1, drifted.stderr);
          const report = JSON.parse(drifted.stdout);
          const text = report.cassettes.find((c: { path: string }) =>
            c.path.endsWith("a_text.ndjson")
          );
          deepStrictEqual(text.changes.filter((c: string) => !c.startsWith("line kinds")), [
            'tool calls: recorded nothing, now Read {"file_path":"x.txt"}',
            "result 1: recorded success, now error_during_execution (is_error) → api_error",
            "exit: recorded code 0, now code 1",
          ]);
          const session = report.cassettes.find((c: { path: string }) =>
            c.path.endsWith("c_permission.ndjson")
          );
          match(session.error, /control_request\/can_use_tool/);
          strictEqual(await Deno.readTextFile(join(dir, "a_text.ndjson")), before);
        }

        {
          const cassette = parseCassette(before);
          cassette.header = { ...cassette.header, match: { ignore: ["--model"] } };
          await Deno.writeTextFile(join(dir, "a_text.ndjson"), serializeCassette(cassette));
          await using api = await startFakeApi({ script: SCRIPT });
          await using place = await offline({ replies: [] });
          const vars = { ...place.vars(version), ANTHROPIC_BASE_URL: api.url };
          const written = await refresh([dir, "--cli", pinnedCliPath(version)], vars, marker);
          strictEqual(written.code, 0, written.stdout + written.stderr);
          match(written.stderr, /3 cassettes: 3 ok, 0 changed, 0 failed; 3 written/);
          const fresh = await readCassetteFile(join(dir, "a_text.ndjson"));
          deepStrictEqual(fresh.header.match, { ignore: ["--model"] });
          ok(fresh.header.recorded_at !== cassette.header.recorded_at, "a new recording");
          deepStrictEqual(cassetteMeaning(fresh), cassetteMeaning(cassette));
          // The answer to can_use_tool named the request id this run's CLI made up.
          const [asked, answered] = permissionIds(
            await readCassetteFile(join(dir, "c_permission.ndjson")),
          );
          strictEqual(answered, asked);
          ok(asked !== undefined && asked !== recordedAsk, "a request id of the new run");
        }
      } finally {
        await Deno.remove(dir, { recursive: true });
        await marker.assertNoneLeft();
      }
    },
  });
}

Deno.test("refresh refuses a missing folder or a --cli that cannot run before it runs anything", async () => {
  const missing = await claw(["cassette", "refresh", "/nonexistent/cassettes", "--check"]);
  strictEqual(missing.code, 2);
  match(missing.stderr, /Cannot use DIR "\/nonexistent\/cassettes": no such folder/);
  const noDir = await claw(["cassette", "refresh", "--check"]);
  strictEqual(noDir.code, 2);
  match(noDir.stderr, /Missing DIR: pass the folder of cassettes to refresh/);
  const dir = await Deno.makeTempDir({ prefix: "claw-refresh-usage-" });
  try {
    const badCli = await claw(["cassette", "refresh", dir, "--cli", join(dir, "claude")]);
    strictEqual(badCli.code, 2);
    match(badCli.stderr, /Cannot use --cli ".*\/claude": it is not an executable file/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
