import { ok as assert, strictEqual } from "node:assert";
import { SUPPORTED_CLI } from "../process/version.ts";
import { checkCli } from "./cli_checks.ts";

/** Stand-ins: the checks only run `--version`, and the versions must differ on demand. */
async function standIn(dir: string, version: string): Promise<string> {
  await Deno.mkdir(dir, { recursive: true });
  const path = `${dir}/claude`;
  await Deno.writeTextFile(path, `#!/bin/sh\necho '${version} (Claude Code)'\n`, { mode: 0o755 });
  return path;
}

Deno.test("two claude executables on PATH with different versions are a warning", async () => {
  const root = await Deno.makeTempDir({ prefix: "claw-cli-checks-" });
  try {
    const first = await standIn(`${root}/a`, "2.1.332");
    await standIn(`${root}/b`, "2.0.76");
    const env = { PATH: `${root}/a:${root}/b`, HOME: root };
    const { checks, cli } = await checkCli({ env });
    strictEqual(cli?.path, first);
    strictEqual(cli?.version, "2.1.332");
    const [found, version, candidates] = checks;
    strictEqual(found?.detail, `${first} (first on PATH)`);
    strictEqual(version?.status, "ok");
    strictEqual(candidates?.status, "warn");
    assert(candidates?.detail.startsWith("2 claude executables with different versions:"));
    assert(candidates?.detail.includes(`${first}: 2.1.332 (claw runs this, your shell runs this)`));
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("a version newer than tested is a warning that names the drift command", async () => {
  const root = await Deno.makeTempDir({ prefix: "claw-cli-checks-" });
  try {
    const path = await standIn(root, "9.0.0");
    const { checks } = await checkCli({ env: { PATH: "/nonexistent", HOME: root }, cli: path });
    const version = checks.find((check) => check.id === "cli_version");
    strictEqual(version?.status, "warn");
    assert(version?.detail.startsWith("Claude Code 9.0.0 is newer than claw was tested with"));
    assert(version?.detail.includes(`tested up to ${SUPPORTED_CLI.tested}`), version?.detail);
    assert(version?.fix?.includes(`deno task drift --cli ${path}`), version?.fix);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
