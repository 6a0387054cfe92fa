/**
 * `claw run` at its edges, as a user meets them: a stdout closed early, a prompt piped in, the
 * arguments after `--`, and `--demo` with flags it cannot honour. A stand-in `claude` (a shell
 * script given with `--cli`) takes the real CLI's place where the test needs a CLI that keeps
 * printing, or that shows the argv it was given; the real CLI is driven in tests/cli_run_test.ts.
 */
import { deepStrictEqual as assertEquals, match, ok } from "node:assert";
import { join } from "node:path";
import { ProcessMarker } from "../src/process/_process_marker.ts";
import { claw } from "./_claw.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;
const INIT =
  '{"type":"system","subtype":"init","session_id":"s-1","claude_code_version":"2.1.332"}';
const RESULT =
  '{"type":"result","subtype":"success","is_error":false,"num_turns":1,"result":"done","session_id":"s-1","duration_ms":1,"total_cost_usd":0,"usage":{}}';

/** Writes an executable stand-in `claude` with `body`, in a temp folder removed after `fn`. */
async function withStandIn(body: string, fn: (cli: string, dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "claw-run-edge-" });
  try {
    const cli = join(dir, "claude");
    await Deno.writeTextFile(cli, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
    await fn(cli, dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** A stand-in that saves its argv, one per line, to `argv.txt` beside it, then succeeds. */
const SAVES_ARGV = `printf '%s\\n' "$@" > "$(dirname "$0")/argv.txt"
printf '%s\\n%s\\n' '${INIT}' '${RESULT}'`;

function noStackTrace(stderr: string): void {
  ok(!/Uncaught|^\s+at /m.test(stderr), `a stack trace on stderr:\n${stderr}`);
}

Deno.test("claw run | head -1: a closed stdout ends claw quietly with 141, and the CLI is reaped", async () => {
  const assistant =
    '{"type":"assistant","message":{"id":"m","role":"assistant","content":[{"type":"text","text":"line"}]},"session_id":"s-1"}';
  const body =
    `printf '%s\\n' '${INIT}'; while :; do printf '%s\\n' '${assistant}'; sleep 0.02; done`;
  for (const output of ["text", "stream-json"]) {
    await withStandIn(body, async (cli) => {
      const marker = new ProcessMarker();
      const child = new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", MAIN, "run", "--cli", cli, "--output", output, "go"],
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
        env: { NO_COLOR: "1", ...marker.env },
      }).spawn();
      const reader = child.stdout.getReader();
      await reader.read(); // the first line (or more) arrived
      await reader.cancel(); // head -1 exits: the pipe's read end closes
      const [status, stderr] = await Promise.all([child.status, new Response(child.stderr).text()]);
      assertEquals(status.code, 141, stderr);
      assertEquals(stderr, "", `${output}: nothing said about it`);
      await marker.assertNoneLeft();
    });
  }
});

Deno.test("claw run - drops the final newline of a piped prompt", async () => {
  await withStandIn(SAVES_ARGV, async (cli, dir) => {
    const out = await claw(["run", "--cli", cli, "-"], { stdin: "Say hello\n" });
    assertEquals(out.code, 0, out.stderr);
    const argv = (await Deno.readTextFile(join(dir, "argv.txt"))).split("\n");
    assertEquals(argv.slice(-3), ["--", "Say hello", ""], "the prompt, without its newline");
  });
});

Deno.test("claw run PROMPT -- ARGS passes ARGS to claude as they are; -- PROMPT allows a dash", async () => {
  await withStandIn(SAVES_ARGV, async (cli, dir) => {
    const out = await claw(["run", "--cli", cli, "hi", "--", "--betas", "x-1", "--debug"]);
    assertEquals(out.code, 0, out.stderr);
    const argv = (await Deno.readTextFile(join(dir, "argv.txt"))).trim().split("\n");
    assertEquals(argv.slice(-5), ["--betas", "x-1", "--debug", "--", "hi"]);
    const dashed = await claw(["run", "--cli", cli, "--", "-starts with a dash", "--debug"]);
    assertEquals(dashed.code, 0, dashed.stderr);
    const again = (await Deno.readTextFile(join(dir, "argv.txt"))).trim().split("\n");
    assertEquals(again.slice(-3), ["--debug", "--", "-starts with a dash"]);
  });
});

Deno.test("claw run --demo --partial prints the answer, as plain --demo does", async () => {
  const plain = await claw(["run", "--demo"]);
  const partial = await claw(["run", "--demo", "--partial"]);
  assertEquals([partial.code, plain.code], [0, 0], partial.stderr);
  ok(plain.stdout.length > 0);
  assertEquals(partial.stdout, plain.stdout);
});

Deno.test("claw run --demo refuses a prompt and run flags it would ignore, exit 2", async () => {
  for (
    const [args, named] of [
      [["Say hi"], /takes no PROMPT:/],
      [["--model", "opus"], /takes no --model/],
      [["--cli", "/bin/true"], /takes no --cli/],
      [["--", "-dashed prompt", "--debug"], /takes no PROMPT, arguments after --:/],
    ] as const
  ) {
    const out = await claw(["run", "--demo", ...args]);
    assertEquals(out.code, 2, out.stderr);
    match(out.stderr.split("\n")[0]!, /^--demo replays a bundled recorded run/);
    match(out.stderr, named);
    noStackTrace(out.stderr);
  }
});
