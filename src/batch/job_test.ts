import { deepStrictEqual as assertEquals, match, ok, rejects } from "node:assert";
import { join } from "node:path";
import { ClawError } from "../errors/claw_error.ts";
import {
  BatchInputError,
  type BatchJob,
  checkJobs,
  JOB_FIELDS,
  type JobOptions,
  parseJobLine,
  readJobs,
} from "./job.ts";
import { inShard } from "./shard.ts";

// Compile-time: JOB_FIELDS names every JobOptions key (a missing one makes this object invalid).
const _everyOptionListed: Record<Exclude<keyof JobOptions, typeof JOB_FIELDS[number]>, never> = {};

async function withJobs(
  lines: string[],
  body: (path: string, dir: string) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "claw_jobs_test_" });
  try {
    const path = join(dir, "jobs.jsonl");
    await Deno.writeTextFile(path, lines.join("\n"));
    await body(path, dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** How many files this process has open (Linux; -1 elsewhere). */
/**
 * How many of this process's descriptors are open on `path`. Only that file counts: tests of
 * other files run in the same process (`--parallel`) and open and close their own meanwhile.
 */
function openOn(path: string): number {
  let count = 0;
  try {
    for (const entry of Deno.readDirSync("/proc/self/fd")) {
      try {
        if (Deno.readLinkSync(`/proc/self/fd/${entry.name}`) === path) count++;
      } catch {
        // Closed while we looked.
      }
    }
  } catch {
    return -1;
  }
  return count;
}

function lineError(text: string, line = 4): BatchInputError {
  try {
    parseJobLine(text, line);
  } catch (error) {
    ok(error instanceof BatchInputError, `expected a BatchInputError, got ${error}`);
    return error;
  }
  throw new Error(`Expected ${text} to be refused`);
}

Deno.test("JOB_FIELDS lists id, prompt and every option a job may set, each once", () => {
  assertEquals(JOB_FIELDS.slice(0, 2), ["id", "prompt"]);
  assertEquals(new Set(JOB_FIELDS).size, JOB_FIELDS.length);
  assertEquals(JOB_FIELDS.length, 19);
});

Deno.test("parseJobLine keeps the id, prompt, options and line number", () => {
  const job = parseJobLine(
    JSON.stringify({
      id: "j1",
      prompt: "Summarise",
      model: "haiku",
      allowedTools: ["Read"],
      tools: [],
      maxTurns: 3,
      maxBudgetUsd: 0.5,
      jsonSchema: { type: "object" },
      permissionMode: "plan",
      timeoutMs: 60_000,
    }),
    9,
  );
  assertEquals(
    job,
    {
      id: "j1",
      prompt: "Summarise",
      options: {
        model: "haiku",
        allowedTools: ["Read"],
        tools: [],
        maxTurns: 3,
        maxBudgetUsd: 0.5,
        jsonSchema: { type: "object" },
        permissionMode: "plan",
        timeoutMs: 60_000,
      },
      line: 9,
    } satisfies BatchJob,
  );
});

Deno.test("parseJobLine takes a null option as unset", () => {
  assertEquals(parseJobLine('{"id": "a", "prompt": "p", "model": null}', 1).options, {});
});

Deno.test("parseJobLine refuses a line that is not a JSON object, naming the line", () => {
  // Synthetic malformed lines, built here.
  const notJson = lineError('{"id": "a", "prompt": ', 12);
  match(notJson.message, /^Line 12: not valid JSON \(.+\): write one JSON object per line$/);
  assertEquals(notJson.line, 12);
  assertEquals(notJson.kind, "usage");
  ok(notJson instanceof ClawError);
  match(lineError("[1, 2]").message, /^Line 4: expected a JSON object .*, got an array$/);
  match(lineError("null").message, /got null$/);
  match(lineError('"just text"').message, /got a string$/);
});

Deno.test("parseJobLine refuses a missing, empty or non-string id or prompt", () => {
  match(lineError('{"prompt": "p"}').message, /^Line 4: missing id: /);
  match(lineError('{"id": "a"}').message, /^Line 4: missing prompt: /);
  match(lineError('{"id": "", "prompt": "p"}').message, /invalid id "": it must be a non-empty/);
  match(lineError('{"id": "a", "prompt": "  "}').message, /invalid prompt " {2}"/);
  match(lineError('{"id": 7, "prompt": "p"}').message, /invalid id 7: .*string, like "7"$/);
  match(lineError('{"id": "a", "prompt": ["p"]}').message, /invalid prompt \["p"\]/);
});

Deno.test("parseJobLine names an unknown field and the one it likely meant", () => {
  assertEquals(
    lineError('{"id": "a", "prompt": "p", "modle": "haiku"}').message,
    'Line 4: unknown field "modle": did you mean "model"?',
  );
  match(
    lineError('{"id": "a", "prompt": "p", "max_turns": 2}').message,
    /unknown field "max_turns": did you mean "maxTurns"\?$/,
  );
  match(
    lineError('{"id": "a", "prompt": "p", "allowedtools": []}').message,
    /did you mean "allowedTools"\?$/,
  );
  // Not an obvious typo: list the fields instead of guessing.
  match(
    lineError('{"id": "a", "prompt": "p", "spawner": 1}').message,
    /unknown field "spawner": a job takes id, prompt, model, .*timeoutMs$/,
  );
});

Deno.test("parseJobLine refuses values of the wrong type or out of range", () => {
  const cases: [string, RegExp][] = [
    ['"maxTurns": 0', /invalid maxTurns "0": it must be a whole number of at least 1/],
    ['"maxTurns": 1.5', /invalid maxTurns "1.5"/],
    ['"maxTurns": "3"', /invalid maxTurns "3": it must be a number$/],
    ['"maxBudgetUsd": -1', /invalid maxBudgetUsd "-1": it must be a positive number/],
    ['"timeoutMs": 0', /invalid timeoutMs "0": it must be a positive number of milliseconds/],
    ['"allowedTools": "Read"', /invalid allowedTools "Read": it must be an array of strings/],
    ['"addDirs": [1]', /invalid addDirs \[1\]: it must be an array of strings/],
    ['"jsonSchema": []', /invalid jsonSchema \[\]: it must be a JSON Schema object/],
    ['"jsonSchema": "x"', /invalid jsonSchema "x"/],
    ['"model": ""', /invalid model "": it must be a non-empty string/],
    ['"resume": " "', /invalid resume " "/],
    ['"systemPrompt": 5', /invalid systemPrompt 5: it must be a string/],
    ['"permissionMode": "yolo"', /invalid permissionMode "yolo": it must be one of default, /],
    [
      '"permissionMode": "acceptedits"',
      /it must be one of default, .*; did you mean "acceptEdits"\?$/,
    ],
  ];
  for (const [field, expected] of cases) {
    const error = lineError(`{"id": "a", "prompt": "p", ${field}}`, 5);
    match(error.message, /^Line 5: /);
    match(error.message, expected);
  }
});

Deno.test("parseJobLine checks that cwd is an existing folder", async () => {
  const dir = await Deno.makeTempDir({ prefix: "claw_jobs_test_" });
  try {
    const job = parseJobLine(JSON.stringify({ id: "a", prompt: "p", cwd: dir }), 1);
    assertEquals(job.options.cwd, dir);
    const missing = join(dir, "missing");
    match(
      lineError(JSON.stringify({ id: "a", prompt: "p", cwd: missing })).message,
      /invalid cwd ".*missing": no such folder/,
    );
    const file = join(dir, "file.txt");
    await Deno.writeTextFile(file, "");
    match(
      lineError(JSON.stringify({ id: "a", prompt: "p", cwd: file })).message,
      /invalid cwd ".*file.txt": it is a file, it must be a folder/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("readJobs streams jobs with 1-based line numbers, counting blank lines", async () => {
  const lines = [
    '{"id": "a", "prompt": "One"}',
    "",
    "   ",
    '{"id": "b", "prompt": "Two 日本語", "maxTurns": 1}\r',
    '{"id": "c", "prompt": "Three"}', // no newline at the end of the file
  ];
  await withJobs(lines, async (path) => {
    const jobs = await Array.fromAsync(readJobs(path));
    assertEquals(jobs.map((job) => [job.id, job.line, job.prompt]), [
      ["a", 1, "One"],
      ["b", 4, "Two 日本語"],
      ["c", 5, "Three"],
    ]);
    assertEquals(jobs[1]?.options, { maxTurns: 1 });
  });
});

Deno.test("readJobs throws at the first bad line with the file and line number", async () => {
  // Synthetic: a good line, a blank one, then one without a prompt.
  await withJobs(['{"id": "a", "prompt": "One"}', "", '{"id": "b"}'], async (path) => {
    const seen: string[] = [];
    await rejects(
      async () => {
        for await (const job of readJobs(path)) seen.push(job.id);
      },
      (error: unknown) => {
        ok(error instanceof BatchInputError);
        assertEquals(error.message.startsWith(`${path}:3: missing prompt`), true);
        assertEquals([error.path, error.line], [path, 3]);
        return true;
      },
    );
    assertEquals(seen, ["a"]);
  });
});

Deno.test("readJobs closes the file when the reader stops early", async () => {
  const lines = Array.from(
    { length: 5000 },
    (_, i) => JSON.stringify({ id: `j${i}`, prompt: "p" }),
  );
  await withJobs(lines, async (path) => {
    let during = 0;
    for await (const job of readJobs(path)) {
      during = openOn(path);
      if (job.id === "j2") break;
    }
    await new Promise((resolve) => setTimeout(resolve, 0));
    ok(during >= 1, "the reader had the file open");
    assertEquals(openOn(path), 0);
  });
});

Deno.test("readJobs refuses a missing file or a folder with a usage error", async () => {
  await withJobs([], async (_, dir) => {
    const path = join(dir, "nope.jsonl");
    await rejects(
      Array.fromAsync(readJobs(path)),
      (error: unknown) =>
        error instanceof BatchInputError &&
        error.message === `Cannot read the jobs file "${path}": no such file: check the path`,
    );
    await rejects(
      Array.fromAsync(readJobs(dir)),
      (error: unknown) =>
        error instanceof BatchInputError &&
        error.message === `Cannot read the jobs file "${dir}": it is a folder: pass a file`,
    );
  });
});

Deno.test("checkJobs counts the jobs, in all and in a shard", async () => {
  const ids = Array.from({ length: 50 }, (_, i) => `job-${i}`);
  await withJobs(ids.map((id) => JSON.stringify({ id, prompt: id })), async (path) => {
    assertEquals(await checkJobs(path), { total: 50, inShard: 50 });
    const shard = { index: 1, count: 3 };
    const expected = ids.filter((id) => inShard(id, shard)).length;
    ok(expected > 0 && expected < 50);
    assertEquals(await checkJobs(path, { shard }), { total: 50, inShard: expected });
  });
});

Deno.test("checkJobs lists every problem with its line, duplicates included", async () => {
  // Synthetic jobs file with a problem on lines 2, 4, 5 and 7 (line 3 is blank).
  const lines = [
    '{"id": "a", "prompt": "One"}',
    '{"id": "b", "prompt": "Two", "maxTurns": 0}',
    "",
    "not json",
    '{"id": "a", "prompt": "Again"}',
    '{"id": "c", "prompt": "Three"}',
    '{"id": "c", "prompt": "Three again"}',
  ];
  await withJobs(lines, async (path) => {
    await rejects(checkJobs(path), (error: unknown) => {
      ok(error instanceof BatchInputError);
      const [head, ...rest] = error.message.split("\n");
      assertEquals(head, `The jobs file "${path}" has 4 problems: fix them, then rerun`);
      assertEquals(rest.length, 4);
      match(rest[0]!, new RegExp(`^${RegExp.escape(path)}:2: invalid maxTurns "0"`));
      match(rest[1]!, new RegExp(`^${RegExp.escape(path)}:4: not valid JSON`));
      assertEquals(rest[2], `${path}:5: duplicate id "a" (first on line 1)`);
      assertEquals(rest[3], `${path}:7: duplicate id "c" (first on line 6)`);
      assertEquals(error.problems, rest);
      assertEquals(error.kind, "usage");
      return true;
    });
  });
});

Deno.test("checkJobs reports a single problem as just that line", async () => {
  await withJobs(['{"id": "a", "prompt": "p"}', '{"id": "a", "prompt": "q"}'], async (path) => {
    await rejects(checkJobs(path), (error: unknown) => {
      ok(error instanceof BatchInputError);
      assertEquals(error.message, `${path}:2: duplicate id "a" (first on line 1)`);
      assertEquals(error.line, 2);
      return true;
    });
  });
});

Deno.test("checkJobs lists the first 20 problems, then how many more", async () => {
  // Synthetic: 25 lines, each missing its prompt.
  const lines = Array.from({ length: 25 }, (_, i) => JSON.stringify({ id: `j${i}` }));
  await withJobs(lines, async (path) => {
    await rejects(checkJobs(path), (error: unknown) => {
      ok(error instanceof BatchInputError);
      const listed = error.message.split("\n");
      assertEquals(listed[0], `The jobs file "${path}" has 25 problems: fix them, then rerun`);
      assertEquals(listed.length, 1 + 20 + 1);
      assertEquals(listed[20], `${path}:20: missing prompt: give every job the prompt to run`);
      assertEquals(listed[21], "and 5 more");
      assertEquals(error.problems.length, 20);
      return true;
    });
  });
});

Deno.test("checkJobs reports a line that is not UTF-8", async () => {
  await withJobs([], async (path) => {
    // Synthetic: a prompt with a lone 0xFF byte.
    const bytes = new TextEncoder().encode('{"id": "a", "prompt": "X"}\n');
    bytes[24] = 0xff;
    await Deno.writeFile(path, bytes);
    await rejects(checkJobs(path), /:1: the line is not valid UTF-8: save the file as UTF-8$/);
  });
});
