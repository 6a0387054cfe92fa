/** Test support: the recorded cassette corpus (`fixtures/cassettes/<version>/`), read once. */
import { join } from "node:path";
import { CASSETTES_DIR } from "../scripts/record_cassettes.ts";
import { PINNED_CLI_VERSIONS } from "../scripts/install_cli.ts";
import { type Cassette, parseCassette } from "../src/cassette/cassette.ts";

/** What `claw run` printed while a cassette was recorded (`<step>.claw-run.json`). */
export interface Golden {
  args: string[];
  stdout: string;
  stderr: string;
  code: number;
}

/** One cassette of the corpus, with its golden `claw run` output when it has one. */
export interface CorpusEntry {
  version: string;
  /** The step name, e.g. `tool_bash`. */
  name: string;
  /** The cassette's absolute path. */
  path: string;
  cassette: Cassette;
  golden: Golden | undefined;
}

/** Every cassette of the corpus, ordered by path. */
export function readCorpus(): CorpusEntry[] {
  const entries: CorpusEntry[] = [];
  for (const version of PINNED_CLI_VERSIONS) {
    const dir = join(CASSETTES_DIR, version);
    for (const file of [...Deno.readDirSync(dir)].map((e) => e.name).sort()) {
      if (!file.endsWith(".ndjson")) continue;
      const name = file.slice(0, -".ndjson".length);
      const path = join(dir, file);
      let golden: Golden | undefined;
      try {
        golden = JSON.parse(Deno.readTextFileSync(join(dir, `${name}.claw-run.json`)));
      } catch (error) {
        if (!(error instanceof Deno.errors.NotFound)) throw error;
      }
      entries.push({
        version,
        name,
        path,
        cassette: parseCassette(Deno.readTextFileSync(path), path),
        golden,
      });
    }
  }
  return entries;
}
