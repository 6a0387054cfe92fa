/**
 * The `claw` command line: dispatches to a subcommand from the command table, maps usage errors to
 * exit 2, and is the only place that calls `Deno.exit`.
 *
 * @module
 */
import { UsageError } from "./src/cli/_args.ts";
import { type Command, findCommand, topHelp } from "./src/cli/commands.ts";
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
  if (!command.ownsAllArgs && (rest.includes("-h") || rest.includes("--help"))) {
    console.log(module.help);
    return 0;
  }
  try {
    return await module.run(rest);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n\n${module.help}`);
    return 2;
  }
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
  Deno.exit(await main(Deno.args));
}
