/**
 * `claw session list|show|export` end to end: `main.ts` as a subprocess, over sessions the pinned
 * CLIs wrote against the fake API in a throw-away HOME, and over synthetic sessions made by code
 * (`_synthetic_sessions.ts`) where the shape of a file, not the CLI, is under test.
 */
import { deepStrictEqual as assertEquals, match, ok } from "node:assert";
import { join } from "node:path";
import { claw, type ClawOutput } from "./_claw.ts";
import { hasCli, offline, PINNED_CLI_VERSIONS } from "./_offline.ts";
import { text, toolUse } from "./_session.ts";
import { run } from "../src/session/run.ts";
import { conversationRecords, syntheticStore } from "../src/session/_synthetic_sessions.ts";

const UNKNOWN_ID = "0b7c9a52-0000-4000-8000-000000000000";

/** The keys of one `claw session list --json` entry, in order: the stable shape. */
const LISTING_KEYS = [
  "id",
  "cwd",
  "first_prompt",
  "last_activity",
  "turns",
  "size_bytes",
  "path",
  "title",
  "tag",
  "archived",
];

function ok0(out: ClawOutput): ClawOutput {
  assertEquals(out.code, 0, out.stderr);
  return out;
}

for (const version of PINNED_CLI_VERSIONS) {
  Deno.test({
    name: `claw session list, show and export read the sessions claude ${version} wrote`,
    ignore: !hasCli(version),
    sanitizeOps: false,
    sanitizeResources: false,
    async fn(t) {
      // Made once: two sessions in the working directory (the first runs a tool), one elsewhere.
      await using env = await offline({
        replies: [
          toolUse("Bash", { command: "seq 1 8" }),
          text("It printed 1 to 8"),
          text("Second answer"),
          text("Elsewhere"),
        ],
      });
      const other = join(env.cwd, "other project");
      await Deno.mkdir(other);
      const bash = { permissionMode: "bypassPermissions" } as const;
      const first = (await run("Run seq", env.options(version, bash)).result()).session_id;
      const second = (await run("Start over", env.options(version)).result()).session_id;
      const elsewhere =
        (await run("Somewhere else", env.options(version, { cwd: other })).result()).session_id;
      const session = (...args: string[]) => claw(["session", ...args], { env: env.vars(version) });
      const ids = (out: ClawOutput) => JSON.parse(out.stdout).map((s: { id: string }) => s.id);

      await t.step("list prints a table, newest first, without colour off a terminal", async () => {
        const out = ok0(await session("list", "--cwd", env.cwd));
        const lines = out.stdout.trimEnd().split("\n");
        match(lines[0]!, /^ID +LAST ACTIVITY +TURNS +SIZE +FIRST PROMPT$/);
        assertEquals(lines.length, 3);
        match(
          lines[1]!,
          new RegExp(
            `^${second}  \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d +1 +[\\d.]+ [KM]?B  Start over$`,
          ),
        );
        match(lines[2]!, new RegExp(`^${first} .* Run seq$`));
        ok(!out.stdout.includes("\x1b"), "no colour");
      });

      await t.step("list --json prints the stable shape", async () => {
        const listed = JSON.parse(ok0(await session("list", "--cwd", env.cwd, "--json")).stdout);
        assertEquals(listed.map((s: { id: string }) => s.id), [second, first]);
        for (const entry of listed) assertEquals(Object.keys(entry), LISTING_KEYS);
        const entry = listed[1];
        assertEquals(
          [entry.cwd, entry.first_prompt, entry.turns, entry.title, entry.tag, entry.archived],
          [env.cwd, "Run seq", 1, null, null, false],
        );
        assertEquals(new Date(entry.last_activity).toISOString(), entry.last_activity);
        ok(Number.isInteger(entry.size_bytes) && entry.size_bytes > 0);
        assertEquals(entry.size_bytes, (await Deno.stat(entry.path)).size);
        ok(entry.path.endsWith(`/${first}.jsonl`), entry.path);
      });

      await t.step("list --all takes every working directory; --cwd picks one", async () => {
        assertEquals(ids(ok0(await session("list", "--all", "--json"))), [
          elsewhere,
          second,
          first,
        ]);
        const table = ok0(await session("list", "--all")).stdout;
        match(table, /^ID +LAST ACTIVITY +TURNS +SIZE +CWD +FIRST PROMPT\n/);
        match(table, new RegExp(`${elsewhere} .*other project  Somewhere else\n`));
        assertEquals(ids(ok0(await session("list", "--cwd", other, "--json"))), [elsewhere]);
      });

      await t.step("list with no sessions says so on stderr and exits 0", async () => {
        // The subprocess runs in this test's working directory, which has no sessions there.
        const out = ok0(await session("list"));
        assertEquals(out.stdout, "");
        match(out.stderr, /^No sessions for .+: run claw session new, or pass --all\n$/);
        assertEquals(ok0(await session("list", "--json")).stdout, "[]\n");
      });

      await t.step(
        "show prints the prompt, the tool call with its result folded, the answer, its tokens",
        async () => {
          const out = ok0(await session("show", first)).stdout;
          match(out, new RegExp(`^Session ${first}\n`));
          match(out, /\n> Run seq\n/);
          match(
            out,
            /\n⏺ Bash\(seq 1 8\)\n {2}⎿ 1\n {4}2\n {4}3\n {4}… \+5 lines \(--full shows them\)\n/,
          );
          // The turn's tokens follow its answer: two API calls of the fake API's 10 in / 5 out.
          match(out, /\nIt printed 1 to 8\n\n {2}\(20 in \/ 10 out tokens\)\n$/);
          const full = ok0(await session("show", first, "--full")).stdout;
          match(full, /\n {2}⎿ 1\n {4}2\n {4}3\n {4}4\n {4}5\n {4}6\n {4}7\n {4}8\n/);
          ok(!full.includes("--full shows them"));
        },
      );

      const shown = JSON.parse(ok0(await session("show", first, "--json")).stdout);
      await t.step("show --json prints the session and its typed messages", () => {
        assertEquals(Object.keys(shown), ["session", "messages"]);
        assertEquals(Object.keys(shown.session), LISTING_KEYS);
        assertEquals(shown.session.id, first);
        assertEquals(
          shown.messages.map((m: { role: string; content: { type: string }[] }) =>
            `${m.role}: ${m.content.map((b) => b.type).join(",")}`
          ),
          ["user: text", "assistant: tool_use", "user: tool_result", "assistant: text"],
        );
        assertEquals(shown.messages[1].content[0].input, { command: "seq 1 8" });
      });

      await t.step("export writes md, json and ndjson to stdout, and to -o FILE", async () => {
        const md = ok0(await session("export", first, "--format", "md")).stdout;
        match(md, new RegExp(`^# Session ${first}\n`));
        match(md, /\n## User\n\nRun seq\n/);
        match(md, /\*\*Tool call\*\* `Bash`\n```json\n\{\n {2}"command": "seq 1 8"/);
        const json = JSON.parse(ok0(await session("export", first, "--format", "json")).stdout);
        assertEquals([json.info.id, json.messages], [first, shown.messages]);
        const ndjson = ok0(await session("export", first, "--format=ndjson")).stdout;
        assertEquals(ndjson.trimEnd().split("\n").map((line) => JSON.parse(line)), shown.messages);
        for (const [format, stdout] of [["md", md], ["ndjson", ndjson]]) {
          const file = join(env.home, "exports", `session.${format}`); // its folder is made
          const out = ok0(await session("export", first, "--format", format!, "-o", file));
          assertEquals(out.stdout, "");
          match(out.stderr, new RegExp(`^Wrote session ${first} to .*session\\.${format}\n$`));
          assertEquals(await Deno.readTextFile(file), stdout);
        }
      });

      await t.step(
        "an unknown id is session_not_found, exit 1; -o a folder is a usage error",
        async () => {
          const out = await session("show", UNKNOWN_ID);
          assertEquals([out.code, out.stdout], [1, ""]);
          match(
            out.stderr,
            new RegExp(`^error\\[session_not_found\\]: No session "${UNKNOWN_ID}"`),
          );
          assertEquals(out.stderr.trimEnd().split("\n").length, 2, "one line and a hint");
          const json = await session("show", UNKNOWN_ID, "--json");
          assertEquals(json.code, 1);
          assertEquals(JSON.parse(json.stdout).error.kind, "session_not_found");
          assertEquals((await session("export", UNKNOWN_ID, "--format", "md")).code, 1);
          const folder = await session("export", first, "--format", "md", "-o", env.home);
          assertEquals([folder.code, folder.stdout], [2, ""]);
          match(folder.stderr, /^Cannot write -o ".*": it is a folder: /);
        },
      );
    },
  });
}

Deno.test("claw session usage mistakes exit 2 with the help, before reading any session", async () => {
  const home = await Deno.makeTempDir({ prefix: "claw-test-home-" });
  try {
    const session = (...args: string[]) => claw(["session", ...args], { env: { HOME: home } });
    const cases: [string[], RegExp][] = [
      [["show"], /^Missing ID: pass a session id \(claw session list prints them\)\n/],
      [["export", "--format", "md"], /^Missing ID: /],
      [["show", "a", "b"], /^Expected one ID, got 2/],
      [["export", UNKNOWN_ID], /^Missing --format: use md, json, ndjson\n/],
      [
        ["export", UNKNOWN_ID, "--format", "pdf"],
        /^Invalid --format "pdf": use md, json, ndjson\n/,
      ],
      [
        ["export", UNKNOWN_ID, "--format", "md", "-o", home],
        /^Cannot write -o ".*": it is a folder/,
      ],
      [["list", "--cwd", join(home, "missing")], /^Cannot use --cwd ".*missing": no such folder/],
      [["list", "--cwd", home, "--all"], /^Pass either --cwd or --all, not both\n/],
      [["list", UNKNOWN_ID], /^Unexpected ".*": claw session list takes no ID/],
      [["show", "../etc/passwd"], /^Invalid session ID "\.\.\/etc\/passwd": pass an id that claw /],
      [["show", UNKNOWN_ID, "--nope"], /^Unknown option --nope\n/],
      [
        ["list", "--max-line-bytes", "0"],
        /^Invalid --max-line-bytes "0": it must be a positive whole number of bytes, or Infinity\n/,
      ],
      [["show", UNKNOWN_ID, "--max-line-bytes", "lots"], /^Invalid --max-line-bytes "lots": /],
    ];
    for (const [args, message] of cases) {
      const out = await session(...args);
      assertEquals([out.code, out.stdout], [2, ""], args.join(" "));
      match(out.stderr, message);
      match(
        out.stderr,
        new RegExp(`\\n\\nUsage: claw session ${args[0]} [^\\n]*\\nSee claw help session `),
      );
    }
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("a session with a 600 MB line no longer fails claw session list for every session: list, show and export skip the line with a warning", async () => {
  // Synthetic sessions, made by code. The large one holds 600 MiB of zero bytes between its
  // two turns: one line, never written by a CLI, that costs no disk (the file is sparse).
  await using store = await syntheticStore();
  const [small, large] = [
    "5c0e1a9e-0000-4000-8000-000000000001",
    "5c0e1a9e-0000-4000-8000-000000000002",
  ];
  await store.write(
    small,
    conversationRecords({ sessionId: small, cwd: store.cwd, turns: [["Small", "Ok"]] }),
  );
  const records = conversationRecords({
    sessionId: large,
    cwd: store.cwd,
    turns: [["Before", "One"], ["After", "Two"]],
    start: "2026-03-01T00:00:00.000Z",
  });
  const lines = (from: number, to?: number) =>
    records.slice(from, to).map((record) => JSON.stringify(record) + "\n").join("");
  const path = await store.write(large, []);
  {
    using file = await Deno.open(path, { write: true });
    await file.write(new TextEncoder().encode(lines(0, 5))); // turn 1: lines 1 to 5
    await file.truncate((await file.stat()).size + 600 * 1024 * 1024); // line 6: zeros
    await file.seek(0, Deno.SeekMode.End);
    await file.write(new TextEncoder().encode("\n" + lines(5))); // turn 2
  }
  const session = (...args: string[]) => claw(["session", ...args], { env: store.env });
  const warning = new RegExp(
    `^warning: Skipped line 6 of "${path}": it is 629145600 bytes long, over the line limit of 268435456 bytes; raise the limit to read it\n$`,
  );

  const listed = await session("list", "--all", "--json");
  assertEquals(listed.code, 0, listed.stderr);
  match(listed.stderr, warning);
  const sessions = JSON.parse(listed.stdout);
  assertEquals(
    sessions.map((s: { id: string; turns: number }) => [s.id, s.turns]),
    [[large, 2], [small, 1]],
  );
  assertEquals(sessions[0].last_activity, records.at(-2)!.timestamp);

  const shown = await session("show", large);
  assertEquals(shown.code, 0, shown.stderr);
  match(shown.stderr, warning);
  match(shown.stdout, /\n> Before\n\nOne\n\n> After\n\nTwo\n$/);

  const exported = await session("export", large, "--format", "md");
  assertEquals(exported.code, 0, exported.stderr);
  match(exported.stderr, warning);
  match(exported.stdout, /\n## User\n\nBefore\n[^]*\n## User\n\nAfter\n\n## Assistant\n\nTwo\n$/);
});

Deno.test("claw session show puts each tool call's result under it, also when parallel calls' results come one message each", async () => {
  // A synthetic session: one answer calls two tools at once; their results come one per message.
  await using store = await syntheticStore();
  const id = "5c0e1a9e-0000-4000-8000-000000000001";
  const [, prompt, , answer] = conversationRecords({
    sessionId: id,
    cwd: store.cwd,
    turns: [["Look around", "Found both"]],
  });
  const common = { sessionId: id, cwd: store.cwd, isSidechain: false };
  const call = (n: number, command: string) => ({
    type: "assistant",
    uuid: `call-${n}`,
    ...common,
    message: {
      id: "msg_calls",
      role: "assistant",
      content: [{ type: "tool_use", id: `toolu_${n}`, name: "Bash", input: { command } }],
    },
  });
  const result = (n: number, output: string) => ({
    type: "user",
    uuid: `result-${n}`,
    ...common,
    message: {
      role: "user",
      content: [{ type: "tool_result", tool_use_id: `toolu_${n}`, content: output }],
    },
  });
  await store.write(id, [
    prompt!,
    call(1, "ls"),
    call(2, "pwd"),
    result(1, "a.txt"),
    result(2, "/work/project"),
    answer!,
  ]);
  const out = await claw(["session", "show", id], { env: store.env });
  assertEquals(out.code, 0, out.stderr);
  match(
    out.stdout,
    /\n> Look around\n\n⏺ Bash\(ls\)\n {2}⎿ a\.txt\n\n⏺ Bash\(pwd\)\n {2}⎿ \/work\/project\n\nFound both\n$/,
  );
});

Deno.test("claw session export -o FILE --json prints what it wrote, and --format json is snake_case like list --json", async () => {
  await using store = await syntheticStore();
  const id = "5c0e1a9e-0000-4000-8000-000000000001";
  await store.write(
    id,
    conversationRecords({ sessionId: id, cwd: store.cwd, turns: [["Hi", "Ok"]] }),
  );
  const session = (...args: string[]) => claw(["session", ...args], { env: store.env });
  for (
    const [format, named] of [
      ["md", "md"],
      ["markdown", "md"],
      ["json", "json"],
      ["ndjson", "ndjson"],
    ] as const
  ) {
    const path = join(store.configDir, `export.${format}`);
    const out = ok0(await session("export", id, "--format", format, "-o", path, "--json"));
    assertEquals(out.stderr, "");
    const bytes = (await Deno.stat(path)).size;
    assertEquals(out.stdout, JSON.stringify({ id, path, format: named, bytes }) + "\n", format);
    ok(bytes > 0);
  }
  const listed = JSON.parse(ok0(await session("list", "--all", "--json")).stdout);
  const exported = JSON.parse(ok0(await session("export", id, "--format", "json")).stdout);
  assertEquals(Object.keys(exported), ["info", "messages", "cost_usd"]);
  assertEquals(exported.info, listed[0]);
  assertEquals(Object.keys(exported.info), LISTING_KEYS);
  assertEquals(exported.cost_usd, null);
  assertEquals(exported.messages.map((m: { role: string }) => m.role), ["user", "assistant"]);
});

Deno.test({
  name: "claw session export -o to a full disk is error[io] naming the file, not a bare os error",
  // A full disk of the test's own is a device node like /dev/full, which only root may make.
  ignore: !(Deno.build.os === "linux" && Deno.uid() === 0),
  async fn() {
    await using store = await syntheticStore();
    const id = "5c0e1a9e-0000-4000-8000-000000000001";
    await store.write(
      id,
      conversationRecords({ sessionId: id, cwd: store.cwd, turns: [["Hi", "Ok"]] }),
    );
    const full = join(store.configDir, "full");
    const made = await new Deno.Command("mknod", { args: [full, "c", "1", "7"] }).output();
    assertEquals(made.code, 0, new TextDecoder().decode(made.stderr));
    const out = await claw(["session", "export", id, "--format", "md", "-o", full, "--json"], {
      env: store.env,
    });
    const message = `Cannot write "${full}": No space left on device (os error 28)`;
    assertEquals([out.code, out.stderr.split("\n")], [1, [
      `error[io]: ${message}`,
      "hint: Free some space on that disk, or write somewhere else, then rerun",
      "",
    ]]);
    assertEquals(JSON.parse(out.stdout).error.message, message);
    ok((await Deno.stat(full)).isCharDevice, "the device is still there");
  },
});
