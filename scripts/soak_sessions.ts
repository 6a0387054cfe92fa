/**
 * Soak for sessions: the real pinned CLI (against claw's fake Messages API) given up on at random
 * moments of a turn that runs a Bash tool then streams slowly: interrupted (then another turn),
 * closed, aborted through the session's signal, or disposed. Prints how the turns ended, how long
 * giving up took (p50/p95, from the moment of giving up to the turn settling) and how many
 * processes were left. Not part of CI: it takes a few minutes.
 *
 *   deno run -A scripts/soak_sessions.ts [--sessions 100] [--cli PATH] [--seed N]
 */
import { parseArgs } from "node:util";
import { ClawError } from "../src/errors/claw_error.ts";
import { startFakeApi } from "../src/fake_api/fake_api.ts";
import { offlineEnv } from "../src/fake_api/offline_env.ts";
import type { FakeScript } from "../src/fake_api/script.ts";
import { ProcessMarker } from "../src/process/_process_marker.ts";
import { startSession } from "../src/session/session.ts";
import { pinnedCliPath } from "./install_cli.ts";

const { values } = parseArgs({
  options: {
    sessions: { type: "string", default: "100" },
    cli: { type: "string" },
    seed: { type: "string", default: "1" },
  },
});
const sessions = Number(values.sessions);
const cli = values.cli ?? pinnedCliPath("2.1.332");

// A turn long enough to be caught anywhere: a Bash tool (a child process of the CLI), then an
// answer streamed slowly (also the answer of any later turn).
const SCRIPT: FakeScript = {
  replies: [
    {
      content: [{
        type: "tool_use",
        name: "Bash",
        input: { command: "ls >/dev/null; sleep 1; echo slept" },
      }],
    },
    {
      content: [{ type: "text", text: "Done after a nap, slowly." }],
      chunk_size: 2,
      stall_ms: 500,
    },
    { content: [{ type: "text", text: "Short." }] },
  ],
  when_exhausted: "repeat_last",
};

type Way = "interrupt" | "close" | "abort" | "dispose";
const WAYS: Way[] = ["interrupt", "close", "abort", "dispose"];

let seed = Number(values.seed);
function random(): number {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
}

/** One session whose turn is given up on in `way` after `afterMs`. */
async function soakOnce(way: Way, afterMs: number, marker: ProcessMarker) {
  await using api = await startFakeApi({ script: SCRIPT });
  const home = await Deno.makeTempDir({ prefix: "claw-soak-session-" });
  const abort = new AbortController();
  try {
    const env = offlineEnv({ apiUrl: api.url, home, maxRetries: 0, tmpDir: home });
    const session = await startSession({
      cli,
      cwd: home,
      env: { ...env, ...marker.env },
      allowedTools: ["Bash"],
      controlTimeoutMs: 3000,
      signal: abort.signal,
    });
    const turn = session.send("Nap, then answer");
    const ended = turn.result().then(
      () => "success",
      (error) => error instanceof ClawError ? error.kind : `unexpected: ${error}`,
    );
    await new Promise((resolve) => setTimeout(resolve, afterMs));
    const gaveUp = performance.now();
    let outcome = "";
    if (way === "interrupt") outcome = await session.interrupt();
    else if (way === "close") await session.close();
    else if (way === "abort") abort.abort();
    else await session[Symbol.asyncDispose]();
    const kind = await ended;
    const giveUpMs = performance.now() - gaveUp;
    // After an interrupt the session goes on: the next turn must answer.
    const nextOk = way !== "interrupt" ||
      await session.send("And now?").text().then((text) => text !== "", () => false);
    await session.close();
    return { kind: outcome ? `${kind} (${outcome})` : kind, giveUpMs, nextOk };
  } finally {
    await Deno.remove(home, { recursive: true }).catch(() => {});
  }
}

const marker = new ProcessMarker();
const kinds = new Map<string, number>();
const latencies: number[] = [];
let nextTurnFailed = 0;
const started = performance.now();
for (let i = 0; i < sessions; i++) {
  const way = WAYS[Math.floor(random() * WAYS.length)]!;
  const { kind, giveUpMs, nextOk } = await soakOnce(way, Math.floor(random() * 3000), marker);
  kinds.set(`${way} → ${kind}`, (kinds.get(`${way} → ${kind}`) ?? 0) + 1);
  latencies.push(giveUpMs);
  if (!nextOk) nextTurnFailed++;
}
const left = marker.pids().length;
await marker.assertNoneLeft(2000).catch(() => {});

latencies.sort((a, b) => a - b);
const at = (q: number) =>
  latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
console.log(
  `${sessions} sessions in ${((performance.now() - started) / 1000).toFixed(0)} s (${cli})`,
);
for (const [kind, count] of [...kinds].sort()) console.log(`  ${kind}: ${count}`);
console.log(`give-up to settled: p50 ${at(0.5).toFixed(0)} ms, p95 ${at(0.95).toFixed(0)} ms`);
console.log(`turns after an interrupt that did not answer: ${nextTurnFailed}`);
console.log(`processes left: ${left}`);
if (left > 0 || nextTurnFailed > 0) Deno.exitCode = 1;
