import { deepStrictEqual as assertEquals } from "node:assert";
import { ClawError } from "../errors/claw_error.ts";
import { UsageError } from "./_args.ts";
import { errorJson, errorReport } from "./_error_json.ts";

Deno.test("errorReport keeps a ClawError's kind, hint and run details, in the stable key order", () => {
  const error = new ClawError("rate_limit", "Too many requests", {
    requestId: "req_1",
    sessionId: "s-1",
    exitCode: 1,
    stderrTail: "429",
  });
  assertEquals(JSON.parse(errorJson(error)), {
    error: {
      kind: "rate_limit",
      message: "Too many requests",
      hint: error.hint,
      request_id: "req_1",
      session_id: "s-1",
      exit_code: 1,
      signal: null,
      stderr_tail: "429",
    },
  });
});

Deno.test("errorReport makes a usage error kind usage, naming the command's help when it knows it", () => {
  const error = new UsageError("Missing --script FILE");
  assertEquals(errorReport(error).error.hint, "Fix the option: nothing was started");
  assertEquals(
    errorReport(error, "fake-api").error.hint,
    "Fix the option: nothing was started (claw fake-api --help lists the options)",
  );
});

Deno.test("errorReport makes a file system error, or one caused by it, kind io with the outer message", () => {
  const cause = new Deno.errors.PermissionDenied("Permission denied (os error 13)");
  const error = new Error('Cannot save the cassette "x.ndjson" after the run', { cause });
  const { kind, message } = errorReport(error).error;
  assertEquals([kind, message], ["io", 'Cannot save the cassette "x.ndjson" after the run']);
  assertEquals(errorReport(cause).error.kind, "io");
});

Deno.test("errorReport makes a full disk and a name too long kind io, as Deno raises them", async () => {
  const full = await Deno.writeTextFile("/dev/full", "x").then(() => undefined, (error) => error);
  const long = await Deno.stat(`/tmp/${"x".repeat(300)}`).then(() => undefined, (error) => error);
  for (const [error, hint] of [[full, /Free some space/], [long, /shorter file name/]]) {
    // Plain Errors with an errno code, not Deno.errors classes.
    assertEquals(error?.constructor, Error);
    const report = errorReport(new Error('Cannot write "x"', { cause: error })).error;
    assertEquals(report.kind, "io");
    assertEquals((hint as RegExp).test(report.hint), true, report.hint);
    assertEquals(errorReport(error).error.kind, "io");
  }
  assertEquals(
    errorReport(full).error.message,
    "No space left on device (os error 28): writefile '/dev/full'",
  );
});

Deno.test("errorReport makes anything unexpected kind internal, with the error's name", () => {
  assertEquals(
    errorReport(new TypeError("x is undefined")).error.message,
    "TypeError: x is undefined",
  );
  assertEquals(errorReport("a thrown string").error, {
    kind: "internal",
    message: "a thrown string",
    hint: "claw did not expect this error: please report it with the command that caused it",
    request_id: null,
    session_id: null,
    exit_code: null,
    signal: null,
    stderr_tail: null,
  });
});
