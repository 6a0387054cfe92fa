/** `claw fake-api --json` as a program reads it: the first stdout line says where it listens. */
import { deepStrictEqual as assertEquals, match } from "node:assert";
import { join } from "node:path";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

Deno.test("claw fake-api --json prints {url, port} as its first line, serves there, and exits 0 on SIGTERM", async () => {
  const dir = await Deno.makeTempDir({ prefix: "claw-fake-api-json-" });
  try {
    const script = join(dir, "script.json");
    await Deno.writeTextFile(script, '{"replies":[{"content":[{"type":"text","text":"hi"}]}]}');
    const server = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", MAIN, "fake-api", "--json", "--script", script],
      stdout: "piped",
      stderr: "piped",
      env: { NO_COLOR: "1" },
    }).spawn();
    const lines = server.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    while (!text.includes("\n")) {
      const { value, done } = await lines.read();
      if (done) break;
      text += value;
    }
    const report = JSON.parse(text.split("\n")[0]!);
    assertEquals(Object.keys(report), ["url", "port"]);
    assertEquals(report.url, `http://127.0.0.1:${report.port}`);
    const reply = await fetch(`${report.url}/v1/nothing-here`);
    assertEquals(reply.status, 404);
    await reply.body?.cancel();
    server.kill("SIGTERM");
    await lines.cancel();
    const status = await server.status;
    const stderr = await new Response(server.stderr).text();
    assertEquals(status.code, 0, stderr);
    match(stderr, /^Served 1 request\(s\)\n$/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
