import { deepStrictEqual as assertEquals, throws } from "node:assert";
import { join } from "node:path";
import { ClaudeNotFoundError } from "../errors/claw_error.ts";
import { findClaude } from "./discover.ts";

async function withFakeClaude(fn: (dir: string, path: string) => void): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "claw-discover-" });
  try {
    const path = join(dir, "claude");
    await Deno.writeTextFile(path, "#!/bin/sh\n");
    await Deno.chmod(path, 0o755);
    fn(dir, path);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("findClaude prefers the explicit path, then CLAUDE_CLI_PATH, then PATH", async () => {
  await withFakeClaude((dir, path) => {
    assertEquals(findClaude({ cli: path, env: {} }), { path, source: "option" });
    assertEquals(findClaude({ env: { CLAUDE_CLI_PATH: path, PATH: "" } }), {
      path,
      source: "CLAUDE_CLI_PATH",
    });
    assertEquals(findClaude({ env: { PATH: `/nonexistent:${dir}` } }), { path, source: "PATH" });
  });
});

Deno.test("findClaude falls back to the known install locations under HOME", async () => {
  const home = await Deno.makeTempDir({ prefix: "claw-home-" });
  try {
    const path = join(home, ".claude", "local", "claude");
    await Deno.mkdir(join(home, ".claude", "local"), { recursive: true });
    await Deno.writeTextFile(path, "#!/bin/sh\n");
    await Deno.chmod(path, 0o755);
    assertEquals(findClaude({ env: { PATH: "", HOME: home } }), { path, source: "known_location" });
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("findClaude does not fall through when an explicit path is wrong", async () => {
  await withFakeClaude((dir) => {
    throws(
      () => findClaude({ cli: "/nonexistent/claude", env: { PATH: dir } }),
      (error: unknown) =>
        error instanceof ClaudeNotFoundError && error.kind === "cli_not_found" &&
        error.message.includes('"/nonexistent/claude"'),
    );
    throws(() => findClaude({ env: { CLAUDE_CLI_PATH: "/nope", PATH: dir } }), /CLAUDE_CLI_PATH/);
  });
});

Deno.test("findClaude skips a file that is not executable", async () => {
  await withFakeClaude((dir, path) => {
    Deno.chmodSync(path, 0o644);
    throws(
      () => findClaude({ env: { PATH: dir, HOME: "/nonexistent" } }),
      /Cannot find "claude" on PATH.*npm i -g @anthropic-ai\/claude-code, or give its path \(cli option, --cli, or CLAUDE_CLI_PATH\)/,
    );
  });
});
