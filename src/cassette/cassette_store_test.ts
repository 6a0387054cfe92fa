import { deepStrictEqual as assertEquals, ok, rejects } from "node:assert";
import { join } from "node:path";
import { ClawError } from "../errors/claw_error.ts";
import { CassetteFormatError, cassetteKey, serializeCassette } from "./cassette.ts";
import { CassetteMissError } from "../errors/claw_error.ts";
import { argvDifference, CassetteStore, DuplicateCassetteError } from "./cassette_store.ts";

const BASE = ["-p", "--output-format=stream-json", "--verbose"];

async function writeCassette(path: string, argv: string[]): Promise<string> {
  const key = await cassetteKey(argv);
  const header = {
    type: "claw_cassette" as const,
    format: 1,
    key,
    cli_version: "2.1.332",
    argv,
    env: [],
    cwd: "$CWD",
    recorded_at: "2026-11-21T06:00:00.000Z",
  };
  await Deno.mkdir(join(path, ".."), { recursive: true });
  await Deno.writeTextFile(
    path,
    serializeCassette({ header, records: [{ t: 1, exit: { code: 0, signal: null } }] }),
  );
  return key;
}

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "claw-store-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("the store indexes cassettes in nested folders and skips other files", () =>
  withDir(async (dir) => {
    const hello = await writeCassette(join(dir, "hello.ndjson"), [...BASE, "--", "Say hello"]);
    const nested = await writeCassette(join(dir, "2.1.332", "tools", "bash.ndjson"), [
      ...BASE,
      "--permission-mode=bypassPermissions",
      "--",
      "Run it",
    ]);
    await Deno.writeTextFile(join(dir, "transcript.ndjson"), '{"type":"system"}\n');
    await Deno.writeTextFile(join(dir, "notes.txt"), "not a cassette");
    await Deno.writeTextFile(join(dir, "array.ndjson"), "[1,2]\n");

    const store = await CassetteStore.open(dir);
    assertEquals(store.cassettes.map((c) => c.path).sort(), [
      join(dir, "2.1.332", "tools", "bash.ndjson"),
      join(dir, "hello.ndjson"),
    ]);
    assertEquals(
      store.matching(hello, [...BASE, "--", "Say hello"]).map((c) => c.path),
      [join(dir, "hello.ndjson")],
    );
    const [loaded] = await store.candidates(nested, []);
    assertEquals(loaded?.path, join(dir, "2.1.332", "tools", "bash.ndjson"));
    assertEquals(loaded?.cassette.header.key, nested);
    assertEquals(loaded?.cassette.records, [{ t: 1, exit: { code: 0, signal: null } }]);
  }));

Deno.test("a miss names the nearest cassette's file and the first differing argv element", () =>
  withDir(async (dir) => {
    await writeCassette(join(dir, "hello.ndjson"), [...BASE, "--", "Say hello"]);
    await writeCassette(join(dir, "sub", "model.ndjson"), [
      ...BASE,
      "--model=opus",
      "--",
      "Say hello",
    ]);
    await writeCassette(join(dir, "other.ndjson"), ["--version"]);
    const store = await CassetteStore.open(dir);

    const argv = [...BASE, "--model=sonnet", "--", "Say hello"];
    const key = await cassetteKey(argv);
    const error = await store.candidates(key, argv).then(
      () => undefined,
      (error: unknown) => error,
    );
    ok(error instanceof CassetteMissError && error instanceof ClawError);
    assertEquals([error.name, error.kind], ["CassetteMissError", "cassette_miss"]);
    assertEquals(
      error.message,
      `No cassette in "${dir}" matches this run (key ${key}): the nearest is "${
        join("sub", "model.ndjson")
      }", which differs at argv[0]: recorded "--model=opus", this run "--model=sonnet"`,
    );
    // A prompt that differs: the cassette with the same flags is the nearest.
    const prompt = [...BASE, "--", "Say goodbye"];
    assertEquals(
      store.explainMiss("k1:x", prompt),
      `No cassette in "${dir}" matches this run (key k1:x): the nearest is "hello.ndjson", which differs at argv[4]: recorded "Say hello", this run "Say goodbye"`,
    );
  }));

Deno.test("the nearest cassette is the one with the fewest differing flags, whatever their order", () =>
  withDir(async (dir) => {
    // Shares the run's first elements as written, but three of its flags differ.
    await writeCassette(join(dir, "a-far.ndjson"), [
      ...BASE,
      "--model=opus",
      "--max-turns=9",
      "--permission-mode=plan",
      "--",
      "Something else entirely",
    ]);
    // The same flags in another order and spelling; only the prompt differs, by one character.
    await writeCassette(join(dir, "b-near.ndjson"), [
      "--verbose",
      "--model",
      "sonnet",
      "-p",
      "--output-format",
      "stream-json",
      "Say hello!",
    ]);
    const store = await CassetteStore.open(dir);
    const argv = [...BASE, "--model=sonnet", "--", "Say hello"];
    assertEquals(
      store.explainMiss("k2:x", argv),
      `No cassette in "${dir}" matches this run (key k2:x): the nearest is "b-near.ndjson", which differs at argv[5]: recorded "Say hello!", this run "Say hello"`,
    );
  }));

Deno.test("with the same flags, the nearest cassette is the one whose prompt is closest", () =>
  withDir(async (dir) => {
    await writeCassette(join(dir, "a-poem.ndjson"), [...BASE, "--", "Write a poem"]);
    await writeCassette(join(dir, "b-hello.ndjson"), [...BASE, "--", "Say hello"]);
    await writeCassette(join(dir, "c-help.ndjson"), [...BASE, "--", "Say help"]);
    const store = await CassetteStore.open(dir);
    assertEquals(
      store.explainMiss("k2:x", [...BASE, "Say hello!"]),
      `No cassette in "${dir}" matches this run (key k2:x): the nearest is "b-hello.ndjson", which differs at argv[4]: recorded "Say hello", this run "Say hello!"`,
    );
  }));

Deno.test("a run matches a cassette recorded with another spelling of its argv, and old k1 keys", () =>
  withDir(async (dir) => {
    // As `claw record -o hello.ndjson -- -p --output-format stream-json --verbose "Say hello"`
    // saves it, with the k1 key (a hash of the argv as given) cassettes had before.
    const recorded = ["-p", "--output-format", "stream-json", "--verbose", "Say hello"];
    await writeCassette(join(dir, "hello.ndjson"), recorded);
    const path = join(dir, "hello.ndjson");
    const text = await Deno.readTextFile(path);
    await Deno.writeTextFile(path, text.replace(/"key":"k2:[0-9a-f]+"/, '"key":"k1:0123"'));
    const store = await CassetteStore.open(dir);
    const argv = ["-p", "--output-format=stream-json", "--verbose", "--", "Say hello"];
    const [cassette] = (await store.candidates(await cassetteKey(argv), argv))
      .map((candidate) => candidate.cassette);
    assertEquals([cassette?.header.key, cassette?.header.argv], ["k1:0123", recorded]);
    assertEquals(store.cassettes[0]?.key, await cassetteKey(argv));
  }));

Deno.test("two cassettes of the same canonical argv are refused: a run could not tell them apart", () =>
  withDir(async (dir) => {
    await writeCassette(join(dir, "a.ndjson"), ["-p", "--model", "opus", "hi"]);
    await writeCassette(join(dir, "b.ndjson"), ["--model=opus", "-p", "--", "hi"]);
    await rejects(
      CassetteStore.open(dir),
      (error: unknown) =>
        error instanceof DuplicateCassetteError && /record the same run/.test(error.message) &&
        error.message.includes(join(dir, "a.ndjson")) &&
        error.message.includes(join(dir, "b.ndjson")),
    );
  }));

Deno.test("an empty or missing folder says it holds no cassettes", () =>
  withDir(async (dir) => {
    for (const folder of [dir, join(dir, "does-not-exist")]) {
      const store = await CassetteStore.open(folder);
      assertEquals(store.cassettes, []);
      await rejects(
        store.candidates("k1:abc", ["-p"]),
        (error: unknown) =>
          error instanceof CassetteMissError &&
          error.message ===
            `No cassette in "${folder}" matches this run (key k1:abc): the folder holds no cassettes`,
      );
    }
  }));

Deno.test("argvDifference names the first differing element of the canonical forms", () => {
  assertEquals(argvDifference(["-p", "a"], ["-p", "b"]), 'argv[2]: recorded "a", this run "b"');
  assertEquals(
    argvDifference(["-p", "a"], ["b", "--print"]),
    'argv[2]: recorded "a", this run "b"',
  );
  assertEquals(
    argvDifference(["-p", "--", "a"], ["-p", "--", "a", "b"]),
    'argv[3]: recorded (nothing), this run "b"',
  );
  assertEquals(
    argvDifference(["-p", "--model=x", "a"], ["-p", "a"]),
    'argv[0]: recorded "--model=x", this run (nothing)',
  );
  assertEquals(
    argvDifference(["-p", "--verbose", "a"], ["--verbose", "-p", "--", "a"]),
    "nothing (the same canonical argv, another key format)",
  );
});

Deno.test("argvDifference lists every element only one side has when more than one differs", () => {
  const recorded = ["-p", "--output-format=stream-json", "--permission-mode=plan", "--", "hi"];
  const run = ["-p", "--output-format", "stream-json", "--max-turns", "3", "hi"];
  assertEquals(
    argvDifference(recorded, run),
    'argv[0]: recorded (nothing), this run "--max-turns=3" (canonical order; only recorded: "--permission-mode=plan"; only this run: "--max-turns=3")',
  );
});

Deno.test("a cassette with an unknown format is skipped when indexing only if its header is not a cassette's", () =>
  withDir(async (dir) => {
    // A header of another format version is refused when the store opens, naming the file.
    await Deno.writeTextFile(
      join(dir, "future.ndjson"),
      '{"type":"claw_cassette","format":9,"key":"k1:f","argv":[]}\n',
    );
    await rejects(
      CassetteStore.open(dir),
      (error: unknown) =>
        error instanceof CassetteFormatError && error.source === join(dir, "future.ndjson") &&
        /it has format 9 and this claw reads format 1/.test(error.message),
    );
  }));
