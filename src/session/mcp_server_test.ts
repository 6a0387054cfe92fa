import { deepStrictEqual as assertEquals, ok, strictEqual, throws } from "node:assert";
// Test-only: "zod" comes from tests/imports.json (deno task test|check), not deno.json.
import { z } from "zod";
import { type McpServer, mcpServer, type McpTool, tool } from "./mcp_server.ts";
import type { StandardSchemaV1 } from "./standard_schema.ts";

const NUMBERS = {
  type: "object",
  properties: { a: { type: "number" }, b: { type: "number" } },
  required: ["a", "b"],
};

const add = tool<{ a: number; b: number }>(
  "add",
  "Adds two numbers",
  NUMBERS,
  ({ a, b }) => String(a + b),
);

const context = () => ({ signal: new AbortController().signal });

function calc(...tools: McpTool<never>[]): McpServer {
  return mcpServer("calc", tools.length === 0 ? [add] : tools);
}

function callTool(server: McpServer, name: string, args: unknown, id: number | string = 1) {
  return server.handle({
    jsonrpc: "2.0",
    id,
    method: "tools/call",
    params: { name, arguments: args },
  }, context());
}

Deno.test("initialize echoes the client's protocol version and names the server", async () => {
  const server = mcpServer("calc", [add], { version: "2.3.4" });
  assertEquals(
    await server.handle({
      jsonrpc: "2.0",
      id: 0,
      method: "initialize",
      params: {
        protocolVersion: "2025-03-26",
        capabilities: {},
        clientInfo: { name: "claude-code", version: "2.1.332" },
      },
    }, context()),
    {
      jsonrpc: "2.0",
      id: 0,
      result: {
        protocolVersion: "2025-03-26",
        capabilities: { tools: {} },
        serverInfo: { name: "calc", version: "2.3.4" },
      },
    },
  );
});

Deno.test("initialize without a requested protocol version answers 2025-06-18", async () => {
  const response = await calc().handle(
    { jsonrpc: "2.0", id: "a", method: "initialize" },
    context(),
  );
  assertEquals(response, {
    jsonrpc: "2.0",
    id: "a",
    result: {
      protocolVersion: "2025-06-18",
      capabilities: { tools: {} },
      serverInfo: { name: "calc", version: "1.0.0" },
    },
  });
});

Deno.test("notifications get no answer, however often the CLI repeats them", async () => {
  const server = calc();
  for (let i = 0; i < 2; i++) {
    strictEqual(
      await server.handle({ jsonrpc: "2.0", method: "notifications/initialized" }, context()),
      undefined,
    );
  }
  strictEqual(
    await server.handle({
      jsonrpc: "2.0",
      method: "notifications/cancelled",
      params: { requestId: 3 },
    }, context()),
    undefined,
  );
});

Deno.test("tools/list lists each tool's name, description and input schema, every time", async () => {
  const server = calc();
  const expected = {
    jsonrpc: "2.0",
    id: 2,
    result: { tools: [{ name: "add", description: "Adds two numbers", inputSchema: NUMBERS }] },
  };
  assertEquals(
    await server.handle({ jsonrpc: "2.0", id: 2, method: "tools/list" }, context()),
    expected,
  );
  assertEquals(
    await server.handle({ jsonrpc: "2.0", id: 2, method: "tools/list" }, context()),
    expected,
  );
});

Deno.test("tools/call turns a handler's string into one text block", async () => {
  assertEquals(await callTool(calc(), "add", { a: 2, b: 3 }, 7), {
    jsonrpc: "2.0",
    id: 7,
    result: { content: [{ type: "text", text: "5" }] },
  });
});

Deno.test("tools/call passes a handler's full result through", async () => {
  const image = tool("chart", "Draws a chart", { type: "object" }, () => ({
    content: [{ type: "image", data: "iVBORw0KGgo=", mimeType: "image/png" }],
    structuredContent: { points: 3 },
  }));
  assertEquals(await callTool(calc(image), "chart", {}), {
    jsonrpc: "2.0",
    id: 1,
    result: {
      content: [{ type: "image", data: "iVBORw0KGgo=", mimeType: "image/png" }],
      structuredContent: { points: 3 },
    },
  });
});

Deno.test("tools/call without arguments gives the handler an empty object", async () => {
  let seen: unknown;
  const echo = tool("echo", "Echoes", { type: "object" }, (args) => {
    seen = args;
    return "ok";
  });
  await calc(echo).handle({
    jsonrpc: "2.0",
    id: 1,
    method: "tools/call",
    params: { name: "echo" },
  }, context());
  assertEquals(seen, {});
});

Deno.test("a handler that throws gives a tool result with isError, not a rejection", async () => {
  const failing = tool("divide", "Divides", NUMBERS, ({ b }) => {
    if (b === 0) throw new RangeError("Cannot divide by zero");
    return "1";
  });
  assertEquals(await callTool(calc(failing), "divide", { a: 1, b: 0 }), {
    jsonrpc: "2.0",
    id: 1,
    result: { content: [{ type: "text", text: "Cannot divide by zero" }], isError: true },
  });
  const rejecting = tool("later", "Fails later", { type: "object" }, () => Promise.reject("gone"));
  assertEquals(await callTool(calc(rejecting), "later", {}), {
    jsonrpc: "2.0",
    id: 1,
    result: { content: [{ type: "text", text: "gone" }], isError: true },
  });
});

Deno.test("a handler that returns neither a string nor content gives a tool error", async () => {
  const odd = tool("odd", "Returns a number", { type: "object" }, () => 42 as unknown as string);
  const response = await callTool(calc(odd), "odd", {});
  assertEquals(response?.["result"], {
    content: [{
      type: "text",
      text: 'Tool "odd" returned a number: a handler returns a string or { content: [...] }',
    }],
    isError: true,
  });
});

Deno.test("an unknown tool gives a tool error naming it and the known tools", async () => {
  const sub = tool("sub", "Subtracts", NUMBERS, ({ a, b }) => String(Number(a) - Number(b)));
  assertEquals(await callTool(calc(add, sub), "mul", { a: 1, b: 2 }), {
    jsonrpc: "2.0",
    id: 1,
    result: {
      content: [{
        type: "text",
        text: 'Unknown tool "mul" on MCP server "calc": call one of "add", "sub"',
      }],
      isError: true,
    },
  });
});

Deno.test("a zod input schema is listed as JSON Schema and validates the arguments", async () => {
  const seen: unknown[] = [];
  const greet = tool(
    "greet",
    "Greets someone",
    z.object({ name: z.string(), times: z.number().int().default(1) }),
    (args) => {
      seen.push(args);
      return `Hello ${args.name}`.repeat(args.times);
    },
  );
  const server = calc(greet);
  assertEquals(
    (await server.handle({ jsonrpc: "2.0", id: 1, method: "tools/list" }, context()))?.["result"],
    {
      tools: [{
        name: "greet",
        description: "Greets someone",
        inputSchema: {
          type: "object",
          properties: {
            name: { type: "string" },
            times: {
              type: "integer",
              default: 1,
              minimum: Number.MIN_SAFE_INTEGER,
              maximum: Number.MAX_SAFE_INTEGER,
            },
          },
          required: ["name"],
        },
      }],
    },
  );
  assertEquals((await callTool(server, "greet", { name: "Ada" }))?.["result"], {
    content: [{ type: "text", text: "Hello Ada" }],
  });
  assertEquals(seen, [{ name: "Ada", times: 1 }], "the handler gets the schema's output");
  assertEquals((await callTool(server, "greet", { name: 7, times: 1.5 }))?.["result"], {
    content: [{
      type: "text",
      text:
        'Invalid arguments for tool "greet": name: Invalid input: expected string, received number; times: Invalid input: expected int, received number',
    }],
    isError: true,
  });
  strictEqual(seen.length, 1, "the handler is not called with invalid arguments");
});

Deno.test("arguments that are not an object give a tool error with a JSON Schema", async () => {
  assertEquals((await callTool(calc(), "add", [1, 2]))?.["result"], {
    content: [{ type: "text", text: 'Invalid arguments for tool "add": expected an object' }],
    isError: true,
  });
});

Deno.test("the handler sees its signal aborted when the call is cancelled", async () => {
  const started = Promise.withResolvers<void>();
  const slow = tool("slow", "Waits until cancelled", { type: "object" }, (_args, { signal }) => {
    started.resolve();
    return new Promise((_resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("Never cancelled")), 5_000);
      signal.addEventListener("abort", () => {
        clearTimeout(timer);
        reject(new Error(`Cancelled: ${signal.reason}`));
      }, { once: true });
    });
  });
  const controller = new AbortController();
  const pending = calc(slow).handle({
    jsonrpc: "2.0",
    id: 9,
    method: "tools/call",
    params: { name: "slow", arguments: {} },
  }, { signal: controller.signal });
  await started.promise;
  controller.abort("the CLI cancelled request 9");
  assertEquals(await pending, {
    jsonrpc: "2.0",
    id: 9,
    result: {
      content: [{ type: "text", text: "Cancelled: the CLI cancelled request 9" }],
      isError: true,
    },
  });
});

Deno.test("ping answers an empty result", async () => {
  assertEquals(await calc().handle({ jsonrpc: "2.0", id: 4, method: "ping" }, context()), {
    jsonrpc: "2.0",
    id: 4,
    result: {},
  });
});

Deno.test("an unknown method gives JSON-RPC error -32601", async () => {
  assertEquals(
    await calc().handle({ jsonrpc: "2.0", id: 5, method: "resources/list" }, context()),
    {
      jsonrpc: "2.0",
      id: 5,
      error: { code: -32601, message: 'Method not found: "resources/list"' },
    },
  );
});

Deno.test("tools/call without a tool name gives JSON-RPC error -32602", async () => {
  assertEquals(
    await calc().handle({ jsonrpc: "2.0", id: 6, method: "tools/call", params: {} }, context()),
    {
      jsonrpc: "2.0",
      id: 6,
      error: { code: -32602, message: 'Invalid params: tools/call needs a "name" string' },
    },
  );
});

Deno.test("a malformed message gives JSON-RPC error -32600", async () => {
  const invalid = {
    code: -32600,
    message: "Invalid Request: expected a JSON-RPC 2.0 message with a method",
  };
  const server = calc();
  for (const message of ["tools/list", null, [], { method: "ping" }, { jsonrpc: "2.0" }]) {
    assertEquals(await server.handle(message, context()), {
      jsonrpc: "2.0",
      id: null,
      error: invalid,
    }, JSON.stringify(message));
  }
  assertEquals(
    await server.handle({ jsonrpc: "2.0", id: { n: 1 }, method: "ping" }, context()),
    {
      jsonrpc: "2.0",
      id: null,
      error: { code: -32600, message: "Invalid Request: the id must be a string or number" },
    },
  );
});

Deno.test("a malformed message with a usable id gets its id back", async () => {
  assertEquals(await calc().handle({ jsonrpc: "1.0", id: 8, method: "ping" }, context()), {
    jsonrpc: "2.0",
    id: 8,
    error: {
      code: -32600,
      message: "Invalid Request: expected a JSON-RPC 2.0 message with a method",
    },
  });
});

Deno.test("tool refuses a bad name, description, schema or handler up front", () => {
  const handler = () => "";
  throws(() => tool("has space", "d", { type: "object" }, handler), {
    name: "TypeError",
    message: 'Invalid MCP tool name "has space": use 1 to 64 letters, digits, "_" or "-"',
  });
  throws(() => tool("x".repeat(65), "d", { type: "object" }, handler), { name: "TypeError" });
  throws(() => tool("", "d", { type: "object" }, handler), { name: "TypeError" });
  throws(() => tool("t", 1 as unknown as string, { type: "object" }, handler), {
    name: "TypeError",
    message: 'The description of MCP tool "t" is a number: pass a string',
  });
  throws(() => tool("t", "d", { type: "object" }, "run" as unknown as () => string), {
    name: "TypeError",
    message: 'The handler of MCP tool "t" is a string: pass a function',
  });
  throws(() => tool("t", "d", { type: "string" }, handler), {
    name: "TypeError",
    message:
      'The input schema of MCP tool "t" has type "string": tool arguments are an object, so pass a schema of type "object"',
  });
  throws(() => tool("t", "d", { properties: {} }, handler), {
    name: "TypeError",
    message:
      'The input schema of MCP tool "t" has no type: tool arguments are an object, so pass a schema of type "object"',
  });
  throws(() => tool("t", "d", z.array(z.string()), handler), {
    name: "TypeError",
    message:
      'The input schema of MCP tool "t" has type "array": tool arguments are an object, so pass a schema of type "object"',
  });
  const valibotLike: StandardSchemaV1 = {
    "~standard": { version: 1, vendor: "valibot", validate: (value) => ({ value }) },
  };
  throws(() => tool("t", "d", valibotLike, handler), {
    name: "TypeError",
    message:
      'The input schema of MCP tool "t" is a Standard Schema from "valibot" that cannot describe itself as JSON Schema: pass a JSON Schema object, or a schema library that implements Standard JSON Schema (zod 4.2 or later)',
  });
});

Deno.test("mcpServer refuses a bad server name, a bad version and duplicate tool names", () => {
  throws(() => mcpServer("my server", [add]), {
    name: "TypeError",
    message: 'Invalid MCP server name "my server": use 1 to 64 letters, digits, "_" or "-"',
  });
  throws(() => mcpServer("calc", [add], { version: "" }), {
    name: "TypeError",
    message: 'The version of MCP server "calc" is an empty string: pass a non-empty string',
  });
  throws(() => mcpServer("calc", [add, add]), {
    name: "TypeError",
    message: 'MCP server "calc" has two tools named "add": give each tool its own name',
  });
  throws(
    () =>
      mcpServer(
        "calc",
        [{ name: "raw", description: "d", inputSchema: [], handler: () => "" }] as never,
      ),
    {
      name: "TypeError",
      message: 'The input schema of MCP tool "raw" is an array: make the tool with tool()',
    },
  );
});

Deno.test("mcpServer serves tools built by hand and of any argument type", async () => {
  const byHand: McpTool<{ text: string }> = {
    name: "shout",
    description: "Shouts",
    inputSchema: { type: "object", properties: { text: { type: "string" } } },
    handler: ({ text }) => text.toUpperCase(),
  };
  const server = mcpServer("tools", [add, byHand]);
  strictEqual(server.type, "sdk");
  assertEquals(server.tools.map(({ name }) => name), ["add", "shout"]);
  ok(Object.isFrozen(server.tools));
  assertEquals((await callTool(server, "shout", { text: "hi" }))?.["result"], {
    content: [{ type: "text", text: "HI" }],
  });
});
