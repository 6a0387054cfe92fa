import { deepStrictEqual as assertEquals, match, ok } from "node:assert";
import { CassetteMissError } from "../errors/claw_error.ts";
import type { ClaudeProcess, ProcessStatus } from "../process/spawn.ts";
import type { Cassette, CassetteRecord } from "./cassette.ts";
import { replayProcess } from "./replay.ts";

function cassetteOf(records: CassetteRecord[]): Cassette {
  return {
    header: {
      type: "claw_cassette",
      format: 1,
      key: "k1:test",
      cli_version: "2.1.332",
      argv: ["-p"],
      env: [],
      cwd: "$CWD",
      recorded_at: "2026-11-21T06:00:00.000Z",
    },
    records,
  };
}

const encoder = new TextEncoder();

/** Reads a replayed stream record by record (replay enqueues one chunk per record). */
function chunks(stream: ReadableStream<Uint8Array>) {
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  return {
    next: async () => (await reader.read()).value,
    /** The next chunk, or `"(nothing yet)"` if none comes within `ms`. */
    within: async (ms: number) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const quiet = new Promise<string>((resolve) =>
        timer = setTimeout(resolve, ms, "(nothing yet)")
      );
      const pending = reader.read().then((r) => r.value);
      const first = await Promise.race([pending, quiet]);
      clearTimeout(timer);
      return { first, pending };
    },
    rest: async () => {
      let text = "";
      for (let r = await reader.read(); !r.done; r = await reader.read()) text += r.value;
      return text;
    },
  };
}

async function settledWithin(status: Promise<ProcessStatus>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const settled = await Promise.race([
    status.then(() => true),
    new Promise<boolean>((resolve) => timer = setTimeout(resolve, ms, false)),
  ]);
  clearTimeout(timer);
  return settled;
}

function delay<T>(ms: number, value: T): Promise<T> {
  return new Promise((resolve) => setTimeout(resolve, ms, value));
}

async function write(process: ClaudeProcess, text: string): Promise<void> {
  const writer = process.stdin.getWriter();
  await writer.write(encoder.encode(text));
  writer.releaseLock();
}

Deno.test("replay plays stdout and stderr lines in the recorded order, then the exit code", async () => {
  const cassette = cassetteOf([
    { t: 0, stdin_eof: true },
    { t: 0, stdout: { type: "system", subtype: "init" } },
    { t: 25, stderr: "first warning" },
    { t: 50, stdout_raw: "[debug] noise" },
    { t: 75, stderr: "cut warning", eol: false },
    { t: 100, stdout_raw: '{"type":"res', eol: false },
    { t: 110, exit: { code: 2, signal: null } },
  ]);
  // Recorded timing spaces the records out, so the order of arrival across the two streams shows.
  await using child = replayProcess(cassette, { timing: "recorded" });
  await child.stdin.close();
  const arrivals: string[] = [];
  const collect = async (name: string, stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
      arrivals.push(`${name}:${chunk}`);
    }
  };
  await Promise.all([collect("out", child.stdout), collect("err", child.stderr)]);
  assertEquals(arrivals, [
    'out:{"type":"system","subtype":"init"}\n',
    "err:first warning\n",
    "out:[debug] noise\n",
    "err:cut warning",
    'out:{"type":"res',
  ]);
  assertEquals(await child.status, { code: 2, signal: null });
  assertEquals(child.pid, undefined);
});

Deno.test("output recorded after a stdin line waits until that line is written", async () => {
  const cassette = cassetteOf([
    { t: 0, stdout_raw: "ready" },
    { t: 1, stdin: '{"type":"user","message":{"role":"user","content":"go"}}' },
    { t: 2, stdout_raw: "after go" },
    { t: 3, stdin_eof: true },
    { t: 4, stdout_raw: "after eof" },
    { t: 5, exit: { code: 0, signal: null } },
  ]);
  await using child = replayProcess(cassette);
  const stdout = chunks(child.stdout);
  assertEquals(await stdout.next(), "ready\n");
  let next = await stdout.within(100);
  assertEquals(next.first, "(nothing yet)", "nothing may come before the stdin line");
  ok(!await settledWithin(child.status, 0));
  // The line arrives in pieces; only the complete line opens the gate.
  await write(child, '{"type":"user","message":');
  assertEquals(await Promise.race([next.pending, delay(50, "(nothing yet)")]), "(nothing yet)");
  await write(child, '{"role":"user","content":"go"}}\n');
  assertEquals(await next.pending, "after go\n");
  next = await stdout.within(100);
  assertEquals(next.first, "(nothing yet)", "nothing may come before stdin closes");
  await child.stdin.close();
  assertEquals(await next.pending, "after eof\n");
  assertEquals(await child.status, { code: 0, signal: null });
});

Deno.test("a stdin line that differs from the recording ends the replay with a miss and exit 1", async () => {
  const cassette = cassetteOf([
    { t: 0, stdout_raw: "ready" },
    { t: 1, stdin: "go" },
    { t: 2, stdout_raw: "only after go" },
    { t: 3, exit: { code: 0, signal: null } },
  ]);
  await using child = replayProcess(cassette, { source: "cassettes/session.ndjson" });
  await write(child, "stop\n");
  const [stdout, stderr] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
  ]);
  assertEquals([stdout, stderr], ["ready\n", ""]);
  const status = await child.status;
  assertEquals([status.code, status.signal], [1, null]);
  ok(status.failure instanceof CassetteMissError, "a typed failure, not text on stderr");
  assertEquals(
    status.failure?.message,
    'stdin line 1 differs from the cassette "cassettes/session.ndjson": recorded "go", this run "stop"',
  );
});

Deno.test("closing stdin where the recording has another line is a miss", async () => {
  const child = replayProcess(cassetteOf([
    { t: 1, stdin: "go" },
    { t: 3, exit: { code: 0, signal: null } },
  ]));
  await child.stdin.close();
  const status = await child.status;
  assertEquals(status.code, 1);
  ok(status.failure instanceof CassetteMissError);
  match(status.failure.message, /^stdin line 1 differs .*recorded "go", this run closed stdin$/);
});

Deno.test("stdin lines are compared redacted, as they were saved", async () => {
  const cassette = cassetteOf([
    { t: 1, stdin: '{"text":"mail [REDACTED_EMAIL] in $CWD/a.txt"}' },
    { t: 2, stdout_raw: "matched" },
    { t: 3, exit: { code: 0, signal: null } },
  ]);
  const child = replayProcess(cassette, {
    redact: (line) =>
      line.replaceAll("/home/me/project", "$CWD").replace(/\S+@example\.com/, "[REDACTED_EMAIL]"),
  });
  await write(child, '{"text":"mail me@example.com in /home/me/project/a.txt"}\n');
  assertEquals(await new Response(child.stdout).text(), "matched\n");
  assertEquals(await child.status, { code: 0, signal: null });

  // Without a `redact` option the secret patterns still apply.
  const plain = replayProcess(cassetteOf([
    { t: 1, stdin: "key [REDACTED_API_KEY]", eol: false },
    { t: 3, exit: { code: 0, signal: null } },
  ]));
  await write(plain, "key sk-ant-api03-abcdef");
  await plain.stdin.close();
  assertEquals(await plain.status, { code: 0, signal: null });
});

Deno.test("a cassette without an exit record ends with a miss", async () => {
  const child = replayProcess(cassetteOf([{ t: 0, stdout_raw: "hi" }]), { source: "cut.ndjson" });
  const [stdout, stderr] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
  ]);
  assertEquals([stdout, stderr], ["hi\n", ""]);
  const status = await child.status;
  assertEquals(status.code, 1);
  assertEquals(
    status.failure?.message,
    'The cassette "cut.ndjson" has no exit record: re-record it',
  );
});

Deno.test("a recorded signal exit replays as that signal", async () => {
  const child = replayProcess(cassetteOf([{ t: 0, exit: { code: 143, signal: "SIGTERM" } }]));
  assertEquals(await child.status, { code: 143, signal: "SIGTERM" });
});

const HOUR = 3_600_000;

Deno.test("instant timing ignores the recorded delays", async () => {
  const child = replayProcess(cassetteOf([
    { t: 0, stdout_raw: "start" },
    { t: HOUR, stdout_raw: "an hour later" },
    { t: HOUR, exit: { code: 0, signal: null } },
  ]));
  // Would take an hour with the recorded delays; the test's own time limit would catch it.
  assertEquals(await new Response(child.stdout).text(), "start\nan hour later\n");
  assertEquals(await child.status, { code: 0, signal: null });
});

/** When each stdout chunk arrived, in ms after the replay started. */
async function arrivalTimes(cassette: Cassette, timing: "recorded" | number): Promise<number[]> {
  const start = performance.now();
  const child = replayProcess(cassette, { timing });
  const times: number[] = [];
  for await (const _ of child.stdout) times.push(performance.now() - start);
  await child.status;
  return times;
}

Deno.test("recorded timing keeps the delays and a factor scales them, in order", async () => {
  const cassette = cassetteOf([
    { t: 0, stdout_raw: "a" },
    { t: 60, stdout_raw: "b" },
    { t: 120, stdout_raw: "c" },
    { t: 120, exit: { code: 0, signal: null } },
  ]);
  // Lower bounds only (timers never fire early); 1 ms of slack for clock rounding.
  const recorded = await arrivalTimes(cassette, "recorded");
  ok(recorded[1]! >= 59 && recorded[2]! >= 119, `recorded arrivals ${recorded}`);
  const half = await arrivalTimes(cassette, 0.5);
  ok(half[1]! >= 29 && half[2]! >= 59, `arrivals at 0.5× ${half}`);
  for (const times of [recorded, half]) {
    ok(times.every((t, i) => i === 0 || t >= times[i - 1]!), `in order: ${times}`);
  }
  // A small factor plays an hour-long recording in a fraction of it, still waiting its share.
  const hour = cassetteOf([
    { t: 0, stdout_raw: "a" },
    { t: HOUR, stdout_raw: "b" },
    { t: HOUR, exit: { code: 0, signal: null } },
  ]);
  const scaled = await arrivalTimes(hour, 0.00005);
  ok(scaled[1]! >= 179, `an hour at 0.00005× takes at least 180 ms: ${scaled}`);
});

Deno.test("with recorded timing, output after a late stdin line keeps its recorded delay", async () => {
  const child = replayProcess(
    cassetteOf([
      { t: 10, stdin: "go" },
      { t: 110, stdout_raw: "answer" },
      { t: 110, exit: { code: 0, signal: null } },
    ]),
    { timing: "recorded" },
  );
  await new Promise((resolve) => setTimeout(resolve, 250)); // later than the recorded 10 ms
  const written = performance.now();
  await write(child, "go\n");
  const stdout = chunks(child.stdout);
  assertEquals(await stdout.next(), "answer\n");
  const delay = performance.now() - written;
  ok(delay >= 99, `the answer came ${delay} ms after the line; recorded 100 ms`);
  assertEquals(await child.status, { code: 0, signal: null });
});

Deno.test("kill ends the replay with the signal's status and closes the streams", async () => {
  for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143], ["SIGKILL", 137]] as const) {
    const child = replayProcess(
      cassetteOf([
        { t: 0, stdout_raw: "a" },
        { t: HOUR, stdout_raw: "never" },
        { t: HOUR, exit: { code: 0, signal: null } },
      ]),
      { timing: "recorded" },
    );
    const stdout = chunks(child.stdout);
    assertEquals(await stdout.next(), "a\n");
    child.kill(signal);
    assertEquals(await child.status, { code, signal });
    assertEquals(await stdout.rest(), "");
    assertEquals(await new Response(child.stderr).text(), "");
    child.kill("SIGKILL"); // a no-op once ended
  }
});

Deno.test("kill while waiting for stdin, and dispose, end the replay", async () => {
  const waiting = replayProcess(cassetteOf([
    { t: 0, stdin: "go" },
    { t: 1, exit: { code: 0, signal: null } },
  ]));
  waiting.kill();
  assertEquals(await waiting.status, { code: 143, signal: "SIGTERM" });

  let status: Promise<ProcessStatus>;
  {
    await using disposed = replayProcess(cassetteOf([
      { t: 0, stdin_eof: true },
      { t: 1, exit: { code: 0, signal: null } },
    ]));
    status = disposed.status;
  }
  assertEquals(await status, { code: 143, signal: "SIGTERM" });
});
