// Synthetic cassettes, generated here: they exercise the replay's matching rules, one at a time.
// The same rules on runs recorded from the real CLI and the Agent SDK: tests/sdk_replay_test.ts.
import { deepStrictEqual as assertEquals, ok } from "node:assert";
import { CassetteMissError } from "../errors/claw_error.ts";
import type { ClaudeProcess, Spawner } from "../process/spawn.ts";
import { cassetteSpawner } from "./cassette_spawner.ts";
import { cassetteHeader, type CassetteRecord } from "./cassette.ts";
import { replayCandidates, replayProcess } from "./replay.ts";
import { replayRequest } from "./replay_request.ts";

const ARGV = ["--input-format", "stream-json", "--output-format", "stream-json", "--verbose"];

async function recorded(path: string, records: CassetteRecord[]) {
  return { path, cassette: { header: await cassetteHeader(ARGV), records } };
}

const init = (id: string) =>
  `{"request_id":"${id}","type":"control_request","request":{"subtype":"initialize"}}`;
const initAnswer = (id: string) =>
  `{"type":"control_response","response":{"subtype":"success","request_id":"${id}","response":{"pid":7}}}`;
const user = (text: string) => `{"type":"user","message":{"role":"user","content":"${text}"}}`;

/** An SDK-shaped run: initialize with a random id, answered, then one prompt and its answer. */
function sdkRun(requestId: string, prompt: string, answer: string): CassetteRecord[] {
  return [
    { t: 1, stdin: init(requestId) },
    { t: 2, stdout_raw: initAnswer(requestId) },
    { t: 3, stdin: user(prompt) },
    { t: 4, stdout_raw: `{"type":"result","result":"${answer}"}` },
    { t: 5, stdin_eof: true },
    { t: 6, exit: { code: 0, signal: null } },
  ];
}

async function converse(process: ClaudeProcess, lines: string[]) {
  const writer = process.stdin.getWriter();
  const reader = process.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const out: string[] = [];
  for (const line of lines) {
    await writer.write(new TextEncoder().encode(`${line}\n`));
    const { value } = await reader.read();
    if (value !== undefined) out.push(value);
  }
  await writer.close().catch(() => {});
  for (let r = await reader.read(); !r.done; r = await reader.read()) out.push(r.value);
  return { out: out.join(""), status: await process.status };
}

Deno.test("an SDK run replays with fresh request ids: the answer carries the live id", async () => {
  const candidate = await recorded("hi.ndjson", sdkRun("rec7x", "Say hi", "Hello"));
  const { out, status } = await converse(replayCandidates([candidate]), [
    init("live9q"),
    user("Say hi"),
  ]);
  assertEquals(out, `${initAnswer("live9q")}\n{"type":"result","result":"Hello"}\n`);
  assertEquals(status, { code: 0, signal: null });
});

Deno.test("runs of one argv: the first prompt picks the cassette, after a shared initialize", async () => {
  const candidates = [
    await recorded("a.ndjson", sdkRun("r1", "Say hi", "Hello")),
    await recorded("b.ndjson", sdkRun("r2", "Say bye", "Goodbye")),
  ];
  const { out } = await converse(replayCandidates(candidates), [init("live"), user("Say bye")]);
  assertEquals(out, `${initAnswer("live")}\n{"type":"result","result":"Goodbye"}\n`);
});

Deno.test("a prompt none of them recorded misses, naming the nearest and the differing field", async () => {
  const candidates = [
    await recorded("a.ndjson", sdkRun("r1", "Say hi", "Hello")),
    await recorded("b.ndjson", sdkRun("r2", "Say bye", "Goodbye")),
  ];
  const { status } = await converse(replayCandidates(candidates), [init("live"), user("Say what")]);
  ok(status.failure instanceof CassetteMissError);
  assertEquals(
    status.failure.message,
    'stdin line 2 differs from the cassette "a.ndjson": message.content: recorded "Say hi", this run "Say what" (the nearest of the 2 cassettes recorded with these arguments)',
  );
});

Deno.test("a recorded signal is waited for, then the CLI's recorded answer to it plays", async () => {
  const process = replayProcess(
    (await recorded("int.ndjson", [
      { t: 1, stdout_raw: "working" },
      { t: 2, kill: "SIGINT" },
      { t: 3, stdout_raw: '{"type":"result","subtype":"error_during_execution"}' },
      { t: 4, exit: { code: 0, signal: null } },
    ])).cassette,
  );
  const reader = process.stdout.pipeThrough(new TextDecoderStream()).getReader();
  assertEquals((await reader.read()).value, "working\n");
  process.kill("SIGINT");
  assertEquals(
    (await reader.read()).value,
    '{"type":"result","subtype":"error_during_execution"}\n',
  );
  assertEquals(await process.status, { code: 0, signal: null }, "the recorded end, not 130");
});

Deno.test("another signal than the recorded one ends the replay at once", async () => {
  const process = replayProcess(
    (await recorded("int.ndjson", [
      { t: 1, kill: "SIGINT" },
      { t: 3, stdout_raw: "after" },
      { t: 4, exit: { code: 0, signal: null } },
    ])).cassette,
  );
  process.kill("SIGTERM");
  assertEquals(await new Response(process.stdout).text(), "");
  assertEquals(await process.status, { code: 143, signal: "SIGTERM" });
});

Deno.test("a run whose recording read no stdin ignores the lines the host writes", async () => {
  const process = replayProcess(
    (await recorded("p.ndjson", [
      { t: 1, stdout_raw: "answer" },
      { t: 2, stdin_eof: true },
      { t: 3, exit: { code: 0, signal: null } },
    ])).cassette,
  );
  const { out, status } = await converse(process, ["anything"]);
  assertEquals([out, status], ["answer\n", { code: 0, signal: null }]);
});

Deno.test("replayRequest restores the placeholders to the replaying run's own places", async () => {
  const cassette = (await recorded("init.ndjson", [
    {
      t: 1,
      stdout: {
        type: "system",
        cwd: "$CWD",
        memory: "$HOME/.claude/projects/$ESCAPED_CWD/memory",
        sock: "$TMP/cc-socks/1.sock",
      },
    },
    { t: 2, exit: { code: 0, signal: null } },
  ])).cassette;
  const source = {
    candidates: () => Promise.resolve([{ path: "init", cassette }]),
    cliVersion: () => Promise.resolve(null),
  };
  const process = await replayRequest({
    command: "claude",
    args: ["-p", "hi"],
    cwd: "/work/my app",
    env: { HOME: "/home/me", TMPDIR: "/var/tmp/x" },
  }, source);
  assertEquals(JSON.parse(await new Response(process.stdout).text()), {
    type: "system",
    cwd: "/work/my app",
    memory: "/home/me/.claude/projects/-work-my-app/memory",
    sock: "/var/tmp/x/cc-socks/1.sock",
  });
});

Deno.test("auto mode records a prompt no cassette of its argv has, after replaying the initialize", async () => {
  const dir = await Deno.makeTempDir({ prefix: "claw-auto-stdin-" });
  try {
    // The "real CLI": a stand-in that answers either prompt (the real one cannot be counted).
    const calls: string[][] = [];
    const real: Spawner = async (request) => {
      calls.push(request.args);
      return replayCandidates([
        await recorded("hi", sdkRun("r", "Say hi", "Hello")),
        await recorded("bye", sdkRun("r", "Say bye", "Goodbye")),
      ]);
    };
    const spawner = cassetteSpawner({ dir, mode: "auto", real });
    const session = async (id: string, prompt: string) =>
      converse(
        await spawner({ command: "claude", args: ARGV, env: {}, cwd: dir }),
        [init(id), user(prompt)],
      );

    assertEquals(
      (await session("a1", "Say hi")).out,
      `${initAnswer("a1")}\n{"type":"result","result":"Hello"}\n`,
    );
    assertEquals(calls.length, 1, "nothing recorded yet: the real CLI");

    const second = await session("b2", "Say bye");
    assertEquals(
      second.out,
      `${initAnswer("b2")}\n{"type":"result","result":"Goodbye"}\n`,
      "one answer to initialize",
    );
    assertEquals([calls.length, second.status], [2, { code: 0, signal: null }]);
    assertEquals(
      (await Array.fromAsync(Deno.readDir(dir))).length,
      2,
      "the new prompt was recorded",
    );

    const third = await session("c3", "Say bye");
    assertEquals(third.out, `${initAnswer("c3")}\n{"type":"result","result":"Goodbye"}\n`);
    assertEquals(calls.length, 2, "replayed, the real CLI not started");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a control request is answered as soon as it is in, though recorded after later stdin", async () => {
  // As an Agent SDK records: initialize and the prompt written back to back, then the answers.
  const cassette = (await recorded("sdk.ndjson", [
    { t: 1, stdin: init("rec1") },
    { t: 1, stdin: user("Say hi") },
    { t: 2, stdout_raw: initAnswer("rec1") },
    { t: 3, stdout_raw: '{"type":"result","result":"Hello"}' },
    { t: 4, stdin_eof: true },
    { t: 5, exit: { code: 0, signal: null } },
  ])).cassette;
  // A host that waits for the answer to initialize before it sends the prompt.
  const { out, status } = await converse(replayProcess(cassette), [init("live"), user("Say hi")]);
  assertEquals(out, `${initAnswer("live")}\n{"type":"result","result":"Hello"}\n`, "answered once");
  assertEquals(status, { code: 0, signal: null });
});

const mcpRequest = (id: string, method: string) =>
  `{"type":"control_request","request_id":"${id}","request":{"subtype":"mcp_message","server_name":"calc","message":{"jsonrpc":"2.0","method":"${method}"}}}`;
const mcpAnswer = (id: string, result = "{}") =>
  `{"type":"control_response","response":{"subtype":"success","request_id":"${id}","response":{"mcp_response":{"jsonrpc":"2.0","result":${result}}}}}`;
const result = (text: string) => `{"type":"result","result":"${text}"}`;

/**
 * A host that answers the CLI's `mcp_message` requests from a task of its own while it sends its
 * prompt, as recorded once: the answer to `m1` happened to reach the CLI before the prompt.
 */
const MCP_RUN: CassetteRecord[] = [
  { t: 1, stdin: init("c1") },
  { t: 2, stdout_raw: initAnswer("c1") },
  { t: 2, stdout_raw: mcpRequest("m1", "notifications/initialized") },
  { t: 3, stdin: mcpAnswer("m1") },
  { t: 3, stdin: user("Add 2 and 3") },
  { t: 4, stdout_raw: mcpRequest("m2", "tools/list") },
  { t: 5, stdin: mcpAnswer("m2", '{"tools":[]}') },
  { t: 6, stdout_raw: result("Five.") },
  { t: 7, stdin_eof: true },
  { t: 8, exit: { code: 0, signal: null } },
];

/**
 * Plays a host against `process`: for each step, reads stdout until a line containing `after`
 * (when given), then writes `lines`; closes stdin at the end and reads the rest.
 */
async function host(process: ClaudeProcess, steps: { after?: string; lines: string[] }[]) {
  const writer = process.stdin.getWriter();
  const lines = process.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const out: string[] = [];
  let buffer = "";
  const seen = async (needle: string) => {
    while (!buffer.includes(needle)) {
      const { value, done } = await lines.read();
      if (done) return;
      buffer += value;
    }
  };
  for (const step of steps) {
    if (step.after !== undefined) await seen(step.after);
    for (const line of step.lines) await writer.write(new TextEncoder().encode(`${line}\n`));
  }
  await writer.close().catch(() => {});
  for (let r = await lines.read(); !r.done; r = await lines.read()) out.push(r.value);
  return { out: buffer + out.join(""), status: await process.status };
}

const MCP_OUTPUT = [
  initAnswer("c1"),
  mcpRequest("m1", "notifications/initialized"),
  mcpRequest("m2", "tools/list"),
  result("Five."),
].map((line) => `${line}\n`).join("");

Deno.test("lines a host writes concurrently replay in either order: an mcp_message answer and the prompt", async () => {
  const { cassette } = await recorded("mcp.ndjson", MCP_RUN);
  for (
    const first of [[mcpAnswer("m1"), user("Add 2 and 3")], [user("Add 2 and 3"), mcpAnswer("m1")]]
  ) {
    const { out, status } = await host(replayProcess(cassette), [
      { lines: [init("c1")] },
      { after: '"notifications/initialized"', lines: first },
      { after: '"tools/list"', lines: [mcpAnswer("m2", '{"tools":[]}')] },
      { after: '"result"', lines: [] },
    ]);
    assertEquals([out, status], [MCP_OUTPUT, { code: 0, signal: null }], first.join(" then "));
  }
});

Deno.test("an answer to the CLI's request matches by its id, though recorded after output the host did not wait for", async () => {
  const cassette = (await recorded("late.ndjson", [
    { t: 1, stdout_raw: mcpRequest("m1", "tools/list") },
    { t: 2, stdin: user("Add 2 and 3") },
    { t: 3, stdout_raw: '{"type":"system","subtype":"status"}' },
    { t: 4, stdin: mcpAnswer("m1", '{"tools":[]}') },
    { t: 5, stdout_raw: result("Five.") },
    { t: 6, stdin_eof: true },
    { t: 7, exit: { code: 0, signal: null } },
  ])).cassette;
  const { out, status } = await host(replayProcess(cassette), [
    { after: '"tools/list"', lines: [mcpAnswer("m1", '{"tools":[]}'), user("Add 2 and 3")] },
    { after: '"result"', lines: [] },
  ]);
  assertEquals(out.split("\n").slice(0, -1), [
    mcpRequest("m1", "tools/list"),
    '{"type":"system","subtype":"status"}',
    result("Five."),
  ], "the output in its recorded order");
  assertEquals(status, { code: 0, signal: null });
});

Deno.test("a concurrent line that differs still misses, named against the recorded line of its type", async () => {
  const { cassette } = await recorded("mcp.ndjson", MCP_RUN);
  const miss = async (lines: string[]) => {
    const { status } = await host(replayProcess(cassette, { source: "mcp.ndjson" }), [
      { lines: [init("c1")] },
      { after: '"notifications/initialized"', lines },
    ]);
    ok(status.failure instanceof CassetteMissError);
    return status.failure.message;
  };
  assertEquals(
    await miss([user("Add 2 and 4"), mcpAnswer("m1")]),
    'stdin line 2 differs from the cassette "mcp.ndjson": message.content: recorded "Add 2 and 3", this run "Add 2 and 4"',
  );
  assertEquals(
    await miss([user("Add 2 and 3"), mcpAnswer("m1", '{"error":1}')]),
    'stdin line 3 differs from the cassette "mcp.ndjson": response.response.mcp_response.result.error: recorded (nothing), this run 1',
  );
});

Deno.test("a line the host writes before output it may wait for is not taken early: it misses", async () => {
  // Two turns: the second prompt was written after the first result, which the host may wait for.
  const cassette = (await recorded("turns.ndjson", [
    { t: 1, stdin: user("one") },
    { t: 2, stdout_raw: result("1") },
    { t: 3, stdin: user("two") },
    { t: 4, stdout_raw: result("2") },
    { t: 5, stdin_eof: true },
    { t: 6, exit: { code: 0, signal: null } },
  ])).cassette;
  const { out, status } = await host(replayProcess(cassette, { source: "turns.ndjson" }), [
    { lines: [user("two"), user("one")] },
  ]);
  assertEquals(out, "");
  assertEquals(
    status.failure?.message,
    'stdin line 1 differs from the cassette "turns.ndjson": message.content: recorded "one", this run "two"',
  );
});
