/**
 * The flag table that canonicalises argvs for cassette matching (`src/cassette/_claude_flags.ts`)
 * against `claude --help` of every installed pinned CLI: each flag listed there is known, with
 * what it takes, or left out on purpose.
 */
import { deepStrictEqual as assertEquals, ok } from "node:assert";
import { FLAG_BY_SPELLING, type FlagArity, LEFT_OUT_FLAGS } from "../src/cassette/_claude_flags.ts";
import { ProcessMarker } from "../src/process/_process_marker.ts";
import { hasCli, PINNED_CLI_VERSIONS, pinnedCliPath } from "./_offline.ts";

/** The flags of the Options section of `--help`, each spelling with what it takes. */
function helpFlags(help: string): Map<string, FlagArity> {
  const options = help.slice(help.indexOf("\nOptions:"), help.indexOf("\nCommands:"));
  const flags = new Map<string, FlagArity>();
  for (const line of options.split("\n")) {
    const match = /^ {2}(-[^\s,]+(?:, -[^\s,]+)*)(?: ([<[][^>\]]*[>\]]))?/.exec(line);
    if (!match) continue;
    const value = match[2];
    const arity: FlagArity = value === undefined
      ? "boolean"
      : value.startsWith("[")
      ? "optional"
      : value.endsWith("...>")
      ? "variadic"
      : "value";
    for (const spelling of match[1]!.split(", ")) flags.set(spelling, arity);
  }
  return flags;
}

for (const version of PINNED_CLI_VERSIONS) {
  Deno.test({
    name: `[claude ${version}] every flag of claude --help is in the canonical argv's table`,
    ignore: !hasCli(version),
    async fn() {
      const marker = new ProcessMarker();
      const home = await Deno.makeTempDir({ prefix: "claw-flags-home-" });
      try {
        const out = await new Deno.Command(pinnedCliPath(version), {
          args: ["--help"],
          env: { ...marker.env, HOME: home, PATH: Deno.env.get("PATH") ?? "", NO_COLOR: "1" },
          clearEnv: true,
          stdin: "null",
        }).output();
        assertEquals(out.code, 0);
        const flags = helpFlags(new TextDecoder().decode(out.stdout));
        ok(flags.size > 30, `parsed only ${flags.size} flags from --help`);
        const wrong: string[] = [];
        for (const [spelling, arity] of flags) {
          if (LEFT_OUT_FLAGS.some((left) => spelling === left)) continue;
          const known = FLAG_BY_SPELLING.get(spelling);
          if (known?.arity !== arity) wrong.push(`${spelling} ${arity}, table ${known?.arity}`);
        }
        assertEquals(wrong, []);
        await marker.assertNoneLeft();
      } finally {
        marker.killAll();
        await Deno.remove(home, { recursive: true });
      }
    },
  });
}
