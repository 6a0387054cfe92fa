import { deepStrictEqual as assertEquals, throws } from "node:assert";
import { ClawError, InvalidOptionError } from "../errors/claw_error.ts";
import { buildArgs, type CliFlags, validateFlags } from "./options.ts";

function usageMessage(flags: CliFlags): string {
  try {
    validateFlags(flags);
  } catch (error) {
    if (error instanceof ClawError && error.kind === "usage") return error.message;
    throw error;
  }
  throw new Error("expected a usage error");
}

Deno.test("buildArgs puts every value in --flag=value form so a leading dash is never a flag", () => {
  assertEquals(buildArgs({ systemPrompt: "-be terse", model: "sonnet" }), [
    "--model=sonnet",
    "--system-prompt=-be terse",
  ]);
});

Deno.test("buildArgs covers the session, tool, limit and MCP flags", () => {
  const args = buildArgs({
    fallbackModel: "haiku",
    permissionMode: "acceptEdits",
    appendSystemPromptFile: "extra.md",
    tools: ["Bash", "Read"],
    allowedTools: ["Bash(git *)", "Edit"],
    disallowedTools: ["WebFetch"],
    maxTurns: 3,
    maxBudgetUsd: 0.5,
    mcpConfig: ["a.json", "b.json"],
    strictMcpConfig: true,
    jsonSchema: { type: "object" },
    includePartialMessages: true,
    resume: "0b7e3b1c-34f4-4b47-9bf5-1f2a3d4e5f60",
    forkSession: true,
    noSessionPersistence: true,
    settingSources: ["user", "project"],
    settings: "{}",
    addDirs: ["../lib"],
    extraArgs: ["--effort", "high"],
  });
  assertEquals(args, [
    "--fallback-model=haiku",
    "--permission-mode=acceptEdits",
    "--append-system-prompt-file=extra.md",
    "--tools=Bash,Read",
    "--allowedTools=Bash(git *),Edit",
    "--disallowedTools=WebFetch",
    "--max-turns=3",
    "--max-budget-usd=0.5",
    "--mcp-config=a.json",
    "--mcp-config=b.json",
    "--strict-mcp-config",
    '--json-schema={"type":"object"}',
    "--include-partial-messages",
    "--resume=0b7e3b1c-34f4-4b47-9bf5-1f2a3d4e5f60",
    "--fork-session",
    "--no-session-persistence",
    "--setting-sources=user,project",
    "--settings={}",
    "--add-dir=../lib",
    "--effort",
    "high",
  ]);
});

Deno.test("buildArgs passes an empty tool list as --tools= (no tools)", () => {
  assertEquals(buildArgs({ tools: [] }), ["--tools="]);
});

Deno.test("validateFlags refuses bad numbers, modes and ids with the offending value", () => {
  assertEquals(
    usageMessage({ maxTurns: 1.5 }),
    'Invalid maxTurns "1.5": it must be a whole number of at least 1',
  );
  assertEquals(
    usageMessage({ maxBudgetUsd: -1 }),
    'Invalid maxBudgetUsd "-1": it must be a positive number of dollars',
  );
  throws(
    () => validateFlags({ permissionMode: "yolo" as never }),
    /Invalid permissionMode "yolo": it must be one of default, /,
  );
  throws(() => validateFlags({ sessionId: "abc" }), /Invalid sessionId "abc": it must be a UUID/);
});

Deno.test("validateFlags names the options so a caller can say them its own way", () => {
  try {
    validateFlags({ continue: true, resume: "x" });
  } catch (error) {
    if (!(error instanceof InvalidOptionError)) throw error;
    assertEquals(error.options, ["continue", "resume"]);
    const flag = (option: string) => `--${option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    assertEquals(error.describe(flag), "Pass either --continue or --resume, not both");
    return;
  }
  throw new Error("expected an InvalidOptionError");
});

Deno.test("validateFlags refuses combinations the CLI would reject or ignore", () => {
  throws(() => validateFlags({ systemPrompt: "a", systemPromptFile: "b" }), /either systemPrompt/);
  throws(() => validateFlags({ continue: true, resume: "x" }), /either continue or resume/);
  throws(() => validateFlags({ forkSession: true }), /forkSession needs resume or continue/);
  throws(() => validateFlags({ strictMcpConfig: true }), /strictMcpConfig needs mcpConfig/);
  throws(
    () => validateFlags({ continue: true, sessionId: "0b7e3b1c-34f4-4b47-9bf5-1f2a3d4e5f60" }),
    /needs forkSession/,
  );
});

Deno.test("validateFlags accepts a valid full set", () => {
  validateFlags({
    maxTurns: 2,
    maxBudgetUsd: 0.01,
    permissionMode: "plan",
    resume: "x",
    forkSession: true,
    sessionId: "0b7e3b1c-34f4-4b47-9bf5-1f2a3d4e5f60",
  });
});

Deno.test("buildArgs turns the Agent SDK's options into the CLI's flags", () => {
  const plugin = Deno.makeTempDirSync();
  try {
    assertEquals(
      buildArgs({
        allowedTools: ["Read"],
        skills: ["pdf", "Read"],
        agents: { reviewer: { description: "Reviews", prompt: "Review." } },
        agent: "reviewer",
        plugins: [{ type: "local", path: plugin }],
        betas: ["a", "b"],
        effort: "high",
        thinking: { type: "enabled", budgetTokens: 2048, display: "summarized" },
        debugFile: "/tmp/debug.log",
        debug: true,
        resume: "s1",
        resumeSessionAt: "m1",
        resumeDropsTurn: "u2",
        includeHookEvents: true,
        forwardSubagentText: true,
        taskBudget: { total: 20000 },
        permissionPrompts: "none",
        settings: { model: "haiku" },
        sandbox: { enabled: true },
      }),
      [
        "--allowedTools=Read,Skill(pdf),Skill(Read)",
        "--resume=s1",
        '--settings={"model":"haiku","sandbox":{"enabled":true}}',
        '--agents={"reviewer":{"description":"Reviews","prompt":"Review."}}',
        "--agent=reviewer",
        `--plugin-dir=${plugin}`,
        "--betas=a,b",
        "--effort=high",
        "--max-thinking-tokens=2048",
        "--thinking-display=summarized",
        "--debug-file=/tmp/debug.log",
        "--resume-session-at=m1",
        "--resume-drops-turn=u2",
        "--include-hook-events",
        "--forward-subagent-text",
        "--task-budget=20000",
        "--permission-prompts=none",
      ],
    );
  } finally {
    Deno.removeSync(plugin);
  }
  assertEquals(buildArgs({ thinking: { type: "adaptive" } }), ["--thinking=adaptive"]);
  assertEquals(buildArgs({ thinking: { type: "disabled" } }), ["--thinking=disabled"]);
  assertEquals(buildArgs({ skills: "all", debug: true }), ["--allowedTools=Skill", "--debug"]);
});

Deno.test("validateFlags refuses bad values of the Agent SDK's options before anything starts", () => {
  throws(() => validateFlags({ effort: "extreme" as never }), /Invalid effort "extreme"/);
  throws(() => validateFlags({ thinking: { type: "on" } as never }), /Invalid thinking.type "on"/);
  throws(
    () => validateFlags({ thinking: { type: "enabled", budgetTokens: -1 } }),
    /Invalid thinking.budgetTokens "-1"/,
  );
  throws(
    () => validateFlags({ thinking: { type: "adaptive" }, maxThinkingTokens: 10 }),
    /either thinking or maxThinkingTokens/,
  );
  throws(
    () => validateFlags({ agents: { reviewer: { description: "no prompt" } as never } }),
    /Invalid agents.reviewer/,
  );
  throws(
    () => validateFlags({ plugins: [{ type: "local", path: "/nonexistent/plugin" }] }),
    /Invalid plugins\[0\].path "\/nonexistent\/plugin": it must be an existing plugin folder/,
  );
  throws(() => validateFlags({ resumeSessionAt: "m1" }), /resumeSessionAt needs resume/);
  throws(() => validateFlags({ resume: "s", resumeDropsTurn: "u" }), /needs resumeSessionAt/);
  throws(() => validateFlags({ permissionPrompts: "ask" as never }), /host or none/);
  throws(() => validateFlags({ projectConfigRoot: "relative" }), /absolute path/);
  throws(() => validateFlags({ taskBudget: { total: 0 } }), /Invalid taskBudget.total/);
  throws(
    () => validateFlags({ sandbox: { enabled: true }, settings: "settings.json" }),
    /sandbox goes into the settings claw passes, which cannot be a file/,
  );
  throws(
    () => validateFlags({ sandbox: { enabled: true }, settings: "{not json" }),
    /Invalid settings "\{not json": it must be valid JSON/,
  );
});
