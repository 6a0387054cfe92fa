import { rejects } from "node:assert";
import { join } from "node:path";
import { checkRunOptions } from "./_run_checks.ts";

Deno.test("checkRunOptions reads relative paths from --cwd, as claude will, and JSON inline or from a file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "claw-run-checks-" });
  try {
    await Deno.mkdir(join(dir, "sub"));
    await Deno.writeTextFile(join(dir, "prompt.md"), "Be brief");
    await Deno.writeTextFile(join(dir, "mcp.json"), '{"mcpServers": {}}');
    await Deno.writeTextFile(join(dir, "list.json"), "[]");
    await checkRunOptions({
      cwd: dir,
      addDirs: ["sub", dir],
      systemPromptFile: "prompt.md",
      mcpConfig: ["mcp.json", '{"mcpServers": {"a": {"command": "x"}}}'],
      settings: '  {"model": "sonnet"}',
      model: "sonnet",
    });
    await rejects(
      checkRunOptions({ systemPromptFile: "prompt.md" }),
      /^UsageError: Cannot read --system-prompt-file "prompt.md": no such file/,
    );
    await rejects(
      checkRunOptions({ cwd: dir, addDirs: ["prompt.md"] }),
      /^UsageError: Cannot use --add-dir ".*\/prompt.md": it is a file, not a folder: pass an existing folder \(read from --cwd\)$/,
    );
    await rejects(
      checkRunOptions({ cwd: dir, settings: "list.json" }),
      /^UsageError: Invalid --settings "list.json": it must be a JSON object$/,
    );
    await rejects(
      checkRunOptions({ mcpConfig: ['{"mcpServers": []}'] }),
      /^UsageError: Invalid --mcp-config: it has no "mcpServers" object/,
    );
    await rejects(
      checkRunOptions({ fallbackModel: " " }),
      /^UsageError: Invalid --fallback-model " "/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
