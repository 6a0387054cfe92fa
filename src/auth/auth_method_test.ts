import { deepStrictEqual, ok as assert, strictEqual, throws } from "node:assert";
import { ClawError, InvalidOptionError } from "../errors/claw_error.ts";
import {
  apiKey,
  apiKeyFromEnv,
  auto,
  oauth,
  oauthToken,
  oauthTokenFromEnv,
} from "./auth_method.ts";

async function withLogin(
  login: Record<string, unknown> | undefined,
  test: (home: string) => void,
): Promise<void> {
  const home = await Deno.makeTempDir({ prefix: "claw-auth-method-" });
  await Deno.mkdir(`${home}/.claude`);
  if (login) {
    const content = JSON.stringify({ claudeAiOauth: { accessToken: "a", ...login } });
    await Deno.writeTextFile(`${home}/.claude/.credentials.json`, content, { mode: 0o600 });
  }
  try {
    test(home);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
}

Deno.test("apiKey() sends only that key: every other credential variable is removed", () => {
  const choice = apiKey("sk-ant-api03-k").resolve({
    env: { ANTHROPIC_AUTH_TOKEN: "a", CLAUDE_CODE_OAUTH_TOKEN: "t", CLAUDE_CODE_USE_BEDROCK: "1" },
    cwd: "/",
  });
  deepStrictEqual(choice.env, {
    ANTHROPIC_API_KEY: "sk-ant-api03-k",
    ANTHROPIC_AUTH_TOKEN: undefined,
    CLAUDE_CODE_OAUTH_TOKEN: undefined,
    CLAUDE_CODE_USE_BEDROCK: undefined,
    CLAUDE_CODE_USE_VERTEX: undefined,
    CLAUDE_CODE_USE_FOUNDRY: undefined,
  });
});

Deno.test("a token given as a key, or a key as a token, is refused without echoing it", () => {
  throws(() => apiKey("sk-ant-oat01-secret"), (error: unknown) => {
    assert(error instanceof InvalidOptionError);
    assert(error.message.includes("oauthToken()") && !error.message.includes("secret"));
    return true;
  });
  throws(() => oauthToken("sk-ant-api03-secret"), /pass it to apiKey\(\)/);
  throws(() => apiKey(" "), /non-empty/);
  throws(
    () => apiKeyFromEnv().resolve({ env: { ANTHROPIC_API_KEY: "sk-ant-oat01-x" }, cwd: "/" }),
    /this is an OAuth token/,
  );
});

Deno.test("a fallback chain takes the first source that is set", () => {
  const method = oauthTokenFromEnv("CI_TOKEN").fallback(apiKeyFromEnv()).fallback(
    apiKey("sk-last"),
  );
  strictEqual(
    method.resolve({ env: { CI_TOKEN: "t" }, cwd: "/" }).source,
    "CLAUDE_CODE_OAUTH_TOKEN",
  );
  strictEqual(
    method.resolve({ env: { ANTHROPIC_API_KEY: "sk-env" }, cwd: "/" }).env.ANTHROPIC_API_KEY,
    "sk-env",
  );
  strictEqual(method.resolve({ env: {}, cwd: "/" }).env.ANTHROPIC_API_KEY, "sk-last");
  strictEqual(
    method.description,
    "the OAuth token in CI_TOKEN, then the API key in ANTHROPIC_API_KEY, then the API key given",
  );
});

Deno.test("a chain with nothing usable fails with kind auth, naming each source passed over", () => {
  throws(
    () => oauthTokenFromEnv().fallback(apiKeyFromEnv()).resolve({ env: {}, cwd: "/" }),
    (error: unknown) => {
      assert(error instanceof ClawError && error.kind === "auth");
      strictEqual(
        error.message,
        "No usable credential for claude: CLAUDE_CODE_OAUTH_TOKEN is not set; ANTHROPIC_API_KEY is not set",
      );
      return true;
    },
  );
});

Deno.test("oauth() uses a live stored login and removes the variables that would beat it", () =>
  withLogin({ refreshToken: "r", expiresAt: Date.now() + 60_000 }, (home) => {
    const choice = oauth().resolve({ env: { HOME: home, ANTHROPIC_API_KEY: "k" }, cwd: home });
    strictEqual(choice.source, "credentials_file");
    strictEqual("ANTHROPIC_API_KEY" in choice.env, true);
    strictEqual(choice.env.ANTHROPIC_API_KEY, undefined);
  }));

Deno.test("an expired login without a refresh token is skipped with a warning, never used", () =>
  withLogin({ expiresAt: Date.now() - 60_000 }, (home) => {
    const env = { HOME: home, CI_KEY: "sk-ant-api03-k" };
    const choice = oauth().fallback(apiKeyFromEnv("CI_KEY")).resolve({ env, cwd: home });
    strictEqual(choice.source, "ANTHROPIC_API_KEY");
    strictEqual(choice.warnings.length, 1);
    assert(choice.warnings[0]!.includes("expired and has no refresh token"), choice.warnings[0]);
    throws(() => oauth().resolve({ env, cwd: home }), /expired and has no refresh token/);
    throws(() => auto().resolve({ env: { HOME: home }, cwd: home }), /no refresh token/);
  }));

Deno.test("auto() keeps the environment and names what the CLI will pick", () =>
  withLogin(undefined, (home) => {
    const choice = auto().resolve({ env: { HOME: home, ANTHROPIC_AUTH_TOKEN: "a" }, cwd: home });
    deepStrictEqual(choice, { source: "ANTHROPIC_AUTH_TOKEN", env: {}, warnings: [] });
    throws(() => auto().resolve({ env: { HOME: home }, cwd: home }), /no credential is set/);
  }));
