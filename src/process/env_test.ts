import { deepStrictEqual as assertEquals } from "node:assert";
import { buildEnv } from "./env.ts";

Deno.test("buildEnv merges the caller's variables over the inherited ones", () => {
  const env = buildEnv({
    hostEnv: { PATH: "/bin", LANG: "C" },
    env: { LANG: "en_US.UTF-8", X: "1" },
  });
  assertEquals(env, { PATH: "/bin", LANG: "en_US.UTF-8", X: "1" });
});

Deno.test("buildEnv strips the nested-session and debugger variables", () => {
  const env = buildEnv({
    hostEnv: {
      PATH: "/bin",
      CLAUDECODE: "1",
      CLAUDE_CODE_ENTRYPOINT: "cli",
      BUN_INSPECT: "ws://x",
      NODE_OPTIONS: "--inspect=9229 --max-old-space-size=4096",
    },
  });
  assertEquals(env, { PATH: "/bin", NODE_OPTIONS: "--max-old-space-size=4096" });
});

Deno.test("buildEnv removes NODE_OPTIONS entirely when it held only debugger flags", () => {
  assertEquals(buildEnv({ hostEnv: { NODE_OPTIONS: "--inspect-brk" } }), {});
});

Deno.test("buildEnv with inheritEnv false starts empty, and undefined removes a variable", () => {
  assertEquals(buildEnv({ inheritEnv: false, hostEnv: { SECRET: "x" }, env: { A: "1" } }), {
    A: "1",
  });
  assertEquals(buildEnv({ hostEnv: { A: "1", B: "2" }, env: { B: undefined } }), { A: "1" });
});
