/**
 * What a folder of recorded runs printed, reduced to its shape: the line kinds on each stream and
 * the type of every field they carry, the control requests and responses both ways, `--help`'s
 * flags and subcommands, `auth status --json`'s fields, and every run's exit code. Two shapes are
 * compared by `compare.ts`.
 *
 * @module
 */
import { join } from "node:path";
import { readCassetteFile, stdoutText } from "../../src/cassette/cassette.ts";
import { decodeLine } from "../../src/protocol/decode.ts";
import type { StreamPayload } from "../../src/protocol/events.ts";
import { kindOf } from "../../src/session/summary.ts";

/** Field path → the JSON types seen there (`string`, `number`, `null`, `object`, `array`, …). */
export type Fields = Map<string, Set<string>>;

/** The shape of a corpus folder. */
export interface Shape {
  /**
   * Line kind → its fields. Kinds the CLI printed are `system/init`, `result/success`,
   * `stream_event:message_start`, `control_request/can_use_tool` (asked of the host),
   * `control_response/initialize` (its answer to the host's `initialize`); what the host wrote
   * is prefixed `stdin ` (`stdin control_request/initialize`, `stdin control_response/can_use_tool`).
   */
  kinds: Map<string, Fields>;
  /** The flags `claude --help` lists; `undefined` when the folder has no `cli/cli_help`. */
  flags?: Set<string>;
  /** The subcommands `claude --help` lists (aliases too). */
  subcommands?: Set<string>;
  /** The fields of `claude auth status --json`; `undefined` when it was not recorded. */
  authStatus?: Fields;
  /** Cassette name → the CLI's exit code. */
  exits: Map<string, number>;
  /** Lines claw could not decode, or kinds it does not know: `file:line: what`. */
  problems: string[];
}

/** How deep fields are followed: `message.usage.output_tokens` is depth 3. */
const MAX_DEPTH = 3;

/** The JSON type of `value`. */
function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

/** A key as a path segment: names stay, map keys (model names, ids, paths) become `*`. */
function segment(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? key : "*";
}

/** Adds the fields of `value` below `path` to `fields`. */
export function addFields(fields: Fields, value: unknown, path = "", depth = 0): void {
  const type = typeOf(value);
  if (path !== "") {
    const types = fields.get(path) ?? new Set<string>();
    types.add(type);
    fields.set(path, types);
  }
  if (depth === MAX_DEPTH) return;
  if (type === "object") {
    for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
      addFields(fields, inner, path === "" ? segment(key) : `${path}.${segment(key)}`, depth + 1);
    }
  } else if (type === "array") {
    for (const inner of value as unknown[]) addFields(fields, inner, `${path}[]`, depth + 1);
  }
}

function fieldsOf(shape: Shape, kind: string): Fields {
  const fields = shape.kinds.get(kind) ?? new Map<string, Set<string>>();
  shape.kinds.set(kind, fields);
  return fields;
}

/** The flags `--help` lists, and the subcommands of its `Commands:` section (aliases split). */
export function helpSurface(text: string): { flags: Set<string>; subcommands: Set<string> } {
  const flags = new Set(text.match(/--[a-z][a-z0-9-]*/g) ?? []);
  const subcommands = new Set<string>();
  const commands = text.split(/^Commands:$/m)[1] ?? "";
  for (const match of commands.matchAll(/^ {2}([a-z][\w-]*(?:\|[a-z][\w-]*)*)/gm)) {
    for (const name of match[1]!.split("|")) subcommands.add(name);
  }
  return { flags, subcommands };
}

function requestSubtype(line: Record<string, unknown>): string | undefined {
  const request = line.request as { subtype?: unknown } | undefined;
  return typeof request?.subtype === "string" ? request.subtype : undefined;
}

function answered(line: Record<string, unknown>): string | undefined {
  const id = (line.response as { request_id?: unknown } | undefined)?.request_id;
  return typeof id === "string" ? id : undefined;
}

/**
 * Reads every cassette of `dir` (and of its `cli/` folder) into a shape; with `only`, just the
 * cassettes of those step names.
 */
export async function shapeOf(dir: string, only?: ReadonlySet<string>): Promise<Shape> {
  const shape: Shape = { kinds: new Map(), exits: new Map(), problems: [] };
  for (const file of await cassetteFiles(dir)) {
    if (only && !only.has(stepName(file))) continue;
    await addCassette(shape, dir, file);
  }
  return shape;
}

/** `cli/cli_help.ndjson` → `cli_help`. */
function stepName(file: string): string {
  return file.replace(/^cli\//, "").replace(/\.ndjson$/, "");
}

async function cassetteFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const folder of ["", "cli"]) {
    try {
      for await (const entry of Deno.readDir(join(dir, folder))) {
        if (entry.isFile && entry.name.endsWith(".ndjson")) files.push(join(folder, entry.name));
      }
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  }
  return files.sort();
}

async function addCassette(shape: Shape, dir: string, file: string): Promise<void> {
  const cassette = await readCassetteFile(join(dir, file));
  const name = stepName(file);
  const stdout: string[] = [];
  // request_id → subtype, for each side's requests: an answer is named after what it answers.
  const asked = { host: new Map<string, string>(), cli: new Map<string, string>() };
  cassette.records.forEach((entry, index) => {
    if ("exit" in entry && entry.exit.code !== null) shape.exits.set(name, entry.exit.code);
    if ("stdin" in entry) {
      addStdinLine(shape, entry.stdin, asked);
      return;
    }
    if (!("stdout" in entry || "stdout_raw" in entry)) return;
    const text = stdoutText(entry);
    if (file.startsWith("cli/")) {
      stdout.push(text);
      return;
    }
    addStdoutLine(shape, `${file}:${index + 2}`, text, asked);
  });
  if (name === "cli_help") Object.assign(shape, helpSurface(stdout.join("\n")));
  if (name === "cli_auth_status") {
    shape.authStatus = new Map();
    addFields(shape.authStatus, JSON.parse(stdout.join("\n")));
  }
}

function addStdinLine(
  shape: Shape,
  text: string,
  asked: { host: Map<string, string>; cli: Map<string, string> },
): void {
  let line: Record<string, unknown>;
  try {
    line = JSON.parse(text);
  } catch {
    return;
  }
  let kind = String(line.type);
  const subtype = requestSubtype(line);
  if (line.type === "control_request" && subtype !== undefined) {
    asked.host.set(String(line.request_id), subtype);
    kind = `control_request/${subtype}`;
  } else if (line.type === "control_response") {
    kind = `control_response/${asked.cli.get(answered(line) ?? "") ?? "?"}`;
  }
  addFields(fieldsOf(shape, `stdin ${kind}`), line);
}

function addStdoutLine(
  shape: Shape,
  where: string,
  text: string,
  asked: { host: Map<string, string>; cli: Map<string, string> },
): void {
  const decoded = decodeLine({ text, lineNumber: 0, terminated: true, invalidUtf8: false });
  for (const item of decoded) {
    if (item.type === "diagnostic") {
      shape.problems.push(`${where}: ${item.kind}: ${item.message}`);
      return;
    }
    if (item.type === "unknown" || (item.type === "system" && item.subtype === "unknown")) {
      shape.problems.push(`${where}: unknown kind ${kindOf(item)}`);
    }
  }
  const line = JSON.parse(text) as Record<string, unknown>;
  let kind: string;
  if (line.type === "control_request") {
    const subtype = requestSubtype(line) ?? "?";
    asked.cli.set(String(line.request_id), subtype);
    kind = `control_request/${subtype}`;
  } else if (line.type === "control_response") {
    kind = `control_response/${asked.host.get(answered(line) ?? "") ?? "?"}`;
  } else if (line.type === "stream_event") {
    const payload = decoded[0]?.type === "stream_event"
      ? decoded[0].event as StreamPayload
      : undefined;
    kind = `stream_event:${payload?.type === "unknown" ? payload.originalType : payload?.type}`;
  } else {
    kind = decoded[0] ? kindOf(decoded[0]) : String(line.type);
  }
  addFields(fieldsOf(shape, kind), line);
}
