import { deepStrictEqual as assertEquals, ok, throws } from "node:assert";
import { planLaunch } from "../session/launch.ts";
import type { RunOptions } from "../session/run_options.ts";
import { type Flag, flagFor, flagHelp, flagValues, parseFlags } from "./_flags.ts";
import { RUN_FLAGS } from "./_run_flags.ts";

const FLAGS: readonly Flag[] = [
  { name: "model", option: "model", type: "string", value: "NAME", help: "Model" },
  { name: "output", short: "o", option: "output", type: "string", value: "FILE", help: "Out" },
  { name: "add-dir", option: "addDirs", type: "repeat", value: "DIR", help: "Dir" },
  { name: "partial", option: "partial", type: "boolean", help: "Partial" },
];

Deno.test("parseFlags reads both value forms, short flags, repeats, and everything after --", () => {
  assertEquals(
    parseFlags(
      [
        "--model",
        "opus",
        "-o",
        "x.ndjson",
        "--add-dir=a",
        "hi",
        "--add-dir",
        "b",
        "--partial",
        "-",
        "--",
        "--model",
      ],
      FLAGS,
    ),
    {
      values: { model: "opus", output: "x.ndjson", "add-dir": ["a", "b"], partial: true },
      positionals: ["hi", "-", "--model"],
      afterDashes: 1,
    },
  );
});

Deno.test("parseFlags refuses what it cannot read, naming the flag", () => {
  throws(() => parseFlags(["--nope"], FLAGS), /^UsageError: Unknown option --nope$/);
  throws(() => parseFlags(["-x"], FLAGS), /^UsageError: Unknown option -x$/);
  throws(() => parseFlags(["--model"], FLAGS), /Option '--model NAME' needs a value$/);
  throws(
    () => parseFlags(["--model", "--partial"], FLAGS),
    /Option '--model NAME' needs a value: write --model=--partial if "--partial" is the value/,
  );
  throws(() => parseFlags(["--partial=yes"], FLAGS), /Option '--partial' takes no value/);
  assertEquals(parseFlags(["--model=-dash"], FLAGS).values, { model: "-dash" });
});

Deno.test("flagValues converts by type and names the flag when a value cannot be read", () => {
  const typed: Flag[] = [
    { name: "n", option: "n", type: "number", help: "" },
    { name: "t", option: "t", type: "seconds", help: "" },
    { name: "l", option: "l", type: "list", help: "" },
    { name: "j", option: "j", type: "json", help: "" },
  ];
  assertEquals(
    flagValues(typed, { n: "3", t: "1.5", l: "Read, Bash(git a,b)", j: '{"type":"object"}' }),
    { n: 3, t: 1500, l: ["Read", "Bash(git a,b)"], j: { type: "object" } },
  );
  throws(() => flagValues(typed, { n: "x" }), /Invalid --n "x": it must be a number/);
  throws(
    () => flagValues(typed, { t: "0" }),
    /Invalid --t "0": it must be a positive number of seconds, or none/,
  );
  assertEquals(flagValues(typed, { t: "none" }), { t: Infinity });
  throws(() => flagValues(typed, { j: "[1]" }), /Invalid --j: it must be a JSON object/);
});

Deno.test("every run flag sets a run option that reaches the CLI's argv or the process", () => {
  const sample: Record<string, string> = {
    string: "value",
    number: "2",
    list: "Read,Edit",
    repeat: "a.json",
    boolean: "",
    seconds: "5",
    json: '{"type":"object"}',
  };
  const process = ["cli", "cwd", "timeoutMs", "startupTimeoutMs", "idleTimeoutMs"];
  for (const flag of RUN_FLAGS) {
    const raw = flag.type === "boolean"
      ? true
      : flag.type === "repeat"
      ? [sample.repeat!]
      : sample[flag.type]!;
    const options = flagValues([flag], { [flag.name]: raw }) as RunOptions;
    assertEquals(Object.keys(options), [flag.option], flag.name);
    assertEquals(flagFor(RUN_FLAGS, flag.option), `--${flag.name}`);
    if (process.includes(flag.option)) continue;
    // The CLI flags (valid on their own, or with their partner) all end up in argv.
    const partner: RunOptions = flag.option === "forkSession"
      ? { resume: "x" }
      : flag.option === "strictMcpConfig"
      ? { mcpConfig: ["a.json"] }
      : {};
    if (flag.option === "permissionMode") options.permissionMode = "plan";
    if (flag.option === "sessionId") options.sessionId = "0b7e3b1c-34f4-4b47-9bf5-1f2a3d4e5f60";
    const { args } = planLaunch("hi", {
      ...partner,
      ...options,
      spawner: () => Promise.reject(),
    }).request;
    ok(args.length > 5, `${flag.name} adds to argv: ${args.join(" ")}`);
  }
});

Deno.test("flagHelp aligns the flags, with short forms and value names", () => {
  assertEquals(flagHelp(FLAGS).split("\n"), [
    "  --model NAME       Model",
    "  -o, --output FILE  Out",
    "  --add-dir DIR      Dir",
    "  --partial          Partial",
  ]);
});

Deno.test("parseFlags names claw's flag for another spelling of it, the hint given, or the flag a typo meant", () => {
  const flags: Flag[] = [
    ...FLAGS,
    { name: "continue", option: "continue", type: "boolean", help: "", spellings: ["-c"] },
    { name: "max-turns", option: "maxTurns", type: "number", help: "", spellings: ["--turns"] },
  ];
  const options = { command: "claw run", hints: { "-p": "claw run always runs claude with -p" } };
  const refusal = (args: string[]) => {
    try {
      parseFlags(args, flags, options);
    } catch (error) {
      return (error as Error).message;
    }
    return "accepted";
  };
  assertEquals(refusal(["-c"]), "Unknown option -c: claw run calls it --continue");
  assertEquals(refusal(["--turns=3"]), "Unknown option --turns: claw run calls it --max-turns");
  assertEquals(refusal(["-p"]), "Unknown option -p: claw run always runs claude with -p");
  assertEquals(refusal(["--modle", "x"]), "Unknown option --modle: did you mean --model?");
  assertEquals(
    refusal(["--max_turns", "3"]),
    "Unknown option --max_turns: did you mean --max-turns?",
  );
  assertEquals(refusal(["--toString"]), "Unknown option --toString");
  assertEquals(refusal(["-x"]), "Unknown option -x");
  // Without a command, the message says claw.
  throws(
    () => parseFlags(["-c"], flags),
    /^UsageError: Unknown option -c: claw calls it --continue$/,
  );
});
