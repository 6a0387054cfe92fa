/**
 * Test support for sessions: the real pinned CLIs against the fake API, each test's processes
 * tagged, and readers of the fake API's request log.
 */
import type { FakeApi, RecordedRequest } from "../src/fake_api/fake_api.ts";
import type { FakeReply } from "../src/fake_api/script.ts";
import { ProcessMarker } from "../src/process/_process_marker.ts";
import type { SessionOptions } from "../src/session/session_options.ts";
import { hasCli, type Offline, PINNED_CLI_VERSIONS } from "./_offline.ts";

/** Whether a file exists at `path`. */
export const exists = (path: string): Promise<boolean> =>
  Deno.stat(path).then(() => true, () => false);

/** A new temporary folder, removed with what it holds when disposed. */
export async function tempFolder(prefix: string): Promise<AsyncDisposable & { path: string }> {
  const path = await Deno.makeTempDir({ prefix });
  return { path, [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }) };
}

/** Writes `files` (path → text) under `root`, making folders. */
export async function writeFiles(root: string, files: Record<string, string>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    await Deno.mkdir(`${root}/${path.slice(0, path.lastIndexOf("/"))}`, { recursive: true });
    await Deno.writeTextFile(`${root}/${path}`, content);
  }
}

/**
 * `_programs/stdio_mcp_server.ts` as an MCP server the CLI starts itself (tools `echo`, `ask` and
 * `approve`, the resource `ui://echo/panel`).
 */
export const ECHO_SERVER = {
  type: "stdio",
  command: Deno.execPath(),
  args: ["run", "-A", new URL("./_programs/stdio_mcp_server.ts", import.meta.url).pathname],
};

/** A reply with one text block. */
export const text = (value: string): FakeReply => ({ content: [{ type: "text", text: value }] });

/** A reply that calls one tool. */
export const toolUse = (name: string, input: Record<string, unknown>): FakeReply => ({
  content: [{ type: "tool_use", name, input }],
});

/**
 * Registers `fn` as a test for each pinned CLI (skipped when that CLI is not installed); it gets
 * the version and the test's context (for steps).
 */
export function forEachCli(
  name: string,
  fn: (version: string, t: Deno.TestContext) => Promise<void>,
  versions: readonly string[] = PINNED_CLI_VERSIONS,
): void {
  for (const version of versions) {
    Deno.test({
      name: `${name} (CLI ${version})`,
      ignore: !hasCli(version),
      sanitizeOps: false,
      sanitizeResources: false,
      fn: (t) => fn(version, t),
    });
  }
}

/** Session options for the pinned CLI `version` against `env`, its processes tagged by `marker`. */
export function sessionOptions(
  env: Offline,
  version: string,
  marker: ProcessMarker,
  extra: SessionOptions = {},
): SessionOptions {
  return { ...extra, ...env.options(version, { env: { ...marker.env, ...extra.env } }) };
}

/** The requests a scripted reply answered (2.0.x's background requests left out). */
export function scripted(api: FakeApi): RecordedRequest[] {
  return api.requests.filter((request) => request.reply !== null);
}

/** Every text in a request body's `messages`: prompts, answers and tool results. */
export function requestTexts(request: RecordedRequest | undefined): string[] {
  const messages = (request?.body as { messages?: unknown })?.messages;
  if (!Array.isArray(messages)) return [];
  return messages.flatMap((message: { content?: unknown }) => blockTexts(message?.content));
}

function blockTexts(content: unknown): string[] {
  if (typeof content === "string") return [content];
  if (!Array.isArray(content)) return [];
  return content.flatMap((block: { text?: unknown; content?: unknown }) =>
    typeof block?.text === "string" ? [block.text] : blockTexts(block?.content)
  );
}

/** Whether some text of `request` includes `needle`. */
export function mentions(request: RecordedRequest | undefined, needle: string): boolean {
  return requestTexts(request).some((text) => text.includes(needle));
}

export { ProcessMarker };
