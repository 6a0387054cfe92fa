/**
 * The official TypeScript Agent SDK's whole surface, held against claw: every key of its
 * `Options`, every method of its `Query` and every function it exports (read from the pinned
 * SDK's `sdk.d.ts`) is a row of docs/sdk.md, mapped to a claw name that exists and is exercised
 * by the test file the row names, or marked not applicable with a reason. A key a new SDK adds
 * fails here, named. The SDK's functions are claw's from `.` or, for the stored sessions, from
 * `claw/sessions`.
 */
import { deepStrictEqual as assertEquals, ok } from "node:assert";
import { pinnedSdkTypesPath } from "../scripts/install_cli.ts";
import * as claw from "../src/mod.ts";
import * as sessions from "../src/session/sessions.ts";
import type { SessionOptions } from "../src/session/session_options.ts";

/** Every option `startSession()` takes (and `run()`, which takes a subset). */
const SESSION_OPTIONS = [
  "model",
  "fallbackModel",
  "permissionMode",
  "systemPrompt",
  "systemPromptFile",
  "appendSystemPrompt",
  "appendSystemPromptFile",
  "tools",
  "allowedTools",
  "disallowedTools",
  "maxTurns",
  "maxBudgetUsd",
  "mcpConfig",
  "strictMcpConfig",
  "jsonSchema",
  "includePartialMessages",
  "sessionId",
  "continue",
  "resume",
  "forkSession",
  "noSessionPersistence",
  "settingSources",
  "settings",
  "addDirs",
  "allowDangerouslySkipPermissions",
  "permissionPromptTool",
  "agents",
  "agent",
  "plugins",
  "skills",
  "betas",
  "effort",
  "thinking",
  "maxThinkingTokens",
  "debug",
  "debugFile",
  "resumeSessionAt",
  "resumeDropsTurn",
  "includeHookEvents",
  "forwardSubagentText",
  "taskBudget",
  "permissionPrompts",
  "projectConfigRoot",
  "sandbox",
  "extraArgs",
  "env",
  "inheritEnv",
  "hostEnv",
  "auth",
  "onToolUse",
  "onToolResult",
  "cli",
  "cwd",
  "signal",
  "timeoutMs",
  "startupTimeoutMs",
  "idleTimeoutMs",
  "exitTimeoutMs",
  "maxLineBytes",
  "enableFileCheckpointing",
  "stderr",
  "spawner",
  "onWarning",
  "preflight",
  "transport",
  "canUseTool",
  "hooks",
  "mcpServers",
  "onElicitation",
  "toolAliases",
  "title",
  "verbatimPrompts",
  "planModeInstructions",
  "controlTimeoutMs",
  "prewarm",
] as const satisfies readonly (keyof SessionOptions)[];

// Fails to type-check, naming the option, when SessionOptions gains one this list lacks.
type Unlisted = Exclude<keyof SessionOptions, typeof SESSION_OPTIONS[number]>;
const _everyOptionListed: [Unlisted] extends [never] ? true : Unlisted = true;

/** One part of the SDK's surface and the section of docs/sdk.md that maps it. */
interface Part {
  section: "Options" | "Query methods" | "Functions";
  names: string[];
  /** Whether `name` exists in claw as this part's kind of thing. */
  exists(name: string): boolean;
  /** How a test file that exercises `name` mentions it. */
  used(name: string): RegExp;
}

/** A row of docs/sdk.md. */
interface Row {
  sdk: string;
  claw: string | undefined;
  testedIn: string | undefined;
  notes: string;
}

/** `body` of `declare … <name> … { … }` without comments. */
function block(source: string, opening: string): string {
  const start = source.indexOf(opening);
  if (start < 0) throw new Error(`sdk.d.ts has no "${opening}"`);
  const end = source.indexOf("\n}", start);
  return source.slice(start, end).replace(/\/\*[\s\S]*?\*\//g, "");
}

function sdkSurface(source: string): Record<Part["section"], string[]> {
  return {
    "Options": [
      ...block(source, "export declare type Options = {").matchAll(/^ {4}(\w+)\??:/gm),
    ].map((match) => match[1]!),
    "Query methods": [
      ...block(source, "export declare interface Query extends").matchAll(/^ {4}(\w+)\(/gm),
    ].map((match) => match[1]!),
    "Functions": [...source.matchAll(/^export declare function (\w+)/gm)].map((match) => match[1]!),
  };
}

/** The rows of each `## Section` table of docs/sdk.md. */
function documented(markdown: string): Record<string, Row[]> {
  const sections: Record<string, Row[]> = {};
  let section: Row[] | undefined;
  for (const line of markdown.split("\n")) {
    const heading = /^## (.+)$/.exec(line);
    if (heading) sections[heading[1]!] = section = [];
    const cells = line.startsWith("| `") ? line.split("|").slice(1, -1) : undefined;
    if (!section || !cells) continue;
    const code = (cell: string | undefined) => /^`([^`]+)`$/.exec(cell?.trim() ?? "")?.[1];
    section.push({
      sdk: code(cells[0])!,
      claw: code(cells[1]),
      testedIn: code(cells[3]),
      notes: cells.slice(4).join("|").trim(),
    });
  }
  return sections;
}

const sdkTypes = await Deno.readTextFile(pinnedSdkTypesPath()).catch(() => undefined);
if (sdkTypes === undefined) {
  console.warn(
    `Skipping the SDK conformance test: ${pinnedSdkTypesPath()} is missing; run deno task setup`,
  );
}

Deno.test({
  name:
    "every option, Query method and function of the pinned Agent SDK is mapped to claw or explained in docs/sdk.md",
  ignore: sdkTypes === undefined,
  fn: async () => {
    const surface = sdkSurface(sdkTypes!);
    ok(surface.Options.length >= 60 && surface["Query methods"].length >= 25, "the SDK parsed");
    const docs = documented(await Deno.readTextFile(new URL("../docs/sdk.md", import.meta.url)));
    const session = claw.ClaudeSession.prototype as unknown as Record<string, unknown>;
    const parts: Part[] = [
      {
        section: "Options",
        names: surface.Options,
        exists: (name) => (SESSION_OPTIONS as readonly string[]).includes(name),
        used: (name) => new RegExp(`\\b${name}\\b`),
      },
      {
        section: "Query methods",
        names: surface["Query methods"],
        exists: (name) => typeof session[name] === "function",
        used: (name) => new RegExp(`\\.${name}\\(`),
      },
      {
        section: "Functions",
        names: surface.Functions,
        exists: (name) =>
          [claw, sessions].some((entry) =>
            typeof (entry as Record<string, unknown>)[name] === "function"
          ),
        used: (name) => new RegExp(`\\b${name}\\(`),
      },
    ];
    const problems: string[] = [];
    for (const part of parts) {
      const rows = docs[part.section] ?? [];
      const listed = rows.map((row) => row.sdk);
      for (const name of part.names) {
        if (!listed.includes(name)) {
          problems.push(`${part.section}: the SDK's "${name}" has no row`);
        }
      }
      for (const row of rows) {
        const where = `${part.section} "${row.sdk}"`;
        if (!part.names.includes(row.sdk)) problems.push(`${where}: the SDK has no such name`);
        if (listed.indexOf(row.sdk) !== listed.lastIndexOf(row.sdk)) {
          problems.push(`${where}: listed twice`);
        }
        if (row.claw === undefined) {
          if (row.notes === "") problems.push(`${where}: not mapped, and no reason given`);
          continue;
        }
        if (!part.exists(row.claw)) problems.push(`${where}: claw has no "${row.claw}"`);
        const test = row.testedIn === undefined
          ? undefined
          : await Deno.readTextFile(new URL(`../${row.testedIn}`, import.meta.url)).catch(() => "");
        if (!test) problems.push(`${where}: no test file "${row.testedIn ?? ""}"`);
        else if (!part.used(row.claw).test(test)) {
          problems.push(`${where}: ${row.testedIn} never uses "${row.claw}"`);
        }
      }
    }
    assertEquals(problems, []);
  },
});
