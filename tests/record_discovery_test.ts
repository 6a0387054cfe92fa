/**
 * Recording through a spawner finds `claude` as a plain run does: the README's library patterns
 * (`recordingSpawner(denoSpawner, …)`, `cassetteSpawner({ mode: "auto" })`) and `claw batch run
 * --record` with the CLI named only by `CLAUDE_CLI_PATH`, no `cli` option, and nothing else to find
 * on `PATH`. A replay needs no CLI at all, and a recording without one is `cli_not_found`.
 */
import { deepStrictEqual as assertEquals, ok, strictEqual } from "node:assert";
import { join } from "node:path";
import { cassetteSpawner } from "../src/cassette/cassette_spawner.ts";
import { recordingSpawner, saveCassette } from "../src/cassette/recorder.ts";
import { captureClawError } from "../src/errors/_capture.ts";
import { denoSpawner } from "../src/process/deno_spawner.ts";
import { run } from "../src/session/run.ts";
import type { RunOptions } from "../src/session/run_options.ts";
import { place, results, TESTED } from "./_batch.ts";
import { cachedDenoDir } from "./_claw.ts";
import { hasCli, type Offline, offline, pinnedCliPath } from "./_offline.ts";
import { forEachCli, ProcessMarker, scripted, tempFolder, text } from "./_session.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;

/**
 * A `PATH` of one folder that holds `node` only (2.0.76 is a node script), so that no `claude` is
 * found there: the CLI is the one `CLAUDE_CLI_PATH` names, or none.
 */
async function nodeOnlyPath(folder: string): Promise<string> {
  const bin = join(folder, "bin");
  await Deno.mkdir(bin, { recursive: true });
  const node = (Deno.env.get("PATH") ?? "").split(":").map((dir) => join(dir, "node"))
    .find((path) => {
      try {
        return Deno.statSync(path).isFile;
      } catch {
        return false;
      }
    });
  if (node) await Deno.symlink(node, join(bin, "node"));
  return bin;
}

/** Run options for `version` with the CLI named only by `CLAUDE_CLI_PATH` (no `cli` option). */
function throughEnv(
  env: Offline,
  version: string,
  path: string,
  marker: ProcessMarker,
  extra: RunOptions = {},
): RunOptions {
  const { cli: _cli, ...options } = env.options(version, extra);
  return {
    ...options,
    env: { ...options.env, ...marker.env, CLAUDE_CLI_PATH: pinnedCliPath(version), PATH: path },
  };
}

/** Run options for the fake API with no CLI to be found: no `cli`, no `CLAUDE_CLI_PATH`. */
function withoutCli(env: Offline, path: string, marker: ProcessMarker): RunOptions {
  const { cli: _cli, ...options } = env.options("none");
  return {
    ...options,
    env: { ...options.env, ...marker.env, CLAUDE_CLI_PATH: undefined, PATH: path },
  };
}

forEachCli(
  "recordingSpawner(denoSpawner) records with the claude CLAUDE_CLI_PATH names, without a cli option",
  async (version) => {
    const marker = new ProcessMarker();
    await using env = await offline({ replies: [text("Recorded through the env.")] });
    await using folder = await tempFolder("claw-discovery-");
    const path = await nodeOnlyPath(folder.path);
    const cassette = join(folder.path, "hello.ndjson");
    const spawner = recordingSpawner(denoSpawner, { save: saveCassette(cassette) });
    const answer = await run("Say hello", throughEnv(env, version, path, marker, { spawner }))
      .text();
    strictEqual(answer, "Recorded through the env.");
    ok((await Deno.stat(cassette)).isFile, "the cassette was saved");
    await marker.assertNoneLeft();
  },
);

forEachCli(
  'cassetteSpawner({ mode: "auto" }) records a miss with the claude CLAUDE_CLI_PATH names, then replays it',
  async (version) => {
    const marker = new ProcessMarker();
    await using env = await offline({ replies: [text("Recorded on a miss.")] });
    await using folder = await tempFolder("claw-discovery-");
    const path = await nodeOnlyPath(folder.path);
    const spawner = cassetteSpawner({ dir: join(folder.path, "cassettes"), mode: "auto" });
    const options = throughEnv(env, version, path, marker, { spawner });
    strictEqual(await run("Say hello", options).text(), "Recorded on a miss.");
    strictEqual(scripted(env.api).length, 1);
    strictEqual(await run("Say hello", options).text(), "Recorded on a miss.");
    strictEqual(scripted(env.api).length, 1, "the second run replayed: the API was not asked");
    await marker.assertNoneLeft();
  },
);

Deno.test({
  name:
    'without any claude, cassetteSpawner({ mode: "auto" }) replays what it recorded and fails a miss with cli_not_found',
  ignore: !hasCli(TESTED),
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const marker = new ProcessMarker();
    await using env = await offline({ replies: [text("Recorded once.")] });
    await using folder = await tempFolder("claw-discovery-");
    const path = await nodeOnlyPath(folder.path);
    const dir = join(folder.path, "cassettes");
    // Recorded with the cli option, which a spawner has always been given as it is.
    const record = cassetteSpawner({ dir, mode: "record" });
    const recorded = env.options(TESTED, { spawner: record, env: marker.env });
    strictEqual(await run("Say hello", recorded).text(), "Recorded once.");

    const auto = {
      ...withoutCli(env, path, marker),
      spawner: cassetteSpawner({ dir, mode: "auto" }),
    };
    strictEqual(await run("Say hello", auto).text(), "Recorded once.", "a hit needs no CLI");
    const miss = await captureClawError(run("Say something new", auto).result());
    assertEquals([miss.kind, miss.name], ["cli_not_found", "ClaudeNotFoundError"]);
    strictEqual(scripted(env.api).length, 1, "nothing reached the API without a CLI");
    await marker.assertNoneLeft();
  },
});

Deno.test({
  name:
    'without any claude, cassetteSpawner({ mode: "record" }) fails with cli_not_found and replay mode needs none',
  ignore: !hasCli(TESTED),
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const marker = new ProcessMarker();
    await using env = await offline({ replies: [text("unreachable")] });
    await using folder = await tempFolder("claw-discovery-");
    const path = await nodeOnlyPath(folder.path);
    const dir = join(folder.path, "cassettes");
    const none = withoutCli(env, path, marker);
    const record = await captureClawError(
      run("Say hello", { ...none, spawner: cassetteSpawner({ dir, mode: "record" }) }).result(),
    );
    strictEqual(record.kind, "cli_not_found");
    ok(!(await Deno.stat(dir).then(() => true, () => false)), "nothing was recorded");
    // A replay never looks for one, not even where CLAUDE_CLI_PATH names a missing file.
    const corpus = new URL("../fixtures/cassettes/2.1.332", import.meta.url).pathname;
    const replay = cassetteSpawner({ dir: corpus, mode: "replay" });
    const options = { ...none, env: { ...none.env, CLAUDE_CLI_PATH: "/nonexistent/claude" } };
    strictEqual(
      await run("Say hello", { ...options, spawner: replay }).text(),
      "Hello from the fake API.",
    );
    await marker.assertNoneLeft();
  },
});

Deno.test({
  name: "claw batch run --record finds claude through CLAUDE_CLI_PATH, without --cli",
  ignore: !hasCli(TESTED),
  async fn() {
    await using at = await place();
    const jobs = await at.jobs(2);
    const path = await nodeOnlyPath(at.dir);
    const cassettes = `${at.dir}/cassettes`;
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", MAIN, "batch", "run", jobs, "-o", `${at.dir}/r.jsonl`]
        .concat(["--record", cassettes]),
      cwd: at.dir,
      env: {
        PATH: path,
        DENO_DIR: await cachedDenoDir(),
        NO_COLOR: "1",
        CLAUDE_CLI_PATH: pinnedCliPath(TESTED),
        ...at.marker.env,
        ...at.vars,
      },
      clearEnv: true,
      stdin: "null",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    strictEqual(out.code, 0, stderr);
    const lines = await results(`${at.dir}/r.jsonl`);
    assertEquals(lines.map((r) => [r.id, r.status, r.error_kind]).sort(), [
      ["job-01", "ok", null],
      ["job-02", "ok", null],
    ]);
    const saved = await Array.fromAsync(Deno.readDir(cassettes), (entry) => entry.name);
    assertEquals(saved.sort(), ["job-01.ndjson", "job-02.ndjson"]);
  },
});
