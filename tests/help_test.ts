/** Exit codes and help output of the claw CLI, pinned. */
import { deepStrictEqual as assertEquals, match } from "node:assert";
import { VERSION } from "../src/version.ts";
import { claw } from "./_claw.ts";

Deno.test("claw --version prints the version on stdout and exits 0", async () => {
  const out = await claw(["--version"]);
  assertEquals([out.code, out.stdout, out.stderr], [0, `claw ${VERSION}\n`, ""]);
});

Deno.test("claw --help lists the commands on stdout and exits 0", async () => {
  const out = await claw(["--help"]);
  assertEquals(out.code, 0);
  for (const command of ["run", "inspect", "record", "replay", "fake-api"]) {
    match(out.stdout, new RegExp(`\\n  ${command} `));
  }
});

for (const command of ["run", "inspect", "record", "replay", "fake-api"]) {
  Deno.test(`claw ${command} --help prints usage and examples on stdout and exits 0`, async () => {
    const out = await claw([command, "--help"]);
    assertEquals(out.code, 0);
    match(out.stdout, new RegExp(`^Usage: claw ${command}`));
    match(out.stdout, /Examples?:/);
  });
}

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

Deno.test("bad flag values are usage errors that say what was wrong, exit 2", async () => {
  const cases: [string[], RegExp][] = [
    [["run", "--output", "yaml", "hi"], /Invalid --output "yaml": use text, json or stream-json/],
    [["run", "--max-turns", "many", "hi"], /Invalid --max-turns "many": it must be a number/],
    [["run", "--permission-mode", "yolo", "hi"], /Invalid --permission-mode "yolo"/],
    [["run"], /Missing PROMPT/],
    [["inspect"], /Missing FILE/],
  ];
  for (const [args, expected] of cases) {
    const out = await claw(args);
    assertEquals(out.code, 2, `${args.join(" ")}: ${out.stderr}`);
    match(out.stderr, expected);
  }
});

Deno.test("claw run with a claude that does not exist fails with cli_not_found, exit 1", async () => {
  const out = await claw(["run", "--cli", "/nonexistent/claude", "hi"]);
  assertEquals(out.code, 1);
  match(out.stderr, /^error\[cli_not_found\]: Cannot run "\/nonexistent\/claude"/);
  match(out.stderr, /\nhint: /);
});
