// The run options of one job line: known fields only, each of the type the run expects.

import { PERMISSION_MODES } from "../process/options.ts";
import { _closest } from "./_closest.ts";
import { _show } from "./_show.ts";
import type { JobOptions } from "./job.ts";

/** What a field's value must be, or `undefined` when `value` is fine. */
type Requirement = (value: unknown) => string | undefined;

const text: Requirement = (value) => typeof value === "string" ? undefined : "a string";
const name: Requirement = (value) =>
  typeof value === "string" && value.trim() !== "" ? undefined : "a non-empty string";
const strings: Requirement = (value) =>
  Array.isArray(value) && value.every((item) => typeof item === "string")
    ? undefined
    : 'an array of strings, like ["Read"]';
const number: Requirement = (value) => typeof value === "number" ? undefined : "a number";
const schema: Requirement = (value) =>
  typeof value === "object" && value !== null && !Array.isArray(value)
    ? undefined
    : 'a JSON Schema object, like {"type": "object"}';

const REQUIREMENTS: Record<keyof JobOptions, Requirement> = {
  model: name,
  fallbackModel: name,
  cwd: name,
  allowedTools: strings,
  disallowedTools: strings,
  tools: strings,
  maxTurns: number,
  maxBudgetUsd: number,
  jsonSchema: schema,
  systemPrompt: text,
  appendSystemPrompt: text,
  permissionMode: name,
  resume: name,
  addDirs: strings,
  settings: name,
  mcpConfig: strings,
  timeoutMs: number,
};

/**
 * The {@linkcode JobOptions} among `fields` (a parsed job line; `id` and `prompt` are skipped), or
 * what is wrong: a field not in `known` (naming the one it likely meant) or a value of the wrong
 * type. A `null` value leaves the option unset. Ranges are left to `validateRunOptions`.
 */
export function _checkJobOptions(
  fields: Record<string, unknown>,
  known: readonly string[],
): JobOptions | string {
  const options: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(fields)) {
    if (field === "id" || field === "prompt") continue;
    const requirement = Object.hasOwn(REQUIREMENTS, field)
      ? REQUIREMENTS[field as keyof JobOptions]
      : undefined;
    if (requirement === undefined) {
      const meant = _closest(field, known);
      return meant === undefined
        ? `unknown field ${_show(field)}: a job takes ${known.join(", ")}`
        : `unknown field ${_show(field)}: did you mean ${_show(meant)}?`;
    }
    if (value === null) continue;
    const problem = requirement(value);
    if (problem !== undefined) return `invalid ${field} ${_show(value)}: it must be ${problem}`;
    options[field] = value;
  }
  const mode = options.permissionMode;
  if (typeof mode === "string" && !(PERMISSION_MODES as readonly string[]).includes(mode)) {
    const meant = _closest(mode, PERMISSION_MODES);
    const guess = meant === undefined ? "" : `; did you mean ${_show(meant)}?`;
    return `invalid permissionMode ${_show(mode)}: it must be one of ${
      PERMISSION_MODES.join(", ")
    }${guess}`;
  }
  return options as JobOptions;
}
