/**
 * Placeholders back to places: a replayed line gets the replaying run's own cwd, HOME, temporary
 * folder and fake API port where the recording has `$CWD`, `$HOME`, `$TMP`, `$ESCAPED_CWD`, … and
 * `127.0.0.1:$PORT` (see `redact.ts` for how they were made). Code under test that reads
 * `system/init.cwd` or a memory path then sees its own folders, as with the real CLI.
 *
 * @module
 */
import { escapePath, type RunPlaces } from "./redact.ts";

const PLACEHOLDER = /\$(ESCAPED_)?(CWD|HOME|TMP)(?![A-Za-z0-9_])|127\.0\.0\.1:\$PORT(?![0-9])/g;

/**
 * A function that restores the placeholders of one replayed line for a run at `places`: `$TMP`
 * becomes its temporary root (its `TMPDIR`, else its `CLAUDE_CODE_TMPDIR`, else `/tmp`),
 * `$ESCAPED_X` the CLI's project-folder form of the place; a placeholder whose place the run does
 * not have (no HOME, no local port) stays. In a JSON line the values are inserted JSON-escaped.
 *
 * A text that held a placeholder's spelling before redaction (a Bash command `echo $HOME`) is
 * restored too: the cassette cannot tell the two apart.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { placeRestorer } from "./restore.ts";
 *
 * const restore = placeRestorer({ cwd: "/work/app", home: "/home/me" });
 * strictEqual(restore('{"cwd":"$CWD","auto":"$HOME/.claude/projects/$ESCAPED_CWD/memory"}'),
 *   '{"cwd":"/work/app","auto":"/home/me/.claude/projects/-work-app/memory"}');
 * ```
 */
export function placeRestorer(places: RunPlaces): (line: string) => string {
  const values: Record<string, string | undefined> = {
    CWD: places.cwd,
    HOME: places.home,
    TMP: places.root ?? places.tmp?.[0] ?? "/tmp",
  };
  const port = places.port === undefined ? undefined : `127.0.0.1:${places.port}`;
  return (line) => {
    if (!line.includes("$")) return line;
    const json = line.startsWith("{") || line.startsWith("[");
    return line.replace(PLACEHOLDER, (match, escaped: string | undefined, name: string) => {
      const value = name === undefined ? port : values[name];
      if (value === undefined) return match;
      const place = escaped ? escapePath(value) : value;
      return json ? JSON.stringify(place).slice(1, -1) : place;
    });
  };
}
