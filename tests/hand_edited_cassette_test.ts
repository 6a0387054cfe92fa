/**
 * Hand-edited cassettes that would hang or crash a replay are refused when they are read, naming
 * the file and the line, by every replay path: the reader, the in-process spawners, and the fake
 * `claude` (`claw replay -- ARGS` and the launcher `claw replay --write-bin` writes).
 *
 * The malformed cassettes are SYNTHETIC: each is made here, by code, from the recorded
 * `fixtures/cassettes/2.1.332/stream_input_turns.ndjson` (three stdin turns, then the end of
 * stdin and the exit) with one edit, and written to a temporary folder as
 * `synthetic-<case>.ndjson`. None is a recording.
 */
import { deepStrictEqual as assertEquals, match, ok, rejects } from "node:assert";
import { join } from "node:path";
import { CassetteFormatError, readCassetteFile } from "../src/cassette/cassette.ts";
import { cassetteSpawner } from "../src/cassette/cassette_spawner.ts";
import { replaySpawner } from "../src/cassette/testing.ts";
import { writeFakeClaude } from "../src/cassette/fake_claude.ts";
import type { Spawner } from "../src/process/spawn.ts";
import { LineStream } from "../src/protocol/line_stream.ts";

const RECORDED = new URL(
  "../fixtures/cassettes/2.1.332/stream_input_turns.ndjson",
  import.meta.url,
);

/**
 * The recorded cassette's lines, numbered as in the file: 1 the header, 2 a stdin line, 3–5
 * stdout, 6 stdin, 7–9 stdout, 10 stdin, 11–13 stdout, 14 the end of stdin, 15 the exit.
 */
const LINES = (await Deno.readTextFile(RECORDED)).trimEnd().split("\n");
const line = (n: number) => LINES[n - 1]!;
const record = (n: number) => JSON.parse(line(n)) as Record<string, unknown>;
/** The recorded record on line `n` with `fields` changed (a field set to `undefined` goes). */
const edited = (n: number, fields: Record<string, unknown>) =>
  JSON.stringify({ ...record(n), ...fields });

/** One synthetic edit of the recording: the lines it makes, the line to blame, what is said. */
interface Edit {
  name: string;
  lines: () => string[];
  lineNumber: number;
  says: RegExp;
}

/** `lines` with `inserted` put before the line numbered `before` (1-based). */
const insert = (before: number, ...inserted: string[]) => [
  ...LINES.slice(0, before - 1),
  ...inserted,
  ...LINES.slice(before - 1),
];
const replace = (n: number, by: string) => LINES.map((text, i) => i === n - 1 ? by : text);

/** The three the issue names: each hung (or crashed) a replay before it was refused. */
const HANGS: Edit[] = [
  {
    name: "a kill record of an unknown signal",
    lines: () => insert(3, JSON.stringify({ t: 14.3, kill: "SIGFOO" })),
    lineNumber: 3,
    says:
      /line 3 is a "kill" of "SIGFOO", not a signal name such as "SIGTERM": a replay would wait for a signal no host can send/,
  },
  {
    name: "a stdin line after the end of stdin",
    lines: () => insert(15, edited(10, { t: 958.4 })),
    lineNumber: 15,
    says:
      /line 15 is a "stdin" line after the end of stdin \(line 14\): a replay would wait for it forever/,
  },
  {
    name: "a stdout_raw that is not a string",
    lines: () => replace(4, JSON.stringify({ t: record(4).t, stdout_raw: record(4).stdout })),
    lineNumber: 4,
    says:
      /line 4 has a "stdout_raw" that is not a string \(\{"type":"assistant",.*…\): it holds the line's text/,
  },
];

/** The other fields the reader took unchecked, that could hang or crash a replay the same way. */
const OTHERS: Edit[] = [
  {
    name: "a time that is not finite",
    lines: () => replace(3, line(3).replace(/^\{"t":[0-9.]+,/, '{"t":1e999,')),
    lineNumber: 3,
    says: /line 3 has the time "t" Infinity: it must be a finite number of milliseconds, 0 or more/,
  },
  {
    name: "a time that is not a number",
    lines: () => replace(3, edited(3, { t: "725.6" })),
    lineNumber: 3,
    says: /line 3 has the time "t" "725.6": it must be a finite number/,
  },
  {
    name: "no exit record",
    lines: () => LINES.slice(0, -1),
    lineNumber: 14,
    says: /it ends at line 14 without the "exit" record: the run's end is missing/,
  },
  {
    name: "a record after the exit",
    lines: () => [...LINES, edited(13, { t: 1001.5 })],
    lineNumber: 16,
    says: /line 16 comes after the "exit" record \(line 15\), which must be the last/,
  },
  {
    name: "an exit without a whole-number code",
    lines: () => replace(15, edited(15, { exit: { code: "0", signal: null } })),
    lineNumber: 15,
    says: /line 15 has the "exit" \{"code":"0","signal":null\}: it needs a whole number "code"/,
  },
  {
    name: "an exit of an unknown signal",
    lines: () => replace(15, edited(15, { exit: { code: 143, signal: "TERM" } })),
    lineNumber: 15,
    says: /line 15 has the "exit" .*a "signal" that is null or a signal name/,
  },
  {
    name: "a second end of stdin",
    lines: () => insert(15, line(14)),
    lineNumber: 15,
    says: /line 15 ends stdin again \(it ended on line 14\)/,
  },
  {
    name: "a stdin line that is not a string",
    lines: () => replace(2, edited(2, { stdin: JSON.parse(String(record(2).stdin)) })),
    lineNumber: 2,
    says: /line 2 has a "stdin" that is not a string/,
  },
  {
    name: "a stderr line that is not a string",
    lines: () => insert(3, JSON.stringify({ t: 20, stderr: ["warning"] })),
    lineNumber: 3,
    says: /line 3 has a "stderr" that is not a string \(\["warning"\]\)/,
  },
  {
    name: "a stdout that is not an object",
    lines: () => replace(3, edited(3, { stdout: "hello" })),
    lineNumber: 3,
    says:
      /line 3 has a "stdout" that is not a JSON object \("hello"\): other output is kept as text in "stdout_raw"/,
  },
  {
    name: "stdin_eof that is not true",
    lines: () => replace(14, edited(14, { stdin_eof: false })),
    lineNumber: 14,
    says: /line 14 has "stdin_eof" false: it is only ever true/,
  },
  {
    name: "eol that is not false",
    lines: () => replace(4, JSON.stringify({ t: record(4).t, stdout_raw: "text", eol: true })),
    lineNumber: 4,
    says: /line 4 has "eol" true: only a "stdout_raw", "stderr" or "stdin" line has it/,
  },
  {
    name: "a record of no kind",
    lines: () => replace(3, JSON.stringify({ t: record(3).t, stdot: record(3).stdout })),
    lineNumber: 3,
    says: /line 3 has no record kind: a record has one of "stdout", "stdout_raw", "stderr"/,
  },
  {
    name: "a record of two kinds",
    lines: () => replace(3, edited(3, { stderr: "also" })),
    lineNumber: 3,
    says: /line 3 has "stdout" and "stderr": a record has only one of them/,
  },
];

/** Writes the synthetic cassette of `edit` alone in a new folder under `root`; returns its path. */
async function writeSynthetic(root: string, edit: Edit): Promise<string> {
  const slug = edit.name.replace(/[^a-z0-9]+/gi, "-").toLowerCase();
  const dir = join(root, slug);
  await Deno.mkdir(dir);
  const path = join(dir, `synthetic-${slug}.ndjson`);
  await Deno.writeTextFile(path, edit.lines().join("\n") + "\n");
  return path;
}

/** Whether `error` is the refusal `edit` calls for, of the cassette at `path`. */
function refuses(edit: Edit, path: string) {
  return (error: unknown) => {
    ok(error instanceof CassetteFormatError, `${edit.name}: ${error}`);
    assertEquals([error.source, error.lineNumber], [path, edit.lineNumber], edit.name);
    ok(error.message.startsWith(`Cannot read cassette "${path}": `), error.message);
    match(error.message, edit.says);
    match(error.message, /; re-record it with claw record$/);
    return true;
  };
}

async function withRoot(fn: (root: string) => Promise<void>): Promise<void> {
  const root = await Deno.makeTempDir({ prefix: "claw-hand-edited-" });
  try {
    await fn(root);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

const ARGV = JSON.parse(line(1)).argv as string[];
const PROMPTS = [2, 6, 10].map((n) => String(record(n).stdin));

Deno.test("the synthetic edits start from a cassette every replay path reads", async () => {
  const cassette = await readCassetteFile(RECORDED);
  assertEquals(cassette.records.length, LINES.length - 1);
  assertEquals(Object.keys(cassette.records.at(-1)!), ["t", "exit"]);
});

Deno.test("a hand-edited cassette that would hang or crash a replay is refused when it is read, naming the line", () =>
  withRoot(async (root) => {
    for (const edit of [...HANGS, ...OTHERS]) {
      const path = await writeSynthetic(root, edit);
      await rejects(readCassetteFile(path), refuses(edit, path));
    }
  }));

/** How a replay served the client: refused up front, ended, crashed, or still going at the deadline. */
type Outcome =
  | { refused: unknown }
  | { ended: number }
  | { crashed: unknown }
  | { hung: string };

/** A replayed process, in-process or a child: what the client needs of it. */
interface Replayed {
  stdin: WritableStream<Uint8Array>;
  stdout: ReadableStream<Uint8Array>;
  status: Promise<{ code: number }>;
}

const DEADLINE_MS = 10_000;

/**
 * Plays the recorded client against `replayed` as a session does: a prompt, then the next one
 * once that turn's `result` is in, and stdin closed after the last result. Says how it ended;
 * `stop` ends a replay that is still going at the deadline.
 */
async function playClient(replayed: Replayed, stop: () => void): Promise<Outcome> {
  const writer = replayed.stdin.getWriter();
  const send = (text: string) =>
    writer.write(new TextEncoder().encode(`${text}\n`)).catch(() => {});
  let turn = 0;
  const talk = async (): Promise<Outcome> => {
    await send(PROMPTS[turn++]!);
    for await (const { text } of replayed.stdout.pipeThrough(new LineStream())) {
      if (!text.includes('"type":"result"')) continue;
      if (turn < PROMPTS.length) await send(PROMPTS[turn++]!);
      else await writer.close().catch(() => {});
    }
    return { ended: (await replayed.status).code };
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<Outcome>((resolve) =>
    timer = setTimeout(
      () => resolve({ hung: `still waiting after ${DEADLINE_MS} ms, in turn ${turn}` }),
      DEADLINE_MS,
    )
  );
  const crash = replayed.status.then(
    () => new Promise<never>(() => {}),
    (crashed) => ({ crashed }),
  );
  try {
    const outcome = await Promise.race([talk().catch((crashed) => ({ crashed })), crash, deadline]);
    if ("hung" in outcome) stop();
    return outcome;
  } finally {
    clearTimeout(timer);
  }
}

/** Starts a run of the recorded argv through `spawner` and plays the client against it. */
async function inProcess(spawner: Spawner, cwd: string): Promise<Outcome> {
  let replayed;
  try {
    replayed = await spawner({ command: "claude", args: ARGV, env: {}, cwd });
  } catch (refused) {
    return { refused };
  }
  const outcome = await playClient(replayed, () => replayed.kill("SIGKILL"));
  await replayed.status.catch(() => {});
  return outcome;
}

/** An outcome in words: `refused: line N` for the refusal `edit` calls for, else what happened. */
function told(edit: Edit, path: string, outcome: Outcome & { stderr?: string }): string {
  if ("refused" in outcome) {
    refuses(edit, path)(outcome.refused);
    return `refused: line ${edit.lineNumber}`;
  }
  if ("ended" in outcome && outcome.ended === 1 && outcome.stderr !== undefined) {
    const refusal = `claw fake-claude: Cannot read cassette "${path}": line ${edit.lineNumber} `;
    if (outcome.stderr.startsWith(refusal) && edit.says.test(outcome.stderr)) {
      assertEquals(outcome.stderr.split("\n").length, 2, `one line: ${outcome.stderr}`);
      return `refused: line ${edit.lineNumber}`;
    }
  }
  if ("crashed" in outcome) return `crashed: ${outcome.crashed}`;
  return Deno.inspect(outcome);
}

Deno.test("in-process replay refuses a hand-edited cassette that hung or crashed it: a kill of an unknown signal, stdin after its end, a stdout_raw that is not text", () =>
  withRoot(async (root) => {
    const seen: string[] = [];
    const expected: string[] = [];
    for (const edit of HANGS) {
      const path = await writeSynthetic(root, edit);
      const spawners = {
        cassetteSpawner: cassetteSpawner({ dir: join(path, ".."), mode: "replay" }),
        replaySpawner: replaySpawner(path),
      };
      for (const [name, spawner] of Object.entries(spawners)) {
        seen.push(`${edit.name}, ${name}: ${told(edit, path, await inProcess(spawner, root))}`);
        expected.push(`${edit.name}, ${name}: refused: line ${edit.lineNumber}`);
      }
    }
    assertEquals(seen, expected);
  }));

/** Runs `command ARGS` as the fake claude and plays the client against it; stderr is kept. */
async function asChild(command: string, args: string[]): Promise<Outcome & { stderr: string }> {
  const child = new Deno.Command(command, {
    args,
    env: { NO_COLOR: "1", CLAW_DENO: Deno.execPath() },
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stderr = new Response(child.stderr).text();
  const outcome = await playClient(child, () => child.kill("SIGKILL"));
  await child.status;
  return { ...outcome, stderr: await stderr };
}

Deno.test("the fake claude refuses a hand-edited cassette that hung or crashed it in one line, exit 1: claw replay -- ARGS and the launcher, which --write-bin refuses to write", () =>
  withRoot(async (root) => {
    const main = new URL("../main.ts", import.meta.url).pathname;
    const seen: string[] = [];
    const expected: string[] = [];
    const writeBin: string[] = [];
    for (const edit of HANGS) {
      const path = await writeSynthetic(root, edit);
      const dir = join(path, "..");
      // A launcher written before the cassette was edited refuses it when a run picks it.
      const claude = join(root, "bin", "claude");
      await writeFakeClaude(claude, { cassettes: dir });
      const runs = {
        "claw replay -- ARGS": () =>
          asChild(Deno.execPath(), [
            "run",
            "-A",
            main,
            "replay",
            "--cassettes",
            dir,
            "--",
            ...ARGV,
          ]),
        "the launcher": () => asChild(claude, ARGV),
      };
      for (const [how, start] of Object.entries(runs)) {
        seen.push(`${edit.name}, ${how}: ${told(edit, path, await start())}`);
        expected.push(`${edit.name}, ${how}: refused: line ${edit.lineNumber}`);
      }

      // Writing a launcher for the folder refuses it up front: a usage error naming the line.
      const written = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", main, "replay", "--cassettes", dir, "--write-bin", `${claude}2`],
        env: { NO_COLOR: "1" },
      }).output();
      const stderr = new TextDecoder().decode(written.stderr);
      writeBin.push(
        written.code === 2 &&
          stderr.startsWith(
            `Cannot use --cassettes "${dir}": Cannot read cassette "${path}": line ${edit.lineNumber} `,
          )
          ? `refused: line ${edit.lineNumber}`
          : `exit ${written.code}: ${stderr}`,
      );
    }
    assertEquals(seen, expected);
    assertEquals(writeBin, HANGS.map((edit) => `refused: line ${edit.lineNumber}`));
  }));
