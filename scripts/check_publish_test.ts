import { deepStrictEqual as assertEquals } from "node:assert";
import { publishedFiles, reportedProblems, unwantedFiles } from "./check_publish.ts";

// Output in the shape deno 2.9 prints, written here by hand: the check reads only these lines.
const DRY_RUN = [
  "Checking for slow types in the public API...",
  "\x1b[1m\x1b[33mwarning[unanalyzable-dynamic-import]\x1b[0m: unable to analyze dynamic import",
  "  --> /repo/src/cli/_lazy.ts:11:17",
  "error[missing-license]: missing license field or file",
  "Simulating publish of @claw/claw@0.1.0 with files:",
  "   file:///repo/LICENSE (1.05KB)",
  "   file:///repo/src/mod.ts (9.1KB)",
  "   file:///repo/src/mod_test.ts (2KB)",
  "   file:///repo/tests/run_test.ts (3KB)",
  "   file:///repo/fixtures/demo/demo.ndjson (8.02KB)",
  "   file:///repo/fixtures/cassettes/2.1.332/hello.ndjson (1KB)",
  "Success Dry run complete",
].join("\n");

Deno.test("the package check reads the problems deno prints, without their colours", () => {
  assertEquals(reportedProblems(DRY_RUN), [
    "warning[unanalyzable-dynamic-import]: unable to analyze dynamic import",
    "error[missing-license]: missing license field or file",
  ]);
});

Deno.test("the package check refuses tests, scripts and fixtures other than the demo", () => {
  const files = publishedFiles(DRY_RUN, "/repo");
  assertEquals(files.length, 6);
  assertEquals(unwantedFiles(files), [
    "src/mod_test.ts",
    "tests/run_test.ts",
    "fixtures/cassettes/2.1.332/hello.ndjson",
  ]);
});

Deno.test("the package as it stands ships only what the runtime reads", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["publish", "--dry-run", "--allow-dirty"],
    cwd: new URL("..", import.meta.url),
    env: { NO_COLOR: "1" },
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  const root = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
  const files = publishedFiles(text, root);
  assertEquals(unwantedFiles(files), []);
  assertEquals(files.includes("src/mod.ts") && files.includes("LICENSE"), true);
});
