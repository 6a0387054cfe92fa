/**
 * Sessions with the real pinned CLIs against the fake API: turns on both transports, continue and
 * fork, the control requests that change a session, the permission callback and structured
 * output. Every test tags its processes and asserts none is left.
 */
import { deepStrictEqual as assertEquals, ok } from "node:assert";
import { z } from "zod";
import { captureClawError } from "../src/errors/_capture.ts";
import { startSession } from "../src/session/session.ts";
import type { SessionTransport } from "../src/session/session_options.ts";
import { offline, PINNED_CLI_VERSIONS } from "./_offline.ts";
import {
  exists,
  forEachCli,
  mentions,
  ProcessMarker,
  requestTexts,
  scripted,
  sessionOptions,
  text,
  toolUse,
} from "./_session.ts";

for (const transport of ["stream", "per-turn"] as SessionTransport[]) {
  forEachCli(
    `a three-turn session on the ${transport} transport carries every earlier turn`,
    async (version) => {
      const marker = new ProcessMarker();
      await using env = await offline({
        replies: [text("Noted apple."), text("Noted pear."), text("Apple and pear.")],
      });
      const session = await startSession(sessionOptions(env, version, marker, { transport }));
      const answers = [];
      for (const prompt of ["Remember apple", "Remember pear", "What did I ask you to remember?"]) {
        answers.push(await session.send(prompt).text());
      }
      assertEquals(answers, ["Noted apple.", "Noted pear.", "Apple and pear."]);
      const requests = scripted(env.api);
      assertEquals(requests.length, 3);
      for (
        const [index, earlier] of [["Remember apple"], [
          "Remember apple",
          "Noted apple.",
          "Remember pear",
        ]].entries()
      ) {
        for (const needle of earlier) {
          ok(mentions(requests[index + 1], needle), `turn ${index + 2} carries "${needle}"`);
        }
      }
      ok(session.sessionId, "the session id came from system/init");
      assertEquals(session.totals.turns, 3);
      ok(session.totals.costUsd > 0, "the totals add up each turn's cost");
      await session.close();
      await marker.assertNoneLeft();
    },
  );
}

forEachCli(
  "continue picks the cwd's most recent session; fork copies it under a new id",
  async (version) => {
    const marker = new ProcessMarker();
    await using env = await offline({
      replies: [text("Noted plum."), text("You said plum."), text("Forked: plum.")],
    });
    let first: string | undefined;
    {
      await using session = await startSession(sessionOptions(env, version, marker));
      await session.send("Remember plum").result();
      first = session.sessionId;
    }
    {
      await using session = await startSession(
        sessionOptions(env, version, marker, { continue: true }),
      );
      assertEquals(await session.send("What fruit?").text(), "You said plum.");
      assertEquals(session.sessionId, first);
    }
    {
      await using session = await startSession(
        sessionOptions(env, version, marker, { resume: first!, forkSession: true }),
      );
      await session.send("And now?").result();
      ok(session.sessionId && session.sessionId !== first, "the fork has an id of its own");
    }
    ok(mentions(scripted(env.api)[1], "Remember plum"), "continue carried the first session");
    ok(mentions(scripted(env.api)[2], "Remember plum"), "the fork carried the history");
    await marker.assertNoneLeft();
  },
);

forEachCli(
  "setModel takes effect on the next turn: the request log shows the model",
  async (version) => {
    const marker = new ProcessMarker();
    await using env = await offline({
      replies: [text("One."), text("Two.")],
      when_exhausted: "repeat_last",
    });
    await using session = await startSession(sessionOptions(env, version, marker));
    await session.send("First").result();
    await session.setModel("claude-haiku-4-5");
    await session.send("Second").result();
    const models = scripted(env.api).map((request) => (request.body as { model?: string }).model);
    ok(models[0] !== "claude-haiku-4-5", `the first turn used the default model (${models[0]})`);
    assertEquals(models.at(-1), "claude-haiku-4-5");
    await session.close();
    await marker.assertNoneLeft();
  },
);

forEachCli(
  "setPermissionMode takes effect: a tool that needed approval runs after bypassPermissions",
  async (version) => {
    const marker = new ProcessMarker();
    await using env = await offline({
      replies: [
        toolUse("Bash", { command: "touch before.txt" }),
        text("It was denied."),
        toolUse("Bash", { command: "touch after.txt" }),
        text("Done."),
      ],
    });
    await using session = await startSession(
      sessionOptions(env, version, marker, { allowDangerouslySkipPermissions: true }),
    );
    const denied = await session.send("Make before.txt").result();
    assertEquals(denied.permission_denials.length, 1);
    await session.setPermissionMode("bypassPermissions");
    await session.send("Make after.txt").result();
    assertEquals(await exists(`${env.cwd}/before.txt`), false);
    assertEquals(await exists(`${env.cwd}/after.txt`), true);
    await session.close();
    await marker.assertNoneLeft();
  },
);

forEachCli(
  "a canUseTool callback with streaming input and without hooks is called, and decides",
  async (version) => {
    const marker = new ProcessMarker();
    await using env = await offline({
      replies: [
        toolUse("Bash", { command: "touch allowed.txt" }),
        text("Allowed."),
        toolUse("Bash", { command: "touch refused.txt" }),
        text("Refused."),
        toolUse("Bash", { command: "touch broken.txt" }),
        text("Broken."),
      ],
    });
    const asked: string[] = [];
    await using session = await startSession(sessionOptions(env, version, marker, {
      canUseTool: (tool, input) => {
        const command = String(input.command);
        asked.push(`${tool}: ${command}`);
        if (command.includes("broken")) throw new Error("the policy service is down");
        return command.includes("allowed")
          ? { behavior: "allow" }
          : { behavior: "deny", message: "Not this file" };
      },
    }));
    await session.send("Make allowed.txt").result();
    const refused = await session.send("Make refused.txt").result();
    await session.send("Make broken.txt").result();
    assertEquals(asked, [
      "Bash: touch allowed.txt",
      "Bash: touch refused.txt",
      "Bash: touch broken.txt",
    ]);
    assertEquals(await exists(`${env.cwd}/allowed.txt`), true);
    assertEquals(await exists(`${env.cwd}/refused.txt`), false);
    assertEquals(await exists(`${env.cwd}/broken.txt`), false);
    assertEquals(refused.permission_denials.length, 1);
    const requests = scripted(env.api);
    ok(mentions(requests[3], "Not this file"), "the model was told the refusal");
    ok(
      mentions(requests[5], "the policy service is down"),
      "a throwing callback denies with its message",
    );
    await session.close();
    await marker.assertNoneLeft();
  },
);

forEachCli("structured() returns the value checked by a Standard Schema", async (version) => {
  const marker = new ProcessMarker();
  await using env = await offline({
    replies: [toolUse("StructuredOutput", { answer: "42" }), text("Done.")],
  });
  const jsonSchema = z.object({ answer: z.string() });
  await using session = await startSession(sessionOptions(env, version, marker, { jsonSchema }));
  const value = await session.send("Answer in JSON").structured<z.infer<typeof jsonSchema>>();
  assertEquals(value, { answer: "42" });
  const tools =
    (scripted(env.api)[0]?.body as { tools?: { name: string; input_schema: unknown }[] })
      .tools ?? [];
  const schema = tools.find((entry) => entry.name === "StructuredOutput")?.input_schema as {
    properties?: unknown;
  };
  assertEquals(schema?.properties, { answer: { type: "string" } });
  await session.close();
  await marker.assertNoneLeft();
});

forEachCli(
  "with jsonSchema, a turn that ends success without a structured value fails result(), text() and structured() with kind structured_output",
  async (version) => {
    const marker = new ProcessMarker();
    await using env = await offline({
      replies: [text("No structured output here.")],
      when_exhausted: "repeat_last",
    });
    await using session = await startSession(sessionOptions(env, version, marker, {
      jsonSchema: {
        type: "object",
        properties: { answer: { type: "string" } },
        required: ["answer"],
      },
      maxTurns: 4,
    }));
    const turn = session.send("Answer in JSON, never");
    // 2.1.332 ends with a success that has no structured_output; 2.0.76 runs out of turns.
    const expected = version.startsWith("2.0.") ? "max_turns" : "structured_output";
    for (const read of [turn.result(), turn.text(), turn.structured()]) {
      assertEquals((await captureClawError(read)).kind, expected);
    }
    await session.close();
    await marker.assertNoneLeft();
  },
);

forEachCli(
  "a turn's events end at its result, and the observers see each tool call and result",
  async (version) => {
    const marker = new ProcessMarker();
    await using env = await offline({
      replies: [toolUse("Bash", { command: "echo observed" }), text("Echoed.")],
    });
    const seen: string[] = [];
    await using session = await startSession(sessionOptions(env, version, marker, {
      onToolUse: (use) => seen.push(`use ${use.name}`),
      onToolResult: (result) => seen.push(`result ${result.toolName} ${result.text.trim()}`),
    }));
    const turn = session.send("Echo something");
    const types = [];
    for await (const event of turn) types.push(event.type);
    assertEquals(types.at(-1), "result");
    ok(!types.includes("control_response"), "control traffic is not a turn event");
    assertEquals(seen, ["use Bash", "result Bash observed"]);
    ok(requestTexts(scripted(env.api)[1]).some((value) => value.includes("observed")));
    await session.close();
    await marker.assertNoneLeft();
  },
);

forEachCli(
  "a rate_limit_event (sent with a stored login) is a typed event of the turn and counts in the totals",
  async (version) => {
    const marker = new ProcessMarker();
    await using env = await offline({ replies: [text("Hi.")] });
    // A stored subscription login (fake tokens): the CLI then reports its rate-limit state.
    await Deno.mkdir(`${env.home}/.claude`, { recursive: true });
    await Deno.writeTextFile(
      `${env.home}/.claude/.credentials.json`,
      JSON.stringify({
        claudeAiOauth: {
          accessToken: "sk-ant-oat01-fake-access-token",
          refreshToken: "sk-ant-ort01-fake-refresh-token",
          expiresAt: Date.now() + 3_600_000,
          scopes: ["user:inference", "user:profile"],
          subscriptionType: "max",
        },
      }),
    );
    const options = sessionOptions(env, version, marker);
    await using session = await startSession({
      ...options,
      env: { ...options.env, ANTHROPIC_API_KEY: undefined },
    });
    const turn = session.send("Hello");
    const limits = (await Array.fromAsync(turn)).filter((event) =>
      event.type === "rate_limit_event"
    );
    assertEquals(limits.length, turn.totals?.rateLimitEvents);
    ok(limits.length > 0, "the CLI reported its rate-limit state");
    assertEquals(session.totals.rateLimit?.status, "allowed");
    await session.close();
    await marker.assertNoneLeft();
  },
  PINNED_CLI_VERSIONS.filter((version) => !version.startsWith("2.0.")),
); // 2.0.76 prints none

forEachCli(
  "setMaxThinkingTokens takes effect on the next turn: the request log shows the budget",
  async (version) => {
    const marker = new ProcessMarker();
    await using env = await offline({ replies: [text("One."), text("Two.")] });
    // A model whose thinking takes a budget (2.1.332 keeps adaptive thinking on its default model).
    await using session = await startSession(
      sessionOptions(env, version, marker, { model: "claude-haiku-4-5" }),
    );
    await session.send("First").result();
    await session.setMaxThinkingTokens(1000);
    await session.send("Second").result();
    const budgets = scripted(env.api).map((request) =>
      (request.body as { thinking?: { budget_tokens?: number } }).thinking?.budget_tokens
    );
    ok(budgets[0] !== budgets[1], `the budget changed: ${budgets}`);
    // 2.0.76 sends the value as given, 2.1.332 rounds it up to 1024.
    ok(budgets[1]! >= 1000 && budgets[1]! <= 1024, `the second turn's budget: ${budgets[1]}`);
    await session.close();
    await marker.assertNoneLeft();
  },
);
