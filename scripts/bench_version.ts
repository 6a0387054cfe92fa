/**
 * `claw --version` start-up against its floor, measured in the same alternating rounds: what
 * claw's entry point and command table cost before any command is loaded. Prints median wall
 * times, CPU time per run and the ratios to the floor (target: within 1.10× the floor).
 *
 * - floor:   a one-line Deno program that prints a string (`deno run -A floor.ts`), in the
 *            git-ignored `.cache/bench/` so it runs under the same deno.json as claw
 * - claw:    `deno run -A main.ts --version`, a whole claw process
 * - compare: with `--compare DIR`, another checkout's `main.ts --version` (an older commit:
 *            `git clone . /tmp/old && git -C /tmp/old checkout <rev>`), run from DIR
 *
 * CPU time is user + system of the children, read from `/proc/self/stat` before and after each
 * variant's runs (Linux; elsewhere only wall time is printed).
 *
 * @example
 * ```sh
 * deno run -A scripts/bench_version.ts --runs 30
 * deno run -A scripts/bench_version.ts --compare /tmp/oldclaw
 * ```
 *
 * @module
 */
import { median } from "./_bench/stats.ts";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    runs: { type: "string", default: "30" },
    compare: { type: "string" },
  },
});
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) {
  console.error(`Pass a whole number above 0 for --runs, not "${values.runs}"`);
  Deno.exit(2);
}
const root = new URL("..", import.meta.url).pathname;
const other = values.compare === undefined ? undefined : resolve(values.compare);
if (other !== undefined && !(await exists(join(other, "main.ts")))) {
  console.error(`Cannot find "${join(other, "main.ts")}": pass --compare a claw checkout`);
  Deno.exit(2);
}

await Deno.mkdir(join(root, ".cache", "bench"), { recursive: true });
const floor = join(root, ".cache", "bench", "version_floor.ts");
await Deno.writeTextFile(floor, `console.log("claw 0.0.0");\n`);

/** A variant: what it runs, and from where (each checkout under its own deno.json). */
interface Variant {
  label: string;
  args: string[];
  cwd: string;
}
const variants: Variant[] = [
  { label: "floor (prints a string)", args: ["run", "-A", floor], cwd: root },
  { label: "claw --version", args: ["run", "-A", join(root, "main.ts"), "--version"], cwd: root },
];
if (other !== undefined) {
  const main = join(other, "main.ts");
  const label = `claw --version in ${other}`;
  variants.push({ label, args: ["run", "-A", main, "--version"], cwd: other });
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

/** User + system CPU time, in ms, of the children this process has waited for; Linux only. */
async function childrenCpuMs(): Promise<number | undefined> {
  try {
    const stat = await Deno.readTextFile("/proc/self/stat");
    // Fields from the third on follow the command name's ")"; cutime and cstime are 16 and 17.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[13]) + Number(fields[14])) * 10; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}

/** Runs `variant` once to its end; its wall time in ms. A failure throws. */
async function time(variant: Variant): Promise<number> {
  const started = performance.now();
  const out = await new Deno.Command(Deno.execPath(), {
    args: variant.args,
    cwd: variant.cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const ms = performance.now() - started;
  if (!out.success) {
    const said = new TextDecoder().decode(out.stderr).trim().split("\n").slice(-5).join("\n");
    throw new Error(`${variant.label} failed (exit ${out.code}): ${said}`);
  }
  return ms;
}

// Warm up: file caches, and Deno's module cache for each checkout and the floor.
for (const variant of variants) await time(variant);

const wall = variants.map((): number[] => []);
const cpu = variants.map(() => 0 as number | undefined);
for (let round = 0; round < runs; round++) {
  // Alternate the order (A B C, then C B A), so drift hits every variant alike.
  const order = round % 2 ? [...variants.keys()].reverse() : [...variants.keys()];
  for (const i of order) {
    const before = await childrenCpuMs();
    wall[i]!.push(await time(variants[i]!));
    const after = await childrenCpuMs();
    cpu[i] = before === undefined || after === undefined ? undefined : cpu[i]! + after - before;
  }
}

const floorWall = median(wall[0]!);
const floorCpu = cpu[0] === undefined ? undefined : cpu[0] / runs;
console.log(`claw --version start-up, ${runs} alternating rounds (deno ${Deno.version.deno})`);
const width = Math.max(...variants.map((variant) => variant.label.length));
console.log(`  ${"".padEnd(width)} ${"median wall".padStart(13)} ${"CPU per run".padStart(13)}`);
for (const [i, variant] of variants.entries()) {
  const ms = median(wall[i]!);
  const cpuMs = cpu[i] === undefined ? undefined : cpu[i] / runs;
  const ratios = i === 0
    ? "the floor"
    : `${(ms / floorWall).toFixed(3)}× the floor's wall${
      cpuMs === undefined || !floorCpu ? "" : `, ${(cpuMs / floorCpu).toFixed(3)}× its CPU`
    }`;
  console.log(
    `  ${variant.label.padEnd(width)} ${`${ms.toFixed(1)} ms`.padStart(13)} ${
      (cpuMs === undefined ? "-" : `${cpuMs.toFixed(1)} ms`).padStart(13)
    }   ${ratios}`,
  );
}
