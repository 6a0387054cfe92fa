/**
 * Ready-made fake API replies for the API failures tests most often need.
 *
 * @module
 */
import type { FakeErrorReply } from "./script.ts";

/**
 * The 400 the API answers when the prompt exceeds the context window; the CLI reports it as
 * "Prompt is too long" and does not retry it.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert";
 * import { promptTooLongReply } from "./replies.ts";
 *
 * const script = { replies: [promptTooLongReply()], when_exhausted: "repeat_last" as const };
 * assert(script.replies[0]?.status === 400);
 * ```
 */
export function promptTooLongReply(): FakeErrorReply {
  return {
    status: 400,
    error: {
      type: "invalid_request_error",
      message: "prompt is too long: 250000 tokens > 200000 maximum",
    },
  };
}
