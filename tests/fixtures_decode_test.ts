/**
 * The recorded cassette corpus (`fixtures/cassettes/`, made by `scripts/record_cassettes.ts`)
 * decodes completely: no diagnostics, no unknown events, subtypes, blocks or deltas, every line
 * re-serialises to exactly what the CLI printed, and each cassette shows what it was recorded for
 * (tool results, thinking, partial assembly, the error kind claw gives it). Also guards every file
 * under `fixtures/` against leaked secrets and machine paths.
 */
import { deepStrictEqual as assertEquals, match as assertMatch, ok } from "node:assert";
import { join, relative } from "node:path";
import {
  allSteps,
  CASSETTES_DIR,
  scenariosFor,
  type Step,
  stepFile,
} from "../scripts/record_cassettes.ts";
import { shapeOf } from "../scripts/_drift/shape.ts";
import { compareVersions } from "../src/process/version.ts";
import { PINNED_CLI_VERSIONS } from "../scripts/install_cli.ts";
import { stdoutText } from "../src/cassette/cassette.ts";
import { type CorpusEntry, readCorpus } from "./_corpus.ts";
import { EMAIL } from "../src/cassette/redact.ts";
import { classifyRun, isFailedResult } from "../src/session/classify.ts";
import type { ErrorKind } from "../src/errors/kinds.ts";
import { type AssembledMessage, MessageAssembler } from "../src/protocol/assemble.ts";
import { decodeEvents, KNOWN_EVENT_TYPES } from "../src/protocol/decode.ts";
import {
  type AssistantEvent,
  type ContentBlock,
  type ContentBlockMap,
  type DecodedItem,
  type DeltaMap,
  isContentBlock,
  isSystemEvent,
  type ResultEvent,
  type StreamPayloadMap,
  type SystemEventMap,
  type ToolResultBlock,
  type ToolUseBlock,
  type UserEvent,
} from "../src/protocol/events.ts";
import { ProcessFacts, TurnFacts } from "../src/session/facts.ts";

const FIXTURES_DIR = new URL("../fixtures/", import.meta.url).pathname;

// The kinds events.ts types; anything else in the corpus is reported.
const SYSTEM_SUBTYPES = [
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
  "background_tasks_changed",
] satisfies (keyof SystemEventMap)[] as string[];
const BLOCK_TYPES = [
  "text",
  "thinking",
  "redacted_thinking",
  "tool_use",
  "tool_result",
  "image",
] satisfies (keyof ContentBlockMap)[] as string[];
const STREAM_TYPES = [
  "message_start",
  "content_block_start",
  "content_block_delta",
  "content_block_stop",
  "message_delta",
  "message_stop",
] satisfies (keyof StreamPayloadMap)[] as string[];
const DELTA_TYPES = [
  "text_delta",
  "input_json_delta",
  "thinking_delta",
  "signature_delta",
] satisfies (keyof DeltaMap)[] as string[];

/** One cassette of the corpus, with what it recorded the process printing. */
interface Recorded extends CorpusEntry {
  /** Path relative to `fixtures/`. */
  path: string;
  /** The stdout lines, as the CLI printed them. */
  lines: string[];
  /** The whole stdout, newlines included. */
  stdout: string;
  stderr: string;
  code: number;
}

function readRecorded(): Recorded[] {
  return readCorpus().map((entry) => {
    const lines: string[] = [];
    let stdout = "";
    let stderr = "";
    let code: number | undefined;
    for (const record of entry.cassette.records) {
      if ("stdout" in record || "stdout_raw" in record) {
        lines.push(stdoutText(record));
        stdout += stdoutText(record) + ("eol" in record && record.eol === false ? "" : "\n");
      } else if ("stderr" in record) {
        stderr += record.stderr + (record.eol === false ? "" : "\n");
      } else if ("exit" in record) {
        code = record.exit.code;
      }
    }
    ok(code !== undefined, `${entry.path} has an exit record`);
    return { ...entry, path: relative(FIXTURES_DIR, entry.path), lines, stdout, stderr, code };
  }).sort((a, b) => a.path < b.path ? -1 : 1);
}

function chunked(bytes: Uint8Array, size: number): ReadableStream<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for (let start = 0; start < bytes.length; start += size) {
    chunks.push(bytes.subarray(start, start + size));
  }
  return ReadableStream.from(chunks);
}

async function decode(recorded: Recorded, chunkSize: number): Promise<DecodedItem[]> {
  const bytes = new TextEncoder().encode(recorded.stdout);
  return await Array.fromAsync(decodeEvents(chunked(bytes, chunkSize)));
}

/** Every kind in `items` that events.ts does not type. */
function unknownKinds(items: DecodedItem[]): string[] {
  const found: string[] = [];
  const blocks = (content: unknown, where: string) => {
    if (!Array.isArray(content)) return;
    for (const block of content as ContentBlock[]) {
      if (!BLOCK_TYPES.includes(block.type)) found.push(`${where} block "${block.type}"`);
    }
  };
  for (const item of items) {
    if (item.type === "unknown") found.push(`event "${String(item.raw.type)}"`);
    else if (!KNOWN_EVENT_TYPES.has(item.type) && item.type !== "diagnostic") {
      found.push(`event "${item.type}"`);
    }
    if (item.type === "system" && !SYSTEM_SUBTYPES.includes(item.subtype)) {
      found.push(`system subtype "${item.subtype}"`);
    }
    if (item.type === "assistant") blocks(item.message.content, "assistant");
    if (item.type === "user") blocks(item.message.content, "user");
    if (item.type === "stream_event") {
      const event = item.event;
      if (!STREAM_TYPES.includes(event.type)) found.push(`stream event "${event.type}"`);
      if (event.type === "content_block_delta") {
        const delta = (event as { delta: { type: string } }).delta;
        if (!DELTA_TYPES.includes(delta.type)) found.push(`delta "${delta.type}"`);
      }
      if (event.type === "content_block_start") {
        const block = (event as { content_block: { type: string } }).content_block;
        if (!BLOCK_TYPES.includes(block.type)) found.push(`stream block "${block.type}"`);
      }
    }
  }
  return found;
}

// ---------------------------------------------------------------------------------------------
// what each cassette must show

/** The decoded events of one cassette, with the lookups the expectations need. */
class Decoded {
  constructor(readonly recorded: Recorded, readonly items: DecodedItem[]) {}

  get is21(): boolean {
    return this.recorded.version.startsWith("2.1.");
  }

  get results(): ResultEvent[] {
    return this.items.filter((item) => item.type === "result");
  }

  get result(): ResultEvent {
    const last = this.results.at(-1);
    ok(last !== undefined, "there is a result");
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

  userTexts(): string[] {
    return this.items.filter((item): item is UserEvent => item.type === "user")
      .flatMap((event) =>
        typeof event.message.content === "string"
          ? [event.message.content]
          : event.message.content.filter((b) => isContentBlock(b, "text")).map((b) => b.text)
      );
  }

  assembled(): AssembledMessage[] {
    const assembler = new MessageAssembler();
    return this.items.flatMap((item) =>
      item.type === "diagnostic" ? [] : assembler.push(item) ?? []
    );
  }

  retries(): (number | null)[] {
    return this.items.flatMap((item) =>
      isSystemEvent(item, "api_retry") ? [item.error_status ?? null] : []
    );
  }

  /** The synthetic assistant line the CLI prints for an API failure. */
  apiErrorMessage(withCategory = true): AssistantEvent {
    const synthetic = this.assistants.filter((a) => a.message.model === "<synthetic>");
    ok(synthetic.length === 1, "one synthetic assistant line");
    const [message] = synthetic;
    ok(message !== undefined);
    if (withCategory) ok(typeof message.error === "string", "it carries an error category");
    return message;
  }

  /** The error kind claw gives the run, as `run()` would classify it. */
  kind(): ErrorKind | undefined {
    const turn = new TurnFacts();
    const process = new ProcessFacts();
    for (const item of this.items) {
      turn.observe(item);
      process.observe(item);
    }
    const stderr = this.recorded.stderr;
    return classifyRun({
      turn,
      process,
      status: { code: this.recorded.code, signal: null },
      stderrTail: stderr === "" ? undefined : stderr,
    })?.kind;
  }
}

function resultText(decoded: Decoded): string {
  return decoded.result.result ?? "";
}

function toolResultText(block: ToolResultBlock): string {
  return typeof block.content === "string" ? block.content : JSON.stringify(block.content);
}

function succeeds(decoded: Decoded, text: string): void {
  assertEquals(decoded.result.is_error, false);
  assertEquals(decoded.result.subtype, "success");
  assertEquals(resultText(decoded), text);
}

/** An API failure: one synthetic error line, an error result that keeps `subtype: success`. */
function apiFailure(decoded: Decoded, text: RegExp, withCategory = true): AssistantEvent {
  const message = decoded.apiErrorMessage(withCategory);
  assertEquals(decoded.result.subtype, "success");
  assertEquals(decoded.result.is_error, true);
  assertMatch(resultText(decoded), text);
  return message;
}

/** The kind claw gives each cassette's final result: one for both versions, or [2.1, 2.0]. */
const KINDS: Record<string, ErrorKind | [ErrorKind | undefined, ErrorKind | undefined]> = {
  max_turns: "max_turns",
  budget: "budget",
  structured_invalid: "structured_output",
  structured_never: [undefined, "max_turns"],
  error_400_prompt_too_long: "context_window",
  error_400_generic: "api_error",
  error_401: "auth",
  error_403: "auth",
  error_404_model: "api_error",
  error_429: "rate_limit",
  error_500: "api_error",
  error_500_something_went_wrong: "provider_internal",
  error_502_html: "api_error",
  error_529: "overloaded",
  error_sse_error_event: "overloaded",
  error_connection_refused: "api_error",
  error_midstream_disconnect: "api_error",
  error_timeout_before_headers: "api_error",
  max_tokens: "api_error",
  refusal: "api_error",
  no_auth: "auth",
};

function expectedKind(decoded: Decoded): ErrorKind | undefined {
  const kind = KINDS[decoded.recorded.name];
  if (Array.isArray(kind)) return decoded.is21 ? kind[0] : kind[1];
  return kind;
}

const EXPECTATIONS: Record<string, (decoded: Decoded) => void> = {
  text_simple(decoded) {
    succeeds(decoded, "Hello from the fake API.");
    assertEquals(decoded.assistantText(), "Hello from the fake API.");
  },
  output_json(decoded) {
    succeeds(decoded, "Hello as one JSON result.");
  },
  text_partial(decoded) {
    ok(decoded.items.some((item) => item.type === "stream_event"), "stream_event lines");
    const messages = decoded.assembled();
    assertEquals(messages.length, 1);
    const text = messages.flatMap((m) => m.content).filter((b) => isContentBlock(b, "text"))
      .map((b) => b.text).join("");
    assertEquals(text, "Hello! こんにちは 🚀 — streamed in small deltas.");
    assertEquals(decoded.assistantText(), text);
    succeeds(decoded, text);
  },
  thinking(decoded) {
    const thinking = "The user wants a short answer after some thought.";
    const [message] = decoded.assembled();
    const assembled = message?.content.find((b) => isContentBlock(b, "thinking"));
    ok(assembled !== undefined && isContentBlock(assembled, "thinking"));
    assertEquals(assembled.thinking, thinking);
    ok((assembled.signature ?? "") !== "", "the signature delta was assembled");
    const line = decoded.assistantBlocks().find((b) => isContentBlock(b, "thinking"));
    ok(line !== undefined && isContentBlock(line, "thinking"));
    assertEquals(line.thinking, thinking);
    succeeds(decoded, "Here is my answer: 42.");
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
    succeeds(decoded, "It printed claw-42.");
  },
  tool_read(decoded) {
    assertEquals(decoded.toolUses().map((use) => use.name), ["Read"]);
    const [result] = decoded.toolResults();
    ok(result !== undefined && result.is_error !== true, "the file was read");
    assertMatch(toolResultText(result), /second note/);
    succeeds(decoded, "The file has two notes.");
  },
  tool_write(decoded) {
    assertEquals(decoded.toolUses().map((use) => use.name), ["Write"]);
    const [result] = decoded.toolResults();
    ok(result !== undefined && result.is_error !== true, "the file was written");
    assertMatch(toolResultText(result), /\$CWD\/hello\.txt/);
    succeeds(decoded, "I wrote hello.txt.");
  },
  tool_edit(decoded) {
    assertEquals(decoded.toolUses().map((use) => use.name), ["Read", "Edit"]);
    const results = decoded.toolResults();
    assertEquals(results.map((r) => r.is_error === true), [false, false]);
    assertMatch(toolResultText(results[1]!), /notes\.txt/);
    succeeds(decoded, "I edited notes.txt.");
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
    assertEquals(decoded.toolUses().map((use) => use.name), ["Write"]);
    const [result] = decoded.toolResults();
    assertEquals(result?.is_error, true);
    assertEquals(decoded.result.permission_denials.map((d) => d.tool_name), ["Write"]);
    if (decoded.is21) {
      ok(decoded.items.some((item) => isSystemEvent(item, "permission_denied")));
    }
    succeeds(decoded, "I could not write the file.");
  },
  tool_unknown(decoded) {
    assertEquals(decoded.toolUses().map((use) => use.name), ["NoSuchTool"]);
    const [result] = decoded.toolResults();
    assertEquals(result?.is_error, true);
    assertMatch(toolResultText(result!), /No such tool available: NoSuchTool/);
    succeeds(decoded, "That tool does not exist.");
  },
  max_turns(decoded) {
    assertEquals(decoded.result.subtype, "error_max_turns");
    assertEquals(decoded.toolResults().length, 1);
    // 2.0.76 reports the limit with is_error false, an empty errors list and exit code 0.
    assertEquals(decoded.result.is_error, decoded.is21);
    if (decoded.is21) assertEquals(decoded.result.errors, ["Reached maximum number of turns (1)"]);
  },
  budget(decoded) {
    assertEquals(decoded.result.subtype, "error_max_budget_usd");
    assertEquals(decoded.result.is_error, decoded.is21);
    if (decoded.is21) assertEquals(decoded.result.errors, ["Reached maximum budget ($1e-7)"]);
  },
  structured_valid(decoded) {
    assertEquals(decoded.toolUses().map((use) => use.name), ["StructuredOutput"]);
    assertEquals(decoded.result.structured_output, { answer: "42" });
    assertEquals(decoded.result.is_error, false);
  },
  structured_invalid(decoded) {
    const results = decoded.toolResults();
    ok(results.length >= 2 && results.every((r) => r.is_error === true), "every call failed");
    assertMatch(toolResultText(results[0]!), /Output does not match required schema/);
    assertEquals(decoded.result.subtype, "error_max_structured_output_retries");
    assertEquals(decoded.result.is_error, decoded.is21);
    ok(isFailedResult(decoded.result));
  },
  structured_never(decoded) {
    assertEquals(decoded.toolUses(), []);
    ok(decoded.userTexts().some((text) => /You MUST call the StructuredOutput tool/.test(text)));
    // 2.1.332 gives up after one nudge; 2.0.76 nudges until --max-turns stops it.
    if (decoded.is21) succeeds(decoded, "No structured output here.");
    else assertEquals(decoded.result.subtype, "error_max_turns");
    assertEquals(decoded.result.structured_output, undefined);
  },
  resume_1_first(decoded) {
    succeeds(decoded, "I will remember mango.");
  },
  resume_2_resume(decoded) {
    succeeds(decoded, "The code word was mango.");
  },
  continue_1_first(decoded) {
    succeeds(decoded, "I will remember teal.");
  },
  continue_2_continue(decoded) {
    succeeds(decoded, "The colour was teal.");
  },
  fork_1_first(decoded) {
    succeeds(decoded, "I will remember 7.");
  },
  fork_2_fork(decoded) {
    succeeds(decoded, "The number was 7.");
  },
  stream_input_turns(decoded) {
    assertEquals(decoded.results.map((r) => r.result), ["One.", "Two.", "Three."]);
    const inits = decoded.items.filter((item) => isSystemEvent(item, "init"));
    assertEquals(inits.length, 3, "one system/init per turn");
    assertEquals(new Set(decoded.results.map((r) => r.session_id)).size, 1, "one session");
  },
  session_three_turns(decoded) {
    assertEquals(decoded.results.map((r) => r.result), ["Noted.", "Noted too.", "Apple and pear."]);
    const answered = decoded.items.filter((item) => item.type === "control_response");
    assertEquals(answered.length, 1, "startSession() initialized the control protocol");
    assertEquals(new Set(decoded.results.map((r) => r.session_id)).size, 1, "one session");
  },
  interrupt(decoded) {
    const [interrupted, next] = decoded.results;
    assertEquals(interrupted?.subtype, "error_during_execution");
    ok(decoded.userTexts().includes("[Request interrupted by user]"));
    ok(decoded.items.some((item) => item.type === "control_response"), "the interrupt answered");
    if (decoded.is21) assertEquals(interrupted?.terminal_reason, "aborted_streaming");
    assertEquals(next?.result, "Done.");
  },
  permission_allow(decoded) {
    const requests = decoded.items.filter((item) => item.type === "control_request");
    assertEquals(requests.map((r) => r.request.subtype), ["can_use_tool"]);
    const [result] = decoded.toolResults();
    ok(result !== undefined && result.is_error !== true, "the allowed Write ran");
    succeeds(decoded, "I wrote allowed.txt.");
  },
  permission_deny(decoded) {
    const requests = decoded.items.filter((item) => item.type === "control_request");
    assertEquals(requests.map((r) => r.request.subtype), ["can_use_tool"]);
    const [result] = decoded.toolResults();
    assertEquals(result?.is_error, true);
    assertEquals(toolResultText(result!), "The user said no");
    assertEquals(decoded.result.permission_denials.map((d) => d.tool_name), ["Write"]);
    succeeds(decoded, "I was not allowed to write refused.txt.");
  },
  control_requests(decoded) {
    const responses = decoded.items.filter((item) => item.type === "control_response");
    const ids = responses.map((r) => r.response.request_id);
    if (decoded.is21) {
      assertEquals(ids, ["c1", "c2", "c3"]);
      assertEquals(responses[2]?.response.subtype, "error");
    } else {
      // 2.0.76 answers the unknown subtype late, with the previous request's id.
      assertEquals(ids, ["c1", "c2", "c2"]);
    }
    ok(responses[0]?.response.response !== undefined, "initialize answers with the session info");
    succeeds(decoded, "Hi.");
  },
  control_protocol(decoded) {
    assertEquals(decoded.results.map((r) => r.result ?? r.subtype), [
      "It printed hooked.",
      "It is 5.",
      "error_during_execution",
      "Done.",
    ]);
    const asked = decoded.items.filter((item) => item.type === "control_request");
    assertEquals([...new Set(asked.map((r) => r.request.subtype))].sort(), [
      "can_use_tool",
      "hook_callback",
      "mcp_message",
    ]);
    const flushed = asked.filter((r) => r.request.subtype !== "can_use_tool").map((r) => r.flush);
    const flushes = compareVersions(decoded.recorded.version, "2.1.337") >= 0;
    assertEquals(new Set(flushed), new Set([flushes ? true : undefined]), "flush from 2.1.337");
    const answers = decoded.items.filter((item) => item.type === "control_response");
    ok(answers.length >= 6 && answers.every((r) => r.response.subtype === "success"));
  },
  local_command(decoded) {
    assertEquals(decoded.results.map((r) => r.is_error), [false, false]);
    const ran = decoded.assistants.flatMap((a) => a.local_command_run ?? []);
    if (!decoded.is21) {
      // 2.0.76 answers /model with an empty result and echoes /cost's output as a user line.
      ok(decoded.userTexts().some((text) => text.startsWith("<local-command-stdout>Total cost")));
      return assertEquals(ran, []);
    }
    assertMatch(decoded.results[0]?.result ?? "", /^Set model to /);
    assertEquals(ran.map((run) => `${run.command} ${run.args}`), ["model sonnet", "usage "]);
    const form = compareVersions(decoded.recorded.version, "2.1.337") >= 0 ? "note" : undefined;
    assertEquals(ran[0]?.form, form, "local_command_run.form from 2.1.337");
  },
  session_tape(decoded) {
    assertEquals(decoded.results.map((r) => r.result ?? r.subtype), [
      "Hi.",
      "I wrote allowed.txt.",
      "I was not allowed to write refused.txt.",
      "error_during_execution",
      "Done.",
    ]);
    const asked = decoded.items.filter((item) => item.type === "control_request");
    assertEquals(asked.map((r) => r.request.subtype), ["can_use_tool", "can_use_tool"]);
    const answered = decoded.items.flatMap((item) =>
      item.type === "control_response" ? [item.response.request_id] : []
    );
    // s1 initialize, s2 set_model, s3 set_permission_mode, s4 interrupt (2.0.76 answers s3 twice).
    assertEquals([...new Set(answered)], ["s1", "s2", "s3", "s4"]);
    const [allowed, denied] = decoded.toolResults();
    ok(allowed !== undefined && allowed.is_error !== true, "the allowed Write ran");
    assertEquals(denied?.is_error, true);
    ok(decoded.userTexts().includes("[Request interrupted by user]"));
    assertEquals(new Set(decoded.results.map((r) => r.session_id)).size, 1, "one session");
  },
  error_400_prompt_too_long(decoded) {
    apiFailure(decoded, /^Prompt is too long/);
    assertEquals(decoded.retries(), [], "not retried");
    if (decoded.is21) assertEquals(decoded.result.terminal_reason, "prompt_too_long");
  },
  error_400_generic(decoded) {
    apiFailure(decoded, /^API Error: 400/);
    if (decoded.is21) assertEquals(decoded.result.api_error_status, 400);
  },
  error_401(decoded) {
    assertEquals(apiFailure(decoded, /Invalid API key/).error, "authentication_failed");
    if (decoded.is21) assertEquals(decoded.retries(), [401]);
  },
  error_403(decoded) {
    assertEquals(apiFailure(decoded, /403/).error, "authentication_failed");
  },
  error_404_model(decoded) {
    const message = apiFailure(decoded, decoded.is21 ? /claude-nonexistent-1/ : /API Error: 404/);
    if (decoded.is21) {
      assertEquals(message.error, "model_not_found");
      assertMatch(decoded.recorded.stderr, /unrecognized_model/);
    }
  },
  error_429(decoded) {
    apiFailure(decoded, /429/);
    if (decoded.is21) assertEquals(decoded.apiErrorMessage().error, "rate_limit");
    if (decoded.is21) assertEquals(decoded.retries(), [429]);
  },
  error_500(decoded) {
    apiFailure(decoded, /^API Error: 500/);
    if (decoded.is21) assertEquals(decoded.retries(), [500]);
  },
  error_500_something_went_wrong(decoded) {
    apiFailure(decoded, /Something went wrong/);
  },
  error_502_html(decoded) {
    apiFailure(decoded, /^API Error: 502/);
    if (decoded.is21) assertEquals(decoded.retries(), [502]);
  },
  error_529(decoded) {
    apiFailure(decoded, /529/);
    if (decoded.is21) assertEquals(decoded.retries(), [529]);
  },
  error_sse_error_event(decoded) {
    apiFailure(decoded, /Overloaded/);
  },
  error_connection_refused(decoded) {
    apiFailure(decoded, decoded.is21 ? /ECONNREFUSED/ : /Connection error/);
    if (decoded.is21) assertEquals(decoded.result.api_error, "connection_failed");
  },
  error_midstream_disconnect(decoded) {
    apiFailure(decoded, decoded.is21 ? /ECONNRESET/ : /terminated/);
  },
  error_timeout_before_headers(decoded) {
    apiFailure(decoded, /timed out/);
  },
  max_tokens(decoded) {
    // 2.0.76's synthetic line for it has no error category.
    apiFailure(decoded, /output token maximum/, decoded.is21);
    if (decoded.is21) {
      assertEquals(decoded.apiErrorMessage().api_error, "max_output_tokens");
      ok(decoded.userTexts().some((text) => text.startsWith("Output token limit hit")));
    }
  },
  refusal(decoded) {
    apiFailure(decoded, /Usage Policy|safeguards/);
    if (decoded.is21) {
      ok(decoded.items.some((item) => isSystemEvent(item, "model_refusal_no_fallback")));
    }
  },
  no_auth(decoded) {
    assertEquals(apiFailure(decoded, /Please run \/login/).error, "authentication_failed");
  },
};

// ---------------------------------------------------------------------------------------------
// tests

const corpus = readRecorded();

/** The steps whose cassettes are runs; the others (`argv`) are the CLI's surface, in `cli/`. */
const isRun = (step: Step) => step.via !== "argv";

Deno.test("corpus holds every step of every scenario for every pinned CLI version", () => {
  const expected = PINNED_CLI_VERSIONS.flatMap((version) =>
    scenariosFor(version).flatMap((scenario) =>
      scenario.steps.filter(isRun).map((step) => `cassettes/${version}/${stepFile(step)}`)
    )
  ).sort();
  assertEquals(corpus.map((recorded) => recorded.path), expected);
  const runs = allSteps().filter(isRun).map((step) => step.name);
  assertEquals(Object.keys(EXPECTATIONS).sort(), runs.sort());
  const goldens = corpus.filter((recorded) => recorded.golden !== undefined).map((r) => r.name);
  const clawRunSteps = new Set(allSteps().filter((s) => s.via === "claw run").map((s) => s.name));
  ok(goldens.every((name) => clawRunSteps.has(name)), "goldens only for claw run steps");
  assertEquals(
    corpus.filter((r) => clawRunSteps.has(r.name) && r.golden === undefined).map((r) => r.path),
    [],
    "every claw run step has a golden",
  );
});

Deno.test("every cassette of a version has its own matching key", () => {
  for (const version of PINNED_CLI_VERSIONS) {
    const keys = corpus.filter((r) => r.version === version).map((r) => r.cassette.header.key);
    assertEquals(new Set(keys).size, keys.length, `duplicate keys in ${version}`);
  }
  for (const recorded of corpus) {
    assertEquals(recorded.cassette.header.cli_version, recorded.version);
  }
});

for (const recorded of corpus) {
  Deno.test(`${recorded.path} decodes completely and shows its scenario`, async () => {
    const items = await decode(recorded, 7);
    assertEquals(await decode(recorded, 4096), items, "chunk size changes nothing");
    assertEquals(items.filter((item) => item.type === "diagnostic"), [], "no diagnostics");
    assertEquals(unknownKinds(items), [], "no unknown kinds");
    assertEquals(items.length, recorded.lines.length, "one event per line");
    items.forEach((item, index) => {
      assertEquals(JSON.stringify(item), recorded.lines[index], `line ${index + 1} round-trips`);
    });

    const decoded = new Decoded(recorded, items);
    ok(decoded.results.length >= 1, "at least one result");
    // 2.1.x may close a session with a command_lifecycle line after its last result.
    const last = items.findLast((item) => item.type !== "command_lifecycle");
    assertEquals(last?.type, "result", "the result is the last line");
    const failed = isFailedResult(decoded.result);
    // 2.0.76 ends error_* subtypes with is_error false and exit code 0.
    assertEquals(recorded.code, decoded.result.is_error ? 1 : 0, "exit code");
    assertEquals(decoded.kind(), expectedKind(decoded), "error kind");
    assertEquals(failed, expectedKind(decoded) !== undefined, "failed result");
    const expectation = EXPECTATIONS[recorded.name];
    ok(expectation !== undefined, `no expectation for "${recorded.name}"`);
    expectation(decoded);
  });
}

Deno.test("claw run --output stream-json printed exactly the recorded stdout, then claw_error when it failed", () => {
  const streamed = corpus.filter((r) => r.golden?.args.join(" ").includes("stream-json"));
  ok(streamed.length >= 20, `${streamed.length} stream-json goldens`);
  for (const recorded of streamed) {
    const golden = recorded.golden!;
    const lines = golden.stdout.split("\n");
    const last = lines.at(-2) ?? "";
    const failed = golden.code !== 0;
    assertEquals(last.startsWith('{"type":"claw_error"'), failed, recorded.path);
    const events = failed ? [...lines.slice(0, -2), ""].join("\n") : golden.stdout;
    assertEquals(events, recorded.stdout, recorded.path);
  }
});

/** Text that must never be committed: secrets, real home folders, unredacted temp paths. */
const FORBIDDEN: readonly [string, RegExp][] = [
  ["an API key", /sk-ant-/],
  ["a bearer token", /Bearer /],
  ["an email address", new RegExp(EMAIL.source)],
  ["root's home folder", /\/root/],
  ["a home folder", /\/home\//],
  ["a temporary path", /(?<!\$TMP)\/tmp\//],
  ["a temporary root of a recording", /claw-rec-/],
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
      if (match !== null) {
        const around = text.slice(Math.max(0, match.index - 40), match.index + 40);
        found.push(`${relative(FIXTURES_DIR, path)}: ${what} (…${around}…)`);
      }
    }
  }
  assertEquals(found, []);
});

Deno.test("cassette corpus stays small", () => {
  let total = 0;
  for (const path of walk(CASSETTES_DIR)) total += Deno.statSync(path).size;
  ok(total < 3_000_000, `the corpus is ${total} bytes`);
});

Deno.test("the CLI surface cassettes (cli/) hold --help, auth status --json and the usage errors of every pinned CLI", async () => {
  for (const version of PINNED_CLI_VERSIONS) {
    const surface = await shapeOf(join(CASSETTES_DIR, version), undefined);
    const expected = scenariosFor(version).flatMap((s) => s.steps.filter((t) => !isRun(t)));
    for (const step of expected) ok(surface.exits.has(step.name), `${version}: ${step.name}`);
    ok(surface.flags?.has("--print") && surface.flags.has("--output-format"), version);
    ok(surface.subcommands?.has("mcp") && surface.subcommands.has("doctor"), version);
    assertEquals(surface.subcommands?.has("accept-program"), version === "2.1.337", version);
    const usage = [...surface.exits].filter(([name]) => name.startsWith("usage_"));
    // 2.0.76 takes --max-turns abc and runs; every other usage error exits 1.
    const runs = version.startsWith("2.0.") ? ["usage_bad_max_turns"] : [];
    assertEquals(usage.filter(([, code]) => code === 0).map(([name]) => name), runs, version);
    assertEquals(usage.length, 5, version);
    if (!version.startsWith("2.0.")) ok(surface.authStatus?.has("loggedIn"), version);
  }
});
