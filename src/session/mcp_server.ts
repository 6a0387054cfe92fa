/**
 * In-process MCP tools: functions of the host that Claude Code calls as tools of an MCP server of
 * type `sdk`. The CLI sends the server's JSON-RPC messages as `mcp_message` control requests; the
 * session's transport hands each to {@linkcode McpServer.handle} and sends back what it returns.
 *
 * @module
 */
import type { JsonSchemaOption } from "./structured.ts";
import {
  isStandardSchema,
  type StandardSchemaV1,
  toJsonSchema,
  validateStandard,
} from "./standard_schema.ts";
import { messageOf } from "../errors/message_of.ts";

/** What a tool's handler gets besides its arguments. */
export interface McpToolContext {
  /** Aborted when Claude Code cancels the call (or the session ends). */
  signal: AbortSignal;
}

/** One block of a tool result: text, an image, or another MCP content type. */
export type McpContent =
  | { type: "text"; text: string }
  | { type: "image"; data: string; mimeType: string }
  | { type: string; [key: string]: unknown };

/** What a tool call gives back to the model. */
export interface McpToolResult {
  /** The blocks the model reads. */
  content: McpContent[];
  /** Set when the call failed; the model sees the content as the error. */
  isError?: boolean;
  /** The result as JSON, besides its content. */
  structuredContent?: Record<string, unknown>;
}

/**
 * A tool of an in-process MCP server: made with {@linkcode tool}, served by
 * {@linkcode mcpServer}.
 */
export interface McpTool<Args = Record<string, unknown>> {
  /** The name the model calls it by (as `mcp__<server>__<name>`). */
  readonly name: string;
  /** What it does, for the model. */
  readonly description: string;
  /** The JSON Schema of its arguments, an object schema. */
  readonly inputSchema: Record<string, unknown>;
  /** Runs a call; a string is one text block, an exception a result with `isError`. */
  readonly handler: (
    args: Args,
    context: McpToolContext,
  ) => McpToolResult | string | Promise<McpToolResult | string>;
}

/** An in-process MCP server: its tools, and the JSON-RPC handler the session's transport calls. */
export interface McpServer {
  /** The MCP server type Claude Code knows in-process servers by. */
  readonly type: "sdk";
  /** The server name, as in `mcp__<name>__<tool>`. */
  readonly name: string;
  /** The version it reports in `initialize`. */
  readonly version: string;
  /** Its tools, whatever their argument types. */
  readonly tools: readonly McpTool<never>[];
  /**
   * Answers one JSON-RPC message from Claude Code: the response, or `undefined` for a
   * notification. Never rejects: a failing tool is a tool result with `isError`, a bad message a
   * JSON-RPC error.
   */
  handle(message: unknown, context: McpToolContext): Promise<Record<string, unknown> | undefined>;
}

const NAME = /^[A-Za-z0-9_-]{1,64}$/;
const DEFAULT_PROTOCOL_VERSION = "2025-06-18";

/** The Standard Schemas of the tools made from one, to validate their arguments. */
const validators = new WeakMap<object, StandardSchemaV1>();

/**
 * A tool for {@linkcode mcpServer}. `inputSchema` is a JSON Schema of type `object`, or a Standard
 * Schema that implements Standard JSON Schema (a zod 4.2+ object): then each call's arguments are
 * validated with it, the handler gets the schema's output, and invalid arguments come back to the
 * model as a tool error. With a plain JSON Schema the handler gets the arguments as the model
 * wrote them.
 *
 * @throws {TypeError} When the name, description, schema or handler is unusable.
 *
 * @example A tool with a JSON Schema
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { tool } from "./mcp_server.ts";
 *
 * const add = tool<{ a: number; b: number }>(
 *   "add",
 *   "Adds two numbers",
 *   { type: "object", properties: { a: { type: "number" }, b: { type: "number" } }, required: ["a", "b"] },
 *   ({ a, b }) => String(a + b),
 * );
 * strictEqual(add.name, "add");
 * ```
 */
export function tool<Args = Record<string, unknown>>(
  name: string,
  description: string,
  inputSchema: JsonSchemaOption | StandardSchemaV1<unknown, Args>,
  handler: McpTool<Args>["handler"],
): McpTool<Args> {
  checkName(name, "tool");
  if (typeof description !== "string") {
    throw new TypeError(
      `The description of MCP tool "${name}" is ${kindOf(description)}: pass a string`,
    );
  }
  if (typeof handler !== "function") {
    throw new TypeError(`The handler of MCP tool "${name}" is ${kindOf(handler)}: pass a function`);
  }
  const what = `input schema of MCP tool "${name}"`;
  const jsonSchema = toJsonSchema(inputSchema as JsonSchemaOption, what);
  checkObjectSchema(jsonSchema, what);
  const made: McpTool<Args> = Object.freeze({
    name,
    description,
    inputSchema: jsonSchema,
    handler,
  });
  if (isStandardSchema(inputSchema)) validators.set(made, inputSchema);
  return made;
}

/**
 * An in-process MCP server serving `tools`, to pass to a run or session as an MCP server. Its
 * version defaults to `"1.0.0"`.
 *
 * @throws {TypeError} When the name is unusable, a tool is malformed or two tools share a name.
 *
 * @example Answer Claude Code's messages
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { mcpServer, tool } from "./mcp_server.ts";
 *
 * const server = mcpServer("calc", [
 *   tool<{ a: number; b: number }>(
 *     "add",
 *     "Adds two numbers",
 *     { type: "object", properties: { a: { type: "number" }, b: { type: "number" } } },
 *     ({ a, b }) => String(a + b),
 *   ),
 * ]);
 * const { signal } = new AbortController();
 * const response = await server.handle({
 *   jsonrpc: "2.0",
 *   id: 3,
 *   method: "tools/call",
 *   params: { name: "add", arguments: { a: 1, b: 2 } },
 * }, { signal });
 * deepStrictEqual(response, { jsonrpc: "2.0", id: 3, result: { content: [{ type: "text", text: "3" }] } });
 * ```
 */
export function mcpServer(
  name: string,
  tools: readonly McpTool<never>[],
  options: { version?: string } = {},
): McpServer {
  checkName(name, "server");
  const version = options.version ?? "1.0.0";
  if (typeof version !== "string" || version === "") {
    throw new TypeError(
      `The version of MCP server "${name}" is ${
        version === "" ? "an empty string" : kindOf(version)
      }: pass a non-empty string`,
    );
  }
  if (!Array.isArray(tools)) {
    throw new TypeError(`The tools of MCP server "${name}" are ${kindOf(tools)}: pass an array`);
  }
  const byName = new Map<string, McpTool<never>>();
  for (const [index, each] of tools.entries()) {
    checkTool(each, `tool ${index} of MCP server "${name}"`);
    if (byName.has(each.name)) {
      throw new TypeError(
        `MCP server "${name}" has two tools named "${each.name}": give each tool its own name`,
      );
    }
    byName.set(each.name, each);
  }
  const server: McpServer = {
    type: "sdk",
    name,
    version,
    tools: Object.freeze([...tools]),
    handle: (message, context) => handle(message, context, { name, version, tools: byName }),
  };
  return Object.freeze(server);
}

interface Served {
  name: string;
  version: string;
  tools: Map<string, McpTool<never>>;
}

type Id = string | number;

async function handle(
  message: unknown,
  context: McpToolContext,
  served: Served,
): Promise<Record<string, unknown> | undefined> {
  if (!isObject(message) || message["jsonrpc"] !== "2.0" || typeof message["method"] !== "string") {
    const id = isObject(message) && isId(message["id"]) ? message["id"] : null;
    return failure(id, -32600, "Invalid Request: expected a JSON-RPC 2.0 message with a method");
  }
  const { method, params } = message;
  if (!("id" in message) || message["id"] === undefined) return undefined;
  const id = message["id"];
  if (!isId(id)) return failure(null, -32600, "Invalid Request: the id must be a string or number");
  switch (method) {
    case "initialize": {
      const requested = isObject(params) ? params["protocolVersion"] : undefined;
      return success(id, {
        protocolVersion: typeof requested === "string" ? requested : DEFAULT_PROTOCOL_VERSION,
        capabilities: { tools: {} },
        serverInfo: { name: served.name, version: served.version },
      });
    }
    case "ping":
      return success(id, {});
    case "tools/list":
      return success(id, {
        tools: [...served.tools.values()].map(({ name, description, inputSchema }) => ({
          name,
          description,
          inputSchema,
        })),
      });
    case "tools/call": {
      if (!isObject(params) || typeof params["name"] !== "string") {
        return failure(id, -32602, 'Invalid params: tools/call needs a "name" string');
      }
      const args = params["arguments"] ?? {};
      return success(id, { ...await call(served, params["name"], args, context) });
    }
    default:
      return failure(id, -32601, `Method not found: "${method}"`);
  }
}

async function call(
  served: Served,
  name: string,
  args: unknown,
  context: McpToolContext,
): Promise<McpToolResult> {
  const called = served.tools.get(name);
  if (called === undefined) {
    const known = [...served.tools.keys()].map((each) => `"${each}"`).join(", ");
    return toolError(
      `Unknown tool "${name}" on MCP server "${served.name}": ${
        known === "" ? "it has no tools" : `call one of ${known}`
      }`,
    );
  }
  try {
    let checked = args;
    const validator = validators.get(called);
    if (validator !== undefined) {
      const validation = await validateStandard(validator, args);
      if (!validation.ok) {
        return toolError(
          `Invalid arguments for tool "${name}": ${validation.issues.join("; ")}`,
        );
      }
      checked = validation.value;
    } else if (!isObject(args)) {
      return toolError(`Invalid arguments for tool "${name}": expected an object`);
    }
    // The handler's argument type is the tool's own; the schema (or the CLI) vouched for it.
    const output: unknown = await called.handler(checked as never, context);
    return toolResult(output, name);
  } catch (error) {
    return toolError(messageOf(error));
  }
}

function toolResult(output: unknown, name: string): McpToolResult {
  if (typeof output === "string") return { content: [{ type: "text", text: output }] };
  if (isObject(output) && Array.isArray(output["content"])) {
    return output as unknown as McpToolResult;
  }
  return toolError(
    `Tool "${name}" returned ${kindOf(output)}: a handler returns a string or { content: [...] }`,
  );
}

function toolError(text: string): McpToolResult {
  return { content: [{ type: "text", text }], isError: true };
}

function success(id: Id, result: Record<string, unknown>): Record<string, unknown> {
  return { jsonrpc: "2.0", id, result };
}

function failure(id: Id | null, code: number, message: string): Record<string, unknown> {
  return { jsonrpc: "2.0", id, error: { code, message } };
}

function checkName(name: unknown, what: "tool" | "server"): asserts name is string {
  if (typeof name !== "string" || !NAME.test(name)) {
    const shown = typeof name === "string" ? `"${name}"` : kindOf(name);
    throw new TypeError(
      `Invalid MCP ${what} name ${shown}: use 1 to 64 letters, digits, "_" or "-"`,
    );
  }
}

function checkObjectSchema(schema: Record<string, unknown>, what: string): void {
  if (schema["type"] !== "object") {
    const type = schema["type"] === undefined
      ? "no type"
      : `type ${JSON.stringify(schema["type"])}`;
    throw new TypeError(
      `The ${what} has ${type}: tool arguments are an object, so pass a schema of type "object"`,
    );
  }
}

/** The checks of {@linkcode tool}, for tools built by hand. */
function checkTool(value: unknown, what: string): asserts value is McpTool<never> {
  if (!isObject(value)) throw new TypeError(`The ${what} is ${kindOf(value)}: make it with tool()`);
  checkName(value["name"], "tool");
  if (typeof value["description"] !== "string") {
    throw new TypeError(`The description of MCP tool "${value["name"]}" is not a string`);
  }
  if (typeof value["handler"] !== "function") {
    throw new TypeError(`The handler of MCP tool "${value["name"]}" is not a function`);
  }
  const schema = value["inputSchema"];
  const schemaWhat = `input schema of MCP tool "${value["name"]}"`;
  if (!isObject(schema)) {
    throw new TypeError(`The ${schemaWhat} is ${kindOf(schema)}: make the tool with tool()`);
  }
  checkObjectSchema(schema, schemaWhat);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isId(value: unknown): value is Id {
  return typeof value === "string" || typeof value === "number";
}

function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (Array.isArray(value)) return "an array";
  return `a ${typeof value}`;
}
