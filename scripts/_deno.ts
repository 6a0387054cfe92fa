/** Running `deno` in this checkout, for the scripts: a command's output, and `deno fmt` on text. */

/** The checkout's root folder (with a trailing slash). */
export const ROOT: string = new URL("..", import.meta.url).pathname;

/**
 * Runs `deno ARGS` in the checkout without colour and collects what it prints; `stdin` is written
 * to it when given.
 */
export async function deno(
  args: readonly string[],
  options: { stdin?: string } = {},
): Promise<Deno.CommandOutput> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [...args],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (options.stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(options.stdin));
    await writer.close();
  }
  return await child.output();
}

/**
 * `source` formatted as `deno fmt` formats a file with extension `ext` (`ts`, `md`) in this
 * checkout, with its settings. Throws with fmt's message when the text does not parse.
 */
export async function denoFmt(source: string, ext: "ts" | "md"): Promise<string> {
  const out = await deno(["fmt", `--ext=${ext}`, "-"], { stdin: source });
  if (!out.success) throw new Error(`deno fmt failed: ${new TextDecoder().decode(out.stderr)}`);
  return new TextDecoder().decode(out.stdout);
}
