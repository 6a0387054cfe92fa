import { deepStrictEqual as assertEquals, notDeepStrictEqual } from "node:assert";
import { buildArgs } from "../process/options.ts";
import { canonicalArgv, parseArgv } from "./canonical_argv.ts";

const CANONICAL = ["--output-format=stream-json", "--print", "--verbose", "--", "Say hello"];

/** Asserts that every argv has the canonical form `expected`. */
function same(expected: string[], ...argvs: string[][]) {
  for (const argv of argvs) assertEquals(canonicalArgv(argv), expected, JSON.stringify(argv));
}

Deno.test("a value given with a space or with = is one canonical element", () => {
  same(
    CANONICAL,
    ["-p", "--output-format", "stream-json", "--verbose", "Say hello"],
    ["-p", "--output-format=stream-json", "--verbose", "--", "Say hello"],
    ["--print", "--output-format", "stream-json", "--verbose", "--", "Say hello"],
  );
  same(["--model=-odd", "--", "hi"], ["--model", "-odd", "hi"], ["--model=-odd", "hi"]);
  same(["--resume=abc"], ["-r", "abc"], ["-rabc"], ["--resume", "abc"], ["--resume=abc"]);
});

Deno.test("the order of different flags does not matter, nor where the prompt is", () => {
  same(
    CANONICAL,
    ["--verbose", "--output-format", "stream-json", "-p", "Say hello"],
    ["Say hello", "-p", "--verbose", "--output-format=stream-json"],
    ["-p", "Say hello", "--verbose", "--output-format", "stream-json"],
  );
});

Deno.test("-- before the prompt is optional, and kept when a positional starts with -", () => {
  same(["--print", "--", "hi"], ["-p", "hi"], ["-p", "--", "hi"], ["hi", "-p"]);
  same(["--print", "--", "-x", "--verbose"], ["-p", "--", "-x", "--verbose"]);
  same(["--print"], ["-p"], ["-p", "--"]);
  same(["--", "hi", "there"], ["hi", "there"], ["hi", "--", "there"]);
});

Deno.test("a flag given several times keeps the order of its values; values are one element each", () => {
  const tools = ["--allowedTools=Read", "--allowedTools=Bash(git *)", "--print", "--", "hi"];
  same(
    tools,
    ["-p", "--allowedTools", "Read", "--allowedTools", "Bash(git *)", "--", "hi"],
    ["--allowedTools=Read", "-p", "--allowed-tools=Bash(git *)", "hi"],
    ["--allowedTools", "Read", "Bash(git *)", "-p", "--", "hi"],
  );
  notDeepStrictEqual(
    canonicalArgv(["--allowedTools", "Bash(git *)", "--allowedTools", "Read"]),
    canonicalArgv(["--allowedTools", "Read", "--allowedTools", "Bash(git *)"]),
  );
  // For a flag with one value the last one wins: the order of repeats is kept.
  notDeepStrictEqual(
    canonicalArgv(["--model", "a", "--model", "b"]),
    canonicalArgv(["--model", "b", "--model", "a"]),
  );
  // --chrome and --no-chrome: the last wins, so they keep their order.
  notDeepStrictEqual(
    canonicalArgv(["--chrome", "--no-chrome"]),
    canonicalArgv(["--no-chrome", "--chrome"]),
  );
});

Deno.test("a boolean flag never swallows the prompt after it; a value flag always takes it", () => {
  same(CANONICAL, ["--output-format=stream-json", "-p", "--verbose", "Say hello"]);
  same(["--continue", "--print", "--", "hi"], ["-p", "-c", "hi"], ["-pc", "hi"], [
    "-cp",
    "--",
    "hi",
  ]);
  same(["--model=hi", "--print"], ["-p", "--model", "hi"]);
  // An optional value is taken unless the next argument starts with -.
  same(["--print", "--resume=hi"], ["-p", "--resume", "hi"]);
  same(["--print", "--resume", "--", "hi"], ["--resume", "-p", "hi"], [
    "-p",
    "--resume",
    "--",
    "hi",
  ]);
  // Values flags take every following argument up to the next flag, the prompt too.
  same(["--add-dir=a", "--add-dir=hi", "--print"], ["-p", "--add-dir", "a", "hi"]);
  same(["--add-dir=a", "--print", "--", "hi"], ["--add-dir", "a", "-p", "hi"], [
    "--add-dir=a",
    "hi",
    "-p",
  ]);
});

Deno.test("an unknown flag and everything after it stay as given, in place", () => {
  assertEquals(parseArgv(["-p", "--future", "x", "--verbose", "hi"]), {
    options: ["--print"],
    operands: [],
    unparsed: ["--future", "x", "--verbose", "hi"],
  });
  same(["--print", "--future", "x", "--verbose", "hi"], ["-p", "--future", "x", "--verbose", "hi"]);
  // Flags before it are still canonical; the positional arguments before it come first.
  same(
    ["hi", "--output-format=json", "--print", "--future=1", "-x"],
    ["hi", "-p", "--output-format", "json", "--future=1", "-x"],
    ["--output-format=json", "hi", "--print", "--future=1", "-x"],
  );
  // Whether --future takes "x" is unknown: these stay apart.
  notDeepStrictEqual(
    canonicalArgv(["--future", "x", "-p"]),
    canonicalArgv(["--future", "-p", "x"]),
  );
  notDeepStrictEqual(canonicalArgv(["x", "--future"]), canonicalArgv(["--future", "--", "x"]));
  // A boolean flag with =, a flag the pinned CLIs parse differently, a value flag with no value.
  same(["--verbose=true", "hi"], ["--verbose=true", "hi"]);
  same(["--print", "--plugin-dir", "a", "b"], ["-p", "--plugin-dir", "a", "b"]);
  same(["--print", "--model"], ["-p", "--model"]);
  notDeepStrictEqual(canonicalArgv(["--model", "-p"]), canonicalArgv(["-p", "--model"]));
});

Deno.test("canonicalising a canonical form changes nothing", () => {
  const argvs = [
    ["-p", "--output-format", "stream-json", "--verbose", "Say hello"],
    ["x", "--resume", "--future"],
    ["-p", "--model"],
    ["--allowedTools", "a", "b", "-c", "--", "-x"],
    ["hi", "-d", "--future=1", "-x", "--", "y"],
    ["-pr", "--verbose"],
  ];
  for (const argv of argvs) {
    const once = canonicalArgv(argv);
    assertEquals(canonicalArgv(once), once, JSON.stringify(argv));
  }
});

Deno.test("every flag claw passes is known, so claw's own argvs are canonicalised whole", () => {
  const args = buildArgs({
    model: "m",
    fallbackModel: "f",
    permissionMode: "plan",
    systemPrompt: "s",
    appendSystemPrompt: "a",
    tools: ["Read"],
    allowedTools: ["Read"],
    disallowedTools: ["Bash"],
    maxTurns: 2,
    maxBudgetUsd: 1,
    mcpConfig: ["m.json"],
    strictMcpConfig: true,
    jsonSchema: { type: "object" },
    includePartialMessages: true,
    sessionId: "0f7a7c2e-6f1f-4d7b-9a41-1d2c3b4a5f60",
    resume: "r",
    forkSession: true,
    noSessionPersistence: true,
    settingSources: ["user"],
    settings: "{}",
    addDirs: ["d"],
    permissionPromptTool: "stdio",
  });
  const files = buildArgs({
    systemPromptFile: "s.md",
    appendSystemPromptFile: "a.md",
    continue: true,
  });
  for (const argv of [args, files]) {
    const parsed = parseArgv([
      "-p",
      "--output-format=stream-json",
      "--verbose",
      ...argv,
      "--",
      "hi",
    ]);
    assertEquals(parsed.unparsed, [], JSON.stringify(argv));
    assertEquals(parsed.operands, ["hi"]);
  }
});
