/**
 * Smoke tests: the real Claude Code CLI, run offline against the fake Messages API.
 * Skipped (with a printed reason) when a pinned CLI is not installed: `deno task setup`.
 */
import { deepStrictEqual as assertEquals, match, ok } from "node:assert";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { PINNED_CLI_VERSIONS, pinnedCliPath } from "../../scripts/install_cli.ts";
import { type RecordedRequest, startFakeApi } from "./fake_api.ts";
import type { FakeScript } from "./script.ts";

const cliPath = pinnedCliPath;

/** `ignore` for a version whose binary is missing, after saying why. */
function missing(version: string): boolean {
  const path = cliPath(version);
  if (existsSync(path)) return false;
  console.warn(
    `Skipping Claude Code ${version} smoke tests: ${path} is missing: run deno task setup`,
  );
  return true;
}

interface CliRun {
  code: number;
  lines: Record<string, unknown>[];
  stderr: string;
}

/** Options of {@linkcode runCli}. */
interface CliRunOptions {
  baseUrl: string;
  prompt: string;
  args?: string[];
  env?: Record<string, string>;
  /** A temporary root with `home`, `work` and `tmp` folders to reuse (default: a fresh one). */
  root?: string;
  /** Kill the CLI after this many milliseconds (default 60 000). */
  timeoutMs?: number;
}

/** Makes a temporary root with the `home`, `work` and `tmp` folders of a run. */
async function makeRoot(): Promise<string> {
  const root = await Deno.makeTempDir({ prefix: "claw_fake_api_cli_" });
  await Promise.all(["home", "work", "tmp"].map((name) => Deno.mkdir(join(root, name))));
  return root;
}

/** Runs `claude -p <prompt>` in stream-json mode against `baseUrl`, in a throw-away HOME. */
async function runCli(version: string, options: CliRunOptions): Promise<CliRun> {
  const temp = options.root ?? await makeRoot();
  try {
    const output = await new Deno.Command(cliPath(version), {
      args: [
        "-p",
        options.prompt,
        "--output-format",
        "stream-json",
        "--verbose",
        ...options.args ?? [],
      ],
      cwd: join(temp, "work"),
      clearEnv: true,
      env: {
        PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
        HOME: join(temp, "home"),
        TMPDIR: join(temp, "tmp"),
        ANTHROPIC_BASE_URL: options.baseUrl,
        ANTHROPIC_API_KEY: "sk-ant-fake-key",
        DISABLE_TELEMETRY: "1",
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
        CLAUDE_CODE_MAX_RETRIES: "0",
        ...options.env,
      },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(options.timeoutMs ?? 60_000),
    }).output();
    const stdout = new TextDecoder().decode(output.stdout);
    return {
      code: output.code,
      lines: stdout.split("\n").filter((line) => line !== "").map((line) => JSON.parse(line)),
      stderr: new TextDecoder().decode(output.stderr),
    };
  } finally {
    if (options.root === undefined) await Deno.remove(temp, { recursive: true });
  }
}

function resultLine(run: CliRun): Record<string, unknown> {
  const result = run.lines.at(-1);
  ok(result?.type === "result", `last line is a result, stderr: ${run.stderr}`);
  return result;
}

const textScript: FakeScript = {
  replies: [{ content: [{ type: "text", text: "Hello from the fake API" }] }],
};

const toolScript: FakeScript = {
  replies: [
    {
      content: [
        { type: "text", text: "Running it" },
        { type: "tool_use", name: "Bash", input: { command: "echo hi", description: "Print hi" } },
      ],
    },
    { content: [{ type: "text", text: "The command printed hi." }] },
  ],
};

for (const version of PINNED_CLI_VERSIONS) {
  const ignore = missing(version);

  Deno.test({
    name: `claude ${version} answers a prompt with the fake API's scripted text`,
    ignore,
    async fn() {
      await using api = await startFakeApi({ script: textScript });
      const run = await runCli(version, { baseUrl: api.url, prompt: "say hi" });
      const result = resultLine(run);
      assertEquals(run.code, 0);
      assertEquals([result.is_error, result.result], [false, "Hello from the fake API"]);
      const scripted = api.requests.filter((request) => request.reply !== null);
      assertEquals(scripted.map((request) => [request.method, request.path]), [
        ["POST", "/v1/messages?beta=true"],
      ]);
      assertEquals(scripted[0]?.headers["x-api-key"], "[redacted]");
    },
  });

  Deno.test({
    name: `claude ${version} runs a scripted Bash tool call and sends its result back`,
    ignore,
    async fn() {
      await using api = await startFakeApi({ script: toolScript });
      const run = await runCli(version, {
        baseUrl: api.url,
        prompt: "run echo hi",
        args: ["--permission-mode", "bypassPermissions"],
        env: { IS_SANDBOX: "1" },
      });
      const result = resultLine(run);
      assertEquals(run.code, 0);
      assertEquals([result.is_error, result.result], [false, "The command printed hi."]);
      const toolResults = run.lines
        .filter((line) => line.type === "user")
        .flatMap((line) => (line.message as { content: unknown[] }).content)
        .filter((block) => (block as { type?: string }).type === "tool_result");
      assertEquals(toolResults.length, 1);
      const [toolResult] = toolResults as { tool_use_id: string; content: unknown }[];
      assertEquals(toolResult?.tool_use_id, "toolu_fake_1_1");
      ok(JSON.stringify(toolResult?.content).includes("hi"));
      assertEquals(api.requests.filter((request) => request.reply !== null).map((r) => r.reply), [
        0,
        1,
      ]);
      const second = api.requests.find((request) => request.reply === 1)?.body as {
        messages: { role: string; content: unknown }[];
      };
      ok(JSON.stringify(second.messages.at(-1)).includes('"tool_use_id":"toolu_fake_1_1"'));
    },
  });
}

/** The `stream` and `max_tokens` of each scripted request: how the CLI asked. */
function requestShapes(requests: readonly RecordedRequest[]): [boolean, unknown][] {
  return requests.filter((request) => request.reply !== null).map((request) => {
    const body = request.body as { stream?: boolean; max_tokens?: unknown };
    return [body.stream === true, body.max_tokens];
  });
}

function apiRetries(run: CliRun): Record<string, unknown>[] {
  return run.lines.filter((line) => line.type === "system" && line.subtype === "api_retry");
}

/** Failure smoke tests: the 2.1.x retry loop against scripted misbehaviour (PROTOCOL.md §4–§5). */
const failureVersion = "2.1.332";
const failureIgnore = missing(failureVersion);

Deno.test({
  name: `claude ${failureVersion} retries a stream dropped mid-way and succeeds on the next reply`,
  ignore: failureIgnore,
  async fn() {
    await using api = await startFakeApi({
      script: {
        replies: [
          { content: [{ type: "text", text: "Lost answer" }], disconnect_after_events: 3 },
          { content: [{ type: "text", text: "Recovered answer" }] },
        ],
      },
    });
    const run = await runCli(failureVersion, {
      baseUrl: api.url,
      prompt: "say hi",
      env: { CLAUDE_CODE_MAX_RETRIES: "1" },
      timeoutMs: 30_000,
    });
    const result = resultLine(run);
    assertEquals(run.code, 0);
    assertEquals([result.is_error, result.result], [false, "Recovered answer"]);
    assertEquals(
      apiRetries(run).map((line) => [line.attempt, line.error_status, line.error]),
      [[1, null, "unknown"]],
    );
    assertEquals(requestShapes(api.requests).map(([stream]) => stream), [true, true]);
    ok(!JSON.stringify(run.lines).includes("Lost answer"));
  },
});

Deno.test({
  name:
    `claude ${failureVersion} retries an SSE error event, falls back to non-streaming, reports 529`,
  ignore: failureIgnore,
  async fn() {
    await using api = await startFakeApi({
      script: {
        replies: [{ sse_error: { type: "overloaded_error", message: "Overloaded" } }],
        when_exhausted: "repeat_last",
      },
    });
    const run = await runCli(failureVersion, {
      baseUrl: api.url,
      prompt: "say hi",
      env: { CLAUDE_CODE_MAX_RETRIES: "1" },
      timeoutMs: 30_000,
    });
    const result = resultLine(run);
    assertEquals(run.code, 1);
    assertEquals(
      [result.is_error, result.api_error_status, result.api_error_type],
      [true, 529, "overloaded_error"],
    );
    match(String(result.result), /^API Error: Repeated 529 Overloaded errors\./);
    // Streams are retried silently (no api_retry line), then one non-streaming request.
    assertEquals(apiRetries(run), []);
    assertEquals(requestShapes(api.requests), [[true, 128000], [true, 128000], [false, 64000]]);
  },
});

Deno.test({
  name: `claude ${failureVersion} reports an HTML 502 from a proxy as "API Error: 502"`,
  ignore: failureIgnore,
  async fn() {
    await using api = await startFakeApi({
      script: {
        replies: [{
          status: 502,
          body: "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n" +
            "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n" +
            "</body>\r\n</html>\r\n",
        }],
        when_exhausted: "repeat_last",
      },
    });
    const run = await runCli(failureVersion, {
      baseUrl: api.url,
      prompt: "say hi",
      env: { CLAUDE_CODE_MAX_RETRIES: "1" },
      timeoutMs: 30_000,
    });
    const result = resultLine(run);
    assertEquals(run.code, 1);
    assertEquals([result.is_error, result.api_error_status], [true, 502]);
    match(String(result.result), /^API Error: 502 Bad Gateway\./);
    assertEquals(
      apiRetries(run).map((line) => [line.error_status, line.error]),
      [[502, "server_error"]],
    );
    assertEquals(requestShapes(api.requests).length, 2);
  },
});

Deno.test({
  name: `claude ${failureVersion} waits out a 2 s stall mid-stream and succeeds`,
  ignore: failureIgnore,
  async fn() {
    await using api = await startFakeApi({
      script: {
        replies: [{
          content: [{ type: "text", text: "Slow but complete answer" }],
          chunk_size: 4,
          stall_ms: 2_000,
        }],
      },
    });
    const started = performance.now();
    const run = await runCli(failureVersion, {
      baseUrl: api.url,
      prompt: "say hi",
      env: { CLAUDE_CODE_MAX_RETRIES: "1" },
      timeoutMs: 30_000,
    });
    const result = resultLine(run);
    assertEquals(run.code, 0);
    assertEquals([result.is_error, result.result], [false, "Slow but complete answer"]);
    ok(performance.now() - started >= 2_000);
    assertEquals(apiRetries(run), []);
    assertEquals(requestShapes(api.requests).length, 1);
  },
});

Deno.test({
  name: `claude ${failureVersion} --resume sends the earlier turns, as the request log shows`,
  ignore: failureIgnore,
  async fn() {
    await using api = await startFakeApi({
      script: {
        replies: [
          { content: [{ type: "text", text: "The first answer" }] },
          { content: [{ type: "text", text: "The second answer" }] },
        ],
      },
    });
    const root = await makeRoot();
    try {
      const first = await runCli(failureVersion, {
        baseUrl: api.url,
        prompt: "first question",
        root,
        timeoutMs: 30_000,
      });
      assertEquals(first.code, 0);
      const sessionId = String(resultLine(first).session_id);
      const second = await runCli(failureVersion, {
        baseUrl: api.url,
        prompt: "second question",
        args: ["--resume", sessionId],
        root,
        timeoutMs: 30_000,
      });
      assertEquals([second.code, resultLine(second).result], [0, "The second answer"]);
      // 2.1.x also puts its environment notes in a `role: "system"` message: left out here.
      const turns = (reply: number) =>
        (api.requests.find((request) => request.reply === reply)?.body as {
          messages: { role: string }[];
        }).messages.filter((message) => message.role !== "system")
          .map((message) => [message.role, JSON.stringify(message)] as const);
      assertEquals(turns(0).map(([role]) => role), ["user"]);
      const resumed = turns(1);
      assertEquals(resumed.map(([role]) => role), ["user", "assistant", "user"]);
      ok(resumed[0]?.[1].includes("first question"));
      ok(resumed[1]?.[1].includes("The first answer"));
      ok(resumed[2]?.[1].includes("second question"));
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});
