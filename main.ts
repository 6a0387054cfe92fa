/**
 * The `claw` command line: dispatches to a subcommand from the command table, reports whatever a
 * command throws (a usage error: its message and the command's help, exit 2; any other failure:
 * one `error[kind]: …` line and a hint, exit 1), and is the only place that calls `Deno.exit`.
 * With JSON asked for, a failure is also one JSON error object on stdout (`src/cli/_error_json.ts`).
 *
 * @module
 */
import { importLazily } from "./src/cli/_lazy.ts";
import { asksForJson, type Command, findCommand, topHelp } from "./src/cli/commands.ts";
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
  if (!command) return unknown(name);
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
    return await report(error, command, module.help, asksForJson(command, rest));
  } finally {
    globalThis.removeEventListener("unhandledrejection", onRejection);
    globalThis.removeEventListener("error", onError);
  }
}

/**
 * Reports what `command` (or claw itself, without one) threw and returns the exit code: a usage
 * error is its message and the command's help (2), anything else `error[kind]: message` and a hint
 * (1); with `json`, the JSON error object on stdout too, when stdout can still take it.
 */
async function report(
  error: unknown,
  command: Command | undefined,
  help: string,
  json: boolean,
): Promise<number> {
  // Loaded only on failure: a command that succeeds does not pay for them.
  const [{ errorReport }, { colourEnabled, styles }] = await Promise.all([
    importLazily<typeof import("./src/cli/_error_json.ts")>(
      "./src/cli/_error_json.ts",
      import.meta.url,
    ),
    importLazily<typeof import("./src/cli/_style.ts")>("./src/cli/_style.ts", import.meta.url),
  ]);
  const reported = errorReport(error, command?.name);
  try {
    if (json) console.log(JSON.stringify(reported));
  } catch {
    // stdout itself failed (a full disk): the line on stderr says so
  }
  const { kind, message, hint } = reported.error;
  if (kind === "usage") {
    console.error(`${message}\n\n${help}`);
    return 2;
  }
  const s = styles(colourEnabled(Deno.stderr));
  console.error(`${s.red(`error[${kind}]`)}: ${message}\n${s.dim("hint:")} ${hint}`);
  return 1;
}

/** `claw help [command]`: the top-level help, or one command's. */
async function help([name, ...extra]: string[]): Promise<number> {
  if (name === undefined) {
    console.log(topHelp(VERSION));
    return 0;
  }
  const command: Command | undefined = findCommand(name);
  if (!command) return unknown(name);
  if (extra.length > 0) {
    console.error(`Unexpected "${extra.join(" ")}" after claw help ${name}: ask for one command`);
    return 2;
  }
  console.log((await command.load()).help);
  return 0;
}

function unknown(name: string): number {
  console.error(`Unknown command "${name}": see the list below\n\n${topHelp(VERSION)}`);
  return 2;
}

if (import.meta.main) {
  // What fails outside a command (printing --version to a full disk) is reported the same way.
  Deno.exit(
    await main(Deno.args).catch((error) => report(error, undefined, topHelp(VERSION), false)),
  );
}
