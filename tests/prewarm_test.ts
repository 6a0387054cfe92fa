/**
 * Spare processes against the real pinned CLIs and the fake API: `prewarm()` starts and
 * initializes a process that `claim()` turns into the session (the first turn is answered by that
 * very process), a claim changes what can change by control request and refuses (or falls back on)
 * what cannot, a spare is reaped on every path (dispose, `idleMs`, a program that ends or calls
 * `Deno.exit()`, never keeping it alive), and `prewarm: true` on the per-turn transport starts each
 * next turn's process while the caller waits. Every process is tagged and counted.
 */
import { deepStrictEqual as assertEquals, ok } from "node:assert";
import { captureClawError } from "../src/errors/_capture.ts";
import { denoSpawner } from "../src/process/deno_spawner.ts";
import { type Spawner, withCliNeed } from "../src/process/spawn.ts";
import { prewarm } from "../src/session/prewarm.ts";
import { startSession } from "../src/session/session.ts";
import { offline } from "./_offline.ts";
import {
  forEachCli,
  mentions,
  ProcessMarker,
  scripted,
  sessionOptions,
  tempFolder,
  text,
} from "./_session.ts";

/** A spawner that starts the real CLI and counts the processes it started. */
function counting(): { spawner: Spawner; starts: () => number } {
  let count = 0;
  const spawner = withCliNeed((request) => {
    count++;
    return denoSpawner(request);
  }, "always");
  return { spawner, starts: () => count };
}

/** Waits until `check` holds, for 30 s at most. */
async function until(check: () => boolean, what: string): Promise<void> {
  for (const deadline = Date.now() + 30_000; !check();) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

forEachCli(
  "a claimed spare answers the first turn on the process prewarm() started",
  async (version) => {
    const marker = new ProcessMarker();
    await using env = await offline({ replies: [text("Warm hello.")] });
    const { spawner, starts } = counting();
    await using spare = await prewarm(sessionOptions(env, version, marker, { spawner }));
    const parked = marker.pids();
    ok(parked.length >= 1, "the spare's process runs");
    assertEquals(scripted(env.api).length, 0, "no model request before the claim");
    await using session = await spare.claim();
    assertEquals(await session.send("Say hello").text(), "Warm hello.");
    assertEquals(starts(), 1, "no other process started");
    ok(marker.pids().includes(parked[0]!), "the spare's process answered");
    await session.close();
    await marker.assertNoneLeft();
  },
);

forEachCli("a claim applies the model and permission mode by control request", async (version) => {
  const marker = new ProcessMarker();
  await using env = await offline({ replies: [text("As Sonnet.")] });
  const { spawner, starts } = counting();
  await using spare = await prewarm(sessionOptions(env, version, marker, { spawner }));
  await using session = await spare.claim({ model: "sonnet", permissionMode: "acceptEdits" });
  assertEquals(await session.send("Who are you?").text(), "As Sonnet.");
  const body = scripted(env.api).at(-1)?.body as { model?: string };
  ok(body.model?.includes("sonnet"), `the request went to ${body.model}`);
  assertEquals(starts(), 1);
  await session.close();
  await marker.assertNoneLeft();
});

forEachCli(
  "a claim that changes an option fixed at start fails spare_unusable, or with fallback starts fresh and says why",
  async (version) => {
    const marker = new ProcessMarker();
    await using env = await offline({ replies: [text("Fresh.")] });
    await using elsewhere = await tempFolder("claw-prewarm-cwd-");
    const warnings: string[] = [];
    const { spawner, starts } = counting();
    await using spare = await prewarm(
      sessionOptions(env, version, marker, { spawner, onWarning: (w) => warnings.push(w) }),
    );
    const refused = await captureClawError(spare.claim({ cwd: elsewhere.path }));
    assertEquals(refused.kind, "spare_unusable");
    ok(refused.message.includes(`option "cwd" differs`), refused.message);
    const before = marker.pids();
    await using session = await spare.claim({ cwd: elsewhere.path, fallback: true });
    ok(spare.fallbackReason?.includes(`"cwd"`), spare.fallbackReason);
    ok(warnings.some((w) => w.startsWith("The spare was not used") && w.includes(`"cwd"`)));
    assertEquals(await session.send("Hi").text(), "Fresh.");
    assertEquals(starts(), 2, "a fresh process started");
    ok(before.every((pid) => !marker.pids().includes(pid)), "the spare was reaped");
    const twice = await captureClawError(spare.claim());
    assertEquals(twice.kind, "spare_unusable");
    await session.close();
    await marker.assertNoneLeft();
  },
);

forEachCli("an unclaimed spare is reaped at dispose and after idleMs", async (version) => {
  const marker = new ProcessMarker();
  await using env = await offline({ replies: [text("Never sent.")] });
  {
    await using _spare = await prewarm(sessionOptions(env, version, marker));
    ok(marker.pids().length >= 1);
  }
  await marker.assertNoneLeft();
  const spare = await prewarm({ ...sessionOptions(env, version, marker), idleMs: 200 });
  await until(() => marker.pids().length === 0, "the idle spare was reaped");
  const late = await captureClawError(spare.claim());
  assertEquals(late.kind, "spare_unusable");
  ok(late.message.includes("reaped after 200 ms"), late.message);
});

/** A program that prewarms a spare with the options in CLAW_TEST_OPTIONS, then `ending`. */
function program(ending: string): string {
  const prewarmModule = new URL("../src/session/prewarm.ts", import.meta.url).href;
  return `import { prewarm } from ${JSON.stringify(prewarmModule)};
const spare = await prewarm(JSON.parse(Deno.env.get("CLAW_TEST_OPTIONS")!));
console.log("parked");
${ending}
`;
}

forEachCli(
  "an unclaimed spare never keeps a program alive, and dies with it",
  async (version, t) => {
    const endings: [string, string][] = [["running out of work", ""], [
      "Deno.exit()",
      "Deno.exit(3);",
    ]];
    for (const [how, ending] of endings) {
      await t.step(how, async () => {
        const marker = new ProcessMarker();
        await using env = await offline({ replies: [] });
        await using dir = await tempFolder("claw-prewarm-program-");
        const path = `${dir.path}/spare.ts`;
        await Deno.writeTextFile(path, program(ending));
        const options = sessionOptions(env, version, marker);
        const child = new Deno.Command(Deno.execPath(), {
          args: ["run", "-A", "--quiet", path],
          env: { CLAW_TEST_OPTIONS: JSON.stringify(options), ...marker.env },
          stdout: "piped",
          stderr: "piped",
        }).spawn();
        const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
        const out = await child.output();
        clearTimeout(timer);
        assertEquals(new TextDecoder().decode(out.stdout), "parked\n");
        assertEquals(out.code, ending === "" ? 0 : 3, new TextDecoder().decode(out.stderr));
        await marker.assertNoneLeft();
      });
    }
  },
);

forEachCli(
  "prewarm: true on per-turn starts the next turn's process while the caller waits, resuming the session",
  async (version) => {
    const marker = new ProcessMarker();
    await using env = await offline({ replies: [text("First."), text("Second.")] });
    const { spawner, starts } = counting();
    await using session = await startSession(
      sessionOptions(env, version, marker, { spawner, transport: "per-turn", prewarm: true }),
    );
    const first = await session.send("Remember plum").result();
    await until(() => starts() === 2 && marker.pids().length >= 1, "the spare started");
    const second = await session.send("What fruit?").result();
    assertEquals([first.result, second.result], ["First.", "Second."]);
    assertEquals(second.session_id, first.session_id, "the spare resumed the session");
    ok(mentions(scripted(env.api).at(-1), "Remember plum"), "the request carries turn 1");
    await until(() => starts() === 3, "the next spare started");
    await session.close();
    await marker.assertNoneLeft();
  },
);

forEachCli(
  "a per-turn session aborted while its spare starts or waits leaves no process",
  async (version) => {
    const marker = new ProcessMarker();
    await using env = await offline({ replies: [text("Only.")] });
    const abort = new AbortController();
    const session = await startSession(
      sessionOptions(env, version, marker, {
        transport: "per-turn",
        prewarm: true,
        signal: abort.signal,
      }),
    );
    await session.send("One turn").result();
    abort.abort(); // the next turn's spare is starting, or parked
    await session.close();
    await marker.assertNoneLeft();
    const refused = await captureClawError((async () => await session.send("Another").result())());
    assertEquals(refused.kind, "usage");
  },
);

forEachCli(
  "warmContext has the CLI build its first turn's context before the claim (count_tokens on 2.1.x; ignored on 2.0.x)",
  async (version) => {
    const marker = new ProcessMarker();
    await using env = await offline({ replies: [text("Warmer.")] });
    await using spare = await prewarm({
      ...sessionOptions(env, version, marker),
      warmContext: true,
    });
    const counted = env.api.requests.filter((r) => r.path.includes("count_tokens")).length;
    assertEquals(counted > 0, !version.startsWith("2.0."), `${counted} count_tokens requests`);
    assertEquals(scripted(env.api).length, 0, "no model request before the claim");
    await using session = await spare.claim();
    assertEquals(await session.send("Hi").text(), "Warmer.");
    await session.close();
    await marker.assertNoneLeft();
  },
);
