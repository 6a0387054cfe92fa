import { deepStrictEqual as assertEquals, ok, rejects, throws } from "node:assert";
import {
  CassetteMissError,
  ClaudeNotFoundError,
  ClawError,
  InvalidOptionError,
} from "../errors/claw_error.ts";
import { launch, planLaunch } from "./launch.ts";

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
