import { deepStrictEqual } from "node:assert";
import { sequenceHunks } from "./_sequence_diff.ts";

Deno.test("sequenceHunks finds nothing between equal lists", () => {
  deepStrictEqual(sequenceHunks(["a", "b"], ["a", "b"]), []);
});

Deno.test("sequenceHunks names what was added at the start, with nothing before it", () => {
  deepStrictEqual(sequenceHunks(["b"], ["a", "b"]), [{ removed: [], added: ["a"] }]);
});

Deno.test("sequenceHunks keeps each hunk after the item both lists share before it", () => {
  deepStrictEqual(sequenceHunks(["i", "t", "u", "r"], ["i", "s", "t", "r", "e"]), [
    { before: "i", removed: [], added: ["s"] },
    { before: "t", removed: ["u"], added: [] },
    { before: "r", removed: [], added: ["e"] },
  ]);
});
