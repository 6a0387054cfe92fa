/**
 * A host program for the Agent SDK tests: drives the official TypeScript Agent SDK
 * (`@anthropic-ai/claude-agent-sdk`, pinned under .cache/sdk) through one scenario against the
 * `claude` at CLAUDE_PATH, and prints every message the SDK yields as one JSON line on stdout.
 *
 *     node sdk_scenarios.mjs SCENARIO CLAUDE_PATH SDK_MODULE
 *
 * SDK_MODULE is the SDK's `sdk.mjs` (`pinnedSdkModulePath()` in scripts/install_cli.ts).
 *
 * The working directory and the environment are the caller's (`process.cwd()`, `process.env`):
 * the caller points ANTHROPIC_BASE_URL at a fake API serving `sdk/<SCENARIO>.api.json`. Nothing
 * but the messages goes to stdout; diagnostics go to stderr. Exit 0 when the scenario completes,
 * 1 on any error. The program is deterministic in what it sends: no randomness of its own, and
 * every decision (when to send the next user message, when to interrupt) is taken on the type of
 * a message received, never on a timer. See sdk/README.md for the scenarios.
 */
import process from "node:process";

const SCENARIOS = ["text", "bash", "allow", "deny", "two_turns", "interrupt"];

/** A user message for streaming input, with no fields of the program's own choosing. */
function userMessage(text) {
  return {
    type: "user",
    message: { role: "user", content: text },
    parent_tool_use_id: null,
  };
}

/** A promise with its resolve function, for "the consumer saw this message" signals. */
function signal() {
  let resolve = () => {};
  const promise = new Promise((r) => (resolve = r));
  return { promise, resolve };
}

function print(message) {
  process.stdout.write(JSON.stringify(message) + "\n");
}

function diag(text) {
  process.stderr.write(`sdk_scenarios: ${text}\n`);
}

async function main(args) {
  const [scenario, claudePath, sdkModule] = args;
  if (args.length !== 3 || !SCENARIOS.includes(scenario)) {
    throw new Error(
      `usage: node sdk_scenarios.mjs SCENARIO CLAUDE_PATH SDK_MODULE (SCENARIO: ${
        SCENARIOS.join(", ")
      })`,
    );
  }
  const { query } = await import(new URL(`file://${sdkModule}`).href);

  const options = {
    pathToClaudeCodeExecutable: claudePath,
    cwd: process.cwd(),
    env: { ...process.env },
    // Without a mode the CLI may start in auto mode, whose classifier sends requests of its own.
    permissionMode: "default",
    stderr: (data) => process.stderr.write(data),
  };

  /** Signals resolved by the consumer loop on the n-th `result` message (0-based). */
  const results = [signal(), signal()];
  let resultCount = 0;
  /** Called for each message before it is printed; may act on the query. */
  let onMessage = async () => {};
  let prompt;

  switch (scenario) {
    case "text":
      // A test of match rules asks other prompts of the same run.
      prompt = process.env.CLAW_SDK_PROMPT ?? "Say hello";
      break;
    case "bash":
      prompt = "Run echo claw-sdk-bash";
      options.permissionMode = "bypassPermissions";
      options.allowDangerouslySkipPermissions = true;
      break;
    case "allow":
      prompt = "Write allowed.txt with Bash";
      options.canUseTool = (toolName, input) => {
        diag(`canUseTool ${toolName} ${JSON.stringify(input)}: allow`);
        return Promise.resolve({ behavior: "allow", updatedInput: input });
      };
      break;
    case "deny":
      prompt = "Write denied.txt with Bash";
      options.canUseTool = (toolName, input) => {
        diag(`canUseTool ${toolName} ${JSON.stringify(input)}: deny`);
        return Promise.resolve({ behavior: "deny", message: "claw test denies this" });
      };
      break;
    case "two_turns":
      prompt = (async function* () {
        yield userMessage("First question");
        await results[0].promise;
        yield userMessage("Second question");
        await results[1].promise;
      })();
      break;
    case "interrupt": {
      options.includePartialMessages = true;
      prompt = (async function* () {
        yield userMessage("Tell me a long story");
        await results[0].promise;
        yield userMessage("Say hello");
        await results[1].promise;
      })();
      let interrupted = false;
      onMessage = async (message) => {
        // The first streamed text delta of the first turn: the fake API stalls right after it,
        // so the interrupt lands while the turn is still streaming.
        if (
          !interrupted && resultCount === 0 && message.type === "stream_event" &&
          message.event?.type === "content_block_delta"
        ) {
          interrupted = true;
          diag("interrupting");
          const receipt = await q.interrupt();
          diag(`interrupt answered: ${JSON.stringify(receipt)}`);
        }
      };
      break;
    }
  }

  // `onMessage` uses `q`; it is only called once the loop below runs.
  const q = query({ prompt, options });
  for await (const message of q) {
    print(message);
    await onMessage(message);
    if (message.type === "result") {
      results[resultCount]?.resolve();
      resultCount++;
    }
  }
  const expected = scenario === "two_turns" || scenario === "interrupt" ? 2 : 1;
  if (resultCount !== expected) {
    throw new Error(`expected ${expected} result messages, got ${resultCount}`);
  }
}

try {
  await main(process.argv.slice(2));
  process.exitCode = 0;
} catch (error) {
  diag(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
}
