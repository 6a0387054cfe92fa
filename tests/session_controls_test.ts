/**
 * Every control request a session sends beyond turns, against the real pinned CLIs and the fake
 * API: on 2.1.332 each method settles with a typed answer and its effect is checked where the CLI
 * shows one (the next request, a file, a server's state); on 2.0.76 the ones it never answers fail
 * `unsupported` at once, and the ones it serves work. One session per CLI, one step per method.
 */
import { deepStrictEqual as assertEquals, ok } from "node:assert";
import { captureClawError } from "../src/errors/_capture.ts";
import { mcpServer, tool } from "../src/session/mcp_server.ts";
import { startSession } from "../src/session/session.ts";
import { timed } from "../src/process/_stand_in.ts";
import { offline, PINNED_CLI_VERSIONS } from "./_offline.ts";
import {
  ECHO_SERVER,
  forEachCli,
  ProcessMarker,
  scripted,
  sessionOptions,
  text,
  toolUse,
  writeFiles,
} from "./_session.ts";

const NEWEST = PINNED_CLI_VERSIONS.filter((version) => !version.startsWith("2.0."));
const OLDEST = PINNED_CLI_VERSIONS.filter((version) => version.startsWith("2.0."));

/** An in-process MCP server named `name` with an `add` tool that records its calls. */
function calculator(name: string, calls: string[]) {
  return mcpServer(name, [
    tool<{ a: number; b: number }>(
      "add",
      "Adds two numbers",
      { type: "object", properties: { a: { type: "number" }, b: { type: "number" } } },
      ({ a, b }) => {
        calls.push(`${name}: ${a} + ${b}`);
        return String(a + b);
      },
    ),
  ]);
}

const PLUGIN_FILES = {
  ".claude-plugin/plugin.json": JSON.stringify({ name: "hello-plugin", version: "0.1.0" }),
  "commands/hello.md": "---\ndescription: Say hello\n---\nSay hello to $ARGUMENTS.\n",
};

forEachCli(
  "every control method of a session settles with its typed answer",
  async (version, t) => {
    const marker = new ProcessMarker();
    await using env = await offline({
      replies: [text("One."), toolUse("mcp__calc2__add", { a: 2, b: 3 }), text("Five.")],
      when_exhausted: "repeat_last",
    });
    const starts = `${env.home}/mcp-starts.txt`;
    await writeFiles(env.cwd, { "notes.txt": "hello file\n" });
    const calls: string[] = [];
    await using session = await startSession(sessionOptions(env, version, marker, {
      permissionMode: "bypassPermissions",
      env: { MCP_STARTS_FILE: starts },
      hooks: { PreToolUse: [{ matcher: "Bash", hooks: [() => ({})] }] },
      mcpServers: {
        calc: calculator("calc", calls),
        echo: ECHO_SERVER,
      },
      controlTimeoutMs: 20_000,
    }));
    await t.step(
      "initializationResult(), supportedCommands(), supportedModels(), supportedAgents() and accountInfo() read the initialize answer",
      async () => {
        const info = await session.initializationResult();
        assertEquals(info.claude_code_version, version);
        const commands = await session.supportedCommands();
        ok(commands.some((command) => command.name === "code-review"), "a built-in command");
        const models = await session.supportedModels();
        ok(
          models.some((model) => model.value === "sonnet" && typeof model.displayName === "string"),
        );
        const agents = await session.supportedAgents();
        ok(agents.some((agent) => agent.name === "Explore"), "a built-in agent");
        assertEquals((await session.accountInfo()).apiKeySource, "ANTHROPIC_API_KEY");
      },
    );

    await t.step("reinitialize() gets a fresh answer and re-registers the hooks", async () => {
      const again = await session.reinitialize();
      assertEquals([again.claude_code_version, again.hooks_applied], [version, true]);
    });

    await t.step(
      "applyFlagSettings() reaches the next turn: effortLevel low is the request's effort",
      async () => {
        await session.applyFlagSettings({ effortLevel: "low" });
        assertEquals(await session.send("First").text(), "One.");
        const body = scripted(env.api).at(-1)?.body as { output_config?: { effort?: string } };
        assertEquals(body.output_config?.effort, "low");
      },
    );

    await t.step("getSettings() shows the settings applyFlagSettings() merged", async () => {
      const settings = await session.getSettings();
      assertEquals((settings.effective as { effortLevel?: string }).effortLevel, "low");
    });

    await t.step("updateSettings() writes the local settings file through the CLI", async () => {
      await session.updateSettings("localSettings", { outputStyle: "Concise" });
      const saved = JSON.parse(await Deno.readTextFile(`${env.cwd}/.claude/settings.local.json`));
      assertEquals(saved.outputStyle, "Concise");
      const refused = await captureClawError(session.updateSettings("localSettings", { env: "x" }));
      assertEquals(refused.kind, "control_refused");
    });

    await t.step("getContextUsage() reports the context window's use", async () => {
      const usage = await session.getContextUsage({ detail: "summary" });
      ok(typeof usage.totalTokens === "number" && typeof usage.maxTokens === "number");
    });

    await t.step("readFile() reads through the CLI; a missing file is refused", async () => {
      const file = await session.readFile("notes.txt");
      assertEquals([file.contents, file.absPath], ["hello file\n", `${env.cwd}/notes.txt`]);
      const part = await session.readFile("notes.txt", { maxBytes: 4, encoding: "base64" });
      assertEquals([part.contents, part.truncated], [btoa("hell"), true]);
      const missing = await captureClawError(session.readFile("missing.txt"));
      assertEquals(missing.kind, "control_refused");
      ok(missing.message.includes("missing.txt"), missing.message);
    });

    await t.step(
      "reloadSkills() and reloadOutputStyles() see what was written after the start",
      async () => {
        await writeFiles(env.cwd, {
          ".claude/skills/fresh-skill/SKILL.md":
            "---\nname: fresh-skill\ndescription: A skill written mid-session\n---\nDo it.\n",
          ".claude/output-styles/terse.md":
            "---\nname: Terse\ndescription: Few words\n---\nAnswer in few words.\n",
        });
        const skills = await session.reloadSkills();
        ok(
          skills.some((skill) => skill.name === "fresh-skill"),
          JSON.stringify(skills.map((s) => s.name)),
        );
        ok((await session.reloadOutputStyles()).includes("Terse"));
      },
    );

    await t.step(
      "reloadPlugins({ addPlugins }) loads a plugin folder and its command",
      async () => {
        const folder = `${env.home}/hello-plugin`;
        await writeFiles(folder, PLUGIN_FILES);
        const reloaded = await session.reloadPlugins({
          addPlugins: [{ type: "local", path: folder }],
        });
        ok(reloaded.plugins.some((plugin) => plugin.name === "hello-plugin"));
        ok(reloaded.commands.some((command) => command.name === "hello-plugin:hello"));
      },
    );

    await t.step(
      "mcpServerStatus(), toggleMcpServer() and reconnectMcpServer() see and change a server's state",
      async () => {
        const status = async (name: string) =>
          ((await session.mcpServerStatus()) as { name: string; status: string }[])
            .find((server) => server.name === name)?.status;
        assertEquals([await status("calc"), await status("echo")], ["connected", "connected"]);
        await session.toggleMcpServer("echo", false);
        assertEquals(await status("echo"), "disabled");
        await session.toggleMcpServer("echo", true);
        assertEquals(await status("echo"), "connected");
        const before = (await Deno.readTextFile(starts)).split("\n").length;
        await session.reconnectMcpServer("echo");
        ok(
          (await Deno.readTextFile(starts)).split("\n").length > before,
          "the server started again",
        );
        assertEquals(
          (await captureClawError(session.reconnectMcpServer("nope"))).kind,
          "control_refused",
        );
      },
    );

    await t.step("readMcpResource() reads a ui:// resource of a server the CLI runs", async () => {
      const { contents } = await session.readMcpResource("echo", "ui://echo/panel");
      assertEquals(contents[0]?.text, "<p>echo panel</p>");
    });

    await t.step(
      "setMcpPermissionModeOverride() stores an override, with a warning for an unknown server",
      async () => {
        assertEquals(await session.setMcpPermissionModeOverride("echo", "default"), {});
        const unknown = await session.setMcpPermissionModeOverride("later", "default");
        ok(unknown.warning?.includes("later"), unknown.warning);
        await session.setMcpPermissionModeOverride("echo", null);
      },
    );

    await t.step(
      "setMcpServers() replaces the in-process servers: one added mid-session answers a tool call",
      async () => {
        const result = await session.setMcpServers({ calc2: calculator("calc2", calls) });
        assertEquals(result.added, ["calc2"]);
        ok(result.removed.includes("calc"), JSON.stringify(result));
        assertEquals(await session.send("Add 2 and 3").text(), "Five.");
        assertEquals(calls, ["calc2: 2 + 3"]);
      },
    );

    await t.step(
      "seedReadState(), stopTask() and backgroundTasks() settle with no task to act on",
      async () => {
        const { mtime } = await Deno.stat(`${env.cwd}/notes.txt`);
        await session.seedReadState(`${env.cwd}/notes.txt`, Math.floor(mtime!.getTime()));
        await session.stopTask("no-such-task");
        assertEquals(await session.backgroundTasks("toolu_none"), false);
      },
    );

    await session.close();
    await marker.assertNoneLeft();
  },
  NEWEST,
);

forEachCli(
  "the control requests 2.0.76 never answers fail unsupported at once, naming the version; the ones it serves work",
  async (version, t) => {
    const marker = new ProcessMarker();
    await using env = await offline({
      replies: [text("One."), toolUse("mcp__calc2__add", { a: 2, b: 3 }), text("Five.")],
    });
    const calls: string[] = [];
    await using session = await startSession(sessionOptions(env, version, marker, {
      permissionMode: "bypassPermissions",
      mcpServers: { calc: calculator("calc", calls) },
      controlTimeoutMs: 20_000,
    }));
    await session.send("First").result(); // system/init names the version
    await t.step(
      "each unserved method is refused within 100 ms, its request never sent",
      async () => {
        const unserved: [string, () => Promise<unknown>][] = [
          ["reinitialize()", () => session.reinitialize()],
          ["supportedAgents()", () => session.supportedAgents()],
          ["applyFlagSettings()", () => session.applyFlagSettings({ effortLevel: "low" })],
          ["updateSettings()", () => session.updateSettings("localSettings", { outputStyle: "x" })],
          ["getSettings()", () => session.getSettings()],
          ["getContextUsage()", () => session.getContextUsage()],
          ["readFile()", () => session.readFile("notes.txt")],
          ["reloadPlugins()", () => session.reloadPlugins()],
          ["reloadSkills()", () => session.reloadSkills()],
          ["reloadOutputStyles()", () => session.reloadOutputStyles()],
          ["seedReadState()", () => session.seedReadState("notes.txt", 0)],
          ["reconnectMcpServer()", () => session.reconnectMcpServer("calc")],
          ["toggleMcpServer()", () => session.toggleMcpServer("calc", false)],
          ["readMcpResource()", () => session.readMcpResource("calc", "ui://calc/x")],
          [
            "setMcpPermissionModeOverride()",
            () => session.setMcpPermissionModeOverride("calc", null),
          ],
          ["stopTask()", () => session.stopTask("t1")],
          ["backgroundTasks()", () => session.backgroundTasks()],
          ["rewindFiles({ dryRun })", () => session.rewindFiles("u1", { dryRun: true })],
        ];
        for (const [method, call] of unserved) {
          const [error, ms] = await timed(captureClawError(call()));
          assertEquals(error.kind, "unsupported", `${method}: ${error.message}`);
          ok(
            error.message.startsWith(`${method} is not supported by Claude Code ${version}`),
            error.message,
          );
          ok(ms < 100, `${method} was refused after ${ms} ms`);
        }
      },
    );
    await t.step(
      "initializationResult(), supportedCommands(), supportedModels() and accountInfo() read its answer",
      async () => {
        ok((await session.supportedCommands()).length > 0);
        ok((await session.supportedModels()).some((model) => typeof model.value === "string"));
        assertEquals((await session.accountInfo()).apiKeySource, "ANTHROPIC_API_KEY");
        assertEquals((await session.initializationResult()).claude_code_version, undefined);
      },
    );
    await t.step(
      "mcpServerStatus() and setMcpServers() work: a server added mid-session answers",
      async () => {
        const listed = (await session.mcpServerStatus()) as { name: string; status: string }[];
        assertEquals(listed.map((server) => [server.name, server.status]), [["calc", "connected"]]);
        const result = await session.setMcpServers({ calc2: calculator("calc2", calls) });
        assertEquals([result.added, result.removed], [["calc2"], ["calc"]]);
        assertEquals(await session.send("Add 2 and 3").text(), "Five.");
        assertEquals(calls, ["calc2: 2 + 3"]);
      },
    );
    await session.close();
    await marker.assertNoneLeft();
  },
  OLDEST,
);

forEachCli(
  "backgroundTasks() moves a running Bash command to the background and stopTask() stops it",
  async (version) => {
    const marker = new ProcessMarker();
    await using env = await offline({
      replies: [
        toolUse("Bash", { command: "ls >/dev/null; sleep 41; echo slept" }),
        text("Moved on."),
      ],
    });
    await using session = await startSession(sessionOptions(env, version, marker, {
      permissionMode: "bypassPermissions",
    }));
    const turn = session.send("Sleep a while");
    let taskId: string | undefined;
    let toolUseId: string | undefined;
    for await (const event of turn) {
      if (event.type === "system" && event.subtype === "task_started") {
        taskId = String((event as { task_id?: unknown }).task_id);
        toolUseId = String((event as { tool_use_id?: unknown }).tool_use_id);
        break;
      }
    }
    ok(taskId && toolUseId, "the Bash command registered as a task");
    assertEquals(await session.backgroundTasks(toolUseId), true);
    assertEquals(await turn.text(), "Moved on.", "the turn went on without waiting for the sleep");
    const sleeping = () => marker.pids().filter((pid) => cmdline(pid).includes("sleep 41"));
    ok(sleeping().length > 0, "the command still runs in the background");
    await session.stopTask(taskId!);
    const deadline = Date.now() + 5000;
    while (sleeping().length > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assertEquals(sleeping(), [], "stopTask() stopped it");
    await session.close();
    await marker.assertNoneLeft();
  },
  NEWEST,
);

function cmdline(pid: number): string {
  try {
    return Deno.readTextFileSync(`/proc/${pid}/cmdline`).replaceAll("\0", " ");
  } catch {
    return "";
  }
}
