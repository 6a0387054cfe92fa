/**
 * The `auth` option of `run()` with the real pinned CLIs and the fake API: the chosen credential
 * reaches claude alone, and a dead stored login fails before anything starts.
 */
import { ok as assert, rejects, strictEqual } from "node:assert";
import { apiKey, oauth } from "../src/auth/auth_method.ts";
import { ClawError } from "../src/errors/claw_error.ts";
import { FAKE_API_KEY } from "../src/fake_api/offline_env.ts";
import { run } from "../src/session/run.ts";
import { writeLogin } from "./_auth_home.ts";
import { offline } from "./_offline.ts";
import { forEachCli, text } from "./_session.ts";

forEachCli("run({ auth: apiKey() }) sends only that key, whatever else is set", async (version) => {
  await using env = await offline({ replies: [text("Keyed.")] });
  const options = env.options(version, {
    auth: apiKey(FAKE_API_KEY),
    env: { ANTHROPIC_API_KEY: undefined, ANTHROPIC_AUTH_TOKEN: "would-win-otherwise" },
  });
  await using answer = run("hi", options);
  strictEqual(await answer.text(), "Keyed.");
  const request = env.api.requests.find((r) => r.reply === 0);
  assert(request, "the scripted reply was asked for");
  strictEqual(request.headers["x-api-key"], "[redacted]");
  strictEqual(request.headers["authorization"], undefined, "the auth token was removed");
});

forEachCli(
  "an expired stored login without a refresh token fails before claude starts",
  async (version) => {
    await using env = await offline({ replies: [text("Never.")] });
    await Deno.mkdir(`${env.home}/.claude`, { recursive: true });
    writeLogin(`${env.home}/.claude/.credentials.json`, "expired_no_refresh");
    const options = env.options(version, { env: { ANTHROPIC_API_KEY: undefined } });
    await rejects(
      async () => {
        await using answer = run("hi", options);
        await answer.result();
      },
      (error: unknown) => {
        assert(error instanceof ClawError && error.kind === "auth", String(error));
        assert(error.message.includes("no refresh token"), error.message);
        return true;
      },
    );
    await rejects(
      async () => {
        await using answer = run("hi", { ...options, auth: oauth() });
        await answer.result();
      },
      /No usable credential for claude: the stored login in .* expired and has no refresh token/,
    );
    strictEqual(env.api.requests.length, 0, "nothing reached the API: claude never started");
  },
);
