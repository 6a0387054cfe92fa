/**
 * `claw report` in a real browser: each kind of page, made from real runs of the pinned CLIs
 * (live against the fake API, or recorded in the fixture corpus by claw's recorder), loads from a
 * `file://` URL in headless Chromium with the network off, makes no request, shows no console
 * error or exception, and its visible text gives the numbers `claw inspect --json` or the results
 * file give. Render time is measured inside the browser; a screenshot of each page is kept in
 * `.cache/report-screenshots/`. Skipped, saying why, where there is no Chromium (`.ci/run`
 * installs it).
 */
import { deepStrictEqual, ok as assert, strictEqual } from "node:assert";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { FakeScript } from "../src/fake_api/script.ts";
import { ProcessMarker } from "../src/process/_process_marker.ts";
import { findSessionFile } from "../src/session/store.ts";
import { count, usd } from "../src/report/_format.ts";
import { type Browser, type LoadedPage, openBrowser, whyNoBrowser } from "./_browser.ts";
import { ECHO, place } from "./_batch.ts";
import { claw } from "./_claw.ts";
import { tempFolder } from "./_session.ts";
import {
  hasCli,
  NEWEST_PINNED_CLI,
  offline,
  OLDEST_PINNED_CLI,
  pinnedCliPath,
} from "./_offline.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const SHOTS = join(ROOT, ".cache", "report-screenshots");
const VERSIONS = [NEWEST_PINNED_CLI, OLDEST_PINNED_CLI].filter(hasCli);
const SKIP = Deno.build.os !== "linux"
  ? "the browser tests find Chromium's processes in /proc (Linux)"
  : whyNoBrowser() ?? (VERSIONS.length === 0 ? "no pinned CLI: run deno task setup" : undefined);
if (SKIP !== undefined) console.log(`tests/report_test.ts skipped: ${SKIP}`);

/** A run with one tool call: the Bash tool echoes, then the model answers. */
const TOOL_SCRIPT: FakeScript = {
  replies: [
    {
      content: [{ type: "text", text: "Checking." }, {
        type: "tool_use",
        name: "Bash",
        input: { command: "echo tool-output-7" },
      }],
    },
    { content: [{ type: "text", text: "All done: {{prompt}}" }] },
  ],
  when_exhausted: "repeat_last",
};

/** What a test reads off a loaded report. */
interface Seen {
  page: LoadedPage;
  /** The key numbers, label → value, as rendered. */
  facts: Record<string, string>;
  /** The whole page's rendered text. */
  text: string;
}

/**
 * Loads the report at `path` offline, checks it made no request and printed no error, keeps a
 * screenshot as `shot`.png, and returns what it shows.
 */
async function view(browser: Browser, path: string, shot: string): Promise<Seen> {
  const page = await browser.load(pathToFileURL(path).href);
  deepStrictEqual(page.otherRequests, [], `${shot}: the page made no request`);
  deepStrictEqual(page.consoleErrors, [], `${shot}: no console error or exception`);
  assert(page.renderMs > 0, `${shot}: the load event was timed`);
  await page.screenshot(join(SHOTS, `${shot}.png`), 2400);
  const bytes = (await Deno.stat(path)).size;
  console.log(
    `${shot}: ${bytes} bytes, load event ${page.renderMs.toFixed(0)} ms after navigation`,
  );
  const facts = await page.evaluate<Record<string, string>>(
    `Object.fromEntries([...document.querySelectorAll("dl.facts dt")].map((dt) => [dt.innerText.trim(), dt.nextElementSibling.innerText.trim()]))`,
  );
  return { page, facts, text: await page.visibleText() };
}

/** `claw …` with the process marker, failing with its output unless it exits `code`. */
async function clawOk(args: string[], env: Record<string, string>, code = 0) {
  const out = await claw(args, { env });
  strictEqual(out.code, code, `claw ${args.join(" ")}:\n${out.stderr}`);
  return out;
}

/** The `tool_use` blocks of the assistant lines of `events` (a subagent's included). */
function toolCalls(events: readonly Record<string, unknown>[]): number {
  return events.filter((event) => event.type === "assistant")
    .flatMap((event) => (event.message as { content?: { type: string }[] }).content ?? [])
    .filter((block) => block.type === "tool_use").length;
}

function jsonLines(text: string): Record<string, unknown>[] {
  return text.split("\n").filter((line) => line.trim().startsWith("{")).map((line) =>
    JSON.parse(line)
  );
}

for (const version of VERSIONS) {
  Deno.test({
    name: `a run report and a session report of claude ${version} show what claw inspect says`,
    ignore: SKIP !== undefined,
    async fn() {
      const marker = new ProcessMarker();
      await using off = await offline(TOOL_SCRIPT);
      await using dir = await tempFolder("claw-report-test-");
      const env = { ...off.vars(version), ...marker.env };
      const runArgs = [
        "run",
        "--cli",
        pinnedCliPath(version),
        "--permission-mode",
        "bypassPermissions",
      ];
      const first = await clawOk([...runArgs, "--output", "stream-json", "Look around"], env);
      const transcript = join(dir.path, "run.ndjson");
      await Deno.writeTextFile(transcript, first.stdout);
      const inspect = JSON.parse((await clawOk(["inspect", "--json", transcript], env)).stdout);
      const sessionId = inspect.sessions[0] as string;
      await clawOk([...runArgs, "--resume", sessionId, "And again"], env);

      const runPage = join(dir.path, "run.html");
      const written = JSON.parse(
        (await clawOk(["report", transcript, "-o", runPage, "--json"], env)).stdout,
      );
      strictEqual(written.kind, "run");
      const sessionPage = join(dir.path, "session.html");
      await clawOk(["report", sessionId, "-o", sessionPage], env);
      {
        await using browser = await openBrowser({ marker });
        const run = await view(browser, runPage, `run-${version}`);
        strictEqual(run.facts["Turns"], count(inspect.results.length));
        strictEqual(run.facts["Total cost"], usd(inspect.results.at(-1).total_cost_usd));
        strictEqual(run.facts["Tool calls"], count(toolCalls(jsonLines(first.stdout))));
        strictEqual(run.facts["CLI version"], inspect.cli_version);
        strictEqual(run.facts["Model"], inspect.model);
        assert(run.text.includes("All done:"), "the final result is shown");

        const session = await view(browser, sessionPage, `session-${version}`);
        strictEqual(session.facts["Turns"], "2", "one turn per prompt of the stored session");
        const stored = jsonLines(
          await Deno.readTextFile(await findSessionFile(sessionId, { env: { HOME: off.home } })),
        );
        strictEqual(session.facts["Tool calls"], count(toolCalls(stored)));
        assert(session.text.includes("Look around") && session.text.includes("And again"));
        strictEqual(session.facts["Session"], sessionId);
        strictEqual(session.facts["Model"], inspect.model);
        strictEqual(session.facts["Total cost"], "unknown", "a stored session says no cost");
      }
      await marker.assertNoneLeft(15_000);
    },
  });
}

/** The corpus cassette of `version` with the most results: its longest session. */
async function longestSession(version: string): Promise<string> {
  const dir = join(ROOT, "fixtures", "cassettes", version);
  let best = { path: "", results: -1 };
  for await (const entry of Deno.readDir(dir)) {
    if (!entry.name.endsWith(".ndjson")) continue;
    const path = join(dir, entry.name);
    const results = (await Deno.readTextFile(path)).split('"type":"result"').length - 1;
    if (results > best.results || (results === best.results && path < best.path)) {
      best = { path, results };
    }
  }
  return best.path;
}

Deno.test({
  name: "a cassette report of each CLI's longest recorded session: numbers, size and render time",
  ignore: SKIP !== undefined,
  async fn() {
    const marker = new ProcessMarker();
    await using dir = await tempFolder("claw-report-test-");
    {
      await using browser = await openBrowser({ marker });
      for (const version of VERSIONS) {
        const cassette = await longestSession(version);
        const inspect = JSON.parse(
          (await clawOk(["inspect", "--json", cassette], marker.env)).stdout,
        );
        const stdout = jsonLines(await Deno.readTextFile(cassette)).flatMap((record) =>
          record.stdout ? [record.stdout as Record<string, unknown>] : []
        );
        const path = join(dir.path, `cassette-${version}.html`);
        await clawOk(["report", cassette, "-o", path], marker.env);
        const bytes = (await Deno.stat(path)).size;
        assert(bytes < 2_000_000, `${cassette}: ${bytes} bytes, under 2 MB`);
        const seen = await view(browser, path, `cassette-${version}`);
        assert(seen.page.renderMs < 1000, `rendered in ${seen.page.renderMs} ms, under a second`);
        strictEqual(seen.facts["Turns"], count(inspect.results.length), cassette);
        const costs = inspect.results.map((result: { total_cost_usd: number }) =>
          result.total_cost_usd
        );
        strictEqual(seen.facts["Total cost"], usd(Math.max(0, ...costs)), cassette);
        strictEqual(seen.facts["Tool calls"], count(toolCalls(stdout)), cassette);
      }
    }
    await marker.assertNoneLeft(15_000);
  },
});

Deno.test({
  name: "a miss report sets the run beside the nearest cassette, for each CLI's corpus",
  ignore: SKIP !== undefined,
  async fn() {
    const marker = new ProcessMarker();
    await using dir = await tempFolder("claw-report-test-");
    {
      await using browser = await openBrowser({ marker });
      for (const version of VERSIONS) {
        const cassettes = join(ROOT, "fixtures", "cassettes", version);
        const argv = ["-p", "--output-format=stream-json", "--verbose", "--", "Say something new"];
        const missed = await clawOk(
          ["replay", "--cassettes", cassettes, "--", ...argv],
          marker.env,
          1,
        );
        const output = join(dir.path, `miss-${version}.txt`);
        await Deno.writeTextFile(output, missed.stderr);
        const nearest = /the nearest is "([^"]+)"/.exec(missed.stderr)?.[1];
        assert(nearest, missed.stderr);
        const path = join(dir.path, `miss-${version}.html`);
        await clawOk(["report", output, cassettes, "-o", path], marker.env);
        const seen = await view(browser, path, `miss-${version}`);
        strictEqual(seen.facts["Nearest cassette"], nearest);
        strictEqual(seen.facts["Differing argv entries"], "1");
        const differing = await seen.page.evaluate<string[]>(
          `[...document.querySelectorAll("tr.differs")].map((row) => row.innerText)`,
        );
        strictEqual(differing.length, 1);
        assert(differing[0]!.includes("Say something new"), differing[0]);
      }
    }
    await marker.assertNoneLeft(15_000);
  },
});

/** Copies of the recorded cassette `from` as job `id`'s (its header names the job), in `dir`. */
async function copyAs(from: string, id: string, dir: string): Promise<void> {
  const text = await Deno.readTextFile(from);
  const end = text.indexOf("\n");
  const header = { ...JSON.parse(text.slice(0, end)), job_id: id };
  await Deno.writeTextFile(join(dir, `${id}.ndjson`), JSON.stringify(header) + text.slice(end));
}

for (const version of VERSIONS) {
  Deno.test({
    name:
      `a batch report of 1,000 jobs replayed from claude ${version}: counts, failed ids, size, render time, keyboard, themes, print`,
    ignore: SKIP !== undefined,
    async fn() {
      // Four jobs recorded from the real CLI (three answered, one refused by the API), then 1,000
      // jobs replayed from copies of their cassettes (made by code: each copy's header names its job).
      await using ok = await place([ECHO]);
      await using refusing = await place([{
        status: 400,
        error: { type: "invalid_request_error", message: "Refused on purpose by the test" },
      }]);
      const recorded = join(ok.dir, "recorded");
      const okJobs = await ok.jobs(3);
      strictEqual(
        (await ok.batch(version, [
          "run",
          okJobs,
          "-o",
          join(ok.dir, "r.jsonl"),
          "--record",
          recorded,
        ]))
          .code,
        0,
      );
      const failJobs = join(refusing.dir, "fail.jsonl");
      await Deno.writeTextFile(
        failJobs,
        JSON.stringify({ id: "refused", prompt: "Token refused" }) + "\n",
      );
      const failed = await refusing.batch(version, [
        "run",
        failJobs,
        "-o",
        join(refusing.dir, "r.jsonl"),
        "--record",
        recorded,
        "--retries",
        "0",
      ]);
      strictEqual(failed.code, 1, failed.stderr);

      const replay = join(ok.dir, "replay");
      await Deno.mkdir(replay);
      const lines: string[] = [];
      for (let i = 1; i <= 1000; i++) {
        const id = `job-${String(i).padStart(4, "0")}`;
        const source = i % 20 === 0 ? "refused" : `job-0${1 + (i % 3)}`;
        lines.push(JSON.stringify({ id, prompt: `Token ${source}` }));
        await copyAs(join(recorded, `${source}.ndjson`), id, replay);
      }
      const jobs = join(ok.dir, "jobs-1000.jsonl");
      await Deno.writeTextFile(jobs, lines.join("\n") + "\n");
      const report = join(ok.dir, "batch.html");
      const results = join(ok.dir, "results.jsonl");
      const run = await ok.batch(version, [
        "run",
        jobs,
        "-o",
        results,
        "--replay",
        replay,
        "--report",
        report,
        "--retries",
        "0",
        "--concurrency",
        "8",
      ]);
      strictEqual(run.code, 1, run.stderr);
      const written = jsonLines(await Deno.readTextFile(results));
      strictEqual(written.length, 1000);
      const notOk = written.filter((result) => result.status !== "ok").map((result) =>
        String(result.id)
      );
      strictEqual(notOk.length, 50);
      const bytes = (await Deno.stat(report)).size;
      assert(bytes < 2_000_000, `the report is ${bytes} bytes, under 2 MB`);

      {
        await using browser = await openBrowser({ marker: ok.marker });
        const seen = await view(browser, report, `batch-1000-${version}`);
        assert(seen.page.renderMs < 1000, `rendered in ${seen.page.renderMs} ms, under a second`);
        strictEqual(seen.facts["Jobs"], "1,000");
        strictEqual(seen.facts["Not ok"], "50");
        const cost = written.reduce((sum, result) => sum + Number(result.cost_usd), 0);
        strictEqual(seen.facts["Total cost"], usd(cost));
        const failedSection = await seen.page.evaluate<string>(
          `document.getElementById("failed").innerText`,
        );
        for (const id of notOk) assert(failedSection.includes(id), `${id} is listed as not ok`);

        // The keyboard sorts the jobs table: Tab to the Cost header's button, Enter.
        const sorted = await seen.page.evaluate<string>(`(() => {
        const button = [...document.querySelectorAll("#every-job th button")]
          .find((b) => b.textContent.includes("Cost"));
        button.focus();
        return document.activeElement === button ? "focused" : "not focused";
      })()`);
        strictEqual(sorted, "focused");
        await seen.page.keyboard("Enter");
        const sort = await seen.page.evaluate<string | null>(`(() => {
        const header = [...document.querySelectorAll("#every-job th")]
          .find((th) => th.textContent.includes("Cost"));
        return header.getAttribute("aria-sort");
      })()`);
        assert(sort === "ascending" || sort === "descending", `aria-sort is ${sort}`);
        const costs = await seen.page.evaluate<number[]>(`(() => {
        const column = [...document.querySelectorAll("#every-job th")]
          .findIndex((th) => th.textContent.includes("Cost"));
        return [...document.querySelectorAll("#every-job tbody tr")]
          .map((row) => Number(row.cells[column].getAttribute("data-value")));
      })()`);
        const ordered = costs.toSorted((a, b) => sort === "ascending" ? a - b : b - a);
        deepStrictEqual(costs, ordered, "the rows moved into cost order");

        // The filter keeps the rows that match.
        const shown = await seen.page.evaluate<number>(`(async () => {
        const input = document.querySelector('input[type="search"]');
        input.value = "refused";
        input.dispatchEvent(new Event("input", { bubbles: true }));
        await new Promise((resolve) => setTimeout(resolve, 500));
        return [...document.querySelectorAll("#every-job tbody tr")].filter((row) => !row.hidden && row.style.display !== "none").length;
      })()`);
        strictEqual(shown, 50, "the filter keeps the 50 refused jobs");
        assert(await seen.page.printToPdf() > 1000, "the page prints");
        const folded = await seen.page.evaluate<number>(`(() => {
        dispatchEvent(new Event("beforeprint"));
        return document.querySelectorAll("details:not([open])").length;
      })()`);
        strictEqual(folded, 0, "printing opens every folded part");

        const dark = await browser.load(pathToFileURL(report).href, { colorScheme: "dark" });
        deepStrictEqual(dark.consoleErrors, []);
        const backgrounds = await Promise.all(
          [seen.page, dark].map((page) =>
            page.evaluate<string>(`getComputedStyle(document.body).color`)
          ),
        );
        assert(
          backgrounds[0] !== backgrounds[1],
          `light and dark differ: ${backgrounds.join(" / ")}`,
        );
        await dark.screenshot(join(SHOTS, `batch-1000-dark-${version}.png`), 2400);
      }
    },
  });
}

/** Every 12-character piece of `secret` that `text` holds. */
function pieces(secret: string, text: string): string[] {
  const found: string[] = [];
  for (let i = 0; i + 12 <= secret.length; i++) {
    if (text.includes(secret.slice(i, i + 12))) found.push(secret.slice(i, i + 12));
  }
  return found;
}

Deno.test({
  name: "secrets planted in the prompt, a tool's result and the environment never reach a report",
  ignore: !hasCli(NEWEST_PINNED_CLI),
  async fn() {
    const token = Array.from(
      crypto.getRandomValues(new Uint8Array(20)),
      (b) => b.toString(16).padStart(2, "0"),
    ).join("");
    const key = `sk-ant-api03-${crypto.randomUUID().replaceAll("-", "")}`;
    const marker = new ProcessMarker();
    await using off = await offline({
      replies: [
        {
          content: [{ type: "text", text: "Checking {{prompt}}" }, {
            type: "tool_use",
            name: "Bash",
            input: { command: `echo the token is ${token}` },
          }],
        },
        { content: [{ type: "text", text: "Done." }] },
      ],
      when_exhausted: "repeat_last",
    });
    await using dir = await tempFolder("claw-report-test-");
    const env = { ...off.vars(NEWEST_PINNED_CLI), ...marker.env, CLAW_SERVICE_TOKEN: token };
    const ran = await clawOk([
      "run",
      "--cli",
      pinnedCliPath(NEWEST_PINNED_CLI),
      "--permission-mode",
      "bypassPermissions",
      "--output",
      "stream-json",
      `Use ${token} and ${key}`,
    ], env);
    assert(ran.stdout.includes(token) && ran.stdout.includes(key), "the transcript holds both");
    const transcript = join(dir.path, "run.ndjson");
    await Deno.writeTextFile(transcript, ran.stdout);
    const sessionId = JSON.parse(ran.stdout.split("\n")[0]!).session_id as string;
    // A results file and a miss holding the secrets too (written by code, as a batch and a
    // replay would write them).
    const results = join(dir.path, "results.jsonl");
    await Deno.writeTextFile(
      results,
      JSON.stringify({
        id: "a",
        status: "failed",
        error_kind: "auth",
        error_message: `Bad ${key}`,
        result: `Used ${token}`,
        cost_usd: 0,
        duration_ms: 1,
        attempts: 1,
        turns: 1,
      }) + "\n",
    );
    const miss = join(dir.path, "miss.txt");
    const corpus = join(ROOT, "fixtures/cassettes/2.1.332");
    await Deno.writeTextFile(
      miss,
      `error[cassette_miss]: No cassette in "${corpus}" matches this run (key k2:x): the nearest is "text_simple.ndjson", which differs at argv[4]: recorded "Say hello", this run "Use ${token}"\nhint: record it\n`,
    );
    const inputs = [[transcript], [sessionId], [results], [miss, corpus]];
    for (const [index, input] of inputs.entries()) {
      const page = `page-${index}.html`;
      const path = join(dir.path, page);
      await clawOk(["report", ...input, "-o", path], env);
      const html = await Deno.readTextFile(path);
      deepStrictEqual(pieces(token, html), [], `${page}: no piece of the planted token`);
      deepStrictEqual(pieces(key, html), [], `${page}: no piece of the planted API key`);
      assert(html.includes("[REDACTED_SECRET]"), page);
    }
    await marker.assertNoneLeft(15_000);
  },
});

Deno.test({
  name: "--open hands the written page to the system's opener, and a failing opener only warns",
  ignore: Deno.build.os !== "linux",
  async fn() {
    // A stand-in xdg-open (a real one would start a browser no test can see): it records its
    // argument, or fails.
    await using dir = await tempFolder("claw-report-test-");
    const bin = join(dir.path, "bin");
    await Deno.mkdir(bin);
    const opened = join(dir.path, "opened.txt");
    const opener = join(bin, "xdg-open");
    const cassette = join(ROOT, "fixtures/cassettes/2.1.332/text_simple.ndjson");
    const env = { PATH: `${bin}:${Deno.env.get("PATH")}` };
    await Deno.writeTextFile(opener, `#!/bin/sh\nprintf '%s' "$1" > ${opened}\n`, { mode: 0o755 });
    const page = join(dir.path, "page.html");
    await clawOk(["report", cassette, "-o", page, "--open"], env);
    strictEqual(await Deno.readTextFile(opened), page);
    await Deno.writeTextFile(opener, "#!/bin/sh\nexit 3\n", { mode: 0o755 });
    const failing = await clawOk(["report", cassette, "-o", page, "--open"], env);
    assert(
      failing.stderr.includes(`warning: cannot open "${page}" (xdg-open exited 3)`),
      failing.stderr,
    );
  },
});
