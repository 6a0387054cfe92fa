/** Test support: run the `claw` CLI (main.ts) as a user would, and capture what it prints. */

const MAIN = new URL("../main.ts", import.meta.url).pathname;

/** What one `claw` invocation printed and returned. */
export interface ClawOutput {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `deno run -A main.ts ...args`, optionally with stdin and extra env (NO_COLOR is set).
 * With `clearEnv`, `env` is the whole environment (plus the host's Deno cache, so nothing is
 * compiled again).
 */
export async function claw(
  args: string[],
  options: { stdin?: string; env?: Record<string, string>; clearEnv?: boolean } = {},
): Promise<ClawOutput> {
  const cache = options.clearEnv ? { DENO_DIR: await cachedDenoDir() } : {};
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, ...args],
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1", ...cache, ...options.env },
    clearEnv: options.clearEnv ?? false,
  }).spawn();
  if (options.stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(options.stdin));
    await writer.close();
  }
  const out = await child.output();
  const decoder = new TextDecoder();
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
}

let denoDir: Promise<string> | undefined;

/** The host's Deno cache folder (`deno info --json`), for processes run with a fresh HOME. */
export function cachedDenoDir(): Promise<string> {
  denoDir ??= (async () => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json"],
      stdin: "null",
      stderr: "inherit",
    }).output();
    return String(JSON.parse(new TextDecoder().decode(out.stdout)).denoDir);
  })();
  return denoDir;
}
