/**
 * A host program for `scripts/bench_session.ts`: drives the official TypeScript Agent SDK through
 * a multi-turn session on its streaming input, one user message per turn, each sent only after
 * the previous turn's `result` message has arrived.
 *
 *     node sdk_session.mjs SDK_URL CLAUDE_PATH TURNS
 *
 * The working directory and the environment are the caller's (`process.cwd()`, `process.env`).
 * Prints one JSON line on stdout once the SDK's iteration ends:
 * `{"wallMs": …, "durationMs": [...], "turnEnds": [...], "results": N}`, where `wallMs` runs from just before
 * `query()` to the end of the iteration (after the SDK was imported: Node's start-up and the
 * import are left out), `durationMs` holds each result's `duration_ms` and `turnEnds` when each
 * result arrived (`performance.now()`). Diagnostics go to
 * stderr; exit 1 on any error.
 */
import process from "node:process";

async function main([sdkUrl, claudePath, turnsArg]) {
  const turns = Number(turnsArg);
  if (!sdkUrl || !claudePath || !(Number.isInteger(turns) && turns > 0)) {
    throw new Error("usage: node sdk_session.mjs SDK_URL CLAUDE_PATH TURNS");
  }
  const { query } = await import(sdkUrl);

  /** Resolved by the consumer loop when a `result` arrives; replaced for the next turn. */
  let resultSeen = () => {};
  const prompt = (async function* () {
    for (let i = 1; i <= turns; i++) {
      const seen = new Promise((resolve) => (resultSeen = resolve));
      yield {
        type: "user",
        message: { role: "user", content: `turn ${i}` },
        parent_tool_use_id: null,
      };
      await seen;
    }
  })();

  const durationMs = [];
  const turnEnds = [];
  const start = performance.now();
  const messages = query({
    prompt,
    options: {
      pathToClaudeCodeExecutable: claudePath,
      cwd: process.cwd(),
      env: { ...process.env },
      // As in tests/_programs/sdk_scenarios.mjs: no auto mode and its classifier's requests.
      permissionMode: "default",
      stderr: (data) => process.stderr.write(data),
    },
  });
  for await (const message of messages) {
    if (message.type !== "result") continue;
    if (message.is_error) {
      throw new Error(`Turn ${durationMs.length + 1} failed: ${message.subtype}`);
    }
    durationMs.push(message.duration_ms);
    turnEnds.push(performance.now());
    resultSeen();
  }
  const wallMs = performance.now() - start;
  if (durationMs.length !== turns) {
    throw new Error(`Expected ${turns} results, got ${durationMs.length}`);
  }
  process.stdout.write(
    JSON.stringify({ wallMs, durationMs, turnEnds, results: durationMs.length }) + "\n",
  );
}

main(process.argv.slice(2)).catch((error) => {
  process.stderr.write(`sdk_session: ${error?.stack ?? error}\n`);
  process.exit(1);
});
