/**
 * `claw report` benchmark: how long the pages take to make and to render, against floors
 * measured in the same alternating rounds.
 *
 * - Make: `claw report` of the corpus's longest session and of a batch of `--jobs` results
 *   (synthetic, made by code: 1 in 20 failed), as whole processes, against `claw inspect --json`
 *   of the same session (a process that reads and decodes the same input and prints a summary).
 * - Render: each page's load event in headless Chromium (Navigation Timing, measured by the page),
 *   against a plain page of the same size (one `<pre>` of text, no script, no style, no SVG).
 *
 * Prints medians and ratios; needs Chromium for the render part (`tests/_browser.ts` drives it).
 *
 * @example
 * ```sh
 * deno run -A scripts/bench_report.ts --runs 7 --jobs 1000
 * ```
 *
 * @module
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { median } from "./_bench/stats.ts";
import { openBrowser, whyNoBrowser } from "../tests/_browser.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: { runs: { type: "string", default: "7" }, jobs: { type: "string", default: "1000" } },
});
const runs = Number(values.runs);
const jobs = Number(values.jobs);
if (!(Number.isInteger(runs) && runs >= 1 && Number.isInteger(jobs) && jobs >= 1)) {
  console.error(`Pass whole numbers above 0 for --runs and --jobs`);
  Deno.exit(2);
}
const root = new URL("..", import.meta.url).pathname;
const main = join(root, "main.ts");
const session = join(root, "fixtures/cassettes/2.1.337/session_tape.ndjson");
const dir = await Deno.makeTempDir({ prefix: "claw-bench-report-" });

try {
  const results = join(dir, "results.jsonl");
  await Deno.writeTextFile(
    results,
    Array.from({ length: jobs }, (_, i) =>
      JSON.stringify({
        id: `job-${i + 1}`,
        status: i % 20 === 19 ? "failed" : "ok",
        error_kind: i % 20 === 19 ? "rate_limit" : null,
        error_message: i % 20 === 19 ? "Rate limited" : null,
        result: `Answer ${i + 1}`,
        cost_usd: 0.001 + (i % 7) * 0.0003,
        duration_ms: 800 + (i % 13) * 120,
        attempts: 1 + (i % 9 === 0 ? 1 : 0),
        turns: 1,
        usage: { input_tokens: 10, output_tokens: 5 },
        line: i + 1,
      })).join("\n") + "\n",
  );
  const time = async (args: string[]) => {
    const started = performance.now();
    const out = await new Deno.Command(Deno.execPath(), { args, stdout: "null", stderr: "piped" })
      .output();
    if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
    return performance.now() - started;
  };
  const variants = {
    "claw inspect --json (session)": ["run", "-A", main, "inspect", "--json", session],
    "claw report (session)": ["run", "-A", main, "report", session, "-o", join(dir, "s.html")],
    [`claw report (${jobs} jobs)`]: [
      "run",
      "-A",
      main,
      "report",
      results,
      "-o",
      join(dir, "b.html"),
    ],
  };
  const made: Record<string, number[]> = {};
  for (let round = 0; round < runs + 1; round++) {
    for (const [label, args] of Object.entries(variants)) {
      const ms = await time(args);
      if (round > 0) (made[label] ??= []).push(ms); // the first round warms the cache
    }
  }
  console.log(`claw report, ${runs} alternating rounds (deno ${Deno.version.deno})`);
  const floor = median(made["claw inspect --json (session)"]!);
  for (const [label, times] of Object.entries(made)) {
    const ms = median(times);
    console.log(
      `  ${label.padEnd(32)} ${ms.toFixed(0).padStart(6)} ms   ${(ms / floor).toFixed(2)}× inspect`,
    );
  }

  const why = whyNoBrowser();
  if (why) {
    console.log(`render: skipped (${why})`);
  } else {
    const pages = [join(dir, "s.html"), join(dir, "b.html")];
    const plain = async (page: string) => {
      const bytes = (await Deno.stat(page)).size;
      const path = `${page}.plain.html`;
      await Deno.writeTextFile(path, `<!doctype html><pre>${"x".repeat(bytes)}</pre>`);
      return path;
    };
    const plains = await Promise.all(pages.map(plain));
    await using browser = await openBrowser();
    const rendered: Record<string, number[]> = {};
    for (let round = 0; round < runs + 1; round++) {
      for (const path of [...pages, ...plains]) {
        const page = await browser.load(pathToFileURL(path).href);
        if (round > 0) (rendered[path] ??= []).push(page.renderMs);
        await page.close();
      }
    }
    console.log(`render in headless Chromium ${browser.version}: load event after navigation`);
    for (const [i, page] of pages.entries()) {
      const ms = median(rendered[page]!);
      const base = median(rendered[plains[i]!]!);
      const bytes = (await Deno.stat(page)).size;
      console.log(
        `  ${(i === 0 ? "session" : `${jobs} jobs`).padEnd(10)} ${bytes} bytes  ${
          ms.toFixed(0)
        } ms` +
          `   plain page of that size ${base.toFixed(0)} ms   ${(ms / base).toFixed(2)}×`,
      );
    }
  }
} finally {
  await Deno.remove(dir, { recursive: true });
}
