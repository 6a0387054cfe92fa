/**
 * The `mcp_config` check: the MCP servers a run in `cwd` would load parse and are well formed,
 * and their commands exist.
 *
 * Sources, as `claude mcp add --scope` writes them: project (`<cwd>/.mcp.json`), user (the global
 * config's top-level `mcpServers`), local (the global config's `projects[<cwd>].mcpServers`),
 * plus `--mcp-config` files; each holds `{ "mcpServers": { name: server } }`.
 *
 * Observed with `claude mcp list` on a `.mcp.json` holding one valid and one invalid server:
 * 2.1.332 skips the invalid one ("Skipped — invalid MCP server config") and lists the rest; 2.0.76
 * lists no server at all. A `.mcp.json` that is not JSON loads no server in either; one without
 * `"mcpServers"` is an error to 2.1.332; an empty one is no servers. An unset `${VAR}` is a
 * warning to 2.1.332, which keeps the server.
 *
 * Prints server names, field names, commands and `scheme://host` of URLs only: never an `env` or
 * `headers` value, a URL's path, query or credentials, or anything else from the global config.
 *
 * @module
 */
import { globalConfigPath } from "../process/config_paths.ts";
import { type Check, type CheckStatus, worst } from "./check.ts";
import { describeInvalid, isRecord, readJsonFile } from "./_json_file.ts";
import { mcpServerProblems } from "./_mcp_server_problems.ts";

/** What {@linkcode checkMcpConfig} reads. */
export interface McpConfigCheckOptions {
  /** The environment a run would get: `HOME`/`CLAUDE_CONFIG_DIR`, `PATH`, `${VAR}` values. */
  env: Readonly<Record<string, string | undefined>>;
  /** The project folder: its `.mcp.json`, and its entry in the global config. */
  cwd: string;
  /** `--mcp-config` files a run passes. */
  extraFiles?: string[];
}

interface Line {
  status: CheckStatus;
  text: string;
}

interface Source {
  /** How lines name the source: a path, and a scope for the global config. */
  label: string;
  /** The `mcpServers` value found there. */
  servers: unknown;
}

/**
 * Checks every MCP server a run in `cwd` would load.
 *
 * @example A server whose command cannot be found
 * ```ts
 * import { ok as assert, strictEqual } from "node:assert";
 * import { checkMcpConfig } from "./mcp_config_check.ts";
 *
 * const dir = await Deno.makeTempDir();
 * const servers = { db: { command: "/nonexistent/db-server", args: ["--stdio"] } };
 * await Deno.writeTextFile(`${dir}/.mcp.json`, JSON.stringify({ mcpServers: servers }));
 * const check = checkMcpConfig({ env: { HOME: dir, PATH: "/usr/bin" }, cwd: dir });
 * strictEqual(check.status, "fail");
 * assert(check.detail.includes('server "db": "command" "/nonexistent/db-server" does not exist'));
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export function checkMcpConfig(options: McpConfigCheckOptions): Check {
  const { env, cwd } = options;
  const lines: Line[] = [];
  const sources: Source[] = [];

  const projectPath = `${cwd.replace(/\/+$/, "")}/.mcp.json`;
  sources.push(...fileSources(projectPath, false, lines));
  sources.push(...globalSources(env, cwd, lines));
  for (const path of options.extraFiles ?? []) sources.push(...fileSources(path, true, lines));

  const valid: string[] = [];
  let skipped = false;
  for (const { label, servers } of sources) {
    if (!isRecord(servers)) {
      lines.push({ status: "fail", text: `${label}: "mcpServers" must be an object of servers` });
      continue;
    }
    for (const [name, server] of Object.entries(servers)) {
      const problems = mcpServerProblems(server, { env, cwd });
      if (problems.length === 0) valid.push(`${JSON.stringify(name)} (${label})`);
      for (const problem of problems) {
        skipped ||= problem.skipped;
        lines.push({
          status: problem.status,
          text: `${label}: server ${JSON.stringify(name)}: ${problem.text}`,
        });
      }
    }
  }
  if (skipped) {
    lines.push({
      status: "fail",
      text:
        "Claude Code 2.1 skips each server its schema rejects and loads the rest; 2.0 loads no server from a .mcp.json holding one",
    });
  }

  const status = worst(lines.map((line) => line.status));
  const summary = valid.length
    ? `Valid MCP servers: ${valid.join(", ")}`
    : sources.length
    ? "No valid MCP servers"
    : `No MCP servers configured (looked in ${projectPath}, the global config and --mcp-config files)`;
  if (status === "ok") return { id: "mcp_config", status, detail: summary };
  return {
    id: "mcp_config",
    status,
    detail: [...lines.map((line) => line.text), summary].join("\n"),
    fix: status === "fail"
      ? "Fix each server listed (claude mcp get <name> shows how the CLI reads one), or remove it"
      : "Install the commands listed or put them on PATH, and set the variables listed",
  };
}

/** The servers of a `.mcp.json` or `--mcp-config` file: `{ "mcpServers": {…} }`. */
function fileSources(path: string, required: boolean, lines: Line[]): Source[] {
  const read = readJsonFile(path);
  switch (read.kind) {
    case "missing":
      if (required) lines.push({ status: "fail", text: `${path}: does not exist` });
      return [];
    case "unreadable":
      lines.push({ status: "warn", text: `${path}: cannot read it: ${read.reason}` });
      return [];
    case "empty":
      return [];
    case "invalid":
      lines.push({
        status: "fail",
        text: `${path}: ${describeInvalid(read)}: the CLI loads no server from it`,
      });
      return [];
    case "parsed":
      if (!isRecord(read.value) || !Object.hasOwn(read.value, "mcpServers")) {
        lines.push({
          status: "fail",
          text: `${path}: must be a JSON object with "mcpServers": the CLI loads no server from it`,
        });
        return [];
      }
      return [{ label: path, servers: read.value.mcpServers }];
  }
}

/** The user-scope and local-scope servers of the global config (`~/.claude.json`). */
function globalSources(
  env: McpConfigCheckOptions["env"],
  cwd: string,
  lines: Line[],
): Source[] {
  let path: string;
  try {
    path = globalConfigPath(env);
  } catch {
    return []; // No HOME: the config_dir check says so.
  }
  const read = readJsonFile(path);
  if (read.kind === "unreadable" || read.kind === "invalid") {
    const why = read.kind === "invalid" ? describeInvalid(read) : `cannot read it: ${read.reason}`;
    lines.push({
      status: "warn",
      text: `${path}: ${why}: its user and local MCP servers were not checked`,
    });
    return [];
  }
  if (read.kind !== "parsed" || !isRecord(read.value)) return [];
  const sources: Source[] = [];
  const config = read.value;
  if (Object.hasOwn(config, "mcpServers")) {
    sources.push({ label: `${path} (user scope)`, servers: config.mcpServers });
  }
  const projects = config.projects;
  const project = isRecord(projects) && Object.hasOwn(projects, cwd) ? projects[cwd] : undefined;
  if (isRecord(project) && Object.hasOwn(project, "mcpServers")) {
    sources.push({
      label: `${path} (local scope of ${JSON.stringify(cwd)})`,
      servers: project.mcpServers,
    });
  }
  return sources;
}
