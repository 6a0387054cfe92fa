/**
 * The README's record and replay workflow, command for command, against the real pinned CLI
 * (offline, on claw's fake Messages API):
 *
 * ```sh
 * claw record -o cassettes/hello.ndjson -- -p --output-format stream-json --verbose "Say hello"
 * claw replay --cassettes cassettes --write-bin .bin/claude
 * claw run --cli .bin/claude "Say hello"
 * ```
 *
 * The recording spells its flags `--flag value` with no `--` before the prompt; `claw run` sends
 * `--flag=value` and `-- "Say hello"`: the replay must match them all the same.
 */
import { deepStrictEqual as assertEquals, match, ok } from "node:assert";
import { dirname, join } from "node:path";
import { parseCassette } from "../src/cassette/cassette.ts";
import { ProcessMarker } from "../src/process/_process_marker.ts";
import { hasCli, offline, pinnedCliPath } from "./_offline.ts";

const VERSION = "2.1.332";
const MAIN = new URL("../main.ts", import.meta.url).pathname;

/** Runs `claw ...args` in `cwd` with exactly `env` (nothing inherited), as a user would. */
async function clawIn(cwd: string, args: string[], env: Record<string, string>) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, ...args],
    cwd,
    env,
    clearEnv: true,
    stdin: "null",
  }).output();
  const decoder = new TextDecoder();
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
}

Deno.test({
  name: "the README's claw record, claw replay --write-bin and claw run replay the recorded answer",
  ignore: !hasCli(VERSION),
  async fn() {
    const marker = new ProcessMarker();
    try {
      await using env = await offline({
        replies: [{ content: [{ type: "text", text: "Hello from the README" }] }],
      });
      // The host's environment with the offline settings, `claude` found on PATH as a user has it.
      const vars: Record<string, string> = { ...Deno.env.toObject(), NO_COLOR: "1", ...marker.env };
      for (const [name, value] of Object.entries(env.options(VERSION).env ?? {})) {
        if (value === undefined) delete vars[name];
        else vars[name] = value;
      }
      delete vars.CLAUDE_CLI_PATH;
      vars.PATH = `${dirname(pinnedCliPath(VERSION))}:${vars.PATH ?? "/usr/bin:/bin"}`;

      const recorded = await clawIn(env.cwd, [
        "record",
        "-o",
        "cassettes/hello.ndjson",
        "--",
        "-p",
        "--output-format",
        "stream-json",
        "--verbose",
        "Say hello",
      ], vars);
      assertEquals(recorded.code, 0, recorded.stderr);
      match(recorded.stdout, /"result":"Hello from the README"/);

      const written = await clawIn(
        env.cwd,
        ["replay", "--cassettes", "cassettes", "--write-bin", ".bin/claude"],
        vars,
      );
      assertEquals(written.code, 0, written.stderr);

      // No API any more, and another HOME: only the cassette can answer.
      await env.api.close();
      const replayed = await clawIn(env.cwd, ["run", "--cli", ".bin/claude", "Say hello"], {
        ...vars,
        HOME: join(env.home, "elsewhere"),
      });
      assertEquals(
        [replayed.code, replayed.stdout],
        [0, "Hello from the README\n"],
        replayed.stderr,
      );

      // The header keeps the argv as it was recorded, for people reading it.
      const text = await Deno.readTextFile(join(env.cwd, "cassettes", "hello.ndjson"));
      const { header } = parseCassette(text);
      assertEquals(header.argv, [
        "-p",
        "--output-format",
        "stream-json",
        "--verbose",
        "Say hello",
      ]);
      ok(!/(?<!\$TMP)\/tmp\//.test(text), "no temporary path is left unredacted");
      await marker.assertNoneLeft();
    } finally {
      marker.killAll();
    }
  },
});
