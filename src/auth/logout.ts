/**
 * Logging out without collateral damage: remove only the Claude login (`claudeAiOauth`) from the
 * credentials file and keep every other field (MCP servers' OAuth logins), written atomically.
 *
 * @module
 */
import { ClawError } from "../errors/claw_error.ts";

/** What {@linkcode removeClaudeLogin} did. */
export interface LogoutOutcome {
  /** Whether there was a login to remove. */
  removed: boolean;
  /** The top-level fields kept (`mcpOAuth`, …). */
  kept: string[];
  /** Whether the file was deleted, because nothing else was in it. */
  deleted: boolean;
}

/** Where the write could be interrupted, for tests of atomicity. */
export interface LogoutSeams {
  /** Called after the new content is written and synced, before it replaces the file. */
  beforeRename?: (tempPath: string) => void;
}

/**
 * Removes `claudeAiOauth` from the credentials file at `path`. The rest is written to a temporary
 * file beside it with mode 0600, synced, then renamed over the original, so a crash at any point
 * leaves either the old file or the new one. A file with nothing else in it is deleted. A file
 * that is not a JSON object is left alone and reported as an error. When `path` is a symbolic link
 * the change goes through to the file it points at (written beside that file, with its owner's
 * permission bits, and never deleted), and the link stays.
 *
 * @example Keep an MCP login
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { removeClaudeLogin } from "./logout.ts";
 *
 * const dir = await Deno.makeTempDir();
 * const path = `${dir}/.credentials.json`;
 * await Deno.writeTextFile(path, JSON.stringify({ claudeAiOauth: { accessToken: "x" }, mcpOAuth: { s: {} } }));
 * deepStrictEqual(removeClaudeLogin(path), { removed: true, kept: ["mcpOAuth"], deleted: false });
 * deepStrictEqual(JSON.parse(await Deno.readTextFile(path)), { mcpOAuth: { s: {} } });
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export function removeClaudeLogin(path: string, seams: LogoutSeams = {}): LogoutOutcome {
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return { removed: false, kept: [], deleted: false };
    throw new ClawError(
      "auth",
      `Cannot read the credentials file ${path}: ${(error as Error).message}`,
      {
        hint: "Check the file's owner and permissions",
        cause: error,
      },
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw unusable(path, "it is not valid JSON", error);
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw unusable(path, "it is not a JSON object");
  }
  const { claudeAiOauth, ...rest } = data as Record<string, unknown>;
  const kept = Object.keys(rest);
  if (claudeAiOauth === undefined) return { removed: false, kept, deleted: false };
  const target = linkTarget(path);
  if (kept.length === 0 && target === undefined) {
    Deno.removeSync(path);
    return { removed: true, kept, deleted: true };
  }
  // Replacing a link with a file would leave the login in the file it points at.
  const file = target ?? { path, mode: 0o600 };
  writeAtomically(file.path, JSON.stringify(rest, null, 2) + "\n", file.mode, seams);
  return { removed: true, kept, deleted: false };
}

/**
 * The file a symbolic link at `path` points at, with the mode to keep (its owner's bits: a
 * credentials file is never left readable by others); `undefined` when `path` is no link.
 */
function linkTarget(path: string): { path: string; mode: number } | undefined {
  if (!Deno.lstatSync(path).isSymlink) return undefined;
  const target = Deno.realPathSync(path);
  return { path: target, mode: (Deno.statSync(target).mode ?? 0o600) & 0o700 };
}

function unusable(path: string, why: string, cause?: unknown): ClawError {
  return new ClawError("auth", `Cannot log out from ${path}: ${why}; nothing was changed`, {
    hint: "Fix or move the file aside by hand, then log in again",
    ...(cause === undefined ? {} : { cause }),
  });
}

function writeAtomically(path: string, content: string, mode: number, seams: LogoutSeams): void {
  const temp = `${path}.claw-${Deno.pid}-${crypto.randomUUID().slice(0, 8)}.tmp`;
  try {
    using file = Deno.openSync(temp, { write: true, createNew: true, mode });
    const bytes = new TextEncoder().encode(content);
    for (let written = 0; written < bytes.length;) {
      written += file.writeSync(bytes.subarray(written));
    }
    file.syncSync();
    Deno.chmodSync(temp, mode); // the umask may have taken bits away
    seams.beforeRename?.(temp);
    Deno.renameSync(temp, path);
  } catch (error) {
    try {
      Deno.removeSync(temp);
    } catch {
      // Renamed already, or never created.
    }
    throw new ClawError(
      "auth",
      `Cannot write ${path}: ${(error as Error).message}; nothing was changed`,
      {
        hint: "Check that the config dir is writable and the disk is not full",
        cause: error,
      },
    );
  }
}
