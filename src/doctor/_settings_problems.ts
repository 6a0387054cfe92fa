/**
 * The known fields of a Claude Code settings file, and what each CLI generation does when one is
 * wrong. Every effect below was observed by running the real CLIs (2.0.76 with `-p` against a
 * local API; 2.1.328 and 2.1.332 with `auth status`, 2.1.332 also with `-p`) on a settings file
 * holding a valid `apiKeyHelper` plus one wrong field: "file" means the helper was not used (the
 * whole file was ignored), "entry" that it was used and only the wrong field was dropped (2.1
 * mostly says "These settings entries were skipped" on stderr), "kept" that the file loaded with
 * the field as it was. A few effects were not probed but read from the CLIs' bundled schemas:
 * `statusLine.padding`, `cleanupPeriodDays: 0` under 2.0 (allowed), the hook types 2.0.76 lacks
 * (`http`, `mcp_tool`) and its list of hook events.
 *
 * @module
 */
import { fieldName, isRecord } from "./_json_file.ts";

/** A CLI generation with its own settings rules: before 2.1 (2.0.76) and 2.1 (2.1.328, 2.1.332). */
export type Generation = "2.0" | "2.1";

/**
 * What a generation does with a wrong field: ignores the `file`, skips only the `entry`, or
 * still loads the file with the field `kept` as it is.
 */
export type Effect = "file" | "entry" | "kept";

/** One wrong field. */
export interface SettingsProblem {
  /** The field's path, `permissions.allow` or `hooks.Stop[0].hooks[1].command`; `""` for the root. */
  field: string;
  /** What it must be, never quoting the value found: `must be an array of strings`. */
  message: string;
  /** What each generation does; a generation missing here accepts the field. */
  effects: Partial<Record<Generation, Effect>>;
}

const FILE = { "2.0": "file", "2.1": "file" } as const;
const ENTRY_IN_2_1 = { "2.0": "file", "2.1": "entry" } as const;
const KEPT = { "2.0": "kept", "2.1": "kept" } as const;

/** Permission modes both generations accept as `permissions.defaultMode`. */
const MODES = ["default", "acceptEdits", "plan", "bypassPermissions", "dontAsk"];
/** Modes of one generation only: 2.0.76 ignores a file naming "manual" or "auto", 2.1 "delegate". */
const MODES_ONLY_IN: Partial<Record<string, Generation>> = {
  manual: "2.1",
  auto: "2.1",
  delegate: "2.0",
};

/** Hook events 2.0.76 knows; it ignores a file naming any other. */
const EVENTS_2_0 = new Set([
  "PreToolUse",
  "PostToolUse",
  "PostToolUseFailure",
  "Notification",
  "UserPromptSubmit",
  "SessionStart",
  "SessionEnd",
  "Stop",
  "SubagentStart",
  "SubagentStop",
  "PreCompact",
  "PermissionRequest",
]);
/** Hook events 2.1.332 knows; it skips any other. */
const EVENTS_2_1 = new Set([
  ...EVENTS_2_0,
  "PostToolBatch",
  "UserPromptExpansion",
  "StopFailure",
  "PostCompact",
  "PreModelSwitch",
  "PostModelSwitch",
  "PermissionDenied",
  "Setup",
  "TeammateIdle",
  "TaskCreated",
  "TaskCompleted",
  "Elicitation",
  "ElicitationResult",
  "ConfigChange",
  "WorktreeCreate",
  "WorktreeRemove",
  "InstructionsLoaded",
  "CwdChanged",
  "FileChanged",
  "DirectoryAdded",
  "MessageDisplay",
  "PreSkillShellCommand",
]);
/** Events whose wrong hooks make 2.1 ignore the whole file rather than skip the hook. */
const FAIL_CLOSED_2_1 = new Set(["PreToolUse", "PermissionRequest", "PreSkillShellCommand"]);
/** Hook types of both generations, and of 2.1 only. */
const HOOK_TYPES = ["command", "prompt", "agent"];
const HOOK_TYPES_2_1 = ["http", "mcp_tool"];

const SERVER_NAME = /^[A-Za-z0-9_-]+$/;

type Add = (field: string, message: string, effects: SettingsProblem["effects"]) => void;

/**
 * Every wrong known field of a parsed settings file. Unknown top-level keys are not problems
 * (newer CLIs add keys).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { settingsProblems } from "./_settings_problems.ts";
 *
 * deepStrictEqual(settingsProblems({ permissions: { allow: "Bash" }, newKey: 1 }), [{
 *   field: "permissions.allow",
 *   message: "must be an array of strings",
 *   effects: { "2.0": "file", "2.1": "file" },
 * }]);
 * ```
 */
export function settingsProblems(settings: unknown): SettingsProblem[] {
  const problems: SettingsProblem[] = [];
  const add: Add = (field, message, effects) => problems.push({ field, message, effects });
  if (!isRecord(settings)) {
    add("", "must be a JSON object", FILE);
    return problems;
  }
  const has = (key: string) => Object.hasOwn(settings, key);
  for (const key of ["apiKeyHelper", "model", "outputStyle"]) {
    if (has(key) && typeof settings[key] !== "string") add(key, "must be a string", FILE);
  }
  for (const key of ["includeCoAuthoredBy", "enableAllProjectMcpServers"]) {
    if (has(key) && typeof settings[key] !== "boolean") add(key, "must be true or false", FILE);
  }
  if (has("cleanupPeriodDays")) cleanupProblems(settings.cleanupPeriodDays, add);
  if (has("forceLoginMethod")) loginMethodProblems(settings.forceLoginMethod, add);
  if (has("env")) envProblems(settings.env, add);
  if (has("permissions")) permissionProblems(settings.permissions, add);
  if (has("statusLine")) statusLineProblems(settings.statusLine, add);
  for (const key of ["enabledMcpjsonServers", "disabledMcpjsonServers"]) {
    if (has(key)) serverListProblems(key, settings[key], add);
  }
  if (has("hooks")) hookProblems(settings.hooks, add);
  return problems;
}

function cleanupProblems(days: unknown, add: Add) {
  if (typeof days !== "number" || !Number.isInteger(days) || days < 0) {
    add("cleanupPeriodDays", "must be a whole number of days", FILE);
  } else if (days === 0) add("cleanupPeriodDays", "must be 1 or more", { "2.1": "file" });
}

function loginMethodProblems(method: unknown, add: Add) {
  if (method === "claudeai" || method === "console") return;
  if (method === "gateway") {
    add("forceLoginMethod", 'must be "claudeai" or "console" before 2.1', { "2.0": "file" });
  } else {
    add("forceLoginMethod", 'must be "claudeai" or "console"', ENTRY_IN_2_1);
  }
}

function envProblems(env: unknown, add: Add) {
  if (!isRecord(env)) {
    add("env", "must be an object of strings", FILE);
    return;
  }
  for (const [name, value] of Object.entries(env)) {
    if (typeof value !== "string") add(fieldName("env", name), "must be a string", KEPT);
  }
}

function stringArrayProblems(
  field: string,
  value: unknown,
  add: Add,
  entries: SettingsProblem["effects"],
) {
  if (!Array.isArray(value)) {
    add(field, "must be an array of strings", FILE);
    return;
  }
  value.forEach((entry, index) => {
    if (typeof entry !== "string") add(`${field}[${index}]`, "must be a string", entries);
  });
}

function permissionProblems(permissions: unknown, add: Add) {
  if (!isRecord(permissions)) {
    add("permissions", "must be an object", FILE);
    return;
  }
  for (const key of ["allow", "deny", "ask"]) {
    if (Object.hasOwn(permissions, key)) {
      stringArrayProblems(`permissions.${key}`, permissions[key], add, ENTRY_IN_2_1);
    }
  }
  if (Object.hasOwn(permissions, "additionalDirectories")) {
    stringArrayProblems(
      "permissions.additionalDirectories",
      permissions.additionalDirectories,
      add,
      FILE,
    );
  }
  if (Object.hasOwn(permissions, "defaultMode")) {
    const mode = permissions.defaultMode;
    const only = typeof mode === "string" && Object.hasOwn(MODES_ONLY_IN, mode)
      ? MODES_ONLY_IN[mode]
      : undefined;
    if (only) {
      add(
        "permissions.defaultMode",
        `is "${mode}", a mode only Claude Code ${only} knows`,
        only === "2.0" ? { "2.1": "file" } : { "2.0": "file" },
      );
    } else if (typeof mode !== "string" || !MODES.includes(mode)) {
      add(
        "permissions.defaultMode",
        `must be one of ${MODES.map((m) => `"${m}"`).join(", ")}`,
        FILE,
      );
    }
  }
}

function statusLineProblems(statusLine: unknown, add: Add) {
  if (!isRecord(statusLine)) {
    add("statusLine", 'must be an object like { "type": "command", "command": "…" }', FILE);
    return;
  }
  if (statusLine.type !== "command") add("statusLine.type", 'must be "command"', FILE);
  if (typeof statusLine.command !== "string") add("statusLine.command", "must be a string", FILE);
  if (Object.hasOwn(statusLine, "padding") && typeof statusLine.padding !== "number") {
    add("statusLine.padding", "must be a number", FILE);
  }
}

function serverListProblems(field: string, value: unknown, add: Add) {
  if (typeof value === "string" && SERVER_NAME.test(value)) {
    // 2.1 reads a lone server name as a list of one; 2.0.76 ignores the file.
    add(field, "must be an array of strings", { "2.0": "file", "2.1": "kept" });
    return;
  }
  stringArrayProblems(field, value, add, FILE);
}

function hookProblems(hooks: unknown, add: Add) {
  if (!isRecord(hooks)) {
    add("hooks", "must be an object of hook events", ENTRY_IN_2_1);
    return;
  }
  for (const [event, matchers] of Object.entries(hooks)) {
    const field = fieldName("hooks", event);
    if (!EVENTS_2_1.has(event)) {
      add(field, "is not a hook event", ENTRY_IN_2_1);
      continue;
    }
    if (!EVENTS_2_0.has(event)) {
      add(field, "is a hook event only Claude Code 2.1 knows", { "2.0": "file" });
    }
    const effects: SettingsProblem["effects"] = {
      ...(EVENTS_2_0.has(event) ? { "2.0": "file" } : {}),
      "2.1": FAIL_CLOSED_2_1.has(event) ? "file" : "entry",
    };
    if (!Array.isArray(matchers)) {
      add(field, 'must be an array of { "matcher"?, "hooks" } objects', effects);
      continue;
    }
    matchers.forEach((matcher, index) =>
      matcherProblems(`${field}[${index}]`, matcher, add, effects)
    );
  }
}

function matcherProblems(
  field: string,
  matcher: unknown,
  add: Add,
  effects: SettingsProblem["effects"],
) {
  if (!isRecord(matcher)) {
    add(field, 'must be an object with "hooks"', effects);
    return;
  }
  if (Object.hasOwn(matcher, "matcher") && typeof matcher.matcher !== "string") {
    add(`${field}.matcher`, "must be a string", effects);
  }
  if (!Array.isArray(matcher.hooks)) {
    add(`${field}.hooks`, "must be an array of hooks", effects);
    return;
  }
  matcher.hooks.forEach((hook, index) => {
    const at = `${field}.hooks[${index}]`;
    if (!isRecord(hook)) {
      add(at, "must be an object", effects);
      return;
    }
    const type = hook.type;
    if (typeof type !== "string" || ![...HOOK_TYPES, ...HOOK_TYPES_2_1].includes(type)) {
      add(
        `${at}.type`,
        `must be one of ${[...HOOK_TYPES, ...HOOK_TYPES_2_1].map((t) => `"${t}"`).join(", ")}`,
        effects,
      );
      return;
    }
    if (HOOK_TYPES_2_1.includes(type) && effects["2.0"]) {
      add(`${at}.type`, `is "${type}", a hook type only Claude Code 2.1 knows`, { "2.0": "file" });
    }
    if (type !== "command") return;
    if (typeof hook.command !== "string") add(`${at}.command`, "must be a string", effects);
    if (Object.hasOwn(hook, "timeout") && typeof hook.timeout !== "number") {
      add(`${at}.timeout`, "must be a number of seconds", effects);
    }
  });
}
