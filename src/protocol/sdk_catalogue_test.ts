// Every message kind the TypeScript Agent SDK released with the tested CLI declares is one claw
// types: the SDK's `sdk.d.ts` is read at test time from the cache `deno task setup` fills.
import { deepStrictEqual as assertEquals, ok } from "node:assert";
import { join } from "node:path";
import { PINNED_SDK_VERSION, pinnedSdkTypesPath } from "../../scripts/install_cli.ts";
import { KNOWN_EVENT_TYPES, KNOWN_SYSTEM_SUBTYPES } from "./decode.ts";

/** One member of the SDK's stdout message union: its `type` and its `subtype` literals. */
interface SdkKind {
  name: string;
  type: string;
  subtypes: string[];
}

/** The text of `declare type <name> = …;`, or `undefined`. */
function declaration(source: string, name: string): string | undefined {
  const start = source.search(new RegExp(`^(?:export )?declare type ${name} = `, "m"));
  if (start < 0) return undefined;
  const body = source.indexOf("=", start) + 1;
  let depth = 0;
  for (let index = body; index < source.length; index++) {
    const char = source[index];
    if (char === "{" || char === "(") depth++;
    else if (char === "}" || char === ")") depth--;
    else if (char === ";" && depth === 0) return source.slice(body, index).trim();
  }
  return undefined;
}

/** The properties of an object type's top level, without comments. */
function topLevel(body: string): string {
  const text = body.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "");
  let depth = 0;
  let out = "";
  for (const char of text) {
    if (char === "{") depth++;
    else if (char === "}") depth--;
    else if (depth === 1) out += char;
  }
  return out;
}

function literals(properties: string, key: string): string[] {
  const match = properties.match(new RegExp(`(?:^|[\\s;])${key}: ([^;]+);`));
  return match ? [...match[1]!.matchAll(/'([^']+)'/g)].map((m) => m[1]!) : [];
}

/** Resolves a union of type names to its object members, recursively. */
function kinds(source: string, name: string): SdkKind[] {
  const body = declaration(source, name);
  if (body === undefined) throw new Error(`No declaration of "${name}" in sdk.d.ts`);
  if (!body.startsWith("{")) {
    return body.split("|").map((member) => member.trim().replace(/^coreTypes\./, ""))
      .flatMap((member) => kinds(source, member));
  }
  const properties = topLevel(body);
  const [type, ...more] = literals(properties, "type");
  if (type === undefined || more.length > 0) {
    throw new Error(`"${name}" has no single string literal type in sdk.d.ts`);
  }
  return [{ name, type, subtypes: literals(properties, "subtype") }];
}

async function sdkTypes(): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(pinnedSdkTypesPath());
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

const source = await sdkTypes();
if (source === undefined) {
  console.warn(
    `Skipping the SDK catalogue tests: ${pinnedSdkTypesPath()} is missing; run deno task setup`,
  );
}

Deno.test({
  name: "every message type the pinned Agent SDK declares is a known event type",
  ignore: source === undefined,
  fn: async () => {
    const sdkPackage = join(pinnedSdkTypesPath(), "..", "package.json");
    assertEquals(JSON.parse(await Deno.readTextFile(sdkPackage)).version, PINNED_SDK_VERSION);
    const sdk = kinds(source!, "SDKMessage");
    ok(sdk.length >= 40, `the SDKMessage union has ${sdk.length} members`);
    const stdout = kinds(source!, "StdoutMessage");
    ok(stdout.length > sdk.length, "StdoutMessage adds the control protocol to SDKMessage");
    const missing = stdout.filter((kind) => !KNOWN_EVENT_TYPES.has(kind.type))
      .map((kind) => `${kind.name}: type "${kind.type}"`);
    assertEquals(missing, []);
  },
});

Deno.test({
  name: "every system subtype the pinned Agent SDK declares is a known system subtype",
  ignore: source === undefined,
  fn: () => {
    const system = kinds(source!, "SDKMessage").filter((kind) => kind.type === "system");
    ok(system.length >= 25, `${system.length} system members`);
    ok(system.every((kind) => kind.subtypes.length === 1), "one subtype literal per member");
    const missing = system.filter((kind) => !KNOWN_SYSTEM_SUBTYPES.has(kind.subtypes[0]!))
      .map((kind) => `${kind.name}: subtype "${kind.subtypes[0]}"`);
    assertEquals(missing, []);
  },
});
