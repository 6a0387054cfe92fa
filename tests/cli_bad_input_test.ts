/**
 * Every command of the command table, driven with bad paths and bad values: a missing file, a
 * folder where a file belongs and a file where a folder belongs, an unwritable output under
 * /proc, a bad number. Each refusal is a clear first line on stderr and the documented exit code
 * (2: a usage error, the message then the usage line and where the help is; 1: `error[kind]: …`
 * then a hint), never a stack trace, and nothing is started or written. With `--json` the same
 * refusal is also one JSON error object on stdout, and stderr is unchanged.
 *
 * The cases are keyed by command name and checked against `COMMANDS`: a new command without
 * cases fails here.
 */
import { deepStrictEqual as assertEquals, match, ok } from "node:assert";
import { join } from "node:path";
import { COMMANDS } from "../src/cli/commands.ts";
import { claw, type ClawOutput } from "./_claw.ts";

/** One bad command line and what claw must answer. */
interface Case {
  /** What is wrong with it, for messages. */
  what: string;
  /** The arguments after the command's name. */
  args: string[];
  /** Extra environment. */
  env?: Record<string, string>;
  /** 2 for a usage error, 1 for any other failure. */
  code: 1 | 2;
  /** The first line of stderr. */
  first: RegExp;
  /** Stand-in claudes passed in `args`: none of them may have started. */
  standIns?: StandIn[];
  /** Files that must not exist afterwards (a launcher refused before it was written). */
  unwritten?: string[];
}

/** A stand-in `claude` that only leaves a mark when started. */
interface StandIn {
  cli: string;
  mark: string;
}

/** The files and folders the cases point at, in a temporary folder. */
interface Fixtures {
  dir: string;
  /** A folder (empty). */
  folder: string;
  /** A text file with no JSON line. */
  notes: string;
  /** An empty file. */
  empty: string;
  /** A valid fake API script. */
  script: string;
  /** JSON that is not a fake API script. */
  badScript: string;
  /** A port something else listens on. */
  busyPort: number;
  /** A new stand-in claude. */
  standIn(name: string): Promise<StandIn>;
}

const MISSING = "/nonexistent/claw-bad-input";
const UNWRITABLE = "/proc/nope";

/** The cases of every command: keys must be exactly the command table's names. */
const CASES: Record<string, (fx: Fixtures) => Promise<Case[]>> = {
  async run(fx) {
    const a = await fx.standIn("run-a");
    const b = await fx.standIn("run-b");
    const c = await fx.standIn("run-c");
    const d = await fx.standIn("run-d");
    return [
      {
        what: "a claude that does not exist",
        args: ["--cli", `${MISSING}/claude`, "hi"],
        code: 1,
        first: /^error\[cli_not_found\]: Cannot run "\/nonexistent\/claw-bad-input\/claude"/,
      },
      {
        what: "a folder as claude",
        args: ["--cli", fx.folder, "hi"],
        code: 1,
        first:
          /^error\[cli_not_found\]: Cannot run ".*", the claude given \(cli option, --cli\): it is not an executable/,
      },
      {
        what: "an unwritable --record",
        args: ["--cli", a.cli, "--record", `${UNWRITABLE}/run.ndjson`, "hi"],
        code: 2,
        first: /^Cannot write --record "\/proc\/nope\/run.ndjson": .*: pass a writable path$/,
        standIns: [a],
      },
      {
        what: "a folder as --record",
        args: ["--cli", b.cli, "--record", fx.folder, "hi"],
        code: 2,
        first: /^Cannot write --record ".*": it is a folder: pass the path of a file/,
        standIns: [b],
      },
      {
        what: "a bad number",
        args: ["--max-turns", "many", "hi"],
        code: 2,
        first: /^Invalid --max-turns "many": it must be a number$/,
      },
      {
        what: "a --cwd that does not exist",
        args: ["--cli", c.cli, "--cwd", `${MISSING}/project`, "hi"],
        code: 2,
        first: /^Cannot use --cwd ".*\/project": no such folder: pass an existing folder to run/,
        standIns: [c],
      },
      {
        what: "--settings that are not JSON",
        args: ["--cli", d.cli, "--settings", fx.notes, "hi"],
        code: 2,
        first: /^Invalid --settings ".*notes.txt": it is not JSON \(.*\): fix the file$/,
        standIns: [d],
      },
    ];
  },

  async auth(fx) {
    const a = await fx.standIn("auth-a");
    const config = join(fx.dir, "auth-config");
    await Deno.mkdir(config);
    await Deno.writeTextFile(join(config, ".credentials.json"), '{"claudeAiOauth": {');
    return [
      {
        what: "an unknown subcommand",
        args: ["whoami"],
        code: 2,
        first: /^Unknown subcommand "whoami": use one of status, login, token, logout$/,
      },
      {
        what: "a missing --cwd",
        args: ["status", "--cwd", `${MISSING}/project`],
        code: 2,
        first: /^Cannot use --cwd ".*": no such folder: pass the project folder/,
      },
      {
        what: "a file as --cwd",
        args: ["status", "--cwd", fx.notes],
        code: 2,
        first: /^Cannot use --cwd ".*": it is a file, not a folder/,
      },
      {
        what: "two login modes",
        args: ["login", "--sso", "--console", "--cli", a.cli],
        code: 2,
        first: /^Choose one of --claudeai, --console, --sso, not --console and --sso$/,
        standIns: [a],
      },
      {
        what: "login without a terminal",
        args: ["login", "--cli", a.cli],
        code: 1,
        first: /^error\[auth\]: claw auth login needs a terminal/,
        standIns: [a],
      },
      {
        what: "logout from a malformed credentials file",
        args: ["logout"],
        env: { CLAUDE_CONFIG_DIR: config },
        code: 1,
        first: /^error\[auth\]: Cannot log out from .*: it is not valid JSON; nothing was changed$/,
      },
    ];
  },

  doctor(fx) {
    return Promise.resolve([
      {
        what: "a missing --cwd",
        args: ["--cwd", `${MISSING}/project`],
        code: 2,
        first: /^Cannot use --cwd ".*": no such folder: pass the project folder to check$/,
      },
      {
        what: "a missing --settings file",
        args: ["--settings", `${MISSING}/settings.json`],
        code: 2,
        first: /^Cannot read --settings ".*": no such file: pass a settings file$/,
      },
      {
        what: "a folder as --mcp-config",
        args: ["--mcp-config", fx.folder],
        code: 2,
        first:
          /^Cannot read --mcp-config ".*": it is a folder, not a file: pass an MCP config file$/,
      },
      {
        what: "an argument",
        args: ["now"],
        code: 2,
        first: /^Unexpected "now": claw doctor takes no arguments$/,
      },
    ]);
  },

  async batch(fx) {
    const a = await fx.standIn("batch-a");
    // Synthetic jobs files: a duplicate id, and an unknown field.
    const duplicate = join(fx.dir, "duplicate.jsonl");
    await Deno.writeTextFile(
      duplicate,
      '{"id":"a","prompt":"x"}\n{"id":"b","prompt":"y"}\n{"id":"a","prompt":"z"}\n',
    );
    const unknown = join(fx.dir, "unknown.jsonl");
    await Deno.writeTextFile(unknown, '{"id":"a","prompt":"x","modle":"sonnet"}\n');
    const done = join(fx.dir, "done.jsonl");
    const result = { id: "a", status: "ok", line: 1 };
    await Deno.writeTextFile(done, JSON.stringify(result) + "\n");
    const jobs = join(fx.dir, "one.jsonl");
    await Deno.writeTextFile(jobs, '{"id":"a","prompt":"x"}\n');
    return [
      {
        what: "a duplicate id",
        args: ["run", duplicate, "-o", join(fx.dir, "r1.jsonl"), "--cli", a.cli],
        code: 2,
        first: /duplicate\.jsonl:3: duplicate id "a" \(first on line 1\)$/,
        standIns: [a],
      },
      {
        what: "an unknown field",
        args: ["run", unknown, "-o", join(fx.dir, "r2.jsonl"), "--cli", a.cli],
        code: 2,
        first: /unknown\.jsonl:1: .*"modle".*"model"/,
        standIns: [a],
      },
      {
        what: "a missing jobs file",
        args: ["run", `${MISSING}/jobs.jsonl`, "-o", join(fx.dir, "r3.jsonl")],
        code: 2,
        first: /^Cannot read ".*jobs.jsonl": no such file: pass a JOBS file/,
      },
      {
        what: "an output that already holds results, without --resume",
        args: ["run", jobs, "-o", done, "--cli", a.cli],
        code: 2,
        first: /^Cannot write -o ".*done.jsonl": it already holds 1 results: pass --resume/,
        standIns: [a],
      },
      {
        what: "a bad --concurrency",
        args: ["run", jobs, "-o", join(fx.dir, "r4.jsonl"), "--concurrency", "0"],
        code: 2,
        first: /^Invalid --concurrency "0": it must be a whole number of at least 1$/,
      },
      {
        what: "a bad --shard",
        args: ["run", jobs, "-o", join(fx.dir, "r5.jsonl"), "--shard", "4/3"],
        code: 2,
        first: /^Invalid --shard "4\/3"/,
      },
      {
        what: "merge without --jobs",
        args: ["merge", done, "-o", join(fx.dir, "all.jsonl")],
        code: 2,
        first: /^Missing --jobs FILE/,
      },
    ];
  },

  session(fx) {
    return Promise.resolve([
      {
        what: "an unknown session id",
        args: ["show", "00000000-0000-4000-8000-000000000000"],
        env: { CLAUDE_CONFIG_DIR: fx.folder },
        code: 1,
        first: /^error\[session_not_found\]: /,
      },
      {
        what: "a missing --cwd",
        args: ["list", "--cwd", `${MISSING}/project`],
        code: 2,
        first: /--cwd/,
      },
      {
        what: "a folder as -o",
        args: ["export", "00000000-0000-4000-8000-000000000000", "--format", "md", "-o", fx.folder],
        code: 2,
        first: /it is a folder/,
      },
      {
        what: "a bad --format",
        args: ["export", "00000000-0000-4000-8000-000000000000", "--format", "pdf"],
        code: 2,
        first: /--format "pdf"/,
      },
      {
        what: "a rename of an unknown session",
        args: ["rename", "00000000-0000-4000-8000-000000000000", "Title"],
        env: { CLAUDE_CONFIG_DIR: fx.folder },
        code: 1,
        first: /^error\[session_not_found\]: /,
      },
      {
        what: "a file as --cwd of an archive",
        args: ["archive", "00000000-0000-4000-8000-000000000000", "--cwd", fx.notes],
        code: 2,
        first: /^Cannot use --cwd ".*notes.txt": it is a file, not a folder/,
      },
      {
        what: "a delete without --yes off a terminal",
        args: ["delete", "00000000-0000-4000-8000-000000000000"],
        env: { CLAUDE_CONFIG_DIR: fx.folder },
        code: 2,
        first:
          /^claw session delete needs --yes when stdin is not a terminal: nothing was deleted$/,
      },
    ]);
  },

  inspect(fx) {
    return Promise.resolve([
      {
        what: "a missing file",
        args: [`${MISSING}/run.ndjson`],
        code: 2,
        first: /^Cannot read "\/nonexistent\/claw-bad-input\/run.ndjson": no such file: pass /,
      },
      {
        what: "a folder",
        args: [fx.folder],
        code: 2,
        first: /^Cannot read ".*": it is a folder, not a file: pass a transcript or a cassette/,
      },
      {
        what: "a file with no JSON line",
        args: [fx.notes],
        code: 1,
        first:
          /^error\[protocol\]: ".*notes.txt" is not a transcript: no line of it is JSON \(3 lines read\)$/,
      },
      {
        what: "an empty file",
        args: [fx.empty],
        code: 1,
        first: /^error\[protocol\]: ".*empty.ndjson" is not a transcript: it is empty$/,
      },
      {
        what: "two files",
        args: [fx.notes, fx.empty],
        code: 2,
        first: /^Expected one FILE, got 2$/,
      },
    ]);
  },

  report(fx) {
    return Promise.resolve([
      {
        what: "a missing input",
        args: [`${MISSING}/run.ndjson`],
        code: 2,
        first:
          /^Cannot read "\/nonexistent\/claw-bad-input\/run.ndjson": no such file or folder, and not a session id$/,
      },
      {
        what: "a file it cannot tell",
        args: [fx.notes, "-o", join(fx.dir, "notes.html")],
        code: 2,
        first: /^Cannot tell what ".*notes.txt" is: give a stream-json transcript, a cassette, /,
      },
      {
        what: "inputs that make no one report",
        args: [fx.folder, fx.folder, "-o", join(fx.dir, "two.html")],
        code: 2,
        first: /^Cannot make one report of .* \(a folder\), .* \(a folder\): give one transcript/,
      },
      {
        what: "an unwritable --output, before any input is read",
        args: [`${MISSING}/run.ndjson`, "-o", `${UNWRITABLE}/report.html`],
        code: 2,
        first: /^Cannot write --output "\/proc\/nope\/report.html": .*: pass a writable path$/,
      },
      {
        what: "no input",
        args: [],
        code: 2,
        first: /^Give claw report an input: /,
      },
    ]);
  },

  async record(fx) {
    const [a, b, c] = await Promise.all(["a", "b", "c"].map((n) => fx.standIn(`record-${n}`)));
    const output = join(fx.dir, "recorded", "run.ndjson");
    return [
      {
        what: "an unwritable -o",
        args: ["-o", `${UNWRITABLE}/x.ndjson`, "--cli", a!.cli, "--", "-p", "hi"],
        code: 2,
        first: /^Cannot write -o "\/proc\/nope\/x.ndjson": .*: pass a writable path$/,
        standIns: [a!],
      },
      {
        what: "a folder as -o",
        args: ["-o", fx.folder, "--cli", b!.cli, "--", "-p", "hi"],
        code: 2,
        first: /^Cannot write -o ".*": it is a folder: pass the path of a file/,
        standIns: [b!],
      },
      {
        what: "an unwritable -o and a claude that does not exist: the path is checked first",
        args: ["-o", `${UNWRITABLE}/x.ndjson`, "--cli", `${MISSING}/claude`, "--", "-p", "hi"],
        code: 2,
        first: /^Cannot write -o "\/proc\/nope\/x.ndjson"/,
      },
      {
        what: "a claude that does not exist",
        args: ["-o", output, "--cli", `${MISSING}/claude`, "--", "-p", "hi"],
        code: 1,
        first:
          /^error\[cli_not_found\]: Cannot run ".*", the claude given \(cli option, --cli\): it is not an executable/,
        unwritten: [output],
      },
      {
        what: "a folder as claude",
        args: ["-o", output, "--cli", fx.folder, "--", "-p", "hi"],
        code: 1,
        first: /^error\[cli_not_found\]: Cannot run ".*", the claude given \(cli option, --cli\)/,
        unwritten: [output],
      },
      {
        what: "no claude arguments",
        args: ["-o", output, "--cli", c!.cli, "--"],
        code: 2,
        first: /^Missing the claude arguments after --$/,
        standIns: [c!],
      },
    ];
  },

  cassette(fx) {
    const demo = new URL("../fixtures/demo/demo.ndjson", import.meta.url).pathname;
    return Promise.resolve([
      {
        what: "an unknown subcommand",
        args: ["matches", demo],
        code: 2,
        first: /^Unknown subcommand "matches": use match, usage, refresh$/,
      },
      {
        what: "match: a cassette that does not exist",
        args: ["match", MISSING, "--times", "1"],
        code: 2,
        first: /^Cannot read "\/nonexistent\/claw-bad-input": no such file/,
      },
      {
        what: "match: a file that is not a cassette",
        args: ["match", fx.notes, "--times", "1"],
        code: 2,
        first: /^Cannot read cassette ".*notes.txt": line 1 is not JSON/,
      },
      {
        what: "match: a regex that does not compile, refused before the file is written",
        args: ["match", demo, "--prompt-regex", "(unclosed"],
        code: 2,
        first: /^Invalid rule: prompt: the regex "\(unclosed" does not compile/,
      },
      {
        what: "match: a times that is not a number",
        args: ["match", demo, "--times", "twice"],
        code: 2,
        first: /^Invalid --times "twice": it must be a whole number$/,
      },
      {
        what: "usage: no --cassettes",
        args: ["usage", fx.empty],
        code: 2,
        first: /^Missing --cassettes DIR: name the folder of cassettes the log is about$/,
      },
      {
        what: "usage: a --cassettes folder that does not exist",
        args: ["usage", fx.empty, "--cassettes", MISSING],
        code: 2,
        first: /^Cannot use --cassettes "\/nonexistent\/claw-bad-input": no such folder/,
      },
      {
        what: "usage: a log that does not exist",
        args: ["usage", MISSING, "--cassettes", fx.folder],
        code: 2,
        first: /^Cannot read "\/nonexistent\/claw-bad-input": no such file/,
      },
    ]);
  },
  replay(fx) {
    const bin = join(fx.dir, "bin", "claude");
    const write = ["--write-bin", bin];
    const fresh = join(fx.dir, "new cassettes");
    return Promise.resolve([
      {
        what: "a --cassettes folder that does not exist",
        args: ["--cassettes", MISSING, ...write],
        code: 2,
        first: /^Cannot use --cassettes "\/nonexistent\/claw-bad-input": no such folder: pass /,
        unwritten: [bin],
      },
      {
        what: "a file as --cassettes",
        args: ["--cassettes", fx.notes, ...write],
        code: 2,
        first: /^Cannot use --cassettes ".*notes.txt": it is a file, not a folder: pass /,
        unwritten: [bin],
      },
      {
        what: "a --cassettes folder that does not exist, for a direct run: not a cassette miss",
        args: ["--cassettes", MISSING, "--", "-p", "hi"],
        code: 2,
        first: /^Cannot use --cassettes "\/nonexistent\/claw-bad-input": no such folder/,
      },
      {
        what: "an unwritable --write-bin",
        args: ["--cassettes", fx.folder, "--write-bin", `${UNWRITABLE}/claude`],
        code: 2,
        first: /^Cannot write --write-bin "\/proc\/nope\/claude": .*: pass a writable path$/,
      },
      {
        what: "a folder as --write-bin",
        args: ["--cassettes", fx.folder, "--write-bin", fx.folder],
        code: 2,
        first: /^Cannot write --write-bin ".*": it is a folder/,
      },
      {
        what: "a bad --fault: refused before the launcher is written",
        args: ["--cassettes", fx.folder, "--fault", "crash-after:soon", ...write],
        code: 2,
        first: /^Invalid fault "crash-after:soon" in --fault: N must be a whole number >= 0: use /,
        unwritten: [bin],
      },
      {
        what: "record mode without a real claude",
        args: ["--cassettes", fx.folder, "--mode", "record", ...write],
        code: 2,
        first: /^--mode record runs the real CLI: pass --real-claude PATH/,
        unwritten: [bin],
      },
      {
        what: "a real claude that does not exist: refused before the auto-mode folder is made",
        args: ["--cassettes", fresh, "--mode", "auto", "--real-claude", MISSING, ...write],
        code: 1,
        first: /^error\[cli_not_found\]: Cannot run ".*" given with --real-claude/,
        unwritten: [bin, fresh],
      },
      {
        what: "a bad timing",
        args: ["--cassettes", fx.folder, "--timing", "fast", ...write],
        code: 2,
        first: /^Invalid replay timing "fast": use instant, recorded, or a factor/,
        unwritten: [bin],
      },
    ]);
  },

  "fake-api"(fx) {
    return Promise.resolve([
      {
        what: "a missing script",
        args: ["--script", `${MISSING}/script.json`],
        code: 2,
        first: /^Cannot read --script ".*": no such file: pass a JSON script of replies/,
      },
      {
        what: "a folder as the script",
        args: ["--script", fx.folder],
        code: 2,
        first: /^Cannot read --script ".*": it is a folder, not a file/,
      },
      {
        what: "a script that is not JSON",
        args: ["--script", fx.notes],
        code: 2,
        first: /^Invalid --script ".*notes.txt": it is not JSON \(.*\): pass a JSON script/,
      },
      {
        what: "JSON that is not a script",
        args: ["--script", fx.badScript],
        code: 2,
        first: /^Invalid --script ".*": Invalid fake API script: replies must be an array/,
      },
      {
        what: "a bad port number",
        args: ["--script", fx.script, "--port", "seventy"],
        code: 2,
        first: /^Invalid --port "seventy": it must be a whole number from 0 to 65535/,
      },
      {
        what: "a port out of range",
        args: ["--script", fx.script, "--port", "70000"],
        code: 2,
        first: /^Invalid --port "70000"/,
      },
      {
        what: "a port in use",
        args: ["--script", fx.script, "--port", String(fx.busyPort)],
        code: 2,
        first: new RegExp(`^Cannot listen on --port ${fx.busyPort}: .*: pass another port`),
      },
    ]);
  },

  // The fake claude answers like claude: one line, exit 1 (its stderr is read as a claude's).
  "fake-claude"(fx) {
    const replay = { CLAW_CASSETTE_MODE: "replay" };
    return Promise.resolve([
      {
        what: "no cassettes folder",
        args: ["-p", "hi"],
        env: { ...replay, CLAW_CASSETTES: "" },
        code: 1,
        first: /^claw fake-claude: CLAW_CASSETTES is not set: point it at the folder/,
      },
      {
        what: "a cassettes folder that does not exist: not a cassette miss",
        args: ["-p", "hi"],
        env: { ...replay, CLAW_CASSETTES: MISSING },
        code: 1,
        first: /^claw fake-claude: CLAW_CASSETTES ".*" does not exist: point it at the folder/,
      },
      {
        what: "a file as the cassettes folder",
        args: ["-p", "hi"],
        env: { ...replay, CLAW_CASSETTES: fx.notes },
        code: 1,
        first: /^claw fake-claude: CLAW_CASSETTES ".*" is a file, not a folder/,
      },
      {
        what: "a bad mode",
        args: ["-p", "hi"],
        env: { CLAW_CASSETTES: fx.folder, CLAW_CASSETTE_MODE: "replya" },
        code: 1,
        first: /^claw fake-claude: Invalid CLAW_CASSETTE_MODE "replya"/,
      },
      {
        what: "a bad timing",
        args: ["-p", "hi"],
        env: { ...replay, CLAW_CASSETTES: fx.folder, CLAW_CASSETTE_TIMING: "fast" },
        code: 1,
        first: /^claw fake-claude: Invalid replay timing "fast"/,
      },
      {
        what: "record mode without the real claude: not a PATH search that finds itself",
        args: ["-p", "hi"],
        env: { CLAW_CASSETTES: fx.folder, CLAW_CASSETTE_MODE: "record", CLAW_REAL_CLAUDE: "" },
        code: 1,
        first:
          /^claw fake-claude: CLAW_CASSETTE_MODE=record runs the real CLI, but CLAW_REAL_CLAUDE is not set/,
      },
      {
        what: "a real claude that is not executable",
        args: ["-p", "hi"],
        env: { CLAW_CASSETTES: fx.folder, CLAW_CASSETTE_MODE: "auto", CLAW_REAL_CLAUDE: fx.notes },
        code: 1,
        first: /^claw fake-claude: Cannot run ".*" from CLAW_REAL_CLAUDE: it is not an executable/,
      },
    ]);
  },
};

Deno.test("every command in the command table has bad-input cases, and only those", () => {
  assertEquals(Object.keys(CASES).sort(), COMMANDS.map((command) => command.name).sort());
});

for (const command of COMMANDS) {
  Deno.test(`claw ${command.name} refuses bad paths and values in one clear line, with the right exit code and no stack trace`, async () => {
    const cases = CASES[command.name];
    ok(cases, `no bad-input cases for claw ${command.name}: add them to CASES`);
    await withFixtures(async (fx) => {
      const all = await cases(fx);
      ok(all.length >= 3, `claw ${command.name}: too few cases`);
      await Promise.all(all.map(async (c) => {
        const label = `claw ${command.name} with ${c.what}`;
        const plain = await claw([command.name, ...c.args], c.env ? { env: c.env } : {});
        checkRefusal(command.name, c, plain, label);
        assertEquals(plain.stdout, "", `${label}: stdout`);
        if (command.json === "--json") {
          const json = await claw([command.name, "--json", ...c.args], c.env ? { env: c.env } : {});
          checkRefusal(command.name, c, json, `${label} --json`);
          assertEquals(json.stderr, plain.stderr, `${label}: --json changes only stdout`);
          checkErrorJson(json.stdout, c, plain.stderr, label);
        }
        for (const standIn of c.standIns ?? []) {
          assertEquals(await exists(standIn.mark), false, `${label}: claude was started`);
        }
        for (const path of c.unwritten ?? []) {
          assertEquals(await exists(path), false, `${label}: "${path}" was written`);
        }
      }));
    });
  });
}

function checkRefusal(name: string, c: Case, out: ClawOutput, label: string): void {
  assertEquals(out.code, c.code, `${label}: exit code\n${out.stderr}`);
  const lines = out.stderr.split("\n");
  ok(!lines.some((line) => /^\s+at /.test(line)), `${label}: a stack trace\n${out.stderr}`);
  ok(!/Uncaught|error: Uncaught/.test(out.stderr), `${label}: uncaught\n${out.stderr}`);
  match(lines[0]!, c.first, `${label}: first line`);
  if (c.code === 2) {
    // The message, then one usage form (a long one wraps) and where the help is: not the help.
    const usage =
      `^[^\\n]+\\n\\nUsage: claw ${name}[^\\n]*(\\n {6,}[^\\n]+)?\\nSee claw help ${name} `;
    match(out.stderr, new RegExp(`${usage}[^\\n]+\\n$`), `${label}: usage follows`);
  } else if (!name.startsWith("fake-claude")) {
    match(out.stderr, /^error\[[a-z_]+\]: [^\n]+\nhint: \S/, `${label}: kind and hint`);
  }
}

/** The JSON error object on stdout: the stable shape, and the same message as stderr. */
function checkErrorJson(stdout: string, c: Case, stderr: string, label: string): void {
  const lines = stdout.split("\n");
  assertEquals([lines.length, lines[1]], [2, ""], `${label}: one JSON line on stdout`);
  const { error, ...rest } = JSON.parse(lines[0]!);
  assertEquals(rest, {}, label);
  assertEquals(Object.keys(error), [
    "kind",
    "message",
    "hint",
    "request_id",
    "session_id",
    "exit_code",
    "signal",
    "stderr_tail",
  ]);
  const first = stderr.split("\n", 1)[0]!;
  if (c.code === 2) {
    assertEquals([error.kind, error.message], ["usage", first], label);
  } else {
    assertEquals(`error[${error.kind}]: ${error.message}`, first, label);
  }
  ok(typeof error.hint === "string" && error.hint.length > 0, `${label}: a hint`);
}

async function withFixtures(fn: (fx: Fixtures) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "claw-bad-input-" });
  using busy = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    const folder = join(dir, "folder");
    await Deno.mkdir(folder);
    const file = async (name: string, text: string) => {
      await Deno.writeTextFile(join(dir, name), text);
      return join(dir, name);
    };
    await fn({
      dir,
      folder,
      notes: await file("notes.txt", "# Notes\n\nNot a transcript at all.\n"),
      empty: await file("empty.ndjson", ""),
      script: await file("script.json", '{"replies":[]}'),
      badScript: await file("bad_script.json", '{"replies":"none"}'),
      busyPort: busy.addr.port,
      async standIn(name) {
        await Deno.mkdir(join(dir, name));
        const cli = join(dir, name, "claude");
        const mark = join(dir, name, "started");
        await Deno.writeTextFile(cli, `#!/bin/sh\ntouch '${mark}'\n`, { mode: 0o755 });
        return { cli, mark };
      },
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function exists(path: string): Promise<boolean> {
  return Deno.stat(path).then(() => true, () => false);
}
