/**
 * Secrets split over partial-message deltas never reach a cassette: the real pinned CLI streams
 * keys, tokens and a secret env value against the fake Messages API in deltas of every size from
 * 1 to 64 characters (in the prompt, the model's thinking and text, a Bash tool call's input and
 * its output), is recorded by claw's recorder and by `claw record`, and no 12-character window
 * of any planted secret is left in the cassette: not in its bytes, not in its JSON-unescaped
 * strings, not in the text of a content block's deltas put back together.
 */
import { deepStrictEqual as assertEquals, ok } from "node:assert";
import { join } from "node:path";
import { parseCassette } from "../src/cassette/cassette.ts";
import { cassetteSpawner } from "../src/cassette/cassette_spawner.ts";
import type { FakeMessageReply } from "../src/fake_api/script.ts";
import { run } from "../src/session/run.ts";
import { claw } from "./_claw.ts";
import { hasCli, type Offline, offline, pinnedCliPath, recordTo } from "./_offline.ts";

const VERSION = "2.1.332";
const RUNS = 4; // run r streams replies in deltas of r+1, r+5, …, r+61 characters: 1..64 in all

/** `length` random characters a key may hold. */
function random(length: number): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  return Array.from(bytes, (byte) => alphabet[byte % alphabet.length]).join("");
}

/** The secrets one test plants: each must leave no 12-character window in a cassette. */
function plantedSecrets() {
  return {
    apiKey: `sk-ant-api03-${random(86)}-${random(6)}AA`,
    oauth: `ya29.a0${random(70)}`,
    bearer: random(48),
    gateway: `gw-${random(40)}`,
  };
}
type Secrets = ReturnType<typeof plantedSecrets>;

/** The prompt: every secret, the bearer token after its keyword. */
function prompt(s: Secrets): string {
  return `Deploy with ${s.apiKey}, Authorization: Bearer ${s.bearer}, ${s.oauth}, ` +
    `GATEWAY_TOKEN=${s.gateway}`;
}

/**
 * A tool turn streamed in deltas of `size` characters: thinking, text and a call of `tool` whose
 * command prints every secret (with Bash, its output is the tool result), each shifted by `shift`
 * characters so the secrets are cut at other places from turn to turn.
 */
function toolTurn(s: Secrets, size: number, shift: number, tool: string): FakeMessageReply {
  const pad = "·".repeat(shift);
  return {
    chunk_size: size,
    content: [
      { type: "thinking", thinking: `${pad}The user gave ${s.apiKey} and ${s.oauth}; run it.` },
      {
        type: "text",
        text: `${pad}Using ${s.apiKey} with Authorization: Bearer ${s.bearer}, ${s.oauth} ` +
          `and GATEWAY_TOKEN=${s.gateway}.`,
      },
      {
        type: "tool_use",
        name: tool,
        input: {
          command: `printf '%s\\n' '${pad}${s.apiKey}' 'Bearer ${s.bearer}' '${s.oauth}' ` +
            `"$GATEWAY_TOKEN" '${s.gateway}'`,
          description: `Deploy with ${s.apiKey}`,
        },
      },
    ],
  };
}

/**
 * The fake API script of run `r`: 16 tool turns of delta sizes r+1, r+5, …, r+61, then text. The
 * first four turns call Bash; the others call a tool the CLI does not have, which streams the same
 * input deltas and ends in an instant error result (a Bash run costs ~0.1 s a turn).
 */
function script(s: Secrets, r: number) {
  const turns = Array.from(
    { length: 64 / RUNS },
    (_, j) => toolTurn(s, r + 1 + RUNS * j, j % 7, j < 4 ? "Bash" : "Deploy"),
  );
  const last = { chunk_size: 64, content: [{ type: "text" as const, text: `Done: ${s.apiKey}` }] };
  return { replies: [...turns, last] };
}

/**
 * Every text of a cassette a secret could hide in: the file's bytes; each string of each line,
 * JSON-unescaped (and unescaped again where it is JSON text itself); the deltas of each content
 * block joined; all of stderr; all raw stdout lines.
 */
function cassetteTexts(file: string): string[] {
  const texts = [file];
  const blocks = new Map<string, string[]>();
  const stderr: string[] = [];
  const raw: string[] = [];
  for (const line of file.split("\n").filter((l) => l !== "")) {
    const record = JSON.parse(line);
    texts.push(...stringsOf(record));
    if (typeof record.stderr === "string") stderr.push(record.stderr);
    if (typeof record.stdout_raw === "string") raw.push(record.stdout_raw);
    const event = record.stdout?.type === "stream_event" ? record.stdout.event : undefined;
    if (event?.type === "content_block_start") {
      for (const key of [...blocks.keys()]) {
        if (key.startsWith(`${record.stdout.parent_tool_use_id}/${event.index}/`)) {
          texts.push(...unescaped(blocks.get(key)!.join("")));
          blocks.delete(key);
        }
      }
    }
    if (event?.type !== "content_block_delta") continue;
    for (const [field, value] of Object.entries(event.delta)) {
      if (field === "type" || typeof value !== "string") continue;
      const key = `${record.stdout.parent_tool_use_id}/${event.index}/${field}`;
      blocks.set(key, [...blocks.get(key) ?? [], value]);
    }
  }
  for (const deltas of blocks.values()) texts.push(...unescaped(deltas.join("")));
  return [...texts, stderr.join("\n"), raw.join("\n")];
}

/** `text`, and the strings in it when it is JSON text. */
function unescaped(text: string): string[] {
  try {
    return [text, ...stringsOf(JSON.parse(text))];
  } catch {
    return [text];
  }
}

/** Every string in a JSON value, and the strings in those that are JSON text themselves. */
function stringsOf(value: unknown): string[] {
  if (typeof value === "string") {
    if (!/^\s*[[{"]/.test(value)) return [value];
    return unescaped(value);
  }
  if (typeof value !== "object" || value === null) return [];
  return Object.values(value).flatMap(stringsOf);
}

/** The 12-character windows of `secrets` found in `texts`. */
function leakedWindows(texts: readonly string[], secrets: Secrets): string[] {
  const leaks = new Set<string>();
  for (const secret of Object.values(secrets)) {
    for (let i = 0; i + 12 <= secret.length; i++) {
      const window = secret.slice(i, i + 12);
      if (texts.some((text) => text.includes(window))) leaks.add(window);
    }
  }
  return [...leaks];
}

/** The pids of live processes started with `HOME=home` (the CLI, its tools, claw record). */
function processesWithHome(home: string): number[] {
  const pids: number[] = [];
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const environ = Deno.readTextFileSync(`/proc/${entry.name}/environ`).split("\0");
      const stat = Deno.readTextFileSync(`/proc/${entry.name}/stat`);
      if (environ.includes(`HOME=${home}`) && !/^\d+ \(.*\) Z /.test(stat)) {
        pids.push(Number(entry.name));
      }
    } catch {
      // gone, or not ours to read
    }
  }
  return pids;
}

Deno.test("the leak scan finds a key split over one-character deltas (synthetic cassette)", () => {
  const secrets = plantedSecrets();
  const lines = [...secrets.apiKey].map((character) =>
    JSON.stringify({
      t: 0,
      stdout: {
        type: "stream_event",
        event: {
          type: "content_block_delta",
          index: 0,
          delta: { type: "text_delta", text: character },
        },
        parent_tool_use_id: null,
      },
    })
  );
  const file = lines.join("\n");
  ok(!file.includes(secrets.apiKey.slice(20, 32)), "no window is in the bytes");
  ok(leakedWindows(cassetteTexts(file), secrets).length > 0, "the joined deltas show the key");
});

const FLAGS = { permissionMode: "bypassPermissions", includePartialMessages: true } as const;

Deno.test({
  name:
    `[claude ${VERSION}] secrets split over deltas of 1 to 64 characters never reach a cassette`,
  ignore: !hasCli(VERSION),
  async fn() {
    const root = await Deno.makeTempDir({ prefix: "claw-redaction-split-" });
    try {
      for (let r = 0; r < RUNS; r++) {
        const secrets = plantedSecrets();
        await using env = await offline(script(secrets, r));
        const path = join(root, `run-${r}`, "run.ndjson");
        // The last run records through `claw record`, as a user does; the others through run().
        if (r < RUNS - 1) await recordRun(env, secrets, path);
        else await recordWithClaw(env, secrets, path);
        assertEquals(processesWithHome(env.home), [], "the CLI and its tools have exited");

        const file = await Deno.readTextFile(path);
        const leaks = leakedWindows(cassetteTexts(file), secrets);
        assertEquals(leaks, [], `run ${r}: ${path} leaks windows of a planted secret`);
        checkRedacted(file, secrets, r);
        if (r === 0) await checkReplays(path, secrets);
      }
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});

/** The variables the recorded CLI gets beyond the offline ones: the secret-named one. */
const plantedEnv = (s: Secrets) => ({ GATEWAY_TOKEN: s.gateway });

/** Records a run() of the real CLI with claw's recorder to `path`. */
async function recordRun(env: Offline, s: Secrets, path: string): Promise<void> {
  const options = env.options(VERSION, { ...FLAGS, env: plantedEnv(s), ...recordTo(path) });
  assertEquals((await run(prompt(s), options).result()).subtype, "success");
}

/** Records the real CLI with `claw record -o path`. */
async function recordWithClaw(env: Offline, s: Secrets, path: string): Promise<void> {
  const vars = Object.entries(env.options(VERSION, { env: plantedEnv(s) }).env ?? {})
    .filter((entry): entry is [string, string] => entry[1] !== undefined);
  const recorded = await claw([
    "record",
    "-o",
    path,
    "--cli",
    pinnedCliPath(VERSION),
    "--",
    "-p",
    "--output-format=stream-json",
    "--verbose",
    "--include-partial-messages",
    "--permission-mode=bypassPermissions",
    "--",
    prompt(s),
  ], { env: Object.fromEntries(vars) });
  assertEquals(recorded.code, 0, recorded.stderr);
  ok(recorded.stdout.includes(s.apiKey), "claw record passes the run through untouched");
}

/** The secrets were there to redact: split over deltas, and replaced where they were. */
function checkRedacted(file: string, secrets: Secrets, r: number): void {
  const cassette = parseCassette(file);
  const deltas = cassette.records.flatMap((record) => {
    const event = "stdout" in record && record.stdout.type === "stream_event"
      ? record.stdout.event as { type: string; delta?: { type: string; text?: string } }
      : undefined;
    return event?.delta?.type === "text_delta" ? [event.delta.text ?? ""] : [];
  });
  // The first turn streams in deltas of at most 4 characters: the key alone spans 25 or more.
  ok(deltas.length > secrets.apiKey.length / RUNS, `run ${r}: only ${deltas.length} text deltas`);
  const text = deltas.join("");
  for (const placeholder of ["API_KEY", "BEARER_TOKEN", "TOKEN", "SECRET"]) {
    ok(text.includes(`[REDACTED_${placeholder}]`), `run ${r}: the text lacks ${placeholder}`);
  }
  const toolOutput = cassette.records.flatMap((record) =>
    "stdout" in record && record.stdout.type === "user" ? [JSON.stringify(record.stdout)] : []
  ).join("\n");
  for (const placeholder of ["API_KEY", "BEARER_TOKEN", "TOKEN", "SECRET"]) {
    ok(
      toolOutput.includes(`[REDACTED_${placeholder}]`),
      `run ${r}: tool output lacks ${placeholder}`,
    );
  }
  ok(cassette.header.argv.at(-1)?.startsWith("Deploy with [REDACTED_API_KEY]"));
}

/** The cassette replays in-process, every line decoding, to the recorded (redacted) result. */
async function checkReplays(path: string, s: Secrets): Promise<void> {
  const spawner = cassetteSpawner({ dir: join(path, ".."), mode: "replay" });
  const items = await Array.fromAsync(run(prompt(s), { ...FLAGS, env: plantedEnv(s), spawner }));
  const result = items.findLast((item) => item.type === "result") as
    | { result?: string }
    | undefined;
  assertEquals(result?.result, "Done: [REDACTED_API_KEY]");
  ok(!items.some((item) => item.type === "diagnostic"), "every replayed line decodes");
}
