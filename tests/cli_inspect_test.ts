/** `claw inspect` over real CLI output, and over synthetic malformed input made here by code. */
import { deepStrictEqual as assertEquals, match, ok } from "node:assert";
import { join } from "node:path";
import { claw } from "./_claw.ts";
import { hasCli, offline, pinnedCliPath } from "./_offline.ts";

const VERSION = "2.1.328";

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

Deno.test("claw inspect of a missing file says so and exits 1", async () => {
  const out = await claw(["inspect", "/nonexistent/transcript.ndjson"]);
  assertEquals(out.code, 1);
  match(out.stderr, /^Cannot read "\/nonexistent\/transcript.ndjson"/);
  ok(out.stdout === "");
});
