/** Where a recording came from, for its header: never a value of a secret. */
import { VERSION } from "../version.ts";
import type { CassetteHeaderFields } from "./cassette.ts";

/**
 * The kind of credential the CLI was given by `env`, in the CLI's own precedence (cloud provider,
 * then `ANTHROPIC_AUTH_TOKEN`, `ANTHROPIC_API_KEY`, `CLAUDE_CODE_OAUTH_TOKEN`), by variable name
 * only; `login` when none is set (the credentials file or keychain, if any).
 */
export function authMode(env: Readonly<Record<string, string>>): string {
  const on = (name: string) => env[name] !== undefined && env[name] !== "" && env[name] !== "0";
  if (on("CLAUDE_CODE_USE_BEDROCK")) return "bedrock";
  if (on("CLAUDE_CODE_USE_VERTEX")) return "vertex";
  if (on("CLAUDE_CODE_USE_FOUNDRY")) return "foundry";
  if (on("ANTHROPIC_AUTH_TOKEN")) return "auth_token (ANTHROPIC_AUTH_TOKEN)";
  if (on("ANTHROPIC_API_KEY")) return "api_key (ANTHROPIC_API_KEY)";
  if (on("CLAUDE_CODE_OAUTH_TOKEN")) return "oauth_token (CLAUDE_CODE_OAUTH_TOKEN)";
  return "login";
}

/** The provenance fields of a header for a run with `env`: platform, claw, auth, client. */
export function provenance(env: Readonly<Record<string, string>>): CassetteHeaderFields {
  const entrypoint = env.CLAUDE_CODE_ENTRYPOINT;
  const sdkVersion = env.CLAUDE_AGENT_SDK_VERSION;
  const client = {
    ...(entrypoint ? { entrypoint } : {}),
    ...(sdkVersion ? { sdk_version: sdkVersion } : {}),
  };
  return {
    platform: `${Deno.build.os}-${Deno.build.arch}`,
    claw_version: VERSION,
    auth: authMode(env),
    ...(Object.keys(client).length > 0 ? { client } : {}),
  };
}
