import { deepStrictEqual as assertEquals, ok } from "node:assert";
import { lookupModel } from "./model_registry.ts";
import registry from "./models.json" with { type: "json" };

Deno.test("aliases resolve to the models Claude Code 2.1.332 sends", () => {
  const ids = Object.fromEntries(
    ["opus", "sonnet", "haiku", "opusplan", "best", "fable", "default"].map((alias) => [
      alias,
      lookupModel(alias)?.id,
    ]),
  );
  assertEquals(ids, {
    opus: "claude-opus-5-5",
    sonnet: "claude-sonnet-5-5",
    haiku: "claude-haiku-5-5",
    opusplan: "claude-sonnet-5-5",
    best: "claude-opus-5-5",
    fable: "claude-fable-5-2",
    default: "claude-opus-5-5",
  });
});

Deno.test("a model is found by its id with or without a date, in any case and provider spelling", () => {
  for (
    const name of [
      "claude-sonnet-4-5",
      "claude-sonnet-4-5-20250929",
      " Claude-Sonnet-4-5 ",
      "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
      "anthropic.claude-sonnet-4-5",
      "claude-sonnet-4-5@20250929",
    ]
  ) {
    assertEquals(lookupModel(name)?.apiId, "claude-sonnet-4-5-20250929", name);
  }
  assertEquals(lookupModel("claude-sonnet-4-20250514")?.id, "claude-sonnet-4-0");
  assertEquals(lookupModel("claude-sonnet-4")?.id, "claude-sonnet-4-0");
  assertEquals(lookupModel("claude-opus-4")?.id, "claude-opus-4-0");
  assertEquals(lookupModel("claude-3-7-sonnet-latest")?.id, "claude-3-7-sonnet");
  assertEquals(lookupModel("claude-3-5-sonnet-20240620")?.id, "claude-3-5-sonnet");
});

Deno.test("a model's window, long window and max output tokens come from the data file", () => {
  assertEquals(lookupModel("claude-sonnet-4-5"), {
    id: "claude-sonnet-4-5",
    apiId: "claude-sonnet-4-5-20250929",
    displayName: "Sonnet 4.5",
    contextWindow: 200_000,
    longContextWindow: 1_000_000,
    maxOutputTokens: 64_000,
    aliases: [],
  });
  assertEquals(lookupModel("claude-opus-4-1")?.maxOutputTokens, 32_000);
  assertEquals(lookupModel("opus")?.contextWindow, 1_000_000);
});

Deno.test("the [1m] suffix gives the 1M-token window only to a model that has one", () => {
  assertEquals(lookupModel("claude-sonnet-4-5[1m]")?.contextWindow, 1_000_000);
  assertEquals(lookupModel("claude-sonnet-4-5-20250929[1M]")?.contextWindow, 1_000_000);
  assertEquals(lookupModel("sonnet[1m]")?.contextWindow, 1_000_000);
  assertEquals(lookupModel("claude-3-5-haiku[1m]")?.contextWindow, 200_000);
});

Deno.test("an unknown model is undefined, never a guess", () => {
  for (const name of ["", "gpt-4", "claude-sonnet-9", "sonnet-ish", "[1m]", "my-proxy/opus"]) {
    assertEquals(lookupModel(name), undefined, name);
  }
});

Deno.test("an alias never names a smaller window than the model Claude Code 2.0.76 sends for it", () => {
  // What 2.0.76 sent for each alias, logged from its requests to a local server.
  const older: Record<string, string> = {
    opus: "claude-opus-4-5-20251101",
    sonnet: "claude-sonnet-4-5-20250929",
    haiku: "claude-haiku-4-5-20251001",
    opusplan: "claude-sonnet-4-5-20250929",
    default: "claude-sonnet-4-5-20250929",
  };
  for (const [alias, id] of Object.entries(older)) {
    ok(lookupModel(alias)!.contextWindow >= lookupModel(id)!.contextWindow, alias);
  }
});

Deno.test("the data file says where its numbers come from and holds consistent models", () => {
  ok(registry.source.includes("Claude Code 2.1.332"));
  ok(/^\d{4}-\d{2}-\d{2}$/.test(registry.updated));
  const names = registry.models.flatMap((model) => [
    ...new Set([
      model.id,
      model.apiId,
      ...model.aliases,
      ...("otherIds" in model ? model.otherIds : []),
    ]),
  ]);
  assertEquals(new Set(names).size, names.length, "every name means one model");
  for (const model of registry.models) {
    ok(Number.isSafeInteger(model.contextWindow) && model.contextWindow > 0, model.id);
    ok(model.maxOutputTokens > 0 && model.maxOutputTokens < model.contextWindow, model.id);
    if ("longContextWindow" in model) ok(model.longContextWindow > model.contextWindow, model.id);
  }
});
