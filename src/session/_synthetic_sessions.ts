/**
 * Test helper: synthetic session files in the CLI's format, made by code for the store's unit
 * tests (the end-to-end tests under `tests/` use sessions the real CLIs wrote). The records keep
 * only the fields the store reads: `type`, `uuid`, `parentUuid`, `sessionId`, `timestamp`, `cwd`,
 * `message`, and the bookkeeping records a real transcript has between them.
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
