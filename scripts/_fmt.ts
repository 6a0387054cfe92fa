/** `deno fmt` on text, for the scripts that generate files of this checkout. */

const ROOT = new URL("..", import.meta.url).pathname;

/**
 * `source` formatted as `deno fmt` formats a file with extension `ext` (`ts`, `md`) in this
 * checkout, with its settings. Throws with fmt's message when the text does not parse.
 */
export async function denoFmt(source: string, ext: "ts" | "md"): Promise<string> {
  const fmt = new Deno.Command(Deno.execPath(), {
    args: ["fmt", `--ext=${ext}`, "-"],
    cwd: ROOT,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = fmt.stdin.getWriter();
  await writer.write(new TextEncoder().encode(source));
  await writer.close();
  const out = await fmt.output();
  if (!out.success) throw new Error(`deno fmt failed: ${new TextDecoder().decode(out.stderr)}`);
  return new TextDecoder().decode(out.stdout);
}
