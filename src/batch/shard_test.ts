import { deepStrictEqual as assertEquals, ok, throws } from "node:assert";
import { BatchInputError } from "./batch_input_error.ts";
import { inShard, parseShard, type Shard, shardFromEnv, shardOf } from "./shard.ts";

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
