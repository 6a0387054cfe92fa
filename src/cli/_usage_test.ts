import { deepStrictEqual as assertEquals } from "node:assert";
import { COMMANDS } from "./commands.ts";
import { subcommands, usageFor, usageForms } from "./_usage.ts";

Deno.test("usageFor picks the form of the subcommand given, keeps a wrapped form whole, else the first", () => {
  const help = `Usage: claw batch run JOBS -o OUT [--concurrency N]
                      [--retries N] [run options]
       claw batch merge RESULTS... -o ALL --jobs JOBS

More text.`;
  assertEquals(usageForms(help), [
    "claw batch run JOBS -o OUT [--concurrency N]\n                      [--retries N] [run options]",
    "claw batch merge RESULTS... -o ALL --jobs JOBS",
  ]);
  assertEquals(subcommands(help, "batch"), ["run", "merge"]);
  assertEquals(
    usageFor(help, "batch", ["merge", "--nope"]),
    "Usage: claw batch merge RESULTS... -o ALL --jobs JOBS",
  );
  assertEquals(usageFor(help, "batch", ["--", "merge"]), `Usage: ${usageForms(help)[0]}`);
  assertEquals(usageFor(help, "batch", ["frobnicate"]), `Usage: ${usageForms(help)[0]}`);
});

Deno.test("subcommands reads every command's usage: the commands with subcommands list them, the others none", async () => {
  const found: Record<string, string[]> = {};
  for (const command of COMMANDS) {
    found[command.name] = subcommands((await command.load()).help, command.name);
  }
  assertEquals(found, {
    run: [],
    session: [
      "list",
      "show",
      "export",
      "rename",
      "tag",
      "archive",
      "unarchive",
      "delete",
      "new",
      "continue",
      "resume",
      "fork",
    ],
    auth: ["status", "login", "token", "logout"],
    cassette: ["match", "usage", "refresh"],
    doctor: [],
    batch: ["run", "merge"],
    inspect: [],
    report: [],
    record: [],
    replay: [],
    "fake-api": [],
    "fake-claude": [],
  });
});
