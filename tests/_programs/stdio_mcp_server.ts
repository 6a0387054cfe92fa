/**
 * A small stdio MCP server for tests of the MCP control requests: the real CLI starts it as a
 * server of its own (`{ type: "stdio", command: deno, args: ["run", "-A", this file] }`). It serves
 * three tools, `echo`, `ask` (which asks the user through an MCP elicitation and returns the
 * answer) and `approve` (a permission prompt tool: it allows a call whose input mentions
 * "approved"), and one MCP Apps resource, `ui://echo/panel`. Each start appends a line to the file
 * `MCP_STARTS_FILE` names, so a test can count (re)connects.
 */
const starts = Deno.env.get("MCP_STARTS_FILE");
if (starts) await Deno.writeTextFile(starts, "start\n", { append: true });

const encoder = new TextEncoder();
const send = (message: unknown) =>
  Deno.stdout.write(encoder.encode(`${JSON.stringify(message)}\n`));

/** The answers to the requests this server sent the client (its elicitations), by id. */
const asked = new Map<string, (result: unknown) => void>();

/** Asks the client for input (`elicitation/create`) and waits for the answer. */
function elicit(message: string): Promise<unknown> {
  const id = `elicit-${asked.size + 1}`;
  const answered = new Promise((resolve) => asked.set(id, resolve));
  send({
    jsonrpc: "2.0",
    id,
    method: "elicitation/create",
    params: {
      message,
      requestedSchema: {
        type: "object",
        properties: { name: { type: "string" } },
        required: ["name"],
      },
    },
  });
  return answered;
}

async function answer(method: string, params: Record<string, unknown>): Promise<unknown> {
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
        }, {
          name: "ask",
          description: "Asks the user their name",
          inputSchema: { type: "object", properties: {} },
        }, {
          name: "approve",
          description: "Decides on a tool call",
          inputSchema: {
            type: "object",
            properties: { tool_name: { type: "string" }, input: { type: "object" } },
          },
        }],
      };
    case "tools/call": {
      const args = (params.arguments ?? {}) as { input?: unknown };
      const text = params.name === "ask"
        ? `The user answered: ${JSON.stringify(await elicit("What is your name?"))}`
        : params.name === "approve"
        ? JSON.stringify(
          JSON.stringify(args.input).includes("approved")
            ? { behavior: "allow", updatedInput: args.input }
            : { behavior: "deny", message: "Not that one" },
        )
        : `echo: ${JSON.stringify(args)}`;
      return { content: [{ type: "text", text }] };
    }
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
    if (message.method === undefined) { // the client's answer to an elicitation
      asked.get(String(message.id))?.((message as { result?: unknown }).result ?? message);
      continue;
    }
    // Not awaited: a tool call that elicits waits for an answer this loop has yet to read.
    answer(String(message.method), message.params ?? {}).then((result) =>
      send(
        result === undefined
          ? { jsonrpc: "2.0", id: message.id, error: { code: -32601, message: "Method not found" } }
          : { jsonrpc: "2.0", id: message.id, result },
      )
    );
  }
}
