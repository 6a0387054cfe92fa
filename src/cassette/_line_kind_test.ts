import { strictEqual } from "node:assert";
import { lineKind } from "./_line_kind.ts";

Deno.test("lineKind names a line by type, subtype and what it carries", () => {
  const kinds: [unknown, string][] = [
    [{ type: "system", subtype: "init" }, "system/init"],
    [{ type: "result", subtype: "error_max_turns" }, "result/error_max_turns"],
    [
      { type: "control_request", request: { subtype: "can_use_tool" } },
      "control_request/can_use_tool",
    ],
    [{ type: "control_response", response: { subtype: "error" } }, "control_response/error"],
    [
      {
        type: "stream_event",
        event: { type: "content_block_delta", delta: { type: "text_delta" } },
      },
      "stream_event/content_block_delta/text_delta",
    ],
    [
      {
        type: "stream_event",
        event: { type: "content_block_start", content_block: { type: "tool_use" } },
      },
      "stream_event/content_block_start/tool_use",
    ],
    [{ type: "stream_event", event: { type: "message_stop" } }, "stream_event/message_stop"],
    [
      { type: "assistant", message: { content: [{ type: "text" }, { type: "tool_use" }] } },
      "assistant/text+tool_use",
    ],
    [{ type: "user", message: { content: "Say hi" } }, "user/text"],
    [{ type: "keep_alive" }, "keep_alive"],
  ];
  for (const [line, kind] of kinds) strictEqual(lineKind(JSON.stringify(line)), kind);
});

Deno.test("lineKind calls a line that is not a JSON object text", () => {
  strictEqual(lineKind("Hello there"), "(text)");
  strictEqual(lineKind("[1,2]"), "(text)");
  strictEqual(lineKind("{broken"), "(text)");
});
