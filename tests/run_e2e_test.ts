/**
 * End-to-end: the library's `run()` drives the real pinned Claude Code CLIs against claw's fake
 * Messages API. Nothing here is mocked: the CLI is the npm package, the API speaks SSE on
 * 127.0.0.1.
 */
import { deepStrictEqual as assertEquals, match as assertMatch, ok as assert } from "node:assert";
import type { DecodedItem } from "../src/protocol/events.ts";
import { run } from "../src/session/run.ts";
import { promptTooLongReply } from "../src/fake_api/replies.ts";
import { childrenOf, hasCli, offline, PINNED_CLI_VERSIONS, processAlive } from "./_offline.ts";
import { captureClawError } from "../src/errors/_capture.ts";

for (const version of PINNED_CLI_VERSIONS) {
  const ignore = !hasCli(version);
  const test = (name: string, fn: () => Promise<void>) =>
    Deno.test({ name: `[claude ${version}] ${name}`, ignore, fn });

  test("run streams a text answer and ends with a success result", async () => {
    await using env = await offline({
      replies: [{ content: [{ type: "text", text: "Hi from the fake API" }] }],
    });
    const claude = run("say hi", env.options(version));
    const items: DecodedItem[] = await Array.fromAsync(claude);
    const types = items.map((item) => item.type);
    assertEquals(types[0], "system");
    assertEquals(types.at(-1), "result");
    assert(!types.includes("diagnostic"), `unexpected diagnostics: ${JSON.stringify(items)}`);
    assertEquals(await claude.text(), "Hi from the fake API");
    assertMatch(claude.sessionId ?? "", /^[0-9a-f-]{36}$/);
  });

  test("a Bash tool call runs and its result comes back", async () => {
    await using env = await offline({
      replies: [
        {
          content: [{ type: "tool_use", name: "Bash", input: { command: "echo claw-$((40+2))" } }],
        },
        { content: [{ type: "text", text: "It printed claw-42" }] },
      ],
    });
    const items = await Array.fromAsync(
      run("run it", env.options(version, { permissionMode: "bypassPermissions" })),
    );
    const toolResults = items.flatMap((item) =>
      item.type === "user" && Array.isArray(item.message.content) ? item.message.content : []
    ).filter((block) => block.type === "tool_result");
    assertEquals(toolResults.length, 1);
    assertMatch(JSON.stringify(toolResults[0]), /claw-42/);
    const main = env.api.requests.filter((r) => JSON.stringify(r.body).includes("toolu_fake_"));
    assert(main.length >= 1, "the CLI sent the tool result back to the API");
  });

  test("a tool the permission mode denies is reported, and the run still succeeds", async () => {
    await using env = await offline({
      replies: [
        {
          content: [{
            type: "tool_use",
            name: "Write",
            input: { file_path: "/tmp/claw-denied.txt", content: "x" },
          }],
        },
        { content: [{ type: "text", text: "I could not write it" }] },
      ],
    });
    const claude = run("write a file", env.options(version, { permissionMode: "default" }));
    const items = await Array.fromAsync(claude);
    const result = claude.lastResult!;
    assertEquals(result.is_error, false);
    assertEquals(result.permission_denials.map((d) => d.tool_name), ["Write"]);
    const errors = items.flatMap((item) =>
      item.type === "user" && Array.isArray(item.message.content) ? item.message.content : []
    ).filter((block) => block.type === "tool_result" && "is_error" in block && block.is_error);
    assertEquals(errors.length, 1);
  });

  test("an API 500 fails with kind api_error and the failing request id", async () => {
    await using env = await offline({
      replies: [{ status: 500, error: { type: "api_error", message: "Internal server error" } }],
      when_exhausted: "repeat_last",
    });
    const claude = run("hi", env.options(version));
    const error = await captureClawError(Array.fromAsync(claude));
    assertEquals(error.kind, "api_error");
    assertMatch(error.requestId ?? "", /^req_fake_\d+$/);
    assertEquals(error.sessionId, claude.sessionId);
    assertEquals(error.exitCode, 1);
  });

  test("a 400 prompt-too-long fails with kind context_window and its hint", async () => {
    await using env = await offline({
      replies: [promptTooLongReply()],
      when_exhausted: "repeat_last",
    });
    const error = await captureClawError(run("hi", env.options(version)).result());
    assertEquals(error.kind, "context_window");
    assertMatch(error.hint, /^Shorten the prompt, or use a model with a larger context window/);
    assert(!error.hint.includes("/compact"), "a one-shot run has no session to compact");
  });

  test("no credentials fails with kind auth and a login hint", async () => {
    await using env = await offline({
      replies: [{ content: [{ type: "text", text: "unreachable" }] }],
    });
    const error = await captureClawError(
      run("hi", env.options(version, { env: { ANTHROPIC_API_KEY: undefined } })).result(),
    );
    assertEquals(error.kind, "auth");
    assertMatch(error.hint, /claude auth login/);
    const main = env.api.requests.filter((r) => r.path.startsWith("/v1/messages"));
    assertEquals(main.length, 0, "no request reaches the API without credentials");
  });

  test("--max-turns exhaustion fails with kind max_turns", async () => {
    await using env = await offline({
      replies: [
        { content: [{ type: "tool_use", name: "Bash", input: { command: "echo one" } }] },
        { content: [{ type: "tool_use", name: "Bash", input: { command: "echo two" } }] },
      ],
      when_exhausted: "repeat_last",
    });
    const claude = run(
      "loop",
      env.options(version, { maxTurns: 1, permissionMode: "bypassPermissions" }),
    );
    const error = await captureClawError(claude.result());
    assertEquals(error.kind, "max_turns");
    assertEquals(claude.lastResult?.subtype, "error_max_turns");
  });

  test("aborting mid-stream stops the CLI and leaves no process behind", async () => {
    await using env = await offline({
      replies: [{ content: [{ type: "text", text: "never sent" }], delay_ms: 60_000 }],
    });
    const controller = new AbortController();
    const claude = run("hi", env.options(version, { signal: controller.signal }));
    let pid: number | undefined;
    const seen: string[] = [];
    const error = await captureClawError((async () => {
      for await (const item of claude) {
        seen.push(item.type);
        if (item.type === "system") {
          pid = findClaudePid(env.cwd);
          controller.abort();
        }
      }
    })());
    assertEquals(error.kind, "aborted");
    assertEquals(seen[0], "system", "events before the abort were delivered");
    if (pid === undefined) throw new Error("did not find the claude process while it ran");
    assert(!processAlive(pid), `claude (pid ${pid}) is still running`);
    assertEquals(childrenOf(pid), []);
  });
}

/** The pid of the claude process running in `cwd` (tests give each run its own cwd). */
function findClaudePid(cwd: string): number | undefined {
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      if (Deno.realPathSync(`/proc/${entry.name}/cwd`) !== cwd) continue;
      const cmdline = Deno.readTextFileSync(`/proc/${entry.name}/cmdline`);
      if (cmdline.includes("claude")) return Number(entry.name);
    } catch {
      // exited or not ours
    }
  }
  return undefined;
}
