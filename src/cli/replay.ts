/**
 * `claw replay`: serve cassettes as a drop-in fake `claude`.
 *
 * @module
 */
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseCassetteMode } from "../harness/cassette_spawner.ts";
import { runFakeClaude } from "../harness/fake_claude.ts";
import { parseTiming } from "../harness/timing.ts";
import { parseFlags, UsageError } from "./_args.ts";

/** Help for `claw replay`. */
export const help = `Usage: claw replay --cassettes DIR --write-bin PATH [options]
       claw replay --cassettes DIR [options] -- CLAUDE_ARGS…

Serve recorded cassettes as the Claude Code CLI. --write-bin writes an executable launcher (name it
claude) that code which spawns claude itself can use; the second form runs one replay directly.
A run is matched to a cassette by its arguments; in replay mode a miss fails and names the nearest
cassette and the first argument that differs.

Options:
  --cassettes DIR     The folder of cassettes
  --write-bin PATH    Write a launcher script to PATH (made executable)
  --mode MODE         replay (default), record, auto, passthrough
  --timing TIMING     instant (default), recorded, or a factor such as 0.5
  --real-claude PATH  The real CLI, for record, auto and passthrough
  -h, --help          Show this help

Examples:
  claw replay --cassettes fixtures/cassettes/2.1.328 --write-bin /tmp/bin/claude
  claw run --cli /tmp/bin/claude "Say hello"
  claw replay --cassettes cassettes --mode auto -- -p --output-format stream-json --verbose "Hi"
`;

/** Runs `claw replay` with `args`; returns the exit code. */
export async function run(args: string[]): Promise<number> {
  const separator = args.indexOf("--");
  const own = separator === -1 ? args : args.slice(0, separator);
  const { values, positionals } = parseFlags(own, {
    cassettes: { type: "string" },
    "write-bin": { type: "string" },
    mode: { type: "string" },
    timing: { type: "string" },
    "real-claude": { type: "string" },
  });
  if (positionals.length) throw new UsageError(`Unexpected argument "${positionals[0]}"`);
  if (!values.cassettes) throw new UsageError("Missing --cassettes DIR");
  const env: Record<string, string> = { CLAW_CASSETTES: resolve(values.cassettes) };
  try {
    env.CLAW_CASSETTE_MODE = values.mode ? parseCassetteMode(values.mode) : "replay";
    if (values.timing) env.CLAW_CASSETTE_TIMING = String(parseTiming(values.timing));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values["real-claude"]) env.CLAW_REAL_CLAUDE = resolve(values["real-claude"]);

  if (values["write-bin"]) {
    if (separator !== -1) {
      throw new UsageError("Pass either --write-bin or -- CLAUDE_ARGS, not both");
    }
    await writeLauncher(values["write-bin"], env);
    console.log(values["write-bin"]);
    return 0;
  }
  if (separator === -1) throw new UsageError("Missing --write-bin PATH or -- CLAUDE_ARGS");
  const status = await runFakeClaude(args.slice(separator + 1), {
    dir: env.CLAW_CASSETTES!,
    env: { ...Deno.env.toObject(), ...env },
  });
  return status.code;
}

/** The command that starts claw again: the compiled binary itself, or deno with main.ts. */
function clawCommand(): string[] {
  const exec = Deno.execPath();
  if (!/(^|\/)deno(\.exe)?$/.test(exec)) return [exec];
  return [exec, "run", "-A", "--quiet", fileURLToPath(new URL("../../main.ts", import.meta.url))];
}

const quote = (value: string) => `'${value.replaceAll("'", `'"'"'`)}'`;

async function writeLauncher(path: string, env: Record<string, string>): Promise<void> {
  const defaults = Object.entries(env).map(([name, value]) =>
    `: "\${${name}:=${value.replaceAll('"', '\\"')}}"; export ${name}`
  );
  const script = [
    "#!/bin/sh",
    "# A drop-in fake claude written by `claw replay --write-bin`: it replays claw cassettes.",
    "# The variables below are defaults; set them in the environment to override.",
    ...defaults,
    `exec ${clawCommand().map(quote).join(" ")} fake-claude "$@"`,
    "",
  ].join("\n");
  await Deno.mkdir(dirname(resolve(path)), { recursive: true });
  await Deno.writeTextFile(path, script, { mode: 0o755 });
  await Deno.chmod(path, 0o755);
}
