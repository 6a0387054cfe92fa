/**
 * `claw cassette refresh DIR`: re-run a folder of cassettes against a CLI and say what changed in
 * meaning; write the new recordings, or with `--check` only report.
 *
 * @module
 */
import { refreshFolder, type RefreshOutcome } from "../cassette/refresh.ts";
import { findClaude } from "../process/discover.ts";
import { UsageError } from "./_args.ts";
import { type Flag, flagValues, parseFlags } from "./_flags.ts";
import { checkFolder } from "./_paths.ts";
import { colourEnabled, styles } from "./_style.ts";
import { messageOf } from "../errors/message_of.ts";

const FLAGS: readonly Flag[] = [
  { name: "cli", option: "cli", type: "string", value: "PATH", help: "" },
  { name: "check", option: "check", type: "boolean", help: "" },
  { name: "text", option: "text", type: "boolean", help: "" },
  { name: "json", option: "json", type: "boolean", help: "" },
  { name: "only", option: "only", type: "string", value: "GLOB", help: "" },
  { name: "timeout", option: "timeoutMs", type: "seconds", value: "SECONDS", help: "" },
];

/**
 * Runs `claw cassette refresh` with `args`: exit 0 when nothing changed (or the changes were
 * written), 1 when `--check` found a change or a cassette could not be re-run.
 *
 * @example
 * ```ts
 * import { rejects } from "node:assert";
 * import { runRefreshCommand } from "./_cassette_refresh.ts";
 *
 * await rejects(runRefreshCommand(["--check"]), /^UsageError: Missing DIR/);
 * await rejects(runRefreshCommand(["deno.json"]), /it is a file, not a folder/);
 * ```
 */
export async function runRefreshCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(args, FLAGS, { command: "claw cassette refresh" });
  const options = flagValues(FLAGS, values) as {
    cli?: string;
    check?: boolean;
    text?: boolean;
    json?: boolean;
    only?: string;
    timeoutMs?: number;
  };
  const [dir, ...extra] = positionals;
  if (dir === undefined) {
    throw new UsageError("Missing DIR: pass the folder of cassettes to refresh");
  }
  if (extra.length > 0) {
    throw new UsageError(`Unexpected "${extra.join(" ")}": refresh takes one folder`);
  }
  await checkFolder("DIR", dir, "the folder of cassettes to refresh");
  const cli = cliPath(options.cli);
  const style = styles(colourEnabled(Deno.stderr));
  const report = await refreshFolder(dir, {
    cli,
    check: options.check ?? false,
    text: options.text ?? false,
    ...(options.only === undefined ? {} : { only: options.only }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.json ? {} : { onCassette: (outcome) => console.error(describe(outcome, style)) }),
  });
  const { ok, changed, failed, written } = report;
  if (options.json) {
    console.log(JSON.stringify({
      cassettes: report.cassettes,
      total: report.cassettes.length,
      ok,
      changed,
      failed,
      written,
      check: options.check ?? false,
    }));
  } else {
    const total = report.cassettes.length;
    console.error(
      `claw cassette refresh: ${total} cassette${
        total === 1 ? "" : "s"
      }: ${ok} ok, ${changed} changed, ${failed} failed; ${
        options.check ? "nothing written (--check)" : `${written} written`
      }`,
    );
  }
  return failed > 0 || (options.check && changed > 0) ? 1 : 0;
}

/** The CLI to run: `--cli` checked, else the one `claude` discovery finds. */
function cliPath(given: string | undefined): string {
  try {
    return findClaude(given === undefined ? {} : { cli: given }).path;
  } catch (error) {
    const reason = messageOf(error);
    throw new UsageError(
      given === undefined ? reason : `Cannot use --cli "${given}": it is not an executable file`,
      { cause: error },
    );
  }
}

/** One cassette's outcome, for people: `path: ok`, or `path: changed:` and each change. */
function describe(outcome: RefreshOutcome, style: ReturnType<typeof styles>): string {
  const changes = outcome.changes.map((change) => `  ${change}`);
  if (outcome.error !== undefined) {
    return [`${outcome.path}: ${style.red("failed")}: ${outcome.error}`, ...changes].join("\n");
  }
  if (changes.length === 0) return `${outcome.path}: ${style.green("ok")}`;
  const written = outcome.written ? " (written)" : "";
  return [`${outcome.path}: ${style.yellow("changed")}${written}:`, ...changes].join("\n");
}
