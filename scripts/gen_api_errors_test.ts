import { deepStrictEqual as assertEquals, ok } from "node:assert";
import { API_ERRORS } from "../src/cassette/_api_errors.ts";
import { API_ERROR_KINDS } from "../src/cassette/faults.ts";
import { API_ERRORS_MODULE, apiErrorsModule } from "./gen_api_errors.ts";
import { PINNED_CLI_VERSIONS } from "./install_cli.ts";

const ROOT = new URL("..", import.meta.url).pathname;

Deno.test("src/cassette/_api_errors.ts is what scripts/gen_api_errors.ts makes of the corpus now", async () => {
  const committed = await Deno.readTextFile(`${ROOT}${API_ERRORS_MODULE}`);
  ok(
    committed === await apiErrorsModule(),
    `${API_ERRORS_MODULE} is stale: run deno task gen:faults`,
  );
});

Deno.test("every pinned version has every API error kind, ending in a failed result", () => {
  assertEquals(Object.keys(API_ERRORS), [...PINNED_CLI_VERSIONS]);
  for (const version of PINNED_CLI_VERSIONS) {
    assertEquals(Object.keys(API_ERRORS[version]!), [...API_ERROR_KINDS]);
    for (const kind of API_ERROR_KINDS) {
      const { stdout, code } = API_ERRORS[version]![kind];
      const lines = stdout.map((line) => JSON.parse(line));
      assertEquals(lines.at(-1).type, "result", `${version} ${kind}`);
      assertEquals(lines.at(-1).is_error, true, `${version} ${kind}`);
      ok(lines.every((line) => line.subtype !== "init"), `${version} ${kind}: no init line`);
      assertEquals(code, 1);
    }
  }
});
