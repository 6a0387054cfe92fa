import { deepStrictEqual as assertEquals, ok, rejects, throws } from "node:assert";
import {
  CassetteMissError,
  ClaudeNotFoundError,
  ClawError,
  InvalidOptionError,
} from "../errors/claw_error.ts";
import { join } from "node:path";
import { type CliNeed, type SpawnRequest, withCliNeed } from "../process/spawn.ts";
import { launch, planLaunch } from "./launch.ts";
import type { RunOptions } from "./run_options.ts";
import { projectFolderName } from "./store.ts";

const never = () => {
  throw new Error("must not start");
};

Deno.test("planLaunch refuses bad options and an empty prompt before anything starts", () => {
  throws(
    () => planLaunch("hi", { idleTimeoutMs: 0, spawner: never }),
    (error) => error instanceof InvalidOptionError && error.options[0] === "idleTimeoutMs",
  );
  throws(
    () => planLaunch("hi", { timeoutMs: Number.NaN, spawner: never }),
    /Invalid timeoutMs "NaN": it must be a positive number of milliseconds/,
  );
  throws(
    () => planLaunch(" \n", { spawner: never }),
    (error) =>
      error instanceof InvalidOptionError && error.describe(() => "PROMPT").includes("PROMPT"),
  );
});

Deno.test("planLaunch finds the CLI only when claw starts it itself", () => {
  throws(
    () => planLaunch("hi", { cli: "/nonexistent/claude" }),
    ClaudeNotFoundError,
  );
  assertEquals(
    planLaunch("hi", { cli: "/nonexistent/claude", spawner: never }).request.command,
    "/nonexistent/claude",
  );
  assertEquals(planLaunch("hi", { spawner: never }).request.command, "claude");
});

Deno.test("launch passes a spawner's ClawError on as it is, and makes anything else kind spawn", async () => {
  const miss = new CassetteMissError("no cassette");
  const missing = planLaunch("hi", { spawner: () => Promise.reject(miss) });
  await rejects(launch(missing), (error) => error === miss);
  const broken = planLaunch("hi", {
    spawner: () => {
      throw new Deno.errors.NotFound("No such file or directory");
    },
  });
  await rejects(launch(broken), (error) => {
    ok(error instanceof ClawError);
    assertEquals(error.kind, "spawn");
    ok(error.message.startsWith('Cannot start "claude": NotFound: No such file'));
    return true;
  });
});

/** A spawner that says it needs `need` of an installed claude, and starts nothing. */
const needing = (need: CliNeed) => withCliNeed(() => never(), need);

Deno.test("a spawner that ends in the real CLI gets the one CLAUDE_CLI_PATH names; one that may replay gets it when there is one; a replay gets none looked for", () => {
  const found = { env: { CLAUDE_CLI_PATH: "/bin/sh" } };
  const command = (options: RunOptions) => planLaunch("hi", options).request.command;
  assertEquals(command({ ...found, spawner: needing("always") }), "/bin/sh");
  assertEquals(command({ ...found, spawner: needing("on-miss") }), "/bin/sh");
  assertEquals(command({ ...found, spawner: needing("never") }), "claude");
  assertEquals(command({ ...found, spawner: never }), "claude", "a spawner that does not say");

  const missing = { env: { CLAUDE_CLI_PATH: "/nonexistent/claude" } };
  throws(() => command({ ...missing, spawner: needing("always") }), ClaudeNotFoundError);
  assertEquals(command({ ...missing, spawner: needing("on-miss") }), "claude");
  assertEquals(command({ ...missing, cli: "/opt/c", spawner: needing("on-miss") }), "/opt/c");
  assertEquals(command({ ...missing, spawner: needing("never") }), "claude");
});

Deno.test("a spawner that ends in the real CLI resumes a session by its title as its id, and refuses an unknown one before starting", async () => {
  const home = await Deno.makeTempDir({ prefix: "claw-launch-resume-" });
  try {
    const cwd = "/work/project";
    const id = "0b7c9a52-1111-4000-8000-000000000001";
    const folder = join(home, ".claude", "projects", projectFolderName(cwd));
    await Deno.mkdir(folder, { recursive: true });
    const records = [
      { type: "user", message: { role: "user", content: "Remember plum" }, sessionId: id, cwd },
      { type: "custom-title", customTitle: "Plum talk", sessionId: id },
    ];
    await Deno.writeTextFile(
      join(folder, `${id}.jsonl`),
      records.map((record) => JSON.stringify(record)).join("\n") + "\n",
    );
    const started: string[][] = [];
    const spawner = withCliNeed((request: SpawnRequest) => {
      started.push(request.args);
      throw new Error("stop here");
    }, "always");
    const options: RunOptions = {
      cwd,
      env: { HOME: home, CLAUDE_CONFIG_DIR: undefined, CLAUDE_CLI_PATH: "/bin/sh" },
      spawner,
    };
    await rejects(launch(planLaunch("go on", { ...options, resume: " plum TALK" })), /stop here/);
    ok(started[0]?.includes(`--resume=${id}`), JSON.stringify(started));
    await rejects(
      launch(planLaunch("go on", { ...options, resume: "Pear talk" })),
      (error) => error instanceof ClawError && error.kind === "session_not_found",
    );
    assertEquals(started.length, 1, "the unknown title started nothing");
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});
