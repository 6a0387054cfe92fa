/**
 * `claw batch` at its edges (issue #23): a job id too long for a file name, a cassette that cannot
 * be saved, two batches on one output, a full disk. Each test tags its processes and asserts none
 * is left.
 */
import { deepStrictEqual, ok as assert, strictEqual } from "node:assert";
import { join } from "node:path";
import { loadCassette } from "../src/cassette/testing.ts";
import { asked, ECHO, place, results, TESTED, waitUntil } from "./_batch.ts";
import { PLANTED } from "./_auth_home.ts";
import { cachedDenoDir, type ClawOutput } from "./_claw.ts";
import { hasCli, offline, pinnedCliPath } from "./_offline.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;
const FIXTURE = new URL("../fixtures/cassettes/2.1.332/text_simple.ndjson", import.meta.url);
/** A full disk of the test's own is a device node like /dev/full, which only root may make. */
const CAN_MKNOD = Deno.build.os === "linux" && Deno.uid() === 0;

/** 24 CJK characters: 216 bytes once percent-encoded, too long with the save's temporary suffix. */
const LONG_ID = "長い名前のジョブ".repeat(3);

Deno.test({
  name:
    "a job id too long for a file name records and replays: no crash, and no copy of the login is left",
  ignore: !hasCli(TESTED),
  async fn() {
    await using at = await place([{ ...ECHO, delay_ms: 200 }], { login: true });
    const jobs = await at.jobs(3, [{ id: LONG_ID, prompt: "Token long" }]);
    const cassettes = `${at.dir}/cassettes`;
    const recorded = await at.batch(TESTED, [
      ...["run", jobs, "-o", `${at.dir}/a.jsonl`, "--record", cassettes, "--concurrency", "2"],
    ]);
    deepStrictEqual(await loginCopies(at.dir), [], "no copy of the stored login is left");
    strictEqual(recorded.code, 0, recorded.stderr);
    const lines = await results(`${at.dir}/a.jsonl`);
    deepStrictEqual(lines.map((r) => [r.id, r.status]).sort(), [
      ["job-01", "ok"],
      ["job-02", "ok"],
      ["job-03", "ok"],
      [LONG_ID, "ok"],
    ]);
    const names = [...Deno.readDirSync(cassettes)].map((entry) => entry.name).sort();
    strictEqual(names.length, 4, `one cassette per job: ${names}`);
    deepStrictEqual(names.slice(1), ["job-01.ndjson", "job-02.ndjson", "job-03.ndjson"]);
    assert(/^%E9%95%B7%E3%81%84[%0-9A-F]*~[0-9a-f]{24}\.ndjson$/.test(names[0]!), names[0]);
    const header = (await loadCassette(`${cassettes}/${names[0]}`)).header;
    strictEqual(header.job_id, LONG_ID, "the header keeps the id");
    const replayed = await at.batch(TESTED, [
      ...["run", jobs, "-o", `${at.dir}/b.jsonl`, "--replay", cassettes],
    ]);
    strictEqual(replayed.code, 0, replayed.stderr);
    const answers = async (path: string) =>
      (await results(path)).map((r) => [r.id, r.result]).sort();
    deepStrictEqual(await answers(`${at.dir}/b.jsonl`), await answers(`${at.dir}/a.jsonl`));
  },
});

Deno.test({
  name: "a second batch on the same output is refused while the first runs: every job runs once",
  ignore: !hasCli(TESTED),
  async fn() {
    await using at = await place([{ ...ECHO, delay_ms: 1000 }]);
    const jobs = await at.jobs(4);
    const out = `${at.dir}/same.jsonl`;
    const first = at.start(TESTED, ["run", jobs, "-o", out, "--concurrency", "2"]);
    await waitUntil(() => asked(at.api).length >= 2, 30_000);
    const second = await at.batch(TESTED, ["run", jobs, "-o", out, "--resume"]);
    strictEqual(second.code, 1, second.stderr);
    const [line, hint] = second.stderr.trim().split("\n");
    strictEqual(
      line,
      `error[results_in_use]: Cannot write the results file "${out}": another batch (pid ${first.pid}) is writing it: wait for that batch to end, or write to another file`,
    );
    assert(hint?.startsWith("hint: Wait for the other batch to end"), second.stderr);
    strictEqual((await first.output()).code, 0);
    deepStrictEqual((await results(out)).map((r) => r.id).sort(), [
      "job-01",
      "job-02",
      "job-03",
      "job-04",
    ]);
    strictEqual(asked(at.api).length, 4, "each job ran once");
    strictEqual(await exists(`${out}.lock`), false, "the lock goes with the batch");
    // A batch refused after taking the lock (the output holds results) leaves none either.
    strictEqual((await at.batch(TESTED, ["run", jobs, "-o", out])).code, 2);
    strictEqual(await exists(`${out}.lock`), false);
  },
});

Deno.test({
  name: "a lock left by a killed batch is taken over with a warning, and SIGTERM removes the lock",
  ignore: !hasCli(TESTED),
  async fn() {
    await using at = await place([{ ...ECHO, delay_ms: 1500 }]);
    const jobs = await at.jobs(2);
    const out = `${at.dir}/results.jsonl`;
    const killed = at.start(TESTED, ["run", jobs, "-o", out]);
    await waitUntil(() => asked(at.api).length >= 1, 30_000);
    killed.kill("SIGKILL");
    await killed.output();
    strictEqual(JSON.parse(await Deno.readTextFile(`${out}.lock`)).pid, killed.pid);
    // Its claudes end on their own once their answers come.
    await waitUntil(() => at.marker.pids().length === 0, 20_000);
    const seen = asked(at.api).length;
    const next = at.start(TESTED, ["run", jobs, "-o", out, "--resume"]);
    await waitUntil(() => asked(at.api).length > seen, 30_000);
    strictEqual(JSON.parse(await Deno.readTextFile(`${out}.lock`)).pid, next.pid);
    next.kill("SIGTERM");
    const ended = await next.output();
    const stderr = new TextDecoder().decode(ended.stderr);
    strictEqual(ended.code, 1, stderr);
    assert(
      stderr.includes(
        `warning: Took over the lock "${out}.lock": the batch that held it (pid ${killed.pid}) is no longer running`,
      ),
      stderr,
    );
    strictEqual(await exists(`${out}.lock`), false, "SIGTERM removed the lock");
  },
});

Deno.test({
  name: "a full disk is error[io] naming the file: batch run -o and batch merge -o",
  ignore: !CAN_MKNOD,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "claw-batch-full-" });
    try {
      const full = await fullDevice(dir);
      await Deno.mkdir(`${dir}/cassettes`);
      await Deno.copyFile(FIXTURE, `${dir}/cassettes/a.ndjson`);
      await Deno.writeTextFile(`${dir}/jobs.jsonl`, '{"id":"a","prompt":"Say hello"}\n');
      const noSpace = "No space left on device (os error 28)";
      const hint = "hint: Free some space on that disk, or write somewhere else, then rerun";
      const run = await clawWithin(30_000, [
        ...["batch", "run", `${dir}/jobs.jsonl`, "-o", full, "--replay", `${dir}/cassettes`],
      ]);
      deepStrictEqual([run.code, run.stderr.trim().split("\n")], [1, [
        `error[io]: Cannot write the results file "${full}": ${noSpace}`,
        hint,
      ]]);
      await Deno.writeTextFile(`${dir}/a.jsonl`, '{"id":"a","status":"ok"}\n');
      const merge = await clawWithin(30_000, [
        ...["batch", "merge", `${dir}/a.jsonl`, "-o", full, "--jobs", `${dir}/jobs.jsonl`],
      ]);
      deepStrictEqual([merge.code, merge.stderr.trim().split("\n")], [1, [
        `error[io]: Cannot write "${full}": ${noSpace}`,
        hint,
      ]]);
      strictEqual(Deno.statSync(full).isCharDevice, true, "the device is still there");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "a full disk on stdout is error[io], never internal or a stack trace: --version, doctor, run",
  ignore: !CAN_MKNOD,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "claw-stdout-full-" });
    try {
      const full = await fullDevice(dir);
      for (
        const args of [["--version"], ["doctor", "--json"], ["run", "--demo", "--output", "json"]]
      ) {
        const command = [Deno.execPath(), "run", "-A", MAIN, ...args].map((arg) => `'${arg}'`);
        const out = await new Deno.Command("sh", {
          args: ["-c", `exec ${command.join(" ")} > '${full}'`],
          env: { NO_COLOR: "1", DENO_DIR: await cachedDenoDir() },
          stdin: "null",
          signal: AbortSignal.timeout(30_000),
        }).output();
        const stderr = new TextDecoder().decode(out.stderr);
        deepStrictEqual([out.code, stderr.trim().split("\n")], [1, [
          "error[io]: No space left on device (os error 28)",
          "hint: Free some space on that disk, or write somewhere else, then rerun",
        ]], args.join(" "));
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "claw record -o and claw run --record save under a long name that fits, and refuse one too long before the run, naming it",
  ignore: !hasCli(TESTED),
  async fn() {
    await using env = await offline({
      replies: [{ content: [{ type: "text", text: "hi" }] }],
      when_exhausted: "repeat_last",
    });
    const vars = env.vars(TESTED);
    const cli = ["--cli", pinnedCliPath(TESTED)];
    const both = (file: string) =>
      Promise.all([
        clawWithin(60_000, [
          ...["record", "-o", file, ...cli, "--"],
          ...["-p", "--output-format=stream-json", "--verbose", "hi"],
        ], vars),
        clawWithin(60_000, [
          "run",
          "--record",
          file.replace(".ndjson", "-run.ndjson"),
          ...cli,
          "hi",
        ], vars),
      ]);
    // 230 bytes: a name that fits, but did not with the temporary name the save used to add.
    const fits = join(env.cwd, `${"x".repeat(223)}.ndjson`);
    for (const out of await both(fits)) strictEqual(out.code, 0, out.stderr);
    assert((await Deno.stat(fits)).isFile);
    const tooLong = join(env.cwd, `${"y".repeat(300)}.ndjson`);
    const requestsBefore = env.api.requests.length;
    for (const out of await both(tooLong)) {
      strictEqual(out.code, 2, out.stderr);
      assert(out.stderr.includes("File name too long"), out.stderr);
      assert(out.stderr.includes(`"${tooLong.slice(0, 60)}`), "the message names the file");
    }
    strictEqual(env.api.requests.length, requestsBefore, "nothing ran: no request was made");
  },
});

/** A device like /dev/full (1, 7) in `dir`: the tests never rename over the real one. */
async function fullDevice(dir: string): Promise<string> {
  const path = `${dir}/full`;
  const made = await new Deno.Command("mknod", { args: [path, "c", "1", "7"] }).output();
  strictEqual(made.code, 0, new TextDecoder().decode(made.stderr));
  return path;
}

/** Runs `claw …` (main.ts) with `env`; kills it after `timeoutMs`. */
async function clawWithin(
  timeoutMs: number,
  args: string[],
  env: Record<string, string> = {},
): Promise<ClawOutput> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, ...args],
    env: { NO_COLOR: "1", DENO_DIR: await cachedDenoDir(), ...env },
    stdin: "null",
    signal: AbortSignal.timeout(timeoutMs),
  }).output();
  const decoder = new TextDecoder();
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
}

function exists(path: string): Promise<boolean> {
  return Deno.stat(path).then(() => true, () => false);
}

/** Files under `dir` other than the stored login itself that hold its refresh token. */
async function loginCopies(dir: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (folder: string) => {
    for await (const entry of Deno.readDir(folder)) {
      const path = `${folder}/${entry.name}`;
      if (entry.isDirectory) await walk(path);
      else if (entry.isFile && path !== `${dir}/home/.claude/.credentials.json`) {
        const text = await Deno.readTextFile(path).catch(() => "");
        if (text.includes(PLANTED.fileRefresh)) found.push(path.slice(dir.length + 1));
      }
    }
  };
  await walk(dir);
  return found;
}

Deno.test({
  name: "a cassette that cannot be saved fails its job only, kind io, naming the path",
  ignore: !hasCli(TESTED),
  async fn() {
    await using at = await place([{ ...ECHO, delay_ms: 200 }]);
    const jobs = await at.jobs(3);
    const cassettes = `${at.dir}/cassettes`;
    // A folder where job-02's cassette belongs: the save's rename fails.
    await Deno.mkdir(`${cassettes}/job-02.ndjson`, { recursive: true });
    const out = `${at.dir}/a.jsonl`;
    const run = await at.batch(TESTED, [
      ...["run", jobs, "-o", out, "--record", cassettes, "--concurrency", "2"],
    ]);
    strictEqual(run.code, 1, run.stderr);
    assert(!run.stderr.includes("error["), run.stderr);
    const lines = await results(out);
    deepStrictEqual(lines.map((r) => [r.id, r.status]).sort(), [
      ["job-01", "ok"],
      ["job-02", "failed"],
      ["job-03", "ok"],
    ]);
    const failed = lines.find((r) => r.id === "job-02")!;
    strictEqual(failed.error_kind, "io");
    assert(failed.error_message?.includes(`"${cassettes}/job-02.ndjson"`), failed.error_message!);
    deepStrictEqual(await batchFolders(at.dir), [], "the workers' folders are removed");
  },
});

/** The temporary workers' folders left in the place's TMPDIR. */
async function batchFolders(dir: string): Promise<string[]> {
  const names = await Array.fromAsync(Deno.readDir(`${dir}/home/tmp`), (entry) => entry.name);
  return names.filter((name) => name.startsWith("claw-batch-"));
}
