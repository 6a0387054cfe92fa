import { AssertionError, deepStrictEqual as assertEquals, ok, rejects, throws } from "node:assert";
import { join } from "node:path";
import { pathToFileURL as toFileUrl } from "node:url";
import { ClawError } from "../errors/claw_error.ts";
import type { DecodedItem } from "../protocol/events.ts";
import { run } from "../session/run.ts";
import {
  type Cassette,
  CassetteFormatError,
  cassetteHeader,
  cassetteKey,
  type CassetteRecord,
  serializeCassette,
} from "./cassette.ts";
import {
  assertFinalText,
  assertResultKind,
  assertToolCalled,
  loadCassette,
  replaySpawner,
  withFakeClaude,
} from "./testing.ts";

const ARGV = ["-p", "--output-format=stream-json", "--verbose", "--", "Say hi"];
const SESSION = "7d9e1f3a-2b4c-4d6e-8f0a-1b2c3d4e5f60";

const message = (content: unknown[]) => ({
  id: "msg_1",
  type: "message",
  role: "assistant",
  model: "claude-opus-5-5",
  content,
  stop_reason: null,
  stop_sequence: null,
  usage: { input_tokens: 1, output_tokens: 1 },
});

const EVENTS = [
  { type: "system", subtype: "init", session_id: SESSION, claude_code_version: "2.1.332" },
  {
    type: "assistant",
    message: message([{ type: "text", text: "Let me look" }]),
    parent_tool_use_id: null,
    session_id: SESSION,
  },
  {
    type: "assistant",
    message: message([{
      type: "tool_use",
      id: "toolu_1",
      name: "Bash",
      input: { command: "ls -la", options: { timeout: 5, env: ["A"] } },
    }]),
    parent_tool_use_id: null,
    session_id: SESSION,
  },
  {
    type: "assistant",
    message: message([{
      type: "tool_use",
      id: "toolu_2",
      name: "Read",
      input: { file_path: "a.txt" },
    }]),
    parent_tool_use_id: null,
    session_id: SESSION,
  },
  {
    type: "result",
    subtype: "success",
    is_error: false,
    result: "Two files",
    session_id: SESSION,
    num_turns: 2,
    duration_ms: 5,
    duration_api_ms: 4,
    total_cost_usd: 0,
    usage: { input_tokens: 1, output_tokens: 1 },
    modelUsage: {},
    permission_denials: [],
  },
] as DecodedItem[];

async function cassetteOf(argv: string[], stdout: DecodedItem[]): Promise<Cassette> {
  const records: CassetteRecord[] = [
    { t: 0, stdin_eof: true },
    ...stdout.map((line, i) => ({
      t: 100 + i * 10,
      stdout: line as unknown as Record<string, unknown>,
    })),
    { t: 200, exit: { code: 0, signal: null } },
  ];
  return {
    header: await cassetteHeader(argv, {
      cli_version: "2.1.332",
      recorded_at: "2026-11-21T06:00:00.000Z",
    }),
    records,
  };
}

async function withDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: "claw-testing-" });
  try {
    return await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function failsWith(fn: () => unknown, message: string): void {
  throws(fn, (error: unknown) => {
    ok(error instanceof AssertionError, `expected an AssertionError, got ${error}`);
    assertEquals(error.message, message);
    return true;
  });
}

Deno.test("loadCassette reads a path or a file URL, and reports a broken line by number", () =>
  withDir(async (dir) => {
    const cassette = await cassetteOf(ARGV, EVENTS);
    const path = join(dir, "hi.ndjson");
    await Deno.writeTextFile(path, serializeCassette(cassette));
    assertEquals(await loadCassette(path), cassette);
    assertEquals(await loadCassette(toFileUrl(path)), cassette);

    await Deno.writeTextFile(path, serializeCassette(cassette).replace('{"t":110', "{t:110"));
    await rejects(
      loadCassette(path),
      (error: unknown) =>
        error instanceof CassetteFormatError && error.lineNumber === 4 && error.source === path,
    );
  }));

Deno.test("replaySpawner replays a cassette through run(), from memory or from a file, any number of times", () =>
  withDir(async (dir) => {
    const cassette = await cassetteOf(ARGV, EVENTS);
    const path = join(dir, "hi.ndjson");
    await Deno.writeTextFile(path, serializeCassette(cassette));
    for (const source of [cassette, path, toFileUrl(path)]) {
      const spawner = replaySpawner(source);
      assertEquals(await Array.fromAsync(run("Say hi", { spawner })), EVENTS);
      assertEquals(await run("Say hi", { spawner }).text(), "Two files");
    }
  }));

Deno.test("replaySpawner fails another run with cassette_miss and the first differing argv element", async () => {
  const spawner = replaySpawner(await cassetteOf(ARGV, EVENTS));
  const error = await run("Say hi", { spawner, model: "sonnet" }).text().then(
    () => undefined,
    (error: unknown) => error,
  );
  ok(error instanceof ClawError);
  assertResultKind(error, "cassette_miss");
  assertEquals(
    error.message,
    `This run does not match the cassette "<memory>" (key ${await cassetteKey([
      ...ARGV.slice(0, 3),
      "--model=sonnet",
      ...ARGV.slice(3),
    ])}): it differs at argv[0]: recorded (nothing), this run "--model=sonnet"`,
  );
});

Deno.test("replaySpawner plays at the recorded speed when asked", async () => {
  const spawner = replaySpawner(await cassetteOf(ARGV, EVENTS), { timing: "recorded" });
  const start = performance.now();
  await run("Say hi", { spawner }).text();
  const elapsed = performance.now() - start;
  ok(elapsed >= 199, `the recording lasted 200 ms, the replay ${elapsed} ms`);
});

Deno.test("withFakeClaude hands over a fake claude executable and removes it afterwards", () =>
  withDir(async (dir) => {
    await Deno.writeTextFile(
      join(dir, "hi.ndjson"),
      serializeCassette(await cassetteOf(ARGV, EVENTS)),
    );
    let path = "";
    const events = await withFakeClaude(dir, async (cli) => {
      path = cli;
      ok((await Deno.stat(cli)).mode! & 0o100, "the launcher is executable");
      return await Array.fromAsync(run("Say hi", { cli }));
    });
    assertEquals(events, EVENTS);
    await rejects(Deno.stat(path), Deno.errors.NotFound);

    // A miss in replay mode; the folder goes even when fn throws.
    await rejects(
      withFakeClaude(dir, async (cli) => {
        path = cli;
        await run("Say bye", { cli }).text();
      }),
      (error: unknown) => {
        assertResultKind(error, "cassette_miss");
        return /the nearest is "hi.ndjson", which differs at argv\[4\]/.test(String(error));
      },
    );
    await rejects(Deno.stat(path), Deno.errors.NotFound);
  }));

Deno.test("assertToolCalled finds a call by name and input subset, and says what was seen", () => {
  assertEquals(assertToolCalled(EVENTS, "Bash").id, "toolu_1");
  assertEquals(assertToolCalled(EVENTS, "Bash", { command: "ls -la" }).id, "toolu_1");
  assertEquals(assertToolCalled(EVENTS, "Bash", { options: { timeout: 5 } }).id, "toolu_1");
  assertEquals(assertToolCalled(EVENTS, "Read", {}).id, "toolu_2");
  const seen =
    'the run called Bash {"command":"ls -la","options":{"timeout":5,"env":["A"]}}, Read {"file_path":"a.txt"}';
  failsWith(
    () => assertToolCalled(EVENTS, "Write"),
    `Expected a call of the tool "Write": ${seen}`,
  );
  failsWith(
    () => assertToolCalled(EVENTS, "Bash", { command: "ls" }),
    `Expected a call of the tool "Bash" with an input including {"command":"ls"}: ${seen}`,
  );
  // Arrays must match whole.
  failsWith(
    () => assertToolCalled(EVENTS, "Bash", { options: { env: [] } }),
    `Expected a call of the tool "Bash" with an input including {"options":{"env":[]}}: ${seen}`,
  );
  failsWith(
    () => assertToolCalled(EVENTS.slice(-1), "Bash"),
    'Expected a call of the tool "Bash": the run made no tool calls',
  );
});

Deno.test("assertFinalText compares the last result's text with a string or a RegExp", () => {
  assertFinalText(EVENTS, "Two files");
  assertFinalText(EVENTS, /files$/);
  failsWith(
    () => assertFinalText(EVENTS, "Three files"),
    'Expected the final text to be "Three files": it is "Two files"',
  );
  failsWith(
    () => assertFinalText(EVENTS, /^three/i),
    'Expected the final text to match /^three/i: it is "Two files"',
  );
  failsWith(
    () => assertFinalText(EVENTS.slice(0, 2), "Two files"),
    'Expected the final text to be "Two files": the run has no result',
  );
  const maxTurns = [{
    type: "result",
    subtype: "error_max_turns",
    is_error: true,
    errors: ["Reached maximum number of turns (1)"],
    session_id: SESSION,
  }] as DecodedItem[];
  failsWith(
    () => assertFinalText(maxTurns, "x"),
    'Expected the final text to be "x": the result (error_max_turns) has no text',
  );
});

Deno.test("assertResultKind classifies events as run() does, or reads a ClawError's kind", () => {
  assertResultKind(EVENTS, "success");
  const rateLimited = [
    ...EVENTS.slice(0, 1),
    {
      type: "result",
      subtype: "success",
      is_error: true,
      result: "API Error: 429 Slow down",
      api_error_status: 429,
      session_id: SESSION,
    },
  ] as DecodedItem[];
  assertResultKind(rateLimited, "rate_limit");
  failsWith(
    () => assertResultKind(rateLimited, "success"),
    'Expected the run to end with "success": it ended with "rate_limit" (API Error: 429 Slow down)',
  );
  failsWith(
    () => assertResultKind(EVENTS, "max_turns"),
    'Expected the run to end with "max_turns": it ended with "success"',
  );
  failsWith(
    () => assertResultKind(EVENTS.slice(0, 1), "success"),
    'Expected the run to end with "success": it ended with "no result"',
  );
  assertResultKind(new ClawError("timeout", "The run timed out"), "timeout");
  failsWith(
    () => assertResultKind(new ClawError("timeout", "The run timed out"), "success"),
    'Expected the run to end with "success": it ended with "timeout" (The run timed out)',
  );
  failsWith(
    () => assertResultKind(new TypeError("boom"), "auth"),
    'Expected the run to end with "auth": pass its events or the ClawError it threw, not TypeError: boom',
  );
});
