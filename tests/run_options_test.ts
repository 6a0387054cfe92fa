/**
 * The run options claw has had since before the Agent SDK's names, each shown to reach the real
 * pinned CLIs by what the CLI does with it: the API request it sends, the events it prints, the
 * files it writes or leaves. One fake API per CLI, one step per option.
 */
import { deepStrictEqual as assertEquals, ok } from "node:assert";
import { run } from "../src/session/run.ts";
import type { RunOptions } from "../src/session/run_options.ts";
import type { FakeReply } from "../src/fake_api/script.ts";
import type { DecodedItem } from "../src/protocol/events.ts";
import { type Offline, offline } from "./_offline.ts";
import {
  exists,
  forEachCli,
  ProcessMarker,
  scripted,
  tempFolder,
  text,
  toolUse,
} from "./_session.ts";

/** The names of the tools a request offered the model. */
function toolNames(body: unknown): string[] {
  const tools = (body as { tools?: { name: string }[] }).tools ?? [];
  return tools.map((tool) => tool.name);
}

/** What one run left: its events, the fake API's log, and its HOME and working folder. */
interface Ran {
  items: DecodedItem[];
  /** The body of the last request the script answered. */
  body: Record<string, unknown>;
  home: string;
  cwd: string;
}

forEachCli("the run options reach the CLI, each shown by what the CLI does", async (version, t) => {
  const marker = new ProcessMarker();
  /**
   * Runs "Go" with `options` against a fresh fake API serving `replies`, after `prepare` set up
   * its folders; `check` then looks at what happened.
   */
  const runWith = async (
    replies: FakeReply[],
    options: RunOptions,
    check: (ran: Ran) => Promise<void> | void,
    prepare: (env: Offline) => Promise<void> = async () => {},
  ) => {
    await using env = await offline({ replies });
    await prepare(env);
    const items: DecodedItem[] = [];
    try {
      for await (
        const item of run("Go", {
          ...env.options(version),
          ...options,
          env: { ...env.options(version).env, ...marker.env, ...options.env },
        })
      ) {
        items.push(item);
      }
    } catch {
      // a run that fails (a budget, an overload) is looked at like any other
    }
    const body = scripted(env.api).at(-1)?.body as Record<string, unknown>;
    await check({ items, body, home: env.home, cwd: env.cwd });
  };

  await t.step(
    "systemPrompt replaces the system prompt; appendSystemPrompt adds to it",
    async () => {
      await runWith([text("Hi.")], { systemPrompt: "You are claw-sys-7." }, ({ body }) => {
        const system = JSON.stringify(body.system);
        ok(system.includes("You are claw-sys-7.") && !system.includes("software engineering"));
      });
      await runWith(
        [text("Hi.")],
        { appendSystemPrompt: "Always mention claw-app-9." },
        ({ body }) => {
          ok(JSON.stringify(body.system).includes("claw-app-9"));
        },
      );
    },
  );

  await t.step("tools limits the tools offered; disallowedTools takes some away", async () => {
    await runWith([text("Hi.")], { tools: ["Read", "Write"] }, ({ body }) => {
      // 2.1.332 adds a placeholder for its deferred tools.
      const offered = toolNames(body).filter((name) => name !== "DeferredToolPlaceholder");
      assertEquals(offered.toSorted(), ["Read", "Write"]);
    });
    await runWith([text("Hi.")], { disallowedTools: ["Bash"] }, ({ body }) => {
      const offered = toolNames(body);
      ok(offered.includes("Read") && !offered.includes("Bash"), offered.join(","));
    });
  });

  await t.step("allowedTools lets a command run that the default mode would deny", async () => {
    const touch = () => [toolUse("Bash", { command: "touch allowed.txt" }), text("Done.")];
    await runWith(touch(), {}, async ({ cwd }) => {
      assertEquals(await exists(`${cwd}/allowed.txt`), false, "denied without it");
    });
    await runWith(touch(), { allowedTools: ["Bash(touch:*)"] }, async ({ cwd }) => {
      assertEquals(await exists(`${cwd}/allowed.txt`), true, "allowed with it");
    });
  });

  await t.step("includePartialMessages streams the text as stream_event deltas", async () => {
    await runWith([text("Streamed in parts.")], { includePartialMessages: true }, ({ items }) => {
      ok(items.some((item) => item.type === "stream_event"));
    });
  });

  await t.step("maxBudgetUsd stops the run once it is spent", async () => {
    await runWith(
      [toolUse("Bash", { command: "echo one" }), toolUse("Bash", { command: "echo two" })],
      { maxBudgetUsd: 0.0001, allowedTools: ["Bash"] },
      ({ items }) => {
        const result = items.findLast((item) => item.type === "result");
        assertEquals(result?.type === "result" && result.subtype, "error_max_budget_usd");
      },
    );
  });

  await t.step("noSessionPersistence leaves no transcript", async () => {
    await runWith([text("Hi.")], { noSessionPersistence: true }, async ({ items, home }) => {
      const init = items.find((item) => item.type === "system" && item.subtype === "init");
      const id = init?.type === "system" ? init.session_id : undefined;
      ok(id, "the run had a session id");
      const projects = `${home}/.claude/projects`;
      for (const folder of await Array.fromAsync(Deno.readDir(projects)).catch(() => [])) {
        assertEquals(await exists(`${projects}/${folder.name}/${id}.jsonl`), false);
      }
    });
  });

  await t.step("settingSources leaves out the settings files not named", async () => {
    const projectModel = async ({ cwd }: Offline) => {
      await Deno.mkdir(`${cwd}/.claude`, { recursive: true });
      const settings = JSON.stringify({ model: "claude-haiku-4-5" });
      await Deno.writeTextFile(`${cwd}/.claude/settings.json`, settings);
    };
    await runWith([text("Hi.")], {}, ({ body }) => {
      assertEquals(body.model, "claude-haiku-4-5", "the project settings chose the model");
    }, projectModel);
    await runWith([text("Hi.")], { settingSources: ["user"] }, ({ body }) => {
      ok(body.model !== "claude-haiku-4-5", "without them the default model runs");
    }, projectModel);
  });

  await t.step("mcpConfig with strictMcpConfig: only the servers given", async () => {
    await runWith(
      [text("Hi.")],
      { mcpConfig: [JSON.stringify({ mcpServers: {} })], strictMcpConfig: true },
      ({ items }) => {
        const init = items.find((item) => item.type === "system" && item.subtype === "init");
        assertEquals(init?.type === "system" && init.subtype === "init" && init.mcp_servers, []);
      },
      ({ cwd }) =>
        Deno.writeTextFile(
          `${cwd}/.mcp.json`,
          JSON.stringify({ mcpServers: { project: { type: "stdio", command: "false" } } }),
        ),
    );
  });

  await t.step("addDirs lets the tools reach another folder", async () => {
    await using folder = await tempFolder("claw-test-outside-");
    const outside = folder.path;
    await Deno.writeTextFile(`${outside}/note.txt`, "claw-note-5\n");
    await runWith(
      [toolUse("Read", { file_path: `${outside}/note.txt` }), text("Read it.")],
      { addDirs: [outside] },
      ({ body }) => ok(JSON.stringify(body.messages).includes("claw-note-5"), "the file was read"),
    );
  });

  // 2.0.76 did not fall back within 4 overloaded attempts.
  if (!version.startsWith("2.0.")) {
    await t.step(
      "fallbackModel takes over after the model was overloaded three times",
      async () => {
        await runWith(
          [{ status: 529 }, { status: 529 }, { status: 529 }, text("From the fallback.")],
          {
            model: "claude-sonnet-4-5",
            fallbackModel: "claude-haiku-4-5",
            env: { CLAUDE_CODE_MAX_RETRIES: "3" },
          },
          ({ items, body }) => {
            assertEquals(body.model, "claude-haiku-4-5");
            ok(items.some((item) => item.type === "system" && item.subtype === "model_fallback"));
          },
        );
      },
    );
  }

  await marker.assertNoneLeft();
});
