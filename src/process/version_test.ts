import { deepStrictEqual as assertEquals, ok } from "node:assert";
import { denoSpawner } from "./deno_spawner.ts";
import { ProcessMarker } from "./_process_marker.ts";
import type { Spawner, SpawnRequest } from "./spawn.ts";
import {
  compareVersions,
  parseCliVersion,
  readCliVersion,
  SUPPORTED_CLI,
  versionStanding,
  versionWarning,
} from "./version.ts";

Deno.test("parseCliVersion reads the CLI's --version output and refuses anything else", () => {
  assertEquals(parseCliVersion("2.1.332 (Claude Code)\n"), [2, 1, 332]);
  assertEquals(parseCliVersion("2.0.76 (Claude Code)"), [2, 0, 76]);
  assertEquals(parseCliVersion("command not found"), undefined);
});

Deno.test("versions compare numerically, not as strings", () => {
  assertEquals(compareVersions("2.0.76", "2.0.8") > 0, true);
  assertEquals(compareVersions("2.1.332", "2.1.332"), 0);
});

Deno.test("versionStanding places versions against the supported range", () => {
  assertEquals(versionStanding("2.0.75"), "below_minimum");
  assertEquals(versionStanding("2.0.76"), "supported");
  assertEquals(versionStanding("2.1.0"), "supported");
  assertEquals(versionStanding(SUPPORTED_CLI.tested), "supported");
  assertEquals(versionStanding("2.1.338"), "newer_than_tested");
  assertEquals(versionStanding("dev"), "unknown");
});

Deno.test("versionWarning speaks only of versions outside the range", () => {
  assertEquals(versionWarning("2.1.0"), undefined);
  assertEquals(versionWarning("dev"), undefined);
  ok(versionWarning("2.1.338")?.includes("newer than the tested version"));
});

/** A stand-in claude as `sh -c script`, started through the real spawner; requests are kept. */
function shell(script: string, seen: SpawnRequest[] = []): Spawner {
  return (request) => {
    seen.push(request);
    return denoSpawner({
      ...request,
      command: "sh",
      args: ["-c", script, "claude", ...request.args],
    });
  };
}

Deno.test("readCliVersion asks through the spawn seam, with the run's environment rules", async () => {
  const seen: SpawnRequest[] = [];
  const version = await readCliVersion({
    cli: "my-claude",
    spawner: shell('[ "$1" = --version ] && echo "2.1.332 (Claude Code)"', seen),
    hostEnv: { PATH: Deno.env.get("PATH") ?? "", CLAUDECODE: "1" },
    env: { EXTRA: "x" },
  });
  assertEquals(version, "2.1.332");
  assertEquals(seen[0]?.command, "my-claude");
  assertEquals(seen[0]?.args, ["--version"]);
  assertEquals([seen[0]?.env.EXTRA, "CLAUDECODE" in (seen[0]?.env ?? {})], ["x", false]);
});

Deno.test("readCliVersion gives up on a CLI that never answers, and reaps it", async () => {
  let pid: number | undefined;
  const hang: Spawner = (request) => {
    const process = shell("exec sleep 30")(request) as ReturnType<typeof denoSpawner>;
    pid = process.pid;
    return process;
  };
  const started = performance.now();
  const version = await readCliVersion({ cli: "claude", spawner: hang, timeoutMs: 200 });
  assertEquals(version, undefined);
  ok(performance.now() - started < 5000, "it did not wait for the sleep");
  ok(pid !== undefined && !alive(pid), "the stand-in was reaped");
});

Deno.test("readCliVersion is bounded even when the CLI answers and then hangs behind a wrapper", async () => {
  const marker = new ProcessMarker();
  const answersThenHangs: Spawner = (request) =>
    shell("echo '2.1.332 (Claude Code)'; sleep 30; true")({ ...request, env: marker.env });
  const started = performance.now();
  const version = await readCliVersion({ cli: "claude", spawner: answersThenHangs });
  assertEquals(version, undefined, "a CLI that would not exit is not trusted");
  ok(performance.now() - started < 3000, "it did not wait for the sleep");
  await marker.assertNoneLeft();
});

Deno.test("readCliVersion gives up when its signal aborts", async () => {
  const marker = new ProcessMarker();
  const silent: Spawner = (request) => shell("sleep 30; true")({ ...request, env: marker.env });
  const started = performance.now();
  const version = await readCliVersion({
    cli: "claude",
    spawner: silent,
    signal: AbortSignal.timeout(200),
  });
  assertEquals(version, undefined);
  ok(performance.now() - started < 3000, "it did not wait for the sleep");
  await marker.assertNoneLeft();
});

Deno.test("readCliVersion answers undefined for something that is not Claude Code, or fails to start", async () => {
  assertEquals(await readCliVersion({ cli: "x", spawner: shell("echo hello") }), undefined);
  assertEquals(
    await readCliVersion({ cli: "x", spawner: shell("echo '2.1.0 (Claude Code)'; exit 3") }),
    undefined,
  );
  const broken: Spawner = () => Promise.reject(new Error("no such file"));
  assertEquals(await readCliVersion({ cli: "x", spawner: broken }), undefined);
});

function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z /.test(Deno.readTextFileSync(`/proc/${pid}/stat`));
  } catch {
    return false;
  }
}
