/**
 * The harness past exact keys, on runs of the real CLI recorded by claw's own recorder: match
 * rules kept in the header (a prompt regex, an ignored flag), `times`, a playlist for a retry
 * loop, and the usage log across processes. Each works in-process and through the fake claude
 * (`claw replay`), with both pinned CLIs; the prompt rule also under the official TypeScript SDK.
 */
import { deepStrictEqual as assertEquals, match as assertMatch, ok, rejects } from "node:assert";
import { join } from "node:path";
import { cassetteSpawner } from "../src/cassette/cassette_spawner.ts";
import { ClawError } from "../src/errors/claw_error.ts";
import { FAKE_API_KEY } from "../src/fake_api/offline_env.ts";
import type { FakeScript } from "../src/fake_api/script.ts";
import { ProcessMarker } from "../src/process/_process_marker.ts";
import { run } from "../src/session/run.ts";
import type { RunOptions } from "../src/session/run_options.ts";
import { claw } from "./_claw.ts";
import {
  hasCli,
  NEWEST_PINNED_CLI,
  offline,
  OLDEST_PINNED_CLI,
  pinnedCliPath,
  recordTo,
} from "./_offline.ts";
import { hasNodeAndSdk, runSdk, writeRecordingClaude } from "./_sdk.ts";
import { text } from "./_session.ts";

const DATED = "What happened on 2026-12-07?";
const DATE_RULE = "What happened on \\d{4}-\\d{2}-\\d{2}\\?";
const ANSWER = "A quiet day.";

/** The kind a run fails with, or "ok". */
async function outcome(prompt: string, options: RunOptions): Promise<string> {
  try {
    await run(prompt, options).text();
    return "ok";
  } catch (error) {
    return error instanceof ClawError ? error.kind : String(error);
  }
}

/** Records one `run()` of the real CLI `version` against a fake API serving `script`. */
async function record(
  version: string,
  path: string,
  prompt: string,
  script: FakeScript,
  extra: RunOptions = {},
): Promise<string> {
  await using env = await offline(script);
  return await outcome(prompt, env.options(version, { ...extra, ...recordTo(path) }));
}

/** A fake claude for `dir`, written by `claw replay --write-bin`, with `flags`. */
async function launcher(dir: string, flags: string[] = []): Promise<string> {
  const path = join(dir, "..", "bin", "claude");
  const written = await claw(["replay", "--cassettes", dir, "--write-bin", path, ...flags]);
  assertEquals(written.code, 0, written.stderr);
  return path;
}

/** Options that run the fake claude at `cli` in a place with no API. */
function throughFake(cli: string, marker: ProcessMarker, extra: RunOptions = {}): RunOptions {
  return {
    cli,
    timeoutMs: 60_000,
    ...extra,
    env: {
      ANTHROPIC_API_KEY: FAKE_API_KEY,
      ANTHROPIC_BASE_URL: "http://127.0.0.1:9",
      ...marker.env,
    },
  };
}

for (const version of [NEWEST_PINNED_CLI, OLDEST_PINNED_CLI]) {
  Deno.test({
    name:
      `${version}: a prompt regex answers another date, an ignored flag may change, a broken rule misses by name`,
    ignore: !hasCli(version),
    async fn() {
      const marker = new ProcessMarker();
      const root = await Deno.makeTempDir({ prefix: "claw-match-" });
      const dir = join(root, "cassettes");
      const file = join(dir, "dated.ndjson");
      try {
        const recorded = await record(version, file, DATED, { replies: [text(ANSWER)] }, {
          model: "claude-sonnet-4-5",
        });
        assertEquals(recorded, "ok");
        const edited = await claw([
          "cassette",
          "match",
          file,
          "--prompt-regex",
          DATE_RULE,
          "--ignore",
          "--model",
          "--json",
        ]);
        assertEquals(edited.code, 0, edited.stderr);
        assertEquals(JSON.parse(edited.stdout).match, {
          ignore: ["--model"],
          prompt: { regex: DATE_RULE },
        });

        const inProcess = { spawner: cassetteSpawner({ dir, mode: "replay" }) };
        const fake = await launcher(dir);
        for (
          const [how, options] of [["in-process", inProcess], [
            "fake claude",
            throughFake(fake, marker),
          ]] as const
        ) {
          const another = await run("What happened on 2027-01-31?", {
            ...options,
            model: "claude-opus-4-1",
          }).text();
          assertEquals(another, ANSWER, `${how}: another date, another model`);
          await rejects(run("What happened yesterday?", options).text(), (error: ClawError) => {
            assertEquals(error.kind, "cassette_miss", how);
            assertMatch(
              error.message,
              /dated\.ndjson.*refuses "What happened yesterday\?" \(the prompt rule\)/,
              how,
            );
            return true;
          });
          await rejects(
            run("What happened on 2027-01-31?", { ...options, maxTurns: 3 }).text(),
            (error: ClawError) => {
              assertMatch(error.message, /"--max-turns=3" \(with --model ignored\)/, how);
              return true;
            },
          );
        }
        // A rule that refuses the cassette's own run is refused before it is written.
        const wrong = await claw(["cassette", "match", file, "--prompt-glob", "Say *"]);
        assertEquals(wrong.code, 2);
        assertMatch(wrong.stderr, /refuse the cassette's own recorded run/);
      } finally {
        assertEquals(marker.pids(), [], "no process left behind");
        await Deno.remove(root, { recursive: true });
      }
    },
  });

  Deno.test({
    name:
      `${version}: a playlist of three recordings answers a retry loop in order; times 1 refuses a second run`,
    ignore: !hasCli(version),
    async fn() {
      const marker = new ProcessMarker();
      const root = await Deno.makeTempDir({ prefix: "claw-playlist-" });
      const dir = join(root, "retry");
      const prompt = "Fetch the weather";
      try {
        // Three runs of one argv: the API overloaded, then rate limited, then answering.
        const kinds = [
          await record(version, join(dir, "1-overloaded.ndjson"), prompt, {
            replies: [{ status: 529 }],
            when_exhausted: "repeat_last",
          }),
          await record(version, join(dir, "2-rate-limited.ndjson"), prompt, {
            replies: [{ status: 429 }],
            when_exhausted: "repeat_last",
          }),
          await record(version, join(dir, "3-ok.ndjson"), prompt, { replies: [text("Sunny.")] }),
        ];
        assertEquals(kinds, ["overloaded", "rate_limit", "ok"]);
        const playlist = ["1-overloaded.ndjson", "2-rate-limited.ndjson", "3-ok.ndjson"];

        const retryLoop = async (options: () => RunOptions) => {
          const seen: string[] = [];
          for (let attempt = 0; attempt < 4; attempt++) seen.push(await outcome(prompt, options()));
          return seen;
        };
        const inProcess = { spawner: cassetteSpawner({ dir, mode: "replay", playlist }) };
        assertEquals(await retryLoop(() => inProcess), [
          "overloaded",
          "rate_limit",
          "ok",
          "cassette_miss",
        ]);

        const usage = join(root, "usage.ndjson");
        const fake = await launcher(dir, ["--playlist", playlist.join(","), "--usage", usage]);
        assertEquals(await retryLoop(() => throughFake(fake, marker)), [
          "overloaded",
          "rate_limit",
          "ok",
          "cassette_miss",
        ]);
        const refused = await claw([
          "replay",
          "--cassettes",
          dir,
          "--playlist",
          "3-ok.ndjson",
          "--write-bin",
          join(root, "x"),
        ]);
        assertEquals(refused.code, 2);
        assertMatch(refused.stderr, /--playlist needs --usage FILE/);

        // times: 1 on the answering recording, alone in its folder.
        const single = join(root, "single");
        await Deno.mkdir(single);
        await Deno.copyFile(join(dir, "3-ok.ndjson"), join(single, "ok.ndjson"));
        const edited = await claw(["cassette", "match", join(single, "ok.ndjson"), "--times", "1"]);
        assertEquals(edited.code, 0, edited.stderr);
        const once = { spawner: cassetteSpawner({ dir: single, mode: "replay" }) };
        assertEquals(await outcome(prompt, once), "ok");
        // The fake claude counts in the usage log: a new process for every run.
        const counted = await launcher(single, ["--usage", join(root, "single.ndjson")]);
        assertEquals(await outcome(prompt, throughFake(counted, marker)), "ok");
        await rejects(
          run(prompt, throughFake(counted, marker)).text(),
          /"ok\.ndjson" .* allows exactly 1 run and has served 1/,
        );
        await rejects(
          run(prompt, once).text(),
          /"ok\.ndjson" .* allows exactly 1 run and has served 1/,
        );
      } finally {
        assertEquals(marker.pids(), [], "no process left behind");
        await Deno.remove(root, { recursive: true });
      }
    },
  });
}

Deno.test("the usage log across two processes lists an unused cassette and a miss; --strict exits 1", async () => {
  const root = await Deno.makeTempDir({ prefix: "claw-usage-" });
  const dir = join(root, "cassettes");
  await Deno.mkdir(dir);
  const corpus = `fixtures/cassettes/${NEWEST_PINNED_CLI}`;
  for (const name of ["text_simple.ndjson", "tool_read.ndjson"]) {
    await Deno.copyFile(join(corpus, name), join(dir, name));
  }
  const usage = join(root, "usage.ndjson");
  const env = { CLAW_CASSETTE_USAGE: usage };
  try {
    const served = await claw(
      [
        "replay",
        "--cassettes",
        dir,
        "--",
        "-p",
        "--output-format",
        "stream-json",
        "--verbose",
        "Say hello",
      ],
      { env },
    );
    assertEquals(served.code, 0, served.stderr);
    const missed = await claw(["replay", "--cassettes", dir, "--", "-p", "Say nothing"], { env });
    assertEquals(missed.code, 1);
    // In-process replays append to the same log.
    const spawner = cassetteSpawner({ dir, mode: "replay", usage });
    assertEquals(await run("Say hello", { spawner }).text(), "Hello from the fake API.");

    const report = await claw(["cassette", "usage", usage, "--cassettes", dir, "--json"]);
    assertEquals(report.code, 0, report.stderr);
    const json = JSON.parse(report.stdout);
    assertEquals(json.runs, 3);
    assertEquals(json.unused, ["tool_read.ndjson"]);
    assertEquals(json.misses.map((m: { argv: string[] }) => m.argv), [["-p", "Say nothing"]]);
    assertMatch(json.misses[0].message, /nearest is "text_simple\.ndjson"/);

    const strict = await claw(["cassette", "usage", usage, "--cassettes", dir, "--strict"]);
    assertEquals(strict.code, 1);
    assertMatch(strict.stderr, /unused: tool_read\.ndjson/);
    assertMatch(strict.stderr, /missed: \["-p","Say nothing"\]/);
    const missing = await claw(["cassette", "usage", usage]);
    assertEquals(missing.code, 2);
    assertMatch(missing.stderr, /Missing --cassettes DIR/);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test({
  name:
    "the official TypeScript SDK's dated prompt replays by the prompt rule, and a broken rule misses by name",
  ignore: !hasCli(NEWEST_PINNED_CLI) || !hasNodeAndSdk(),
  async fn() {
    const marker = new ProcessMarker();
    const root = await Deno.makeTempDir({ prefix: "claw-match-sdk-" });
    const dir = join(root, "cassettes");
    const file = join(dir, "dated.ndjson");
    const wrapper = join(root, "record", "claude");
    await Deno.mkdir(join(root, "record"), { recursive: true });
    await writeRecordingClaude(wrapper, pinnedCliPath(NEWEST_PINNED_CLI));
    const base = { PATH: Deno.env.get("PATH") ?? "", CLAW_DENO: Deno.execPath(), ...marker.env };
    try {
      {
        await using env = await offline({ replies: [text(ANSWER)] });
        const vars = {
          ...env.vars(NEWEST_PINNED_CLI),
          ...base,
          CLAW_TEST_CASSETTE: file,
          CLAW_SDK_PROMPT: DATED,
        };
        const live = await runSdk("text", wrapper, { cwd: env.cwd, env: vars });
        assertEquals(live.at(-1)?.result, ANSWER);
      }
      const edited = await claw(["cassette", "match", file, "--prompt-regex", DATE_RULE]);
      assertEquals(edited.code, 0, edited.stderr);
      const fake = await launcher(dir);
      const place = await Deno.makeTempDir({ prefix: "claw-match-sdk-replay-" });
      const env = {
        ...base,
        HOME: place,
        ANTHROPIC_API_KEY: FAKE_API_KEY,
        ANTHROPIC_BASE_URL: "http://127.0.0.1:9",
      };
      try {
        const replayed = await runSdk("text", fake, {
          cwd: place,
          env: { ...env, CLAW_SDK_PROMPT: "What happened on 2027-01-31?" },
        });
        assertEquals(replayed.at(-1)?.result, ANSWER);
        await rejects(
          runSdk("text", fake, {
            cwd: place,
            env: { ...env, CLAW_SDK_PROMPT: "What happened today?" },
          }),
          /refuses "What happened today\?" \(the prompt rule\)/,
        );
      } finally {
        await Deno.remove(place, { recursive: true });
      }
      ok((await Deno.readTextFile(file)).includes(DATE_RULE.replaceAll("\\", "\\\\")));
    } finally {
      assertEquals(marker.pids(), [], "no process left behind");
      await Deno.remove(root, { recursive: true });
    }
  },
});
