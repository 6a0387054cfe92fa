/**
 * Refresh against stand-ins for `claude` (small shell scripts): where the run is made, what it is
 * given, what is kept of the header, the time box, and what a folder refresh writes. The real
 * CLIs are refreshed in `tests/cassette_refresh_test.ts`.
 */
import { deepStrictEqual, match, ok, strictEqual } from "node:assert";
import { join } from "node:path";
import { ProcessMarker } from "../process/_process_marker.ts";
import { type Cassette, cassetteHeader, readCassetteFile, serializeCassette } from "./cassette.ts";
import { refreshCassette, refreshFolder } from "./refresh.ts";

const INIT = '{"type":"system","subtype":"init","cwd":"$CWD","session_id":"s-1"}';
const RESULT =
  '{"type":"result","subtype":"success","is_error":false,"result":"ok","session_id":"s-1"}';

/** A cassette of a run with `argv` that printed `lines` and exited 0. */
async function recorded(argv: string[], lines: string[]): Promise<Cassette> {
  return {
    header: await cassetteHeader(argv, { cli_version: "2.1.332" }),
    records: [
      { t: 0, stdin_eof: true },
      ...lines.map((line, i) => ({ t: i + 1, stdout: JSON.parse(line) })),
      { t: 99, exit: { code: 0, signal: null } },
    ],
  };
}

/** Writes an executable shell script `name` into `dir` running `body`. */
async function standIn(dir: string, name: string, body: string): Promise<string> {
  const path = join(dir, name);
  await Deno.writeTextFile(path, `#!/bin/sh\n${body}\n`);
  await Deno.chmod(path, 0o755);
  return path;
}

/** A stand-in that prints an init line naming its working folder, then a success. */
const ANSWERS_OK =
  `echo "{\\"type\\":\\"system\\",\\"subtype\\":\\"init\\",\\"cwd\\":\\"$(pwd)\\",\\"session_id\\":\\"s-2\\"}"
echo '${RESULT.replace("s-1", "s-2")}'`;

async function withTemp<T>(fn: (dir: string, marker: ProcessMarker) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: "claw-refresh-test-" });
  const marker = new ProcessMarker();
  try {
    return await fn(dir, marker);
  } finally {
    await Deno.remove(dir, { recursive: true });
    await marker.assertNoneLeft();
  }
}

Deno.test("refresh runs the argv in a fresh home and folder with the placeholders restored, then removes them", async () => {
  await withTemp(async (dir, marker) => {
    const probe = join(dir, "probe.txt");
    const cli = await standIn(
      dir,
      "claude",
      `printf '%s\\n' "$(pwd)" "$HOME" "$TMPDIR" "$CLAUDE_CODE_TMPDIR" "$@" > "$PROBE"\n${ANSWERS_OK}`,
    );
    const cassette = await recorded(
      ["-p", "--add-dir", "$HOME/notes", "--", "Read $CWD/a.txt"],
      [INIT, RESULT],
    );
    const result = await refreshCassette(cassette, {
      cli,
      env: { PATH: Deno.env.get("PATH") ?? "", PROBE: probe, ...marker.env },
      timeoutMs: 10_000,
    });
    strictEqual(result.error, undefined);
    deepStrictEqual(result.changes, []);
    const [cwd, home, tmp, claudeTmp, ...args] = (await Deno.readTextFile(probe)).trim().split(
      "\n",
    );
    const root = cwd!.slice(0, cwd!.lastIndexOf("/"));
    match(root, /claw-refresh-/);
    deepStrictEqual([cwd, home, tmp, claudeTmp], [
      `${root}/cwd`,
      `${root}/home`,
      `${root}/tmp`,
      `${root}/tmp`,
    ]);
    deepStrictEqual(args, ["-p", "--add-dir", `${home}/notes`, "--", `Read ${cwd}/a.txt`]);
    strictEqual(await Deno.stat(root).then(() => true, () => false), false);
    // Recorded as claw's recorder records: redacted back to the placeholders.
    deepStrictEqual(result.cassette?.header.argv, cassette.header.argv);
    const init = result.cassette?.records.find((record) => "stdout" in record);
    deepStrictEqual(init && "stdout" in init ? init.stdout.cwd : undefined, "$CWD");
  });
});

Deno.test("refresh keeps the header fields the user set and takes the rest from the new run", async () => {
  await withTemp(async (dir, marker) => {
    const cli = await standIn(dir, "claude", ANSWERS_OK);
    const cassette = await recorded(["-p", "--model", "opus", "--", "hi"], [INIT, RESULT]);
    cassette.header = {
      ...cassette.header,
      recorded_at: "2020-01-01T00:00:00.000Z",
      match: { ignore: ["--model"] },
      times: { at_most: 2 },
      job_id: "job-7",
    };
    const result = await refreshCassette(cassette, {
      cli,
      env: { PATH: Deno.env.get("PATH") ?? "", ...marker.env },
      timeoutMs: 10_000,
    });
    const header = result.cassette?.header;
    deepStrictEqual(
      [header?.match, header?.times, header?.job_id, header?.key],
      [{ ignore: ["--model"] }, { at_most: 2 }, "job-7", cassette.header.key],
    );
    ok(header?.recorded_at !== "2020-01-01T00:00:00.000Z", "recorded now");
    strictEqual(header?.cli_version, null, "the stand-in's init names no version");
  });
});

Deno.test("refresh stops a CLI that does not finish within the time box", async () => {
  await withTemp(async (dir, marker) => {
    const cli = await standIn(dir, "claude", "exec sleep 30");
    const started = Date.now();
    const result = await refreshCassette(await recorded(["-p", "hi"], [INIT, RESULT]), {
      cli,
      env: { PATH: Deno.env.get("PATH") ?? "", ...marker.env },
      timeoutMs: 300,
    });
    ok(Date.now() - started < 10_000, "stopped, not waited for");
    match(
      result.error ?? "",
      /^The CLI did not finish within 0\.3 s and was stopped: raise the time box/,
    );
    strictEqual(result.cassette, undefined);
  });
});

Deno.test("refresh says why a CLI that cannot start failed", async () => {
  const result = await refreshCassette(await recorded(["-p", "hi"], [INIT, RESULT]), {
    cli: "/nonexistent/claude",
    env: {},
  });
  match(result.error ?? "", /^Cannot start "\/nonexistent\/claude": /);
});

Deno.test("refreshFolder with check writes nothing, names what changed, and takes only what --only names", async () => {
  await withTemp(async (dir, marker) => {
    const cli = await standIn(dir, "claude", ANSWERS_OK);
    const folder = join(dir, "cassettes");
    await Deno.mkdir(join(folder, "nested"), { recursive: true });
    const same = serializeCassette(await recorded(["-p", "same"], [INIT, RESULT]));
    const failing = RESULT.replace(
      '"success","is_error":false',
      '"error_max_turns","is_error":true',
    );
    const drifted = serializeCassette(await recorded(["-p", "drifted"], [INIT, failing]));
    await Deno.writeTextFile(join(folder, "same.ndjson"), same);
    await Deno.writeTextFile(join(folder, "nested", "drifted.ndjson"), drifted);
    await Deno.writeTextFile(join(folder, "transcript.ndjson"), `${RESULT}\n`);
    const env = { PATH: Deno.env.get("PATH") ?? "", ...marker.env };

    const checked = await refreshFolder(folder, { cli, env, check: true, timeoutMs: 10_000 });
    deepStrictEqual(
      checked.cassettes.map(({ path, changes, written }) => ({ path, changes, written })),
      [
        {
          path: join(folder, "nested", "drifted.ndjson"),
          changes: [
            "line kinds: after system/init, recorded result/error_max_turns, now result/success",
            "result 1: recorded error_max_turns (is_error) → max_turns, now success",
          ],
          written: false,
        },
        { path: join(folder, "same.ndjson"), changes: [], written: false },
      ],
    );
    deepStrictEqual([checked.ok, checked.changed, checked.failed, checked.written], [1, 1, 0, 0]);
    strictEqual(await Deno.readTextFile(join(folder, "same.ndjson")), same);

    const only = await refreshFolder(folder, { cli, env, only: "same*", timeoutMs: 10_000 });
    deepStrictEqual(only.cassettes.map((outcome) => [outcome.path, outcome.written]), [
      [join(folder, "same.ndjson"), true],
    ]);
    strictEqual(await Deno.readTextFile(join(folder, "nested", "drifted.ndjson")), drifted);
    const fresh = await readCassetteFile(join(folder, "same.ndjson"));
    const sessions = fresh.records.flatMap((record) =>
      "stdout" in record ? [record.stdout.session_id] : []
    );
    deepStrictEqual(sessions, ["s-2", "s-2"], "the stand-in's new recording");
  });
});
