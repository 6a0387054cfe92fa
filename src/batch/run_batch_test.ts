import { deepStrictEqual, ok as assert, strictEqual } from "node:assert";
import { replaySpawner } from "../cassette/testing.ts";
import { PRINT_INIT, PRINT_RESULT, shellSpawner } from "../process/_stand_in.ts";
import type { Spawner } from "../process/spawn.ts";
import type { BatchJob } from "./job.ts";
import { type BatchProgress, runBatch } from "./run_batch.ts";

/** Recorded runs of the real CLI 2.1.332: an answer (cost 0.00014), a 529 and a 401. */
const PROMPTS: Record<string, string> = {
  text_simple: "Say hello",
  error_529: "Say hello to a busy server",
  error_401: "Say hello with a bad key",
};

/**
 * Replays cassette `name` whatever the job's prompt: the prompt argument is swapped for the
 * recorded one, so one job can meet a different recorded outcome on each attempt.
 */
const cassette = (name: string): Spawner => {
  const replay = replaySpawner(
    new URL(`../../fixtures/cassettes/2.1.332/${name}.ndjson`, import.meta.url),
  );
  return (request) => replay({ ...request, args: [...request.args.slice(0, -1), PROMPTS[name]!] });
};
const jobs = (count: number): BatchJob[] =>
  Array.from(
    { length: count },
    (_, i) => ({ id: `j${i + 1}`, prompt: "Say hello", options: {}, line: i + 1 }),
  );

Deno.test("a retryable failure is tried again, and the job ends ok with its attempts counted", async () => {
  const tries = new Map<string, number>();
  const spawnerFor = (job: BatchJob): Spawner => {
    const attempt = (tries.get(job.id) ?? 0) + 1;
    tries.set(job.id, attempt);
    return cassette(attempt === 1 ? "error_529" : "text_simple");
  };
  const results = await Array.fromAsync(runBatch(jobs(2), { spawnerFor, retryDelayMs: 1 }));
  deepStrictEqual(results.map((r) => [r.status, r.attempts]), [["ok", 2], ["ok", 2]]);
});

Deno.test("a failure not worth retrying ends the job at once with its kind and hint", async () => {
  const results = await Array.fromAsync(
    runBatch(jobs(1), { spawnerFor: () => cassette("error_401"), retryDelayMs: 1 }),
  );
  strictEqual(results[0]?.status, "failed");
  strictEqual(results[0]?.error_kind, "auth");
  strictEqual(results[0]?.attempts, 1);
  assert(results[0]?.error_hint?.includes("claude auth login"));
});

Deno.test("the cost limit stops new starts; the jobs left are skipped, kind budget", async () => {
  const results = await Array.fromAsync(
    runBatch(jobs(4), {
      spawnerFor: () => cassette("text_simple"),
      concurrency: 1,
      maxCostUsd: 0.0002,
    }),
  );
  deepStrictEqual(results.map((r) => r.status), ["ok", "ok", "skipped", "skipped"]);
  strictEqual(results[2]?.error_kind, "budget");
});

Deno.test("the failure threshold stops the batch once enough jobs failed", async () => {
  const seen: BatchProgress[] = [];
  const results = await Array.fromAsync(
    runBatch(jobs(6), {
      spawnerFor: () => cassette("error_401"),
      concurrency: 1,
      failureThreshold: 0.5,
      failureThresholdMinimum: 2,
      onProgress: (progress) => seen.push(progress),
    }),
  );
  deepStrictEqual(results.map((r) => r.status), [
    "failed",
    "failed",
    "skipped",
    "skipped",
    "skipped",
    "skipped",
  ]);
  strictEqual(seen.at(-1)?.stopped, "failure_threshold");
});

Deno.test("an abort before the start runs nothing and writes nothing", async () => {
  const results = await Array.fromAsync(
    runBatch(jobs(3), { spawnerFor: () => cassette("text_simple"), signal: AbortSignal.abort() }),
  );
  deepStrictEqual(results, []);
});

Deno.test("a rate limit that says rejected holds new starts until its reset time", async () => {
  const resetsAt = Math.ceil(Date.now() / 1000) + 1;
  // A stand-in (shell) claude: the CLI cannot be made to report a rejected limit on demand.
  const limited =
    `{"type":"rate_limit_event","rate_limit_info":{"status":"rejected","resetsAt":${resetsAt}}}`;
  const script = `${PRINT_INIT}; echo '${limited}'; ${PRINT_RESULT}`;
  const started: number[] = [];
  const warnings: string[] = [];
  const results = await Array.fromAsync(
    runBatch(jobs(2), {
      concurrency: 1,
      spawnerFor: () => {
        started.push(Date.now());
        return shellSpawner(
          started.length === 1 ? script : `${PRINT_INIT}; ${PRINT_RESULT}`,
        );
      },
      onWarning: (message) => warnings.push(message),
    }),
  );
  deepStrictEqual(results.map((r) => r.status), ["ok", "ok"]);
  assert(
    started[1]! >= resetsAt * 1000,
    `the second job started ${resetsAt * 1000 - started[1]!} ms early`,
  );
  assert(
    warnings.some((w) => w.startsWith("The rate limit says rejected: no new job starts until")),
  );
});

Deno.test("a run whose recording cannot be saved fails that job only, kind io, and the batch goes on", async () => {
  const replay = cassette("text_simple");
  // As a recording spawner's process does when its save fails: the status rejects after the run.
  const failingSave: Spawner = async (request) => {
    const process = await replay(request);
    const status = process.status.then(() => Deno.writeTextFile("/dev/full", "cassette"))
      .then(() => process.status);
    return { ...process, status };
  };
  const spawnerFor = (job: BatchJob) => job.id === "j2" ? failingSave : replay;
  const results = await Array.fromAsync(runBatch(jobs(3), { spawnerFor, concurrency: 2 }));
  const byId = new Map(results.map((result) => [result.id, result]));
  deepStrictEqual([...byId.values()].map((r) => [r.id, r.status]).sort(), [
    ["j1", "ok"],
    ["j2", "failed"],
    ["j3", "ok"],
  ]);
  const failed = byId.get("j2")!;
  strictEqual(failed.error_kind, "io");
  strictEqual(failed.error_message, "No space left on device (os error 28): writefile '/dev/full'");
  assert(failed.error_hint?.startsWith("Free some space"), failed.error_hint ?? "");
  assert(
    failed.cost_usd > 0 && failed.result === "Hello from the fake API.",
    "the run still counts",
  );
});
