/**
 * `claw batch` end to end, with the real pinned CLI against the fake API (which echoes each
 * request's prompt, so every job's answer is its own): a pool of 40, a SIGKILL then `--resume`,
 * retried 429s, a job that always fails, shards run as concurrent processes then merged, a
 * SIGTERM mid-batch, record then replay. Each test tags its processes and asserts none is left.
 */
import { deepStrictEqual, ok as assert, strictEqual } from "node:assert";
import type { FakeReply } from "../src/fake_api/script.ts";
import { asked, ECHO, OLDEST, place, results, TESTED, waitUntil } from "./_batch.ts";
import { cachedDenoDir } from "./_claw.ts";
import { hasTmux, TmuxSession } from "./_tmux.ts";
import { hasCli, pinnedCliPath } from "./_offline.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;

Deno.test({
  name: "40 jobs at concurrency 4: all ok, each with its own answer and session, nothing left",
  ignore: !hasCli(TESTED),
  async fn() {
    await using at = await place();
    const jobs = await at.jobs(40);
    const out = `${at.dir}/results.jsonl`;
    const workers = `${at.dir}/workers`;
    const run = await at.batch(TESTED, [
      ...["run", jobs, "-o", out, "--concurrency", "4", "--json", "--batch-dir", workers],
    ]);
    strictEqual(run.code, 0, run.stderr);
    const summary = JSON.parse(run.stdout);
    strictEqual(summary.ok, 40);
    const lines = await results(out);
    strictEqual(lines.length, 40);
    for (const result of lines) {
      strictEqual(result.status, "ok", JSON.stringify(result));
      strictEqual(result.result, `Answer to: Token ${result.id}`);
      strictEqual(result.attempts, 1);
    }
    strictEqual(new Set(lines.map((r) => r.session_id)).size, 40, "40 distinct sessions");
    // Each session was stored by the worker that ran it, in that worker's own config dir.
    const perWorker = await Promise.all(
      [1, 2, 3, 4].map((n) => sessionFiles(`${workers}/worker-${n}/config/projects`)),
    );
    strictEqual(perWorker.reduce((a, b) => a + b, 0), 40, `sessions per worker: ${perWorker}`);
    assert(perWorker.every((count) => count > 0), `sessions per worker: ${perWorker}`);
  },
});

Deno.test({
  name: "a batch killed with SIGKILL goes on with --resume: every job ok once, none run twice",
  ignore: !hasCli(TESTED),
  async fn() {
    await using at = await place([{ ...ECHO, delay_ms: 150 }]);
    const jobs = await at.jobs(16);
    const out = `${at.dir}/results.jsonl`;
    const child = at.start(TESTED, ["run", jobs, "-o", out, "--concurrency", "3"]);
    const killAt = 3 + Math.floor(Math.random() * 8);
    while ((await results(out)).length < killAt) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    child.kill("SIGKILL");
    await child.output();
    // SIGKILL gives claw no chance to reap: its running claudes end on their own (their stdout
    // is gone); wait for them before counting requests.
    await waitUntil(() => at.marker.pids().length === 0, 20_000);
    const before = await results(out);
    const doneBefore = new Set(before.filter((r) => r.status === "ok").map((r) => r.id));
    assert(doneBefore.size >= killAt && doneBefore.size < 16, `${doneBefore.size} done before`);
    const seen = at.api.requests.length;
    const rerun = await at.batch(TESTED, [
      "run",
      jobs,
      "-o",
      out,
      "--resume",
      "--concurrency",
      "3",
    ]);
    strictEqual(rerun.code, 0, rerun.stderr);
    const after = await results(out);
    const ok = after.filter((r) => r.status === "ok").map((r) => r.id).sort();
    deepStrictEqual(
      ok,
      Array.from({ length: 16 }, (_, i) => `job-${String(i + 1).padStart(2, "0")}`),
    );
    const rerunAsked = asked(at.api, seen);
    for (const id of doneBefore) {
      assert(!rerunAsked.includes(id), `${id} was ok before the kill and ran again`);
    }
  },
});

Deno.test({
  name: "429s are retried with backoff until ok; a job that cannot work fails with its kind",
  ignore: !hasCli(TESTED),
  async fn() {
    const limited: FakeReply = {
      status: 429,
      headers: { "retry-after": "1" },
      error: { type: "rate_limit_error", message: "Slow down" },
    };
    await using at = await place([limited, limited, limited, ECHO]);
    const missing = "0b9e5b4a-1d6c-4f0e-9a53-3c2b1d0e9f87";
    const jobs = await at.jobs(6, [{ id: "no-such-session", prompt: "Go on", resume: missing }]);
    const out = `${at.dir}/results.jsonl`;
    const run = await at.batch(TESTED, [
      "run",
      jobs,
      "-o",
      out,
      "--concurrency",
      "2",
      "--retries",
      "4",
      "--retry-delay",
      "0.2",
    ]);
    strictEqual(run.code, 1, "one job failed");
    const lines = await results(out);
    const bad = lines.find((r) => r.id === "no-such-session");
    strictEqual(bad?.status, "failed");
    strictEqual(bad?.error_kind, "session_not_found");
    strictEqual(bad?.attempts, 1, "not a kind worth retrying");
    const good = lines.filter((r) => r.id !== "no-such-session");
    strictEqual(good.length, 6);
    assert(good.every((r) => r.status === "ok"), JSON.stringify(good));
    const served429 = at.api.requests.filter((r) => r.reply !== null && r.reply < 3).length;
    strictEqual(served429, 3);
    const retried = good.reduce((sum, r) => sum + r.attempts - 1, 0);
    strictEqual(retried, 3, "one extra attempt per 429 served");
  },
});

Deno.test({
  name: "3 shards run as 3 concurrent processes merge into one complete set",
  ignore: !hasCli(TESTED),
  async fn() {
    await using at = await place();
    const jobs = await at.jobs(12);
    const outs = [1, 2, 3].map((i) => `${at.dir}/results-${i}.jsonl`);
    const runs = await Promise.all(
      outs.map((out, i) =>
        at.batch(TESTED, ["run", jobs, "-o", out, "--shard", `${i + 1}/3`, "--concurrency", "1"])
      ),
    );
    for (const run of runs) strictEqual(run.code, 0, run.stderr);
    const counts = await Promise.all(outs.map(async (out) => (await results(out)).length));
    strictEqual(counts.reduce((a, b) => a + b, 0), 12, `shard sizes ${counts}`);
    const all = `${at.dir}/all.jsonl`;
    const merged = await at.batch(TESTED, ["merge", ...outs, "-o", all, "--jobs", jobs, "--json"]);
    strictEqual(merged.code, 0, merged.stderr);
    const report = JSON.parse(merged.stdout);
    strictEqual(report.complete, true);
    deepStrictEqual([report.missing, report.duplicates], [[], []]);
    strictEqual((await results(all)).length, 12);
    const partial = await at.batch(TESTED, [
      "merge",
      outs[0]!,
      outs[1]!,
      "-o",
      all,
      "--jobs",
      jobs,
    ]);
    strictEqual(partial.code, 1);
    const missing = (await results(outs[2]!)).map((r) => r.id);
    for (const id of missing) assert(partial.stderr.includes(`"${id}"`), partial.stderr);
    assert(partial.stderr.includes("missing: "), partial.stderr);
  },
});

Deno.test({
  name: "SIGTERM mid-batch aborts the running jobs, reaps every process, and --resume finishes",
  ignore: !hasCli(TESTED),
  async fn() {
    await using at = await place([{ ...ECHO, delay_ms: 3000 }]);
    const jobs = await at.jobs(6);
    const out = `${at.dir}/results.jsonl`;
    const child = at.start(TESTED, ["run", jobs, "-o", out, "--concurrency", "2"]);
    await waitUntil(() => asked(at.api).length >= 2, 30_000);
    child.kill("SIGTERM");
    const { code } = await child.output();
    strictEqual(code, 1);
    strictEqual(at.marker.pids().length, 0, "claw reaped every claude it started");
    const lines = await results(out);
    assert(lines.length >= 2, JSON.stringify(lines));
    assert(lines.every((r) => r.status === "aborted" && r.error_kind === "aborted"));
    const rerun = await at.batch(TESTED, ["run", jobs, "-o", out, "--resume"]);
    strictEqual(rerun.code, 0, rerun.stderr);
    const ok = new Set((await results(out)).filter((r) => r.status === "ok").map((r) => r.id));
    strictEqual(ok.size, 6);
  },
});

Deno.test({
  name: "--report is written after SIGTERM too, with the jobs that finished",
  ignore: !hasCli(TESTED),
  async fn() {
    await using at = await place([{ ...ECHO, delay_ms: 1500 }]);
    const jobs = await at.jobs(6);
    const out = `${at.dir}/results.jsonl`;
    const report = `${at.dir}/report.html`;
    const child = at.start(TESTED, [
      "run",
      jobs,
      "-o",
      out,
      "--concurrency",
      "1",
      "--report",
      report,
    ]);
    for (const deadline = Date.now() + 60_000; (await results(out)).length === 0;) {
      if (Date.now() > deadline) throw new Error("no job finished within 60 s");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    child.kill("SIGTERM");
    const output = await child.output();
    strictEqual(output.code, 1);
    const html = await Deno.readTextFile(report);
    const written = await results(out);
    assert(written.some((r) => r.status === "ok"), JSON.stringify(written));
    for (const result of written) assert(html.includes(`id="job-${result.id}"`), result.id);
    assert(new TextDecoder().decode(output.stderr).includes(`report written to ${report}`));
  },
});

Deno.test({
  name: "the summary after SIGTERM counts the jobs never started, in --json and in its line",
  ignore: !hasCli(TESTED),
  async fn() {
    await using at = await place([{ ...ECHO, delay_ms: 3000 }]);
    const jobs = await at.jobs(6);
    for (const json of [true, false]) {
      const out = `${at.dir}/results-${json}.jsonl`;
      const from = at.api.requests.length;
      const args = ["run", jobs, "-o", out, "--concurrency", "2", ...(json ? ["--json"] : [])];
      const child = at.start(TESTED, args);
      await waitUntil(() => asked(at.api, from).length >= 2, 30_000);
      child.kill("SIGTERM");
      const output = await child.output();
      strictEqual(output.code, 1);
      const written = (await results(out)).length;
      const notStarted = 6 - written;
      assert(notStarted >= 1 && notStarted <= 4, `${written} results written`);
      if (json) {
        const summary = JSON.parse(new TextDecoder().decode(output.stdout));
        deepStrictEqual(
          [summary.jobs, summary.aborted + summary.ok + summary.failed, summary.not_started],
          [6, written, notStarted],
          JSON.stringify(summary),
        );
        strictEqual(summary.stopped, "aborted");
      } else {
        const stderr = new TextDecoder().decode(output.stderr);
        assert(stderr.includes(` · ${notStarted} not started · `), stderr);
      }
    }
  },
});

Deno.test({
  name:
    "a batch recorded with --record replays with --replay, no API needed, and with injected faults",
  ignore: !hasCli(OLDEST),
  async fn() {
    await using at = await place();
    const jobs = await at.jobs(3);
    const cassettes = `${at.dir}/cassettes`;
    const recorded = await at.batch(OLDEST, [
      "run",
      jobs,
      "-o",
      `${at.dir}/a.jsonl`,
      "--record",
      cassettes,
    ]);
    strictEqual(recorded.code, 0, recorded.stderr);
    const requests = at.api.requests.length;
    const replayed = await at.batch(OLDEST, [
      "run",
      jobs,
      "-o",
      `${at.dir}/b.jsonl`,
      "--replay",
      cassettes,
    ]);
    strictEqual(replayed.code, 0, replayed.stderr);
    strictEqual(at.api.requests.length, requests, "the replay asked the API nothing");
    const answers = async (path: string) =>
      (await results(path)).map((r) => [r.id, r.result]).sort();
    deepStrictEqual(await answers(`${at.dir}/b.jsonl`), await answers(`${at.dir}/a.jsonl`));

    // Faults injected into every replayed run: an overloaded API is retried, a refused key not.
    for (const [error, attempts] of [["overloaded", 2], ["auth", 1]] as const) {
      const out = `${at.dir}/${error}.jsonl`;
      const faulted = await at.batch(
        OLDEST,
        ["run", jobs, "-o", out, "--replay", cassettes, "--retries", "1", "--retry-delay", "0.01"],
        { CLAW_CASSETTE_FAULTS: `api-error:${error}` },
      );
      strictEqual(faulted.code, 1, faulted.stderr);
      deepStrictEqual(
        (await results(out)).map((r) => [r.status, r.error_kind, r.attempts]),
        [["failed", error, attempts], ["failed", error, attempts], ["failed", error, attempts]],
      );
    }
    strictEqual(at.api.requests.length, requests, "the replays asked the API nothing");
  },
});

Deno.test({
  name: "on a terminal a progress line shows done, failed, running, cost, rate and ETA",
  ignore: !hasCli(TESTED) || !hasTmux(),
  async fn() {
    await using at = await place([{ ...ECHO, delay_ms: 1500 }]);
    const jobs = await at.jobs(4);
    await using tty = await TmuxSession.start(
      [Deno.execPath(), "run", "-A", MAIN, "batch", "run", jobs, "-o", `${at.dir}/r.jsonl`]
        .concat(["--concurrency", "2", "--cli", pinnedCliPath(TESTED)]),
      {
        cwd: at.dir,
        env: { ...at.vars, ...at.marker.env, DENO_DIR: await cachedDenoDir(), NO_COLOR: "1" },
        width: 120,
      },
    );
    await tty.waitFor(/\d\/4 done · 0 failed · [12] running · \$[\d.]+ · [\d.]+\/s · ETA/, {
      timeoutMs: 30_000,
    });
    strictEqual(await tty.exited({ timeoutMs: 60_000 }), 0);
    const screen = await tty.screen({ history: true });
    assert(screen.includes("claw batch: 4/4 ok"), screen);
  },
});

async function sessionFiles(dir: string): Promise<number> {
  let count = 0;
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isDirectory) count += await sessionFiles(`${dir}/${entry.name}`);
    else if (entry.name.endsWith(".jsonl")) count++;
  }
  return count;
}

for (const version of [TESTED, OLDEST]) {
  Deno.test({
    name:
      `--prewarm: each worker's next claude starts while its job runs, at most two per worker, every answer its own (CLI ${version})`,
    ignore: !hasCli(version),
    async fn() {
      await using at = await place([{ ...ECHO, delay_ms: 300 }]);
      const jobs = await at.jobs(8);
      const out = `${at.dir}/results.jsonl`;
      // The processes claw started (the CLIs, not what they start), sampled while the batch runs.
      const read = (pid: number, file: string) => {
        try {
          return Deno.readTextFileSync(`/proc/${pid}/${file}`);
        } catch {
          return ""; // gone meanwhile
        }
      };
      const parentOf = (pid: number) => {
        const stat = read(pid, "stat");
        return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      };
      const clis = () => {
        const pids = at.marker.pids();
        const claw = pids.find((pid) => read(pid, "cmdline").includes("main.ts"));
        return pids.filter((pid) => parentOf(pid) === claw).length;
      };
      let most = 0;
      const sampling = setInterval(() => most = Math.max(most, clis()), 20);
      const run = await at.batch(version, [
        ...["run", jobs, "-o", out, "--concurrency", "2", "--prewarm", "--json"],
      ]).finally(() => clearInterval(sampling));
      strictEqual(run.code, 0, run.stderr);
      strictEqual(JSON.parse(run.stdout).ok, 8);
      const lines = await results(out);
      for (const result of lines) {
        strictEqual(result.status, "ok", JSON.stringify(result));
        strictEqual(result.result, `Answer to: Token ${result.id}`);
      }
      strictEqual(new Set(lines.map((r) => r.session_id)).size, 8, "8 distinct sessions");
      // A job's claude and a spare per worker: never more.
      assert(most > 2, `spares ran beside the jobs (at most ${most} claude at once)`);
      assert(most <= 2 * 2, `at most two claude per worker (${most} at once)`);
    },
  });
}
