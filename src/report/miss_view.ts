/**
 * What a replay-miss report shows: the run's request beside the nearest cassette's, argv entry by
 * argv entry (canonical form, aligned so that a flag only one side has does not shift the rest),
 * and the nearest cassette's input lines, with what differs marked. The request comes from a usage
 * log's `missed` line (its whole argv), or from the miss message itself, which names the nearest
 * cassette and how the run differed from it.
 *
 * @module
 */
import { join, resolve } from "node:path";
import { canonicalArgv } from "../cassette/canonical_argv.ts";
import { readCassetteFile } from "../cassette/cassette.ts";
import { messageOf } from "../errors/message_of.ts";

/** One row of the side-by-side argv: a recorded entry, the run's, or both when they agree. */
export interface ArgvRow {
  /** The cassette's entry, or `null` where only the run has one. */
  recorded: string | null;
  /** The run's entry, or `null` where only the cassette has one. */
  run: string | null;
  /** Whether the two sides differ here. */
  differs: boolean;
}

/** Everything a miss report shows. */
export interface MissView {
  /** The miss message, as printed. */
  message: string;
  /** The folder of cassettes the run looked in. */
  dir: string | null;
  /** The run's matching key. */
  key: string | null;
  /** The nearest cassette, relative to the folder. */
  nearest: string | null;
  /** What the message says differs. */
  difference: string | null;
  /** Whether the run's argv is whole (from a usage log) or rebuilt from the message. */
  argvSource: "usage log" | "miss message" | "none";
  /** The argv side by side; empty when the nearest cassette cannot be read. */
  argv: ArgvRow[];
  /** The nearest cassette's input lines (stdin), with the one the message names marked. */
  input: { line: string; differs: boolean }[];
  /** Why the nearest cassette could not be read, when it could not. */
  problem: string | null;
}

const MISS = /^No cassette in "(.+?)" matches this run(?: \(key ([^)]+)\))?: (.*)$/s;
const NEAREST = /^the nearest is "(.+?)", which differs at (.*)$/s;
const AT =
  /^argv\[(\d+)\]: recorded (\(nothing\)|"(?:[^"\\]|\\.)*"), this run (\(nothing\)|"(?:[^"\\]|\\.)*")/;
const ONLY = /only recorded: (.*?); only this run: (.*)\)$/;

/**
 * The view of a miss, reading the nearest cassette from `dir` (the folder given, else the one the
 * message names).
 *
 * @example A miss that names one differing argv entry
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { missView } from "./miss_view.ts";
 *
 * const message = 'No cassette in "fixtures/cassettes/2.1.332" matches this run (key k2:x): the nearest is "text_simple.ndjson", which differs at argv[4]: recorded "Say hello", this run "Say hi"';
 * const view = await missView({ message, argv: null });
 * strictEqual(view.nearest, "text_simple.ndjson");
 * strictEqual(view.argv.find((row) => row.differs)?.run, "Say hi");
 * ```
 */
export async function missView(
  miss: { message: string; argv: readonly string[] | null },
  dir?: string,
): Promise<MissView> {
  const parsed = MISS.exec(miss.message.trim());
  const near = parsed ? NEAREST.exec(parsed[3]!) : null;
  const view: MissView = {
    message: miss.message,
    dir: dir ?? parsed?.[1] ?? null,
    key: parsed?.[2] ?? null,
    nearest: near?.[1] ?? null,
    difference: near?.[2] ?? parsed?.[3] ?? null,
    argvSource: miss.argv ? "usage log" : near ? "miss message" : "none",
    argv: [],
    input: [],
    problem: null,
  };
  if (view.dir === null || view.nearest === null) return view;
  let cassette;
  try {
    cassette = await readCassetteFile(join(resolve(view.dir), view.nearest));
  } catch (error) {
    view.problem = `Cannot read the nearest cassette "${view.nearest}" in "${view.dir}": ${
      messageOf(error)
    }`;
    return view;
  }
  const recorded = canonicalArgv(cassette.header.argv);
  const run = miss.argv ? canonicalArgv(miss.argv) : rebuiltArgv(recorded, view.difference ?? "");
  view.argv = sideBySide(recorded, run);
  const stdinLine = /stdin line (\d+)/.exec(view.difference ?? "")?.[1];
  view.input = cassette.records.flatMap((record, index) =>
    "stdin" in record
      ? [{
        line: record.stdin,
        differs: stdinLine !== undefined && Number(stdinLine) === index + 1,
      }]
      : []
  );
  return view;
}

/**
 * The two argvs aligned on their longest common subsequence, differences marked: an entry only one
 * side has sits beside the other side's, when it has one there too.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { sideBySide } from "./miss_view.ts";
 *
 * deepStrictEqual(sideBySide(["-p", "--model=a", "hi"], ["-p", "hi"]), [
 *   { recorded: "-p", run: "-p", differs: false },
 *   { recorded: "--model=a", run: null, differs: true },
 *   { recorded: "hi", run: "hi", differs: false },
 * ]);
 * ```
 */
export function sideBySide(recorded: readonly string[], run: readonly string[]): ArgvRow[] {
  // lengths[i][j]: the longest common subsequence of recorded[i..] and run[j..]
  const lengths = Array.from(
    { length: recorded.length + 1 },
    () => new Array<number>(run.length + 1).fill(0),
  );
  for (let i = recorded.length - 1; i >= 0; i--) {
    for (let j = run.length - 1; j >= 0; j--) {
      lengths[i]![j] = recorded[i] === run[j]
        ? lengths[i + 1]![j + 1]! + 1
        : Math.max(lengths[i + 1]![j]!, lengths[i]![j + 1]!);
    }
  }
  const rows: ArgvRow[] = [];
  let removed: string[] = [];
  let added: string[] = [];
  const flush = () => {
    for (let k = 0; k < Math.max(removed.length, added.length); k++) {
      rows.push({ recorded: removed[k] ?? null, run: added[k] ?? null, differs: true });
    }
    removed = [];
    added = [];
  };
  let i = 0;
  let j = 0;
  while (i < recorded.length || j < run.length) {
    if (i < recorded.length && j < run.length && recorded[i] === run[j]) {
      flush();
      rows.push({ recorded: recorded[i++]!, run: run[j++]!, differs: false });
    } else if (
      j >= run.length || (i < recorded.length && lengths[i + 1]![j]! >= lengths[i]![j + 1]!)
    ) {
      removed.push(recorded[i++]!);
    } else added.push(run[j++]!);
  }
  flush();
  return rows;
}

/**
 * The run's canonical argv as far as a miss message tells it: the recorded one with the entry it
 * names replaced, added or removed, or, when it lists every difference, with those applied.
 */
function rebuiltArgv(recorded: readonly string[], difference: string): string[] {
  const at = AT.exec(difference);
  if (!at) return [...recorded];
  const index = Number(at[1]);
  const value = (text: string) => text === "(nothing)" ? undefined : JSON.parse(text) as string;
  const was = value(at[2]!);
  const now = value(at[3]!);
  const only = ONLY.exec(difference);
  if (only) {
    const list = (text: string) => text === "nothing" ? [] : JSON.parse(`[${text}]`) as string[];
    // Where the added entries sat is not said: put flags among the flags and operands after
    // `--`, and let the canonical order place them.
    const removed = new Set(list(only[1]!));
    const kept = recorded.filter((entry) => !removed.has(entry));
    const end = kept.indexOf("--");
    const flags = end === -1 ? kept : kept.slice(0, end);
    const operands = end === -1 ? [] : kept.slice(end + 1);
    for (const entry of list(only[2]!)) (entry.startsWith("-") ? flags : operands).push(entry);
    return canonicalArgv(operands.length ? [...flags, "--", ...operands] : flags);
  }
  const run = [...recorded];
  if (was !== undefined && now !== undefined) run[index] = now;
  else if (was !== undefined) run.splice(index, 1);
  else if (now !== undefined) run.splice(index, 0, now);
  return run;
}
