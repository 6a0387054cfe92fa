/**
 * Installs the pinned Claude Code CLI versions into the git-ignored `.cache/claude/<version>/`
 * folders that the end-to-end tests and benchmarks use, and the TypeScript Agent SDK that bundles
 * the newest one into `.cache/sdk/<version>/`, whose type declarations a test reads to check that
 * claw types every message kind.
 *
 * A CLI reaches npm by two routes (PROTOCOL.md §10b): as `@anthropic-ai/claude-code`, and as the
 * native binary inside the Agent SDK's platform package (`@anthropic-ai/claude-agent-sdk-linux-x64`
 * and siblings; SDK 0.3.N bundles CLI 2.1.N), which ships first. A pin says which route it takes.
 *
 * Idempotent: a version whose binary already answers `--version` is skipped.
 *
 * @example Install every pinned version and the SDK
 * ```sh
 * deno run -A scripts/install_cli.ts
 * ```
 *
 * @module
 */
import { join } from "node:path";

/** The Claude Code versions claw is tested against: the newest first, the oldest supported last. */
export const PINNED_CLI_VERSIONS = ["2.1.337", "2.1.332", "2.0.76"] as const;

/** The newest pinned CLI: the corpus drift compares with by default. */
export const NEWEST_PINNED_CLI: string = PINNED_CLI_VERSIONS[0];

/** The oldest supported CLI. */
export const OLDEST_PINNED_CLI: string = PINNED_CLI_VERSIONS[PINNED_CLI_VERSIONS.length - 1]!;

/**
 * Pins installed from the Agent SDK's platform package rather than `@anthropic-ai/claude-code`:
 * CLI version → SDK version.
 */
const FROM_SDK: Readonly<Record<string, string>> = { "2.1.337": "0.3.337" };

/** The `@anthropic-ai/claude-agent-sdk` version that bundles the newest pinned CLI. */
export const PINNED_SDK_VERSION = "0.3.337";

const root = new URL("..", import.meta.url).pathname;
const cache = join(root, ".cache");

/** Where the pinned CLI `version` lives once installed (a `node_modules/.bin/claude` either way). */
export function pinnedCliPath(version: string): string {
  return join(cache, "claude", version, "node_modules", ".bin", "claude");
}

/**
 * The Agent SDK's platform package for this machine: `@anthropic-ai/claude-agent-sdk-<os>-<arch>`
 * (`-musl` on a musl Linux).
 */
export function sdkPlatformPackage(): string {
  const os = Deno.build.os === "windows" ? "win32" : Deno.build.os;
  const arch = Deno.build.arch === "aarch64" ? "arm64" : "x64";
  const musl = os === "linux" && isMusl(arch) ? "-musl" : "";
  return `@anthropic-ai/claude-agent-sdk-${os}-${arch}${musl}`;
}

function isMusl(arch: string): boolean {
  try {
    Deno.statSync(`/lib/ld-musl-${arch === "arm64" ? "aarch64" : "x86_64"}.so.1`);
    return true;
  } catch {
    return false;
  }
}

/** What `path --version` prints, or `undefined` when it does not run. */
export async function cliVersionOf(path: string): Promise<string | undefined> {
  try {
    const out = await new Deno.Command(path, { args: ["--version"], stdin: "null" }).output();
    return out.success ? new TextDecoder().decode(out.stdout).trim() : undefined;
  } catch {
    return undefined;
  }
}

async function answersVersion(path: string, version: string): Promise<boolean> {
  return (await cliVersionOf(path))?.startsWith(`${version} `) ?? false;
}

/**
 * Installs Claude Code `version` into the cache by the route its pin names (or from
 * `@anthropic-ai/claude-code` when it is not pinned), unless it is there already.
 */
export async function install(version: string): Promise<void> {
  const path = pinnedCliPath(version);
  if (await answersVersion(path, version)) return;
  const sdk = FROM_SDK[version];
  if (sdk === undefined) return await installClaudeCode(version, join(cache, "claude", version));
  const bundled = await installSdkCli(sdk);
  await Deno.mkdir(join(path, ".."), { recursive: true });
  await Deno.remove(path).catch(() => {});
  await Deno.symlink(bundled, path);
  if (!await answersVersion(path, version)) {
    throw new Error(`The CLI inside Agent SDK ${sdk} is not Claude Code ${version}`);
  }
}

/** Where `@anthropic-ai/claude-code@<version>` lives once {@linkcode installClaudeCode} ran. */
export function claudeCodePath(
  version: string,
  prefix = join(cache, "claude-code", version),
): string {
  return join(prefix, "node_modules", ".bin", "claude");
}

/**
 * Installs `@anthropic-ai/claude-code@<version>` into `prefix` (by default
 * `.cache/claude-code/<version>/`, apart from the pins), unless it is there already.
 */
export async function installClaudeCode(
  version: string,
  prefix = join(cache, "claude-code", version),
): Promise<void> {
  const path = claudeCodePath(version, prefix);
  if (await answersVersion(path, version)) return;
  await npmInstall(
    prefix,
    `@anthropic-ai/claude-code@${version}`,
    [],
    () => answersVersion(path, version),
  );
}

/** Where the CLI bundled in Agent SDK `sdkVersion` lives once installed. */
export function sdkCliPath(sdkVersion: string): string {
  const binary = Deno.build.os === "windows" ? "claude.exe" : "claude";
  return join(cache, "sdk-cli", sdkVersion, "node_modules", sdkPlatformPackage(), binary);
}

/**
 * Installs the platform package of Agent SDK `sdkVersion` (the bundled CLI alone: no SDK, no
 * peers, no scripts) into `.cache/sdk-cli/<sdkVersion>/`, unless it is there already; returns the
 * CLI's path. npm's own cache serves a second install offline.
 */
export async function installSdkCli(sdkVersion: string): Promise<string> {
  const path = sdkCliPath(sdkVersion);
  if (await cliVersionOf(path) !== undefined) return path;
  await npmInstall(
    join(cache, "sdk-cli", sdkVersion),
    `${sdkPlatformPackage()}@${sdkVersion}`,
    ["--prefer-offline", "--ignore-scripts"],
    async () => await cliVersionOf(path) !== undefined,
  );
  return path;
}

/** Where the pinned SDK's type declarations (`sdk.d.ts`) live once installed. */
export function pinnedSdkTypesPath(): string {
  return join(pinnedSdkModulePath(), "..", "sdk.d.ts");
}

/** Where the pinned SDK's module (`sdk.mjs`, what `import "@anthropic-ai/claude-agent-sdk"` loads) lives. */
export function pinnedSdkModulePath(): string {
  const prefix = join(cache, "sdk", PINNED_SDK_VERSION);
  return join(prefix, "node_modules", "@anthropic-ai", "claude-agent-sdk", "sdk.mjs");
}

/**
 * Installs `@anthropic-ai/claude-agent-sdk@<PINNED_SDK_VERSION>` into the cache for its type
 * declarations and its `sdk.mjs` (no platform binaries, peers or install scripts: tests point it
 * at a pinned CLI), unless it is there already.
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
    join(cache, "sdk", PINNED_SDK_VERSION),
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
