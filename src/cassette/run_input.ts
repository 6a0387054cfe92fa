/**
 * The conversation's first user input, when it comes on stdin: what tells apart the runs of one
 * configuration (an Agent SDK sends every prompt on stdin, with the same argv each time).
 *
 * @module
 */
import { parseArgv } from "./canonical_argv.ts";

/**
 * The first user input of a run with `argv` that read `stdin` (its lines, redacted): for an
 * `--input-format stream-json` run, the `message` of the first `user` line as JSON (the line's
 * per-run fields, such as its `uuid`, left out); for another run, its whole stdin (a prompt piped
 * in); `undefined` when there is none (the prompt is on argv, or nothing came).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { runInput } from "./run_input.ts";
 *
 * const argv = ["--input-format", "stream-json", "--output-format", "stream-json", "--verbose"];
 * const stdin = [
 *   '{"type":"control_request","request_id":"x1","request":{"subtype":"initialize"}}',
 *   '{"type":"user","uuid":"u1","message":{"role":"user","content":"Say hi"}}',
 * ];
 * strictEqual(runInput(argv, stdin), '{"role":"user","content":"Say hi"}');
 * strictEqual(runInput(["-p"], ["Say hi"]), "Say hi");
 * strictEqual(runInput(["-p", "Say hi"], []), undefined);
 * ```
 */
export function runInput(argv: readonly string[], stdin: readonly string[]): string | undefined {
  if (!parseArgv(argv).options.includes("--input-format=stream-json")) {
    return stdin.length > 0 ? stdin.join("\n") : undefined;
  }
  for (const line of stdin) {
    const value = parseJson(line);
    if (typeof value === "object" && value !== null && "type" in value && value.type === "user") {
      return JSON.stringify("message" in value ? value.message : null);
    }
  }
  return undefined;
}

/**
 * Readable words for an input, for file names and messages: the text of a stream-json message
 * (its string content, or its text blocks joined), else the input itself.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { inputText } from "./run_input.ts";
 *
 * strictEqual(inputText('{"role":"user","content":[{"type":"text","text":"Say hi"}]}'), "Say hi");
 * ```
 */
export function inputText(input: string): string {
  const message = parseJson(input);
  if (typeof message !== "object" || message === null || !("content" in message)) return input;
  const content = message.content;
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return input;
  return content
    .map((block) => typeof block?.text === "string" ? block.text : "")
    .filter((text) => text !== "")
    .join(" ");
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
