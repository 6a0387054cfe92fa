/**
 * The real spawner with stand-in programs (shell scripts) that misbehave on purpose: wrappers,
 * background children holding the pipes, descendants that leave the process group. The real CLI
 * cannot be made to do these on demand.
 */
import { deepStrictEqual as assertEquals, ok } from "node:assert";
import { denoSpawner, PIPE_LINGER_MS } from "./deno_spawner.ts";
import { ProcessMarker } from "./_process_marker.ts";
import { shutdown } from "./shutdown.ts";
import { timed } from "./_stand_in.ts";

function sh(script: string, marker: ProcessMarker) {
  return denoSpawner({
    command: "sh",
    args: ["-c", script],
    env: { PATH: Deno.env.get("PATH") ?? "", ...marker.env },
  });
}

Deno.test("the child leads its own process group, and kill() reaches a wrapper's child", async () => {
  const marker = new ProcessMarker();
  // A wrapper without exec, as npm shims and version managers are: sh waits for its sleep.
  const child = sh("sleep 30; true", marker);
  await new Promise((resolve) => setTimeout(resolve, 100));
  const stat = await Deno.readTextFile(`/proc/${child.pid}/stat`);
  const pgrp = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
  assertEquals(pgrp, child.pid);
  assertEquals(marker.pids().length, 2, "the wrapper and its sleep");
  const [status, ms] = await timed(shutdown(child));
  assertEquals(status.signal, "SIGTERM");
  ok(ms < 1000, `shut down in ${ms} ms`);
  await marker.assertNoneLeft();
});

Deno.test("output a background child holds open ends once the child has exited; heldOpen says so", async () => {
  const marker = new ProcessMarker();
  const child = sh("sleep 30 & echo done", marker);
  const [text, ms] = await timed(new Response(child.stdout).text());
  assertEquals(text, "done\n");
  ok(ms < PIPE_LINGER_MS + 1500, `stdout ended after ${ms} ms`);
  const status = await child.status;
  assertEquals([status.code, status.heldOpen], [0, ["stdout", "stderr"]]);
  await child.stderr.cancel();
  await marker.assertNoneLeft();
});

Deno.test("a child that closes its pipes cleanly leaves no heldOpen and takes no linger", async () => {
  const marker = new ProcessMarker();
  const child = sh("echo done", marker);
  const [text, ms] = await timed(new Response(child.stdout).text());
  const status = await child.status;
  assertEquals([text, status.code, status.heldOpen], ["done\n", 0, undefined]);
  ok(ms < PIPE_LINGER_MS, `stdout ended after ${ms} ms`);
  await child.stderr.cancel();
});

Deno.test("a background child that ignores SIGTERM and holds stderr is killed once the child exits", async () => {
  const marker = new ProcessMarker();
  const child = sh("(trap '' TERM; exec sleep 30) >/dev/null & exit 0", marker);
  await child.stdout.cancel();
  const [stderr, ms] = await timed(new Response(child.stderr).text());
  assertEquals(stderr, "");
  ok(ms < 2 * PIPE_LINGER_MS + 1500, `stderr ended after ${ms} ms`);
  assertEquals((await child.status).heldOpen, ["stderr"]);
  await marker.assertNoneLeft();
});

Deno.test("a descendant that left the group (setsid) cannot keep claw reading; it is the one process claw cannot reach", async () => {
  const marker = new ProcessMarker();
  const child = sh("setsid sleep 30 & echo done", marker);
  try {
    const [text, ms] = await timed(new Response(child.stdout).text());
    assertEquals(text, "done\n");
    ok(ms < 2 * PIPE_LINGER_MS + 1500, `stdout ended after ${ms} ms`);
    assertEquals((await child.status).heldOpen, ["stdout", "stderr"]);
    await child.stderr.cancel();
    const left = marker.pids();
    assertEquals(left.length, 1, "the setsid sleep lives on: documented");
    ok(Deno.readTextFileSync(`/proc/${left[0]}/cmdline`).startsWith("sleep"));
  } finally {
    marker.killAll();
  }
});

Deno.test("output not yet read when the child exits is kept for a slow reader", async () => {
  const marker = new ProcessMarker();
  const child = sh("seq 1 2000", marker);
  await child.status; // exited and settled before anyone read a byte
  await new Promise((resolve) => setTimeout(resolve, PIPE_LINGER_MS + 200));
  const lines = (await new Response(child.stdout).text()).trim().split("\n");
  assertEquals([lines.length, lines.at(-1)], [2000, "2000"]);
  await child.stderr.cancel();
});
