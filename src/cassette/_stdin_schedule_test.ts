import { deepStrictEqual, match, strictEqual } from "node:assert";
import type { CassetteRecord } from "./cassette.ts";
import { type HostAction, StdinSchedule } from "./_stdin_schedule.ts";

let t = 0;
const out = (line: Record<string, unknown>): CassetteRecord => ({ t: ++t, stdout: line });
const inp = (line: Record<string, unknown>): CassetteRecord => ({
  t: ++t,
  stdin: JSON.stringify(line),
});
const EOF: CassetteRecord = { t: 1000, stdin_eof: true };
const EXIT: CassetteRecord = { t: 1001, exit: { code: 0, signal: null } };

const init = { type: "system", subtype: "init", session_id: "s" };
const result = { type: "result", subtype: "success", is_error: false };
const prompt = (text: string) => ({ type: "user", message: { role: "user", content: text } });
const ask = (id: string) => ({
  type: "control_request",
  request_id: id,
  request: { subtype: "can_use_tool", tool_name: "Bash", input: { command: "ls $CWD" } },
});
const answer = (id: string) => ({
  type: "control_response",
  response: { subtype: "success", request_id: id, response: { behavior: "allow" } },
});
const delta = {
  type: "stream_event",
  event: { type: "content_block_delta", delta: { type: "text_delta", text: "x" } },
};
const write = (line: Record<string, unknown>): HostAction => ({
  write: JSON.stringify(line) + "\n",
});
const live = (line: Record<string, unknown>) => JSON.stringify(line);

Deno.test("schedule answers the CLI's request once it is asked, with the live request id", () => {
  const schedule = new StdinSchedule(
    [
      inp(prompt("Run ls")),
      out(init),
      out(ask("recorded-1")),
      inp(answer("recorded-1")),
      out(result),
      EOF,
      EXIT,
    ],
    (line) => line.replaceAll("$CWD", "/live/cwd"),
  );
  deepStrictEqual(schedule.start(), [write(prompt("Run ls"))]);
  deepStrictEqual(schedule.observe(live(init)), []);
  deepStrictEqual(schedule.observe(live(ask("live-7"))), [write(answer("live-7"))]);
  deepStrictEqual(schedule.observe(live(result)), [{ close: true }]);
  strictEqual(schedule.done, true);
  strictEqual(schedule.end(), undefined);
});

Deno.test("schedule restores the live run's places in what it writes", () => {
  const schedule = new StdinSchedule(
    [inp({ type: "user", message: { role: "user", content: "Read $CWD/a.txt" } }), EOF, EXIT],
    (line) => line.replaceAll("$CWD", "/live/cwd"),
  );
  deepStrictEqual(schedule.start(), [
    write({ type: "user", message: { role: "user", content: "Read /live/cwd/a.txt" } }),
    { close: true },
  ]);
});

Deno.test("schedule counts the awaited kind since the previous input, not since the start", () => {
  const schedule = new StdinSchedule([
    inp(prompt("First")),
    out(delta),
    out(delta),
    out(result),
    inp(prompt("Tell a long story")),
    out(delta),
    inp({ type: "control_request", request_id: "h1", request: { subtype: "interrupt" } }),
    out(result),
    EOF,
    EXIT,
  ]);
  schedule.start();
  deepStrictEqual(schedule.observe(live(delta)), []);
  deepStrictEqual(schedule.observe(live(delta)), []);
  deepStrictEqual(schedule.observe(live(delta)), []);
  deepStrictEqual(schedule.observe(live(result)), [write(prompt("Tell a long story"))]);
  deepStrictEqual(schedule.observe(live(delta)), [
    write({ type: "control_request", request_id: "h1", request: { subtype: "interrupt" } }),
  ]);
});

Deno.test("schedule does not wait for a line the CLI printed in passing", () => {
  const status = { type: "system", subtype: "status", status: null };
  const schedule = new StdinSchedule([
    inp({ type: "control_request", request_id: "h1", request: { subtype: "initialize" } }),
    out({ type: "control_response", response: { subtype: "success", request_id: "h1" } }),
    out(status),
    inp(prompt("Hi")),
    out(result),
    EOF,
    EXIT,
  ]);
  schedule.start();
  deepStrictEqual(
    schedule.observe(
      live({ type: "control_response", response: { subtype: "success", request_id: "h1" } }),
    ),
    [write(prompt("Hi"))],
  );
});

Deno.test("schedule stops and closes stdin when a turn ends without the awaited request", () => {
  const schedule = new StdinSchedule([
    inp(prompt("Run ls")),
    out(ask("r1")),
    inp(answer("r1")),
    out(result),
    EOF,
    EXIT,
  ]);
  schedule.start();
  deepStrictEqual(schedule.observe(live(result)), [{ close: true }]);
  strictEqual(schedule.done, true);
  match(
    schedule.problem ?? "",
    /^stdin line 2 was written after the CLI's 1st control_request\/can_use_tool line, and this run ended a turn without it$/,
  );
});

Deno.test("schedule names what it waited for when the output ends first", () => {
  const schedule = new StdinSchedule([inp(prompt("Hi")), out(result), EOF, EXIT]);
  schedule.start();
  match(
    schedule.end() ?? "",
    /^the CLI's output ended before its 1st result\/success line, which the end of stdin waited for$/,
  );
});

Deno.test("schedule sends a recorded signal where the host sent it", () => {
  const schedule = new StdinSchedule([
    EOF,
    out(init),
    out(delta),
    { t: 50, kill: "SIGINT" },
    { t: 60, exit: { code: 130, signal: null } },
  ]);
  deepStrictEqual(schedule.start(), [{ close: true }]);
  deepStrictEqual(schedule.observe(live(init)), []);
  deepStrictEqual(schedule.observe(live(delta)), [{ kill: "SIGINT" }]);
});
