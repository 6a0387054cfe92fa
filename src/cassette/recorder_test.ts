// The real CLI cannot be made to read stdin lines of our choosing, print arbitrary stderr, end
// without a newline or exit with a chosen code, so a small `sh -c` script stands in for it here,
// started through the real `denoSpawner`. tests/record_replay_test.ts records the real CLI.
import { deepStrictEqual as assertEquals, match, ok, rejects } from "node:assert";
import { ClawError } from "../errors/claw_error.ts";
import { join } from "node:path";
import { denoSpawner } from "../process/deno_spawner.ts";
import type { ClaudeProcess, SpawnRequest } from "../process/spawn.ts";
import { type Cassette, cassetteKey, parseCassette, serializeCassette } from "./cassette.ts";
import { checkWritable, recordingSpawner, saveCassette } from "./recorder.ts";
import { placesOf, requestKey } from "./request.ts";
import { INIT_LINE, shellSpawner } from "../process/_stand_in.ts";
import { run as runClaude } from "../session/run.ts";
import { VERSION } from "../version.ts";

const PATH = Deno.env.get("PATH") ?? "/usr/bin:/bin";

/** Records one run of `script` under sh, writing `stdin` chunks, and returns what was seen. */
async function record(
  script: string,
  options: { stdin?: string[]; args?: string[]; env?: Record<string, string>; cwd?: string } = {},
) {
  const saved: Cassette[] = [];
  const spawn = recordingSpawner(denoSpawner, { save: (cassette) => void saved.push(cassette) });
  const request: SpawnRequest = {
    command: "sh",
    args: ["-c", script, "sh", ...options.args ?? []],
    env: { PATH, ...options.env },
    ...(options.cwd ? { cwd: options.cwd } : {}),
  };
  await using child = await spawn(request);
  const output = readAll(child);
  const writer = child.stdin.getWriter();
  for (const chunk of options.stdin ?? []) await writer.write(new TextEncoder().encode(chunk));
  await writer.close();
  const { stdout, stderr } = await output;
  const status = await child.status;
  assertEquals(saved.length, 1, "the cassette is saved once, before the status resolves");
  return { stdout, stderr, status, cassette: saved[0]!, request };
}

async function readAll(child: ClaudeProcess) {
  const [stdout, stderr] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
  ]);
  return { stdout, stderr };
}

Deno.test("the recorder passes the run through and records stdout, stderr and stdin lines with times", async () => {
  const script = [
    'IFS= read -r first; echo "out:$first"',
    "echo warn >&2",
    'echo \'{"type":"system","subtype":"init","claude_code_version":"2.1.332"}\'',
    "cat > /dev/null",
    "printf 'err-tail' >&2",
    "printf 'last'",
    "exit 3",
  ].join("; ");
  const { stdout, stderr, status, cassette } = await record(script, {
    stdin: ["first\nsec", "ond-no-eol"], // a line split across writes, and one without newline
  });
  assertEquals(
    stdout,
    'out:first\n{"type":"system","subtype":"init","claude_code_version":"2.1.332"}\nlast',
  );
  assertEquals(stderr, "warn\nerr-tail");
  assertEquals(status, { code: 3, signal: null });

  const { records } = cassette;
  const without = records.map(({ t: _, ...rest }) => rest);
  const only = (field: string) => without.filter((r) => field in r);
  assertEquals(only("stdin"), [{ stdin: "first" }, { stdin: "second-no-eol", eol: false }]);
  assertEquals(only("stdin_eof"), [{ stdin_eof: true }]);
  assertEquals([...only("stdout_raw"), ...only("stdout")], [
    { stdout_raw: "out:first" },
    { stdout_raw: "last", eol: false },
    { stdout: { type: "system", subtype: "init", claude_code_version: "2.1.332" } },
  ]);
  assertEquals(only("stderr"), [{ stderr: "warn" }, { stderr: "err-tail", eol: false }]);
  assertEquals(without.at(-1), { exit: { code: 3, signal: null } });
  // Times are milliseconds since the start, in the order the records were made.
  const times = records.map((r) => r.t);
  ok(times.every((t, i) => t >= 0 && (i === 0 || t >= times[i - 1]!)), `times ${times}`);
  // stdin came before the output it caused.
  const indexOf = (field: string) => without.findIndex((r) => field in r);
  ok(indexOf("stdin") < indexOf("stdout_raw"));
  assertEquals(cassette.header.cli_version, "2.1.332");
});

Deno.test("the header holds the redacted argv, its key, and the names only of the CLI's variables", async () => {
  const { cassette, request } = await record("true", {
    args: ["--", "Say hi"],
    env: {
      ANTHROPIC_API_KEY: "sk-ant-api03-secret-value",
      CLAUDE_CODE_MAX_RETRIES: "0",
      DISABLE_TELEMETRY: "1",
      UNRELATED_SETTING: "x",
    },
  });
  const { header } = cassette;
  assertEquals(header.argv, ["-c", "true", "sh", "--", "Say hi"]);
  assertEquals(header.key, await cassetteKey(header.argv));
  assertEquals(header.key, (await requestKey(request)).key);
  assertEquals(header.env, ["ANTHROPIC_API_KEY", "CLAUDE_CODE_MAX_RETRIES", "DISABLE_TELEMETRY"]);
  assertEquals([header.type, header.format, header.cwd, header.cli_version], [
    "claw_cassette",
    1,
    "$CWD",
    null,
  ]);
  ok(!Number.isNaN(Date.parse(header.recorded_at)));
  assertEquals(cassette.records.map((r) => Object.keys(r).filter((k) => k !== "t")), [
    ["stdin_eof"],
    ["exit"],
  ]);
});

Deno.test("a planted key, email, home and cwd are redacted in argv, stdout, stderr and stdin; env values never appear", async () => {
  const root = await Deno.makeTempDir({ prefix: "claw-recorder-" });
  try {
    const home = join(root, "home");
    const cwd = join(root, "work");
    await Deno.mkdir(home);
    await Deno.mkdir(cwd);
    const key = "sk-ant-api03-PLANTEDKEY-0123456789abcdef";
    const email = "planted.person@example.com";
    const secret = "gw-plain-secret-9f8e7d6c"; // matches no pattern: redacted as an env value
    const planted = `${key} ${email} ${home}/notes.txt ${cwd}/src/main.ts`;
    const script = [
      'echo "argv: $*"',
      'echo "argv: $*" >&2',
      // a JSON line: redaction must keep it valid JSON
      'printf \'{"type":"note","text":"%s","env":"%s"}\\n\' "$*" "$GATEWAY_TOKEN"',
      'IFS= read -r line; echo "stdin: $line"',
      'echo "env: $ANTHROPIC_API_KEY $GATEWAY_TOKEN $HOME" >&2',
    ].join("; ");
    const { stdout, cassette } = await record(script, {
      args: [key, email, `${home}/notes.txt`, `${cwd}/src/main.ts`],
      stdin: [`{"type":"user","message":{"role":"user","content":"${planted}"}}\n`],
      env: { HOME: home, ANTHROPIC_API_KEY: key, GATEWAY_TOKEN: secret },
      cwd,
    });
    ok(stdout.includes(key) && stdout.includes(secret), "the caller sees the run untouched");

    const text = serializeCassette(cassette);
    for (const value of [key, email, home, cwd, root, secret, "PLANTED", "planted.person"]) {
      ok(!text.includes(value), `the cassette must not contain ${value}:\n${text}`);
    }
    const expected = "[REDACTED_API_KEY] [REDACTED_EMAIL] $HOME/notes.txt $CWD/src/main.ts";
    assertEquals(cassette.header.argv.slice(3), expected.split(" "));
    const records = parseCassette(text).records;
    const field = (name: string) =>
      records.flatMap((r) => name in r ? [(r as unknown as Record<string, unknown>)[name]] : []);
    const stdinLine = `{"type":"user","message":{"role":"user","content":"${expected}"}}`;
    assertEquals(field("stdout_raw"), [`argv: ${expected}`, `stdin: ${stdinLine}`]);
    assertEquals(field("stdout"), [{ type: "note", text: expected, env: "[REDACTED_SECRET]" }]);
    assertEquals(field("stderr"), [
      `argv: ${expected}`,
      "env: [REDACTED_API_KEY] [REDACTED_SECRET] $HOME",
    ]);
    assertEquals(field("stdin"), [stdinLine]);
    assertEquals(cassette.header.env, ["ANTHROPIC_API_KEY", "HOME"]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("a process the host signals is recorded with the signal sent, the header marked interrupted", async () => {
  const saved: Cassette[] = [];
  const spawn = recordingSpawner(denoSpawner, { save: (c) => void saved.push(c) });
  await using child = await spawn({
    command: "sh",
    args: ["-c", "echo up; exec sleep 30"],
    env: { PATH },
  });
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  assertEquals((await reader.read()).value, "up\n");
  child.kill("SIGTERM");
  await child.stderr.cancel();
  while (!(await reader.read()).done) { /* drain */ }
  assertEquals(await child.status, { code: 143, signal: "SIGTERM" });
  assertEquals(
    saved[0]!.records.map(({ t: _, ...rest }) => rest).slice(-3),
    [{ stdout_raw: "up" }, { kill: "SIGTERM" }, { exit: { code: 143, signal: "SIGTERM" } }],
  );
  const kill = saved[0]!.records.find((record) => "kill" in record)!;
  assertEquals(saved[0]!.header.interrupted, { signal: "SIGTERM", t: kill.t });
});

Deno.test("placesOf finds HOME, the cwd, TMPDIR and the fake API's port", () => {
  assertEquals(
    placesOf({
      command: "claude",
      args: [],
      cwd: "/w",
      env: { HOME: "/h", TMPDIR: "/t", ANTHROPIC_BASE_URL: "http://localhost:4711/v1" },
    }),
    { cwd: "/w", home: "/h", root: "/t", port: 4711 },
  );
  assertEquals(placesOf({ command: "claude", args: [], env: {} }), { cwd: Deno.cwd() });
});

/** A cassette of an empty run. */
async function emptyCassette(): Promise<Cassette> {
  return {
    header: {
      type: "claw_cassette",
      format: 1,
      key: await cassetteKey([]),
      cli_version: null,
      argv: [],
      env: [],
      cwd: "$CWD",
      recorded_at: new Date(0).toISOString(),
    },
    records: [{ t: 1, exit: { code: 0, signal: null } }],
  };
}

Deno.test("saveCassette writes the file atomically, creating folders", async () => {
  const dir = await Deno.makeTempDir({ prefix: "claw-save-" });
  try {
    const path = join(dir, "a", "b", "run.ndjson");
    const cassette = await emptyCassette();
    await saveCassette(path)(cassette);
    assertEquals(parseCassette(await Deno.readTextFile(path)), cassette);
    const names = await Array.fromAsync(Deno.readDir(join(dir, "a", "b")), (e) => e.name);
    assertEquals(names, ["run.ndjson"]);
    match(await Deno.readTextFile(path), /^\{"type":"claw_cassette"/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a run without TMPDIR has its /tmp paths saved as $TMP, like the CLI's cc-socks socket", async () => {
  const { stdout, cassette } = await record(
    `echo '{"type":"system","messaging_socket_path":"/tmp/cc-socks/123.sock"}'; echo /tmp/claude-1000 >&2`,
  );
  assertEquals(stdout, '{"type":"system","messaging_socket_path":"/tmp/cc-socks/123.sock"}\n');
  const text = serializeCassette(cassette);
  ok(!text.includes("/tmp/"), text);
  const records = cassette.records.map(({ t: _, ...rest }) => rest);
  assertEquals(records.filter((r) => "stdout" in r), [
    { stdout: { type: "system", messaging_socket_path: "$TMP/cc-socks/123.sock" } },
  ]);
  assertEquals(records.filter((r) => "stderr" in r), [{ stderr: "$TMP/claude-1000" }]);
});

Deno.test("a run aborted mid-stream is saved, its header marked interrupted by the abort's SIGTERM", async () => {
  const saved: Cassette[] = [];
  // A stand-in: the real CLI cannot be made to ignore stdin's end on demand.
  const spawner = recordingSpawner(
    shellSpawner(`echo '${INIT_LINE}'; trap '' HUP; exec sleep 30`),
    { save: (c) => void saved.push(c) },
  );
  const controller = new AbortController();
  const run = runClaude("hi", { spawner, signal: controller.signal, cli: "claude" });
  await rejects(
    (async () => {
      for await (const event of run) if (event.type === "system") controller.abort();
    })(),
    (error: unknown) => error instanceof ClawError && error.kind === "aborted",
  );
  const cassette = saved[0]!;
  assertEquals(cassette.header.interrupted?.signal, "SIGTERM");
  assertEquals(cassette.records.at(-1), {
    t: cassette.records.at(-1)!.t,
    exit: { code: 143, signal: "SIGTERM" },
  });
});

Deno.test("the header names the platform, claw, the kind of credential and the client, never a value", async () => {
  const saved: Cassette[] = [];
  const spawn = recordingSpawner(denoSpawner, { save: (c) => void saved.push(c) });
  const secret = "sk-ant-api03-never-in-a-header-000000";
  await using child = await spawn({
    command: "sh",
    args: ["-c", "echo ok"],
    env: {
      PATH,
      ANTHROPIC_API_KEY: secret,
      CLAUDE_CODE_ENTRYPOINT: "sdk-py",
      CLAUDE_AGENT_SDK_VERSION: "0.1.9",
    },
  });
  await child.stdin.close();
  await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text()]);
  await child.status;
  const { header } = saved[0]!;
  assertEquals(
    [header.platform, header.claw_version, header.auth, header.client],
    [
      `${Deno.build.os}-${Deno.build.arch}`,
      VERSION,
      "api_key (ANTHROPIC_API_KEY)",
      { entrypoint: "sdk-py", sdk_version: "0.1.9" },
    ],
  );
  ok(!JSON.stringify(header).includes(secret));
});

Deno.test("a cassette name that fits is saved, one too long is refused before the run naming it, and a failed save leaves no temporary file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "claw-save-" });
  try {
    // 250 bytes fit a file name; with the 41 bytes the temporary name used to add, they did not.
    const fits = join(dir, `${"x".repeat(243)}.ndjson`);
    await checkWritable(fits);
    await saveCassette(fits)(await emptyCassette());
    ok((await Deno.stat(fits)).isFile);
    const tooLong = join(dir, `${"y".repeat(300)}.ndjson`);
    await rejects(checkWritable(tooLong), (error: Error) => {
      match(error.message, /File name too long/);
      ok(error.message.includes(tooLong), "the message names the user's path");
      return true;
    });
    // A save whose rename fails (the path is a folder) cleans up after itself.
    const folder = join(dir, "taken.ndjson");
    await Deno.mkdir(folder);
    await rejects(saveCassette(folder)(await emptyCassette()), /Cannot write/);
    const names = await Array.fromAsync(Deno.readDir(dir), (entry) => entry.name);
    assertEquals(names.filter((name) => name.endsWith(".tmp")), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
