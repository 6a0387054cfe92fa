/**
 * `claw run` with a prompt too big for the model fails before anything starts: the `--cli` given
 * is a stand-in that leaves a marker file when it is run, and the marker must never appear.
 */
import { deepStrictEqual as assertEquals, match, ok } from "node:assert";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { claw } from "./_claw.ts";

/** A stand-in `claude` that creates `started` beside itself when run, in a temp folder. */
async function withMarkerCli(fn: (cli: string, marker: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "claw-preflight-" });
  try {
    const cli = join(dir, "claude");
    await Deno.writeTextFile(cli, `#!/bin/sh\ntouch "$(dirname "$0")/started"\n`, { mode: 0o755 });
    await fn(cli, join(dir, "started"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** About 1.1 million tokens by claw's estimate: more than haiku's 1M-token window. */
const TOO_BIG = "word ".repeat(880_000);

Deno.test("claw run refuses a prompt too big for the model before starting claude", async () => {
  await withMarkerCli(async (cli, marker) => {
    // Too long for one argv entry: the prompt goes in on stdin, as a user would pipe it.
    const { code, stdout, stderr } = await claw(["run", "--cli", cli, "--model", "haiku", "-"], {
      stdin: TOO_BIG,
    });
    assertEquals(code, 1, stderr);
    assertEquals(stdout, "");
    ok(!existsSync(marker), "claude was started");
    const [line, hint, ...rest] = stderr.trimEnd().split("\n");
    match(
      line!,
      /^error\[context_window\]: The prompt is about 1,100,000 tokens, more than the 1,000,000-token context window of "haiku" \(claude-haiku-5-5\): shorten it$/,
    );
    match(hint!, /^hint: Shorten the prompt/);
    assertEquals(rest, []);
  });
});

Deno.test("claw run --no-preflight starts claude with the prompt it would refuse", async () => {
  await withMarkerCli(async (cli, marker) => {
    const { code, stderr } = await claw(
      ["run", "--cli", cli, "--model", "haiku", "--no-preflight", "-"],
      { stdin: TOO_BIG },
    );
    assertEquals(code, 1, stderr); // the stand-in prints no result
    ok(existsSync(marker), "claude was not started");
    ok(!stderr.includes("context_window"), stderr);
  });
});

Deno.test("claw run warns about a model it does not know, and starts claude anyway", async () => {
  await withMarkerCli(async (cli, marker) => {
    const { stderr } = await claw(["run", "--cli", cli, "--model", "my-gateway/claude", "hi"]);
    ok(existsSync(marker), "claude was not started");
    match(
      stderr,
      /^warning: Unknown model "my-gateway\/claude": claw does not know its context window/m,
    );
  });
});
