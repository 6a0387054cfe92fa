/**
 * The single binary (`scripts/compile.ts`): its command line is checked before anything is built,
 * it includes every module claw imports lazily, and, where a denort runtime is at hand
 * (`DENORT_BIN`), the binary it builds for this host runs `--version`, `run --demo`,
 * `doctor --json` and every command's help, as the release workflow (`examples/release.yml`) does
 * on each target's runner.
 */
import { deepStrictEqual, match, ok as assert, strictEqual } from "node:assert";
import { join } from "node:path";
import {
  binaryName,
  chooseTargets,
  lazyImports,
  sha256Line,
  type Target,
  TARGETS,
} from "../scripts/compile.ts";
import { COMMANDS } from "../src/cli/commands.ts";
import { isExecutableFile } from "../src/process/discover.ts";
import { VERSION } from "../src/version.ts";

const COMPILE = new URL("../scripts/compile.ts", import.meta.url).pathname;
const HOST = Deno.build.target as Target;
const decoder = new TextDecoder();

/** What a process printed and returned. */
interface Output {
  code: number;
  stdout: string;
  stderr: string;
}

async function output(
  program: string,
  args: string[],
  env: Record<string, string> = {},
  clearEnv = false,
): Promise<Output> {
  const out = await new Deno.Command(program, {
    args,
    env: { NO_COLOR: "1", ...env },
    clearEnv,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
}

/** `deno run -A scripts/compile.ts ...args`, with `DENORT_BIN` as given (unset when undefined). */
function compileScript(args: string[], denort?: string): Promise<Output> {
  const env = { ...Deno.env.toObject() };
  delete env.DENORT_BIN;
  if (denort !== undefined) env.DENORT_BIN = denort;
  return output(Deno.execPath(), ["run", "-A", COMPILE, ...args], env, true);
}

/** A usage error: exit 2, one line on stderr matching `message`, nothing built in `outDir`. */
async function assertRefused(out: Output, message: RegExp, outDir: string) {
  deepStrictEqual([out.code, out.stdout], [2, ""], out.stderr);
  strictEqual(out.stderr.trimEnd().split("\n").length, 1, `one line: ${out.stderr}`);
  match(out.stderr, message);
  const built = await Deno.stat(outDir).then(() => true, () => false);
  strictEqual(built, false, "nothing was built");
}

// ---- The command line, checked before anything is built ---------------------------------------

Deno.test("compile.ts refuses an unknown target with one line naming the five, exit 2", async () => {
  const dir = await Deno.makeTempDir({ prefix: "claw-compile-" });
  try {
    const outDir = join(dir, "dist");
    const out = await compileScript([
      "--target",
      "riscv64gc-unknown-linux-gnu",
      "--out-dir",
      outDir,
    ]);
    await assertRefused(out, /^Unknown target "riscv64gc-unknown-linux-gnu": use one of /, outDir);
    for (const target of TARGETS) assert(out.stderr.includes(target), `names ${target}`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("with DENORT_BIN, compile.ts refuses a target other than the host's, exit 2", async () => {
  const dir = await Deno.makeTempDir({ prefix: "claw-compile-" });
  try {
    const outDir = join(dir, "dist");
    const other = TARGETS.find((target) => target !== HOST)!;
    // Any existing file will do: the target is refused before the runtime is used
    const out = await compileScript(["--target", other, "--out-dir", outDir], Deno.execPath());
    await assertRefused(
      out,
      new RegExp(`^Cannot build "${other}" with DENORT_BIN: a denort runtime serves one target`),
      outDir,
    );
    assert(out.stderr.includes(`--target ${HOST}`), "says which target it can build");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("compile.ts refuses an unknown option, a stray argument and a DENORT_BIN that is not there", async () => {
  const dir = await Deno.makeTempDir({ prefix: "claw-compile-" });
  try {
    const outDir = join(dir, "dist");
    const flag = await compileScript(["--frobnicate", "--out-dir", outDir]);
    await assertRefused(flag, /^Unknown option "--frobnicate": use --target TARGET/, outDir);
    const stray = await compileScript([HOST, "--out-dir", outDir]);
    await assertRefused(
      stray,
      new RegExp(`^Unexpected "${HOST}": pass targets with --target`),
      outDir,
    );
    const missing = await compileScript(["--out-dir", outDir], join(dir, "no-denort"));
    await assertRefused(missing, /^Cannot find the denort runtime DENORT_BIN names /, outDir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("compile.ts builds all five targets by default, and only the host's with DENORT_BIN", () => {
  deepStrictEqual(chooseTargets({ asked: [], host: HOST }), [...TARGETS]);
  deepStrictEqual(chooseTargets({ asked: [], denort: "/opt/denort", host: HOST }), [HOST]);
  deepStrictEqual(chooseTargets({ asked: [HOST], denort: "/opt/denort", host: HOST }), [HOST]);
  deepStrictEqual(
    chooseTargets({ asked: ["aarch64-apple-darwin", "aarch64-apple-darwin"], host: HOST }),
    ["aarch64-apple-darwin"],
  );
});

Deno.test("compile.ts includes every command's module, which lazy-dynamic-imports keeps out of deno compile", async () => {
  const config = JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url)));
  assert(config.unstable?.includes("lazy-dynamic-imports"), "deno.json defers dynamic imports");
  const included = await lazyImports();
  for (const command of COMMANDS) {
    // The command table's loaders are literal imports: () => import("./run.ts")
    const file = /import\("\.\/([\w.]+)"\)/.exec(command.load.toString())?.[1];
    assert(file, `claw ${command.name}'s module is a literal import()`);
    assert(included.includes(`src/cli/${file}`), `src/cli/${file} is included`);
  }
  for (const path of included) {
    assert((await Deno.stat(new URL(`../${path}`, import.meta.url))).isFile, path);
  }
});

// ---- The binary itself, where a denort runtime is at hand --------------------------------------

const denort = Deno.env.get("DENORT_BIN");
const runnable = denort !== undefined && (TARGETS as readonly string[]).includes(HOST) &&
  isExecutableFile(denort);
if (!runnable) {
  console.log(
    "compile_test: the binary test is ignored: deno compile downloads denort from dl.deno.land, unreachable here; set DENORT_BIN",
  );
}

Deno.test({
  name: "the binary built for this host runs --version, run --demo, doctor --json and every help",
  ignore: !runnable,
  async fn(t) {
    const dir = await Deno.makeTempDir({ prefix: "claw-compile-" });
    try {
      const built = await compileScript(["--target", HOST, "--out-dir", dir], denort);
      strictEqual(built.code, 0, built.stderr);
      const claw = join(dir, binaryName(HOST));
      strictEqual(
        await Deno.readTextFile(`${claw}.sha256`),
        await sha256Line(claw),
        "the .sha256 beside it is the binary's",
      );

      await t.step("claw --version", async () => {
        const out = await output(claw, ["--version"]);
        deepStrictEqual([out.code, out.stdout], [0, `claw ${VERSION}\n`], out.stderr);
      });
      await t.step("claw run --demo replays the bundled cassette", async () => {
        const out = await output(claw, ["run", "--demo"]);
        strictEqual(out.code, 0, out.stderr);
        match(out.stdout, /Hello from claw/);
      });
      await t.step("claw doctor --json prints its report (exit 1 when a check fails)", async () => {
        const out = await output(claw, ["doctor", "--json"]);
        assert(out.code === 0 || out.code === 1, `exit ${out.code}: ${out.stderr}`);
        const report = JSON.parse(out.stdout);
        strictEqual(typeof report.ok, "boolean");
        assert(Array.isArray(report.checks) && report.checks.length > 0);
        strictEqual(out.code, report.ok ? 0 : 1);
      });
      for (const command of COMMANDS) {
        await t.step(`claw help ${command.name}`, async () => {
          const out = await output(claw, ["help", command.name]);
          const { help } = await command.load();
          deepStrictEqual([out.code, out.stdout, out.stderr], [0, `${help}\n`, ""]);
        });
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
