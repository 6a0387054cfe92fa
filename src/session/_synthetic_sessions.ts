/**
 * Test helper: synthetic session files in the CLI's format, made by code for the store's unit
 * tests and for the end-to-end tests where a file's shape is under test (the others under
 * `tests/` use sessions the real CLIs wrote). The records keep only the fields the store reads:
 * `type`, `uuid`, `parentUuid`, `sessionId`, `timestamp`, `cwd`, `message`, and the bookkeeping
 * records a real transcript has between them. {@linkcode writeBulkySession} writes large ones, of
 * made-up content, for `scripts/bench_store.ts`.
 */
import { join } from "node:path";
import { projectFolderName } from "./store.ts";

/** A throw-away config dir holding synthetic sessions of one working directory. */
export interface SyntheticStore extends AsyncDisposable {
  /** The environment that points the store at it (`CLAUDE_CONFIG_DIR`). */
  env: { CLAUDE_CONFIG_DIR: string; HOME: string };
  /** The config dir. */
  configDir: string;
  /** The working directory the sessions ran in (it need not exist). */
  cwd: string;
  /** The project folder of `cwd`, where the transcripts are. */
  folder: string;
  /** Writes session `id` with `records` (mode 0600, as the CLI does); returns its path. */
  write(id: string, records: readonly Record<string, unknown>[]): Promise<string>;
}

/** Makes an empty synthetic store for sessions that ran in `cwd`. */
export async function syntheticStore(cwd = "/work/project"): Promise<SyntheticStore> {
  const root = await Deno.makeTempDir({ prefix: "claw-synthetic-" });
  const configDir = join(root, "config");
  const folder = join(configDir, "projects", projectFolderName(cwd));
  await Deno.mkdir(folder, { recursive: true });
  return {
    env: { CLAUDE_CONFIG_DIR: configDir, HOME: join(root, "home") },
    configDir,
    cwd,
    folder,
    async write(id, records) {
      const path = join(folder, `${id}.jsonl`);
      const text = records.map((record) => JSON.stringify(record) + "\n").join("");
      await Deno.writeTextFile(path, text, { mode: 0o600 });
      return path;
    },
    async [Symbol.asyncDispose]() {
      await Deno.remove(root, { recursive: true });
    },
  };
}

/** What {@linkcode conversationRecords} makes. */
export interface ConversationSpec {
  /** The session id each record carries. */
  sessionId: string;
  /** The working directory each record carries. */
  cwd: string;
  /** Prompt and answer of each turn. */
  turns: readonly (readonly [prompt: string, answer: string])[];
  /** The time of the first record; each next one is a second later. */
  start?: string;
}

/**
 * The records of a conversation as the CLI writes them: per turn a `queue-operation`, the prompt
 * (`user`), an `attachment`, the answer (`assistant`) and a `last-prompt`, chained by
 * `parentUuid`. Record uuids are `<sessionId first 8>-u<turn>`, `-t<turn>` and `-a<turn>`.
 */
export function conversationRecords(spec: ConversationSpec): Record<string, unknown>[] {
  const base = Date.parse(spec.start ?? "2026-01-02T03:04:05.000Z");
  const short = spec.sessionId.slice(0, 8);
  const records: Record<string, unknown>[] = [];
  let clock = 0;
  const at = () => new Date(base + 1000 * clock++).toISOString();
  const common = { sessionId: spec.sessionId, cwd: spec.cwd, isSidechain: false };
  let parent: string | null = null;
  spec.turns.forEach(([prompt, answer], turn) => {
    const [user, attachment, assistant] = [
      `${short}-u${turn}`,
      `${short}-t${turn}`,
      `${short}-a${turn}`,
    ];
    records.push(
      {
        type: "queue-operation",
        operation: "enqueue",
        timestamp: at(),
        ...common,
        content: prompt,
      },
      {
        type: "user",
        uuid: user,
        parentUuid: parent,
        timestamp: at(),
        ...common,
        message: { role: "user", content: prompt },
      },
      {
        type: "attachment",
        uuid: attachment,
        parentUuid: user,
        timestamp: at(),
        ...common,
        attachment: { type: "date", date: "2026-01-02" },
      },
      {
        type: "assistant",
        uuid: assistant,
        parentUuid: attachment,
        timestamp: at(),
        ...common,
        message: {
          id: `msg_${short}_${turn}`,
          role: "assistant",
          model: "claude-test",
          content: [{ type: "text", text: answer }],
        },
      },
      { type: "last-prompt", lastPrompt: prompt, leafUuid: assistant, sessionId: spec.sessionId },
    );
    parent = assistant;
  });
  return records;
}

/** What {@linkcode writeBulkySession} writes. */
export interface BulkySessionSpec {
  /** The session id each record carries. */
  sessionId: string;
  /** The working directory each record carries. */
  cwd: string;
  /** How many bytes to write at least: whole turns are written until the file is this large. */
  bytes: number;
  /**
   * The length of the output of each turn's tool call, in characters (about as many bytes: it is
   * mostly ASCII). The CLI stores it twice (in the message and in `toolUseResult`), so its line is
   * about twice as long. 4,096 by default.
   */
  toolOutputBytes?: number;
  /** The time of the first record; each next one is a second later. */
  start?: string;
}

/** What {@linkcode writeBulkySession} wrote. */
export interface BulkySession {
  /** The file's size in bytes. */
  bytes: number;
  /** How many prompts it holds. */
  turns: number;
  /** Its longest line, in bytes. */
  longestLine: number;
}

/**
 * Writes a large synthetic session to `path`, turn by turn, never holding more than a turn in
 * memory: the shape of a Claude Code 2.1 transcript (a prompt, the CLI's attachments and request
 * bookkeeping, which make up most of a real file, a tool call, its result, an answer, the
 * bookkeeping after it), with made-up text that mixes ASCII and a little UTF-8, as real output
 * does. For benchmarks and memory checks; the content is synthetic.
 */
export async function writeBulkySession(
  path: string,
  spec: BulkySessionSpec,
): Promise<BulkySession> {
  const base = Date.parse(spec.start ?? "2026-01-02T03:04:05.000Z");
  const toolOutputBytes = spec.toolOutputBytes ?? 4096;
  const id = spec.sessionId;
  const short = id.slice(0, 8);
  const common = { isSidechain: false, userType: "external", entrypoint: "sdk-cli" };
  const where = { cwd: spec.cwd, sessionId: id, version: "2.1.332", gitBranch: "main" };
  const encoder = new TextEncoder();
  let clock = 0;
  const at = () => new Date(base + 1000 * clock++).toISOString();
  using file = await Deno.open(path, { write: true, create: true, truncate: true, mode: 0o600 });
  let bytes = 0;
  let turns = 0;
  let longestLine = 0;
  let parent: string | null = null;
  while (bytes < spec.bytes) {
    const turn = turns++;
    const uuid = (kind: string) => `${short}-${kind}${turn}`;
    const prompt = `Turn ${turn}: look at src/module_${turn % 97}.ts and fix the failing check`;
    const output = syntheticText(toolOutputBytes, turn);
    const records: Record<string, unknown>[] = [
      {
        type: "queue-operation",
        operation: "enqueue",
        timestamp: at(),
        sessionId: id,
        content: prompt,
      },
      { type: "queue-operation", operation: "dequeue", timestamp: at(), sessionId: id },
      {
        parentUuid: parent,
        ...common,
        type: "user",
        message: { role: "user", content: prompt },
        uuid: uuid("u"),
        timestamp: at(),
        ...where,
      },
      // The CLI's context for the request: small attachments and one large snapshot.
      ...[512, 1024, 4096, 50_000].map((size, i) => ({
        parentUuid: i === 0 ? uuid("u") : uuid(`t${i - 1}-`),
        ...common,
        attachment: { type: "prompt_snapshot", systemPrompt: [syntheticText(size, i)] },
        type: "attachment",
        uuid: uuid(`t${i}-`),
        timestamp: at(),
        ...where,
      })),
      ...(turn === 0
        ? [{
          type: "api-request-shape",
          sessionId: id,
          timestamp: at(),
          shape: { system: [{ type: "text", text: syntheticText(38_000, 1) }] },
        }]
        : []),
      {
        type: "api-request-blob",
        sessionId: id,
        message: { role: "user", content: [{ type: "text", text: syntheticText(8_000, turn) }] },
      },
      { type: "api-request", sessionId: id, timestamp: at(), params: { model: "claude-test" } },
      {
        parentUuid: uuid("t3-"),
        ...common,
        message: {
          id: `msg_${short}_${turn}_0`,
          role: "assistant",
          model: "claude-test",
          content: [{
            type: "tool_use",
            id: `toolu_${short}_${turn}`,
            name: "Bash",
            input: { command: "cat log" },
          }],
          usage: { input_tokens: 1200, output_tokens: 40 },
        },
        type: "assistant",
        uuid: uuid("a"),
        timestamp: at(),
        ...where,
      },
      {
        parentUuid: uuid("a"),
        ...common,
        type: "user",
        message: {
          role: "user",
          content: [{
            tool_use_id: `toolu_${short}_${turn}`,
            type: "tool_result",
            content: output,
          }],
        },
        uuid: uuid("r"),
        timestamp: at(),
        toolUseResult: { stdout: output, stderr: "", interrupted: false },
        sourceToolAssistantUUID: uuid("a"),
        ...where,
      },
      {
        parentUuid: uuid("r"),
        ...common,
        attachment: { type: "prompt_snapshot", systemPrompt: [syntheticText(50_000, turn + 1)] },
        type: "attachment",
        uuid: uuid("s"),
        timestamp: at(),
        ...where,
      },
      { type: "api-request", sessionId: id, timestamp: at(), params: { model: "claude-test" } },
      {
        parentUuid: uuid("s"),
        ...common,
        message: {
          id: `msg_${short}_${turn}_1`,
          role: "assistant",
          model: "claude-test",
          content: [{ type: "text", text: syntheticText(1_000, turn) }],
          usage: { input_tokens: 1300, output_tokens: 250 },
        },
        type: "assistant",
        uuid: uuid("b"),
        timestamp: at(),
        ...where,
      },
      { type: "last-prompt", lastPrompt: prompt, leafUuid: uuid("b"), sessionId: id },
      { type: "atis-latch", atis: "", sessionId: id },
      { type: "tools-used", tools: ["Bash"], sessionId: id },
      { type: "cost-state", sessionId: id, totalCostUSD: 0.01 * (turn + 1) },
    ];
    parent = uuid("b");
    for (const record of records) {
      const line = encoder.encode(JSON.stringify(record) + "\n");
      longestLine = Math.max(longestLine, line.length - 1);
      bytes += line.length;
      for (let rest = line; rest.length > 0;) rest = rest.subarray(await file.write(rest));
    }
  }
  return { bytes, turns, longestLine };
}

/** The lines a synthetic tool prints, repeated: mostly ASCII, with a little UTF-8. */
const SYNTHETIC_LINES = Array.from(
  { length: 64 },
  (_, i) =>
    `src/module_${i}.ts:${10 + i}: ${
      i % 8 === 0 ? "warning — unused value “total” → removed" : "check passed for compute()"
    } (${i * 37} ms)\n`,
).join("");

/** `length` characters of synthetic tool output, varied by `seed`. */
function syntheticText(length: number, seed: number): string {
  const offset = (seed * 131) % SYNTHETIC_LINES.length;
  const rotated = SYNTHETIC_LINES.slice(offset) + SYNTHETIC_LINES.slice(0, offset);
  return rotated.repeat(Math.ceil(length / rotated.length)).slice(0, length);
}
