/**
 * `--permission-mode`'s help says which modes only some CLI versions accept
 * (`VERSIONED_PERMISSION_MODES`); the pinned real CLIs are asked, mode by mode, so the help cannot
 * drift from what they do.
 */
import { deepStrictEqual as assertEquals } from "node:assert";
import { ClawError } from "../src/errors/claw_error.ts";
import { PERMISSION_MODES, VERSIONED_PERMISSION_MODES } from "../src/process/options.ts";
import { run } from "../src/session/run.ts";
import { hasCli, offline, PINNED_CLI_VERSIONS } from "./_offline.ts";

/** Whether the help says `version` accepts `mode`. */
function helpSaysAccepted(mode: string, version: string): boolean {
  const only = VERSIONED_PERMISSION_MODES[mode];
  return only === undefined || only === version.split(".").slice(0, 2).join(".");
}

for (const version of PINNED_CLI_VERSIONS) {
  Deno.test({
    name: `the permission modes Claude Code ${version} accepts are the ones the help names`,
    ignore: !hasCli(version),
    fn: async () => {
      await using env = await offline({
        replies: [{ content: [{ type: "text", text: "ok" }] }],
        when_exhausted: "repeat_last",
      });
      const accepted = async (mode: string) => {
        const options = env.options(version, { permissionMode: mode as never, maxTurns: 1 });
        try {
          // A refused mode fails before the first line; an accepted one prints system/init.
          for await (const item of run("hi", options)) if (item.type === "system") return true;
          return true;
        } catch (error) {
          if (error instanceof ClawError && error.kind === "cli_usage") return false;
          throw error;
        }
      };
      const seen: Record<string, boolean> = {};
      for (let i = 0; i < PERMISSION_MODES.length; i += 4) {
        const modes = PERMISSION_MODES.slice(i, i + 4);
        const answers = await Promise.all(modes.map(accepted));
        modes.forEach((mode, n) => seen[mode] = answers[n]!);
      }
      const said = Object.fromEntries(
        PERMISSION_MODES.map((mode) => [mode, helpSaysAccepted(mode, version)]),
      );
      assertEquals(seen, said);
    },
  });
}
