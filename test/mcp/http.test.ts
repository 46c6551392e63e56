// `cordon mcp --http` guards: a bearer token, an Origin and Host check and a body cap (the tools over HTTP are in
// tools.test.ts).
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cordon } from "../cli/spawn.js";
import { httpClient, httpServer } from "./client.js";

const TOKEN = "test-token-0123456789";
let server: Awaited<ReturnType<typeof httpServer>>;

beforeAll(async () => {
  server = await httpServer(["--token", TOKEN, "--timeout", "5s", "--max-body", "64kb"]);
});
afterAll(() => server?.stop());

function post(body: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(server.url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      authorization: `Bearer ${TOKEN}`,
      ...headers,
    },
    body,
  });
}

/** The status of an initialize POST whose Host header is `host` (fetch cannot set Host). */
function statusWithHost(host: string): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const req = request(
      server.url,
      {
        method: "POST",
        headers: {
          host,
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
          authorization: `Bearer ${TOKEN}`,
        },
      },
      (res) => {
        res.resume();
        resolve(res.statusCode);
      },
    );
    req.on("error", reject);
    req.end(INITIALIZE);
  });
}

const INITIALIZE = JSON.stringify({
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "1" } },
});

describe("cordon mcp --http", () => {
  it("refuses a missing or wrong token with 401", async () => {
    await expect(httpClient(server.url)).rejects.toThrow();
    await expect(httpClient(server.url, "wrong-token-0123456789")).rejects.toThrow();
    const r = await post(INITIALIZE, { authorization: "Bearer nope" });
    expect(r.status).toBe(401);
    expect(r.headers.get("www-authenticate")).toBe("Bearer");
    expect((await post(INITIALIZE)).status).toBe(200);
  });

  it("refuses a foreign Origin and a Host that is not loopback (DNS rebinding)", async () => {
    const foreign = await post(INITIALIZE, { origin: "http://evil.example" });
    expect(foreign.status).toBe(403);
    expect((await post(INITIALIZE, { origin: "http://localhost:3000" })).status).toBe(200);
    const port = new URL(server.url).port;
    expect(await statusWithHost(`evil.example:${port}`)).toBe(403);
    expect(await statusWithHost(`localhost:${port}`)).toBe(200);
  });

  it("caps the request body", async () => {
    const big = JSON.stringify({
      jsonrpc: "2.0",
      id: 2,
      method: "tools/call",
      params: { name: "run_js", arguments: { code: `"${"x".repeat(100 * 1024)}".length` } },
    });
    expect((await post(big)).status).toBe(413);
  });

  it("answers other paths with 404", async () => {
    expect((await fetch(server.url.replace("/mcp", "/other"))).status).toBe(404);
  });

  it("will not listen beyond loopback without a token", async () => {
    const r = await cordon(["mcp", "--http", "--host", "0.0.0.0", "--port", "0"], {
      env: { CORDON_MCP_TOKEN: "" },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^cordon: --host 0\.0\.0\.0 is not a loopback address: give --token/);
  });
});
