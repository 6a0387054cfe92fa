/**
 * `claw cassette`: work on a folder of cassettes: set how a cassette matches (`match`), see which
 * cassettes a test suite used (`usage`), and re-record cassettes against a CLI (`refresh`). A thin
 * layer over `src/cassette/`.
 *
 * @module
 */
import { UsageError } from "./_args.ts";

const SUBCOMMANDS = ["match", "usage", "refresh"] as const;

/** Help for `claw cassette`. */
export const help =
  `Usage: claw cassette match FILE [--ignore FLAG]… [--prompt-regex RE] [--times N] [options]
       claw cassette usage LOG… --cassettes DIR [--strict] [--json]
       claw cassette refresh DIR [--cli PATH] [--check] [--text] [--only GLOB] [--json]

Work on recorded cassettes: how each matches a run, which ones a test suite used, and whether
they still hold against a newer CLI.

match FILE: edits the rules in the cassette's header, which in-process replay and the fake claude
both honour; with no rule flag it prints them. Rules that refuse the cassette's own run are refused.
  --ignore FLAG              The flag's value (and whether it is given) does not count
                             (--ignore --model, or --ignore model)
  --prompt-regex RE          The prompt (argv, or the first user message on stdin) must match the
  --prompt-glob PAT          regex, or the wildcard pattern (* any text, ? one character), whole
  --flag-regex FLAG=RE       Every value of FLAG must match (likewise --flag-glob FLAG=PAT)
  --stdin-regex N=RE         Recorded stdin line N must match (likewise --stdin-glob N=PAT)
  --times N                  Answer exactly N runs; or --at-least N and --at-most N. A run past
                             the upper bound misses; the usage report names one below the lower
  --clear                    Drop the rules and times first
  --json                     Print {"path","match","times"} on stdout

usage LOG…: reads the usage logs replays append when CLAW_CASSETTE_USAGE=LOG is set (the fake
claude's too) and lists the cassettes of DIR never used, those used more or fewer times than their
times allows, and the runs that missed.
  --cassettes DIR            The folder of cassettes the logs are about (required)
  --strict                   Exit 1 when anything is listed
  --json                     Print {"cassettes","cassette_count","runs","unused","times","misses"}

refresh DIR: re-runs each cassette's arguments and recorded stdin against a real CLI (with the API
the environment points at) and says per cassette what changed in meaning; writes the new
cassettes, keeping their rules, or with --check only reports.
  --cli PATH                 The CLI to run (default: the one claw finds)
  --check                    Write nothing; exit 1 on any change
  --text                     Compare the final text and usage too (for a deterministic API)
  --only GLOB                Only the cassettes whose path under DIR, or name, matches
  --timeout SECONDS          Stop a run that takes longer (default 120; none: no limit)
  --json                     Print {"cassettes":[{"path","changes","error"?,"written"}],"total",
                             "ok","changed","failed","written","check"}

Exit codes: 0 ok; 1 usage --strict found a problem, refresh --check found a change, or a
cassette could not be refreshed; 2 usage error.

Examples:
  claw cassette match fixtures/dated.ndjson --prompt-regex 'What happened on [0-9-]+[?]'
  claw cassette match fixtures/retry.ndjson --ignore --session-id --times 1
  CLAW_CASSETTE_USAGE=usage.ndjson deno test -A
  claw cassette usage usage.ndjson --cassettes fixtures --strict
  claw cassette refresh fixtures --check
`;

/** Runs `claw cassette` with `args`; returns the exit code. */
export async function run(args: string[]): Promise<number> {
  const at = args.findIndex((arg) => !arg.startsWith("-"));
  const kind = at === -1 ? undefined : args[at];
  const rest = at === -1 ? args : [...args.slice(0, at), ...args.slice(at + 1)];
  switch (kind) {
    case "match": {
      const match = await import("./_cassette_match.ts");
      return await match.runMatchCommand(rest);
    }
    case "usage": {
      const usage = await import("./_cassette_usage.ts");
      return await usage.runUsageCommand(rest);
    }
    case "refresh": {
      const refresh = await import("./_cassette_refresh.ts");
      return await refresh.runRefreshCommand(rest);
    }
    case undefined:
      throw new UsageError(`Missing subcommand: use ${SUBCOMMANDS.join(", ")}`);
    default:
      throw new UsageError(`Unknown subcommand "${kind}": use ${SUBCOMMANDS.join(", ")}`);
  }
}
