/**
 * Installs the pinned Claude Code CLI versions from npm into the git-ignored
 * `.cache/claude/<version>/` folders that the end-to-end tests and benchmarks use, and the
 * TypeScript Agent SDK released with the newest one into `.cache/sdk/<version>/`, whose type
 * declarations a test reads to check that claw types every message kind.
 *
 * Idempotent: a version whose binary already answers `--version` is skipped.
 *
 * @example Install both pinned versions
 * ```sh
 * deno run -A scripts/install_cli.ts
 * ```
 *
 * @module
 */
import { join } from "node:path";

/** The Claude Code versions claw is tested against: the newest first, the oldest supported last. */
export const PINNED_CLI_VERSIONS = ["2.1.332", "2.0.76"] as const;

const root = new URL("..", import.meta.url).pathname;

/** Where the pinned CLI `version` lives once installed. */
export function pinnedCliPath(version: string): string {
  return join(root, ".cache", "claude", version, "node_modules", ".bin", "claude");
}

async function answersVersion(path: string, version: string): Promise<boolean> {
  try {
    const out = await new Deno.Command(path, { args: ["--version"], stdin: "null" }).output();
    return out.success && new TextDecoder().decode(out.stdout).startsWith(version);
  } catch {
    return false;
  }
}

/** Installs `@anthropic-ai/claude-code@<version>` into the cache, unless it is there already. */
export async function install(version: string): Promise<void> {
  if (await answersVersion(pinnedCliPath(version), version)) return;
  await npmInstall(
    join(root, ".cache", "claude", version),
    `@anthropic-ai/claude-code@${version}`,
    [],
    () => answersVersion(pinnedCliPath(version), version),
  );
}

/** The `@anthropic-ai/claude-agent-sdk` version released with the newest pinned CLI. */
export const PINNED_SDK_VERSION = "0.3.332";

/** Where the pinned SDK's type declarations (`sdk.d.ts`) live once installed. */
export function pinnedSdkTypesPath(): string {
  const prefix = join(root, ".cache", "sdk", PINNED_SDK_VERSION);
  return join(prefix, "node_modules", "@anthropic-ai", "claude-agent-sdk", "sdk.d.ts");
}

/**
 * Installs `@anthropic-ai/claude-agent-sdk@<PINNED_SDK_VERSION>` into the cache for its type
 * declarations only (no platform binaries, peers or install scripts), unless it is there already.
 */
export async function installSdk(): Promise<void> {
  const installed = async () => {
    try {
      await Deno.stat(pinnedSdkTypesPath());
      return true;
    } catch {
      return false;
    }
  };
  if (await installed()) return;
  await npmInstall(
    join(root, ".cache", "sdk", PINNED_SDK_VERSION),
    `@anthropic-ai/claude-agent-sdk@${PINNED_SDK_VERSION}`,
    ["--omit=optional", "--omit=peer", "--ignore-scripts"],
    installed,
  );
}

/** `npm install spec` into a folder of its own; `installed` checks that it worked. */
async function npmInstall(
  prefix: string,
  spec: string,
  flags: string[],
  installed: () => Promise<boolean>,
): Promise<void> {
  console.error(`Installing ${spec} into ${prefix}`);
  await Deno.mkdir(prefix, { recursive: true });
  // A package.json of its own keeps npm from walking up into another project.
  await Deno.writeTextFile(join(prefix, "package.json"), '{ "private": true }\n');
  const out = await new Deno.Command("npm", {
    args: ["install", "--no-audit", "--no-fund", "--loglevel=error", ...flags, spec],
    cwd: prefix,
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (!out.success || !await installed()) {
    throw new Error(
      `Cannot install ${spec}: npm exited with ${out.code}; check access to the npm registry`,
    );
  }
}

if (import.meta.main) {
  for (const version of PINNED_CLI_VERSIONS) await install(version);
  await installSdk();
}
