/**
 * `claw run --demo`: the real `claude` against claw's own fake Messages API, with a bundled
 * script, so claw's main job can be seen working without credentials or tokens.
 */
import { startFakeApi } from "../harness/fake_api.ts";
import { offlineEnv } from "../harness/offline_env.ts";
import type { FakeScript } from "../harness/script.ts";
import type { RunOptions } from "../session/run.ts";

/** The prompt the demo uses when none is given. */
export const DEMO_PROMPT = "Greet me from the shell, then tell me what you did";

const DEMO_SCRIPT: FakeScript = {
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
          'The shell printed "Hello from claw". This answer came from claw\'s fake Messages API on 127.0.0.1, through the real Claude Code CLI: no credentials, no tokens spent.',
      }],
    },
  ],
};

/** A running demo backend: options to merge into the run, and a cleanup. */
export interface Demo extends AsyncDisposable {
  options: Pick<RunOptions, "env">;
}

/** Starts the fake API and a throw-away HOME for one demo run. */
export async function startDemo(): Promise<Demo> {
  const api = await startFakeApi({ script: DEMO_SCRIPT });
  const home = await Deno.makeTempDir({ prefix: "claw-demo-" });
  return {
    options: { env: offlineEnv({ apiUrl: api.url, home, maxRetries: 0 }) },
    async [Symbol.asyncDispose]() {
      await api.close();
      await Deno.remove(home, { recursive: true }).catch(() => {});
    },
  };
}
