import { deepStrictEqual as assertEquals, ok, throws } from "node:assert";
import type { ClaudeProcess, ProcessStatus } from "../process/spawn.ts";
import { API_ERRORS } from "./_api_errors.ts";
import { type Cassette, cassetteHeader, parseCassette, readCassetteFile } from "./cassette.ts";
import { cassetteSpawner } from "./cassette_spawner.ts";
import { API_ERROR_KINDS, type Fault, faultsFromEnv, parseFaults, withFaults } from "./faults.ts";
import { replayProcess } from "./replay.ts";

const TEXT_SIMPLE = new URL("../../fixtures/cassettes/2.1.332/text_simple.ndjson", import.meta.url);

/** What a process printed and how it ended; its stdin is closed first unless `stdin` is `"open"`. */
async function drain(process: ClaudeProcess, stdin: "close" | "open" = "close") {
  if (stdin === "close") await process.stdin.close();
  const [stdout, stderr, status] = await Promise.all([
    new Response(process.stdout).text(),
    new Response(process.stderr).text(),
    process.status,
  ]);
  return { lines: stdout.split("\n").filter((line) => line !== ""), stderr, status };
}

/** text_simple of 2.1.332 (system/init, assistant, result, exit 0), replayed with `faults`. */
async function textSimple(faults: readonly Fault[], cliVersion?: string) {
  const cassette = await readCassetteFile(TEXT_SIMPLE);
  return withFaults(replayProcess(cassette), faults, cliVersion ? { cliVersion } : {});
}

const types = (lines: string[]) => lines.map((line) => JSON.parse(line).type);

Deno.test("parseFaults reads each form, and a stderr text keeps its commas", () => {
  assertEquals(
    parseFaults("exit-after:0:255,latency:50,stderr:some text, with a comma, stderr:x"),
    [
      { kind: "exit-after", lines: 0, code: 255 },
      { kind: "latency", ms: 50 },
      { kind: "stderr", text: "some text, with a comma" },
      { kind: "stderr", text: "x" },
    ],
  );
  assertEquals(parseFaults("crash-after:3,latency:0"), [
    { kind: "crash-after", lines: 3 },
    { kind: "latency", ms: 0 },
  ]);
  assertEquals(parseFaults("stall-after:1"), [{ kind: "stall-after", lines: 1 }]);
  for (const error of API_ERROR_KINDS) {
    assertEquals(parseFaults(`api-error:${error},stderr:`), [
      { kind: "api-error", error },
      { kind: "stderr", text: "" },
    ]);
  }
  assertEquals(parseFaults(""), []);
});

Deno.test("parseFaults refuses each bad form in one message that names the piece and lists the forms", () => {
  const cases: [string, RegExp][] = [
    ["boom:1", /^Invalid fault "boom:1": unknown kind "boom": use crash-after:N, /],
    ["crash-after", /^Invalid fault "crash-after": expected KIND:VALUE: use /],
    ["crash-after:-1", /^Invalid fault "crash-after:-1": N must be a whole number >= 0: use /],
    ["stall-after:1.5", /^Invalid fault "stall-after:1.5": N must be a whole number >= 0/],
    ["latency:soon", /^Invalid fault "latency:soon": MS must be a whole number >= 0/],
    ["exit-after:2", /^Invalid fault "exit-after:2": expected exit-after:N:CODE/],
    [
      "exit-after:2:256",
      /^Invalid fault "exit-after:2:256": CODE must be a whole number from 0 to 255/,
    ],
    ["exit-after:x:1", /^Invalid fault "exit-after:x:1": N must be a whole number >= 0/],
    ["api-error:teapot", /^Invalid fault "api-error:teapot": unknown API error kind "teapot"/],
    ["crash-after:3,", /^Invalid fault "": expected KIND:VALUE/],
    ["crash-after:1,boom:2", /^Invalid fault "boom:2": unknown kind "boom"/],
    [
      "crash-after:1,latency:5,api-error:auth",
      /^Invalid faults "crash-after:1" and "api-error:auth": only one of crash-after, exit-after, stall-after and api-error can end a run: keep one$/,
    ],
    ["stall-after:1,exit-after:1:0", /^Invalid faults "stall-after:1" and "exit-after:1:0"/],
  ];
  for (const [text, message] of cases) {
    throws(() => parseFaults(text), (error: unknown) => {
      ok(error instanceof TypeError, text);
      ok(message.test(error.message), `${text}: ${error.message}`);
      ok(
        /\(KIND: overloaded, rate_limit, context_window, auth, provider_internal\)/.test(
          error.message,
        ) || /^Invalid faults/.test(error.message),
        `${text} lists the forms: ${error.message}`,
      );
      return true;
    });
  }
});

Deno.test("a bad CLAW_CASSETTE_FAULTS is refused naming the variable", () => {
  assertEquals(faultsFromEnv({}), []);
  assertEquals(faultsFromEnv({ CLAW_CASSETTE_FAULTS: "latency:1" }), [{ kind: "latency", ms: 1 }]);
  throws(
    () => faultsFromEnv({ CLAW_CASSETTE_FAULTS: "crash-after:x" }),
    /^TypeError: Invalid fault "crash-after:x" in CLAW_CASSETTE_FAULTS: N must be/,
  );
});

Deno.test("withFaults refuses two faults that each end the run", async () => {
  const replay = replayProcess(await readCassetteFile(TEXT_SIMPLE));
  throws(
    () =>
      withFaults(replay, [{ kind: "crash-after", lines: 1 }, { kind: "api-error", error: "auth" }]),
    /only one of crash-after, exit-after, stall-after and api-error can end a run, got crash-after and api-error/,
  );
  await drain(replay);
});

Deno.test("no faults leave the replay as it is", async () => {
  const replay = replayProcess(await readCassetteFile(TEXT_SIMPLE));
  ok(withFaults(replay, []) === replay);
  await drain(replay);
});

Deno.test("crash-after:N prints N lines and dies by SIGKILL", async () => {
  const { lines, status } = await drain(await textSimple(parseFaults("crash-after:2")));
  assertEquals(types(lines), ["system", "assistant"]);
  assertEquals(status, { code: 137, signal: "SIGKILL" });
  const none = await drain(await textSimple(parseFaults("crash-after:0")));
  assertEquals([none.lines, none.status], [[], { code: 137, signal: "SIGKILL" }]);
});

Deno.test("exit-after:N:CODE prints N lines and exits with CODE", async () => {
  const { lines, status } = await drain(await textSimple(parseFaults("exit-after:1:3")));
  assertEquals(types(lines), ["system"]);
  assertEquals(status, { code: 3, signal: null });
});

Deno.test("a fault past the replay's last line leaves the replay's own end", async () => {
  const { lines, status } = await drain(await textSimple(parseFaults("crash-after:4")));
  assertEquals(types(lines), ["system", "assistant", "result"]);
  assertEquals(status, { code: 0, signal: null });
});

Deno.test("latency and stderr change no line: the text comes first on stderr", async () => {
  const plain = await drain(replayProcess(await readCassetteFile(TEXT_SIMPLE)));
  const faulted = await drain(
    await textSimple(parseFaults("latency:1,stderr:careful, hot,stderr:2")),
  );
  assertEquals(faulted.lines, plain.lines);
  assertEquals(faulted.stderr, "careful, hot\n2\n");
  assertEquals(faulted.status, plain.status);
});

Deno.test("stall-after:N prints N lines, then nothing until a signal ends it", async () => {
  const stalled = await textSimple(parseFaults("stall-after:1"));
  await stalled.stdin.close();
  const reader = stalled.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.endsWith("\n")) text += (await reader.read()).value ?? "";
  assertEquals(types([text.trimEnd()]), ["system"]);
  let settled: ProcessStatus | undefined;
  stalled.status.then((status) => settled = status);
  await new Promise((resolve) => setTimeout(resolve, 20));
  assertEquals(settled, undefined);
  stalled.kill("SIGINT");
  assertEquals(await reader.read(), { value: undefined, done: true });
  assertEquals(await stalled.status, { code: 130, signal: "SIGINT" });
  await new Response(stalled.stderr).text();
});

/** A cassette that prints `lines`, then waits for a stdin line that never comes. */
async function waitingCassette(lines: string[]): Promise<Cassette> {
  return {
    header: await cassetteHeader(["-p"]),
    records: [
      ...lines.map((line) => ({ t: 0, stdout_raw: line })),
      { t: 0, stdin: "never written" },
      { t: 0, exit: { code: 0, signal: null } },
    ],
  };
}

Deno.test("a fault that ends the run stops the replay under it", async () => {
  const replay = replayProcess(await waitingCassette(["one", "two", "three"]));
  const { lines, status } = await drain(withFaults(replay, parseFaults("exit-after:2:9")), "open");
  assertEquals([lines, status], [["one", "two"], { code: 9, signal: null }]);
  assertEquals(await replay.status, { code: 137, signal: "SIGKILL" });
});

Deno.test("kill() reaches the replay while no fault has acted", async () => {
  const replay = replayProcess(await waitingCassette(["one"]));
  const faulted = withFaults(replay, parseFaults("crash-after:5,latency:1"));
  const reader = faulted.stdout.getReader();
  await reader.read();
  faulted.kill("SIGTERM");
  assertEquals(await faulted.status, { code: 143, signal: "SIGTERM" });
  assertEquals(await replay.status, { code: 143, signal: "SIGTERM" });
  await reader.cancel();
  await new Response(faulted.stderr).text();
});

Deno.test("kill() after the replay exited ends the lines still paced, killed by that signal", async () => {
  const replay = replayProcess(await readCassetteFile(TEXT_SIMPLE));
  const slow = withFaults(replay, parseFaults("latency:60000"));
  await slow.stdin.close();
  await replay.status;
  slow.kill("SIGINT");
  const { lines, status } = await drain(slow, "open");
  assertEquals([lines, status], [[], { code: 130, signal: "SIGINT" }]);
});

Deno.test("kill() after the replay exited leaves what it printed to read, without latency", async () => {
  const replay = replayProcess(await readCassetteFile(TEXT_SIMPLE));
  const faulted = withFaults(replay, parseFaults("stderr:x"));
  await faulted.stdin.close();
  await replay.status;
  faulted.kill("SIGINT");
  const { lines, status } = await drain(faulted, "open");
  assertEquals([types(lines), status], [["system", "assistant", "result"], {
    code: 0,
    signal: null,
  }]);
});

Deno.test("api-error:KIND ends a replay with the recorded lines of each version, in the run's session", async () => {
  for (const version of Object.keys(API_ERRORS)) {
    for (const error of API_ERROR_KINDS) {
      const recorded = API_ERRORS[version]![error];
      const { lines, stderr, status } = await drain(
        await textSimple([{ kind: "api-error", error }], version),
      );
      const [init, ...rest] = lines.map((line) => JSON.parse(line));
      assertEquals(init.subtype, "init");
      assertEquals(rest.length, recorded.stdout.length);
      rest.forEach((line, i) => {
        assertEquals(line, { ...JSON.parse(recorded.stdout[i]!), session_id: init.session_id });
      });
      assertEquals(rest.at(-1).type, "result");
      assertEquals(stderr, recorded.stderr.map((line) => `${line}\n`).join(""));
      assertEquals(status, { code: recorded.code, signal: null });
    }
  }
});

Deno.test("api-error:KIND takes the newest version's lines for a version the corpus lacks", async () => {
  const newest = API_ERRORS["2.1.337"]!.rate_limit.stdout.at(-1)!;
  for (const cliVersion of [undefined, "9.9.9"]) {
    const { lines } = await drain(
      await textSimple(parseFaults("api-error:rate_limit"), cliVersion),
    );
    assertEquals(JSON.parse(lines.at(-1)!).uuid, JSON.parse(newest).uuid);
  }
});

Deno.test("api-error:KIND lets control and system lines through, then stops the replay", async () => {
  const init = { type: "system", subtype: "init", session_id: "live-session" };
  const replay = replayProcess(
    await waitingCassette([
      JSON.stringify({ type: "control_response", response: { request_id: "1" } }),
      JSON.stringify(init),
      JSON.stringify({ type: "system", subtype: "status" }),
      JSON.stringify({ type: "assistant", session_id: "live-session" }),
    ]),
  );
  const { lines, status } = await drain(withFaults(replay, parseFaults("api-error:auth")), "open");
  assertEquals(types(lines.slice(0, 3)), ["control_response", "system", "system"]);
  const injected = lines.slice(3).map((line) => JSON.parse(line));
  assertEquals(injected.map((line) => line.session_id), injected.map(() => "live-session"));
  assertEquals(injected.at(-1).is_error, true);
  assertEquals(status, { code: 1, signal: null });
  assertEquals(await replay.status, { code: 137, signal: "SIGKILL" });
});

Deno.test("faults pass stdin through to the replay", async () => {
  const cassette = parseCassette(
    [
      JSON.stringify(await cassetteHeader(["-p"])),
      JSON.stringify({ t: 0, stdin: "hello" }),
      JSON.stringify({ t: 0, stdout_raw: "heard" }),
      JSON.stringify({ t: 0, exit: { code: 0, signal: null } }),
    ].join("\n"),
  );
  const faulted = withFaults(replayProcess(cassette), parseFaults("stderr:x"));
  const writer = faulted.stdin.getWriter();
  await writer.write(new TextEncoder().encode("hello\n"));
  await writer.close();
  const [stdout, status] = await Promise.all([new Response(faulted.stdout).text(), faulted.status]);
  assertEquals([stdout, status], ["heard\n", { code: 0, signal: null }]);
  await new Response(faulted.stderr).text();
});

Deno.test("cassetteSpawner injects its faults into replayed runs, not into --version probes", async () => {
  const indexes: number[] = [];
  const spawner = cassetteSpawner({
    dir: new URL("../../fixtures/cassettes/2.1.332", import.meta.url).pathname,
    mode: "replay",
    faults: ({ index }) => {
      indexes.push(index);
      return parseFaults("crash-after:1");
    },
  });
  const request = (args: string[]) => spawner({ command: "claude", args, env: {} });
  const version = await drain(await request(["--version"]));
  assertEquals(version.lines, ["2.1.332 (Claude Code)"]);
  const argv = ["-p", "--output-format=stream-json", "--verbose", "--", "Say hello"];
  for (let run = 0; run < 2; run++) {
    const { lines, status } = await drain(await request(argv));
    assertEquals([types(lines), status], [["system"], { code: 137, signal: "SIGKILL" }]);
  }
  assertEquals(indexes, [0, 1]);
});

Deno.test("cassetteSpawner refuses a bad CLAW_CASSETTE_FAULTS when it is made", () => {
  Deno.env.set("CLAW_CASSETTE_FAULTS", "latency:-1");
  try {
    throws(
      () => cassetteSpawner({ dir: "fixtures/cassettes/2.1.332", mode: "replay" }),
      /^TypeError: Invalid fault "latency:-1" in CLAW_CASSETTE_FAULTS: MS must be a whole number/,
    );
  } finally {
    Deno.env.delete("CLAW_CASSETTE_FAULTS");
  }
});
