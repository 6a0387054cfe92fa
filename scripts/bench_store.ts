/**
 * Session store benchmark, two parts, over synthetic sessions made by code
 * (`writeBulkySession`: the shape of a Claude Code 2.1 transcript, made-up content) in a
 * throw-away config dir:
 *
 * - `claw session list --all --json` over `--sessions` sessions totalling `--mb` MiB, against two
 *   floors measured in the same alternating rounds, each a bare Deno program as a process of its
 *   own (as claw is): one that reads every byte of every session file once (a read loop into one
 *   buffer), and one that reads only each file's first and last 64 KiB, which is what a listing
 *   without prompt counts (nor titles, tags or archived marks written mid-file) would cost. Prints
 *   the median wall times, both ratios (targets: within 1.5× the every-byte floor in issue #23,
 *   within 1.5× the 64 KiB floor in SPEC.md), what the full read costs over the 64 KiB floor, and
 *   the start-up of claw alone (a list of no sessions).
 * - Peak memory (RSS of the whole process, from `/usr/bin/time -v`, or VmHWM polled in
 *   `/proc/<pid>/status` without it) of `claw session list`, `show`, `show --json` and `export`
 *   in each format, of one session of `--show-mb` MiB whose tool results make lines of about
 *   `--line-mb` MiB, printed next to its longest line and to the peak of `claw --version` (what
 *   Deno itself takes). Target: within 2× the longest line.
 *
 * The defaults are modest, so `deno task bench` stays short; `--full` takes the target's sizes
 * (2,000 sessions, 2 GiB; a 600 MiB session of 10 MiB lines).
 *
 * @example
 * ```sh
 * deno run -A scripts/bench_store.ts                 # 200 sessions, 200 MiB; a 100 MiB session
 * deno run -A scripts/bench_store.ts --full --runs 3  # 2,000 sessions, 2 GiB; a 600 MiB session
 * ```
 *
 * @module
 */
import { hasGnuTime, median } from "./_bench/stats.ts";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { writeBulkySession } from "../src/session/_synthetic_sessions.ts";
import { projectFolderName } from "../src/session/store.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    full: { type: "boolean", default: false },
    sessions: { type: "string" },
    mb: { type: "string" },
    "show-mb": { type: "string" },
    "line-mb": { type: "string", default: "10" },
    runs: { type: "string", default: "3" },
  },
});
const full = values.full;
const sessionCount = Number(values.sessions ?? (full ? 2000 : 200));
const totalMiB = Number(values.mb ?? (full ? 2048 : 200));
const showMiB = Number(values["show-mb"] ?? (full ? 600 : 100));
const lineMiB = Number(values["line-mb"]);
const runs = Number(values.runs);
const numbers = [sessionCount, totalMiB, showMiB, lineMiB, runs];
if (!numbers.every((n) => Number.isFinite(n) && n > 0) || !Number.isInteger(runs)) {
  console.error(
    "Invalid --sessions, --mb, --show-mb, --line-mb or --runs: pass positive numbers (--runs whole)",
  );
  Deno.exit(2);
}

const MiB = 1024 * 1024;
const main = new URL("../main.ts", import.meta.url).pathname;
const cwd = "/work/project"; // the working directory the synthetic sessions ran in
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mib = (bytes: number) => `${(bytes / MiB).toFixed(1)} MiB`;
const size = (bytes: number) => bytes < MiB ? `${(bytes / 1024).toFixed(1)} KiB` : mib(bytes);

/** The floor programs: bare Deno, no claw code; each takes the projects folder. */
const FLOORS = {
  // Every byte of every session file, once, into one reused buffer.
  every: `
const buffer = new Uint8Array(1024 * 1024);
for (const folder of Deno.readDirSync(Deno.args[0])) {
  for (const entry of Deno.readDirSync(\`\${Deno.args[0]}/\${folder.name}\`)) {
    using file = await Deno.open(\`\${Deno.args[0]}/\${folder.name}/\${entry.name}\`);
    while ((await file.read(buffer)) !== null);
  }
}`,
  // Only each file's first and last 64 KiB.
  ends: `
const buffer = new Uint8Array(64 * 1024);
for (const folder of Deno.readDirSync(Deno.args[0])) {
  for (const entry of Deno.readDirSync(\`\${Deno.args[0]}/\${folder.name}\`)) {
    using file = await Deno.open(\`\${Deno.args[0]}/\${folder.name}/\${entry.name}\`);
    const { size } = await file.stat();
    await file.read(buffer);
    if (size > 2 * buffer.length) await file.seek(size - buffer.length, Deno.SeekMode.Start);
    if (size > buffer.length) await file.read(buffer);
  }
}`,
};

const root = await Deno.makeTempDir({ prefix: "claw-bench-store-" });
try {
  const floorPaths = {
    every: join(root, "floor_every.ts"),
    ends: join(root, "floor_ends.ts"),
  };
  for (const [name, code] of Object.entries(FLOORS)) {
    await Deno.writeTextFile(floorPaths[name as keyof typeof FLOORS], code);
  }

  // Part 1: many sessions, their sizes spread from a quarter to 1.75 times the mean.
  const listing = await store(join(root, "list"));
  let written = 0;
  let longestLine = 0;
  const mean = (totalMiB * MiB) / sessionCount;
  for (let i = 0; i < sessionCount; i++) {
    const sessionId = uuid(i);
    const made = await writeBulkySession(join(listing.folder, `${sessionId}.jsonl`), {
      sessionId,
      cwd,
      bytes: mean * (0.25 + 1.5 * ((i * 7919) % sessionCount) / sessionCount),
      toolOutputBytes: 1024 * (1 + (i % 16)),
      start: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
    });
    written += made.bytes;
    longestLine = Math.max(longestLine, made.longestLine);
  }
  const projects = join(listing.config, "projects");
  const list = ["run", "-A", main, "session", "list", "--all", "--json"];
  const every = ["run", "-A", floorPaths.every, projects];
  const ends = ["run", "-A", floorPaths.ends, projects];
  const empty = await store(join(root, "empty")); // claw's start-up: a list of no sessions
  // Warm-up: Deno's module cache for main.ts, the page cache for the files.
  await timed(list, listing.env);
  await timed(every, listing.env);
  const times: Record<"list" | "every" | "ends" | "empty", number[]> = {
    list: [],
    every: [],
    ends: [],
    empty: [],
  };
  for (let run = 0; run < runs; run++) {
    const order = [
      async () => times.every.push(await timed(every, listing.env)),
      async () => times.ends.push(await timed(ends, listing.env)),
      async () => times.empty.push(await timed(list, empty.env)),
      async () => times.list.push(await timed(list, listing.env)),
    ];
    if (run % 2 === 1) order.reverse(); // drift and a warm cache favour neither
    for (const measure of order) await measure();
  }
  const listRss = await peakRss(list, listing.env);

  // Part 2: one large session, and what Deno itself takes.
  const large = await store(join(root, "show"));
  const id = uuid(0);
  const made = await writeBulkySession(join(large.folder, `${id}.jsonl`), {
    sessionId: id,
    cwd,
    bytes: showMiB * MiB,
    toolOutputBytes: Math.round((lineMiB * MiB) / 2), // stored twice in its line
  });
  const baseline = await peakRss(["run", "-A", main, "--version"], large.env);
  const commands: [string, string[]][] = [
    ["list", ["list", "--all"]],
    ["show", ["show", id]],
    ["show --json", ["show", id, "--json"]],
    ["export --format md", ["export", id, "--format", "md"]],
    ["export --format json", ["export", id, "--format", "json"]],
    ["export --format ndjson", ["export", id, "--format", "ndjson"]],
  ];
  // V8 collects when it likes: each peak is the median of `--runs`.
  const peaks: [string, number][] = [];
  for (const [name, args] of commands) {
    const rss: number[] = [];
    for (let run = 0; run < runs; run++) {
      rss.push(await peakRss(["run", "-A", main, "session", ...args], large.env));
    }
    peaks.push([name, median(rss)]);
  }

  const [list_, every_, ends_] = [median(times.list), median(times.every), median(times.ends)];
  console.log(
    `claw session store: ${sessionCount} synthetic sessions, ${mib(written)} (longest line ${
      size(longestLine)
    }), ${runs} alternating run(s), median wall time of each process:`,
  );
  console.log(`  floor, every byte once (bare Deno read loop): ${seconds(every_)}`);
  console.log(`  floor, each file's first and last 64 KiB:     ${seconds(ends_)}`);
  console.log(`  claw session list of no sessions (start-up):  ${seconds(median(times.empty))}`);
  console.log(
    `  claw session list --all --json:                ${seconds(list_)}; ${
      (list_ / every_).toFixed(2)
    }× the every-byte floor (#23: ≤ 1.5×), ${
      (list_ / ends_).toFixed(2)
    }× the 64 KiB floor (SPEC: ≤ 1.5×); peak RSS ${mib(listRss)}`,
  );
  console.log(
    `  what reading every line costs over the 64 KiB floor (prompt counts, titles, tags, archived ` +
      `marks from anywhere in a file): ${seconds(list_ - ends_)}, ${
        seconds((list_ - ends_) / (written / 1024 / MiB))
      } per GiB`,
  );
  const how = (await hasGnuTime()) ? "/usr/bin/time -v" : "VmHWM polled";
  console.log(
    `peak RSS (${how}, median) for one synthetic session of ${
      mib(made.bytes)
    }, ${made.turns} turns, ` +
      `longest line ${size(made.longestLine)}; claw --version alone: ${mib(baseline)}:`,
  );
  for (const [name, rss] of peaks) {
    console.log(
      `  claw session ${name.padEnd(22)} ${mib(rss).padStart(10)}: ${
        (rss / made.longestLine).toFixed(2)
      }× the longest line, ${
        ((rss - baseline) / made.longestLine).toFixed(2)
      }× above Deno's own (target ≤ 2×)`,
    );
  }
} finally {
  await Deno.remove(root, { recursive: true });
}

/** A synthetic config dir under `dir`: its project folder, and the env that points claw at it. */
async function store(dir: string) {
  const config = join(dir, "config");
  const folder = join(config, "projects", projectFolderName(cwd));
  await Deno.mkdir(folder, { recursive: true });
  const env = {
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    HOME: dir,
    CLAUDE_CONFIG_DIR: config,
    NO_COLOR: "1",
    ...(Deno.env.get("DENO_DIR") ? { DENO_DIR: Deno.env.get("DENO_DIR")! } : {}),
  };
  return { config, folder, env };
}

/** The synthetic session id of session `i`. */
function uuid(i: number): string {
  return `5c0e1a9e-0000-4000-8000-${String(i).padStart(12, "0")}`;
}

/** Runs `deno ...args` to its end (its output thrown away) and returns its wall time in ms. */
async function timed(args: string[], env: Record<string, string>): Promise<number> {
  const started = performance.now();
  await runQuietly(Deno.execPath(), args, env);
  return performance.now() - started;
}

/** Peak RSS, in bytes, of `deno ...args` run to its end, its output thrown away. */
async function peakRss(args: string[], env: Record<string, string>): Promise<number> {
  if (await hasGnuTime()) {
    const report = join(root, "time.txt");
    await runQuietly("/usr/bin/time", ["-v", "-o", report, Deno.execPath(), ...args], env);
    const kib = /Maximum resident set size \(kbytes\): (\d+)/.exec(await Deno.readTextFile(report));
    if (!kib) throw new Error(`No peak RSS in ${report}`);
    return Number(kib[1]) * 1024;
  }
  const child = new Deno.Command(Deno.execPath(), {
    args,
    env,
    clearEnv: true,
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  let peak = 0;
  let done = false;
  const status = child.status.finally(() => done = true);
  while (!done) {
    try {
      const vmHwm = /VmHWM:\s+(\d+) kB/.exec(await Deno.readTextFile(`/proc/${child.pid}/status`));
      if (vmHwm) peak = Math.max(peak, Number(vmHwm[1]) * 1024);
    } catch {
      // exited between two looks
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  if (!(await status).success) throw new Error(`deno ${args.join(" ")} failed`);
  return peak;
}

async function runQuietly(program: string, args: string[], env: Record<string, string>) {
  const out = await new Deno.Command(program, {
    args,
    env,
    clearEnv: true,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!out.success) {
    const said = new TextDecoder().decode(out.stderr).trim().split("\n").slice(-5).join("\n");
    throw new Error(`${program} ${args.join(" ")} failed (exit ${out.code}): ${said}`);
  }
}
