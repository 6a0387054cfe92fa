/**
 * A folder holding two cassettes of the same run (the same argv and first input): every way in
 * says so in one line naming both files, never with a stack.
 */
import { deepStrictEqual as assertEquals, ok } from "node:assert";
import { join } from "node:path";
import { CASSETTES_DIR } from "../scripts/record_cassettes.ts";
import { cassetteSpawner } from "../src/cassette/cassette_spawner.ts";
import { DuplicateCassetteError } from "../src/cassette/cassette_store.ts";
import { claw } from "./_claw.ts";

Deno.test("a folder with two cassettes of one run is refused in one line, naming both", async () => {
  const root = await Deno.makeTempDir({ prefix: "claw-duplicates-" });
  try {
    const dir = join(root, "cassettes");
    await Deno.mkdir(join(dir, "copies"), { recursive: true });
    const original = join(CASSETTES_DIR, "2.1.332", "text_simple.ndjson");
    const [a, b] = [join(dir, "a.ndjson"), join(dir, "copies", "b.ndjson")];
    await Deno.copyFile(original, a);
    await Deno.copyFile(original, b);
    const names = (text: string) => text.includes(a) && text.includes(b);

    const written = await claw(["replay", "--cassettes", dir, "--write-bin", join(root, "claude")]);
    assertEquals(written.code, 2);
    ok(names(written.stderr.split("\n")[0]!), written.stderr);

    const env = { CLAW_CASSETTES: dir };
    for (const args of [["fake-claude", "--version"], ["fake-claude", "-p", "Say hello"]]) {
      const out = await claw(args, { env });
      assertEquals(out.code, 1);
      const lines = out.stderr.trimEnd().split("\n");
      assertEquals(lines.length, 1, out.stderr);
      ok(lines[0]!.startsWith("claw fake-claude: Cassettes ") && names(lines[0]!), lines[0]);
    }

    const direct = await claw(["replay", "--cassettes", dir, "--", "-p", "Say hello"]);
    assertEquals(direct.code, 1);
    ok(!direct.stderr.includes("    at "), "no stack");

    const spawner = cassetteSpawner({ dir, mode: "replay" });
    const error = await Promise.resolve(spawner({ command: "claude", args: ["-p", "hi"], env: {} }))
      .then(() => undefined, (error: unknown) => error);
    ok(error instanceof DuplicateCassetteError);
    assertEquals(error.paths, [a, b]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
