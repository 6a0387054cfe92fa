import { deepStrictEqual, ok as assert, rejects, strictEqual } from "node:assert";
import { readCassetteFile, serializeCassette } from "../cassette/cassette.ts";
import { run } from "../session/run.ts";
import { _jobCassetteName, _replayJob } from "./_batch_cassettes.ts";

const FIXTURE = new URL("../../fixtures/cassettes/2.1.332/text_simple.ndjson", import.meta.url);

Deno.test("readable ids keep their file names; long or unencodable ids get a short hashed one", async () => {
  deepStrictEqual(
    await Promise.all(["job-01", "my job", "a/b", "長".repeat(23)].map(_jobCassetteName)),
    ["job-01.ndjson", "my%20job.ndjson", "a%2Fb.ndjson", `${"%E9%95%B7".repeat(23)}.ndjson`],
  );
  const long = ["長".repeat(24), `${"長".repeat(24)}!`, "\ud800", "\ufffd\ud800"];
  const names = await Promise.all(long.map(_jobCassetteName));
  strictEqual(new Set(names).size, long.length, `distinct: ${names}`);
  for (const name of names) {
    assert(/^[A-Za-z0-9%!'()*._~-]*~[0-9a-f]{24}\.ndjson$/.test(name), name);
    assert(name.length + ".tmp-".length + 36 <= 255, `${name} fits with the save's suffix`);
  }
  assert(names[0]!.startsWith("%E9%95%B7".repeat(7)), "the start of the id stays readable");
  strictEqual(await _jobCassetteName("\ufffd"), "%EF%BF%BD.ndjson");
});

Deno.test("a replay takes only the cassette recorded for its job", async () => {
  const dir = await Deno.makeTempDir({ prefix: "claw-job-cassettes-" });
  try {
    const cassette = await readCassetteFile(FIXTURE);
    const save = async (id: string, recordedFor: string) => {
      const header = { ...cassette.header, job_id: recordedFor };
      await Deno.writeTextFile(
        `${dir}/${await _jobCassetteName(id)}`,
        serializeCassette({ header, records: cassette.records }),
      );
    };
    await save("a", "a");
    await save("b", "a"); // copied by hand from job a
    const answer = (id: string) => run("Say hello", { spawner: _replayJob(dir, id) }).text();
    strictEqual(await answer("a"), "Hello from the fake API.");
    await rejects(answer("b"), {
      name: "CassetteMissError",
      message:
        `The cassette "${dir}/b.ndjson" was recorded for job "a", not "b": record the batch again with --record`,
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
