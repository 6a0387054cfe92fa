/** Reading the YAML examples (`examples/`) in tests, strictly. */
import { deepStrictEqual } from "node:assert";
// Test-only package: it comes from tests/imports.json (deno task test|check), not deno.json.
import { parseAllDocuments } from "yaml";

const root = new URL("..", import.meta.url);

/**
 * The documents of the YAML file at `path` (relative to the checkout), as plain values; any YAML
 * error or warning, or a key given twice, fails.
 */
export async function readYaml(path: string): Promise<unknown[]> {
  const text = await Deno.readTextFile(new URL(path, root));
  return parseAllDocuments(text, { prettyErrors: true, uniqueKeys: true }).map((document) => {
    const problems = [...document.errors, ...document.warnings].map((e) => e.message);
    deepStrictEqual(problems, [], `${path} is not valid YAML`);
    return document.toJS() as unknown;
  });
}
