/**
 * Records the cassette that `claw run --demo` replays (`fixtures/demo/demo.ndjson`): the real
 * pinned CLI against claw's fake Messages API, saved by claw's own recorder.
 *
 * @example
 * ```sh
 * deno run -A scripts/record_demo.ts
 * ```
 *
 * @module
 */
import { startFakeApi } from "../src/fake_api/fake_api.ts";
import { offlineEnv } from "../src/fake_api/offline_env.ts";
import type { FakeScript } from "../src/fake_api/script.ts";
import { DEMO_CASSETTE, DEMO_PROMPT } from "../src/cli/_demo.ts";
import { recordingSpawner, saveCassette } from "../src/cassette/recorder.ts";
import { denoSpawner } from "../src/process/deno_spawner.ts";
import { run } from "../src/session/run.ts";
import { PINNED_CLI_VERSIONS, pinnedCliPath } from "./install_cli.ts";

const SCRIPT: FakeScript = {
  replies: [
    {
      content: [
        { type: "text", text: "I'll run a command to say hello." },
        { type: "tool_use", name: "Bash", input: { command: "echo 'Hello from claw'" } },
      ],
    },
    {
      content: [{
        type: "text",
        text:
          'The shell printed "Hello from claw". This run was recorded once from the real Claude Code CLI against claw\'s fake Messages API, and claw just replayed it: no credentials, no tokens spent.',
      }],
    },
  ],
};

await using api = await startFakeApi({ script: SCRIPT });
const root = await Deno.makeTempDir({ prefix: "claw-demo-record-" });
try {
  await Deno.mkdir(`${root}/home`);
  await Deno.mkdir(`${root}/cwd`);
  const env = offlineEnv({ apiUrl: api.url, home: `${root}/home`, tmpDir: root });
  const claude = run(DEMO_PROMPT, {
    cli: pinnedCliPath(PINNED_CLI_VERSIONS[0]),
    cwd: `${root}/cwd`,
    env,
    spawner: recordingSpawner(denoSpawner, {
      save: saveCassette(new URL(DEMO_CASSETTE, new URL("../src/cli/", import.meta.url)).pathname),
    }),
  });
  console.log(await claude.text());
} finally {
  await Deno.remove(root, { recursive: true });
}
