import { deepStrictEqual as assertEquals, ok, throws } from "node:assert";
import { BatchInputError } from "./batch_input_error.ts";
import { chooseShard, inShard, parseShard, type Shard, shardFromEnv, shardOf } from "./shard.ts";

Deno.test("parseShard reads the 1-based I/N syntax into a 0-based index", () => {
  assertEquals(parseShard("1/1"), { index: 0, count: 1 });
  assertEquals(parseShard("2/3"), { index: 1, count: 3 });
  assertEquals(parseShard(" 3 / 3 "), { index: 2, count: 3 });
});

Deno.test("parseShard refuses bad syntax and out-of-range shards, saying what is allowed", () => {
  const refused = (text: string, message: string) =>
    throws(
      () => parseShard(text),
      (error: unknown) => error instanceof BatchInputError && error.message === message,
    );
  refused("5/3", 'Invalid --shard "5/3": it must be I/N with 1 ≤ I ≤ N');
  refused(
    "0/3",
    'Invalid --shard "0/3": it must be I/N with 1 ≤ I ≤ N (shards count from 1: the first is 1/3)',
  );
  refused("1/0", 'Invalid --shard "1/0": it must be I/N with 1 ≤ I ≤ N');
  refused("2", 'Invalid --shard "2": it must be I/N, like 2/3');
  refused("a/b", 'Invalid --shard "a/b": it must be I/N, like 2/3');
  refused("1.5/3", 'Invalid --shard "1.5/3": it must be I/N, like 2/3');
  refused("-1/3", 'Invalid --shard "-1/3": it must be I/N, like 2/3');
  throws(() => parseShard("4/3", "CLAW_SHARD"), /^BatchInputError: Invalid CLAW_SHARD "4\/3"/);
  throws(() => parseShard("x"), (error: unknown) => (error as BatchInputError).kind === "usage");
});

Deno.test("shardFromEnv reads CLAW_SHARD, or JOB_COMPLETION_INDEX with a shard count", () => {
  assertEquals(shardFromEnv({}), undefined);
  assertEquals(shardFromEnv({}, 4), undefined);
  assertEquals(shardFromEnv({ CLAW_SHARD: "" }), undefined);
  assertEquals(shardFromEnv({ CLAW_SHARD: "2/5" }), { index: 1, count: 5 });
  assertEquals(shardFromEnv({ CLAW_SHARD: "2/5" }, 5), { index: 1, count: 5 });
  // Kubernetes numbers the pods of an Indexed Job from 0.
  assertEquals(shardFromEnv({ JOB_COMPLETION_INDEX: "0" }, 3), { index: 0, count: 3 });
  assertEquals(shardFromEnv({ JOB_COMPLETION_INDEX: "2" }, 3), { index: 2, count: 3 });
  // Without a count, the index alone says nothing.
  assertEquals(shardFromEnv({ JOB_COMPLETION_INDEX: "2" }), undefined);
  // CLAW_SHARD is the explicit one: it wins.
  assertEquals(shardFromEnv({ CLAW_SHARD: "1/3", JOB_COMPLETION_INDEX: "2" }, 3), {
    index: 0,
    count: 3,
  });
});

Deno.test("shardFromEnv refuses bad values, naming the variable", () => {
  throws(
    () => shardFromEnv({ JOB_COMPLETION_INDEX: "3" }, 3),
    /Invalid JOB_COMPLETION_INDEX "3": it must be a whole number from 0 to 2 with --shards 3/,
  );
  throws(() => shardFromEnv({ JOB_COMPLETION_INDEX: "one" }, 3), /JOB_COMPLETION_INDEX "one"/);
  throws(() => shardFromEnv({ JOB_COMPLETION_INDEX: "-1" }, 3), /JOB_COMPLETION_INDEX "-1"/);
  throws(() => shardFromEnv({ CLAW_SHARD: "4/3" }), /Invalid CLAW_SHARD "4\/3"/);
  throws(
    () => shardFromEnv({ CLAW_SHARD: "1/3" }, 4),
    /CLAW_SHARD "1\/3" says 3 shards but --shards says 4/,
  );
  throws(() => shardFromEnv({}, 0), /Invalid shard count "0"/);
  throws(() => shardFromEnv({}, 1.5), (error: unknown) => error instanceof BatchInputError);
});

/** The variables Slurm sets in task `id` of `sbatch --array=MIN-MAX`. */
function slurmTask(id: number, min: number, max: number): Record<string, string> {
  return {
    SLURM_ARRAY_JOB_ID: "41",
    SLURM_ARRAY_TASK_ID: String(id),
    SLURM_ARRAY_TASK_MIN: String(min),
    SLURM_ARRAY_TASK_MAX: String(max),
    SLURM_ARRAY_TASK_COUNT: String(max - min + 1),
    SLURM_ARRAY_TASK_STEP: "1",
  };
}

/** How chooseShard says it read task `id` of an array from `min` of `count` tasks. */
function slurmFrom(id: number, min: number, count: number): string {
  return `SLURM_ARRAY_TASK_ID=${id} (SLURM_ARRAY_TASK_MIN=${min}, SLURM_ARRAY_TASK_COUNT=${count})`;
}

Deno.test("chooseShard reads a Slurm array task: its id less the array's first id, of its count", () => {
  assertEquals(chooseShard(slurmTask(0, 0, 2)), {
    index: 0,
    count: 3,
    from: slurmFrom(0, 0, 3),
  });
  // sbatch --array=1-3: the array need not start at 0.
  assertEquals(shardFromEnv(slurmTask(3, 1, 3)), { index: 2, count: 3 });
  assertEquals(shardFromEnv(slurmTask(7, 5, 8)), { index: 2, count: 4 });
  // Slurm always sets MIN with the id; set by hand without it, the first id is 0.
  assertEquals(
    chooseShard({ SLURM_ARRAY_TASK_ID: "1", SLURM_ARRAY_TASK_COUNT: "2" }),
    {
      index: 1,
      count: 2,
      from: "SLURM_ARRAY_TASK_ID=1 (SLURM_ARRAY_TASK_MIN=unset, so 0, SLURM_ARRAY_TASK_COUNT=2)",
    },
  );
  // Every task of an array gets a different shard, and together they are all the shards.
  const indexes = [4, 5, 6, 7].map((id) => shardFromEnv(slurmTask(id, 4, 7))?.index);
  assertEquals(indexes, [0, 1, 2, 3]);
  assertEquals(shardFromEnv({ SLURM_ARRAY_TASK_ID: "" }), undefined);
});

Deno.test("chooseShard with --shards takes the Slurm task id as the 0-based shard, so a task submitted again alone keeps its shard", () => {
  assertEquals(chooseShard(slurmTask(1, 0, 2), { shards: 3 }), {
    index: 1,
    count: 3,
    from: "SLURM_ARRAY_TASK_ID=1 with --shards 3",
  });
  // sbatch --array=1 again, after task 1 failed: Slurm says MIN 1 and COUNT 1.
  assertEquals(shardFromEnv(slurmTask(1, 1, 1), 3), { index: 1, count: 3 });
  assertEquals(shardFromEnv(slurmTask(2, 0, 2), 3), { index: 2, count: 3 });
});

Deno.test("chooseShard puts the explicit shard first, then CLAW_SHARD, JOB_COMPLETION_INDEX and Slurm, and says which", () => {
  const everything = { CLAW_SHARD: "3/3", JOB_COMPLETION_INDEX: "1", ...slurmTask(0, 0, 2) };
  assertEquals(chooseShard(everything, { shard: "1/3", shards: 3 }), {
    index: 0,
    count: 3,
    from: "--shard 1/3",
  });
  assertEquals(chooseShard(everything, { shards: 3 })?.from, "CLAW_SHARD=3/3");
  const { CLAW_SHARD: _, ...kubernetes } = everything;
  assertEquals(chooseShard(kubernetes, { shards: 3 }), {
    index: 1,
    count: 3,
    from: "JOB_COMPLETION_INDEX=1 with --shards 3",
  });
  // Without --shards the Kubernetes index says nothing; Slurm's array says its own count.
  assertEquals(chooseShard(kubernetes)?.from, slurmFrom(0, 0, 3));
  assertEquals(chooseShard({}, { shards: 3 }), undefined);
});

Deno.test("chooseShard refuses a Slurm task outside its array or its --shards, naming the variables", () => {
  const refused = (env: Record<string, string>, shards: number | undefined, message: string) =>
    throws(
      () => chooseShard(env, { shards }),
      (error: unknown) =>
        error instanceof BatchInputError && error.kind === "usage" && error.message === message,
    );
  refused(
    slurmTask(3, 0, 3),
    3,
    'Invalid SLURM_ARRAY_TASK_ID "3": it must be from 0 to 2 with --shards 3 (the task id is the 0-based shard)',
  );
  // --array=0-3 with --shards 3: every task refuses, not only the one past the count.
  refused(
    slurmTask(0, 0, 3),
    3,
    `The array's tasks go up to SLURM_ARRAY_TASK_MAX "3" but --shards says 3: make them agree (sbatch --array=0-2 with --shards 3)`,
  );
  refused(
    { SLURM_ARRAY_TASK_ID: "5", SLURM_ARRAY_TASK_MIN: "0", SLURM_ARRAY_TASK_COUNT: "3" },
    undefined,
    'Invalid SLURM_ARRAY_TASK_ID "5": it must be from 0 to 2 (SLURM_ARRAY_TASK_MIN "0", SLURM_ARRAY_TASK_COUNT "3")',
  );
  refused(
    { SLURM_ARRAY_TASK_ID: "1", SLURM_ARRAY_TASK_MIN: "2", SLURM_ARRAY_TASK_COUNT: "3" },
    undefined,
    'Invalid SLURM_ARRAY_TASK_ID "1": it must be from 2 to 4 (SLURM_ARRAY_TASK_MIN "2", SLURM_ARRAY_TASK_COUNT "3")',
  );
  // sbatch --array=0-10:5 (ids 0, 5, 10) or --array=0,2,5: ids that are not shards 1 to 3.
  refused(
    { ...slurmTask(5, 0, 10), SLURM_ARRAY_TASK_COUNT: "3", SLURM_ARRAY_TASK_STEP: "5" },
    undefined,
    'The Slurm array is not contiguous: SLURM_ARRAY_TASK_MIN "0" to SLURM_ARRAY_TASK_MAX "10" is not SLURM_ARRAY_TASK_COUNT "3" tasks, so its task ids are not shards 1 to 3',
  );
  refused(
    { SLURM_ARRAY_TASK_ID: "1" },
    undefined,
    'SLURM_ARRAY_TASK_ID "1" names a task but SLURM_ARRAY_TASK_COUNT is not set: claw cannot tell how many shards there are',
  );
  throws(
    () => chooseShard({ ...slurmTask(0, 0, 2), SLURM_ARRAY_TASK_ID: "one" }),
    /^BatchInputError: Invalid SLURM_ARRAY_TASK_ID "one": it must be a whole number/,
  );
  throws(
    () => chooseShard({ ...slurmTask(0, 0, 2), SLURM_ARRAY_TASK_MIN: "-1" }),
    /Invalid SLURM_ARRAY_TASK_MIN "-1"/,
  );
  throws(
    () => chooseShard({ ...slurmTask(0, 0, 2), SLURM_ARRAY_TASK_COUNT: "3.0" }),
    /Invalid SLURM_ARRAY_TASK_COUNT "3.0"/,
  );
  throws(() => shardFromEnv(slurmTask(0, 0, 2), 0), /Invalid shard count "0"/);
});

Deno.test("a refused Slurm task says how to submit the array", () => {
  throws(
    () => chooseShard(slurmTask(3, 0, 3), { shards: 3 }),
    (error: unknown) =>
      error instanceof BatchInputError && error.hint.includes("sbatch --array=0-2 for 3 shards"),
  );
});

Deno.test("shard assignment is the FNV-1a hash of the UTF-8 id: golden values", () => {
  // FNV-1a 32-bit of "" is 0x811c9dc5, of "a" 0xe40c292c, of "foobar" 0xbf9cf968 (the published
  // test vectors); the others were computed independently. These must never change: shards
  // running different claw versions must agree.
  const golden: [string, number][] = [
    ["", 0x811c9dc5],
    ["a", 0xe40c292c],
    ["foobar", 0xbf9cf968],
    ["job-1", 0x2fc26916],
    ["job-2", 0x2ec26783],
    ["日本語", 0x805f5ce7],
    ["row/0042", 0x3d76da1e],
  ];
  for (const [id, hash] of golden) {
    assertEquals(shardOf(id, 3), hash % 3, `shard of ${JSON.stringify(id)} of 3`);
    assertEquals(shardOf(id, 4), hash % 4, `shard of ${JSON.stringify(id)} of 4`);
    assertEquals(shardOf(id, 2 ** 32 - 1), hash % (2 ** 32 - 1));
  }
  assertEquals(
    ["job-1", "job-2", "日本語", "row/0042"].map((id) => shardOf(id, 3)),
    [2, 0, 0, 1],
  );
  ok(inShard("job-1", { index: 2, count: 3 }));
  ok(!inShard("job-1", { index: 0, count: 3 }));
  ok(inShard("anything", { index: 0, count: 1 }));
});

Deno.test("shards partition a set of ids: each id in exactly one, none empty", () => {
  const ids = Array.from({ length: 3000 }, (_, i) => `item-${i}`);
  for (const count of [1, 2, 3, 7, 16]) {
    const shards: Shard[] = Array.from({ length: count }, (_, index) => ({ index, count }));
    const members = shards.map((shard) => ids.filter((id) => inShard(id, shard)));
    for (const id of ids) {
      assertEquals(shards.filter((shard) => inShard(id, shard)).length, 1, id);
    }
    assertEquals(members.flat().sort(), [...ids].sort());
    // A fair hash: every shard gets roughly its share.
    for (const member of members) {
      ok(Math.abs(member.length - ids.length / count) < ids.length / count * 0.25);
    }
  }
});
