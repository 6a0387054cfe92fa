import { deepStrictEqual as assertEquals, match } from "node:assert";
import { join } from "node:path";
import { folderGraph, layerFailures, privateImports } from "./check_layers.ts";

async function tree(files: Record<string, string>, fn: (src: string) => void): Promise<void> {
  const src = await Deno.makeTempDir({ prefix: "claw-layers-" });
  try {
    for (const [path, text] of Object.entries(files)) {
      await Deno.mkdir(join(src, path, ".."), { recursive: true });
      await Deno.writeTextFile(join(src, path), text);
    }
    fn(src);
  } finally {
    await Deno.remove(src, { recursive: true });
  }
}

Deno.test("the layer check finds a cycle between folders and names the imports that make it", () =>
  tree({
    "session/run.ts": 'import { x } from "../process/spawn.ts";\n',
    "process/spawn.ts": 'export type { Y } from "../session/run.ts";\n',
    "process/spawn_test.ts": 'import "../cli/run.ts";\n', // tests may reach across
  }, (src) => {
    const failures = layerFailures(folderGraph(src));
    assertEquals(failures.length, 1);
    match(failures[0]!, /^a cycle between folders: process → session → process\n/);
    match(failures[0]!, /process\/spawn\.ts imports session\/run\.ts/);
  }));

Deno.test("the layer check keeps the leaves leaves, but not for imports in doc examples", () =>
  tree({
    "errors/claw_error.ts": 'import type { S } from "../session/facts.ts";\n',
    "protocol/events.ts":
      '/**\n * ```ts\n * import { run } from "../session/run.ts";\n * ```\n */\n',
    "session/facts.ts": "export type S = 1;\n",
  }, (src) => {
    assertEquals(layerFailures(folderGraph(src)), [
      "errors/ must not import session/: errors/claw_error.ts imports session/facts.ts",
    ]);
  }));

Deno.test("the layer check refuses a folder reaching into another's private file, but not cli/", () =>
  tree({
    "session/store.ts": 'import { writeAtomic } from "../process/_write_atomic.ts";\n',
    "session/_own.ts": 'import { y } from "./_helper.ts";\n',
    "cli/run.ts": 'import { x } from "../process/_write_atomic.ts";\n',
    "process/_write_atomic.ts": "export const x = 1;\n",
  }, (src) => {
    assertEquals(privateImports(src), [
      "session/store.ts imports process/_write_atomic.ts, a private file of another folder",
    ]);
  }));

Deno.test("the library as it stands passes the layer check", () => {
  const src = new URL("../src", import.meta.url).pathname;
  assertEquals(layerFailures(folderGraph(src)), []);
  assertEquals(privateImports(src), []);
});
