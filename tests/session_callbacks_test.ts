/**
 * The CLI calling the host, with the real pinned CLIs: hooks registered through `initialize`,
 * in-process MCP tools (one whose handler takes 30 s: the upstream "Stream closed" failure), a
 * permission request withdrawn by an interrupt, and hooks that fail under either onFailure.
 */
import { deepStrictEqual as assertEquals, ok } from "node:assert";
import { z } from "zod";
import { captureClawError } from "../src/errors/_capture.ts";
import { mcpServer, tool } from "../src/session/mcp_server.ts";
import { startSession } from "../src/session/session.ts";
import { offline } from "./_offline.ts";
import {
  exists,
  forEachCli,
  mentions,
  ProcessMarker,
  scripted,
  sessionOptions,
  text,
  toolUse,
} from "./_session.ts";

const adder = (delayMs = 0) =>
  mcpServer("calc", [
    tool(
      "add",
      "Adds two numbers",
      z.object({ a: z.number(), b: z.number() }),
      async ({ a, b }, { signal }) => {
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        signal.throwIfAborted();
        return `The sum is ${a + b}`;
      },
    ),
  ]);

forEachCli(
  "hooks registered through initialize block a tool, add context and see every event",
  async (version) => {
    const marker = new ProcessMarker();
    await using env = await offline({
      replies: [
        toolUse("Bash", { command: "touch forbidden.txt" }),
        text("Blocked."),
        toolUse("Bash", { command: "touch fine.txt" }),
        text("Made it."),
      ],
    });
    const events: string[] = [];
    await using session = await startSession(sessionOptions(env, version, marker, {
      allowedTools: ["Bash"],
      hooks: {
        UserPromptSubmit: [{
          hooks: [(input) => {
            events.push(input.hook_event_name);
            return {
              hookSpecificOutput: {
                hookEventName: "UserPromptSubmit",
                additionalContext: "CTX-MARKER",
              },
            };
          }],
        }],
        PreToolUse: [{
          matcher: "Bash",
          hooks: [(input) => {
            events.push(input.hook_event_name);
            return String(input.tool_input?.command).includes("forbidden")
              ? { decision: "block", reason: "Forbidden by the hook" }
              : {};
          }],
        }],
        PostToolUse: [{ hooks: [(input) => void events.push(input.hook_event_name)] }],
        Stop: [{ hooks: [(input) => void events.push(input.hook_event_name)] }],
      },
    }));
    await session.send("Make forbidden.txt").result();
    await session.send("Make fine.txt").result();
    assertEquals(events, [
      "UserPromptSubmit",
      "PreToolUse",
      "Stop",
      "UserPromptSubmit",
      "PreToolUse",
      "PostToolUse",
      "Stop",
    ]);
    assertEquals(await exists(`${env.cwd}/forbidden.txt`), false);
    assertEquals(await exists(`${env.cwd}/fine.txt`), true);
    const requests = scripted(env.api);
    ok(mentions(requests[0], "CTX-MARKER"), "the hook's context reached the API");
    ok(mentions(requests[1], "Forbidden by the hook"), "the model was told why");
    await session.close();
    await marker.assertNoneLeft();
  },
);

forEachCli("an in-process MCP tool answers the model through mcp_message", async (version) => {
  const marker = new ProcessMarker();
  await using env = await offline({
    replies: [toolUse("mcp__calc__add", { a: 2, b: 3 }), text("Five.")],
  });
  await using session = await startSession(sessionOptions(env, version, marker, {
    mcpServers: { calc: adder() },
    allowedTools: ["mcp__calc__add"],
  }));
  assertEquals(await session.send("Add 2 and 3").text(), "Five.");
  ok(mentions(scripted(env.api)[1], "The sum is 5"), "the tool's result reached the API");
  const servers = await session.mcpServerStatus();
  ok(
    servers.some((server) => (server as { name?: string }).name === "calc"),
    `mcp_status lists calc: ${JSON.stringify(servers)}`,
  );
  await session.close();
  await marker.assertNoneLeft();
});

forEachCli(
  "an in-process MCP tool whose handler takes 30 s does not break the session",
  async (version) => {
    const marker = new ProcessMarker();
    await using env = await offline({
      replies: [
        toolUse("mcp__calc__add", { a: 20, b: 22 }),
        text("Forty-two."),
        text("Still here."),
      ],
    });
    await using session = await startSession(sessionOptions(env, version, marker, {
      mcpServers: { calc: adder(30_000) },
      allowedTools: ["mcp__calc__add"],
    }));
    assertEquals(await session.send("Add slowly").text(), "Forty-two.");
    ok(mentions(scripted(env.api)[1], "The sum is 42"), "the slow tool's result reached the API");
    assertEquals(await session.send("Are you there?").text(), "Still here.");
    await session.close();
    await marker.assertNoneLeft();
  },
);

forEachCli(
  "an interrupt withdraws a pending permission request: the callback's signal aborts",
  async (version) => {
    const marker = new ProcessMarker();
    await using env = await offline({
      replies: [toolUse("Bash", { command: "touch never.txt" }), text("Next.")],
    });
    const asked = Promise.withResolvers<AbortSignal>();
    await using session = await startSession(sessionOptions(env, version, marker, {
      canUseTool: (_tool, _input, { signal }) => {
        asked.resolve(signal);
        // Never decides: only the CLI withdrawing the request ends this.
        return new Promise((_resolve, reject) =>
          signal.addEventListener("abort", () => reject(signal.reason))
        );
      },
    }));
    const turn = session.send("Make never.txt");
    const signal = await asked.promise;
    assertEquals(await session.interrupt(), "interrupted");
    ok(signal.aborted, "the callback's signal was aborted by control_cancel_request");
    assertEquals((await captureClawError(turn.result())).kind, "aborted");
    assertEquals(await exists(`${env.cwd}/never.txt`), false);
    assertEquals(await session.send("Go on").text(), "Next.");
    await session.close();
    await marker.assertNoneLeft();
  },
);

forEachCli(
  "a hook that throws or times out blocks its tool under onFailure block, lets its action go ahead by default, and the host hears of each",
  async (version) => {
    const marker = new ProcessMarker();
    await using env = await offline({
      replies: [
        toolUse("Bash", { command: "touch thrown.txt" }),
        text("Blocked."),
        toolUse("Bash", { command: "touch slow.txt" }),
        text("Blocked again."),
        text("Audited."),
      ],
    });
    const warnings: string[] = [];
    await using session = await startSession(sessionOptions(env, version, marker, {
      permissionMode: "bypassPermissions",
      onWarning: (warning) => warnings.push(warning),
      hooks: {
        PreToolUse: [
          {
            matcher: "Bash",
            onFailure: "block",
            timeout: 2,
            hooks: [(input) => {
              if (String(input.tool_input?.command).includes("thrown")) {
                throw new Error("the policy service is down");
              }
              return new Promise(() => {}); // never settles
            }],
          },
        ],
        UserPromptSubmit: [{
          hooks: [(input) => {
            if (String(input.prompt).includes("audit")) throw new Error("the audit log is full");
          }],
        }],
      },
    }));
    await session.send("Make thrown.txt").result();
    await session.send("Make slow.txt").result();
    assertEquals(await session.send("Say audit").text(), "Audited.", "a prompt it let through");
    assertEquals(await exists(`${env.cwd}/thrown.txt`), false, "a throw blocked the tool");
    assertEquals(await exists(`${env.cwd}/slow.txt`), false, "a timeout blocked the tool");
    assertEquals(warnings.filter((warning) => warning.includes("hook callback")).length, 3);
    ok(warnings.some((w) => w.includes("the policy service is down") && w.includes("blocked")));
    ok(
      warnings.some((w) => w.includes("did not settle within its 2 s timeout")),
      warnings.join("\n"),
    );
    ok(warnings.some((w) => w.includes("the audit log is full") && w.includes("goes ahead")));
    await session.close();
    await marker.assertNoneLeft();
  },
);
