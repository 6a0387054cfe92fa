/** The tmux driver for terminal end-to-end tests: keys in, screen out, exit status, clean-up. */
import { deepStrictEqual as assertEquals, ok, rejects } from "node:assert";
import { hasTmux, shellQuote, TmuxSession } from "./_tmux.ts";

const ignore = !hasTmux();
if (ignore) console.log("tmux_driver_test: skipped, tmux is not on PATH or does not run");

function test(name: string, fn: () => Promise<void>, options: { linuxOnly?: boolean } = {}) {
  Deno.test({
    name,
    ignore: ignore || (options.linuxOnly === true && Deno.build.os !== "linux"),
    fn,
  });
}

/** Whether `pid` is a live process (not a zombie). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z /.test(Deno.readTextFileSync(`/proc/${pid}/stat`));
  } catch {
    return false;
  }
}

/** Whether a tmux server answers on `socket`. */
async function serverUp(socket: string): Promise<boolean> {
  const { success } = await new Deno.Command("tmux", {
    args: ["-L", socket, "ls"],
    stdout: "null",
    stderr: "null",
  }).output();
  return success;
}

Deno.test("shellQuote survives quotes, spaces and dollars", () => {
  assertEquals(shellQuote("it's"), `'it'\\''s'`);
  assertEquals(shellQuote(""), "''");
});

test("type, sendKeys, waitFor and screen drive a prompt", async () => {
  await using tmux = await TmuxSession.start([
    "sh",
    "-c",
    'printf "name? "; read n; echo "hi $n"; printf "> "; read x; printf "> "; read y',
  ]);
  await tmux.waitFor("name? ");
  await tmux.type("bob");
  await tmux.sendKeys("Enter");
  await tmux.waitFor("hi bob");
  await tmux.waitFor(/> /);
  await tmux.type("one");
  await tmux.sendKeys("Enter");
  const text = await tmux.waitFor(/> /, { count: 2 });
  assertEquals(text, "name? bob\nhi bob\n> one\n> ");
  assertEquals(await tmux.screen(), "name? bob\nhi bob\n> one\n> ");
});

test("argv is quoted safely; env, cwd and size reach the program, the test's env does not", async () => {
  const cwd = await Deno.makeTempDir({ prefix: "claw-tmux-" });
  Deno.env.set("CLAW_TMUX_LEAK_CHECK", "leaked");
  try {
    await using tmux = await TmuxSession.start(
      [
        "sh",
        "-c",
        `printf '%s|' "$@"; echo; echo "foo=$FOO leak=$CLAW_TMUX_LEAK_CHECK term=$TERM"; pwd; stty size; read x`,
        "sh",
        "it's",
        "$HOME",
        "a  b",
        `"; echo pwned`,
      ],
      { cwd, env: { FOO: "bar baz" }, width: 50, height: 12 },
    );
    await tmux.waitFor("12 50");
    assertEquals((await tmux.screen()).split("\n"), [
      `it's|$HOME|a  b|"; echo pwned|`,
      "foo=bar baz leak= term=xterm-256color",
      await Deno.realPath(cwd),
      "12 50",
    ]);
    await tmux.sendKeys("Enter");
    assertEquals(await tmux.exited(), 0);
  } finally {
    Deno.env.delete("CLAW_TMUX_LEAK_CHECK");
    await Deno.remove(cwd, { recursive: true });
  }
});

test("C-c reaches the program as SIGINT", async () => {
  await using tmux = await TmuxSession.start([
    "sh",
    "-c",
    'trap "echo got-int" INT; echo ready; while true; do sleep 0.1; done',
  ]);
  await tmux.waitFor("ready");
  await tmux.sendKeys("C-c");
  await tmux.waitFor("got-int");
  await tmux.sendKeys("C-c");
  await tmux.waitFor("got-int", { count: 2 });
});

test("C-d ends input and exited() reports the exit status", async () => {
  await using cat = await TmuxSession.start(["cat"]);
  await cat.type("hello");
  await cat.sendKeys("Enter");
  await cat.waitFor("hello", { count: 2 }); // the terminal's echo, then cat's
  await cat.sendKeys("C-d");
  assertEquals(await cat.exited(), 0);

  // Output is read before the exit: tmux may drop what a program writes as it exits.
  await using failing = await TmuxSession.start(["sh", "-c", "echo bye; read x; exit 3"]);
  await failing.waitFor("bye");
  await failing.sendKeys("Enter");
  assertEquals(await failing.exited(), 3);
  assertEquals(await failing.screen({ history: true }), "bye", "no 'Pane is dead' line");

  await using killed = await TmuxSession.start(["sh", "-c", "kill -9 $$"]);
  assertEquals(await killed.exited(), undefined);
});

test("waitFor and exited time out with the screen in the error", async () => {
  await using tmux = await TmuxSession.start(["sh", "-c", "echo still-here; sleep 30"]);
  await tmux.waitFor("still-here");
  await rejects(tmux.waitFor("never", { timeoutMs: 200 }), /never[\s\S]*still-here/);
  await rejects(tmux.exited({ timeoutMs: 200 }), /still running[\s\S]*still-here/);
});

test("dispose kills the server and the program, even one that ignores SIGHUP", async () => {
  const tmux = await TmuxSession.start([
    "sh",
    "-c",
    'trap "" HUP; echo ready; while true; do sleep 0.1; done',
  ]);
  await tmux.waitFor("ready");
  const pid = await tmux.pid();
  ok(alive(pid), "the program runs");
  ok(await serverUp(tmux.socket), "the server answers");
  await tmux[Symbol.asyncDispose]();
  ok(!(await serverUp(tmux.socket)), "the server is gone");
  ok(!alive(pid), `program ${pid} outlived dispose`);
  const children = [...Deno.readDirSync("/proc")]
    .filter((entry) => /^\d+$/.test(entry.name) && alive(Number(entry.name)))
    .filter((entry) => {
      try {
        return Deno.readTextFileSync(`/proc/${entry.name}/cmdline`).includes(tmux.socket);
      } catch {
        return false;
      }
    });
  assertEquals(children, [], "no process mentions the socket");
  await tmux[Symbol.asyncDispose](); // a second dispose is harmless
}, { linuxOnly: true }); // reads /proc
