/**
 * Smoke tests: the real Claude Code CLI, run offline against the fake Messages API.
 * Skipped (with a printed reason) when a pinned CLI is not installed: `deno task setup`.
 */
import { deepStrictEqual as assertEquals, ok } from "node:assert";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startFakeApi } from "./fake_api.ts";
import type { FakeScript } from "./script.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));

function cliPath(version: string): string {
  return join(root, ".cache", "claude", version, "node_modules", ".bin", "claude");
}

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

/** Runs `claude -p <prompt>` in stream-json mode against `baseUrl`, in a throw-away HOME. */
async function runCli(
  version: string,
  options: { baseUrl: string; prompt: string; args?: string[]; env?: Record<string, string> },
): Promise<CliRun> {
  const temp = await Deno.makeTempDir({ prefix: "claw_fake_api_cli_" });
  try {
    const [home, work, tmp] = ["home", "work", "tmp"].map((name) => join(temp, name)) as [
      string,
      string,
      string,
    ];
    await Promise.all([home, work, tmp].map((dir) => Deno.mkdir(dir)));
    const output = await new Deno.Command(cliPath(version), {
      args: [
        "-p",
        options.prompt,
        "--output-format",
        "stream-json",
        "--verbose",
        ...options.args ?? [],
      ],
      cwd: work,
      clearEnv: true,
      env: {
        PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
        HOME: home,
        TMPDIR: tmp,
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
      signal: AbortSignal.timeout(60_000),
    }).output();
    const stdout = new TextDecoder().decode(output.stdout);
    return {
      code: output.code,
      lines: stdout.split("\n").filter((line) => line !== "").map((line) => JSON.parse(line)),
      stderr: new TextDecoder().decode(output.stderr),
    };
  } finally {
    await Deno.remove(temp, { recursive: true });
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

for (const version of ["2.1.328", "2.0.76"]) {
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
