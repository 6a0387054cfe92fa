/**
 * Builds the single `claw` binary with `deno compile`. `deno compile` downloads its runtime
 * (denort) unless `DENORT_BIN` points at one; where the download host is unreachable, set it.
 *
 * @example
 * ```sh
 * DENORT_BIN=/path/to/denort deno task compile   # writes ./claw
 * ```
 *
 * @module
 */
const denort = Deno.env.get("DENORT_BIN");
if (denort) console.error(`Using the denort runtime at ${denort} (DENORT_BIN)`);
const out = await new Deno.Command(Deno.execPath(), {
  args: [
    "compile",
    "-A",
    "--include",
    "fixtures/demo/demo.ndjson",
    // The commands and the rest of claw run are imported lazily (src/cli/_lazy.ts).
    "--include",
    "src/cli/",
    "--output",
    "claw",
    "main.ts",
  ],
  stdout: "inherit",
  stderr: "inherit",
}).output();
if (!out.success) {
  console.error(
    "deno compile failed: it needs the denort runtime, downloaded from the Deno download host or given with DENORT_BIN",
  );
  Deno.exit(1);
}
