// The listing's byte-level reading of a transcript against the plain one (every line decoded and
// parsed). Every line and record here is synthetic, made by code: the layouts copy the key order
// of the records Claude Code 2.1.332 and 2.0.76 write; the random ones go beyond them.
import { deepStrictEqual as assertEquals, ok } from "node:assert";
import {
  CHUNK_BYTES,
  lineEnds,
  type LineVerdict,
  lineVerdict,
  type ListingFacts,
  noFacts,
  scanListing,
} from "./_listing_scan.ts";
import {
  contentBlocks,
  parseRecord,
  transcriptLines,
  type TranscriptReading,
} from "./_transcript.ts";

const encoder = new TextEncoder();
const bytes = (line: string) => encoder.encode(line);

/** A small seeded random source (mulberry32), so a failure can be replayed. */
function random(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  const chance = (p: number) => next() < p;
  return { int, pick, chance };
}

type Random = ReturnType<typeof random>;

/** What a listing makes of a record, by the rules `scanSession` reads it with. */
function meaning(record: Record<string, unknown> | undefined): string {
  if (!record) return "nothing";
  const { type } = record;
  if (type === "custom-title" || type === "tag" || type === "cost-state") return type;
  if (type !== "user" || record.isSidechain === true || record.isMeta === true) return "other";
  const content = contentBlocks((record.message as { content?: unknown } | undefined)?.content);
  return content.some((block) => block.type === "tool_result") ? "other" : "prompt";
}

/** Whether `verdict` may be given to a line that means `meant`. */
function allowed(verdict: LineVerdict, meant: string): boolean {
  if (verdict === "parse" || verdict === "more" || verdict === "tail") return true;
  if (verdict === "skip") return meant === "other" || meant === "nothing";
  return verdict === meant;
}

const uuid = "5c0e1a9e-0000-4000-8000-000000000001";
const at = "2026-01-02T03:04:05.000Z";
const v21 = { userType: "external", entrypoint: "sdk-cli", cwd: "/w", sessionId: uuid };
const v20 = { userType: "external", cwd: "/w", sessionId: uuid, version: "2.0.76", gitBranch: "" };

/** Synthetic lines of each record kind, in the key order of the CLI named, with their verdict. */
const KINDS: [string, Record<string, unknown>, LineVerdict][] = [
  [
    "2.1.332 queue-operation",
    { type: "queue-operation", operation: "enqueue", timestamp: at, content: "Hi" },
    "skip",
  ],
  [
    "2.1.332 prompt",
    {
      parentUuid: null,
      isSidechain: false,
      promptId: uuid,
      type: "user",
      message: { role: "user", content: "Fix the bug" },
      uuid,
      timestamp: at,
      ...v21,
    },
    "parse",
  ],
  [
    "2.1.332 prompt with an image",
    {
      parentUuid: null,
      isSidechain: false,
      type: "user",
      message: {
        role: "user",
        content: [{ type: "image", source: {} }, { type: "text", text: "?" }],
      },
      timestamp: at,
    },
    "parse",
  ],
  [
    "2.1.332 tool result",
    {
      parentUuid: uuid,
      isSidechain: false,
      promptId: uuid,
      type: "user",
      message: {
        role: "user",
        content: [{ tool_use_id: "toolu_1", type: "tool_result", content: '"type":"user"' }],
      },
      uuid,
      timestamp: at,
      toolUseResult: { stdout: "x" },
      ...v21,
    },
    "skip",
  ],
  [
    "2.1.332 meta message (isMeta after the message: parsed, then left out)",
    {
      parentUuid: null,
      isSidechain: false,
      promptId: uuid,
      type: "user",
      message: { role: "user", content: "<local-command-caveat>…</local-command-caveat>" },
      isMeta: true,
      uuid,
      timestamp: at,
    },
    "parse",
  ],
  [
    "2.1.332 subagent prompt",
    {
      parentUuid: null,
      isSidechain: true,
      promptId: uuid,
      agentId: "a1",
      type: "user",
      message: { role: "user", content: "Do the sub thing" },
      timestamp: at,
    },
    "skip",
  ],
  [
    "2.1.332 attachment",
    {
      parentUuid: uuid,
      isSidechain: false,
      attachment: { type: "date", date: "2026-01-02", note: '{"type":"user"}' },
      type: "attachment",
      uuid,
      timestamp: at,
      rendered: [{ content: '<system-reminder>"x"</system-reminder>' }],
      renderedRole: "user",
      ...v21,
    },
    "skip",
  ],
  [
    "2.1.332 assistant",
    {
      parentUuid: uuid,
      isSidechain: false,
      message: {
        id: "msg_1",
        type: "message",
        role: "assistant",
        content: [{ type: "tool_use", id: "t", name: "Write", input: { content: 'a "\\" b' } }],
      },
      requestId: "req_1",
      type: "assistant",
      uuid,
      timestamp: at,
      ...v21,
    },
    "skip",
  ],
  [
    "2.1.332 system",
    { parentUuid: uuid, isSidechain: false, type: "system", subtype: "local_command", content: "" },
    "skip",
  ],
  [
    "2.1.332 api-request-blob",
    { type: "api-request-blob", sessionId: uuid, message: { role: "user", content: "Hi" } },
    "skip",
  ],
  ["2.1.332 api-request", { type: "api-request", timestamp: at, params: { model: "m" } }, "skip"],
  ["2.1.332 last-prompt", { type: "last-prompt", lastPrompt: "Hi", sessionId: uuid }, "skip"],
  ["2.1.332 tools-used", { type: "tools-used", tools: ["Bash"], sessionId: uuid }, "skip"],
  [
    "2.1.332 custom-title",
    { type: "custom-title", customTitle: "T", sessionId: uuid },
    "custom-title",
  ],
  ["2.1.332 tag", { type: "tag", tag: "red", sessionId: uuid }, "tag"],
  ["2.1.332 cost-state", { type: "cost-state", totalCostUSD: 0.5, modelUsage: {} }, "cost-state"],
  [
    "2.0.76 prompt",
    {
      parentUuid: null,
      isSidechain: false,
      ...v20,
      type: "user",
      message: { role: "user", content: "Run seq" },
      uuid,
      timestamp: at,
    },
    "parse",
  ],
  [
    "2.0.76 tool result",
    {
      parentUuid: uuid,
      isSidechain: false,
      ...v20,
      slug: "goofy",
      type: "user",
      message: { role: "user", content: [{ tool_use_id: "t", type: "tool_result", content: "1" }] },
      uuid,
      timestamp: at,
    },
    "skip",
  ],
  [
    "2.0.76 meta message",
    {
      parentUuid: null,
      isSidechain: false,
      ...v20,
      type: "user",
      message: { role: "user", content: "Caveat: …" },
      isMeta: true,
      uuid,
      timestamp: at,
    },
    "parse",
  ],
  [
    "2.0.76 sidechain prompt",
    {
      parentUuid: null,
      isSidechain: true,
      ...v20,
      agentId: "a",
      type: "user",
      message: { role: "user", content: "Sub" },
    },
    "skip",
  ],
  [
    "2.0.76 assistant",
    {
      parentUuid: uuid,
      isSidechain: false,
      ...v20,
      message: { id: "msg_1", role: "assistant", content: [{ type: "text", text: "Hi" }] },
      requestId: "req",
      type: "assistant",
      uuid,
      timestamp: at,
    },
    "skip",
  ],
];

Deno.test("lineVerdict tells each record kind the pinned CLIs write, from its start as from the whole line", () => {
  for (const [name, record, verdict] of KINDS) {
    const line = bytes(JSON.stringify(record));
    assertEquals([name, lineVerdict(line)], [name, verdict]);
    assertEquals(allowed(verdict, meaning(record)), true, name);
    // Any start of it: not settled yet, or settled as the whole line is.
    for (let end = 0; end < line.length; end++) {
      const head = lineVerdict(line, 0, end, false);
      ok(["more", "tail", "parse", verdict].includes(head), `${name} at ${end}: ${head}`);
    }
  }
});

Deno.test("lineVerdict tells lines that are no records, and spaced, escaped, CRLF or cut ones", () => {
  const cases: [string, LineVerdict][] = [
    ["", "skip"],
    ["   \t\r", "skip"],
    ["[1,2]", "skip"],
    ['"a"', "skip"],
    ["null", "skip"],
    ["\0\0\0", "skip"],
    ["{}", "skip"],
    ['{"type":null}', "skip"],
    ['{"type":["user"]}', "skip"],
    ['{"type":"user"}', "parse"],
    ['{"type":"user","message":{"role":"user","content":"Hi"}}\r', "parse"],
    ['{ "type" : "user" , "message" : { "content" : [ { "type" : "tool_result" } ] } }', "skip"],
    ['{"type":"us\\u0065r","message":{"content":"escaped type"}}', "parse"],
    ['{"\\u0074ype":"user","message":{"content":"escaped key"}}', "parse"],
    ['{"type":"user","message":{"content":[{"type":"tool\\u005fresult"}]}}', "parse"],
    ['{"message":{"content":"type after message"},"type":"user"}', "parse"],
    ['{"message":{},"type":"tag","tag":"x"}', "tag"],
    ['{"message":{},"tag":"x"}', "skip"],
    ['{"type":"user","message":{"role":"user","content":"cut', "parse"],
    ['{"message":{"content":"cut"},"ty', "parse"],
  ];
  for (const [line, verdict] of cases) {
    assertEquals([line, lineVerdict(bytes(line))], [line, verdict]);
  }
});

/** A random string, with what makes JSON hard: quotes, backslashes, braces, keys in text. */
function text(r: Random): string {
  const parts = [
    '"',
    "\\",
    '\\"',
    "{",
    "}",
    "[",
    "]",
    ":",
    ",",
    '"type":"user"',
    "é",
    "\u2028",
    "x",
  ];
  return Array.from({ length: r.int(8) }, () => r.pick(parts)).join("");
}

/** A random JSON value, nested up to `depth`. */
function value(r: Random, depth: number): unknown {
  const kind = r.int(depth > 0 ? 7 : 4);
  if (kind === 0) return text(r);
  if (kind === 1) return r.pick([true, false, null]);
  if (kind === 2) return r.int(1000) - 500 + r.pick([0, 0.5, 1e21]);
  if (kind === 3) return r.pick(["user", "tool_result", "tag"]);
  if (kind === 4) return Array.from({ length: r.int(3) }, () => value(r, depth - 1));
  return Object.fromEntries(
    Array.from(
      { length: r.int(3) },
      () => [r.pick(["type", "content", "text", "a"]), value(r, depth - 1)],
    ),
  );
}

/** A random content block. */
function block(r: Random): unknown {
  const type = r.pick(["text", "tool_result", "image", "tool_use", 5, undefined]);
  const fields: [string, unknown][] = [["text", text(r)], ["tool_use_id", "t"], [
    "extra",
    value(r, 1),
  ]];
  if (type !== undefined) fields.splice(r.int(fields.length + 1), 0, ["type", type]);
  return r.chance(0.1)
    ? r.pick(["x", null, [1]])
    : Object.fromEntries(fields.filter(() => r.chance(0.8)));
}

/** A random record: any key order, the listing's keys with odd values, nested values anywhere. */
function record(r: Random): Record<string, unknown> {
  const content = r.chance(0.3)
    ? text(r)
    : r.chance(0.8)
    ? Array.from({ length: r.int(3) }, () => block(r))
    : value(r, 1);
  const fields: [string, unknown][] = [
    [
      "type",
      r.pick([
        "user",
        "user",
        "assistant",
        "attachment",
        "custom-title",
        "tag",
        "cost-state",
        "x",
        1,
      ]),
    ],
    ["isSidechain", r.pick([true, false, "true", 1, null])],
    ["isMeta", r.pick([true, false, "true"])],
    ["message", r.chance(0.9) ? { role: r.pick(["user", "assistant"]), content } : value(r, 1)],
    ["attachment", value(r, 2)],
    ["cwd", r.pick(["/w", 5, text(r)])],
    ["timestamp", r.pick([at, 5, "2026"])],
    ["customTitle", r.pick(["T", 7])],
    ["tag", r.pick(["red", ""])],
    ["totalCostUSD", r.pick([1.5, "1"])],
    ["uuid", uuid],
    ["data", value(r, 3)],
  ];
  const kept = fields.filter(() => r.chance(0.6));
  for (let i = kept.length - 1; i > 0; i--) {
    const j = r.int(i + 1);
    [kept[i], kept[j]] = [kept[j]!, kept[i]!];
  }
  return Object.fromEntries(kept);
}

/** `record` as a line: compact as the CLI writes it, or spaced, or with a key spelled in escapes. */
function line(r: Random, record: unknown): string {
  let json = JSON.stringify(record);
  if (r.chance(0.2)) {
    json = JSON.stringify(record, null, r.int(3)).replaceAll("\n", r.pick([" ", "\t", "\r"]));
  }
  if (r.chance(0.1)) json = json.replace('"type"', '"\\u0074ype"');
  if (r.chance(0.1)) json = json.replace('"user"', '"us\\u0065r"');
  return json;
}

Deno.test("lineVerdict never skips a prompt, a title, a tag or a cost: random records in any key order, spacing and escapes", () => {
  const r = random(23);
  for (let n = 0; n < 20_000; n++) {
    const json = line(r, record(r));
    const meant = meaning(parseRecord(json));
    const encoded = bytes(json);
    const verdict = lineVerdict(encoded);
    ok(allowed(verdict, meant), `${verdict} for ${meant}: ${json}`);
    const cut = r.int(encoded.length + 1);
    const head = lineVerdict(encoded, 0, cut, false);
    ok(allowed(head, meant), `${head} for the first ${cut} bytes of ${meant}: ${json}`);
    // Cut short, as by a CLI killed mid-write, or with garbage: never a failure.
    lineVerdict(encoded, 0, cut);
    lineVerdict(encoded.map((byte) => r.chance(0.05) ? r.int(256) : byte));
  }
});

Deno.test("lineEnds finds every LF, with WebAssembly's compares and without", () => {
  const r = random(7);
  for (const ends of [lineEnds(), lineEnds(true)]) {
    for (let n = 0; n < 3000; n++) {
      const length = r.int(300);
      for (let i = 0; i < length; i++) ends.chunk[i] = r.chance(0.03) ? 10 : r.int(256) || 1;
      ends.chunk.fill(10, length, length + 64); // what is past the end is never read
      const from = r.int(length + 1);
      const want = ends.chunk.subarray(0, length).indexOf(10, from);
      assertEquals(ends.find(from, length), want);
    }
  }
  assertEquals(lineEnds().wasm, true, "this runtime runs the WebAssembly finder");
  assertEquals(lineEnds().chunk.length, CHUNK_BYTES);
});

/** What a listing reads of the transcript at `path`, each line decoded and parsed. */
async function everyLine(path: string, reading: TranscriptReading): Promise<ListingFacts> {
  const facts = noFacts((await Deno.stat(path)).size);
  for await (const line of transcriptLines(path, reading)) {
    const record = parseRecord(line);
    if (!record) continue;
    const timestamp = typeof record.timestamp === "string" ? record.timestamp : undefined;
    if (timestamp !== undefined) facts.lastActivity = timestamp;
    if (facts.cwd === null && typeof record.cwd === "string") facts.cwd = record.cwd;
    if (record.type === "custom-title" && typeof record.customTitle === "string") {
      facts.title = record.customTitle;
    }
    if (record.type === "tag" && typeof record.tag === "string") facts.tag = record.tag;
    if (record.type === "cost-state" && typeof record.totalCostUSD === "number") {
      facts.costUsd = record.totalCostUSD;
    }
    if (meaning(record) !== "prompt") continue;
    const content = contentBlocks((record.message as { content?: unknown } | undefined)?.content);
    facts.turns++;
    facts.firstPrompt ??= content.flatMap((b) => typeof b.text === "string" ? [b.text] : []).join(
      "\n",
    );
    if (timestamp !== undefined) facts.lastPromptAt = timestamp;
  }
  return facts;
}

/** A random transcript: records, long ones, blank lines, CRLF, a BOM, bad UTF-8, a cut end. */
function transcript(r: Random): Uint8Array {
  const parts: Uint8Array[] = [];
  if (r.chance(0.2)) parts.push(new Uint8Array([0xef, 0xbb, 0xbf]));
  if (r.chance(0.7)) {
    parts.push(bytes(JSON.stringify({ type: "queue-operation", cwd: "/first" }) + "\n"));
  }
  const lines = r.int(120);
  for (let n = 0; n < lines; n++) {
    const kind = r.int(10);
    let text: string;
    if (kind === 0) text = r.pick(["", "  ", "\r"]);
    else if (kind === 1) {
      const long = "x".repeat(r.pick([100, 2000, 70_000]));
      const records = [
        {
          type: "user",
          message: { content: [{ type: "tool_result", content: long }] },
          timestamp: at,
        },
        { message: { content: long }, type: "assistant", timestamp: `${n}` },
        { type: "user", message: { content: `Long ${long}` }, timestamp: `p${n}` },
        { type: "tag", tag: long.slice(0, 300) },
        { type: "attachment", note: long },
      ];
      text = JSON.stringify(r.pick(records));
    } else if (kind === 2) text = JSON.stringify({ type: "last-prompt", lastPrompt: `${n}` });
    else text = line(r, record(r));
    const encoded = bytes(text + r.pick(["\n", "\n", "\r\n"]));
    if (r.chance(0.02)) encoded[r.int(encoded.length - 1)] = r.pick([0xff, 0xc3, 0x80]);
    parts.push(encoded);
  }
  if (r.chance(0.3)) {
    parts.push(bytes(r.pick(['{"type":"user","message":{"content":"cut', '{"type":"tag"'])));
  }
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

Deno.test("scanListing reads what parsing every line reads, tells the same lines too long, at any read size", async () => {
  const path = await Deno.makeTempFile({ suffix: ".jsonl" });
  try {
    const r = random(1);
    for (let n = 0; n < 150; n++) {
      await Deno.writeFile(path, transcript(r));
      const maxLineBytes = r.pick([undefined, Infinity, 50, 300, 5000, 100_000]);
      const told: number[][] = [];
      const reading = {
        maxLineBytes,
        onTooLong: (line: number, bytes: number) => told.push([line, bytes]),
      };
      const want = await everyLine(path, reading);
      const wantTold = told.splice(0);
      for (const readBytes of [r.pick([1, 2, 3, 7]), r.pick([64, 1000, 4096]), CHUNK_BYTES]) {
        const facts = await scanListing(path, { ...reading, readBytes });
        assertEquals([readBytes, facts], [readBytes, want], `transcript ${n}`);
        assertEquals(told.splice(0), wantTold, `transcript ${n}, ${readBytes} bytes a read`);
      }
    }
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("scanListing finds the last activity when the last 64 lines have no time, or nothing has one", async () => {
  const path = await Deno.makeTempFile({ suffix: ".jsonl" });
  try {
    const prompt = { type: "user", message: { content: "Hi" }, timestamp: at };
    const untimed = Array.from(
      { length: 100 },
      (_, i) => ({ type: "last-prompt", lastPrompt: `${i}` }),
    );
    const lines = (records: unknown[]) =>
      records.map((record) => JSON.stringify(record) + "\n").join("");
    await Deno.writeTextFile(
      path,
      lines([prompt, ...untimed]) + '{"type":"assistant","timestamp":"2099',
    );
    assertEquals((await scanListing(path)).lastActivity, at);
    await Deno.writeTextFile(path, lines([{ ...prompt, timestamp: 5 }, ...untimed]));
    assertEquals((await scanListing(path)).lastActivity, null);
    await Deno.writeTextFile(path, lines(untimed.slice(0, 3)));
    assertEquals((await scanListing(path)).lastActivity, null);
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("scanListing started from a warning while another runs reads its own file into its own memory", async () => {
  const [outer, inner] = [await Deno.makeTempFile(), await Deno.makeTempFile()];
  try {
    const prompt = (text: string) =>
      JSON.stringify({ type: "user", message: { content: text } }) + "\n";
    await Deno.writeTextFile(
      outer,
      prompt("Outer") + `{"long":"${"x".repeat(100)}"}\n` + prompt("Again"),
    );
    await Deno.writeTextFile(inner, prompt("Inner"));
    let nested: Promise<ListingFacts> | undefined;
    const facts = await scanListing(outer, {
      maxLineBytes: 50,
      onTooLong: () => nested = scanListing(inner),
    });
    assertEquals([facts.firstPrompt, facts.turns], ["Outer", 2]);
    assertEquals((await nested)?.firstPrompt, "Inner");
  } finally {
    await Deno.remove(outer);
    await Deno.remove(inner);
  }
});
