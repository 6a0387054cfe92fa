/**
 * What is wrong with one MCP server entry, as the 2.1.332 CLI's schema and `claude mcp list`
 * see it: the entry's type and fields, `${VAR}` references to unset variables, and whether its
 * command can be found. Never quotes a value other than the command and a URL's scheme and host.
 *
 * @module
 */
import type { CheckStatus } from "./check.ts";
import { findOnPath, isExecutableFile } from "./_find_on_path.ts";
import { fieldName, isRecord } from "./_json_file.ts";
import { safeUrl } from "./_safe_url.ts";

type Env = Readonly<Record<string, string | undefined>>;

/** One problem with a server. */
export interface McpServerProblem {
  /** `fail` when the CLI skips the server or cannot start or reach it, `warn` otherwise. */
  status: CheckStatus;
  /** The field and what is wrong: `"args" must be an array of strings`. */
  text: string;
  /** Whether the CLI skips the whole server entry for it (an entry its schema rejects). */
  skipped: boolean;
}

/** Where a server's command is looked up. */
export interface McpServerContext {
  /** The environment a run would get: `PATH` and the `${VAR}` values. */
  env: Env;
  /** The folder a relative command is resolved against. */
  cwd: string;
}

const REMOTE_PROTOCOLS: Partial<Record<string, string[]>> = {
  http: ["http:", "https:"],
  sse: ["http:", "https:"],
  ws: ["ws:", "wss:"],
};
const TYPES = '"stdio", "http", "sse" or "ws"';

/**
 * Every problem of the server entry `server`.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { mcpServerProblems } from "./_mcp_server_problems.ts";
 *
 * deepStrictEqual(mcpServerProblems({ url: "https://mcp.example.com" }, { env: {}, cwd: "/" }), [{
 *   status: "fail",
 *   text: '"type" is missing: a server with a "url" needs "type": "http", "sse" or "ws"',
 *   skipped: true,
 * }]);
 * ```
 */
export function mcpServerProblems(server: unknown, context: McpServerContext): McpServerProblem[] {
  const problems: McpServerProblem[] = [];
  const skip = (text: string) => problems.push({ status: "fail", text, skipped: true });
  if (!isRecord(server)) {
    skip(`must be an object with "command" or "type" and "url"`);
    return problems;
  }
  const type = server.type;
  const protocols = typeof type === "string" && Object.hasOwn(REMOTE_PROTOCOLS, type)
    ? REMOTE_PROTOCOLS[type]
    : undefined;
  if (type === undefined && Object.hasOwn(server, "url") && !Object.hasOwn(server, "command")) {
    skip('"type" is missing: a server with a "url" needs "type": "http", "sse" or "ws"');
  } else if (type === undefined || type === "stdio") {
    stdioProblems(server, context, problems);
  } else if (protocols) {
    remoteProblems(server, protocols, context, problems);
  } else if (type === "sdk") {
    skip('"type" is "sdk", which only an SDK host registers in its own process');
  } else skip(`"type" must be ${TYPES}`);
  return problems;
}

function stdioProblems(
  server: Record<string, unknown>,
  context: McpServerContext,
  problems: McpServerProblem[],
) {
  const skip = (text: string) => problems.push({ status: "fail", text, skipped: true });
  const { command } = server;
  if (typeof command !== "string" || command === "") skip('"command" must be a non-empty string');
  else problems.push(...commandProblems(command, context));
  if (Object.hasOwn(server, "args")) {
    const args = server.args;
    if (!Array.isArray(args) || args.some((arg) => typeof arg !== "string")) {
      skip('"args" must be an array of strings');
    } else {
      args.forEach((arg, index) => unsetVariables(`args[${index}]`, arg, context.env, problems));
    }
  }
  if (Object.hasOwn(server, "env")) stringMapProblems("env", server.env, context.env, problems);
}

function remoteProblems(
  server: Record<string, unknown>,
  protocols: string[],
  context: McpServerContext,
  problems: McpServerProblem[],
) {
  const { url } = server;
  if (typeof url !== "string") {
    problems.push({ status: "fail", text: '"url" must be a string', skipped: true });
  } else if (!unsetVariables("url", url, context.env, problems)) {
    const expanded = expand(url, context.env).text;
    const shown = safeUrl(expanded);
    if (shown === undefined) {
      problems.push({ status: "fail", text: '"url" is not a URL', skipped: false });
    } else if (!protocols.includes(new URL(expanded).protocol)) {
      problems.push({
        status: "fail",
        text: `"url" ${shown} must start with ${protocols.map((p) => `${p}//`).join(" or ")}`,
        skipped: false,
      });
    }
  }
  if (Object.hasOwn(server, "headers")) {
    stringMapProblems("headers", server.headers, context.env, problems);
  }
}

function stringMapProblems(field: string, map: unknown, env: Env, problems: McpServerProblem[]) {
  if (!isRecord(map) || Object.values(map).some((value) => typeof value !== "string")) {
    problems.push({
      status: "fail",
      text: `"${field}" must be an object of strings`,
      skipped: true,
    });
    return;
  }
  for (const [key, value] of Object.entries(map)) {
    unsetVariables(fieldName(field, key), value as string, env, problems);
  }
}

/** Adds a warning per `${VAR}` in `text` that `env` does not set; whether there was one. */
function unsetVariables(field: string, text: string, env: Env, problems: McpServerProblem[]) {
  const { missing } = expand(text, env);
  if (missing.length) {
    problems.push({
      status: "warn",
      text: `"${field}" uses ${missing.map((name) => `\${${name}}`).join(", ")}, which ${
        missing.length === 1 ? "is" : "are"
      } not set`,
      skipped: false,
    });
  }
  return missing.length > 0;
}

/** `${VAR}` and `${VAR:-default}` expanded from `env`, as the CLI expands MCP configs. */
function expand(text: string, env: Env): { text: string; missing: string[] } {
  const missing: string[] = [];
  const expanded = text.replace(
    /\$\{([^}:]+)(?::-([^}]*))?\}/g,
    (_match, name: string, fallback: string | undefined) => {
      const value = env[name];
      if (value !== undefined) return value;
      if (fallback !== undefined) return fallback;
      missing.push(name);
      return "";
    },
  );
  return { text: expanded, missing };
}

function commandProblems(command: string, context: McpServerContext): McpServerProblem[] {
  const problems: McpServerProblem[] = [];
  if (unsetVariables("command", command, context.env, problems)) return problems;
  const path = expand(command, context.env).text;
  const shown = JSON.stringify(command);
  if (/^(?:\/|[A-Za-z]:[\\/]|\\\\)/.test(path)) {
    if (!isExecutableFile(path)) {
      const exists = (() => {
        try {
          Deno.statSync(path);
          return true;
        } catch {
          return false;
        }
      })();
      problems.push({
        status: "fail",
        text: `"command" ${shown} ${exists ? "is not an executable file" : "does not exist"}`,
        skipped: false,
      });
    }
  } else if (/[\\/]/.test(path)) {
    if (!isExecutableFile(`${context.cwd.replace(/[\\/]+$/, "")}/${path}`)) {
      problems.push({
        status: "warn",
        text: `"command" ${shown} is not an executable file in ${context.cwd}`,
        skipped: false,
      });
    }
  } else if (!findOnPath(path, context.env)) {
    problems.push({ status: "warn", text: `"command" ${shown} is not on PATH`, skipped: false });
  }
  return problems;
}
