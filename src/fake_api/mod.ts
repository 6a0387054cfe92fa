/**
 * A scripted fake Anthropic Messages API on 127.0.0.1, so the real `claude` runs offline and
 * deterministically: scripted text, thinking, tool calls, HTTP and stream errors, stalls and
 * disconnects, and a log of every request the CLI sent.
 *
 * @example Serve one scripted reply and look at what was asked
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { startFakeApi } from "./mod.ts";
 *
 * await using api = await startFakeApi({
 *   script: { replies: [{ content: [{ type: "text", text: "Hi!" }] }] },
 * });
 * const response = await fetch(`${api.url}/v1/messages`, {
 *   method: "POST",
 *   body: JSON.stringify({ model: "m", max_tokens: 10, messages: [{ role: "user", content: "Hello" }] }),
 * });
 * const body = await response.json();
 * strictEqual(body.content[0].text, "Hi!");
 * strictEqual(api.requests.length, 1);
 * ```
 *
 * @module
 */
export {
  DEFAULT_LOGGED_BODY_BYTES,
  DEFAULT_LOGGED_REQUESTS,
  type FakeApi,
  type FakeApiOptions,
  type RecordedRequest,
  startFakeApi,
} from "./fake_api.ts";
export * from "./script.ts";
export { FAKE_API_KEY, offlineEnv, type OfflineEnvOptions } from "./offline_env.ts";
export { promptTooLongReply } from "./replies.ts";
