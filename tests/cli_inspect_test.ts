/** `claw inspect` over real CLI output, and over synthetic malformed input made here by code. */
import { deepStrictEqual as assertEquals, match, ok } from "node:assert";
import { join } from "node:path";
import { claw } from "./_claw.ts";
import { hasCli, offline, pinnedCliPath, recordTo } from "./_offline.ts";
import { run } from "../src/session/run.ts";
import { parseCassette, stdoutText } from "../src/cassette/cassette.ts";

const VERSION = "2.1.332";

async function recordRealTranscript(
  format: "stream-json" | "json",
  verbose: boolean,
): Promise<string> {
  await using env = await offline({ replies: [{ content: [{ type: "text", text: "hello" }] }] });
  const args = ["-p", `--output-format=${format}`, ...verbose ? ["--verbose"] : [], "hi"];
  const merged = { ...Deno.env.toObject(), ...env.options(VERSION).env };
  const out = await new Deno.Command(pinnedCliPath(VERSION), {
    args,
    cwd: env.cwd,
    env: Object.fromEntries(Object.entries(merged).filter(([, v]) => v !== undefined)) as Record<
      string,
      string
    >,
    clearEnv: true,
    stdin: "null",
  }).output();
  return new TextDecoder().decode(out.stdout);
}

async function inspectText(text: string, args: string[] = ["--json"]) {
  return await claw(["inspect", "-", ...args], { stdin: text });
}

Deno.test({
  name: "claw inspect --json summarises a real stream-json transcript",
  ignore: !hasCli(VERSION),
  async fn() {
    const transcript = await recordRealTranscript("stream-json", true);
    const out = await inspectText(transcript);
    assertEquals(out.code, 0, out.stderr);
    const summary = JSON.parse(out.stdout);
    assertEquals(summary.lines, transcript.trimEnd().split("\n").length);
    assertEquals(summary.kinds["system/init"], 1);
    assertEquals(summary.kinds["result/success"], 1);
    assertEquals([summary.diagnostics, summary.unknown, summary.cli_version], [[], {}, VERSION]);
    assertEquals(summary.sessions.length, 1);
    assertEquals(summary.results[0].is_error, false);
    assertEquals(summary.results[0].error_kind, null);
    assertEquals(
      summary.events,
      Object.values(summary.kinds).reduce((a: number, b) => a + (b as number), 0),
    );
  },
});

Deno.test({
  name: "claw inspect understands --output-format json, with and without --verbose",
  ignore: !hasCli(VERSION),
  async fn() {
    const single = JSON.parse(
      (await inspectText(await recordRealTranscript("json", false))).stdout,
    );
    assertEquals([single.events, single.kinds["result/success"]], [1, 1]);
    const verbose = JSON.parse(
      (await inspectText(await recordRealTranscript("json", true))).stdout,
    );
    assertEquals(verbose.kinds["system/init"], 1);
    assertEquals(verbose.kinds["result/success"], 1);
    assertEquals(verbose.diagnostics, []);
  },
});

// Synthetic malformed input, generated here: noise, an unknown kind, invalid UTF-8, a cut line.
function syntheticTranscript(): Uint8Array {
  const encoder = new TextEncoder();
  const parts = [
    encoder.encode(
      '{"type":"system","subtype":"init","session_id":"s-1","claude_code_version":"9.9.9","model":"m"}\n',
    ),
    encoder.encode("[debug] noise from a plugin\n"),
    encoder.encode('{"type":"brand_new_kind","x":1}\n'),
    new Uint8Array([
      ...encoder.encode('{"type":"keep_alive","note":"'),
      0xff,
      ...encoder.encode('"}\n'),
    ]),
    encoder.encode(
      '{"subtype":"error_max_turns","is_error":true,"type":"result","num_turns":2,"session_id":"s-1"}\n',
    ),
    encoder.encode('{"type":"assist'),
  ];
  return new Uint8Array(parts.flatMap((p) => [...p]));
}

Deno.test("claw inspect reports diagnostics with line numbers and unknown kinds, losing no event", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = join(dir, "synthetic.ndjson");
    await Deno.writeFile(file, syntheticTranscript());
    const out = await claw(["inspect", file, "--json"]);
    assertEquals(out.code, 0);
    const summary = JSON.parse(out.stdout);
    assertEquals(summary.lines, 6);
    assertEquals(summary.events, 4);
    assertEquals(summary.unknown, { brand_new_kind: 1 });
    assertEquals(
      summary.diagnostics.map((d: { line: number; kind: string }) => `${d.line}:${d.kind}`),
      ["2:not_json", "4:invalid_utf8", "6:truncated_line"],
    );
    assertEquals(summary.results[0].error_kind, "max_turns");
    const strict = await claw(["inspect", file, "--strict"]);
    assertEquals(strict.code, 1);
    match(strict.stdout, /line 2: not_json/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("claw inspect of a missing file is a usage error that names it, exit 2", async () => {
  const out = await claw(["inspect", "/nonexistent/transcript.ndjson"]);
  assertEquals([out.code, out.stdout], [2, ""]);
  match(out.stderr, /^Cannot read "\/nonexistent\/transcript.ndjson": no such file: pass /);
  match(out.stderr, /\n\nUsage: claw inspect/);
});

Deno.test("claw inspect of input with no JSON line says it is not a transcript, exit 1", async () => {
  const out = await inspectText("Error: something went wrong\nat line 2\n", []);
  assertEquals([out.code, out.stdout], [1, ""]);
  assertEquals(
    out.stderr,
    "error[protocol]: stdin is not a transcript: no line of it is JSON (2 lines read)\nhint: Pass what claude -p --output-format stream-json --verbose (or --output-format json) printed, or a cassette claw record wrote\n",
  );
  const json = await inspectText("", ["--json"]);
  assertEquals(json.code, 1);
  assertEquals(JSON.parse(json.stdout).error.message, "stdin is not a transcript: it is empty");
});

async function recordCassette(path: string): Promise<void> {
  await using env = await offline({
    replies: [
      {
        content: [
          { type: "text", text: "Running it" },
          { type: "tool_use", name: "Bash", input: { command: "echo inspected" } },
        ],
      },
      { content: [{ type: "text", text: "Done" }] },
    ],
  });
  await run(
    "inspect me",
    env.options(VERSION, { permissionMode: "bypassPermissions", ...recordTo(path) }),
  )
    .text();
}

Deno.test({
  name: "claw inspect summarises a cassette's stdout with the cassette's line numbers",
  ignore: !hasCli(VERSION),
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      const file = join(dir, "run.ndjson");
      await recordCassette(file);
      const text = await Deno.readTextFile(file);
      const lines = text.trimEnd().split("\n");
      const header = JSON.parse(lines[0]!);

      const out = await claw(["inspect", file, "--json"]);
      assertEquals(out.code, 0, out.stderr);
      const summary = JSON.parse(out.stdout);
      assertEquals(summary.cassette, {
        key: header.key,
        cli_version: VERSION,
        argv: header.argv,
        recorded_at: header.recorded_at,
        exit: { code: 0, signal: null },
        version_flag: null,
        input: null,
        client: null,
        interrupted: null,
      });
      assertEquals(summary.lines, lines.length);
      const resultLine = lines.findIndex((line) =>
        line.includes('"stdout":{') && line.includes('"type":"result"')
      ) + 1;
      assertEquals(summary.results.map((r: { line: number }) => r.line), [resultLine]);
      assertEquals([summary.kinds["system/init"], summary.kinds["result/success"]], [1, 1]);
      assertEquals([summary.cli_version, summary.diagnostics, summary.unknown], [VERSION, [], {}]);
      const stdoutRecords = lines.filter((line) => /^\{"t":[\d.]+,"stdout(_raw)?":/.test(line));
      assertEquals(summary.events, stdoutRecords.length);

      // From stdin too; and a transcript still has "cassette": null.
      assertEquals(
        JSON.parse((await claw(["inspect", "-", "--json"], { stdin: text })).stdout),
        summary,
      );
      const transcript = JSON.parse(
        (await inspectText(await recordRealTranscript("stream-json", true))).stdout,
      );
      assertEquals(transcript.cassette, null);

      const human = await claw(["inspect", file]);
      assertEquals(human.code, 0);
      match(
        human.stdout,
        new RegExp(
          `^cassette ${header.key} · recorded ${header.recorded_at} with CLI ${VERSION} · exit 0$`,
          "m",
        ),
      );
      match(
        human.stdout,
        /^argv: -p --output-format=stream-json --verbose --permission-mode=bypassPermissions -- "inspect me"$/m,
      );
      match(human.stdout, new RegExp(`^  line ${resultLine}: success, ok`, "m"));

      // A cassette recorded with a CLI outside the supported range is flagged. (Header rewritten
      // here, by code, to a version that was never recorded.)
      for (
        const [version, flag] of [["9.0.0", "newer_than_tested"], [
          "1.0.0",
          "below_minimum",
        ]] as const
      ) {
        const moved = join(dir, `${version}.ndjson`);
        await Deno.writeTextFile(
          moved,
          text.replace(`"cli_version":"${VERSION}"`, `"cli_version":"${version}"`),
        );
        assertEquals(
          JSON.parse((await claw(["inspect", moved, "--json"])).stdout).cassette.version_flag,
          flag,
        );
        match(
          (await claw(["inspect", moved])).stdout,
          new RegExp(`with CLI ${version} \\(${flag.replaceAll("_", " ")}\\)`),
        );
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("claw inspect refuses a cassette of an unknown format version or with a broken line, exit 1", async () => {
  const dir = await Deno.makeTempDir();
  try {
    // Synthetic cassettes, made here by code.
    const header = {
      type: "claw_cassette",
      format: 1,
      key: "k1:0",
      cli_version: "2.1.332",
      argv: ["-p"],
      env: [],
      cwd: "$CWD",
      recorded_at: "2026-11-21T06:00:00.000Z",
    };
    const future = join(dir, "future.ndjson");
    await Deno.writeTextFile(future, JSON.stringify({ ...header, format: 2 }) + "\n");
    const out = await claw(["inspect", future, "--json"]);
    const message =
      `Cannot read cassette "${future}": it has format 2 and this claw reads format 1; re-record it with this claw (claw record), or use the claw version that wrote it`;
    assertEquals(out.code, 1);
    assertEquals(JSON.parse(out.stdout).error.kind, "protocol");
    assertEquals(JSON.parse(out.stdout).error.message, message);
    match(out.stderr, new RegExp(`^error\\[protocol\\]: ${RegExp.escape(message)}\nhint: `));
    const broken = join(dir, "broken.ndjson");
    await Deno.writeTextFile(
      broken,
      [JSON.stringify(header), '{"t":1,"stdout_raw":"ok"}', '{"t":2,"std'].join("\n") + "\n",
    );
    const cut = await claw(["inspect", broken]);
    assertEquals(cut.code, 1);
    match(
      cut.stderr,
      new RegExp(`^error\\[protocol\\]: Cannot read cassette "${broken}": line 3 is not JSON`),
    );
    // A cut last stdout line and the missing exit record show as they would in a transcript.
    const partial = join(dir, "partial.ndjson");
    await Deno.writeTextFile(
      partial,
      [JSON.stringify(header), '{"t":1,"stdout_raw":"{\\"type\\":\\"assis","eol":false}'].join(
        "\n",
      ) + "\n",
    );
    const summary = JSON.parse((await claw(["inspect", partial, "--json"])).stdout);
    assertEquals(
      summary.diagnostics.map((d: { line: number; kind: string }) => `${d.line}:${d.kind}`),
      ["2:truncated_line"],
    );
    assertEquals(summary.cassette.exit, null);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** The stdout lines of a recorded cassette: a real stream-json transcript, one line per event. */
async function cassetteTranscript(name: string): Promise<string[]> {
  const path = new URL(`../fixtures/cassettes/${VERSION}/${name}.ndjson`, import.meta.url);
  const cassette = parseCassette(await Deno.readTextFile(path), path.pathname);
  return cassette.records.flatMap((record) =>
    "stdout" in record || "stdout_raw" in record ? [stdoutText(record)] : []
  );
}

function diagnosticsOf(summary: { diagnostics: { line: number; kind: string }[] }): string[] {
  return summary.diagnostics.map((d) => `${d.line}:${d.kind}`);
}

Deno.test("claw inspect keeps every event of a transcript whose first line starts with [", async () => {
  const lines = await cassetteTranscript("thinking");
  const plain = JSON.parse((await inspectText(lines.join("\n") + "\n")).stdout);
  assertEquals([plain.events, plain.diagnostics], [lines.length, []]);
  for (const [first, kind] of [["[debug] starting…", "not_json"], ["[]", "not_object"]]) {
    const out = await inspectText(`${first}\n${lines.join("\n")}\n`);
    assertEquals(out.code, 0, out.stderr);
    const summary = JSON.parse(out.stdout);
    assertEquals(diagnosticsOf(summary), [`1:${kind}`]);
    assertEquals(
      [summary.lines, summary.events, summary.kinds, summary.sessions, summary.cli_version],
      [lines.length + 1, plain.events, plain.kinds, plain.sessions, VERSION],
    );
    assertEquals(summary.results.map((r: { line: number }) => r.line), [lines.length + 1]);
  }
});

Deno.test("claw inspect reads the bytes of a transcript starting with [ as stream-json", async () => {
  // Synthetic: invalid UTF-8 and a cut last line still show, so the fallback decodes the bytes.
  const encoder = new TextEncoder();
  const bytes = new Uint8Array([
    ...encoder.encode('[debug] plugin\n{"type":"keep_alive","note":"'),
    0xff,
    ...encoder.encode('"}\n{"type":"assis'),
  ]);
  const dir = await Deno.makeTempDir();
  try {
    const file = join(dir, "bracket.ndjson");
    await Deno.writeFile(file, bytes);
    const summary = JSON.parse((await claw(["inspect", file, "--json"])).stdout);
    assertEquals([summary.lines, summary.events], [3, 1]);
    assertEquals(diagnosticsOf(summary), ["1:not_json", "2:invalid_utf8", "3:truncated_line"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("claw inspect still reads --output-format json output, on one line or pretty-printed", async () => {
  // The --verbose json form is one array of the run's messages: built here from a recording.
  const lines = await cassetteTranscript("thinking");
  const plain = JSON.parse((await inspectText(lines.join("\n") + "\n")).stdout);
  const messages = lines.map((line) => JSON.parse(line));
  for (const document of [JSON.stringify(messages), JSON.stringify(messages, null, 2)]) {
    const out = await inspectText(`${document}\n`);
    assertEquals(out.code, 0, out.stderr);
    const summary = JSON.parse(out.stdout);
    assertEquals(
      [summary.lines, summary.events, summary.kinds, summary.diagnostics],
      [document.split("\n").length, plain.events, plain.kinds, []],
    );
    assertEquals(summary.results.map((r: { line: number }) => r.line), [1]);
  }
});

Deno.test("claw inspect shows an SDK-driven, interrupted recording's input, client and end", async () => {
  // A recorded corpus cassette, with the header fields an Agent SDK's interrupted run gets.
  const source = new URL("../fixtures/cassettes/2.1.332/session_tape.ndjson", import.meta.url);
  const [first, ...rest] = (await Deno.readTextFile(source)).split("\n");
  const header = JSON.parse(first!);
  header.client = { entrypoint: "sdk-ts", sdk_version: "0.3.332" };
  header.interrupted = { signal: "SIGTERM", t: 1234.5, reason: "stdout closed" };
  const file = await Deno.makeTempFile({ suffix: ".ndjson" });
  try {
    await Deno.writeTextFile(file, [JSON.stringify(header), ...rest].join("\n"));
    const json = JSON.parse((await claw(["inspect", file, "--json"])).stdout).cassette;
    assertEquals(
      [json.input, json.client, json.interrupted],
      [header.input, header.client, header.interrupted],
    );
    const text = (await claw(["inspect", file])).stdout;
    ok(text.includes("client: sdk-ts 0.3.332"), text);
    ok(text.includes("interrupted: SIGTERM at 1234.5 ms (stdout closed)"), text);
    ok(text.includes('input: {"role":"user","content":"Say hi"}'), text);
  } finally {
    await Deno.remove(file);
  }
});

// The CLI's num_turns counts requests to the model: claw calls them round trips, as claw run's
// closing line does, and keeps "turn" for a prompt and its answer.
Deno.test("claw inspect says 1 line, 1 event and 1 round trip, not 1 lines, 1 events and 1 turns", async () => {
  const result =
    '{"type":"result","subtype":"success","is_error":false,"num_turns":1,"result":"hi","session_id":"s-1","duration_ms":100,"total_cost_usd":0.001,"usage":{}}\n';
  const one = await inspectText(result, []);
  assertEquals(one.code, 0, one.stderr);
  match(one.stdout, /^stdin: 1 line, 1 event, 0 diagnostics\n/);
  match(one.stdout, /\n {2}line 1: success, ok, 1 round trip, \$0\.0010, 0\.1 s\n/);
  const two = await inspectText(result.replace('"num_turns":1', '"num_turns":2').repeat(2), []);
  match(two.stdout, /^stdin: 2 lines, 2 events, 0 diagnostics\n/);
  match(two.stdout, /\n {2}line 2: success, ok, 2 round trips, /);
});
