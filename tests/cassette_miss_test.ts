/**
 * A cassette miss is printed as every claw failure is: `error[cassette_miss]: <message>` naming
 * the nearest cassette and the first difference, then `hint: <hint>`, the same two lines whether
 * the fake claude runs in `claw replay -- …`, as a launcher from `--write-bin`, under `claw run
 * --cli <launcher>`, and the same message and hint as an in-process `CassetteMissError`.
 */
import { deepStrictEqual as assertEquals, match, ok } from "node:assert";
import { join, resolve } from "node:path";
import { cassetteSpawner } from "../src/cassette/cassette_spawner.ts";
import { writeFakeClaude } from "../src/cassette/fake_claude.ts";
import { captureClawError } from "../src/errors/_capture.ts";
import { CassetteMissError } from "../src/errors/claw_error.ts";
import { run } from "../src/session/run.ts";
import { claw } from "./_claw.ts";
import { tempFolder } from "./_session.ts";

const CASSETTES = resolve(new URL("../fixtures/cassettes/2.1.332", import.meta.url).pathname);
const PROMPT = "Say something new";
const ARGV = ["-p", "--output-format=stream-json", "--verbose", "--", PROMPT];

Deno.test("a cassette miss prints error[cassette_miss] and its hint alike on every path: claw replay --, the launcher, claw run --cli <launcher>, in-process", async () => {
  await using folder = await tempFolder("claw-miss-");
  const home = join(folder.path, "home");
  await Deno.mkdir(home);
  const env = { HOME: home, CLAUDE_CONFIG_DIR: join(home, ".claude"), CLAW_CASSETTE_MODE: "" };

  const inProcess = await captureClawError(
    run(PROMPT, { spawner: cassetteSpawner({ dir: CASSETTES, mode: "replay" }) }).result(),
  );
  ok(inProcess instanceof CassetteMissError);
  match(inProcess.message, /the nearest is "[^"]+\.ndjson", which differs at argv\[4\]/);
  const twoLines = `error[cassette_miss]: ${inProcess.message}\nhint: ${inProcess.hint}\n`;

  const direct = await claw(["replay", "--cassettes", CASSETTES, "--", ...ARGV], {
    stdin: "",
    env,
  });
  assertEquals([direct.code, direct.stdout, direct.stderr], [1, "", twoLines], "claw replay --");

  const launcher = join(folder.path, "bin", "claude");
  await writeFakeClaude(launcher, { cassettes: CASSETTES });
  const bin = await new Deno.Command(launcher, {
    args: ARGV,
    env,
    stdin: "null",
  }).output();
  const decoder = new TextDecoder();
  assertEquals(
    [bin.code, decoder.decode(bin.stdout), decoder.decode(bin.stderr)],
    [1, "", twoLines],
    "the launcher",
  );

  const viaRun = await claw(["run", "--cli", launcher, PROMPT], { env });
  assertEquals([viaRun.code, viaRun.stdout, viaRun.stderr], [1, "", twoLines], "claw run --cli");

  const library = await captureClawError(run(PROMPT, { cli: launcher, env }).result());
  ok(library instanceof CassetteMissError);
  assertEquals([library.message, library.hint], [inProcess.message, inProcess.hint]);
});
