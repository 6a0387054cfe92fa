import { deepStrictEqual as assertEquals, ok, rejects } from "node:assert";
import { join } from "node:path";
import { BatchInputError } from "./batch_input_error.ts";
import { mergeResults } from "./merge.ts";
import { type BatchResult, emptyUsage, type JobStatus, readResults } from "./result.ts";

function result(id: string, status: JobStatus = "ok", fields: Partial<BatchResult> = {}) {
  return {
    id,
    status,
    error_kind: status === "ok" ? null : "timeout",
    error_hint: null,
    error_message: null,
    result: status === "ok" ? `Answer ${id}` : null,
    structured_output: null,
    session_id: null,
    cost_usd: 0.5,
    usage: {
      input_tokens: 10,
      output_tokens: 2,
      cache_creation_input_tokens: 1,
      cache_read_input_tokens: 100,
    },
    turns: 1,
    duration_ms: 10,
    attempts: 1,
    line: 0,
    ...fields,
  } satisfies BatchResult;
}

const jsonl = (values: unknown[]) => values.map((value) => JSON.stringify(value) + "\n").join("");

async function inTempDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "claw_merge_test_" });
  try {
    await body(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Writes a jobs file with `ids` and the results files; returns the paths. */
async function setUp(dir: string, ids: string[], inputs: unknown[][]) {
  const jobs = join(dir, "jobs.jsonl");
  await Deno.writeTextFile(jobs, jsonl(ids.map((id) => ({ id, prompt: `Prompt ${id}` }))));
  const paths = [];
  for (const [i, results] of inputs.entries()) {
    const path = join(dir, `shard-${i + 1}.jsonl`);
    await Deno.writeTextFile(path, jsonl(results));
    paths.push(path);
  }
  return { jobs, inputs: paths, output: join(dir, "merged.jsonl") };
}

Deno.test("mergeResults merges complete shards in the jobs file's order", async () => {
  await inTempDir(async (dir) => {
    const options = await setUp(dir, ["a", "b", "c", "d"], [
      [result("c"), result("a")],
      [result("d", "failed"), result("b")],
    ]);
    const report = await mergeResults(options);
    assertEquals(report, {
      complete: true,
      jobs: 4,
      results: 4,
      missing: [],
      duplicates: [],
      unknown: [],
      failed: ["d"],
      cost_usd: 2,
      usage: {
        input_tokens: 40,
        output_tokens: 8,
        cache_creation_input_tokens: 4,
        cache_read_input_tokens: 400,
      },
      ok: 3,
    });
    const merged = (await Deno.readTextFile(options.output)).trimEnd().split("\n");
    assertEquals(merged.map((line) => JSON.parse(line).id), ["a", "b", "c", "d"]);
    assertEquals(JSON.parse(merged[0]!), result("a"));
  });
});

Deno.test("mergeResults reports missing, duplicate and unknown ids", async () => {
  await inTempDir(async (dir) => {
    const options = await setUp(dir, ["a", "b", "c", "d", "e"], [
      // "c" ran in both shards (failed in one); "x" is not a job; "b" and "e" never ran.
      [result("a"), result("c", "failed"), result("x")],
      [result("c"), result("d")],
    ]);
    const report = await mergeResults(options);
    assertEquals(report.complete, false);
    assertEquals(report.missing, ["b", "e"]);
    assertEquals(report.duplicates, ["c"]);
    assertEquals(report.unknown, ["x"]);
    assertEquals(report.failed, []);
    assertEquals([report.jobs, report.results, report.ok], [5, 3, 3]);
    // The ok result of the duplicate is the one kept; the unknown id is left out.
    const merged = await readResults(options.output);
    assertEquals([...merged.keys()], ["a", "c", "d"]);
    assertEquals(merged.get("c")?.status, "ok");
  });
});

Deno.test("mergeResults: within one file the last line wins, but ok twice is a duplicate", async () => {
  await inTempDir(async (dir) => {
    const options = await setUp(dir, ["a", "b"], [[
      result("a", "failed"),
      result("a", "ok", { attempts: 2 }), // a --resume that fixed it: fine
      result("b"),
      result("b", "ok", { attempts: 3 }), // ran twice: two shards shared the file
    ]]);
    const report = await mergeResults(options);
    assertEquals(report.duplicates, ["b"]);
    assertEquals(report.complete, false);
    const merged = await readResults(options.output);
    assertEquals(merged.get("a")?.attempts, 2);
    assertEquals(merged.get("b")?.attempts, 3);
  });
});

Deno.test("mergeResults counts a failed, skipped or aborted result as failed", async () => {
  await inTempDir(async (dir) => {
    const options = await setUp(dir, ["a", "b", "c", "d"], [[
      result("a", "failed"),
      result("b", "skipped", { cost_usd: 0, usage: emptyUsage() }),
      result("c", "aborted"),
      result("d"),
    ]]);
    const report = await mergeResults(options);
    assertEquals(report.failed, ["a", "b", "c"]);
    assertEquals([report.ok, report.complete, report.cost_usd], [1, true, 1.5]);
  });
});

Deno.test("mergeResults treats a missing input as empty and may overwrite an input", async () => {
  await inTempDir(async (dir) => {
    const options = await setUp(dir, ["a", "b"], [[result("b"), result("a")]]);
    const inputs = [...options.inputs, join(dir, "never-written.jsonl")];
    const report = await mergeResults({ ...options, inputs, output: options.inputs[0]! });
    assertEquals(report.complete, true);
    const merged = await readResults(options.inputs[0]!);
    assertEquals([...merged.keys()], ["a", "b"]);
    // Nothing left behind: no temp file beside the output.
    const names = [];
    for await (const entry of Deno.readDir(dir)) names.push(entry.name);
    assertEquals(names.sort(), ["jobs.jsonl", "shard-1.jsonl"]);
  });
});

Deno.test("mergeResults refuses a malformed results line, naming the file and line", async () => {
  await inTempDir(async (dir) => {
    const options = await setUp(dir, ["a"], [[result("a")]]);
    // Synthetic corruption in the middle of the second input.
    const bad = join(dir, "bad.jsonl");
    await Deno.writeTextFile(bad, `${JSON.stringify(result("a"))}\n{"id":\n{"id":"b"}\n`);
    await rejects(
      mergeResults({ ...options, inputs: [...options.inputs, bad] }),
      (error: unknown) =>
        error instanceof BatchInputError && error.message.startsWith(`${bad}:2: not valid JSON`),
    );
    // The output was not written.
    await rejects(Deno.stat(options.output), Deno.errors.NotFound);
  });
});

Deno.test("mergeResults refuses a jobs file with a duplicate id", async () => {
  await inTempDir(async (dir) => {
    const options = await setUp(dir, ["a", "b", "a"], [[result("a"), result("b")]]);
    await rejects(mergeResults(options), (error: unknown) => {
      ok(error instanceof BatchInputError);
      assertEquals(error.message, `${options.jobs}:3: duplicate id "a" (first on line 1)`);
      return true;
    });
  });
});
