/**
 * `run()`'s helpers over runs recorded from both pinned CLIs: structured output checked by a
 * Standard Schema, and the tool observers.
 */
import { deepStrictEqual as assertEquals } from "node:assert";
import { z } from "zod";
import { PINNED_CLI_VERSIONS } from "../../scripts/install_cli.ts";
import { replaySpawner } from "../cassette/testing.ts";
import { captureClawError } from "../errors/_capture.ts";
import { run } from "./run.ts";

const VERSIONS = PINNED_CLI_VERSIONS;
const fixture = (version: string, name: string) =>
  new URL(`../../fixtures/cassettes/${version}/${name}.ndjson`, import.meta.url);

// The schema the corpus recorded, as a zod schema: claw derives the same --json-schema from it.
const Answer = z.strictObject({ answer: z.string() });

for (const version of VERSIONS) {
  Deno.test(`run().structured() returns the value checked by a zod schema (CLI ${version})`, async () => {
    const spawner = replaySpawner(fixture(version, "structured_valid"));
    const value = await run("Answer in JSON", { spawner, jsonSchema: Answer }).structured();
    assertEquals(value, { answer: "42" });
  });

  Deno.test(`run().structured() fails with kind structured_output when the value does not match (CLI ${version})`, async () => {
    const spawner = replaySpawner(fixture(version, "structured_valid"));
    // Same JSON Schema on the command line, stricter in-process check: "42" is not a word.
    const Strict = Answer.refine((value) => /^[a-z]+$/.test(value.answer), "answer must be a word");
    const error = await captureClawError(
      run("Answer in JSON", { spawner, jsonSchema: Strict }).structured(),
    );
    assertEquals(error.kind, "structured_output");
  });

  Deno.test(`run() calls onToolUse and onToolResult for a recorded Bash call (CLI ${version})`, async () => {
    const seen: string[] = [];
    await run("Run a command", {
      spawner: replaySpawner(fixture(version, "tool_bash")),
      permissionMode: "bypassPermissions",
      onToolUse: (use) => seen.push(`use ${use.name}`),
      onToolResult: (result) => seen.push(`result ${result.toolName} ${result.isError}`),
    }).result();
    assertEquals(seen, ["use Bash", "result Bash false"]);
  });
}
