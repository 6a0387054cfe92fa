/** Exit codes and help output of the claw CLI, pinned; the command list comes from the command table. */
import { deepStrictEqual as assertEquals, match, ok } from "node:assert";
import { COMMANDS, findCommand } from "../src/cli/commands.ts";
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
  match(out.stderr, /^Unknown option --nope\n/);
  match(out.stderr, /Usage: claw run/);
});

Deno.test("every bad option names the flag, prints the command's usage on stderr and exits 2", async () => {
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
    match(out.stderr, new RegExp(`\\n\\nUsage: claw ${args[0]}`), "the command's usage follows");
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

Deno.test("a usage error prints its line, the usage of the subcommand given and where the help is: not the whole help", async () => {
  const cases: [string[], string[]][] = [
    [["run", "--max-turns", "0", "hi"], [
      'Invalid --max-turns "0": it must be a whole number of at least 1',
      "",
      "Usage: claw run [options] PROMPT [-- CLAUDE_ARGS…]",
      "See claw help run for every option, with examples",
    ]],
    [["session", "export", "x", "--format", "pdf"], [
      'Invalid --format "pdf": use md, json, ndjson',
      "",
      "Usage: claw session export ID --format md|json|ndjson [-o FILE] [--json] [--max-line-bytes BYTES]",
      "See claw help session for every option, with examples",
    ]],
    [["auth", "logout", "--nope"], [
      "Unknown option --nope",
      "",
      "Usage: claw auth logout [--all] [--json] [--cli PATH]",
      "See claw help auth for every option, with examples",
    ]],
  ];
  for (const [args, lines] of cases) {
    const out = await claw(args);
    assertEquals([out.code, out.stdout, out.stderr.split("\n")], [2, "", [...lines, ""]]);
  }
});

Deno.test("claude's own spellings of claw run's flags get claw's, and a mistyped flag gets did you mean", async () => {
  const cases: [string[], string][] = [
    [["--output-format", "json"], "Unknown option --output-format: claw run calls it --output"],
    [["--output-format=json"], "Unknown option --output-format: claw run calls it --output"],
    [
      ["--include-partial-messages"],
      "Unknown option --include-partial-messages: claw run calls it --partial",
    ],
    [["-p"], "Unknown option -p: claw run always runs claude with -p: drop it"],
    [["--print"], "Unknown option --print: claw run always runs claude with -p: drop it"],
    [
      ["--verbose"],
      "Unknown option --verbose: claw run always runs claude with --verbose: drop it",
    ],
    [["-c"], "Unknown option -c: claw run calls it --continue"],
    [["-r", "x"], "Unknown option -r: claw run calls it --resume"],
    [["-m", "opus"], "Unknown option -m: claw run calls it --model"],
    [
      ["--allowedTools", "Read"],
      "Unknown option --allowedTools: claw run calls it --allowed-tools",
    ],
    [["--fork-session"], "Unknown option --fork-session: claw run calls it --fork"],
    [["--modle", "opus"], "Unknown option --modle: did you mean --model?"],
    [["--max-turn", "2"], "Unknown option --max-turn: did you mean --max-turns?"],
    [
      ["--debug"],
      'Unknown option --debug: claw run has no flag for it: pass it to claude after --, as in claw run "PROMPT" -- --debug',
    ],
    [["--frobnicate"], "Unknown option --frobnicate"],
  ];
  for (const [flags, first] of cases) {
    const out = await claw(["run", ...flags, "hi"]);
    assertEquals([out.code, out.stderr.split("\n")[0]], [2, first], flags.join(" "));
  }
});

Deno.test("claw help auth status prints auth's help, and the top help lists help under Commands", async () => {
  const auth = (await findCommand("auth")!.load()).help;
  for (
    const args of [["help", "auth", "status"], ["help", "auth", "logout"], [
      "auth",
      "status",
      "--help",
    ]]
  ) {
    const out = await claw(args);
    assertEquals([out.code, out.stdout, out.stderr], [0, `${auth}\n`, ""], args.join(" "));
  }
  const wrong = await claw(["help", "auth", "whoami"]);
  assertEquals([wrong.code, wrong.stdout], [2, ""]);
  match(
    wrong.stderr,
    /^Unknown subcommand "whoami" of claw auth: use one of status, login, token, logout\n/,
  );
  const none = await claw(["help", "run", "now"]);
  assertEquals(none.code, 2);
  match(none.stderr, /^Unexpected "now" after claw help run: claw run has no subcommands\n/);
  const top = await claw(["--help"]);
  match(
    top.stdout,
    /\nCommands:\n( {2}[a-z-]+ +[^\n]+\n)* {2}help +Show the help of a command[^\n]*\n\n/,
  );
});

Deno.test("an unknown command that is a typo of one gets did you mean", async () => {
  const out = await claw(["rnu"]);
  assertEquals([out.code, out.stdout], [2, ""]);
  match(out.stderr, /^Unknown command "rnu": did you mean "run"\?\n/);
});
