/**
 * A host program for `scripts/bench_prewarm.ts`: the official TypeScript Agent SDK hiding the
 * CLI's start-up before a session's first answer, by `prewarm()` (a parked spare, claimed with
 * the session's folder) or `startup()` (a pre-spawned process for known options).
 *
 *     node sdk_prewarm.mjs SDK_URL CLAUDE_PATH prewarm|startup IDLE_MS
 *
 * It warms up, waits IDLE_MS (a user opening a chat), then sends one prompt and waits for its
 * `result`. The working directory and the environment are the caller's. Prints one JSON line:
 * `{"firstAnswerMs": …, "durationMs": …}`: from the prompt to the result, and the result's own
 * `duration_ms`. Diagnostics go to stderr; exit 1 on any
 * error.
 */
import process from "node:process";

async function main([sdkUrl, claudePath, mode, idleArg]) {
  const idleMs = Number(idleArg);
  if (!sdkUrl || !claudePath || !["prewarm", "startup"].includes(mode) || !(idleMs >= 0)) {
    throw new Error("usage: node sdk_prewarm.mjs SDK_URL CLAUDE_PATH prewarm|startup IDLE_MS");
  }
  const sdk = await import(sdkUrl);
  const options = {
    pathToClaudeCodeExecutable: claudePath,
    env: { ...process.env },
    permissionMode: "default",
    stderr: (data) => process.stderr.write(data),
  };
  let send;
  if (mode === "prewarm") {
    const spare = await sdk.prewarm({ options });
    send = (prompt) => spare.claim({ prompt, options: { cwd: process.cwd() } });
  } else {
    const warm = await sdk.startup({ options: { ...options, cwd: process.cwd() } });
    send = (prompt) => warm.query(prompt);
  }
  await new Promise((resolve) => setTimeout(resolve, idleMs));
  const start = performance.now();
  for await (const message of send("first question")) {
    if (message.type !== "result") continue;
    if (message.is_error) throw new Error(`The first turn failed: ${JSON.stringify(message)}`);
    const firstAnswerMs = performance.now() - start;
    process.stdout.write(JSON.stringify({ firstAnswerMs, durationMs: message.duration_ms }) + "\n");
    break;
  }
}

try {
  await main(process.argv.slice(2));
  process.exit(0);
} catch (error) {
  process.stderr.write(`sdk_prewarm: ${error?.stack ?? error}\n`);
  process.exit(1);
}
