import { deepStrictEqual, ok as assert, strictEqual, throws } from "node:assert";
import { ClawError } from "../errors/claw_error.ts";
import { removeClaudeLogin } from "./logout.ts";

async function withFile(content: string, test: (path: string, dir: string) => void) {
  const dir = await Deno.makeTempDir({ prefix: "claw-logout-" });
  const path = `${dir}/.credentials.json`;
  await Deno.writeTextFile(path, content, { mode: 0o644 });
  try {
    test(path, dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const both = JSON.stringify({
  claudeAiOauth: { accessToken: "sk-ant-oat01-a", refreshToken: "r", expiresAt: 1 },
  mcpOAuth: { "github|abc": { accessToken: "gho_x", serverUrl: "https://example.com/mcp" } },
  organizationUuid: "org",
});

Deno.test("logout keeps every other field and leaves the file with mode 0600", () =>
  withFile(both, (path) => {
    const outcome = removeClaudeLogin(path);
    deepStrictEqual(outcome, {
      removed: true,
      kept: ["mcpOAuth", "organizationUuid"],
      deleted: false,
    });
    const after = JSON.parse(Deno.readTextFileSync(path));
    deepStrictEqual(after, { mcpOAuth: JSON.parse(both).mcpOAuth, organizationUuid: "org" });
    strictEqual(Deno.statSync(path).mode! & 0o777, 0o600);
  }));

Deno.test("logout deletes a file that held only the login, and is a no-op the second time", () =>
  withFile(JSON.stringify({ claudeAiOauth: { accessToken: "a" } }), (path) => {
    deepStrictEqual(removeClaudeLogin(path), { removed: true, kept: [], deleted: true });
    deepStrictEqual(removeClaudeLogin(path), { removed: false, kept: [], deleted: false });
  }));

Deno.test("a crash before the rename leaves the original file whole and no temp file", () =>
  withFile(both, (path, dir) => {
    let temp = "";
    throws(
      () =>
        removeClaudeLogin(path, {
          beforeRename: (written) => {
            temp = written;
            throw new Error("simulated crash");
          },
        }),
      (error: unknown) => error instanceof ClawError && /nothing was changed/.test(error.message),
    );
    assert(temp.startsWith(`${path}.claw-`));
    strictEqual(Deno.readTextFileSync(path), both);
    deepStrictEqual([...Deno.readDirSync(dir)].map((entry) => entry.name), [".credentials.json"]);
  }));

Deno.test("a malformed file is left alone and reported", () =>
  withFile('{"claudeAiOauth": ', (path) => {
    throws(() => removeClaudeLogin(path), /not valid JSON; nothing was changed/);
    strictEqual(Deno.readTextFileSync(path), '{"claudeAiOauth": ');
  }));

Deno.test("logout through a symlinked credentials file removes the login from the file it points at, keeping the link and the target's mode", async () => {
  const dir = await Deno.makeTempDir({ prefix: "claw-logout-" });
  try {
    const target = `${dir}/dotfiles/credentials.json`;
    await Deno.mkdir(`${dir}/dotfiles`);
    await Deno.writeTextFile(target, both, { mode: 0o400 });
    const link = `${dir}/.credentials.json`;
    await Deno.symlink(target, link);
    deepStrictEqual(removeClaudeLogin(link), {
      removed: true,
      kept: ["mcpOAuth", "organizationUuid"],
      deleted: false,
    });
    assert(Deno.lstatSync(link).isSymlink, "the link is still a link");
    const after = JSON.parse(Deno.readTextFileSync(target));
    strictEqual(after.claudeAiOauth, undefined, "the token left the target");
    strictEqual(after.organizationUuid, "org");
    strictEqual(Deno.statSync(target).mode! & 0o777, 0o400);
    // A target that held only the login keeps existing, empty: the link never dangles.
    await Deno.chmod(target, 0o600);
    await Deno.writeTextFile(target, JSON.stringify({ claudeAiOauth: { accessToken: "a" } }));
    deepStrictEqual(removeClaudeLogin(link), { removed: true, kept: [], deleted: false });
    deepStrictEqual(JSON.parse(Deno.readTextFileSync(link)), {});
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
