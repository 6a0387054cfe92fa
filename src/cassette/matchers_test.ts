import {
  deepStrictEqual as assertEquals,
  match as assertMatch,
  ok,
  rejects as assertRejects,
} from "node:assert";
import { run } from "../session/run.ts";
import { cassetteHeader, parseCassette } from "./cassette.ts";
import { cassetteSpawner } from "./cassette_spawner.ts";
import { argvRefusal, match, matchRulesProblem, stdinChecks } from "./matchers.ts";

const ARGV = ["-p", "--output-format", "stream-json", "--verbose", "--model", "opus"];

Deno.test("an ignored flag's value, or its absence, does not count", async () => {
  const header = await cassetteHeader([...ARGV, "Say hi"]);
  header.match = { ignore: ["--model"] };
  ok(match({ argv: [...ARGV.slice(0, 4), "--model", "sonnet", "Say hi"] }, header));
  ok(match({ argv: [...ARGV.slice(0, 4), "Say hi"] }, header));
  assertMatch(
    argvRefusal([...ARGV.slice(0, 4), "--max-turns", "2", "Say hi"], header)!,
    /recorded .*this run "--max-turns=2" \(with --model ignored\)/,
  );
});

Deno.test("a prompt rule matches the whole prompt and names itself when it refuses", async () => {
  const header = await cassetteHeader([...ARGV, "What happened on 2026-12-07?"]);
  header.match = { prompt: { regex: "What happened on \\d{4}-\\d{2}-\\d{2}\\?" } };
  ok(match({ argv: [...ARGV, "What happened on 2027-01-31?"] }, header));
  const refusal = argvRefusal([...ARGV, "What happened on 2027-01-31? Be brief"], header);
  assertMatch(
    refusal!,
    /regex .* refuses "What happened on 2027-01-31\? Be brief" \(the prompt rule\)/,
  );
  // The rest of the argv still counts.
  assertMatch(argvRefusal(["-p", "What happened on 2027-01-31?"], header)!, /^argv\[0\]/);
});

Deno.test("a flag pattern takes each value of the flag, as many as were recorded", async () => {
  const header = await cassetteHeader([...ARGV, "--append-system-prompt", "Today is Monday", "hi"]);
  header.match = { flags: { "--append-system-prompt": { glob: "Today is *" } } };
  ok(match({ argv: [...ARGV, "--append-system-prompt", "Today is Friday", "hi"] }, header));
  assertMatch(
    argvRefusal([...ARGV, "--append-system-prompt", "Yesterday", "hi"], header)!,
    /glob "Today is \*" refuses "Yesterday" \(the flags rule for --append-system-prompt\)/,
  );
  assertMatch(argvRefusal([...ARGV, "hi"], header)!, /recorded 1 value\(s\), this run 0/);
});

Deno.test("stdin rules check the numbered line, and the prompt rule the first user message", async () => {
  const argv = [
    "-p",
    "--input-format",
    "stream-json",
    "--output-format",
    "stream-json",
    "--verbose",
  ];
  const user = (text: string) =>
    JSON.stringify({ type: "user", message: { role: "user", content: text } });
  const header = await cassetteHeader(argv, { input: "x" });
  header.match = {
    prompt: { glob: "Report for *" },
    stdin: { "1": { regex: '\\{"type":"control_request".*' } },
  };
  const cassette = parseCassette(
    [
      JSON.stringify(header),
      JSON.stringify({ t: 0, stdin: '{"type":"control_request","request_id":"a"}' }),
      JSON.stringify({ t: 0, stdin: user("Report for 2026-12-07") }),
      JSON.stringify({ t: 1, exit: { code: 0, signal: null } }),
    ].join("\n"),
  );
  const checks = stdinChecks(cassette.header, cassette.records);
  assertEquals([...checks.keys()], [0, 1]);
  assertEquals(checks.get(0)!('{"type":"control_request","request_id":"zz"}'), undefined);
  assertEquals(checks.get(1)!(user("Report for 2027-01-31")), undefined);
  assertMatch(
    checks.get(1)!(user("Something else"))!,
    /refuses "Something else" \(the prompt rule\)/,
  );
});

Deno.test("bad rules are named", () => {
  assertMatch(matchRulesProblem({ promt: {} })!, /"promt" is not a rule/);
  assertMatch(matchRulesProblem({ ignore: "--model" })!, /ignore: it must be a list/);
  assertMatch(
    matchRulesProblem({ stdin: { first: { glob: "*" } } })!,
    /"first" is not a line number/,
  );
  assertMatch(matchRulesProblem({ flags: { "--x": { glob: 1 } } })!, /the glob must be a string/);
  assertMatch(matchRulesProblem({ prompt: { regex: "[" } })!, /does not compile/);
});

Deno.test("cassetteSpawner's match option decides instead of the argv, and may call match()", async () => {
  const dir = await Deno.makeTempDir({ prefix: "claw-custom-match-" });
  try {
    for (const name of ["text_simple.ndjson", "tool_read.ndjson"]) {
      await Deno.copyFile(`fixtures/cassettes/2.1.332/${name}`, `${dir}/${name}`);
    }
    const firstWord = (argv: readonly string[]) => argv.at(-1)?.split(" ")[0];
    const spawner = cassetteSpawner({
      dir,
      mode: "replay",
      // The default rules, or else the same first word of the prompt.
      match: (request, header) =>
        match(request, header) || firstWord(request.argv) === firstWord(header.argv),
    });
    assertEquals(await run("Say goodbye", { spawner }).text(), "Hello from the fake API.");
    assertEquals(await run("Say hello", { spawner }).text(), "Hello from the fake API.");
    await assertRejects(
      run("Whisper hello", { spawner }).text(),
      /nearest is "text_simple.ndjson"/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
