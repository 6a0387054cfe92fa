/**
 * The Agent SDK's options that become CLI flags, settings or `initialize` fields reach the real
 * pinned CLIs, proven by what the CLI does with them (the API request it sends, the events it
 * prints, its `initialize` answer, the files it writes), not by argv. Options only 2.1.x has are
 * tested on it alone; docs/sdk.md says which.
 */
import { deepStrictEqual as assertEquals, ok } from "node:assert";
import type { RecordedRequest } from "../src/fake_api/fake_api.ts";
import type { DecodedItem } from "../src/protocol/events.ts";
import { captureClawError } from "../src/errors/_capture.ts";
import { mcpServer, tool } from "../src/session/mcp_server.ts";
import { run } from "../src/session/run.ts";
import { startSession } from "../src/session/session.ts";
import { offline, PINNED_CLI_VERSIONS } from "./_offline.ts";
import {
  ECHO_SERVER,
  exists,
  forEachCli,
  mentions,
  ProcessMarker,
  requestTexts,
  scripted,
  sessionOptions,
  text,
  toolUse,
  writeFiles,
} from "./_session.ts";

const NEWEST = PINNED_CLI_VERSIONS.filter((version) => !version.startsWith("2.0."));
const is20 = (version: string) => version.startsWith("2.0.");

const REVIEWER = { description: "Reviews code", prompt: "You review code. Be brief." };

/** The texts of a request's `system` blocks. */
function systemText(request: RecordedRequest | undefined): string {
  const system = (request?.body as { system?: unknown })?.system;
  if (typeof system === "string") return system;
  return Array.isArray(system) ? system.map((block) => String(block?.text ?? "")).join("\n") : "";
}

/** The system/init event among `items`. */
function initOf(items: DecodedItem[]): Record<string, unknown> {
  const init = items.find((item) => item.type === "system" && item.subtype === "init");
  ok(init, "the turn printed system/init");
  return init as unknown as Record<string, unknown>;
}

/** A delegation to the `reviewer` agent, as the model calls it on `version`. */
function delegate(version: string) {
  // 2.1.332 names the tool Agent and runs it in the background unless told not to; 2.0.76: Task.
  return is20(version)
    ? toolUse("Task", {
      subagent_type: "reviewer",
      description: "Review foo",
      prompt: "Please review foo()",
    })
    : toolUse("Agent", {
      subagent_type: "reviewer",
      description: "Review foo",
      prompt: "Please review foo()",
      run_in_background: false,
    });
}

forEachCli(
  "agents: a programmatic subagent is listed and answers when the model delegates to it",
  async (version) => {
    const marker = new ProcessMarker();
    await using env = await offline({
      replies: [
        delegate(version),
        text("LGTM from the reviewer."),
        text("The reviewer said LGTM."),
      ],
    });
    await using session = await startSession(sessionOptions(env, version, marker, {
      agents: { reviewer: REVIEWER },
      permissionMode: "bypassPermissions",
    }));
    if (!is20(version)) {
      ok((await session.supportedAgents()).some((agent) => agent.name === "reviewer"));
    }
    const turn = session.send("Get foo() reviewed");
    const items = await Array.fromAsync(turn);
    ok((initOf(items).agents as string[]).includes("reviewer"), "system/init lists the agent");
    assertEquals(await turn.text(), "The reviewer said LGTM.");
    const subagent = scripted(env.api).find((request) =>
      systemText(request).includes(REVIEWER.prompt)
    );
    ok(subagent, "the subagent asked the API with its own system prompt");
    ok(mentions(subagent, "Please review foo()"), "with the delegated prompt");
    ok(mentions(scripted(env.api).at(-1), "LGTM from the reviewer."), "its answer came back");
    await session.close();
    await marker.assertNoneLeft();
  },
);

forEachCli(
  "forwardSubagentText: the subagent's own text reaches the host, under its tool call",
  async (version) => {
    const marker = new ProcessMarker();
    await using env = await offline({
      replies: [delegate(version), text("LGTM from the reviewer."), text("Done.")],
    });
    const items = await Array.fromAsync(run("Get foo() reviewed", {
      ...env.options(version, { env: marker.env }),
      agents: { reviewer: REVIEWER },
      forwardSubagentText: true,
      permissionMode: "bypassPermissions",
    }));
    const forwarded = items.filter((item) =>
      item.type === "assistant" && item.parent_tool_use_id !== null &&
      JSON.stringify(item.message.content).includes("LGTM from the reviewer.")
    );
    assertEquals(forwarded.length, 1);
    await marker.assertNoneLeft();
  },
  NEWEST,
);

// 2.0.76 takes --agent but runs the main thread with its own system prompt.
forEachCli("agent: the main thread runs as the named agent, with its prompt", async (version) => {
  const marker = new ProcessMarker();
  await using env = await offline({ replies: [text("Reviewed.")] });
  const answer = await run("Review this", {
    ...env.options(version, { env: marker.env }),
    agents: { reviewer: REVIEWER },
    agent: "reviewer",
  }).text();
  assertEquals(answer, "Reviewed.");
  ok(
    systemText(scripted(env.api)[0]).includes(REVIEWER.prompt),
    "the agent's prompt is the system",
  );
  await marker.assertNoneLeft();
}, NEWEST);

forEachCli("plugins: a plugin folder's command is offered", async (version) => {
  const marker = new ProcessMarker();
  await using env = await offline({ replies: [text("Hello, world.")] });
  const folder = `${env.home}/hello-plugin`;
  await writeFiles(folder, {
    ".claude-plugin/plugin.json": JSON.stringify({ name: "hello-plugin", version: "0.1.0" }),
    "commands/hello.md": "---\ndescription: Say hello\n---\nSay hello to $ARGUMENTS.\n",
  });
  await using session = await startSession(sessionOptions(env, version, marker, {
    plugins: [{ type: "local", path: folder }],
  }));
  const commands = await session.supportedCommands();
  ok(commands.some((command) => command.name === "hello-plugin:hello"), "in the initialize answer");
  const turn = session.send("/hello-plugin:hello world");
  ok(
    (initOf(await Array.fromAsync(turn)).slash_commands as string[]).includes("hello-plugin:hello"),
  );
  ok(mentions(scripted(env.api)[0], "Say hello to world."), "the command's prompt was sent");
  await session.close();
  await marker.assertNoneLeft();
});

forEachCli(
  "thinking, maxThinkingTokens, effort, betas and taskBudget reach the API request",
  async (version, t) => {
    const marker = new ProcessMarker();
    await using env = await offline({ replies: [text("Hi.")], when_exhausted: "repeat_last" });
    const last = () => scripted(env.api).at(-1)!;
    const body = () =>
      last().body as {
        thinking?: { type?: string; budget_tokens?: number; display?: string };
        output_config?: { effort?: string; task_budget?: { total?: number } };
      };
    const options = env.options(version, { env: marker.env });
    await t.step("maxThinkingTokens and betas (both CLIs)", async () => {
      await run("Hi", {
        ...options,
        model: "claude-sonnet-4-5",
        maxThinkingTokens: 2048,
        betas: ["context-1m-2025-08-07"], // the CLI passes on only betas it knows
      }).result();
      assertEquals(body().thinking?.budget_tokens, 2048);
      ok(last().headers["anthropic-beta"]?.split(",").includes("context-1m-2025-08-07"));
    });
    if (is20(version)) return;
    await t.step("thinking (adaptive with a display), effort and taskBudget (2.1)", async () => {
      await run("Hi", {
        ...options,
        thinking: { type: "adaptive", display: "summarized" },
        effort: "high",
        taskBudget: { total: 20_000 },
      }).result();
      assertEquals([body().thinking?.type, body().thinking?.display], ["adaptive", "summarized"]);
      assertEquals(body().output_config?.effort, "high");
      assertEquals(body().output_config?.task_budget?.total, 20_000);
    });
    await t.step("thinking disabled (2.1)", async () => {
      await run("Hi", { ...options, model: "claude-sonnet-4-5", thinking: { type: "disabled" } })
        .result();
      assertEquals(body().thinking?.type, "disabled");
    });
    await marker.assertNoneLeft();
  },
);

forEachCli(
  "debug and debugFile: the CLI writes its debug log; stderr hands over its lines as they come",
  async (version, t) => {
    const marker = new ProcessMarker();
    await using env = await offline({ replies: [text("Hi.")], when_exhausted: "repeat_last" });
    const options = env.options(version, { env: marker.env });
    await t.step("debug: a log under the config dir's debug folder", async () => {
      await run("Hi", { ...options, debug: true }).result();
      const logs = await Array.fromAsync(Deno.readDir(`${env.home}/.claude/debug`));
      ok(logs.some((entry) => entry.name.endsWith(".txt")), JSON.stringify(logs));
    });
    await t.step("stderr: each line, before the result", async () => {
      const seen: string[] = [];
      for await (
        const event of run("Hi", {
          ...options,
          extraArgs: ["--debug-to-stderr"],
          stderr: (line) => seen.push(`stderr ${line}`),
        })
      ) {
        seen.push(`event ${event.type}`);
      }
      const firstLine = seen.findIndex((entry) => entry.includes("[DEBUG]"));
      ok(firstLine >= 0, "the debug lines came through the callback");
      ok(firstLine < seen.indexOf("event result"), "as they came, before the result");
    });
    if (is20(version)) return;
    await t.step("debugFile (2.1): the log goes to that file", async () => {
      const file = `${env.home}/debug.log`;
      await run("Hi", { ...options, debugFile: file }).result();
      ok((await Deno.readTextFile(file)).includes("[DEBUG]"));
    });
    await marker.assertNoneLeft();
  },
);

forEachCli("sandbox: the CLI reads the sandbox settings claw passes", async (version) => {
  const marker = new ProcessMarker();
  await using env = await offline({ replies: [text("Hi.")] });
  const stderr: string[] = [];
  await using session = await startSession(sessionOptions(env, version, marker, {
    sandbox: { enabled: true },
    settings: { outputStyle: "default" },
    stderr: (line) => stderr.push(line),
  }));
  await session.send("Hi").result();
  const info = await session.initializationResult();
  // Without bubblewrap and socat the CLI says so and runs unsandboxed; with them it sandboxes.
  ok(
    info.sandbox_enabled === true || stderr.some((line) => /Sandbox disabled/.test(line)),
    `neither sandboxed nor told why: ${stderr.join("\n")}`,
  );
  await session.close();
  await marker.assertNoneLeft();
}, NEWEST);

forEachCli(
  "includeHookEvents: a command hook's start and response are events of the turn",
  async (version) => {
    const marker = new ProcessMarker();
    await using env = await offline({
      replies: [toolUse("Bash", { command: "echo ran" }), text("Ran.")],
    });
    const items = await Array.fromAsync(run("Run it", {
      ...env.options(version, { env: marker.env }),
      permissionMode: "bypassPermissions",
      includeHookEvents: true,
      settings: {
        hooks: { PreToolUse: [{ matcher: "Bash", hooks: [{ type: "command", command: "true" }] }] },
      },
    }));
    const hooks = items.filter((item) => item.type === "system" && /^hook_/.test(item.subtype))
      .map((item) => (item as { subtype: string }).subtype);
    ok(hooks.includes("hook_started") && hooks.includes("hook_response"), hooks.join(", "));
    await marker.assertNoneLeft();
  },
  NEWEST,
);

forEachCli(
  "resumeSessionAt: a resumed session is cut after the given message",
  async (version) => {
    const marker = new ProcessMarker();
    await using env = await offline({
      replies: [text("Noted one."), text("Noted two."), text("You said one.")],
    });
    let id: string | undefined;
    let firstAnswer: string | undefined;
    {
      await using session = await startSession(sessionOptions(env, version, marker));
      const first = await Array.fromAsync(session.send("Remember one"));
      firstAnswer = first.findLast((item) => item.type === "assistant")?.uuid;
      await session.send("Remember two").result();
      id = session.sessionId;
    }
    ok(id && firstAnswer);
    await using resumed = await startSession(sessionOptions(env, version, marker, {
      resume: id,
      resumeSessionAt: firstAnswer,
    }));
    assertEquals(await resumed.send("What did I say?").text(), "You said one.");
    const texts = requestTexts(scripted(env.api).at(-1));
    ok(texts.some((value) => value.includes("Remember one")), "the first turn is kept");
    ok(!texts.some((value) => value.includes("Remember two")), "the second is cut");
    await resumed.close();
    await marker.assertNoneLeft();
  },
);

forEachCli(
  "resumeDropsTurn: a cut that would drop more than the named turn is refused",
  async (version) => {
    const marker = new ProcessMarker();
    await using env = await offline({
      replies: [text("Noted one."), text("Noted two."), text("You said one.")],
    });
    let id: string | undefined;
    let firstAnswer: string | undefined;
    let second: string | undefined;
    let first: string | undefined;
    {
      await using session = await startSession(sessionOptions(env, version, marker));
      const turn = session.send("Remember one");
      firstAnswer = (await Array.fromAsync(turn)).findLast((item) => item.type === "assistant")
        ?.uuid;
      first = turn.userMessageId;
      const next = session.send("Remember two");
      await next.result();
      second = next.userMessageId;
      await session.close();
      id = session.sessionId;
    }
    const cut = (dropped: string) =>
      startSession(sessionOptions(env, version, marker, {
        resume: id!,
        resumeSessionAt: firstAnswer!,
        resumeDropsTurn: dropped,
      }));
    const refused = await captureClawError(cut(first!));
    assertEquals(refused.kind, "cli_usage");
    ok(refused.message.startsWith("Resume rejected by --resume-drops-turn"), refused.message);
    await using right = await cut(second!);
    assertEquals(await right.send("What did I say?").text(), "You said one.");
    await right.close();
    await marker.assertNoneLeft();
  },
  NEWEST,
);

forEachCli(
  "permissionPrompts none: what needs approval is denied without asking canUseTool",
  async (version) => {
    const marker = new ProcessMarker();
    await using env = await offline({
      replies: [toolUse("Bash", { command: "touch asked.txt" }), text("Denied.")],
    });
    const asked: string[] = [];
    await using session = await startSession(sessionOptions(env, version, marker, {
      permissionPrompts: "none",
      canUseTool: (tool) => {
        asked.push(tool);
        return { behavior: "allow" };
      },
    }));
    const result = await session.send("Touch it").result();
    assertEquals(asked, []);
    assertEquals(result.permission_denials.length, 1);
    await session.close();
    await marker.assertNoneLeft();
  },
  NEWEST,
);

forEachCli(
  "projectConfigRoot: the project's commands come from that folder",
  async (version) => {
    const marker = new ProcessMarker();
    await using env = await offline({ replies: [text("Hi.")] });
    const root = `${env.home}/main-checkout`;
    await writeFiles(root, {
      ".claude/commands/rooted.md": "---\ndescription: From the root\n---\nSay rooted.\n",
    });
    await using session = await startSession(sessionOptions(env, version, marker, {
      projectConfigRoot: root,
    }));
    ok((await session.supportedCommands()).some((command) => command.name === "rooted"));
    await session.close();
    await marker.assertNoneLeft();
  },
  NEWEST,
);

forEachCli("title: the session is named, and the CLI stores the name", async (version) => {
  const marker = new ProcessMarker();
  await using env = await offline({ replies: [text("Hi.")] });
  await using session = await startSession(sessionOptions(env, version, marker, {
    title: "Release notes draft",
  }));
  const items = await Array.fromAsync(session.send("Hi"));
  const changed = items.find((item) =>
    item.type === "system" && item.subtype === "session_title_changed"
  );
  assertEquals((changed as { title?: string } | undefined)?.title, "Release notes draft");
  await session.close();
  const folder = `${env.home}/.claude/projects`;
  const [project] = await Array.fromAsync(Deno.readDir(folder));
  const stored = await Deno.readTextFile(`${folder}/${project!.name}/${session.sessionId}.jsonl`);
  ok(stored.includes('"customTitle":"Release notes draft"'));
  await marker.assertNoneLeft();
}, NEWEST);

forEachCli("verbatimPrompts: a prompt's @file is sent as written", async (version) => {
  const marker = new ProcessMarker();
  await using env = await offline({ replies: [text("Read.")], when_exhausted: "repeat_last" });
  await writeFiles(env.cwd, { "notes.txt": "the secret word is plum\n" });
  for (const verbatimPrompts of [false, true]) {
    await using session = await startSession(sessionOptions(env, version, marker, {
      verbatimPrompts,
    }));
    await session.send("Summarise @notes.txt").result();
    const expanded = mentions(scripted(env.api).at(-1), "the secret word is plum");
    assertEquals(expanded, !verbatimPrompts, `verbatimPrompts: ${verbatimPrompts}`);
  }
  await marker.assertNoneLeft();
}, NEWEST);

forEachCli("planModeInstructions: plan mode works by the given instructions", async (version) => {
  const marker = new ProcessMarker();
  await using env = await offline({ replies: [text("A plan.")] });
  await using session = await startSession(sessionOptions(env, version, marker, {
    permissionMode: "plan",
    planModeInstructions: "Write the plan as a haiku about claw-plan-42.",
  }));
  await session.send("Plan the work").result();
  ok(mentions(scripted(env.api)[0], "claw-plan-42"), "the request carries the instructions");
  await session.close();
  await marker.assertNoneLeft();
}, NEWEST);

forEachCli(
  "skills: only the listed skills are offered to the model",
  async (version) => {
    const marker = new ProcessMarker();
    await using env = await offline({ replies: [text("Hi.")] });
    for (const name of ["alpha", "beta"]) {
      await writeFiles(env.cwd, {
        [`.claude/skills/${name}/SKILL.md`]:
          `---\nname: ${name}\ndescription: The ${name} skill\n---\nDo ${name}.\n`,
      });
    }
    await using session = await startSession(sessionOptions(env, version, marker, {
      skills: ["alpha"],
    }));
    await session.send("Hi").result();
    const request = JSON.stringify(scripted(env.api)[0]?.body);
    ok(request.includes("The alpha skill"), "the listed skill is offered");
    ok(!request.includes("The beta skill"), "the other is not");
    await session.close();
    await marker.assertNoneLeft();
  },
  NEWEST,
);

forEachCli(
  "toolAliases: a call of an aliased tool runs the tool it names",
  async (version) => {
    const marker = new ProcessMarker();
    await using env = await offline({
      replies: [toolUse("Bash", { command: "echo routed" }), text("Routed.")],
    });
    const ran: string[] = [];
    const shell = mcpServer("shell", [
      tool<{ command: string }>(
        "run",
        "Runs a command in the sandbox",
        { type: "object", properties: { command: { type: "string" } } },
        ({ command }) => {
          ran.push(command);
          return "sandboxed: routed";
        },
      ),
    ]);
    await using session = await startSession(sessionOptions(env, version, marker, {
      permissionMode: "bypassPermissions",
      mcpServers: { shell },
      toolAliases: { Bash: "mcp__shell__run" },
    }));
    assertEquals(await session.send("Run it").text(), "Routed.");
    assertEquals(ran, ["echo routed"]);
    ok(
      mentions(scripted(env.api).at(-1), "sandboxed: routed"),
      "the model got the MCP tool's answer",
    );
    await session.close();
    await marker.assertNoneLeft();
  },
  NEWEST,
);

forEachCli(
  "onElicitation: an MCP server's question to the user is answered by the callback",
  async (version) => {
    const marker = new ProcessMarker();
    await using env = await offline({
      replies: [toolUse("mcp__echo__ask", {}), text("Hello, Ada.")],
    });
    const asked: string[] = [];
    await using session = await startSession(sessionOptions(env, version, marker, {
      permissionMode: "bypassPermissions",
      mcpServers: {
        echo: ECHO_SERVER,
      },
      onElicitation: (request) => {
        asked.push(`${request.serverName}: ${request.message}`);
        return { action: "accept", content: { name: "Ada" } };
      },
    }));
    assertEquals(await session.send("Ask my name").text(), "Hello, Ada.");
    assertEquals(asked, ["echo: What is your name?"]);
    ok(mentions(scripted(env.api).at(-1), '"name":"Ada"'), "the server got the answer");
    await session.close();
    await marker.assertNoneLeft();
  },
  NEWEST, // 2.0.76 never hands an elicitation to the host
);

forEachCli(
  "permissionPromptTool: an MCP tool decides on the calls that need approval",
  async (version) => {
    const marker = new ProcessMarker();
    await using env = await offline({
      replies: [
        toolUse("Bash", { command: "touch approved.txt" }),
        text("Approved."),
        toolUse("Bash", { command: "touch refused.txt" }),
        text("Refused."),
      ],
    });
    await using session = await startSession(sessionOptions(env, version, marker, {
      mcpServers: {
        echo: ECHO_SERVER,
      },
      permissionPromptTool: "mcp__echo__approve",
    }));
    await session.send("Touch approved.txt").result();
    const refused = await session.send("Touch refused.txt").result();
    assertEquals(await exists(`${env.cwd}/approved.txt`), true);
    assertEquals(await exists(`${env.cwd}/refused.txt`), false);
    assertEquals(refused.permission_denials.length, 1);
    ok(mentions(scripted(env.api).at(-1), "Not that one"), "the model was told why");
    await session.close();
    await marker.assertNoneLeft();
  },
);
