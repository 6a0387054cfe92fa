/**
 * Test support for `claw batch` end to end: a place with the fake API (which echoes each request's
 * prompt, so every job's answer is its own), a throwaway HOME, a process marker, and `main.ts`
 * started with the pinned CLI.
 */
import type { BatchResult } from "../src/batch/result.ts";
import { type FakeApi, startFakeApi } from "../src/fake_api/fake_api.ts";
import { offlineEnv } from "../src/fake_api/offline_env.ts";
import type { FakeReply } from "../src/fake_api/script.ts";
import { ProcessMarker } from "../src/process/_process_marker.ts";
import { writeLogin } from "./_auth_home.ts";
import { cachedDenoDir } from "./_claw.ts";
import { NEWEST_PINNED_CLI, OLDEST_PINNED_CLI, pinnedCliPath } from "./_offline.ts";

/** The newest and the oldest pinned CLI. */
/** The newest pinned CLI and the oldest supported. */
export const [TESTED, OLDEST] = [NEWEST_PINNED_CLI, OLDEST_PINNED_CLI];
const MAIN = new URL("../main.ts", import.meta.url).pathname;
/** A reply that echoes the prompt: every job's answer is its own. */
export const ECHO: FakeReply = { content: [{ type: "text", text: "Answer to: {{prompt}}" }] };

/** One test's fake API, folder and marker; dispose to check nothing is left and clean up. */
export interface Place extends AsyncDisposable {
  api: FakeApi;
  dir: string;
  marker: ProcessMarker;
  /** The environment claude needs to reach the fake API from a throwaway HOME. */
  vars: Record<string, string>;
  /** Writes `count` jobs (ids job-01…, prompts "Token job-01") and returns the file. */
  jobs(count: number, extra?: Record<string, unknown>[]): Promise<string>;
  /** Starts `claw batch …` against the fake API with the pinned CLI `version`. */
  start(version: string, args: string[]): Deno.ChildProcess;
  /** Runs `claw batch …` to the end. */
  batch(
    version: string,
    args: string[],
    env?: Record<string, string>,
  ): Promise<{ code: number; stdout: string; stderr: string }>;
}

/**
 * Starts a fake API with `replies` and makes a folder with a throwaway HOME. With `login`, the
 * CLI signs in with a stored login (`~/.claude/.credentials.json`, refresh token included)
 * instead of an API key.
 */
export async function place(
  replies: FakeReply[] = [ECHO],
  settings: { login?: boolean } = {},
): Promise<Place> {
  const api = await startFakeApi({ script: { replies, when_exhausted: "repeat_last" } });
  const dir = await Deno.makeTempDir({ prefix: "claw-batch-test-" });
  await Deno.mkdir(`${dir}/home/tmp`, { recursive: true });
  if (settings.login) {
    await Deno.mkdir(`${dir}/home/.claude`);
    writeLogin(`${dir}/home/.claude/.credentials.json`, "fresh");
  }
  const marker = new ProcessMarker();
  const denoDir = await cachedDenoDir();
  const offline = offlineEnv({
    apiUrl: api.url,
    home: `${dir}/home`,
    maxRetries: 0,
    tmpDir: `${dir}/home/tmp`,
  });
  if (settings.login) delete offline.ANTHROPIC_API_KEY;
  const vars = Object.fromEntries(
    Object.entries(offline).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  const start = (version: string, args: string[], extra: Record<string, string> = {}) =>
    new Deno.Command(Deno.execPath(), {
      args: [
        ...["run", "-A", MAIN, "batch", ...args],
        ...(args[0] === "run" ? ["--cli", pinnedCliPath(version)] : []),
      ],
      cwd: dir,
      env: {
        PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
        DENO_DIR: denoDir,
        NO_COLOR: "1",
        ...marker.env,
        ...vars,
        ...extra,
      },
      clearEnv: true,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
  return {
    api,
    dir,
    marker,
    vars,
    async jobs(count, extra = []) {
      const lines = Array.from({ length: count }, (_, i) => {
        const id = `job-${String(i + 1).padStart(2, "0")}`;
        return JSON.stringify({ id, prompt: `Token ${id}` });
      });
      lines.push(...extra.map((job) => JSON.stringify(job)));
      const path = `${dir}/jobs-${crypto.randomUUID().slice(0, 6)}.jsonl`;
      await Deno.writeTextFile(path, lines.join("\n") + "\n");
      return path;
    },
    start,
    async batch(version, args, env) {
      const out = await start(version, args, env).output();
      const decoder = new TextDecoder();
      return {
        code: out.code,
        stdout: decoder.decode(out.stdout),
        stderr: decoder.decode(out.stderr),
      };
    },
    async [Symbol.asyncDispose]() {
      await api.close();
      await marker.assertNoneLeft(15_000);
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}

/** The result lines of `path` (none when it is missing). */
export async function results(path: string): Promise<BatchResult[]> {
  const text = await Deno.readTextFile(path).catch(() => "");
  return text.split("\n").filter((line) => line.trim() !== "").map((line) => JSON.parse(line));
}

/** The job tokens the fake API was asked about in scripted requests. */
export function asked(api: FakeApi, from = 0): string[] {
  return api.requests.slice(from).flatMap((request) => {
    const match = /Token (job-\d+)/.exec(JSON.stringify(request.body));
    return request.reply !== null && match ? [match[1]!] : [];
  });
}

/** Waits until `condition` holds; throws after `timeoutMs`. */
export async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
