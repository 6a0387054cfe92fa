import { deepStrictEqual as assertEquals, throws } from "node:assert";
import { registerHooks } from "./hooks.ts";

Deno.test("registerHooks passes onFailure and timeout to the CLI and keeps each callback's policy", () => {
  const registry = registerHooks({
    PreToolUse: [
      { matcher: "Bash", onFailure: "block", timeout: 2, hooks: [() => ({}), () => ({})] },
      { matcher: "Write", hooks: [() => ({})] },
    ],
  });
  assertEquals(registry.initialize, {
    PreToolUse: [
      { matcher: "Bash", hookCallbackIds: ["hook_0", "hook_1"], timeout: 2, onFailure: "block" },
      { matcher: "Write", hookCallbackIds: ["hook_2"] },
    ],
  });
  assertEquals(Object.fromEntries(registry.policies), {
    hook_0: { onFailure: "block", timeoutMs: 2000 },
    hook_1: { onFailure: "block", timeoutMs: 2000 },
    hook_2: { onFailure: "continue" },
  });
});

Deno.test("registerHooks refuses a bad onFailure or timeout, naming where it is", () => {
  throws(
    () => registerHooks({ Stop: [{ onFailure: "crash" as never, hooks: [() => ({})] }] }),
    /Invalid hooks.Stop\[0\].onFailure "crash": it must be continue or block/,
  );
  throws(
    () => registerHooks({ Stop: [{ timeout: 0, hooks: [() => ({})] }] }),
    /Invalid hooks.Stop\[0\].timeout "0": it must be a positive number of seconds/,
  );
});
