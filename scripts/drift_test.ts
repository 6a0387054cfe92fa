/**
 * The drift task, run whole: against a stand-in CLI (claw's fake `claude` replaying a copy of the
 * newest pinned corpus) with a field, a line kind, a control subtype, a flag and a subcommand
 * added or removed, and against the same stand-in unchanged; against the CLI bundled in the
 * pinned Agent SDK (from the cache `deno task setup` filled, so offline); and with bad flags.
 * The stand-in's changes are synthetic, generated below and labelled so; the cassettes they start
 * from were recorded from the real CLI.
 */
import { deepStrictEqual as assertEquals, ok } from "node:assert";
import { join } from "node:path";
// Test-only packages: they come from tests/imports.json (deno task test|check), not deno.json.
import { parse as parseYaml } from "yaml";
import { parseArgs } from "node:util";
import { NEWEST_PINNED_CLI, PINNED_SDK_VERSION, sdkCliPath } from "./install_cli.ts";
import { DRIFT_FLAGS } from "./drift.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const DRIFT = join(ROOT, "scripts", "drift.ts");
const MAIN = join(ROOT, "main.ts");
const CORPUS = join(ROOT, "fixtures", "cassettes", NEWEST_PINNED_CLI);
/** The scenarios the stand-in serves: a claw run, a stdin-driven session, the CLI's surface. */
const ONLY = ["text_simple", "control_requests", "cli_surface"];

async function drift(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", DRIFT, ...args],
    stdin: "null",
    env: { NO_COLOR: "1" },
  }).output();
  const decoder = new TextDecoder();
  return {
    code: out.code,
    stdout: decoder.decode(out.stdout),
    stderr: decoder.decode(out.stderr),
  };
}

type Line = Record<string, unknown>;

/** SYNTHETIC: a control request subtype no CLI sends. */
const PROBE_REQUEST = { subtype: "drift_probe_request" };

/** A cassette's header and records, to change and write back. */
async function cassetteLines(path: string): Promise<Line[]> {
  return (await Deno.readTextFile(path)).trim().split("\n").map((line) => JSON.parse(line));
}

async function writeLines(path: string, lines: Line[]): Promise<void> {
  await Deno.writeTextFile(path, lines.map((line) => JSON.stringify(line)).join("\n") + "\n");
}

/**
 * SYNTHETIC: the stdout records of `lines` changed by `change` (which returns the records to put
 * in place of each one), the timestamps kept in order.
 */
function rewriteStdout(lines: Line[], change: (stdout: Line, t: number) => Line[]): Line[] {
  return lines.flatMap((line) => {
    if (typeof line.stdout !== "object" || line.stdout === null) return [line];
    return change(line.stdout as Line, line.t as number).map((stdout) => ({ t: line.t, stdout }));
  });
}

/**
 * Writes a stand-in `claude` into `dir`: claw's fake `claude` replaying a copy of the pinned
 * corpus's `ONLY` scenarios, changed by `mutate` when given.
 */
async function standIn(
  dir: string,
  mutate?: (cassettes: string) => Promise<void>,
): Promise<string> {
  const cassettes = join(dir, "cassettes");
  await Deno.mkdir(cassettes);
  for (const name of ["text_simple", "control_requests"]) {
    await Deno.copyFile(join(CORPUS, `${name}.ndjson`), join(cassettes, `${name}.ndjson`));
  }
  for await (const entry of Deno.readDir(join(CORPUS, "cli"))) {
    if (entry.name === "cli_auth_status.ndjson") continue;
    await Deno.copyFile(join(CORPUS, "cli", entry.name), join(cassettes, entry.name));
  }
  await mutate?.(cassettes);
  const launcher = join(dir, "claude");
  const written = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, "replay", "--cassettes", cassettes, "--write-bin", launcher],
    stdout: "null",
  }).output();
  ok(written.success, "claw replay --write-bin wrote the stand-in");
  return launcher;
}

/** SYNTHETIC changes, one of each kind the drift task reports. */
async function mutate(cassettes: string): Promise<void> {
  for (const name of ["text_simple", "control_requests"]) {
    const path = join(cassettes, `${name}.ndjson`);
    await writeLines(
      path,
      rewriteStdout(await cassetteLines(path), (stdout) => {
        if (stdout.type === "system" && stdout.subtype === "init") {
          return [{ ...stdout, drift_probe_field: "added" }];
        }
        if (stdout.type !== "result") return [stdout];
        const { uuid: _gone, ...result } = stdout;
        return name === "text_simple"
          ? [{ type: "drift_probe_kind", session_id: stdout.session_id }, result]
          : [{ type: "control_request", request_id: "drift-1", request: PROBE_REQUEST }, result];
      }),
    );
  }
  const help = join(cassettes, "cli_help.ndjson");
  const lines = (await cassetteLines(help)).flatMap((line) => {
    const raw = line.stdout_raw;
    if (typeof raw !== "string") return [line];
    if (raw.startsWith("  doctor ")) return []; // a subcommand gone
    if (raw.includes("--verbose")) return []; // a flag gone
    if (raw === "Commands:") {
      return [
        { t: line.t, stdout_raw: "  --drift-probe-flag    synthetic: a new flag" },
        line,
        { t: line.t, stdout_raw: "  drift-probe-command   synthetic: a new subcommand" },
      ];
    }
    return [line];
  });
  await writeLines(help, lines);
}

Deno.test({
  name: "drift against a stand-in with each kind of change names every change and exits 1",
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "claw-drift-test-" });
    try {
      const cli = await standIn(dir, mutate);
      const onlyArgs = ONLY.flatMap((name) => ["--only", name]);
      const out = await drift(["--cli", cli, ...onlyArgs]);
      assertEquals(out.code, 1, out.stdout + out.stderr);
      const expected = [
        "new field on system/init: drift_probe_field (string)",
        "field gone on result/success: uuid (string)",
        "new line kind: drift_probe_kind",
        "new line kind: control_request/drift_probe_request",
        "new --help flag: --drift-probe-flag",
        "--help flag gone: --verbose",
        "new subcommand: drift-probe-command",
        "subcommand gone: doctor",
      ];
      for (const line of expected) ok(out.stdout.includes(`  ${line}\n`), `${line}\n${out.stdout}`);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "drift against the same stand-in unchanged reports no drift and exits 0",
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "claw-drift-test-" });
    try {
      const cli = await standIn(dir);
      const out = await drift(["--cli", cli, ...ONLY.flatMap((name) => ["--only", name])]);
      assertEquals(out.code, 0, out.stdout + out.stderr);
      ok(out.stdout.includes(`against the corpus of ${NEWEST_PINNED_CLI}:`), out.stdout);
      ok(out.stdout.endsWith("  no drift\n"), out.stdout);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

const sdkCli = sdkCliPath(PINNED_SDK_VERSION);
Deno.test({
  name: "drift --sdk checks the CLI bundled in the pinned Agent SDK, offline from the cache",
  ignore: !await Deno.stat(sdkCli).then(() => true, () => false),
  async fn() {
    const only = ["text_simple", "control_protocol", "cli_surface", "cli_auth_status"];
    const out = await drift(["--sdk", PINNED_SDK_VERSION, ...only.flatMap((s) => ["--only", s])]);
    assertEquals(out.code, 0, out.stdout + out.stderr);
    ok(
      out.stdout.startsWith(
        `Claude Code ${NEWEST_PINNED_CLI} (the CLI inside Agent SDK ${PINNED_SDK_VERSION})`,
      ),
      out.stdout,
    );
    ok(out.stdout.endsWith("  no drift\n"), out.stdout);
  },
});

Deno.test("drift refuses bad flags, an unpinned corpus and a CLI that is not one with exit 2", async () => {
  const cases: [string[], string][] = [
    [["--cli", "a", "--sdk", "0.3.1"], "Pass one of --cli, --version and --sdk"],
    [["--against", "9.9.9"], "No pinned corpus for 9.9.9"],
    [["--only", "no_such_scenario"], 'Unknown scenario "no_such_scenario"'],
    [["--cli", "/nonexistent/claude"], "/nonexistent/claude does not answer --version"],
    [["--frobnicate"], "Unknown option '--frobnicate'"],
  ];
  for (const [args, message] of cases) {
    const out = await drift(args);
    assertEquals(out.code, 2, `${args.join(" ")}: ${out.stderr}`);
    ok(out.stderr.startsWith(`drift: ${message}`), out.stderr);
    assertEquals(out.stdout, "");
  }
});

Deno.test("examples/drift.yml runs the drift task daily and opens or updates an issue on exit 1", async () => {
  const workflow = parseYaml(await Deno.readTextFile(join(ROOT, "examples", "drift.yml")));
  ok(/^\S+ \S+ \* \* \*$/.test(workflow.on.schedule[0].cron), "a daily schedule");
  const steps: { id?: string; run?: string; if?: string }[] = workflow.jobs.drift.steps;
  const drift = steps.find((step) => step.run?.includes("deno task drift"));
  ok(drift?.id, "the drift step has an id");
  const [, flags, report] = /deno task drift(.*) > (\S+)/.exec(drift.run!) ?? [];
  ok(report !== undefined, "the report is written to a file");
  parseArgs({ args: flags!.trim().split(/\s+/).filter(Boolean), options: DRIFT_FLAGS });
  ok(steps.some((step) => step.run === "deno task setup"), "the pinned CLIs are installed");
  const issue = steps.find((step) => step.if === `steps.${drift.id}.outputs.code == '1'`);
  const run = issue?.run ?? "";
  ok(run.includes("gh issue create") && run.includes("gh issue comment"), "opened or updated");
  ok(run.includes(`--body-file ${report}`), "with the report");
  const task = JSON.parse(await Deno.readTextFile(join(ROOT, "deno.json"))).tasks.drift;
  ok(String(task.command ?? task).endsWith("scripts/drift.ts"), "deno task drift runs drift.ts");
});
