import { deepStrictEqual, rejects, strictEqual } from "node:assert";
import { join } from "node:path";
import { readInput } from "./inputs.ts";

const CORPUS = new URL("../../fixtures/cassettes/2.1.332/", import.meta.url).pathname;

/** Writes `text` to a temporary file and reads it as an input. */
async function inputOf(text: string) {
  const dir = await Deno.makeTempDir({ prefix: "claw-report-input-" });
  try {
    const path = join(dir, "input");
    await Deno.writeTextFile(path, text);
    return await readInput(path);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("inputs are told apart by their content, not their names", async () => {
  strictEqual((await readInput(join(CORPUS, "tool_bash.ndjson"))).kind, "cassette");
  strictEqual((await readInput(CORPUS)).kind, "cassettes");
  const stream =
    '{"type":"system","subtype":"init","session_id":"s"}\n{"type":"result","subtype":"success"}\n';
  strictEqual((await inputOf(stream)).kind, "transcript");
  strictEqual((await inputOf('[{"type":"result","subtype":"success"}]\n')).kind, "transcript");
  strictEqual((await inputOf('{"id":"a","status":"ok"}\n')).kind, "results");
  const jobs = await inputOf('{"id":"a","prompt":"Say hi"}\n');
  deepStrictEqual(jobs.kind === "jobs" && [...jobs.prompts], [["a", "Say hi"]]);
});

Deno.test("a miss is read from its JSON, a run's output or a usage log's missed line", async () => {
  const message =
    'No cassette in "d" matches this run (key k): the nearest is "a.ndjson", which differs at argv[0]: recorded "x", this run "y"';
  const json = JSON.stringify({ error: { kind: "cassette_miss", message, hint: "h" } });
  const printed = `error[cassette_miss]: ${message}\nhint: record it\n`;
  const logged = JSON.stringify({
    t: "",
    pid: 1,
    dir: "d",
    missed: { argv: ["-p", "y"], message },
  });
  for (const text of [json, printed, logged]) {
    const input = await inputOf(text);
    strictEqual(input.kind === "miss" && input.message, message, text);
  }
  const log = await inputOf(logged);
  deepStrictEqual(log.kind === "miss" && log.argv, ["-p", "y"]);
});

Deno.test("an input that cannot be read or told apart is a usage error naming it", async () => {
  await rejects(readInput("/nonexistent/run.ndjson"), /Cannot read "\/nonexistent\/run.ndjson"/);
  await rejects(inputOf("just words\n"), /Cannot tell what ".*input" is/);
});
