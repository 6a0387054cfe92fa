/**
 * The headless-Chromium driver (`tests/_browser.ts`) sees what the report tests rely on: requests
 * made offline, console errors and exceptions, rendered text, timing, screenshots, printing,
 * keyboard focus, colour-scheme emulation, and no Chromium process left behind. One browser for
 * the file; skipped, saying why, where there is no Chromium (`.ci/run` installs it).
 */
import { deepStrictEqual, ok as assert, strictEqual } from "node:assert";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { ProcessMarker } from "../src/process/_process_marker.ts";
import { openBrowser, whyNoBrowser } from "./_browser.ts";

const SKIP = Deno.build.os === "linux"
  ? whyNoBrowser()
  : "the test finds Chromium's processes in /proc (Linux)";
if (SKIP !== undefined) console.log(`tests/browser_driver_test.ts skipped: ${SKIP}`);

/** A 1×1 PNG. */
const PIXEL = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42m" +
  "NkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

Deno.test({
  name: "the browser driver records requests, errors, text, timing, keys and colour scheme",
  ignore: SKIP !== undefined,
  async fn(t) {
    const dir = await Deno.makeTempDir({ prefix: "claw-browser-test-" });
    const marker = new ProcessMarker();
    let pgid = 0;
    /** Writes `html` to `<dir>/<name>` and returns its file URL. */
    const page = async (name: string, html: string) => {
      await Deno.writeTextFile(join(dir, name), html);
      return pathToFileURL(join(dir, name)).href;
    };
    try {
      {
        await using browser = await openBrowser({ marker });
        pgid = browser.pid;
        assert(marker.pids().includes(browser.pid), "Chromium carries the process marker");
        // Its zygotes and renderers overwrite their environment with their title (so the marker
        // does not find them) but stay in the browser's process group.
        assert(liveInGroup(pgid).length > 3, `group ${pgid}: ${liveInGroup(pgid)}`);

        await t.step("a clean page: no other request, no error, visible text, a PNG", async () => {
          const url = await page(
            "clean.html",
            `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Clean</title>
<style>body { font: 16px sans-serif; } .tall { height: 1500px; }</style></head>
<body><h1>Hello report</h1><div class="tall">Visible paragraph</div>
<script type="application/json" id="data">{"secret": "HIDDEN_JSON_TEXT"}</script>
<script>
  const { secret } = JSON.parse(document.getElementById("data").textContent);
  document.querySelector("h1").after(Object.assign(document.createElement("p"), {
    textContent: "Secret has " + secret.length + " letters",
  }));
</script></body></html>`,
          );
          const loaded = await browser.load(url);
          deepStrictEqual(loaded.otherRequests, []);
          deepStrictEqual(loaded.consoleErrors, []);
          const text = await loaded.visibleText();
          assert(text.includes("Hello report"), text);
          assert(text.includes("Secret has 16 letters"), text);
          assert(!text.includes("HIDDEN_JSON_TEXT"), text);
          assert(loaded.renderMs > 0 && loaded.renderMs < 60_000, `renderMs ${loaded.renderMs}`);
          const png = join(dir, "shots", "clean.png");
          await loaded.screenshot(png);
          const bytes = await Deno.readFile(png);
          deepStrictEqual([...bytes.subarray(0, 8)], PNG_SIGNATURE);
          // The whole page, not the 900 px viewport: a PNG's height is at byte 20 (IHDR).
          const height = new DataView(bytes.buffer, bytes.byteOffset).getUint32(20);
          assert(height > 1500, `screenshot height ${height}`);
          strictEqual(await loaded.evaluate("innerHeight"), 900, "the viewport is restored");
          assert(await loaded.printToPdf() > 1000, "the page prints");
          await loaded.close();
        });

        await t.step("console.error and an uncaught exception are both reported", async () => {
          const url = await page(
            "errors.html",
            `<!doctype html><title>Errors</title><p>text</p>
<script>console.log("fine"); console.error("boom"); throw new Error("kaboom");</script>`,
          );
          const loaded = await browser.load(url);
          const errors = loaded.consoleErrors;
          strictEqual(errors.length, 2, errors.join("\n"));
          strictEqual(errors[0], "boom");
          assert(errors[1]?.startsWith("Error: kaboom"), errors[1]);
          deepStrictEqual(
            loaded.consoleMessages.filter(({ source }) => source === "console"),
            [
              { source: "console", type: "log", text: "fine" },
              { source: "console", type: "error", text: "boom" },
            ],
          );
          await loaded.close();
        });

        await t.step("offline, requests are recorded and fail before the network", async () => {
          let hits = 0;
          await using server = Deno.serve(
            { hostname: "127.0.0.1", port: 0, onListen() {} },
            () => (hits++, new Response("no")),
          );
          const local = `http://127.0.0.1:${server.addr.port}/y.png`;
          const url = await page(
            "offline.html",
            `<!doctype html><title>Offline</title>
<img src="http://127.0.0.1:9/x.png" alt=""><img src="${local}" alt="">
<script>
  window.fetched = fetch("https://example.com/")
    .then(() => "reached", (error) => "failed: " + error.message);
</script>`,
          );
          const loaded = await browser.load(url);
          strictEqual(await loaded.evaluate("window.fetched"), "failed: Failed to fetch");
          const wanted = ["http://127.0.0.1:9/x.png", local, "https://example.com/"];
          deepStrictEqual(loaded.otherRequests.toSorted(), wanted.toSorted());
          deepStrictEqual(loaded.requests.filter((request) => !wanted.includes(request)), [url]);
          deepStrictEqual(
            loaded.failedRequests.map(({ url }) => url).toSorted(),
            wanted.toSorted(),
          );
          assert(
            loaded.failedRequests.every(({ error }) => error === "net::ERR_INTERNET_DISCONNECTED"),
            JSON.stringify(loaded.failedRequests),
          );
          assert(loaded.consoleErrors.length > 0, "the failed loads are logged as errors");
          strictEqual(hits, 0, "nothing reached the network");
          await loaded.close();
        });

        await t.step("data: URLs are requests too; a CSP violation is an error", async () => {
          const url = await page(
            "csp.html",
            `<!doctype html><title>CSP</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:">
<link rel="stylesheet" href="https://cdn.example/x.css"><img src="${PIXEL}" alt="">`,
          );
          const loaded = await browser.load(url);
          const css = "https://cdn.example/x.css";
          deepStrictEqual(loaded.otherRequests.toSorted(), [PIXEL, css].toSorted());
          deepStrictEqual(loaded.failedRequests, [{ url: css, error: "csp" }]);
          strictEqual(loaded.consoleErrors.length, 1, loaded.consoleErrors.join("\n"));
          assert(loaded.consoleErrors[0]?.includes("Content Security Policy"));
          strictEqual(await loaded.evaluate("document.images[0].naturalWidth"), 1);
          await loaded.close();
        });

        await t.step("the keyboard moves focus and presses a button", async () => {
          const url = await page(
            "keys.html",
            `<!doctype html><title>Keys</title><p>Not focusable</p>
<button id="go" onclick="window.clicks = (window.clicks ?? 0) + 1">Go</button>`,
          );
          const loaded = await browser.load(url);
          strictEqual(await loaded.evaluate("document.activeElement.id"), "");
          await loaded.keyboard("Tab");
          strictEqual(await loaded.evaluate("document.activeElement.id"), "go");
          await loaded.keyboard("Enter");
          strictEqual(await loaded.evaluate("window.clicks"), 1);
          await loaded.keyboard(" ");
          strictEqual(await loaded.evaluate("window.clicks"), 2);
          await loaded.close();
        });

        await t.step("prefers-color-scheme is emulated", async () => {
          const url = await page(
            "scheme.html",
            `<!doctype html><title>Scheme</title>
<script>window.darkAtLoad = matchMedia("(prefers-color-scheme: dark)").matches;</script>`,
          );
          const dark = await browser.load(url, { colorScheme: "dark" });
          strictEqual(await dark.evaluate("window.darkAtLoad"), true);
          await dark.close();
          const light = await browser.load(url, { colorScheme: "light" });
          strictEqual(await light.evaluate("window.darkAtLoad"), false);
          await light.close();
        });

        await t.step("an exception in evaluate is thrown with its description", async () => {
          const loaded = await browser.load(await page("blank.html", "<!doctype html><p>x"));
          const error = await loaded.evaluate("null.x").catch((error: unknown) => error);
          assert(error instanceof Error && error.message.includes("TypeError"), String(error));
          await loaded.close();
        });
      }
      await marker.assertNoneLeft(3000);
      const deadline = Date.now() + 3000;
      while (liveInGroup(pgid).length > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      deepStrictEqual(liveInGroup(pgid), [], "Chromium's process group is empty");
    } finally {
      marker.killAll();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

/** The processes of group `pgid` that are alive (not zombies). */
function liveInGroup(pgid: number): number[] {
  const found: number[] = [];
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const stat = Deno.readTextFileSync(`/proc/${entry.name}/stat`);
      // pid (comm) state ppid pgrp …; comm may hold spaces and parentheses
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(") ") + 2).split(" ");
      if (Number(pgrp) === pgid && state !== "Z") found.push(Number(entry.name));
    } catch {
      // exited while we looked
    }
  }
  return found;
}
