import { deepStrictEqual as assertEquals, match, ok, rejects } from "node:assert";
import { join } from "node:path";
import { BatchInputError } from "./batch_input_error.ts";
import { type BatchResult, emptyUsage, readResults, ResultWriter } from "./result.ts";

function result(id: string, fields: Partial<BatchResult> = {}): BatchResult {
  return {
    id,
    status: "ok",
    error_kind: null,
    error_hint: null,
    error_message: null,
    result: `Answer ${id}`,
    structured_output: null,
    session_id: `session-${id}`,
    cost_usd: 0.01,
    usage: { ...emptyUsage(), input_tokens: 10, output_tokens: 5 },
    turns: 1,
    duration_ms: 1200,
    attempts: 1,
    line: 1,
    ...fields,
  };
}

async function inTempDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "claw_results_test_" });
  try {
    await body(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const KEYS = [
  "id",
  "status",
  "error_kind",
  "error_hint",
  "error_message",
  "result",
  "structured_output",
  "session_id",
  "cost_usd",
  "usage",
  "turns",
  "duration_ms",
  "attempts",
  "line",
];

Deno.test("ResultWriter writes one JSON line per result, every key present, in order", async () => {
  await inTempDir(async (dir) => {
    const path = join(dir, "results.jsonl");
    const written = result("a", { structured_output: { answer: 42 }, line: 3 });
    {
      await using writer = await ResultWriter.open(path);
      await writer.write(written);
      // structured_output left undefined by a careless caller still gets its key.
      await writer.write({ ...result("b"), structured_output: undefined });
    }
    const lines = (await Deno.readTextFile(path)).split("\n");
    assertEquals(lines.length, 3);
    assertEquals(lines[2], "");
    assertEquals(Object.keys(JSON.parse(lines[0]!)), KEYS);
    assertEquals(JSON.parse(lines[0]!), written);
    assertEquals(JSON.parse(lines[1]!).structured_output, null);
    assertEquals((await readResults(path)).get("a"), written);
  });
});

Deno.test("ResultWriter appends to an existing file: what was written survives a reopen", async () => {
  await inTempDir(async (dir) => {
    const path = join(dir, "results.jsonl");
    const first = await ResultWriter.open(path);
    await first.write(result("a"));
    await first.write(result("b"));
    await first.close();
    await first.close(); // twice is fine
    await using second = await ResultWriter.open(path);
    await second.write(result("c"));
    assertEquals([...(await readResults(path)).keys()], ["a", "b", "c"]);
  });
});

Deno.test("ResultWriter serialises concurrent writes: lines never interleave", async () => {
  await inTempDir(async (dir) => {
    const path = join(dir, "results.jsonl");
    const big = "x".repeat(200_000); // several pipe-sized writes per line
    {
      await using writer = await ResultWriter.open(path);
      await Promise.all(
        Array.from({ length: 40 }, (_, i) => writer.write(result(`job-${i}`, { result: big }))),
      );
    }
    const lines = (await Deno.readTextFile(path)).trimEnd().split("\n");
    assertEquals(lines.length, 40);
    const ids = lines.map((line) => JSON.parse(line).id);
    assertEquals(ids, Array.from({ length: 40 }, (_, i) => `job-${i}`));
  });
});

Deno.test("ResultWriter refuses a write after close", async () => {
  await inTempDir(async (dir) => {
    const writer = await ResultWriter.open(join(dir, "results.jsonl"));
    await writer.close();
    await rejects(writer.write(result("a")), /Cannot write to ".*": the ResultWriter is closed/);
  });
});

Deno.test("readResults: the last line for an id wins; a missing file is empty", async () => {
  await inTempDir(async (dir) => {
    assertEquals((await readResults(join(dir, "missing.jsonl"))).size, 0);
    const path = join(dir, "results.jsonl");
    await Deno.writeTextFile(
      path,
      [
        result("a", { status: "failed", error_kind: "rate_limit", result: null }),
        result("b"),
        result("a", { attempts: 2 }),
      ].map((r) => JSON.stringify(r) + "\n").join(""),
    );
    const results = await readResults(path);
    assertEquals([...results.keys()], ["a", "b"]);
    assertEquals(results.get("a")?.status, "ok");
    assertEquals(results.get("a")?.attempts, 2);
  });
});

Deno.test("readResults fills the keys a line leaves out with their empty values", async () => {
  await inTempDir(async (dir) => {
    const path = join(dir, "results.jsonl");
    await Deno.writeTextFile(path, '{"id": "a", "status": "skipped"}\n');
    const read = (await readResults(path)).get("a");
    assertEquals(read, {
      ...result("a"),
      status: "skipped",
      result: null,
      session_id: null,
      cost_usd: 0,
      usage: emptyUsage(),
      turns: 0,
      duration_ms: 0,
      attempts: 0,
      line: 0,
    });
  });
});

Deno.test("readResults ignores a last line cut short by a crash mid-write", async () => {
  await inTempDir(async (dir) => {
    const path = join(dir, "results.jsonl");
    const full = JSON.stringify(result("b"));
    // Synthetic crash: the last line stops partway, at several places.
    for (const cut of [3, 10, full.length - 1]) {
      await Deno.writeTextFile(path, JSON.stringify(result("a")) + "\n" + full.slice(0, cut));
      assertEquals([...(await readResults(path)).keys()], ["a"], `cut at ${cut}`);
    }
    // Cut just before its newline, the line is whole: it counts.
    await Deno.writeTextFile(path, JSON.stringify(result("a")) + "\n" + full);
    assertEquals([...(await readResults(path)).keys()], ["a", "b"]);
  });
});

Deno.test("readResults throws for a malformed line anywhere else, naming the line", async () => {
  await inTempDir(async (dir) => {
    const path = join(dir, "results.jsonl");
    const good = JSON.stringify(result("a"));
    // Synthetic malformed files, each with its bad line and what the message says.
    const cases: [string, string][] = [
      [`${good}\n\n{"id": "b", "stat\n${good}\n`, `${path}:3: not valid JSON`],
      [`${good}\n{"id": "b", "stat\n`, `${path}:2: not valid JSON`], // has its newline
      [`${good}\n{"id": "b", "status": "done"}\n`, `${path}:2: invalid status "done"`],
      [`${good}\n{"status": "ok"}\n`, `${path}:2: missing id`],
      [`${good}\n[1]\n`, `${path}:2: not a JSON object`],
      [
        `${good}\n{"id": "b", "status": "ok", "cost_usd": "1"}\n`,
        `${path}:2: invalid cost_usd "1"`,
      ],
      [`${good}\nnot a result`, `${path}:2: not valid JSON`], // no newline, but not ours either
    ];
    for (const [text, message] of cases) {
      await Deno.writeTextFile(path, text);
      await rejects(readResults(path), (error: unknown) => {
        ok(error instanceof BatchInputError, String(error));
        ok(error.message.startsWith(message), `${error.message} starts with ${message}`);
        assertEquals(error.path, path);
        assertEquals(error.kind, "usage");
        return true;
      });
    }
  });
});

Deno.test("ResultWriter.open drops a cut-short last line before appending", async () => {
  await inTempDir(async (dir) => {
    const path = join(dir, "results.jsonl");
    const first = JSON.stringify(result("a")) + "\n";
    // Synthetic crash mid-write of "b".
    await Deno.writeTextFile(path, first + JSON.stringify(result("b")).slice(0, 25));
    {
      await using writer = await ResultWriter.open(path);
      await writer.write(result("c"));
    }
    assertEquals(await Deno.readTextFile(path), first + JSON.stringify(result("c")) + "\n");
    assertEquals([...(await readResults(path)).keys()], ["a", "c"]);
  });
});

Deno.test("ResultWriter.open drops a cut-short only line, even one longer than a read", async () => {
  await inTempDir(async (dir) => {
    const path = join(dir, "results.jsonl");
    const long = JSON.stringify(result("b", { result: "y".repeat(300_000) }));
    await Deno.writeTextFile(path, long.slice(0, 200_000)); // synthetic cut
    {
      await using writer = await ResultWriter.open(path);
      await writer.write(result("c"));
    }
    assertEquals([...(await readResults(path)).keys()], ["c"]);
  });
});

Deno.test("ResultWriter.open ends a whole last line that lacks its newline", async () => {
  await inTempDir(async (dir) => {
    const path = join(dir, "results.jsonl");
    await Deno.writeTextFile(path, JSON.stringify(result("a")));
    {
      await using writer = await ResultWriter.open(path);
      await writer.write(result("b"));
    }
    assertEquals([...(await readResults(path)).keys()], ["a", "b"]);
  });
});

Deno.test("ResultWriter.open refuses a file that ends in something not a result", async () => {
  await inTempDir(async (dir) => {
    const path = join(dir, "notes.txt");
    await Deno.writeTextFile(path, "my notes\nmore notes");
    await rejects(
      ResultWriter.open(path),
      (error: unknown) =>
        error instanceof BatchInputError &&
        error.message ===
          `Cannot append results to "${path}": it ends in a line that is not a result`,
    );
    assertEquals(await Deno.readTextFile(path), "my notes\nmore notes");
  });
});

Deno.test("readResults reads back every one of many appended results", async () => {
  await inTempDir(async (dir) => {
    const path = join(dir, "results.jsonl");
    {
      await using writer = await ResultWriter.open(path);
      for (let i = 0; i < 200; i++) await writer.write(result(`j${i}`, { line: i + 1 }));
    }
    const results = await readResults(path);
    assertEquals(results.size, 200);
    assertEquals(results.get("j199")?.line, 200);
    match(await Deno.readTextFile(path), /^\{"id":"j0",/);
  });
});
