import { deepStrictEqual, ok as assert, rejects, strictEqual } from "node:assert";
import type { ClawError } from "../errors/claw_error.ts";
import { _ResultsLock } from "./_results_lock.ts";

async function withFolder(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "claw-results-lock-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = new Deno.Command("true", { stdin: "null", stdout: "null" }).spawn();
  await child.status;
  return child.pid;
}

const exists = (path: string) => Deno.stat(path).then(() => true, () => false);

Deno.test("a held lock refuses a second writer with kind results_in_use naming its pid", async () => {
  await withFolder(async (dir) => {
    const lock = await _ResultsLock.acquire(`${dir}/out.jsonl`);
    strictEqual(lock.path, `${dir}/out.jsonl.lock`);
    strictEqual(JSON.parse(await Deno.readTextFile(lock.path)).pid, Deno.pid);
    await rejects(_ResultsLock.acquire(`${dir}/out.jsonl`), (error: ClawError) => {
      strictEqual(error.kind, "results_in_use");
      strictEqual(
        error.message,
        `Cannot write the results file "${dir}/out.jsonl": another batch (pid ${Deno.pid}) is writing it: wait for that batch to end, or write to another file`,
      );
      return true;
    });
    lock.release();
    strictEqual(await exists(lock.path), false);
    using again = await _ResultsLock.acquire(`${dir}/out.jsonl`);
    strictEqual(await exists(again.path), true);
  });
});

Deno.test("a lock whose process is gone is taken over with a warning", async () => {
  await withFolder(async (dir) => {
    const pid = await deadPid();
    const stale = { pid, host: Deno.hostname(), started_at: "2026-01-01T00:00:00.000Z" };
    await Deno.writeTextFile(`${dir}/out.jsonl.lock`, JSON.stringify(stale));
    const warnings: string[] = [];
    using lock = await _ResultsLock.acquire(`${dir}/out.jsonl`, {
      onWarning: (warning) => warnings.push(warning),
    });
    strictEqual(JSON.parse(await Deno.readTextFile(lock.path)).pid, Deno.pid);
    deepStrictEqual(warnings, [
      `Took over the lock "${dir}/out.jsonl.lock": the batch that held it (pid ${pid}) is no longer running`,
    ]);
    deepStrictEqual([...Deno.readDirSync(dir)].map((entry) => entry.name), ["out.jsonl.lock"]);
  });
});

Deno.test("a lock from another host or that cannot be read is never taken over: the message says to remove it", async () => {
  await withFolder(async (dir) => {
    const lockPath = `${dir}/out.jsonl.lock`;
    const elsewhere = { pid: await deadPid(), host: "node-7", started_at: "2026-01-01T00:00:00Z" };
    await Deno.writeTextFile(lockPath, JSON.stringify(elsewhere));
    await rejects(
      _ResultsLock.acquire(`${dir}/out.jsonl`),
      new RegExp(
        `a batch on "node-7" \\(pid ${elsewhere.pid}\\) is writing it: .*; if no batch is writing it, remove the lock "${lockPath}"$`,
      ),
    );
    await Deno.writeTextFile(lockPath, "");
    const started = performance.now();
    await rejects(
      _ResultsLock.acquire(`${dir}/out.jsonl`),
      /: another batch is writing it: .*remove the lock/,
    );
    assert(performance.now() - started >= 450, "an empty lock is read again for a moment first");
    strictEqual(await Deno.readTextFile(lockPath), "", "left as it was");
  });
});

Deno.test("a process that exits without releasing its lock (Deno.exit) leaves none", async () => {
  await withFolder(async (dir) => {
    const [module, results] = [
      new URL("./_results_lock.ts", import.meta.url).href,
      `${dir}/out.jsonl`,
    ]
      .map((value) => JSON.stringify(value));
    const program = `
      import { _ResultsLock } from ${module};
      await _ResultsLock.acquire(${results});
      console.log(Deno.readDirSync(${JSON.stringify(dir)}).toArray().length);
      Deno.exit(1);
    `;
    const out = await new Deno.Command(Deno.execPath(), { args: ["eval", program], stdin: "null" })
      .output();
    strictEqual(
      new TextDecoder().decode(out.stdout).trim(),
      "1",
      new TextDecoder().decode(out.stderr),
    );
    deepStrictEqual([...Deno.readDirSync(dir)], []);
  });
});
