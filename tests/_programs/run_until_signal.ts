/**
 * A host program for tests/host_signal_test.ts: starts a run whose stand-in CLI sleeps, prints
 * the stand-in's pid, and waits to be interrupted.
 */
import { denoSpawner } from "../../src/process/deno_spawner.ts";
import { run } from "../../src/session/run.ts";

const claude = run("hi", {
  cli: "claude-stand-in",
  spawner: (request) => {
    const child = denoSpawner({
      ...request,
      command: "sh",
      args: ["-c", 'echo "{\\"type\\":\\"keep_alive\\",\\"pid\\":$$}"; exec sleep 60'],
    });
    return child;
  },
});
for await (const item of claude) {
  if (item.type === "keep_alive") console.log(JSON.stringify(item));
}
