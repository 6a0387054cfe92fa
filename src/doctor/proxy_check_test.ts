import { ok as assert, strictEqual } from "node:assert";
import { checkProxy } from "./proxy_check.ts";

const CERT = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
const KEY = "-----BEGIN EC PRIVATE KEY-----\nMHc\n-----END EC PRIVATE KEY-----\n";

async function withDir(test: (dir: string) => void) {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/ca.pem`, CERT);
    await Deno.writeTextFile(`${dir}/client.key`, KEY);
    await Deno.writeTextFile(`${dir}/notes.txt`, "not a certificate");
    test(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("proxy check is ok when nothing is set", () => {
  const check = checkProxy({ env: { PATH: "/bin" } });
  strictEqual(check.id, "proxy");
  strictEqual(check.status, "ok");
  strictEqual(check.detail, "No proxy or TLS certificate variables are set");
});

Deno.test("proxy check shows a good proxy as scheme, host and port", () => {
  const check = checkProxy({
    env: { https_proxy: "http://proxy.corp:3128/", NO_PROXY: "localhost,.corp" },
  });
  strictEqual(check.status, "ok", check.detail);
  assert(check.detail.includes("https_proxy is http://proxy.corp:3128"), check.detail);
  assert(check.detail.includes("NO_PROXY lists 2 hosts"), check.detail);
  strictEqual(check.fix, undefined);
});

Deno.test("proxy check warns of a proxy that is not a URL or has no scheme", () => {
  const check = checkProxy({ env: { HTTP_PROXY: "proxy.corp:3128", ALL_PROXY: "::" } });
  strictEqual(check.status, "warn");
  assert(check.detail.includes("HTTP_PROXY has no http:// or https:// in front"), check.detail);
  assert(check.detail.includes("ALL_PROXY is not a URL"), check.detail);
  assert(check.fix?.includes("http://host:port"));
});

Deno.test("proxy check warns when the two spellings of a proxy variable differ", () => {
  const check = checkProxy({
    env: { HTTPS_PROXY: "http://a.corp:3128", https_proxy: "http://b.corp:3128" },
  });
  strictEqual(check.status, "warn");
  assert(check.detail.includes("HTTPS_PROXY and https_proxy differ"), check.detail);
});

Deno.test("proxy check warns of NO_PROXY entries that are URLs", () => {
  const check = checkProxy({ env: { no_proxy: "localhost, https://internal.corp/api" } });
  strictEqual(check.status, "warn");
  assert(
    check.detail.includes('no_proxy entry "https://internal.corp" is not a host name'),
    check.detail,
  );
  strictEqual(checkProxy({ env: { NO_PROXY: "10.0.0.0/8,*" } }).status, "ok");
});

Deno.test("proxy check accepts readable certificate and key files", async () => {
  await withDir((dir) => {
    const check = checkProxy({
      env: {
        NODE_EXTRA_CA_CERTS: `${dir}/ca.pem`,
        CLAUDE_CODE_CLIENT_CERT: `${dir}/ca.pem`,
        CLAUDE_CODE_CLIENT_KEY: `${dir}/client.key`,
        SSL_CERT_DIR: dir,
      },
    });
    strictEqual(check.status, "ok", check.detail);
    assert(check.detail.includes(`NODE_EXTRA_CA_CERTS is ${dir}/ca.pem (PEM certificate)`));
    assert(check.detail.includes(`CLAUDE_CODE_CLIENT_KEY is ${dir}/client.key (PEM private key)`));
  });
});

Deno.test("proxy check warns of certificate files that are missing or hold no certificate", async () => {
  await withDir((dir) => {
    const check = checkProxy({
      env: {
        NODE_EXTRA_CA_CERTS: `${dir}/missing.pem`,
        SSL_CERT_FILE: `${dir}/notes.txt`,
        CLAUDE_CODE_CLIENT_KEY: `${dir}/ca.pem`,
        SSL_CERT_DIR: `${dir}/nope:${dir}/notes.txt`,
        NODE_TLS_REJECT_UNAUTHORIZED: "0",
      },
    });
    strictEqual(check.status, "warn");
    assert(
      check.detail.includes(`NODE_EXTRA_CA_CERTS is ${dir}/missing.pem, which does not exist`),
    );
    assert(
      check.detail.includes(`SSL_CERT_FILE is ${dir}/notes.txt, which holds no PEM certificate`),
    );
    assert(
      check.detail.includes(
        `CLAUDE_CODE_CLIENT_KEY is ${dir}/ca.pem, which holds no PEM private key`,
      ),
    );
    assert(check.detail.includes(`SSL_CERT_DIR has ${dir}/nope, which does not exist`));
    assert(check.detail.includes(`SSL_CERT_DIR has ${dir}/notes.txt, which is not a folder`));
    assert(
      check.detail.includes("NODE_TLS_REJECT_UNAUTHORIZED=0 turns off TLS certificate checks"),
    );
  });
});

Deno.test("proxy check never prints a proxy's credentials, path or query, nor a key file's content", async () => {
  const secret = "SECRETVALUE";
  await withDir((dir) => {
    Deno.writeTextFileSync(`${dir}/client.key`, `${KEY}${secret}\n`);
    const check = checkProxy({
      env: {
        HTTPS_PROXY: `http://me:${secret}@proxy.corp:3128/${secret}?token=${secret}`,
        http_proxy: `me:${secret}@proxy.corp:3128`,
        ALL_PROXY: `socks5://${secret}@proxy.corp:1080`,
        NO_PROXY: `https://u:${secret}@internal.corp/${secret}`,
        CLAUDE_CODE_CLIENT_KEY: `${dir}/client.key`,
      },
    });
    assert(
      check.detail.includes("HTTPS_PROXY is http://proxy.corp:3128 (with credentials, not shown)"),
    );
    assert(check.detail.includes("ALL_PROXY is socks5://proxy.corp:1080"));
    for (const text of [check.detail, check.fix ?? ""]) assert(!text.includes(secret), text);
  });
});
