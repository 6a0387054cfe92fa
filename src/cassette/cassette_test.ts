import { deepStrictEqual as assertEquals, match, ok, strictEqual, throws } from "node:assert";
import {
  type Cassette,
  CASSETTE_FORMAT,
  CassetteFormatError,
  cassetteHeader,
  cassetteKey,
  type CassetteRecord,
  looksLikeCassette,
  parseCassette,
  serializeCassette,
  stdoutRecord,
  stdoutText,
} from "./cassette.ts";

const ARGV = ["-p", "--output-format=stream-json", "--verbose", "--", "Say hi"];

async function sample(): Promise<Cassette> {
  const records: CassetteRecord[] = [
    { t: 0, stdin: '{"type":"user","message":{"role":"user","content":"hi"}}' },
    { t: 0.4, stdin: "tail without newline", eol: false },
    { t: 0.5, stdin_eof: true },
    { t: 12.5, stdout: { type: "system", subtype: "init", session_id: "s-1" } },
    { t: 13, stdout_raw: "[debug] not json" },
    { t: 14, stderr: "a warning: 日本語 🚀" },
    { t: 15, stderr: "no newline", eol: false },
    { t: 16, stdout_raw: '{"type":"result"', eol: false },
    { t: 17.1, exit: { code: 1, signal: null } },
  ];
  return {
    header: {
      type: "claw_cassette",
      format: CASSETTE_FORMAT,
      key: await cassetteKey(ARGV),
      cli_version: "2.1.332",
      argv: ARGV,
      env: ["ANTHROPIC_API_KEY", "HOME"],
      cwd: "$CWD",
      recorded_at: "2026-11-21T06:00:00.000Z",
    },
    records,
  };
}

Deno.test("a cassette survives serialise and parse unchanged, one JSON value per line", async () => {
  const cassette = await sample();
  const text = serializeCassette(cassette);
  assertEquals(parseCassette(text), cassette);
  const lines = text.split("\n");
  assertEquals(lines.length, cassette.records.length + 2); // header, records, final newline
  assertEquals(lines.at(-1), "");
  ok(looksLikeCassette(lines[0]!));
  for (const line of lines.slice(0, -1)) JSON.parse(line);
});

Deno.test("a cassette with CRLF line ends (a Windows checkout) still parses", async () => {
  const cassette = await sample();
  const text = serializeCassette(cassette).replaceAll("\n", "\r\n");
  assertEquals(parseCassette(text), cassette);
});

Deno.test("an unknown format version is refused with a message that says what to do", async () => {
  const cassette = await sample();
  const text = serializeCassette({ ...cassette, header: { ...cassette.header, format: 2 } });
  throws(() => parseCassette(text, "cassettes/new.ndjson"), (error: unknown) => {
    ok(error instanceof CassetteFormatError && error instanceof SyntaxError);
    assertEquals([error.name, error.source, error.lineNumber], [
      "CassetteFormatError",
      "cassettes/new.ndjson",
      1,
    ]);
    match(error.message, /^Cannot read cassette "cassettes\/new.ndjson": it has format 2/);
    match(error.message, /this claw reads format 1; re-record it with this claw \(claw record\)/);
    return true;
  });
});

Deno.test("a broken line is reported with its line number", async () => {
  const lines = serializeCassette(await sample()).split("\n");
  lines[3] = '{"t":12.5,"stdout":{"type":"sys';
  throws(() => parseCassette(lines.join("\n"), "cut.ndjson"), (error: unknown) => {
    ok(error instanceof CassetteFormatError);
    assertEquals(error.lineNumber, 4);
    match(
      error.message,
      /^Cannot read cassette "cut.ndjson": line 4 is not JSON \(.+\); re-record/,
    );
    return true;
  });
  lines[3] = '{"stdout":{"type":"system"}}';
  throws(
    () => parseCassette(lines.join("\n"), "cut.ndjson"),
    (error: unknown) =>
      error instanceof CassetteFormatError && error.lineNumber === 4 &&
      /line 4 is not a record with a time "t"/.test(error.message),
  );
});

Deno.test("a file that is not a cassette says how to record one; an empty one says it is empty", () => {
  throws(
    () => parseCassette('{"type":"system","subtype":"init"}\n', "transcript.ndjson"),
    (error: unknown) =>
      error instanceof CassetteFormatError && error.lineNumber === 1 &&
      /not a claw cassette header; record one with claw record -o FILE/.test(error.message),
  );
  throws(
    () => parseCassette("\n\n", "empty.ndjson"),
    (error: unknown) =>
      error instanceof CassetteFormatError && error.message.endsWith("it is empty"),
  );
  throws(
    () => parseCassette('{"type":"claw_cassette","format":1}\n'),
    /the header has no key or argv/,
  );
});

Deno.test("stdout lines are kept as objects only when they re-serialise byte for byte", () => {
  assertEquals(stdoutRecord(1, '{"type":"keep_alive","n":1}', true), {
    t: 1,
    stdout: { type: "keep_alive", n: 1 },
  });
  // Spaces, escapes JSON.stringify would write differently, and a cut last line stay raw text.
  for (const line of ['{"type": "keep_alive"}', '{"text":"\\u00e9"}', "[1,2]", "noise"]) {
    assertEquals(stdoutRecord(2, line, true), { t: 2, stdout_raw: line });
  }
  assertEquals(stdoutRecord(3, '{"type":"keep_alive"}', false), {
    t: 3,
    stdout_raw: '{"type":"keep_alive"}',
    eol: false,
  });
  for (const line of ['{"type":"keep_alive","n":1}', '{"text":"\\u00e9"}', "noise"]) {
    assertEquals(stdoutText(stdoutRecord(0, line, true)), line);
  }
});

Deno.test("the matching key depends on the canonical argv only, and on every element of it", async () => {
  const key = await cassetteKey(ARGV);
  match(key, /^k2:[0-9a-f]{24}$/);
  assertEquals(await cassetteKey([...ARGV]), key);
  ok(await cassetteKey([...ARGV.slice(0, -1), "Say hi!"]) !== key);
  // Joining would make these two the same; the key must not.
  ok(await cassetteKey(["a b"]) !== await cassetteKey(["a", "b"]));
  // Spellings the CLI reads alike share the key; the header keeps the argv as given.
  assertEquals(
    await cassetteKey(["Say hi", "--verbose", "--output-format", "stream-json", "-p"]),
    key,
  );
  const header = await cassetteHeader(["-p", "hi"]);
  assertEquals([header.argv, header.key], [
    ["-p", "hi"],
    await cassetteKey(["--print", "--", "hi"]),
  ]);
});

Deno.test("looksLikeCassette tells a cassette header from a transcript line", () => {
  ok(looksLikeCassette('{"type":"claw_cassette","format":1}'));
  ok(!looksLikeCassette('{"type":"system","subtype":"init"}'));
  ok(!looksLikeCassette("[{"));
});

Deno.test("a stdout object read from a cassette keeps its text; a new object is serialised", () => {
  const header = '{"type":"claw_cassette","format":1,"key":"k1:0","argv":[]}';
  const line = '{"type":"result","result":"a \\u00e9 b"}'; // as the CLI could print it, escaped
  const exit = '{"t":2,"exit":{"code":0,"signal":null}}';
  const cassette = parseCassette(`${header}\n{"t":1,"stdout":${line}}\n${exit}\n`);
  const record = cassette.records[0] as { t: number; stdout: Record<string, unknown> };
  strictEqual(stdoutText(record), line, "the text as read, not re-serialised");
  record.stdout = { ...record.stdout, result: "changed" };
  strictEqual(stdoutText(record), '{"type":"result","result":"changed"}');
});
