import { ok as assert, strictEqual } from "node:assert";
import { checkNestedSession } from "./nested_session_check.ts";

Deno.test("nested session check is ok outside a Claude Code session", () => {
  const check = checkNestedSession({ env: { PATH: "/bin", CLAUDECODE: "" } });
  strictEqual(check.id, "nested_session");
  strictEqual(check.status, "ok");
  strictEqual(check.fix, undefined);
});

Deno.test("nested session check warns when CLAUDECODE is set and says how to unset it", () => {
  const check = checkNestedSession({ env: { CLAUDECODE: "1" } });
  strictEqual(check.status, "warn");
  assert(
    check.detail.startsWith('CLAUDECODE="1" is set: this shell runs inside a Claude Code session'),
  );
  assert(check.detail.includes("claw removes it for the CLIs it starts"));
  strictEqual(check.fix, "Run unset CLAUDECODE before starting claude by hand from this shell");
});

Deno.test("nested session check names both variables when both are set", () => {
  const check = checkNestedSession({ env: { CLAUDECODE: "1", CLAUDE_CODE_ENTRYPOINT: "sdk-ts" } });
  strictEqual(check.status, "warn");
  assert(check.detail.startsWith('CLAUDECODE="1" and CLAUDE_CODE_ENTRYPOINT="sdk-ts" are set'));
  strictEqual(
    check.fix,
    "Run unset CLAUDECODE CLAUDE_CODE_ENTRYPOINT before starting claude by hand from this shell",
  );
});

Deno.test("nested session check does not print an odd value", () => {
  const check = checkNestedSession({ env: { CLAUDE_CODE_ENTRYPOINT: "x y z; SECRETVALUE" } });
  strictEqual(check.status, "warn");
  assert(check.detail.startsWith("CLAUDE_CODE_ENTRYPOINT is set"), check.detail);
  assert(!check.detail.includes("SECRETVALUE"));
});
