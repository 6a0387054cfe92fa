/**
 * The cassette corpus replays to exactly what was recorded:
 *
 * - every `claw run` recording (a `<step>.claw-run.json` golden beside the cassette) is run again
 *   as `claw run --cli <fake claude>` with the launcher `claw replay --write-bin` writes, in another
 *   folder under another HOME, and must print the same stdout and stderr and exit with the same
 *   code;
 * - every cassette replays in-process (`replayProcess`) fed with its recorded stdin lines, each
 *   written only once the stdout recorded before it has come out, and must give back the recorded
 *   stdout, stderr and exit code.
 *
 * The goldens were redacted with the rules the cassettes were; the fake claude prints the
 * replaying run's own places where the cassette has placeholders, so its output is redacted with
 * the same rules before it is compared. In-process replay without places prints the cassette's
 * text as it is.
 */
import { deepStrictEqual as assertEquals, ok } from "node:assert";
import { join } from "node:path";
import { CASSETTES_DIR } from "../scripts/record_cassettes.ts";
import { PINNED_CLI_VERSIONS } from "../scripts/install_cli.ts";
import { type Cassette, stdoutText } from "../src/cassette/cassette.ts";
import { replayProcess } from "../src/cassette/replay.ts";
import { redactionRules, redactLines } from "../src/cassette/redact.ts";
import { type CorpusEntry, type Golden, readCorpus } from "./_corpus.ts";
import { cachedDenoDir } from "./_claw.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;
/** Replays of `claw run` that run at once: each is two Deno processes (claw and the fake claude). */
const CONCURRENCY = 4;
/** How long one in-process replay may wait for output it owes before a stdin line. */
const OUTPUT_WAIT_MS = 5_000;

const corpus = readCorpus();

// ---------------------------------------------------------------------------------------------
// (a) claw run against the drop-in fake claude

/** One temp root for the launchers and every run's HOME and cwd, removed when the tests end. */
const root = Deno.makeTempDirSync({ prefix: "claw-corpus-replay-" });
globalThis.addEventListener("unload", () => Deno.removeSync(root, { recursive: true }));

/** The environment of a replayed `claw run`: the host's, minus claw's cassette settings. */
function hostEnv(): Record<string, string> {
  const env = Deno.env.toObject();
  for (const name of Object.keys(env)) if (name.startsWith("CLAW_")) delete env[name];
  return env;
}

async function deno(
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const output = await new Deno.Command(Deno.execPath(), {
    args,
    stdin: "null",
    ...options.env === undefined ? {} : { env: options.env, clearEnv: true },
    ...options.cwd === undefined ? {} : { cwd: options.cwd },
  }).output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

const launchers = new Map<string, Promise<string>>();

/** The fake claude of `version`'s cassettes, written once by `claw replay --write-bin`. */
function launcher(version: string): Promise<string> {
  let pending = launchers.get(version);
  if (!pending) {
    pending = (async () => {
      const bin = join(root, `bin-${version}`, "claude");
      const out = await deno([
        "run",
        "-A",
        "--quiet",
        MAIN,
        "replay",
        "--cassettes",
        join(CASSETTES_DIR, version),
        "--write-bin",
        bin,
      ]);
      assertEquals(out.code, 0, out.stderr);
      return bin;
    })();
    launchers.set(version, pending);
  }
  return pending;
}

/**
 * Runs `claw run --cli <fake claude> ARGS…` as the recording did, in a fresh HOME, cwd and TMPDIR
 * (three folders, so each placeholder comes back as itself), and redacts what it printed with the
 * rules the recording was saved with: the replay prints the run's own places.
 */
async function replayClawRun(entry: CorpusEntry, golden: Golden): Promise<Golden> {
  const bin = await launcher(entry.version);
  const place = join(root, `${entry.version}-${entry.name}`);
  const [cwd, home, tmp] = ["work", "home", "tmp"].map((name) => join(place, name)) as [
    string,
    string,
    string,
  ];
  for (const folder of [cwd, home, tmp]) await Deno.mkdir(folder, { recursive: true });
  const env = { ...hostEnv(), HOME: home, TMPDIR: tmp, NO_COLOR: "1" };
  const out = await deno(
    ["run", "-A", "--quiet", MAIN, "run", "--cli", bin, ...golden.args],
    { cwd, env: { ...env, DENO_DIR: await cachedDenoDir() } },
  );
  await Deno.remove(place, { recursive: true });
  const rules = redactionRules({ cwd, home, root: tmp });
  return {
    args: golden.args,
    ...out,
    stdout: redactLines(out.stdout, rules),
    stderr: redactLines(out.stderr, rules),
  };
}

/** Starts `tasks` at most `limit` at a time; returns one promise per task, in order. */
function pooled<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T>[] {
  const results = tasks.map(() => Promise.withResolvers<T>());
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const index = next++;
      try {
        results[index]!.resolve(await tasks[index]!());
      } catch (error) {
        results[index]!.reject(error);
      }
    }
  };
  for (let i = 0; i < Math.min(limit, tasks.length); i++) worker();
  results.forEach((result) => result.promise.catch(() => {}));
  return results.map((result) => result.promise);
}

const withGolden = corpus.filter((entry) => entry.golden !== undefined);
let replays: Promise<Golden>[] | undefined;

/** The replayed output of `withGolden[index]`; the first test to ask starts all of them. */
function replayed(index: number): Promise<Golden> {
  replays ??= pooled(
    withGolden.map((entry) => () => replayClawRun(entry, entry.golden!)),
    CONCURRENCY,
  );
  return replays[index]!;
}

Deno.test("the corpus has claw run goldens for every pinned CLI version", () => {
  for (const version of PINNED_CLI_VERSIONS) {
    ok(withGolden.filter((entry) => entry.version === version).length >= 20, version);
  }
});

withGolden.forEach((entry, index) => {
  Deno.test({
    name: `claw run replays ${entry.version}/${entry.name} exactly as recorded`,
    // The replays run in a shared pool that starts before this test and outlives it.
    sanitizeOps: false,
    sanitizeResources: false,
    async fn() {
      const actual = await replayed(index);
      assertEquals(actual, entry.golden);
    },
  });
});

// ---------------------------------------------------------------------------------------------
// (b) in-process replay, driven by the recorded stdin

/** What the process printed, the recorded way: each line and its newline. */
function recordedOutput(cassette: Cassette): { stdout: string; stderr: string; code: number } {
  let stdout = "";
  let stderr = "";
  let code = -1;
  for (const record of cassette.records) {
    if ("stdout" in record || "stdout_raw" in record) {
      stdout += stdoutText(record) + ("eol" in record && record.eol === false ? "" : "\n");
    } else if ("stderr" in record) {
      stderr += record.stderr + (record.eol === false ? "" : "\n");
    } else if ("exit" in record) {
      code = record.exit.code;
    }
  }
  return { stdout, stderr, code };
}

/**
 * Replays `cassette` in-process, writing each recorded stdin line (and the end of stdin) only
 * after the stdout recorded before it has come out, as a driver reacting to output would.
 */
async function replayWithStdin(
  entry: CorpusEntry,
): Promise<{ stdout: string; stderr: string; code: number }> {
  const process = replayProcess(entry.cassette, { source: entry.path });
  let stdout = "";
  let wake: (() => void) | undefined;
  const reading = (async () => {
    for await (const chunk of process.stdout.pipeThrough(new TextDecoderStream())) {
      stdout += chunk;
      wake?.();
    }
  })();
  const stderr = new Response(process.stderr).text();
  const writer = process.stdin.getWriter();
  const encoder = new TextEncoder();

  let owed = 0;
  const printed = async (what: string) => {
    const deadline = Date.now() + OUTPUT_WAIT_MS;
    while (stdout.length < owed) {
      const left = deadline - Date.now();
      ok(left > 0, `the replay printed ${stdout.length} of ${owed} characters before ${what}`);
      let timer: ReturnType<typeof setTimeout> | undefined;
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, left);
      });
      clearTimeout(timer);
    }
  };
  let line = 0;
  for (const record of entry.cassette.records) {
    if ("stdout" in record || "stdout_raw" in record) {
      owed += stdoutText(record).length + ("eol" in record && record.eol === false ? 0 : 1);
    } else if ("stdin" in record) {
      await printed(`stdin line ${++line}`);
      await writer.write(encoder.encode(record.stdin + (record.eol === false ? "" : "\n")));
    } else if ("stdin_eof" in record) {
      await printed("the end of stdin");
      await writer.close();
    }
  }
  const status = await process.status;
  await reading;
  return { stdout, stderr: await stderr, code: status.code };
}

Deno.test("the corpus has stdin-driven cassettes for every pinned CLI version", () => {
  for (const version of PINNED_CLI_VERSIONS) {
    const driven = corpus.filter((entry) =>
      entry.version === version && entry.cassette.records.some((record) => "stdin" in record)
    );
    ok(driven.length >= 5, `${version}: ${driven.length} stdin-driven cassettes`);
  }
});

for (const entry of corpus) {
  const stdinLines = entry.cassette.records.filter((record) => "stdin" in record).length;
  Deno.test(
    `${entry.version}/${entry.name} replays in-process (${stdinLines} stdin lines) as recorded`,
    async () => {
      const actual = await replayWithStdin(entry);
      assertEquals(actual, recordedOutput(entry.cassette));
    },
  );
}
