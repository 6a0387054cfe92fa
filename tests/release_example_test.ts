/**
 * The release workflow example (`examples/release.yml`) is valid YAML that does what its comments
 * promise: on a pushed `v*` tag, a native runner per target of `scripts/compile.ts` builds claw
 * with `deno task compile --target`, runs the binary it built (`--version`, `run --demo`,
 * `doctor --json`) and uploads it with its checksum; then a release job, after the builds,
 * attaches them all to the GitHub release.
 */
import { deepStrictEqual, ok as assert, strictEqual } from "node:assert";
// Test-only package: it comes from tests/imports.json (deno task test|check), not deno.json.
import { z } from "zod";
import { readYaml, Step, stepRunning, stepUsing } from "./_yaml.ts";
import { binaryName, type Target, TARGETS } from "../scripts/compile.ts";
import { help as doctorHelp } from "../src/cli/doctor.ts";

const RELEASE = "examples/release.yml";

/** The runner of each target: one of its own architecture, so the built binary runs there. */
const NATIVE_RUNNERS: Record<Target, string> = {
  "x86_64-unknown-linux-gnu": "ubuntu-latest",
  "aarch64-unknown-linux-gnu": "ubuntu-24.04-arm",
  "x86_64-pc-windows-msvc": "windows-latest",
  "x86_64-apple-darwin": "macos-15-intel",
  "aarch64-apple-darwin": "macos-latest",
};

const Workflow = z.object({
  on: z.object({ push: z.object({ tags: z.array(z.string()) }) }),
  jobs: z.object({
    build: z.object({
      "runs-on": z.string(),
      strategy: z.object({
        matrix: z.object({
          include: z.array(z.object({ os: z.string(), target: z.string(), binary: z.string() })),
        }),
      }),
      steps: z.array(Step),
    }),
    release: z.object({
      needs: z.union([z.string(), z.array(z.string())]),
      "runs-on": z.string(),
      permissions: z.object({ contents: z.literal("write") }),
      steps: z.array(Step),
    }),
  }),
});

async function workflow() {
  const documents = await readYaml(RELEASE);
  strictEqual(documents.length, 1, `${RELEASE} holds one document`);
  return Workflow.parse(documents[0]);
}

Deno.test("the release workflow runs on pushed v* tags only", async () => {
  const { on } = await workflow();
  deepStrictEqual(Object.keys(on), ["push"]);
  deepStrictEqual(on.push.tags, ["v*"]);
});

Deno.test("the release matrix builds every target scripts/compile.ts knows, each on its native runner", async () => {
  const { build } = (await workflow()).jobs;
  strictEqual(build["runs-on"], "${{ matrix.os }}");
  const include = build.strategy.matrix.include;
  deepStrictEqual(include.map((entry) => entry.target).toSorted(), [...TARGETS].toSorted());
  for (const { os, target, binary } of include) {
    strictEqual(os, NATIVE_RUNNERS[target as Target], `${target} builds on its native runner`);
    strictEqual(binary, binaryName(target as Target), `${target}'s binary is compile.ts's name`);
  }
});

Deno.test("each build installs Deno 2.9.6, compiles its target, then runs the three commands on its binary", async () => {
  const { steps } = (await workflow()).jobs.build;
  const setup = stepUsing(steps, "denoland/setup-deno");
  strictEqual(setup.uses, "denoland/setup-deno@v2");
  strictEqual(String(setup.with?.["deno-version"]), "2.9.6");
  const compiled = steps.indexOf(
    stepRunning(steps, "deno task compile --target ${{ matrix.target }}"),
  );
  // compile.ts writes into dist/ by default
  const binary = "dist/${{ matrix.binary }}";
  for (const command of ["--version", "run --demo", "doctor --json"]) {
    const at = steps.indexOf(stepRunning(steps, `${binary} ${command}`));
    assert(at > compiled, `claw ${command} runs after the build, on the binary it built`);
  }
  const upload = stepUsing(steps, "actions/upload-artifact");
  strictEqual(upload.uses, "actions/upload-artifact@v4");
  deepStrictEqual(String(upload.with?.path).trim().split("\n"), [binary, `${binary}.sha256`]);
  assert(steps.indexOf(upload) > steps.indexOf(stepRunning(steps, `${binary} doctor --json`)));
});

Deno.test("the doctor step accepts the exit codes claw doctor documents for a runner with no claude", async () => {
  // 0 when no check fails, 1 when one does: a runner has no claude, so 1 is not a failed build
  assert(
    doctorHelp.includes("Exit codes: 0 when no check fails (warnings allowed); 1 when one does"),
  );
  const { steps } = (await workflow()).jobs.build;
  const doctor = stepRunning(steps, "doctor --json").run!;
  assert(doctor.includes('[ "$code" -le 1 ]'), "exit 0 and 1 pass, 2 and above fail");
  assert(doctor.includes("JSON.parse"), "the report must parse as JSON");
});

Deno.test("the release job waits for the builds, checks the checksums and attaches every file", async () => {
  const { release } = (await workflow()).jobs;
  assert([release.needs].flat().includes("build"), "release needs build");
  const download = stepUsing(release.steps, "actions/download-artifact");
  strictEqual(download.uses, "actions/download-artifact@v4");
  deepStrictEqual([download.with?.path, download.with?.["merge-multiple"]], ["dist", true]);
  assert(
    release.steps.indexOf(stepRunning(release.steps, "sha256sum -c *.sha256")) >
      release.steps.indexOf(download),
    "the checksums are checked once downloaded",
  );
  const publish = stepUsing(release.steps, "softprops/action-gh-release");
  strictEqual(publish.uses, "softprops/action-gh-release@v2");
  strictEqual(publish.with?.files, "dist/*");
});
