/**
 * Test helper: tags the processes a test starts with an environment variable, so the test can
 * find every one of them afterwards, descendants included, in `/proc/<pid>/environ` (Linux).
 */

const NAME = "CLAW_TEST_MARKER";

/** A per-test marker: put {@linkcode ProcessMarker.env} into what a test spawns. */
export class ProcessMarker {
  /** The variable to add to a child's environment. */
  readonly env: Record<string, string> = { [NAME]: crypto.randomUUID() };
  /** How the variable reads in `/proc/<pid>/environ`. */
  readonly #entry = `${NAME}=${this.env[NAME]}`;

  /** The pids of live processes that carry the marker (zombies excluded: they hold nothing). */
  pids(): number[] {
    const found: number[] = [];
    for (const entry of Deno.readDirSync("/proc")) {
      if (!/^\d+$/.test(entry.name)) continue;
      try {
        const environ = Deno.readTextFileSync(`/proc/${entry.name}/environ`);
        if (environ.split("\0").includes(this.#entry)) found.push(Number(entry.name));
      } catch {
        // exited while we looked, or not ours to read
      }
    }
    return found;
  }

  /**
   * Throws when a marked process is still alive after `waitMs` (a process may take a moment to
   * die after its signal), naming each with its command line; kills them either way.
   */
  async assertNoneLeft(waitMs = 1000): Promise<void> {
    const deadline = Date.now() + waitMs;
    let left = this.pids();
    while (left.length > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      left = this.pids();
    }
    if (left.length === 0) return;
    const described = left.map((pid) => `${pid} (${commandLine(pid)})`).join(", ");
    this.killAll();
    throw new Error(`Processes left behind: ${described}`);
  }

  /** Kills every marked process. */
  killAll(): void {
    for (const pid of this.pids()) {
      try {
        Deno.kill(pid, "SIGKILL");
      } catch {
        // gone already
      }
    }
  }
}

function commandLine(pid: number): string {
  try {
    return Deno.readTextFileSync(`/proc/${pid}/cmdline`).split("\0").join(" ").trim();
  } catch {
    return "?";
  }
}
