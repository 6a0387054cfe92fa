/** The host getting SIGINT or SIGTERM must not leave its claude children running. */
import { deepStrictEqual as assertEquals, ok } from "node:assert";
import { processAlive } from "./_offline.ts";

const program = new URL("./_programs/run_until_signal.ts", import.meta.url).pathname;

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  Deno.test(`a host that receives ${signal} takes its claude child down with it`, async () => {
    const host = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", program],
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const reader = host.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    while (!text.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
    const childPid: number = JSON.parse(text).pid;
    ok(processAlive(childPid), "the child runs while the host does");
    host.kill(signal);
    const status = await host.status;
    await reader.cancel();
    assertEquals(status.signal, signal, "the host still ends by the signal it received");
    for (let i = 0; i < 50 && processAlive(childPid); i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    ok(!processAlive(childPid), `child ${childPid} outlived its host`);
  });
}
