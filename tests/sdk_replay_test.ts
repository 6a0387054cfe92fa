/**
 * The official TypeScript Agent SDK (0.3.332, which drives CLI 2.1.332) on claw's harness, as a
 * test author whose agent code is built on it would use it:
 *
 * 1. live: the SDK drives the real CLI through `claw record` (its `pathToClaudeCodeExecutable` is
 *    a two-line wrapper around `claw record -o FILE --cli REAL --`) against claw's fake Messages
 *    API, once per scenario, every cassette into one folder;
 * 2. replay: with the API closed, `claw replay --write-bin` writes a fake `claude` for that folder
 *    and the SDK runs each scenario against it, twice.
 *
 * The SDK sends every prompt on stdin with the same argv and draws a fresh `request_id` for each
 * control request, so this exercises the key that covers the first input, the pick among the
 * runs of one argv, and the re-keyed control responses. The host program is
 * `tests/_programs/sdk_scenarios.mjs` (run by Node, as SDK users run it): text, Bash,
 * canUseTool allow and deny, two turns of streaming input, and an interrupt.
 */
import { deepStrictEqual as assertEquals, ok } from "node:assert";
import { join } from "node:path";
import { PINNED_SDK_VERSION } from "../scripts/install_cli.ts";
import { readCassetteFile } from "../src/cassette/cassette.ts";
import { FAKE_API_KEY } from "../src/fake_api/offline_env.ts";
import { ProcessMarker } from "../src/process/_process_marker.ts";
import { claw } from "./_claw.ts";
import { hasCli, offline, pinnedCliPath } from "./_offline.ts";
import {
  hasNodeAndSdk,
  runSdk,
  SDK_SCENARIOS,
  type SdkMessage,
  type SdkScenario,
  sdkScript,
  writeRecordingClaude,
} from "./_sdk.ts";

const VERSION = "2.1.332";

/**
 * What agent code reads from the messages: type and subtype, the session id, text, thinking,
 * tool calls and their results, the result and its error flag, stream event kinds.
 */
function essence(message: SdkMessage) {
  const inner = message.message as { content?: unknown } | undefined;
  const content = Array.isArray(inner?.content)
    ? inner.content.map((block: Record<string, unknown>) => ({
      type: block.type,
      text: block.text,
      name: block.name,
      input: block.input,
      content: block.content,
      is_error: block.is_error,
    }))
    : inner?.content;
  return {
    type: message.type,
    subtype: message.subtype,
    session_id: message.session_id,
    content,
    result: message.result,
    is_error: message.is_error,
    event: (message.event as { type?: string } | undefined)?.type,
  };
}

Deno.test({
  name:
    "Agent SDK runs recorded through claw record replay through the fake claude, twice identical",
  ignore: !hasCli(VERSION) || !hasNodeAndSdk(),
  async fn(t) {
    const marker = new ProcessMarker();
    const root = await Deno.makeTempDir({ prefix: "claw-sdk-" });
    const cassettes = join(root, "cassettes");
    const wrapper = join(root, "record", "claude");
    await Deno.mkdir(join(root, "record"));
    await writeRecordingClaude(wrapper, pinnedCliPath(VERSION));
    const live = new Map<SdkScenario, SdkMessage[]>();
    try {
      for (const scenario of SDK_SCENARIOS) {
        await t.step(`live, recorded: ${scenario}`, async () => {
          await using env = await offline(await sdkScript(scenario));
          const vars = {
            ...env.vars(VERSION),
            PATH: Deno.env.get("PATH") ?? "",
            CLAW_DENO: Deno.execPath(),
            CLAW_TEST_CASSETTE: join(cassettes, `${scenario}.ndjson`),
            ...marker.env,
          };
          live.set(scenario, await runSdk(scenario, wrapper, { cwd: env.cwd, env: vars }));
        });
      }

      await t.step(
        "each cassette says where it came from, and the runs have distinct keys",
        async () => {
          const headers = await Promise.all(
            SDK_SCENARIOS.map(async (s) =>
              (await readCassetteFile(join(cassettes, `${s}.ndjson`))).header
            ),
          );
          for (const header of headers) {
            assertEquals(header.cli_version, VERSION);
            assertEquals(header.client, { entrypoint: "sdk-ts", sdk_version: PINNED_SDK_VERSION });
            assertEquals(header.auth, "api_key (ANTHROPIC_API_KEY)");
            assertEquals(header.platform, `${Deno.build.os}-${Deno.build.arch}`);
            ok(header.input, "the SDK sends the prompt on stdin: it is part of the key");
            ok(header.key.startsWith("k3:"));
          }
          assertEquals(new Set(headers.map((h) => h.key)).size, SDK_SCENARIOS.length);
          const sameArgv = headers.filter((h) => h.argv.join(" ") === headers[0]!.argv.join(" "));
          ok(sameArgv.length >= 2, "some runs share their argv and differ only by their input");
          for (const s of SDK_SCENARIOS) {
            const text = await Deno.readTextFile(join(cassettes, `${s}.ndjson`));
            ok(
              !text.includes(FAKE_API_KEY) && !text.includes(root),
              `${s}: nothing secret or local`,
            );
          }
        },
      );

      const launcher = join(root, "bin", "claude");
      const written = await claw(["replay", "--cassettes", cassettes, "--write-bin", launcher]);
      assertEquals(written.code, 0, written.stderr);

      for (const scenario of SDK_SCENARIOS) {
        await t.step(`replayed twice, no API: ${scenario}`, async () => {
          // Another HOME and cwd, nothing listening at the API's address.
          const place = await Deno.makeTempDir({ prefix: "claw-sdk-replay-" });
          const env = {
            HOME: place,
            PATH: Deno.env.get("PATH") ?? "",
            CLAW_DENO: Deno.execPath(),
            ANTHROPIC_API_KEY: FAKE_API_KEY,
            ANTHROPIC_BASE_URL: "http://127.0.0.1:9",
            ...marker.env,
          };
          try {
            const first = await runSdk(scenario, launcher, { cwd: place, env });
            const second = await runSdk(scenario, launcher, { cwd: place, env });
            assertEquals(second, first, "twice in a row, identical");
            assertEquals(first.map(essence), live.get(scenario)!.map(essence));
            const init = first.find((m) => m.type === "system" && m.subtype === "init");
            assertEquals(init?.cwd, place, "the replay's own cwd, not a placeholder");
          } finally {
            await Deno.remove(place, { recursive: true });
          }
        });
      }
    } finally {
      await marker.assertNoneLeft(3000);
      await Deno.remove(root, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "an auto-mode fake claude records each new SDK prompt of one argv, then replays them all offline",
  ignore: !hasCli(VERSION) || !hasNodeAndSdk(),
  async fn() {
    const marker = new ProcessMarker();
    const root = await Deno.makeTempDir({ prefix: "claw-sdk-auto-" });
    const cassettes = join(root, "cassettes");
    const launcher = join(root, "bin", "claude");
    // text and two_turns: one argv, two first prompts.
    const scenarios = ["text", "two_turns"] as const;
    try {
      const written = await claw([
        "replay",
        "--cassettes",
        cassettes,
        "--mode",
        "auto",
        "--real-claude",
        pinnedCliPath(VERSION),
        "--write-bin",
        launcher,
      ]);
      assertEquals(written.code, 0, written.stderr);
      const host = { PATH: Deno.env.get("PATH") ?? "", CLAW_DENO: Deno.execPath(), ...marker.env };
      const live = new Map<SdkScenario, SdkMessage[]>();
      for (const scenario of scenarios) {
        await using env = await offline(await sdkScript(scenario));
        const messages = await runSdk(scenario, launcher, {
          cwd: env.cwd,
          env: { ...env.vars(VERSION), ...host },
        });
        assertEquals(env.api.requests.length > 0, true, `${scenario} reached the real CLI`);
        live.set(scenario, messages);
      }
      const headers = await Promise.all(
        (await Array.fromAsync(Deno.readDir(cassettes), (entry) => entry.name)).map(async (name) =>
          (await readCassetteFile(join(cassettes, name))).header
        ),
      );
      assertEquals(headers.length, 2);
      assertEquals(headers[0]!.argv, headers[1]!.argv, "one argv");
      // The second run's initialize was answered from the first cassette, then recorded anew.
      ok(headers.every((header) => header.input !== undefined));

      const place = await Deno.makeTempDir({ prefix: "claw-sdk-auto-replay-" });
      try {
        for (const scenario of scenarios) {
          const replayed = await runSdk(scenario, launcher, {
            cwd: place,
            env: {
              HOME: place,
              ANTHROPIC_API_KEY: FAKE_API_KEY,
              ANTHROPIC_BASE_URL: "http://127.0.0.1:9",
              // Nothing to record with: a run that missed would fail here.
              CLAW_REAL_CLAUDE: "/nonexistent/claude",
              ...host,
            },
          });
          assertEquals(replayed.map(essence), live.get(scenario)!.map(essence));
        }
      } finally {
        await Deno.remove(place, { recursive: true });
      }
    } finally {
      await marker.assertNoneLeft(3000);
      await Deno.remove(root, { recursive: true });
    }
  },
});
