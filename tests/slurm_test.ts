/**
 * `examples/slurm/` end to end on a real Slurm cluster started inside the test: munged, slurmctld
 * and slurmd (Debian's slurm-wlm 22.05 and munge) on one node, as root, with a generated
 * slurm.conf, their own munge socket and key, and free ports on 127.0.0.1, all in a temporary
 * folder of their own, whatever daemons the packages may have started themselves. The example's
 * `submit.sh` runs an array of 3 tasks over 30 jobs against claw's fake API, then a merge job;
 * one task fails on purpose (its `claw` reaches a fake API that refuses every request), so the
 * merge never runs; that task submitted again alone (`--resume`) completes the merge. Skipped,
 * saying why, where Slurm cannot run here: not Linux, not root, or the packages missing (`.ci/run`
 * installs them).
 *
 * What it took to run Slurm here, with no systemd: munged's socket in a 0755 folder and its key in
 * a 0700 one (`AuthInfo=socket=…` points Slurm at it); proctrack/linuxproc and task/none (no
 * cgroups); the node named after the short hostname with `NodeAddr=127.0.0.1`; `SlurmUser` and
 * `SlurmdUser` root; `CommunicationParameters=NoCtldInAddrAny,NoInAddrAny` (without the first,
 * slurmctld listens on 0.0.0.0); accounting off, so job states come from `scontrol show job`;
 * `batch_sched_delay=0`, so a job whose dependency is met starts in about a second, not three.
 */
import { deepStrictEqual, ok as assert, strictEqual } from "node:assert";
import { join } from "node:path";
import type { BatchResult } from "../src/batch/result.ts";
import { startFakeApi } from "../src/fake_api/fake_api.ts";
import { findOnPath } from "../src/doctor/_find_on_path.ts";
import { asked, place, results, TESTED } from "./_batch.ts";
import { cachedDenoDir } from "./_claw.ts";
import { exists } from "./_session.ts";
import { hasCli, pinnedCliPath } from "./_offline.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const SUBMIT = join(ROOT, "examples/slurm/submit.sh");
const TOOLS = ["munged", "slurmctld", "slurmd", "sbatch", "scontrol", "scancel", "sinfo"] as const;
type Tool = typeof TOOLS[number];
/** The states a Slurm job does not leave. */
const ENDED = new Set([
  "COMPLETED",
  "FAILED",
  "CANCELLED",
  "TIMEOUT",
  "NODE_FAIL",
  "OUT_OF_MEMORY",
  "PREEMPTED",
  "BOOT_FAIL",
  "DEADLINE",
]);

/** Where `name` is: on PATH, or in an sbin folder (a CI user's PATH may leave those out). */
function which(name: string): string | undefined {
  const dirs = [Deno.env.get("PATH") ?? "", "/usr/local/sbin", "/usr/sbin", "/sbin"];
  return findOnPath(name, { PATH: dirs.join(":") });
}

const tools = Object.fromEntries(TOOLS.map((name) => [name, which(name)])) as Record<
  Tool,
  string | undefined
>;

/** Why Slurm cannot run here, or `undefined` when it can. */
function whyNot(): string | undefined {
  if (Deno.build.os !== "linux") return "Slurm runs on Linux only";
  if (Deno.uid() !== 0) {
    return "not root: the test runs slurmctld and slurmd as root (SlurmUser=root)";
  }
  const missing = TOOLS.filter((name) => tools[name] === undefined);
  if (missing.length > 0) {
    return `no ${
      missing.join(", ")
    }: install the Debian packages slurm-wlm and munge (.ci/run does when it can)`;
  }
  if (!hasCli(TESTED)) return `the pinned claude ${TESTED} is missing: run deno task setup`;
  return undefined;
}

const SKIP = whyNot();
if (SKIP !== undefined) console.log(`tests/slurm_test.ts skipped: ${SKIP}`);

/** One daemon of the cluster, its stderr copied to a file. */
interface Daemon {
  name: Tool;
  child: Deno.ChildProcess;
  copied: Promise<void>;
  /** Its exit code once it ended. */
  ended?: number;
}

/**
 * A one-node Slurm cluster of its own in a temporary folder; dispose to cancel its jobs, reap its
 * daemons and remove the folder.
 */
class Cluster implements AsyncDisposable {
  /** What a Slurm client (sbatch, scontrol) needs to reach this cluster. */
  readonly env: Record<string, string>;
  readonly #root: string;
  readonly #daemons: Daemon[] = [];

  private constructor(root: string, env: Record<string, string>) {
    this.#root = root;
    this.env = env;
  }

  /** Starts munged, slurmctld and slurmd with `env` (a process marker) and waits for the node. */
  static async start(env: Record<string, string>): Promise<Cluster> {
    // munged wants every folder above its socket open to all (x), so not under a 0700 one.
    const root = await Deno.makeTempDir({ prefix: "claw-slurm-" });
    const conf = join(root, "slurm.conf");
    const socket = join(root, "munge-socket", "munge.socket");
    const key = join(root, "munge-key", "munge.key");
    const cluster = new Cluster(root, {
      PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
      SLURM_CONF: conf,
    });
    try {
      await Deno.chmod(root, 0o755);
      for (const folder of ["state", "spool", "log"]) await Deno.mkdir(join(root, folder));
      // munged refuses a socket folder others may write to, and a key others may read.
      await Deno.mkdir(join(root, "munge-socket"));
      await Deno.chmod(join(root, "munge-socket"), 0o755);
      await Deno.mkdir(join(root, "munge-key"), { mode: 0o700 });
      await Deno.writeFile(key, crypto.getRandomValues(new Uint8Array(1024)), { mode: 0o400 });
      await Deno.writeTextFile(conf, slurmConf(root, socket, freePorts(2)));
      const daemonEnv = { ...cluster.env, ...env };
      await cluster.#spawn("munged", [
        ...["--foreground", `--socket=${socket}`, `--key-file=${key}`],
        ...[`--pid-file=${join(root, "munged.pid")}`, `--seed-file=${join(root, "munged.seed")}`],
        `--log-file=${join(root, "log", "munged.log")}`,
      ], daemonEnv);
      await cluster.#until("munged made its socket", async () => await exists(socket));
      await cluster.#spawn("slurmctld", ["-D", "-f", conf], daemonEnv);
      await cluster.#spawn("slurmd", ["-D", "-f", conf], daemonEnv);
      await cluster.#until("the node is idle", async () => {
        const state = await cluster.run("sinfo", ["--noheader", "--Node", "--format=%T"], false);
        return state.trim() === "idle";
      });
      return cluster;
    } catch (error) {
      await cluster[Symbol.asyncDispose]();
      throw error;
    }
  }

  /** Runs a Slurm client; throws with what it said when it fails (unless `check` is false). */
  async run(tool: Tool, args: string[], check = true): Promise<string> {
    const out = await new Deno.Command(tools[tool]!, {
      args,
      env: this.env,
      clearEnv: true,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const decoder = new TextDecoder();
    if (check && !out.success) {
      throw new Error(
        `${tool} ${args.join(" ")} failed (exit ${out.code}): ${decoder.decode(out.stderr)}`,
      );
    }
    return decoder.decode(out.stdout);
  }

  /** The state of each job of `id` (each task of an array by its task id). */
  async states(id: string): Promise<Record<string, string>> {
    const lines = (await this.run("scontrol", ["--oneliner", "show", "job", id])).split("\n");
    const states: Record<string, string> = {};
    for (const line of lines.filter((line) => line.trim() !== "")) {
      const field = (name: string) => new RegExp(`(?:^| )${name}=(\\S+)`).exec(line)?.[1];
      states[field("ArrayTaskId") ?? field("JobId")!] = field("JobState") ?? "?";
    }
    return states;
  }

  /** Waits until every job of `id` has ended; their states. */
  async ended(id: string, timeoutMs = 120_000): Promise<Record<string, string>> {
    let states: Record<string, string> = {};
    await this.#until(`job ${id} ended`, async () => {
      states = await this.states(id);
      return Object.values(states).every((state) => ENDED.has(state));
    }, timeoutMs);
    return states;
  }

  /** The daemons' logs and every file of `logs` (the jobs' output), for a failure message. */
  async logs(logs?: string): Promise<string> {
    const files = [...Deno.readDirSync(join(this.#root, "log"))].map((entry) =>
      join(this.#root, "log", entry.name)
    );
    if (logs !== undefined && await exists(logs)) {
      files.push(...[...Deno.readDirSync(logs)].map((entry) => join(logs, entry.name)));
    }
    const texts = await Promise.all(
      files.sort().map(async (file) => {
        const text = await Deno.readTextFile(file).catch((error) => String(error));
        return `--- ${file}\n${text.split("\n").slice(-40).join("\n")}`;
      }),
    );
    return texts.join("\n");
  }

  /** Cancels what still runs, then stops the daemons, last started first, and reaps them. */
  async [Symbol.asyncDispose](): Promise<void> {
    if (this.#daemons.some((daemon) => daemon.name === "slurmctld")) {
      await this.run("scancel", ["--user=root"], false).catch(() => "");
    }
    for (const daemon of this.#daemons.reverse()) {
      try {
        daemon.child.kill("SIGTERM");
      } catch {
        // ended already
      }
      const timer = setTimeout(() => {
        try {
          daemon.child.kill("SIGKILL");
        } catch {
          // ended meanwhile
        }
      }, 10_000);
      await daemon.child.status;
      clearTimeout(timer);
      await daemon.copied;
    }
    await Deno.remove(this.#root, { recursive: true });
  }

  /** The pid of the daemon `name`. */
  pid(name: Tool): number {
    const daemon = this.#daemons.find((daemon) => daemon.name === name);
    if (daemon === undefined) throw new Error(`No ${name} was started`);
    return daemon.child.pid;
  }

  async #spawn(name: Tool, args: string[], env: Record<string, string>): Promise<void> {
    const log = await Deno.open(join(this.#root, "log", `${name}.stderr`), {
      write: true,
      create: true,
    });
    const child = new Deno.Command(tools[name]!, {
      args,
      env,
      clearEnv: true,
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    const daemon: Daemon = { name, child, copied: child.stderr.pipeTo(log.writable) };
    child.status.then((status) => daemon.ended = status.code);
    this.#daemons.push(daemon);
  }

  /** Polls `condition` every 100 ms; throws with the daemons' logs after `timeoutMs`. */
  async #until(what: string, condition: () => Promise<boolean>, timeoutMs = 20_000) {
    const deadline = Date.now() + timeoutMs;
    while (!await condition()) {
      const ended = this.#daemons.find((daemon) => daemon.ended !== undefined);
      if (ended) {
        throw new Error(
          `Slurm: ${ended.name} ended (exit ${ended.ended}) before ${what}\n${await this.logs()}`,
        );
      }
      if (Date.now() > deadline) {
        throw new Error(`Slurm: not done within ${timeoutMs} ms: ${what}\n${await this.logs()}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** The slurm.conf of a one-node cluster under `root`, on 127.0.0.1 only. */
function slurmConf(root: string, socket: string, [ctld, slurmd]: number[]): string {
  const host = Deno.hostname().split(".")[0];
  const at = (name: string) => join(root, name);
  return [
    "ClusterName=clawtest",
    `SlurmctldHost=${host}(127.0.0.1)`,
    `SlurmctldPort=${ctld}`,
    `SlurmdPort=${slurmd}`,
    "CommunicationParameters=NoCtldInAddrAny,NoInAddrAny",
    "SlurmUser=root",
    "SlurmdUser=root",
    "AuthType=auth/munge",
    "CredType=cred/munge",
    `AuthInfo=socket=${socket}`,
    "ProctrackType=proctrack/linuxproc",
    "TaskPlugin=task/none",
    "JobAcctGatherType=jobacct_gather/none",
    "AccountingStorageType=accounting_storage/none",
    "JobCompType=jobcomp/none",
    "MpiDefault=none",
    "MailProg=/bin/true",
    "SelectType=select/cons_tres",
    "SelectTypeParameters=CR_Core",
    "SchedulerType=sched/builtin",
    "SchedulerParameters=batch_sched_delay=0",
    "ReturnToService=2",
    `StateSaveLocation=${at("state")}`,
    `SlurmdSpoolDir=${at("spool")}`,
    `SlurmctldPidFile=${at("slurmctld.pid")}`,
    `SlurmdPidFile=${at("slurmd.pid")}`,
    `SlurmctldLogFile=${at("log/slurmctld.log")}`,
    `SlurmdLogFile=${at("log/slurmd.log")}`,
    // At least 3 CPUs, so the 3 one-CPU tasks run at once on a 2-core machine too (a few seconds
    // sooner); config_overrides keeps slurmd from refusing a node with fewer than it claims.
    `NodeName=${host} NodeAddr=127.0.0.1 CPUs=${
      Math.max(3, navigator.hardwareConcurrency)
    } State=UNKNOWN`,
    "SlurmdParameters=config_overrides",
    `PartitionName=claw Nodes=${host} Default=YES MaxTime=INFINITE State=UP`,
    "",
  ].join("\n");
}

/** `count` ports free on 127.0.0.1 now. */
function freePorts(count: number): number[] {
  const listeners = Array.from(
    { length: count },
    () => Deno.listen({ hostname: "127.0.0.1", port: 0 }),
  );
  const ports = listeners.map((listener) => (listener.addr as Deno.NetAddr).port);
  for (const listener of listeners) listener.close();
  return ports;
}

/** The local addresses of the TCP sockets `pid` listens on (`/proc/net/tcp`, hex as the kernel writes it). */
function listening(pid: number): string[] {
  const inodes = new Set<string>();
  for (const entry of Deno.readDirSync(`/proc/${pid}/fd`)) {
    const target = /^socket:\[(\d+)\]$/.exec(Deno.readLinkSync(`/proc/${pid}/fd/${entry.name}`));
    if (target) inodes.add(target[1]!);
  }
  return ["tcp", "tcp6"].flatMap((table) =>
    Deno.readTextFileSync(`/proc/net/${table}`).split("\n").slice(1).flatMap((line) => {
      const fields = line.trim().split(/\s+/);
      // local_address is field 1, the state field 3 (0A: LISTEN), the inode field 9.
      return fields[3] === "0A" && inodes.has(fields[9]!) ? [fields[1]!] : [];
    })
  );
}

/** Whether a `/proc/net/tcp*` address is on loopback: 127.0.0.0/8 or ::1. */
function isLoopback(address: string): boolean {
  const [host] = address.split(":");
  return host!.length === 8 ? host!.endsWith("7F") : host === "00000000000000000000000001000000";
}

/** Runs `examples/slurm/submit.sh` with `args`; the array's and the merge's job ids. */
async function submit(
  args: string[],
  env: Record<string, string>,
  cwd: string,
): Promise<{ array: string; merge: string; said: string }> {
  const out = await new Deno.Command("bash", {
    args: [SUBMIT, ...args],
    env,
    clearEnv: true,
    cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const said = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  strictEqual(out.code, 0, `submit.sh ${args.join(" ")} failed: ${said}`);
  const lines = new TextDecoder().decode(out.stdout).trim().split("\n");
  const merge = lines.at(-1)!;
  const array = /^tasks: job (\d+)/m.exec(said)?.[1];
  assert(/^\d+$/.test(merge) && array, `submit.sh ends with the merge job's id: ${said}`);
  return { array, merge, said };
}

/** The shard-line claw printed in the log of task `id` of array job `array`. */
async function shardSaid(logs: string, array: string, id: number): Promise<string> {
  const text = await Deno.readTextFile(join(logs, `task-${array}_${id}.log`));
  return /^claw batch: shard .*$/m.exec(text)?.[0] ?? text;
}

function byId(lines: BatchResult[]): Map<string, BatchResult[]> {
  const ids = new Map<string, BatchResult[]>();
  for (const line of lines) ids.set(line.id, [...ids.get(line.id) ?? [], line]);
  return ids;
}

Deno.test({
  name:
    "examples/slurm on a real Slurm: 3 tasks over 30 jobs merge each job once and ok; a failed task submitted again with --resume completes the merge",
  ignore: SKIP !== undefined,
  async fn() {
    await using at = await place();
    await using refusing = await startFakeApi({
      script: {
        replies: [{
          status: 400,
          error: { type: "invalid_request_error", message: "Refused on purpose by the test" },
        }],
        when_exhausted: "repeat_last",
      },
    });
    const started = performance.now();
    await using cluster = await Cluster.start(at.marker.env);
    const ready = performance.now() - started;
    for (const daemon of ["slurmctld", "slurmd"] as const) {
      const addresses = listening(cluster.pid(daemon));
      assert(addresses.length > 0 && addresses.every(isLoopback), `${daemon}: ${addresses}`);
    }

    // The tasks find claw (this checkout's main.ts) and claude on PATH; the key comes from the
    // environment sbatch exports. Task $CLAW_TEST_REFUSED_TASK reaches the refusing API.
    const bin = join(at.dir, "bin");
    await Deno.mkdir(bin);
    await Deno.writeTextFile(
      join(bin, "claw"),
      [
        "#!/bin/sh",
        'if [ -n "${CLAW_TEST_REFUSED_TASK:-}" ] && [ "${SLURM_ARRAY_TASK_ID:-}" = "$CLAW_TEST_REFUSED_TASK" ]; then',
        "  ANTHROPIC_BASE_URL=$CLAW_TEST_REFUSING_API; export ANTHROPIC_BASE_URL",
        "fi",
        `exec '${Deno.execPath()}' run -A '${join(ROOT, "main.ts")}' "$@"`,
        "",
      ].join("\n"),
      { mode: 0o755 },
    );
    await Deno.symlink(pinnedCliPath(TESTED), join(bin, "claude"));
    const env = {
      ...cluster.env,
      PATH: `${bin}:${cluster.env.PATH}`,
      DENO_DIR: await cachedDenoDir(),
      NO_COLOR: "1",
      CLAW_CONCURRENCY: "1",
      ...at.marker.env,
      ...at.vars,
    };
    const jobs = await at.jobs(30);
    const ids = (await Deno.readTextFile(jobs)).trim().split("\n").map((line) =>
      JSON.parse(line).id as string
    );
    const out = join(at.dir, "out");
    const logs = join(out, "logs");

    // 1. Task 1 fails: its jobs are refused, so the merge (afterok) never runs.
    const first = await submit([jobs, out, "3"], {
      ...env,
      CLAW_TEST_REFUSED_TASK: "1",
      CLAW_TEST_REFUSING_API: refusing.url,
    }, at.dir);
    // The merge is cancelled as soon as task 1 fails: the other tasks may still run.
    const firstMerge = await cluster.ended(first.merge);
    const firstTasks = await cluster.ended(first.array);
    const report1 = `${first.said}\n${await cluster.logs(logs)}`;
    deepStrictEqual(firstTasks, { 0: "COMPLETED", 1: "FAILED", 2: "COMPLETED" }, report1);
    deepStrictEqual(Object.values(firstMerge), ["CANCELLED"], report1);
    assert(!await exists(join(out, "results.jsonl")), "the merge did not run");
    const shards = await Promise.all(
      [0, 1, 2].map((k) => results(join(out, `results-${k}.jsonl`))),
    );
    strictEqual(shards.flat().length, 30, report1);
    assert(shards[0]!.every((r) => r.status === "ok"), report1);
    assert(shards[2]!.every((r) => r.status === "ok"), report1);
    assert(shards[1]!.length > 0 && shards[1]!.every((r) => r.status === "failed"), report1);
    assert(refusing.requests.length > 0, "task 1 reached the refusing API");
    strictEqual(
      await shardSaid(logs, first.array, 1),
      `claw batch: shard 2/3 from SLURM_ARRAY_TASK_ID=1 with --shards 3: ${
        shards[1]!.length
      } of 30 jobs`,
    );

    // 2. Task 1 alone again: --resume runs its jobs (none was ok) and a new merge completes.
    const before = at.api.requests.length;
    const again = await submit([jobs, out, "3", "1"], env, at.dir);
    const merged = await cluster.ended(again.merge);
    const report2 = `${again.said}\n${await cluster.logs(logs)}`;
    deepStrictEqual(await cluster.states(again.array), { 1: "COMPLETED" }, report2);
    deepStrictEqual(Object.values(merged), ["COMPLETED"], report2);
    deepStrictEqual(
      asked(at.api, before).sort(),
      shards[1]!.map((r) => r.id).sort(),
      "only task 1's jobs ran again",
    );
    strictEqual(
      await shardSaid(logs, again.array, 1),
      `claw batch: shard 2/3 from SLURM_ARRAY_TASK_ID=1 with --shards 3: ${
        shards[1]!.length
      } of 30 jobs`,
      "the task submitted alone keeps its shard",
    );
    const all = byId(await results(join(out, "results.jsonl")));
    deepStrictEqual([...all.keys()].sort(), ids.sort(), report2);
    for (const [id, lines] of all) {
      strictEqual(lines.length, 1, `${id} appears once`);
      strictEqual(lines[0]!.status, "ok", JSON.stringify(lines[0]));
      strictEqual(lines[0]!.result, `Answer to: Token ${id}`);
    }
    console.log(
      `Slurm up in ${(ready / 1000).toFixed(1)} s; both rounds done in ${
        ((performance.now() - started - ready) / 1000).toFixed(1)
      } s`,
    );
  },
});
