import { deepStrictEqual as assertEquals } from "node:assert";
import { compareVersions, parseCliVersion, versionStanding } from "./version.ts";

Deno.test("parseCliVersion reads the CLI's --version output and refuses anything else", () => {
  assertEquals(parseCliVersion("2.1.328 (Claude Code)\n"), [2, 1, 328]);
  assertEquals(parseCliVersion("2.0.76 (Claude Code)"), [2, 0, 76]);
  assertEquals(parseCliVersion("command not found"), undefined);
});

Deno.test("versions compare numerically, not as strings", () => {
  assertEquals(compareVersions("2.0.76", "2.0.8") > 0, true);
  assertEquals(compareVersions("2.1.328", "2.1.328"), 0);
});

Deno.test("versionStanding places versions against the supported range", () => {
  assertEquals(versionStanding("2.0.75"), "below_minimum");
  assertEquals(versionStanding("2.0.76"), "supported");
  assertEquals(versionStanding("2.1.0"), "supported");
  assertEquals(versionStanding("2.1.329"), "newer_than_tested");
  assertEquals(versionStanding("dev"), "unknown");
});
