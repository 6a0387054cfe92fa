import { ok as assert, strictEqual } from "node:assert";
import { checkMcpConfig, type McpConfigCheckOptions } from "./mcp_config_check.ts";

/** A home (its `.claude.json`), a project and a `bin` folder on PATH, all in a throwaway dir. */
async function withDirs(
  files: Record<string, unknown>,
  test: (options: McpConfigCheckOptions & { home: string; project: string }) => void,
) {
  const home = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${home}/project`);
    await Deno.mkdir(`${home}/bin`);
    await Deno.writeTextFile(`${home}/bin/db-server`, "#!/bin/sh\n");
    await Deno.chmod(`${home}/bin/db-server`, 0o755);
    for (const [name, content] of Object.entries(files)) {
      await Deno.writeTextFile(
        `${home}/${name}`,
        typeof content === "string" ? content : JSON.stringify(content, null, 2),
      );
    }
    const project = `${home}/project`;
    test({ env: { HOME: home, PATH: `${home}/bin` }, cwd: project, home, project });
  } finally {
    await Deno.remove(home, { recursive: true });
  }
}

Deno.test("mcp config check is ok when no server is configured", async () => {
  await withDirs({}, (options) => {
    const check = checkMcpConfig(options);
    strictEqual(check.id, "mcp_config");
    strictEqual(check.status, "ok");
    assert(check.detail.startsWith("No MCP servers configured"), check.detail);
  });
});

Deno.test("mcp config check lists valid servers of every scope", async () => {
  await withDirs({
    "project/.mcp.json": {
      mcpServers: {
        db: { command: "db-server", args: ["--stdio"], env: { LEVEL: "debug" } },
        web: { type: "http", url: "https://mcp.example.com/mcp", headers: { X: "1" } },
      },
    },
    ".claude.json": {
      numStartups: 3,
      mcpServers: { events: { type: "sse", url: "http://localhost:8080/sse" } },
      projects: {
        "/elsewhere": { mcpServers: { other: { command: "/nonexistent" } } },
      },
    },
  }, (options) => {
    const global = `${options.home}/.claude.json`;
    const raw = Deno.readTextFileSync(global);
    const config = JSON.parse(raw);
    config.projects[options.project] = {
      mcpServers: { sock: { type: "ws", url: "wss://mcp.example.com/ws" } },
    };
    Deno.writeTextFileSync(global, JSON.stringify(config));
    const check = checkMcpConfig(options);
    strictEqual(check.status, "ok", check.detail);
    assert(check.detail.includes(`"db" (${options.project}/.mcp.json)`), check.detail);
    assert(check.detail.includes(`"events" (${global} (user scope))`), check.detail);
    assert(
      check.detail.includes(`"sock" (${global} (local scope of "${options.project}"))`),
      check.detail,
    );
    assert(!check.detail.includes("other"), "another project's servers are not this run's");
  });
});

Deno.test("mcp config check fails a server the CLI would skip and names file, server and field", async () => {
  await withDirs({
    "project/.mcp.json": {
      mcpServers: {
        bad: { type: "stdio", command: "db-server", args: "--stdio" },
        remote: { url: "https://mcp.example.com/mcp" },
        inproc: { type: "sdk", name: "inproc" },
        odd: { type: "carrier-pigeon" },
      },
    },
  }, (options) => {
    const check = checkMcpConfig(options);
    strictEqual(check.status, "fail");
    const file = `${options.project}/.mcp.json`;
    assert(check.detail.includes(`${file}: server "bad": "args" must be an array of strings`));
    assert(check.detail.includes(`${file}: server "remote": "type" is missing`));
    assert(check.detail.includes(`${file}: server "inproc": "type" is "sdk"`));
    assert(check.detail.includes(`${file}: server "odd": "type" must be "stdio", "http"`));
    assert(check.detail.includes("Claude Code 2.1 skips each server its schema rejects"));
    assert(!check.detail.includes("carrier-pigeon"), "an unknown type's value is not printed");
  });
});

Deno.test("mcp config check warns of a command not on PATH and fails a missing absolute one", async () => {
  await withDirs({
    "project/.mcp.json": {
      mcpServers: { npx: { command: "no-such-tool" }, abs: { command: "/nonexistent/server" } },
    },
  }, (options) => {
    const onlyPath = checkMcpConfig(options);
    strictEqual(onlyPath.status, "fail");
    assert(onlyPath.detail.includes('server "npx": "command" "no-such-tool" is not on PATH'));
    assert(
      onlyPath.detail.includes('server "abs": "command" "/nonexistent/server" does not exist'),
    );
  });
  await withDirs({
    "project/.mcp.json": { mcpServers: { npx: { command: "no-such-tool" } } },
  }, (options) => {
    const check = checkMcpConfig(options);
    strictEqual(check.status, "warn");
    assert(check.fix?.includes("Install the commands listed"));
  });
});

Deno.test("mcp config check expands ${VAR} and warns of unset ones", async () => {
  await withDirs({
    "project/.mcp.json": {
      mcpServers: {
        tool: { command: "${TOOLS}/db-server", env: { TOKEN: "${API_TOKEN}" } },
        web: { type: "http", url: "${BASE:-https://mcp.example.com}/mcp" },
      },
    },
  }, (options) => {
    const ok = checkMcpConfig({
      ...options,
      env: { ...options.env, TOOLS: `${options.home}/bin`, API_TOKEN: "t" },
    });
    strictEqual(ok.status, "ok", ok.detail);
    const check = checkMcpConfig(options);
    strictEqual(check.status, "warn");
    assert(check.detail.includes('server "tool": "command" uses ${TOOLS}, which is not set'));
    assert(check.detail.includes('server "tool": "env.TOKEN" uses ${API_TOKEN}, which is not set'));
  });
});

Deno.test("mcp config check fails a URL that does not parse or has the wrong scheme", async () => {
  await withDirs({
    "project/.mcp.json": {
      mcpServers: {
        a: { type: "http", url: "not a url" },
        b: { type: "sse", url: "ftp://files.example.com/sse" },
      },
    },
  }, (options) => {
    const check = checkMcpConfig(options);
    strictEqual(check.status, "fail");
    assert(check.detail.includes('server "a": "url" is not a URL'));
    assert(
      check.detail.includes(
        'server "b": "url" ftp://files.example.com must start with http:// or https://',
      ),
      check.detail,
    );
  });
});

Deno.test("mcp config check fails malformed JSON with line and column, and a missing --mcp-config file", async () => {
  await withDirs({
    "project/.mcp.json": '{\n  "mcpServers": {\n    "db": {"command": "db-server"},\n  }\n}',
    "extra.json": { servers: {} },
  }, (options) => {
    const check = checkMcpConfig({
      ...options,
      extraFiles: [`${options.home}/extra.json`, `${options.home}/none.json`],
    });
    strictEqual(check.status, "fail");
    assert(
      check.detail.includes(`${options.project}/.mcp.json: invalid JSON at line 4, column 3`),
      check.detail,
    );
    assert(
      check.detail.includes(`${options.home}/extra.json: must be a JSON object with "mcpServers"`),
    );
    assert(check.detail.includes(`${options.home}/none.json: does not exist`));
  });
});

Deno.test("mcp config check only warns when the global config does not parse", async () => {
  await withDirs({ ".claude.json": '{"mcpServers": {' }, (options) => {
    const check = checkMcpConfig(options);
    strictEqual(check.status, "warn");
    assert(
      check.detail.includes(`${options.home}/.claude.json: invalid JSON at line 1, column 17`),
    );
    assert(check.detail.includes("user and local MCP servers were not checked"));
  });
});

Deno.test("mcp config check never prints env or header values, URL credentials, paths or queries", async () => {
  const secret = "sk-ant-api03-SECRETVALUE";
  await withDirs({
    "project/.mcp.json": {
      mcpServers: {
        db: { command: "no-such-tool", env: { API_KEY: secret, N: 1 } },
        web: {
          type: "http",
          url: `https://user:${secret}@mcp.example.com/${secret}/mcp?key=${secret}`,
          headers: { Authorization: `Bearer ${secret}`, X: 2 },
        },
        ftp: { type: "sse", url: `ftp://u:${secret}@files.example.com/${secret}?t=${secret}` },
      },
    },
    ".claude.json": `{"oauthAccount": {"token": "${secret}"}, "mcpServers": {"x": {"url": 1}}, }`,
  }, (options) => {
    const check = checkMcpConfig(options);
    strictEqual(check.status, "fail");
    for (const text of [check.detail, check.fix ?? ""]) {
      assert(!text.includes("SECRETVALUE"), text);
    }
  });
});
