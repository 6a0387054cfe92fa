/**
 * What a spawn request means for a cassette: the machine-specific places to redact, the rules
 * that redact them (and the request's secrets), and the key a run is matched by.
 *
 * ## Matching: the canonical argv
 *
 * A run matches a cassette when the canonical forms of their redacted argvs are equal (the key,
 * `k2:…`, is a hash of the canonical form; see `canonical_argv.ts`). The CLI parses its argv with
 * commander, so many spellings mean the same run: `claw record -- -p --output-format stream-json
 * "Say hello"` and `claw run`'s `-p --output-format=stream-json --verbose -- "Say hello"` must
 * replay each other. The canonical form is taken from what the CLI reads, with the flags of the
 * pinned CLIs (`_claude_flags.ts`: every flag of `claude --help` of 2.0.76 and 2.1.332, and the
 * hidden ones claw passes), each known as taking nothing, one value, an optional value, or one or
 * more values. What is normalised, and why it is safe:
 *
 * 1. **`--flag value` and `--flag=value`** become `--flag=value`; short flags become their long
 *    name (`-p` → `--print`, `-r ID` and `-rID` → `--resume=ID`, `-pc` → `--print`, `--continue`),
 *    and the second spellings of a flag become claw's (`--allowed-tools` → `--allowedTools`,
 *    `--bg` → `--background`). The CLI gives a flag the same value in every one of these forms.
 * 2. **Which argument is a value** follows the CLI: a flag that takes a value takes the next
 *    argument whatever it looks like; a flag with an optional value (`--resume`, `--debug`) takes
 *    the next argument unless it starts with `-`, so `--resume "Say hi"` resumes session `Say hi`;
 *    a flag that takes values (`--allowedTools`, `--add-dir`, `--mcp-config`, `--tools`, …) takes
 *    every following argument up to the next one starting with `-`, each value its own element
 *    (`--allowedTools a b` → `--allowedTools=a`, `--allowedTools=b`, the same as the flag given
 *    twice); a flag without a value (`--verbose`, `-p`) never takes the prompt after it.
 * 3. **Order of the flags** does not matter to the CLI: the flags are sorted by name, and a flag
 *    given several times keeps the order of its values (the CLI keeps it too, and for a
 *    single-value flag the last one wins). `--no-x` sorts as `--x` when both exist (`--chrome`,
 *    `--no-chrome`): the last of the two wins, so their order is kept.
 * 4. **The prompt and `--`**: positional arguments may come before, between or after the flags,
 *    and `--` before them is optional unless one starts with `-`: the canonical form puts them last,
 *    in their order, after one `--` (no `--` when there are none).
 * 5. **Unknown flags stay in place**: from the first flag the table does not know (or leaves out
 *    on purpose: `--plugin-dir`, which the pinned CLIs parse differently, and `--tmux`, whose value
 *    is undocumented), it cannot be told whether the flag takes the next argument, so that flag and
 *    everything after it are kept exactly as given, at the end; the positional arguments before it
 *    go first, then the known flags. A flag that takes a value but comes last without one is kept
 *    the same way. Two argvs are made equal only where the CLI would read them the same.
 *
 * Not normalised: list values spelled differently (`--allowedTools=Read,Edit` against
 * `--allowedTools Read Edit`, which the CLI splits alike), values themselves (`--model opus`
 * against a full model name), and flags that are only equivalent in effect (`--permission-mode
 * bypassPermissions` against `--dangerously-skip-permissions`).
 *
 * The cassette header keeps the argv as it was given (redacted) for people reading it; matching
 * always uses the canonical form computed from that argv. A cassette store computes each
 * cassette's key from its `argv` when it opens, so cassettes written before the canonical form
 * (with `k1:` keys, a hash of the argv as given) still match; a miss names the first element
 * where the canonical forms differ.
 *
 * @module
 */
import type { SpawnRequest } from "../process/spawn.ts";
import { cassetteKey } from "./cassette.ts";
import { type RedactionRule, redactionRules, redactText, type RunPlaces } from "./redact.ts";

/**
 * The machine-specific values of a request, for redaction and for matching: its HOME, cwd, TMPDIR
 * (and the CLI's `CLAUDE_CODE_TMPDIR`) and the port of a fake API on 127.0.0.1.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert";
 * import { placesOf } from "./request.ts";
 *
 * const places = placesOf({ command: "claude", args: [], cwd: "/w", env: { HOME: "/h", ANTHROPIC_BASE_URL: "http://127.0.0.1:4000" } });
 * assert(places.port === 4000 && places.cwd === "/w" && places.home === "/h");
 * ```
 */
export function placesOf(request: SpawnRequest): RunPlaces {
  const port = /^https?:\/\/(?:127\.0\.0\.1|localhost):(\d+)/.exec(
    request.env.ANTHROPIC_BASE_URL ?? "",
  )?.[1];
  const places: RunPlaces = { cwd: request.cwd ?? Deno.cwd() };
  if (request.env.HOME) places.home = request.env.HOME;
  if (request.env.TMPDIR) places.root = request.env.TMPDIR;
  const claudeTmp = request.env.CLAUDE_CODE_TMPDIR;
  if (claudeTmp && claudeTmp !== request.env.TMPDIR) places.tmp = [claudeTmp];
  if (port) places.port = Number(port);
  return places;
}

/**
 * Variables whose values are secrets whatever their shape (a Bash tool running `env` prints them):
 * a `_`-separated part of the name ends in KEY, TOKEN(S), SECRET, PASSWORD or CREDENTIAL(S).
 */
const SECRET_VARIABLE =
  /(?:^|_)[A-Z0-9]*(?:KEY|TOKENS?|SECRET|PASSWORD|PASSWD|CREDENTIALS?)(?:_|$)/i;

/**
 * The redaction rules of a request: {@linkcode redactionRules} for its places, then the values of
 * its secret-named variables (8 characters or more) wherever they appear, which catches secrets
 * that match no pattern.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { requestRules } from "./request.ts";
 * import { redactText } from "./redact.ts";
 *
 * const rules = requestRules({ command: "claude", args: [], cwd: "/w", env: { GATEWAY_TOKEN: "gw-1234567890" } });
 * strictEqual(redactText("token gw-1234567890 in /w", rules), "token [REDACTED_SECRET] in $CWD");
 * ```
 */
export function requestRules(request: SpawnRequest): RedactionRule[] {
  const secrets = Object.entries(request.env)
    .filter(([name, value]) => SECRET_VARIABLE.test(name) && value.length >= 8)
    .map(([, value]) => value)
    .sort((a, b) => b.length - a.length)
    .map((value) => ({
      pattern: new RegExp(value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "g"),
      replacement: "[REDACTED_SECRET]",
    }));
  return [...redactionRules(placesOf(request)), ...secrets];
}

/**
 * The redacted argv of a request (as given, for the cassette header) and its matching key (a hash
 * of the canonical form of that argv, see the module doc).
 *
 * @example Two spellings of one run have one key
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { requestKey } from "./request.ts";
 *
 * const spaced = await requestKey({ command: "claude", args: ["-p", "--model", "opus", "hi"], env: {} });
 * const joined = await requestKey({ command: "claude", args: ["--model=opus", "-p", "--", "hi"], env: {} });
 * strictEqual(spaced.key, joined.key);
 * strictEqual(spaced.argv.join(" "), "-p --model opus hi");
 * ```
 */
export async function requestKey(request: SpawnRequest): Promise<{ argv: string[]; key: string }> {
  const rules = requestRules(request);
  const argv = request.args.map((arg) => redactText(arg, rules));
  return { argv, key: await cassetteKey(argv) };
}

/**
 * Whether `args` only ask for the CLI's version (`claude --version`, or the `-v` probe the Agent
 * SDKs send).
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert";
 * import { asksVersion } from "./request.ts";
 *
 * assert(asksVersion(["-v"]) && !asksVersion(["-p", "--version"]));
 * ```
 */
export function asksVersion(args: readonly string[]): boolean {
  return args.length === 1 && (args[0] === "--version" || args[0] === "-v");
}
