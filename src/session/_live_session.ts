/**
 * Whether a running `claude` has a session open, so nothing changes a transcript under it (Linux
 * `/proc`; elsewhere only the registry is read).
 *
 * Claude Code 2.1 registers each process in `<config dir>/sessions/<pid>.json` with the session it
 * is in (`sessionId`, updated when it resumes or forks), its start time as `/proc/<pid>/stat`
 * counts it (`procStart`, so a reused pid is no match) and its `pidDomain` (`linux:<machine
 * id>:pid:[<pid namespace>]`); the file stays behind when the process is killed. 2.0.x registers
 * nothing, and Node hides its command line (`/proc/<pid>/cmdline` reads `claude`): all that tells
 * which sessions it may write is its working directory, whose project folder it writes in. So a
 * session counts as open when the registry names it for a live process (or for one in another pid
 * namespace or on another machine, which cannot be checked from here), or when an unregistered
 * `claude` on the same config dir runs in the session's working directory.
 *
 * @module
 */
import { join } from "node:path";
import { ClawError } from "../errors/claw_error.ts";
import { claudeProcessesUsing } from "../process/cli_processes.ts";
import { projectFolderName } from "./store.ts";

/** A process that has (or may have) a session open. */
export interface SessionHolder {
  /** Its pid. */
  pid: number;
  /**
   * How it is known: its registry file names the session (`registered`); a registry file names it
   * for a process in another pid namespace or on another machine (`foreign`); or it registers
   * nothing (Claude Code 2.0.x) and runs in the session's working directory (`unregistered`).
   */
  how: "registered" | "foreign" | "unregistered";
  /** The registry file, when there is one. */
  file?: string;
}

/** One `sessions/<pid>.json`, as far as it is read. */
interface Registration {
  pid: number;
  sessionId: unknown;
  procStart: unknown;
  pidDomain: unknown;
  file: string;
}

/**
 * The process that has session `id` open, if any. `projectFolder` is the folder of its
 * transcript under `projects/`; `configDir` the CLI's config dir.
 *
 * @example Nothing holds a session of an empty config dir
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { sessionHolder } from "./_live_session.ts";
 *
 * const holder = await sessionHolder("0b7c9a52-0000-4000-8000-000000000000", {
 *   configDir: "/nonexistent/.claude",
 *   projectFolder: "-work",
 * });
 * strictEqual(holder, undefined);
 * ```
 */
export async function sessionHolder(
  id: string,
  options: { configDir: string; projectFolder: string },
): Promise<SessionHolder | undefined> {
  const ours = pidDomain();
  const registered = new Set<number>();
  for (const entry of await registrations(join(options.configDir, "sessions"))) {
    const foreign = typeof entry.pidDomain === "string" && ours !== undefined &&
      entry.pidDomain !== ours;
    if (foreign) {
      if (entry.sessionId === id) return { pid: entry.pid, how: "foreign", file: entry.file };
      continue;
    }
    if (!runs(entry.pid, entry.procStart)) continue; // left behind by a process that is gone
    registered.add(entry.pid);
    if (entry.sessionId === id) return { pid: entry.pid, how: "registered", file: entry.file };
  }
  for (const pid of claudeProcessesUsing(options.configDir)) {
    if (registered.has(pid)) continue;
    const cwd = workingDirectory(pid);
    if (cwd !== undefined && projectFolderName(cwd) === options.projectFolder) {
      return { pid, how: "unregistered" };
    }
  }
  return undefined;
}

/**
 * Throws a `ClawError` of kind `session_in_use` when a running `claude` has session `id` (its
 * transcript at `path`) open; what to `change` names the refused change in the message.
 *
 * @example
 * ```ts
 * import { refuseLiveSession } from "./_live_session.ts";
 *
 * await refuseLiveSession("0b7c9a52-0000-4000-8000-000000000000", {
 *   path: "/nonexistent/.claude/projects/-work/0b7c9a52-0000-4000-8000-000000000000.jsonl",
 *   configDir: "/nonexistent/.claude",
 *   change: "rename",
 * });
 * ```
 */
export async function refuseLiveSession(
  id: string,
  options: { path: string; configDir: string; change: string },
): Promise<void> {
  const folder = options.path.split("/").at(-2) ?? "";
  const holder = await sessionHolder(id, { configDir: options.configDir, projectFolder: folder });
  if (holder === undefined) return;
  const cannot = `Cannot ${options.change} session "${id}"`;
  const message = holder.how === "registered"
    ? `${cannot}: a running claude (pid ${holder.pid}) has it open`
    : holder.how === "foreign"
    ? `${cannot}: a claude in another pid namespace or on another machine (pid ${holder.pid} there) has it open, and claw cannot check that process from here; if it is gone, remove "${holder.file}"`
    : `${cannot}: a running claude (pid ${holder.pid}) that does not say which session it has open (Claude Code 2.0.x) runs in its working directory`;
  throw new ClawError("session_in_use", message, { sessionId: id });
}

/** The registry files of `dir`, those that parse; none when it does not exist. */
async function registrations(dir: string): Promise<Registration[]> {
  const found: Registration[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      const match = /^(\d+)\.json$/.exec(entry.name);
      if (!match || !entry.isFile) continue;
      const file = join(dir, entry.name);
      try {
        const value = JSON.parse(await Deno.readTextFile(file));
        if (typeof value !== "object" || value === null) continue;
        const pid = Number.isInteger(value.pid) ? value.pid : Number(match[1]);
        found.push({
          pid,
          sessionId: value.sessionId,
          procStart: value.procStart,
          pidDomain: value.pidDomain,
          file,
        });
      } catch {
        // Removed while we looked, or being rewritten: the next look sees it whole.
      }
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return found;
}

/**
 * Whether process `pid` runs and, when `procStart` is known, is the one that registered. Without
 * `/proc` (not Linux) it cannot be told, and a registered process counts as running.
 */
function runs(pid: number, procStart: unknown): boolean {
  let stat: string;
  try {
    stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
  } catch {
    return Deno.build.os !== "linux";
  }
  // Fields after the command name, which is in parentheses and may hold spaces.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  if (fields[0] === "Z") return false;
  return typeof procStart !== "string" || fields[19] === procStart;
}

function workingDirectory(pid: number): string | undefined {
  try {
    return Deno.readLinkSync(`/proc/${pid}/cwd`);
  } catch {
    return undefined;
  }
}

let domain: string | null | undefined;

/** This process's pid domain as the CLI writes it; `undefined` when it cannot be told. */
function pidDomain(): string | undefined {
  if (domain === undefined) {
    try {
      const machine = Deno.readTextFileSync("/etc/machine-id").trim();
      domain = `linux:${machine}:${Deno.readLinkSync("/proc/self/ns/pid")}`;
    } catch {
      domain = null;
    }
  }
  return domain ?? undefined;
}
