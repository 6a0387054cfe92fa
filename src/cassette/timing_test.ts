import { deepStrictEqual as assertEquals, throws } from "node:assert";
import { parseTiming, replayAt } from "./timing.ts";

Deno.test("parseTiming reads instant (the default), recorded and factors", () => {
  assertEquals(
    [undefined, "", "instant", "recorded", "0.5", "2", "0"].map(parseTiming),
    ["instant", "instant", "instant", "recorded", 0.5, 2, 0],
  );
});

Deno.test("an invalid timing is a TypeError that says what is accepted", () => {
  for (const text of ["fast", "-1", "NaN", "Infinity", "recorded "]) {
    throws(() => parseTiming(text), (error: unknown) =>
      error instanceof TypeError &&
      error.message ===
        `Invalid replay timing "${text}": use instant, recorded, or a factor such as 0.5`);
  }
});

Deno.test("replayAt plays everything at once, at the recorded time, or scaled", () => {
  assertEquals([replayAt(500, "instant"), replayAt(500, "recorded"), replayAt(500, 0.5)], [
    0,
    500,
    250,
  ]);
  assertEquals(replayAt(500, 2), 1000);
});
