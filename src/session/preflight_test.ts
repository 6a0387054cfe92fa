import { deepStrictEqual as assertEquals, ok, rejects, throws } from "node:assert";
import { ClaudeNotFoundError, ClawError, InvalidOptionError } from "../errors/claw_error.ts";
import { hintFor } from "../errors/kinds.ts";
import type { SpawnRequest } from "../process/spawn.ts";
import { planLaunch } from "./launch.ts";
import { estimatePromptTokens, preflightPrompt } from "./preflight.ts";
import { startSession } from "./session.ts";

/** A prompt of exactly `tokens` estimated tokens (four ASCII bytes each). */
const ofTokens = (tokens: number) => "word".repeat(tokens);

/** The `context_window` error `fn` throws. */
function refusal(fn: () => unknown): ClawError {
  try {
    fn();
  } catch (error) {
    ok(error instanceof ClawError && error.kind === "context_window", String(error));
    return error;
  }
  throw new Error("nothing was refused");
}

Deno.test("the estimate is the prompt's UTF-8 bytes over four, rounded up", () => {
  assertEquals(estimatePromptTokens(""), 0);
  assertEquals(estimatePromptTokens("abc"), 1);
  assertEquals(estimatePromptTokens("abcd"), 1);
  assertEquals(estimatePromptTokens("abcde"), 2);
  assertEquals(estimatePromptTokens("é".repeat(4)), 2); // 2 bytes each
  assertEquals(estimatePromptTokens("日本語です"), 4); // 15 bytes
  assertEquals(estimatePromptTokens("😀"), 1); // 4 bytes, one surrogate pair
});

Deno.test("a prompt that fits the window passes, one token more is refused", () => {
  preflightPrompt(ofTokens(200_000), { model: "claude-sonnet-4-5" });
  refusal(() => preflightPrompt(ofTokens(200_000) + "!", { model: "claude-sonnet-4-5" }));
  preflightPrompt(ofTokens(200_001), { model: "claude-sonnet-4-5[1m]" });
});

Deno.test("the refusal is one line naming the estimate, the model, its window and what to do", () => {
  const error = refusal(() =>
    preflightPrompt(ofTokens(250_000), { model: "claude-sonnet-4-5-20250929" })
  );
  assertEquals(
    error.message,
    'The prompt is about 250,000 tokens, more than the 200,000-token context window of "claude-sonnet-4-5-20250929" (claude-sonnet-4-5): shorten it, or use a model with a larger window such as "claude-sonnet-4-5-20250929[1m]"',
  );
  assertEquals(error.hint, hintFor("context_window"));
  const old = refusal(() => preflightPrompt(ofTokens(250_000), { model: "claude-3-7-sonnet" }));
  ok(old.message.endsWith('such as "sonnet[1m]"'), old.message);
  ok(old.message.includes('window of "claude-3-7-sonnet":'), old.message);
});

Deno.test("a model with the largest window gets no suggestion of another", () => {
  const error = refusal(() => preflightPrompt(ofTokens(1_100_000), { model: "haiku" }));
  assertEquals(
    error.message,
    'The prompt is about 1,100,000 tokens, more than the 1,000,000-token context window of "haiku" (claude-haiku-5-5): shorten it',
  );
  ok(!error.message.includes("\n"));
});

Deno.test("without a model the default model's window applies", () => {
  preflightPrompt(ofTokens(900_000));
  const error = refusal(() => preflightPrompt(ofTokens(1_000_001), {}));
  ok(error.message.includes("context window of the default model (claude-opus-5-5)"));
});

Deno.test("an unknown model is not checked: one warning, never a refusal", () => {
  const warnings: string[] = [];
  preflightPrompt(ofTokens(5_000_000), {
    model: "my-gateway/claude",
    onWarning: (message) => warnings.push(message),
  });
  assertEquals(warnings, [
    `Unknown model "my-gateway/claude": claw does not know its context window, so the prompt's size was not checked`,
  ]);
  preflightPrompt(ofTokens(5_000_000), { model: "claude-sonnet-9" });
});

Deno.test("planLaunch refuses a prompt too big for the model before it looks for the CLI", () => {
  const big = ofTokens(250_000);
  // No spawner: planLaunch would look for /nonexistent/claude, and fail, after the preflight.
  const options = { cli: "/nonexistent/claude", model: "claude-opus-4-5" };
  refusal(() => planLaunch(big, options));
  throws(() => planLaunch(big, { ...options, preflight: false }), ClaudeNotFoundError);
  throws(
    () => planLaunch("hi", { ...options, preflight: "no" as unknown as boolean }),
    (error) => error instanceof InvalidOptionError && error.options[0] === "preflight",
  );
});

Deno.test("a session refuses a turn too big for its current model, and carries on", async () => {
  const started: SpawnRequest[] = [];
  await using session = await startSession({
    transport: "per-turn",
    model: "claude-sonnet-4-5",
    spawner: (request) => {
      started.push(request);
      return Promise.reject(new Error("not started"));
    },
  });
  const big = ofTokens(250_000);
  refusal(() => session.send(big));
  assertEquals(started.length, 0, "nothing was started");
  ok(!session.closed);
  await session.setModel("claude-sonnet-4-5[1m]");
  await rejects(session.send(big).result(), (error) => error instanceof ClawError);
  ok(started[0]?.args.includes("--model=claude-sonnet-4-5[1m]"), "the turn went to the CLI");
});

Deno.test("a session warns about an unknown model once, not at every turn", async () => {
  const warnings: string[] = [];
  await using session = await startSession({
    transport: "per-turn",
    model: "my-gateway/claude",
    onWarning: (message) => warnings.push(message),
    spawner: () => Promise.reject(new Error("not started")),
  });
  for (const prompt of ["one", "two"]) {
    await rejects(session.send(prompt).result(), (error) => error instanceof ClawError);
  }
  assertEquals(warnings.length, 1, warnings.join("\n"));
});

Deno.test("preflight: false leaves a session's prompt to the CLI", async () => {
  await using session = await startSession({
    transport: "per-turn",
    model: "claude-sonnet-4-5",
    preflight: false,
    spawner: () => Promise.reject(new Error("not started")),
  });
  await rejects(
    session.send(ofTokens(250_000)).result(),
    (error) => error instanceof ClawError && error.kind === "spawn",
  );
});
