/**
 * Choosing the credential for a run: `apiKey()`, `oauthToken()`, `oauth()`, `auto()` and their
 * `.fallback()` chains, resolved before anything is spawned. The chosen credential goes to the
 * child in its own variable and the variables that would beat it are removed, so the CLI uses
 * exactly what was chosen.
 *
 * @module
 */
import { ClawError, invalidValue } from "../errors/claw_error.ts";
import { type AuthSource, resolveAuth, type ResolveAuthOptions } from "./resolve_auth.ts";

/** Every variable that carries or selects a credential. */
const CREDENTIAL_VARIABLES = [
  "ANTHROPIC_API_KEY",
  "ANTHROPIC_AUTH_TOKEN",
  "CLAUDE_CODE_OAUTH_TOKEN",
  "CLAUDE_CODE_USE_BEDROCK",
  "CLAUDE_CODE_USE_VERTEX",
  "CLAUDE_CODE_USE_FOUNDRY",
] as const;

/** What the child's environment needs to use a chosen credential. */
export interface AuthChoice {
  /** The source chosen. */
  source: AuthSource;
  /** Variables to set in the child; `undefined` removes one. */
  env: Record<string, string | undefined>;
  /** Credentials passed over because they cannot work (an expired login), one line each. */
  warnings: string[];
}

/** Where a method looks: the environment the child would get and its working directory. */
export interface AuthContext {
  /** The child's environment before the choice is applied. */
  env: Readonly<Record<string, string | undefined>>;
  /** The run's working directory. */
  cwd: string;
  /** Passed to {@linkcode resolveAuth} (a clock, the keychain and process probes). */
  probes?: Pick<ResolveAuthOptions, "now" | "keychain" | "processesUsing">;
}

/** A step's outcome: a choice, or why it found nothing (`broken`: something there cannot work). */
type Attempt = { choice: Omit<AuthChoice, "warnings"> } | { skip: string; broken?: true };
type Step = (context: AuthContext) => Attempt;

/**
 * A way to pick the run's credential. Build one with {@linkcode apiKey},
 * {@linkcode apiKeyFromEnv}, {@linkcode oauthToken}, {@linkcode oauthTokenFromEnv},
 * {@linkcode oauth} or {@linkcode auto}, chain alternatives with `fallback()`, and pass it as the
 * `auth` option of `run()` or `startSession()`.
 *
 * @example Prefer a CI token, else the stored login
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { oauth, oauthTokenFromEnv } from "./auth_method.ts";
 *
 * const method = oauthTokenFromEnv().fallback(oauth());
 * const choice = method.resolve({ env: { HOME: "/nonexistent", CLAUDE_CODE_OAUTH_TOKEN: "t" }, cwd: "/" });
 * strictEqual(choice.source, "CLAUDE_CODE_OAUTH_TOKEN");
 * strictEqual(choice.env.ANTHROPIC_API_KEY, undefined);
 * ```
 */
export class AuthMethod {
  /** What this method (and its fallbacks) tries, for messages. */
  readonly description: string;
  readonly #steps: readonly Step[];

  private constructor(description: string, steps: readonly Step[]) {
    this.description = description;
    this.#steps = steps;
  }

  /** @internal A method of one step. */
  static of(description: string, step: Step): AuthMethod {
    return new AuthMethod(description, [step]);
  }

  /** This method, then `next` when this one finds nothing usable. */
  fallback(next: AuthMethod): AuthMethod {
    return new AuthMethod(`${this.description}, then ${next.description}`, [
      ...this.#steps,
      ...next.#steps,
    ]);
  }

  /**
   * The first usable credential along the chain. Throws a {@linkcode ClawError} of kind `auth`,
   * naming every source passed over, when none is usable.
   */
  resolve(context: AuthContext): AuthChoice {
    const skipped: string[] = [];
    const warnings: string[] = [];
    for (const step of this.#steps) {
      const attempt = step(context);
      if ("choice" in attempt) return { ...attempt.choice, warnings };
      skipped.push(attempt.skip);
      if (attempt.broken) warnings.push(`Skipped ${attempt.skip}`);
    }
    throw new ClawError("auth", `No usable credential for claude: ${skipped.join("; ")}`, {
      hint: "Log in with claw auth login, or set ANTHROPIC_API_KEY or CLAUDE_CODE_OAUTH_TOKEN",
    });
  }
}

/** Removes every credential variable, then sets `name` to `value` (when given). */
function only(name?: string, value?: string): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = {};
  for (const variable of CREDENTIAL_VARIABLES) env[variable] = undefined;
  if (name !== undefined) env[name] = value;
  return env;
}

/** The two kinds of secret a caller can hand over, and how each reaches the child. */
const SECRETS = {
  key: {
    noun: "API key",
    variable: "ANTHROPIC_API_KEY",
    other: {
      prefix: /^sk-ant-oat/,
      shown: "sk-ant-oat…",
      is: "an OAuth token",
      use: "oauthToken()",
    },
  },
  token: {
    noun: "OAuth token",
    variable: "CLAUDE_CODE_OAUTH_TOKEN",
    other: { prefix: /^sk-ant-api/, shown: "sk-ant-api…", is: "an API key", use: "apiKey()" },
  },
} as const;

/** The choice of a `kind` secret; refuses an empty one or one of the other kind (never shown). */
function secret(kind: keyof typeof SECRETS, option: string, value: string): Attempt {
  const { noun, variable, other } = SECRETS[kind];
  if (value.trim() === "") throw invalidValue(option, value, `a non-empty ${noun}`);
  if (other.prefix.test(value)) {
    throw invalidValue(
      option,
      other.shown,
      `an ${noun}: this is ${other.is}, pass it to ${other.use}`,
    );
  }
  return { choice: { source: variable, env: only(variable, value) } };
}

/** The `kind` secret in the variable `name`; falls through when it is unset. */
function fromEnv(kind: keyof typeof SECRETS, name: string): AuthMethod {
  return AuthMethod.of(`the ${SECRETS[kind].noun} in ${name}`, ({ env }) => {
    const value = env[name];
    return value ? secret(kind, name, value) : { skip: `${name} is not set` };
  });
}

/**
 * Use this API key (sent as `ANTHROPIC_API_KEY`, billed to its API account).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { apiKey } from "./auth_method.ts";
 *
 * const choice = apiKey("sk-ant-api03-example").resolve({ env: { ANTHROPIC_AUTH_TOKEN: "x" }, cwd: "/" });
 * strictEqual(choice.env.ANTHROPIC_API_KEY, "sk-ant-api03-example");
 * strictEqual("ANTHROPIC_AUTH_TOKEN" in choice.env && choice.env.ANTHROPIC_AUTH_TOKEN, undefined);
 * ```
 */
export function apiKey(key: string): AuthMethod {
  const attempt = secret("key", "apiKey", key);
  return AuthMethod.of("the API key given", () => attempt);
}

/**
 * Use the API key in the variable `name` (default `ANTHROPIC_API_KEY`) of the run's environment;
 * falls through when it is unset.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { apiKeyFromEnv } from "./auth_method.ts";
 *
 * const choice = apiKeyFromEnv("CI_KEY").resolve({ env: { CI_KEY: "sk-ant-api03-x" }, cwd: "/" });
 * strictEqual(choice.env.ANTHROPIC_API_KEY, "sk-ant-api03-x");
 * ```
 */
export function apiKeyFromEnv(name = "ANTHROPIC_API_KEY"): AuthMethod {
  return fromEnv("key", name);
}

/**
 * Use this long-lived OAuth token (from `claude setup-token`; sent as `CLAUDE_CODE_OAUTH_TOKEN`,
 * billed to the subscription).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { oauthToken } from "./auth_method.ts";
 *
 * const choice = oauthToken("sk-ant-oat01-example").resolve({ env: { ANTHROPIC_API_KEY: "k" }, cwd: "/" });
 * strictEqual(choice.env.CLAUDE_CODE_OAUTH_TOKEN, "sk-ant-oat01-example");
 * strictEqual(choice.env.ANTHROPIC_API_KEY, undefined);
 * ```
 */
export function oauthToken(token: string): AuthMethod {
  const attempt = secret("token", "oauthToken", token);
  return AuthMethod.of("the OAuth token given", () => attempt);
}

/**
 * Use the OAuth token in the variable `name` (default `CLAUDE_CODE_OAUTH_TOKEN`); falls through
 * when it is unset.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { oauthTokenFromEnv } from "./auth_method.ts";
 *
 * strictEqual(oauthTokenFromEnv().resolve({ env: { CLAUDE_CODE_OAUTH_TOKEN: "t" }, cwd: "/" }).source, "CLAUDE_CODE_OAUTH_TOKEN");
 * ```
 */
export function oauthTokenFromEnv(name = "CLAUDE_CODE_OAUTH_TOKEN"): AuthMethod {
  return fromEnv("token", name);
}

/**
 * Use the stored login (`claude auth login`: the credentials file, or the macOS keychain). Falls
 * through when there is none, when the file is malformed, and when it has expired without a
 * refresh token: an expired login is never used silently.
 *
 * @example No stored login: fall through to an API key
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { apiKeyFromEnv, oauth } from "./auth_method.ts";
 *
 * const choice = oauth().fallback(apiKeyFromEnv()).resolve({
 *   env: { HOME: "/nonexistent", ANTHROPIC_API_KEY: "sk-ant-api03-x" },
 *   cwd: "/",
 * });
 * strictEqual(choice.source, "ANTHROPIC_API_KEY");
 * strictEqual(choice.warnings.length, 0);
 * ```
 */
export function oauth(): AuthMethod {
  return AuthMethod.of("the stored login", ({ env, cwd, probes }) => {
    const report = resolveAuth({ ...probes, env: { ...env, ...only() }, cwd });
    const login = report.sources.find((source) =>
      (source.source === "credentials_file" || source.source === "keychain") && source.present
    );
    if (!login) {
      const broken = report.warnings.find((warning) => warning.id === "credentials_malformed");
      return broken
        ? { skip: `the stored login: ${broken.message}`, broken: true }
        : { skip: `no stored login in ${report.configDir}` };
    }
    if (!report.usable) {
      return {
        skip: `the stored login in ${login.path}: it expired and has no refresh token`,
        broken: true,
      };
    }
    return { choice: { source: login.source, env: only() } };
  });
}

/**
 * Whatever the CLI would pick itself (its precedence, see `resolveAuth`), checked: falls through
 * when it would have nothing, or only an expired login without a refresh token. The environment
 * is left as it is.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { auto } from "./auth_method.ts";
 *
 * const choice = auto().resolve({ env: { HOME: "/nonexistent", CLAUDE_CODE_OAUTH_TOKEN: "t" }, cwd: "/" });
 * strictEqual(choice.source, "CLAUDE_CODE_OAUTH_TOKEN");
 * ```
 */
export function auto(): AuthMethod {
  return AuthMethod.of("the credential the CLI picks", ({ env, cwd, probes }) => {
    const report = resolveAuth({ ...probes, env, cwd });
    if (!report.active) return { skip: "no credential is set" };
    if (!report.usable) {
      const expired = report.warnings.find((warning) => warning.id === "login_expired");
      return {
        skip: expired?.message ?? "the credential the CLI would pick cannot work",
        broken: true,
      };
    }
    return { choice: { source: report.active.source, env: {} } };
  });
}
