import { ok as assert, strictEqual } from "node:assert";
import { checkBaseUrl } from "./base_url_check.ts";

Deno.test("base url check is ok when unset or set to the default", () => {
  for (
    const env of [{}, { ANTHROPIC_BASE_URL: "" }, {
      ANTHROPIC_BASE_URL: "https://api.anthropic.com/",
    }]
  ) {
    const check = checkBaseUrl({ env });
    strictEqual(check.id, "base_url");
    strictEqual(check.status, "ok", check.detail);
    assert(check.detail.includes("https://api.anthropic.com"));
  }
});

Deno.test("base url check warns of a custom base URL and says so", () => {
  const check = checkBaseUrl({ env: { ANTHROPIC_BASE_URL: "https://gateway.corp:8443" } });
  strictEqual(check.status, "warn");
  assert(
    check.detail.startsWith("Custom base URL: ANTHROPIC_BASE_URL is https://gateway.corp:8443"),
  );
  assert(check.fix?.startsWith("Unset ANTHROPIC_BASE_URL"));
  assert(!check.detail.includes("plain http"), "https is not plain http");
});

Deno.test("base url check notes plain http to a remote host but not to localhost", () => {
  const remote = checkBaseUrl({ env: { ANTHROPIC_BASE_URL: "http://gateway.corp" } });
  assert(remote.detail.includes("over plain http"), remote.detail);
  const local = checkBaseUrl({ env: { ANTHROPIC_BASE_URL: "http://127.0.0.1:4000" } });
  strictEqual(local.status, "warn");
  assert(!local.detail.includes("plain http"), local.detail);
});

Deno.test("base url check fails a value the CLI cannot use", () => {
  const noScheme = checkBaseUrl({ env: { ANTHROPIC_BASE_URL: "api.anthropic.com" } });
  strictEqual(noScheme.status, "fail");
  assert(noScheme.detail.includes('"API Error: Invalid URL"'));
  const ftp = checkBaseUrl({ env: { ANTHROPIC_BASE_URL: "ftp://files.corp" } });
  strictEqual(ftp.status, "fail");
  assert(ftp.detail.includes("ftp://files.corp"));
});

Deno.test("base url check never prints credentials, the path or the query", () => {
  const check = checkBaseUrl({
    env: { ANTHROPIC_BASE_URL: "https://u:SECRETVALUE@gw.corp/SECRETVALUE/v1?key=SECRETVALUE" },
  });
  strictEqual(check.status, "warn");
  assert(check.detail.includes("https://gw.corp (path not shown)"), check.detail);
  assert(!check.detail.includes("SECRETVALUE"), check.detail);
});
