/**
 * The recorded transcript corpus (`fixtures/transcripts/`, made by `scripts/record_transcripts.ts`)
 * decodes completely: no diagnostics, no unknown events, nothing lost in re-serialisation, and each
 * scenario shows what it was recorded for. Also guards the corpus against leaked secrets and paths.
 */
import { deepStrictEqual as assertEquals, match as assertMatch, ok } from "node:assert";
import { join, relative } from "node:path";
import { EMAIL } from "../src/harness/redact.ts";
import {
  SCENARIOS,
  transcriptExtension,
  type TranscriptMeta,
} from "../scripts/record_transcripts.ts";
import { PINNED_CLI_VERSIONS } from "../scripts/install_cli.ts";
import { type AssembledMessage, MessageAssembler } from "../src/protocol/assemble.ts";
import { decodeEvents, decodeJsonOutput } from "../src/protocol/decode.ts";
import {
  type AssistantEvent,
  type ContentBlock,
  type DecodedItem,
  isContentBlock,
  isSystemEvent,
  type ResultEvent,
  type SystemEventMap,
  type ToolResultBlock,
  type ToolUseBlock,
  type UserEvent,
} from "../src/protocol/events.ts";

const FIXTURES_DIR = new URL("../fixtures/", import.meta.url).pathname;
const TRANSCRIPTS_DIR = join(FIXTURES_DIR, "transcripts");

/** The system subtypes `events.ts` types; any other subtype in the corpus is reported. */
const TYPED_SYSTEM_SUBTYPES: readonly string[] = [
  "init",
  "status",
  "api_retry",
  "permission_denied",
  "task_started",
  "task_updated",
  "task_notification",
  "model_fallback",
  "model_refusal_no_fallback",
  "compact_boundary",
  "session_state_changed",
  "informational",
  "thinking_tokens",
] satisfies (keyof SystemEventMap)[];

/** One recorded transcript and its meta file. */
interface Transcript {
  version: string;
  scenario: string;
  /** Path relative to `fixtures/`. */
  name: string;
  bytes: Uint8Array;
  text: string;
  meta: TranscriptMeta;
  /** `--output-format json` (one document) rather than NDJSON. */
  json: boolean;
}

function readTranscripts(): Transcript[] {
  const transcripts: Transcript[] = [];
  for (const version of Deno.readDirSync(TRANSCRIPTS_DIR)) {
    if (!version.isDirectory) continue;
    const dir = join(TRANSCRIPTS_DIR, version.name);
    for (const file of Deno.readDirSync(dir)) {
      const match = /^(.+)\.(ndjson|json)$/.exec(file.name);
      if (match === null || file.name.endsWith(".meta.json")) continue;
      const [, scenario = "", extension] = match;
      const bytes = Deno.readFileSync(join(dir, file.name));
      const meta = JSON.parse(Deno.readTextFileSync(join(dir, `${scenario}.meta.json`)));
      transcripts.push({
        version: version.name,
        scenario,
        name: relative(FIXTURES_DIR, join(dir, file.name)),
        bytes,
        text: new TextDecoder().decode(bytes),
        meta,
        json: extension === "json",
      });
    }
  }
  return transcripts.sort((a, b) => a.name < b.name ? -1 : 1);
}

function chunked(bytes: Uint8Array, size: number): ReadableStream<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for (let start = 0; start < bytes.length; start += size) {
    chunks.push(bytes.subarray(start, start + size));
  }
  return ReadableStream.from(chunks);
}

/** Decodes a transcript the way a reader of the CLI's stdout would. */
async function decodeTranscript(transcript: Transcript, chunkSize: number): Promise<DecodedItem[]> {
  if (transcript.json) return decodeJsonOutput(transcript.text);
  return await Array.fromAsync(decodeEvents(chunked(transcript.bytes, chunkSize)));
}

/** The JSON values of the transcript, one per event a decoder should yield. */
function rawValues(transcript: Transcript): unknown[] {
  if (transcript.json) {
    const value: unknown = JSON.parse(transcript.text);
    return Array.isArray(value) ? value : [value];
  }
  ok(transcript.text.endsWith("\n"), "the last line ends with a newline");
  return transcript.text.slice(0, -1).split("\n").map((line) => JSON.parse(line));
}

// ---------------------------------------------------------------------------------------------
// what each scenario must show

/** The decoded events of one transcript, with the lookups the expectations need. */
class Decoded {
  constructor(readonly transcript: Transcript, readonly items: DecodedItem[]) {}

  get is21(): boolean {
    return this.transcript.version.startsWith("2.1.");
  }

  get result(): ResultEvent {
    const last = this.items.at(-1);
    ok(last?.type === "result", "the last event is the result");
    return last;
  }

  get assistants(): AssistantEvent[] {
    return this.items.filter((item) => item.type === "assistant");
  }

  assistantBlocks(): ContentBlock[] {
    return this.assistants.flatMap((event) => event.message.content);
  }

  assistantText(): string {
    return this.assistantBlocks().filter((b) => isContentBlock(b, "text")).map((b) => b.text)
      .join("");
  }

  toolUses(): ToolUseBlock[] {
    return this.assistantBlocks().filter((block) => isContentBlock(block, "tool_use"));
  }

  toolResults(): ToolResultBlock[] {
    return this.items.filter((item): item is UserEvent => item.type === "user")
      .flatMap((event) => typeof event.message.content === "string" ? [] : event.message.content)
      .filter((block) => isContentBlock(block, "tool_result"));
  }

  assembled(): AssembledMessage[] {
    const assembler = new MessageAssembler();
    return this.items.flatMap((item) =>
      item.type === "diagnostic" ? [] : assembler.push(item) ?? []
    );
  }

  retries(): number[] {
    return this.items.filter((item) => isSystemEvent(item, "api_retry"))
      .map((item) => isSystemEvent(item, "api_retry") ? item.error_status ?? 0 : 0);
  }

  /** The synthetic assistant line the CLI prints for an API failure. */
  apiErrorMessage(): AssistantEvent {
    const [message, ...more] = this.assistants;
    ok(message !== undefined && more.length === 0, "one assistant line");
    assertEquals(message.message.model, "<synthetic>");
    ok(typeof message.error === "string", "the synthetic message carries an error category");
    return message;
  }
}

function resultText(decoded: Decoded): string {
  return decoded.result.result ?? "";
}

function toolResultText(block: ToolResultBlock): string {
  return typeof block.content === "string" ? block.content : JSON.stringify(block.content);
}

const EXPECTATIONS: Record<string, (decoded: Decoded) => void> = {
  text_simple(decoded) {
    assertEquals(resultText(decoded), "Hello from the fake API.");
    assertEquals(decoded.assistantText(), "Hello from the fake API.");
  },
  text_partial(decoded) {
    ok(decoded.items.some((item) => item.type === "stream_event"), "stream_event lines");
    const messages = decoded.assembled();
    assertEquals(messages.length, 1);
    const text = messages.flatMap((m) => m.content).filter((b) => isContentBlock(b, "text"))
      .map((b) => b.text).join("");
    assertEquals(text, decoded.assistantText());
    assertEquals(text, "Hello! こんにちは 🚀 — streamed in small deltas.");
    assertEquals(resultText(decoded), text);
  },
  thinking(decoded) {
    const thinking = "The user wants a short answer after some thought.";
    const [message] = decoded.assembled();
    const assembledThinking = message?.content.find((b) => isContentBlock(b, "thinking"));
    ok(assembledThinking !== undefined && isContentBlock(assembledThinking, "thinking"));
    assertEquals(assembledThinking.thinking, thinking);
    ok((assembledThinking.signature ?? "") !== "", "the signature delta was assembled");
    const lineThinking = decoded.assistantBlocks().find((b) => isContentBlock(b, "thinking"));
    ok(lineThinking !== undefined && isContentBlock(lineThinking, "thinking"));
    assertEquals(lineThinking.thinking, thinking);
    assertEquals(resultText(decoded), "Here is my answer: 42.");
    if (decoded.is21) {
      ok(decoded.items.some((item) => isSystemEvent(item, "thinking_tokens")), "thinking_tokens");
    }
  },
  tool_bash(decoded) {
    const [use] = decoded.toolUses();
    assertEquals(use?.name, "Bash");
    const [result] = decoded.toolResults();
    assertEquals(result?.tool_use_id, use?.id);
    ok(result !== undefined && result.is_error !== true, "the command succeeded");
    assertMatch(toolResultText(result), /claw-42/);
    assertEquals(resultText(decoded), "It printed claw-42.");
  },
  tool_parallel(decoded) {
    const uses = decoded.toolUses();
    assertEquals(uses.map((use) => use.name), ["Bash", "Read"]);
    const ids = new Set(
      decoded.assistants.filter((a) => a.message.content.some((b) => b.type === "tool_use"))
        .map((a) => a.message.id),
    );
    assertEquals(ids.size, 1, "both tool_use blocks belong to one API message");
    const results = decoded.toolResults();
    assertEquals(results.map((r) => r.tool_use_id).sort(), uses.map((u) => u.id).sort());
    const read = results.find((r) => r.tool_use_id === uses[1]?.id);
    ok(read !== undefined);
    assertMatch(toolResultText(read), /second note/);
  },
  tool_denied(decoded) {
    const [use] = decoded.toolUses();
    assertEquals(use?.name, "Write");
    const [result] = decoded.toolResults();
    assertEquals(result?.is_error, true);
    assertEquals(decoded.result.is_error, false);
    assertEquals(decoded.result.permission_denials.map((d) => d.tool_name), ["Write"]);
    if (decoded.is21) {
      ok(decoded.items.some((item) => isSystemEvent(item, "permission_denied")));
    }
  },
  max_turns(decoded) {
    assertEquals(decoded.result.subtype, "error_max_turns");
    assertEquals(decoded.toolResults().length, 1);
    // 2.0.76 reports the limit with is_error false, an empty errors list and exit code 0.
    if (decoded.is21) {
      assertEquals(decoded.result.is_error, true);
      assertEquals(decoded.result.errors, ["Reached maximum number of turns (1)"]);
    } else {
      assertEquals(decoded.result.is_error, false);
    }
  },
  error_500(decoded) {
    decoded.apiErrorMessage();
    assertEquals(decoded.result.is_error, true);
    assertMatch(resultText(decoded), /500/);
    if (decoded.is21) {
      assertEquals(decoded.retries(), [500]);
      assertEquals(decoded.result.api_error_status, 500);
    }
  },
  error_400_prompt_too_long(decoded) {
    decoded.apiErrorMessage();
    assertEquals(decoded.result.is_error, true);
    assertMatch(resultText(decoded), /prompt is too long/i);
    assertEquals(decoded.retries(), [], "not retried");
    if (decoded.is21) assertEquals(decoded.result.terminal_reason, "prompt_too_long");
  },
  error_429_rate_limit(decoded) {
    decoded.apiErrorMessage();
    assertEquals(decoded.result.is_error, true);
    assertMatch(resultText(decoded), /429/);
    if (decoded.is21) assertEquals(decoded.retries(), [429]);
  },
  no_auth(decoded) {
    assertEquals(decoded.apiErrorMessage().error, "authentication_failed");
    assertEquals(decoded.result.is_error, true);
    assertMatch(resultText(decoded), /Please run \/login/);
    assertEquals(decoded.transcript.meta.fake_api_requests, 0);
  },
  output_json(decoded) {
    assertEquals(decoded.items.length, 1);
    assertEquals(resultText(decoded), "Hello as one JSON result.");
  },
  output_json_verbose(decoded) {
    assertEquals(decoded.assistantText(), "Hello as a JSON array.");
    assertEquals(resultText(decoded), "Hello as a JSON array.");
  },
};

// ---------------------------------------------------------------------------------------------
// tests

const transcripts = readTranscripts();

Deno.test("corpus holds every scenario for every pinned CLI version", () => {
  const expected = PINNED_CLI_VERSIONS.flatMap((version) =>
    SCENARIOS.map((scenario) =>
      `transcripts/${version}/${scenario.name}${transcriptExtension(scenario)}`
    )
  ).sort();
  assertEquals(transcripts.map((t) => t.name).sort(), expected);
  assertEquals(Object.keys(EXPECTATIONS).sort(), SCENARIOS.map((s) => s.name).sort());
});

for (const transcript of transcripts) {
  Deno.test(`${transcript.name} decodes completely and shows its scenario`, async () => {
    assertEquals(transcript.meta.scenario, transcript.scenario);
    assertEquals(transcript.meta.cli_version, transcript.version);
    ok(transcript.meta.timed_out !== true, "the recording finished before the timeout");

    const items = await decodeTranscript(transcript, 7);
    assertEquals(await decodeTranscript(transcript, 4096), items, "chunk size changes nothing");
    assertEquals(items.filter((item) => item.type === "diagnostic"), [], "no diagnostics");
    const unknown = items.flatMap((item) => item.type === "unknown" ? [item.raw.type] : []);
    assertEquals(unknown, [], "no unknown event types");
    const subtypes = items.flatMap((item) => item.type === "system" ? [item.subtype] : []);
    assertEquals(subtypes.filter((s) => !TYPED_SYSTEM_SUBTYPES.includes(s)), [], "typed subtypes");

    const values = rawValues(transcript);
    assertEquals(items.length, values.length, "one event per line");
    items.forEach((item, index) => {
      assertEquals(
        JSON.parse(JSON.stringify(item)),
        values[index],
        `line ${index + 1} round-trips`,
      );
    });

    const decoded = new Decoded(transcript, items);
    assertEquals(items.filter((item) => item.type === "result").length, 1, "one result");
    assertEquals(transcript.meta.exit_code, decoded.result.is_error ? 1 : 0, "exit code");
    const [first] = items;
    if (items.length > 1) {
      ok(first !== undefined && isSystemEvent(first, "init"), "starts with init");
    }
    const expectation = EXPECTATIONS[transcript.scenario];
    ok(expectation !== undefined, `no expectation for scenario "${transcript.scenario}"`);
    expectation(decoded);
  });
}

/** Text that must never be committed: secrets, real home folders, unredacted temp roots. */
const FORBIDDEN: readonly [string, RegExp][] = [
  ["an API key", /sk-ant-/],
  ["a bearer token", /Bearer /],
  ["an email address", new RegExp(EMAIL.source)],
  ["root's home folder", /\/root/],
  ["a home folder", /\/home\//],
  ["a temporary folder of a recording", /\/tmp\/claw-/],
];

function* walk(dir: string): Generator<string> {
  for (const entry of Deno.readDirSync(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) yield* walk(path);
    else if (entry.isFile) yield path;
  }
}

Deno.test("fixtures hold no secrets, emails or machine paths", () => {
  const found: string[] = [];
  for (const path of walk(FIXTURES_DIR)) {
    const text = Deno.readTextFileSync(path);
    for (const [what, pattern] of FORBIDDEN) {
      const match = pattern.exec(text);
      if (match !== null) found.push(`${relative(FIXTURES_DIR, path)}: ${what} ("${match[0]}")`);
    }
  }
  assertEquals(found, []);
});

Deno.test("transcript corpus stays small", () => {
  let total = 0;
  for (const path of walk(TRANSCRIPTS_DIR)) total += Deno.statSync(path).size;
  ok(total < 2_000_000, `the corpus is ${total} bytes`);
});
