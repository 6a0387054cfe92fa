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

Deno.test("claw run -- A B refuses B, which claude would take for its prompt, instead of dropping A", async () => {
  await withStandIn(SAVES_ARGV, async (cli, dir) => {
    for (
      const [args, first] of [
        [
          ["--", "A", "B"],
          'Unexpected "B" after the PROMPT "A": claude would take it as the prompt instead; quote a prompt of several words as one argument, and pass only claude\'s flags after it',
        ],
        [
          ["A", "--", "B"],
          'Unexpected "B" after --: claude would take it as the prompt in place of "A"; after -- pass only claude\'s flags (claw run PROMPT -- --debug)',
        ],
        [
          ["A", "--", "--debug", "--", "B"],
          "Unexpected -- among claude's arguments: claw run ends them with -- PROMPT itself, so claude would take what follows for its prompt; drop it",
        ],
      ] as const
    ) {
      const out = await claw(["run", "--cli", cli, ...args]);
      assertEquals([out.code, out.stderr.split("\n")[0]], [2, first], args.join(" "));
      assertEquals(await exists(join(dir, "argv.txt")), false, "claude was started");
    }
    // A flag's value after -- is claude's, as before.
    const out = await claw(["run", "--cli", cli, "--", "A", "--betas", "x-1"]);
    assertEquals(out.code, 0, out.stderr);
    const argv = (await Deno.readTextFile(join(dir, "argv.txt"))).trim().split("\n");
    assertEquals(argv.slice(-4), ["--betas", "x-1", "--", "A"]);
  });
});

Deno.test("claw run refuses a missing --cwd, --add-dir or prompt file, MCP config or settings that are missing or not JSON, and an empty --model: exit 2 before claude starts", async () => {
  await withStandIn(SAVES_ARGV, async (cli, dir) => {
    const project = join(dir, "project");
    await Deno.mkdir(project);
    await Deno.writeTextFile(join(project, "prompt.md"), "Be brief");
    await Deno.writeTextFile(join(dir, "broken.json"), '{"mcpServers": {');
    await Deno.writeTextFile(join(dir, "empty.json"), "{}");
    const missing = "/nonexistent/claw-run";
    const cases: [string[], string][] = [
      [
        ["--cwd", missing],
        `Cannot use --cwd "${missing}": no such folder: pass an existing folder to run claude in`,
      ],
      [
        ["--add-dir", missing],
        `Cannot use --add-dir "${missing}": no such folder: pass an existing folder`,
      ],
      [
        ["--system-prompt-file", `${missing}/prompt.md`],
        `Cannot read --system-prompt-file "${missing}/prompt.md": no such file: pass a text file of the prompt`,
      ],
      [
        ["--cwd", project, "--append-system-prompt-file", "other.md"],
        `Cannot read --append-system-prompt-file "${project}/other.md": no such file: pass a text file of the prompt (read from --cwd)`,
      ],
      [
        ["--mcp-config", `${missing}/mcp.json`],
        `Cannot read --mcp-config "${missing}/mcp.json": no such file: pass a file of an MCP config, or an MCP config as a JSON object`,
      ],
      [
        ["--mcp-config", join(dir, "broken.json")],
        `Invalid --mcp-config "${dir}/broken.json": it is not JSON (Expected property name or '}' in JSON at position 16 (line 1 column 17)): fix the file`,
      ],
      [
        ["--mcp-config", join(dir, "empty.json")],
        `Invalid --mcp-config "${dir}/empty.json": it has no "mcpServers" object: pass an MCP config, as in {"mcpServers": {…}}`,
      ],
      [
        ["--settings", `${missing}/settings.json`],
        `Cannot read --settings "${missing}/settings.json": no such file: pass a file of settings, or settings as a JSON object`,
      ],
      [
        ["--settings", '{"model": '],
        "Invalid --settings: it is not JSON (Unexpected end of JSON input): pass settings as a JSON object, or the path of a file of it",
      ],
      [
        ["--model", ""],
        'Invalid --model "": pass a model name or alias (sonnet, opus), or drop --model',
      ],
    ];
    for (const [flags, first] of cases) {
      const out = await claw(["run", "--cli", cli, ...flags, "hi"]);
      const lines = out.stderr.split("\n");
      assertEquals([out.code, lines[0], lines[2]], [
        2,
        first,
        "Usage: claw run [options] PROMPT [-- CLAUDE_ARGS…]",
      ], flags.join(" "));
      assertEquals(
        await exists(join(dir, "argv.txt")),
        false,
        `${flags.join(" ")}: claude was started`,
      );
    }
    // Relative paths are claude's: read from --cwd, which claude runs in.
    const good = await claw([
      "run",
      ...["--cli", cli, "--cwd", project, "--system-prompt-file", "prompt.md", "--add-dir", "."],
      ...["--mcp-config", '{"mcpServers": {}}', "--settings", "{}", "hi"],
    ]);
    assertEquals(good.code, 0, good.stderr);
    ok(await exists(join(dir, "argv.txt")), "claude started");
  });
});

function exists(path: string): Promise<boolean> {
  return Deno.stat(path).then(() => true, () => false);
}
