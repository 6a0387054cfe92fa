import { deepStrictEqual, strictEqual } from "node:assert";
import { canonicalArgv } from "../cassette/canonical_argv.ts";
import { argvDifference } from "../cassette/cassette_store.ts";
import { missView } from "./miss_view.ts";

const DIR = new URL("../../fixtures/cassettes/2.1.332", import.meta.url).pathname;
const MESSAGE = (difference: string) =>
  `No cassette in "${DIR}" matches this run (key k2:x): the nearest is "text_simple.ndjson", which differs at ${difference}`;

Deno.test("a usage log's argv is set whole beside the nearest cassette's", async () => {
  const argv = [
    "-p",
    "--output-format=stream-json",
    "--verbose",
    "--model=opus",
    "--",
    "Say hello",
  ];
  const view = await missView({ message: MESSAGE("argv[0]: …"), argv });
  strictEqual(view.argvSource, "usage log");
  deepStrictEqual(view.argv.filter((row) => row.differs), [
    { recorded: null, run: "--model=opus", differs: true },
  ]);
});

Deno.test("without a log, the run's argv is rebuilt from the difference the message names", async () => {
  const added = await missView({
    message: MESSAGE('argv[0]: recorded (nothing), this run "--model=opus"'),
    argv: null,
  });
  strictEqual(added.argvSource, "miss message");
  deepStrictEqual(added.argv.filter((row) => row.differs), [
    { recorded: null, run: "--model=opus", differs: true },
  ]);
  // The difference as claw words it, for a run that adds a flag and changes the prompt
  const recorded = ["-p", "--output-format=stream-json", "--verbose", "--", "Say hello"];
  const run = ["-p", "--output-format=stream-json", "--verbose", "--model=opus", "--", "Hi"];
  const listed = await missView({ message: MESSAGE(argvDifference(recorded, run)), argv: null });
  deepStrictEqual(
    listed.argv.flatMap((row) => row.run === null ? [] : [row.run]),
    canonicalArgv(run),
    "the rebuilt side is the run's canonical argv",
  );
});

Deno.test("a nearest cassette that cannot be read is said, not thrown", async () => {
  const view = await missView({ message: MESSAGE("x"), argv: null }, "/nonexistent");
  strictEqual(view.argv.length, 0);
  strictEqual(
    view.problem?.startsWith('Cannot read the nearest cassette "text_simple.ndjson"'),
    true,
  );
});
