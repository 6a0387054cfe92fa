import { deepStrictEqual as assertEquals, rejects } from "node:assert";
import { join } from "node:path";
import { UsageError } from "./_args.ts";
import { checkFolder, checkInputFile, checkOutputPath } from "./_paths.ts";

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "claw-paths-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("checkOutputPath makes the folder, leaves nothing in it, and refuses a folder as the file", () =>
  withDir(async (dir) => {
    const folder = join(dir, "a", "b");
    await checkOutputPath("-o", join(folder, "run.ndjson"));
    assertEquals(await Array.fromAsync(Deno.readDir(folder)), []);
    await rejects(
      checkOutputPath("-o", folder),
      new UsageError(
        `Cannot write -o "${folder}": it is a folder: pass the path of a file (in it, or elsewhere)`,
      ),
    );
  }));

Deno.test("checkOutputPath refuses a path under a file, naming the flag", () =>
  withDir(async (dir) => {
    const file = join(dir, "file");
    await Deno.writeTextFile(file, "");
    await rejects(
      checkOutputPath("--write-bin", join(file, "claude")),
      /^UsageError: Cannot write --write-bin ".*file\/claude": .*: pass a writable path$/,
    );
  }));

Deno.test("checkFolder and checkInputFile tell a missing path from one of the wrong type", () =>
  withDir(async (dir) => {
    const file = join(dir, "file");
    await Deno.writeTextFile(file, "");
    const what = "the folder of cassettes";
    await rejects(checkFolder("--cassettes", join(dir, "none"), what), /: no such folder: pass /);
    await rejects(checkFolder("--cassettes", file, what), /: it is a file, not a folder: pass /);
    await rejects(checkFolder("--cassettes", join(file, "x"), what), /: no such folder/);
    await checkInputFile("--script", file, "a script");
    await rejects(checkInputFile("--script", dir, "a script"), /: it is a folder, not a file/);
    await rejects(
      checkInputFile("", join(dir, "none"), "a transcript"),
      /^UsageError: Cannot read "/,
    );
  }));
