/**
 * A small stdio MCP server for tests of the MCP control requests: the real CLI starts it as a
 * server of its own (`{ type: "stdio", command: deno, args: ["run", "-A", this file] }`). It serves
 * one tool, `echo`, and one MCP Apps resource, `ui://echo/panel`. Each start appends a line to
 * the file `MCP_STARTS_FILE` names, so a test can count (re)connects.
 */
const starts = Deno.env.get("MCP_STARTS_FILE");
if (starts) await Deno.writeTextFile(starts, "start\n", { append: true });

const encoder = new TextEncoder();
const send = (message: unknown) =>
  Deno.stdout.write(encoder.encode(`${JSON.stringify(message)}\n`));

function answer(method: string, params: Record<string, unknown>): unknown {
  switch (method) {
    case "initialize":
      return {
        protocolVersion: params.protocolVersion,
        capabilities: { tools: {}, resources: {} },
        serverInfo: { name: "echo", version: "0.1.0" },
      };
    case "tools/list":
      return {
        tools: [{
          name: "echo",
          description: "Echoes its text",
          inputSchema: { type: "object", properties: { text: { type: "string" } } },
        }],
      };
    case "tools/call":
      return { content: [{ type: "text", text: `echo: ${JSON.stringify(params.arguments)}` }] };
    case "resources/list":
      return { resources: [{ uri: "ui://echo/panel", name: "panel", mimeType: "text/html" }] };
    case "resources/templates/list":
      return { resourceTemplates: [] };
    case "prompts/list":
      return { prompts: [] };
    case "resources/read":
      return { contents: [{ uri: params.uri, mimeType: "text/html", text: "<p>echo panel</p>" }] };
    case "ping":
      return {};
    default:
      return undefined;
  }
}

let buffer = "";
for await (const chunk of Deno.stdin.readable.pipeThrough(new TextDecoderStream())) {
  buffer += chunk;
  const lines = buffer.split("\n");
  buffer = lines.pop()!;
  for (const line of lines) {
    let message: { id?: unknown; method?: string; params?: Record<string, unknown> };
    try {
      message = JSON.parse(line);
    } catch {
      continue;
    }
    if (message.id === undefined) continue; // a notification
    const result = answer(String(message.method), message.params ?? {});
    await send(
      result === undefined
        ? { jsonrpc: "2.0", id: message.id, error: { code: -32601, message: "Method not found" } }
        : { jsonrpc: "2.0", id: message.id, result },
    );
  }
}
