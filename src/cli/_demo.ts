/**
 * `claw run --demo`: replays a bundled cassette, recorded once from the real CLI against claw's
 * fake Messages API (scripts/record_demo.ts), so claw's main job can be seen working anywhere:
 * no `claude`, no credentials, no tokens.
 */
import { readCassetteFile } from "../cassette/cassette.ts";
import { replayProcess } from "../cassette/replay.ts";
import { type Spawner, withCliNeed } from "../process/spawn.ts";

/** The prompt the demo cassette was recorded with. */
export const DEMO_PROMPT = "Greet me from the shell, then tell me what you did";

/** Where the demo cassette lives, relative to this module (bundled by `deno task compile`). */
export const DEMO_CASSETTE = "../../fixtures/demo/demo.ndjson";

/** A spawner that replays the demo cassette at its recorded pace, whatever the arguments. */
export async function demoSpawner(): Promise<Spawner> {
  const url = new URL(DEMO_CASSETTE, import.meta.url);
  const cassette = await readCassetteFile(url);
  return withCliNeed(
    () => replayProcess(cassette, { timing: "recorded", source: url.pathname }),
    "never",
  );
}
