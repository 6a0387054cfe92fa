/** Reading the YAML examples (`examples/`) in tests, strictly, and the steps of their workflows. */
import { deepStrictEqual, fail } from "node:assert";
// Test-only packages: they come from tests/imports.json (deno task test|check), not deno.json.
import { parseAllDocuments } from "yaml";
import { z } from "zod";

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

/** One step of a GitHub Actions job. */
export const Step = z.object({
  name: z.string().optional(),
  uses: z.string().optional(),
  run: z.string().optional(),
  if: z.string().optional(),
  with: z.record(z.string(), z.unknown()).optional(),
  env: z.record(z.string(), z.string()).optional(),
});
/** One step of a GitHub Actions job. */
export type Step = z.infer<typeof Step>;

/** The step of `steps` that uses `action` (any version). */
export function stepUsing(steps: Step[], action: string): Step {
  return steps.find((step) => step.uses?.split("@")[0] === action) ??
    fail(`No step uses ${action}`);
}

/** The step of `steps` whose `run` holds `text`. */
export function stepRunning(steps: Step[], text: string): Step {
  return steps.find((step) => step.run?.includes(text)) ?? fail(`No step runs "${text}"`);
}
