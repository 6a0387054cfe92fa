/**
 * The `claw` command line: dispatches to a subcommand from the command table, reports whatever a
 * command throws (a usage error: its message, the usage line that fits and where the whole help
 * is, exit 2; any other failure: one `error[kind]: …` line and a hint, exit 1), and is the only
 * place that calls `Deno.exit`.
 * With JSON asked for, a failure is also one JSON error object on stdout (`src/cli/_error_json.ts`).
 *
 * Start-up stays cheap: a command's module, and the helpers for help and failures, are literal
 * `import()`s that deno.json's `"unstable": ["lazy-dynamic-imports"]` reads only when they run.
 *
 * @module
 */
import {
  asksForJson,
  type Command,
  findCommand,
  topHelp,
  visibleCommands,
} from "./src/cli/commands.ts";
import { VERSION } from "./src/version.ts";

async function main(args: string[]): Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined) {
    console.error(topHelp(VERSION));
    return 2;
  }
  if (name === "-h" || name === "--help") {
    console.log(topHelp(VERSION));
    return 0;
  }
  if (name === "-V" || name === "--version") {
    console.log(`claw ${VERSION}`);
    return 0;
  }
  if (name === "help") return await help(rest);
  const command = findCommand(name);
  if (!command) return await unknown(name);
  const module = await command.load();
  const end = rest.indexOf("--"); // after it, arguments are not claw's (claw record -- --help)
  const own = end === -1 ? rest : rest.slice(0, end);
  if (!command.ownsAllArgs && (own.includes("-h") || own.includes("--help"))) {
    console.log(module.help);
    return 0;
  }
  // A rejection or an exception nobody handles, in a stream callback or a timer, fails the
  // command like a thrown error: never a stack trace.
  const escaped = Promise.withResolvers<never>();
  const onRejection = (event: PromiseRejectionEvent) => {
    event.preventDefault();
    escaped.reject(event.reason);
  };
  const onError = (event: ErrorEvent) => {
    event.preventDefault();
    escaped.reject(event.error);
  };
  globalThis.addEventListener("unhandledrejection", onRejection);
  globalThis.addEventListener("error", onError);
  try {
    return await Promise.race([module.run(rest), escaped.promise]);
  } catch (error) {
    return await report(
      error,
      { command, help: module.help, args: own },
      asksForJson(command, rest),
    );
  } finally {
    globalThis.removeEventListener("unhandledrejection", onRejection);
    globalThis.removeEventListener("error", onError);
  }
}

/** The command that failed: its help, and the arguments of its own that it was given. */
interface Failed {
  command: Command;
  help: string;
  args: readonly string[];
}

/**
 * Reports what a command (`failed`), or claw itself, threw and returns the exit code: a usage
 * error is its message, the usage line that fits the arguments (the subcommand's, when one was
 * given) and where the whole help is (2); anything else `error[kind]: message` and a hint (1);
 * with `json`, the JSON error object on stdout too, when stdout can still take it.
 */
async function report(error: unknown, failed: Failed | undefined, json: boolean): Promise<number> {
  // Loaded only on failure: a command that succeeds does not pay for them.
  const [{ errorReport }, { colourEnabled, styles }] = await Promise.all([
    import("./src/cli/_error_json.ts"),
    import("./src/cli/_style.ts"),
  ]);
  const reported = errorReport(error, failed?.command.name);
  try {
    if (json) console.log(JSON.stringify(reported));
  } catch {
    // stdout itself failed (a full disk): the line on stderr says so
  }
  const { kind, message, hint } = reported.error;
  if (kind === "usage") {
    const usage = failed === undefined
      ? "Usage: claw <command> [options]\nSee claw help for the commands"
      : `${
        (await loadUsage()).usageFor(failed.help, failed.command.name, failed.args)
      }\nSee claw help ${failed.command.name} for every option, with examples`;
    console.error(`${message}\n\n${usage}`);
    return 2;
  }
  const s = styles(colourEnabled(Deno.stderr));
  console.error(`${s.red(`error[${kind}]`)}: ${message}\n${s.dim("hint:")} ${hint}`);
  return 1;
}

/**
 * `claw help [command [subcommand]]`: the top-level help, or one command's (which covers its
 * subcommands: `claw help auth status` prints what `claw auth status --help` does).
 */
async function help([name, sub, ...extra]: string[]): Promise<number> {
  if (name === undefined) {
    console.log(topHelp(VERSION));
    return 0;
  }
  const command: Command | undefined = findCommand(name);
  if (!command) return await unknown(name);
  const [module, { subcommands }] = await Promise.all([command.load(), loadUsage()]);
  const subs = subcommands(module.help, name);
  const refuse = (message: string) => {
    console.error(`${message}\n\nUsage: claw help [COMMAND [SUBCOMMAND]]`);
    return 2;
  };
  if (sub !== undefined && !subs.includes(sub)) {
    return refuse(
      subs.length === 0
        ? `Unexpected "${sub}" after claw help ${name}: claw ${name} has no subcommands`
        : `Unknown subcommand "${sub}" of claw ${name}: use one of ${subs.join(", ")}`,
    );
  }
  if (extra.length > 0) {
    return refuse(
      `Unexpected "${extra.join(" ")}" after claw help ${name} ${sub}: ask for one subcommand`,
    );
  }
  console.log(module.help);
  return 0;
}

/** The usage helpers, loaded only for a help or a usage error. */
function loadUsage(): Promise<typeof import("./src/cli/_usage.ts")> {
  return import("./src/cli/_usage.ts");
}

async function unknown(name: string): Promise<number> {
  const { _closest } = await import("./src/batch/_closest.ts");
  const meant = _closest(name, visibleCommands().map((command) => command.name));
  const guess = meant === undefined ? "see the list below" : `did you mean "${meant}"?`;
  console.error(`Unknown command "${name}": ${guess}\n\n${topHelp(VERSION)}`);
  return 2;
}

if (import.meta.main) {
  // What fails outside a command (printing --version to a full disk) is reported the same way.
  Deno.exit(await main(Deno.args).catch((error) => report(error, undefined, false)));
}
