/**
 * The kind of one line the CLI printed on stdout, in words that survive byte noise: what refresh
 * compares runs by and places recorded stdin lines after.
 */
import { parseObject } from "./_json_object.ts";

/**
 * The kind of a stdout line: its `type`, with `subtype` for `system` and `result` lines
 * (`system/init`, `result/success`), the request's subtype for a `control_request`
 * (`control_request/can_use_tool`), the answer's for a `control_response`, the SSE event (and
 * its delta or block type) for a `stream_event` (`stream_event/content_block_delta/text_delta`),
 * the content block types of an `assistant` or `user` line (`assistant/tool_use`,
 * `user/tool_result`); `(text)` for a line that is not a JSON object.
 */
export function lineKind(text: string): string {
  return kindOf(parseObject(text));
}

/** {@linkcode lineKind} of a line already parsed (`undefined`: not a JSON object). */
export function kindOf(line: Record<string, unknown> | undefined): string {
  if (line === undefined) return "(text)";
  const type = typeof line.type === "string" ? line.type : "(no type)";
  switch (type) {
    case "system":
    case "result":
      return typeof line.subtype === "string" ? `${type}/${line.subtype}` : type;
    case "control_request":
      return `${type}/${field(line.request, "subtype") ?? "?"}`;
    case "control_response":
      return `${type}/${field(line.response, "subtype") ?? "?"}`;
    case "stream_event": {
      const event = line.event;
      const name = field(event, "type") ?? "?";
      const inner = name === "content_block_delta"
        ? field(get(event, "delta"), "type")
        : name === "content_block_start"
        ? field(get(event, "content_block"), "type")
        : undefined;
      return inner === undefined ? `${type}/${name}` : `${type}/${name}/${inner}`;
    }
    case "assistant":
    case "user": {
      const content = get(line.message, "content");
      if (typeof content === "string") return `${type}/text`;
      if (!Array.isArray(content)) return type;
      const blocks = content.map((block) => field(block, "type") ?? "?");
      return blocks.length === 0 ? `${type}/empty` : `${type}/${blocks.join("+")}`;
    }
    default:
      return type;
  }
}

/** `value[key]` when `value` is an object, else `undefined`. */
function get(value: unknown, key: string): unknown {
  if (typeof value !== "object" || value === null) return undefined;
  return (value as Record<string, unknown>)[key];
}

/** `value[key]` when it is a string, else `undefined`. */
function field(value: unknown, key: string): string | undefined {
  const found = get(value, key);
  return typeof found === "string" ? found : undefined;
}
