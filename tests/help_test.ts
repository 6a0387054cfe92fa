/** Exit codes and help output of the claw CLI, pinned; the command list comes from the command table. */
import { deepStrictEqual as assertEquals, match, ok } from "node:assert";
import { COMMANDS } from "../src/cli/commands.ts";
import { ERROR_KINDS, hintFor } from "../src/errors/kinds.ts";
import { VERSION } from "../src/version.ts";
import { claw } from "./_claw.ts";

Deno.test("claw --version prints the version on stdout and exits 0", async () => {
  const out = await claw(["--version"]);
  assertEquals([out.code, out.stdout, out.stderr], [0, `claw ${VERSION}\n`, ""]);
});

Deno.test("claw --help lists every visible command with its summary on stdout and exits 0", async () => {
  const out = await claw(["--help"]);
  assertEquals(out.code, 0);
  for (const command of COMMANDS) {
    const listed = new RegExp(`\\n  ${command.name} +${command.summary}\\n`).test(out.stdout);
    assertEquals(listed, !command.hidden, `${command.name} in the help`);
  }
});

for (const command of COMMANDS) {
  Deno.test(`claw ${command.name} --help and claw help ${command.name} print its help, exit 0`, async () => {
    const help = (await command.load()).help;
    match(help, new RegExp(`^Usage: claw ${command.name}`));
    match(help, /Examples?:/);
    const asked = await claw(["help", command.name]);
    assertEquals([asked.code, asked.stdout, asked.stderr], [0, `${help}\n`, ""]);
    if (!command.ownsAllArgs) {
      const flag = await claw([command.name, "--help"]);
      assertEquals([flag.code, flag.stdout], [0, `${help}\n`]);
    }
  });
}

Deno.test("claw help alone prints the top-level help; claw help with an unknown command exits 2", async () => {
  const top = await claw(["help"]);
  assertEquals(top.code, 0);
  match(top.stdout, /^claw .*\n\nUsage: claw <command>/);
  const unknown = await claw(["help", "frobnicate"]);
  assertEquals([unknown.code, unknown.stdout], [2, ""]);
  match(unknown.stderr, /^Unknown command "frobnicate"/);
});

Deno.test("no command prints help on stderr and exits 2", async () => {
  const out = await claw([]);
  assertEquals([out.code, out.stdout], [2, ""]);
  match(out.stderr, /Usage: claw <command>/);
});

Deno.test("an unknown command names it, prints help on stderr and exits 2", async () => {
  const out = await claw(["frobnicate"]);
  assertEquals([out.code, out.stdout], [2, ""]);
  match(out.stderr, /^Unknown command "frobnicate"/);
});

Deno.test("an unknown flag is a usage error with the command's help, exit 2", async () => {
  const out = await claw(["run", "--nope", "hi"]);
  assertEquals([out.code, out.stdout], [2, ""]);
  match(out.stderr, /Unknown option '--nope'/);
  match(out.stderr, /Usage: claw run/);
});

Deno.test("every bad option names the flag, prints the command's help on stderr and exits 2", async () => {
  const cases: [string[], RegExp][] = [
    [["run", "--output", "yaml", "hi"], /^Invalid --output "yaml": use text, json, stream-json\n/],
    [["run", "--max-turns", "many", "hi"], /^Invalid --max-turns "many": it must be a number\n/],
    // Checked by the library, reported with the flag's name.
    [
      ["run", "--max-turns", "0", "hi"],
      /^Invalid --max-turns "0": it must be a whole number of at least 1\n/,
    ],
    [
      ["run", "--permission-mode", "yolo", "hi"],
      /^Invalid --permission-mode "yolo": it must be one of default, /,
    ],
    [["run", "--session-id", "abc", "hi"], /^Invalid --session-id "abc": it must be a UUID\n/],
    [
      ["run", "--continue", "--resume", "x", "hi"],
      /^Pass either --continue or --resume, not both\n/,
    ],
    [
      ["run", "--fork", "hi"],
      /^--fork needs --resume or --continue: there is no session to fork\n/,
    ],
    [
      ["run", "--timeout=-5", "hi"],
      /^Invalid --timeout "-5": it must be a positive number of seconds, or none\n/,
    ],
    [["run", "--json-schema", "{", "hi"], /^Invalid --json-schema: it must be JSON/],
    [["run", "  "], /^The PROMPT is empty: pass the text Claude should work on\n/],
    [["run"], /^Missing PROMPT/],
    [["inspect"], /^Missing FILE/],
  ];
  for (const [args, expected] of cases) {
    const out = await claw(args);
    assertEquals([out.code, out.stdout], [2, ""], `${args.join(" ")}: ${out.stderr}`);
    match(out.stderr, expected);
    match(out.stderr, new RegExp(`\\n\\nUsage: claw ${args[0]}`), "the command's help follows");
  }
});

Deno.test("claw run with a claude that does not exist fails with cli_not_found, exit 1", async () => {
  const out = await claw(["run", "--cli", "/nonexistent/claude", "hi"]);
  assertEquals(out.code, 1);
  match(out.stderr, /^error\[cli_not_found\]: Cannot run "\/nonexistent\/claude"/);
  match(out.stderr, /\nhint: /);
});

Deno.test("every hint names only claw commands that exist", () => {
  for (const kind of ERROR_KINDS) {
    for (const [, name] of hintFor(kind).matchAll(/\bclaw ([a-z][a-z-]*)/g)) {
      ok(
        COMMANDS.some((command) => command.name === name),
        `${kind}: "claw ${name}" is no command`,
      );
    }
  }
});
