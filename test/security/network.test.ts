// Network: fetch reaches only what `network.allow` names, checked for every spelling of an address and again on every
// redirect hop; responses are bounded by maxResponseBytes, requests by maxRequests, and a response that never ends
// ends with the run. Only servers this file starts on 127.0.0.1 are used.
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunOptions, Sandbox } from "../../src/index.js";
import { attackOn, ISOLATIONS, MiB, sandboxFor } from "./harness.js";

interface Server {
  port: number;
  hits: string[];
  close: () => Promise<void>;
}

async function serve(
  handler: (req: http.IncomingMessage, res: http.ServerResponse) => void,
): Promise<Server> {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let allowed: Server;
let forbidden: Server;
beforeAll(async () => {
  forbidden = await serve((_req, res) => res.end("forbidden secret"));
  allowed = await serve((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    if (url.pathname === "/redirect") {
      res.writeHead(302, { location: url.searchParams.get("to") ?? "/" });
      res.end();
    } else if (url.pathname === "/endless") {
      res.writeHead(200, { "content-type": "application/octet-stream" });
      const chunk = Buffer.alloc(64 * 1024, 1);
      const pump = () => {
        while (res.write(chunk)) {}
        res.once("drain", pump);
      };
      pump();
      res.on("error", () => {});
    } else if (url.pathname === "/hang") {
      res.writeHead(200);
      res.write("partial");
    } else res.end("allowed");
  });
});
afterAll(async () => {
  await allowed.close();
  await forbidden.close();
});

/** Guest code: fetch each URL, collecting "ok <status>" or the error's name and message. */
const FETCH_ALL = (urls: string[]) => `
  const out = [];
  for (const url of ${JSON.stringify(urls)}) {
    try { const r = await fetch(url); out.push("ok " + r.status + " " + (await r.text()).slice(0, 20)) }
    catch (e) { out.push(e.name + ": " + e.message) }
  }
  out`;

describe.each(ISOLATIONS)("network (%s)", (isolation) => {
  let box: Sandbox;
  beforeAll(async () => {
    box = await sandboxFor(isolation);
  });
  const go = (code: string, name: string, options: RunOptions = {}) =>
    attackOn(
      box,
      isolation,
      code,
      { timeoutMs: 5000, network: { allow: [`http://127.0.0.1:${allowed.port}`] }, ...options },
      { name },
    );
  const refusedAll = (value: unknown) => {
    for (const line of value as string[]) expect(line).not.toMatch(/^ok/);
    expect(forbidden.hits).toEqual([]);
  };

  it("without network.allow nothing is reached, not even loopback", async () => {
    const r = await go(
      FETCH_ALL([`http://127.0.0.1:${forbidden.port}/`, `http://localhost:${forbidden.port}/`]),
      "ok",
      {
        network: undefined,
      },
    );
    refusedAll(r.value);
  });

  it("a port that is not allowed on an allowed address is refused, in every spelling of the address", async () => {
    const p = forbidden.port;
    const r = await go(
      FETCH_ALL([
        `http://127.0.0.1:${p}/`,
        `http://localhost:${p}/`,
        `http://2130706433:${p}/`,
        `http://0x7f000001:${p}/`,
        `http://0177.0.0.1:${p}/`,
        `http://127.1:${p}/`,
        `http://[::ffff:127.0.0.1]:${p}/`,
        `http://[::1]:${p}/`,
        `http://169.254.169.254/latest/meta-data/`,
        `http://metadata.google.internal/`,
      ]),
      "ok",
    );
    refusedAll(r.value);
    expect((r.value as string[])[0]).toMatch(/network\.allow/);
  });

  it("a redirect to a host that is not allowed is refused at that hop", async () => {
    const to = (target: string) =>
      `http://127.0.0.1:${allowed.port}/redirect?to=${encodeURIComponent(target)}`;
    const r = await go(
      FETCH_ALL([
        to(`http://127.0.0.1:${forbidden.port}/`),
        to(`http://localhost:${forbidden.port}/`),
        to(`http://2130706433:${forbidden.port}/`),
        to(to(`http://127.0.0.1:${forbidden.port}/`)),
        to("file:///etc/passwd"),
        to("/plain"),
      ]),
      "ok",
    );
    const out = r.value as string[];
    refusedAll(out.slice(0, 5));
    expect(out[5]).toBe("ok 200 allowed");
  });

  it("an endless response is cut at maxResponseBytes and the host holds no more", async () => {
    const r = await attackOn(
      box,
      isolation,
      FETCH_ALL([`http://127.0.0.1:${allowed.port}/endless`]),
      {
        timeoutMs: 10_000,
        network: { allow: [`http://127.0.0.1:${allowed.port}`], maxResponseBytes: 2 * MiB },
      },
      { name: "ok" },
      { rssBound: 200 * MiB },
    );
    expect((r.value as string[])[0]).toMatch(/maxResponseBytes/);
  });

  it("a response that never ends ends with the run", async () => {
    await go(
      `const r = await fetch("http://127.0.0.1:${allowed.port}/hang"); await r.text()`,
      "TimeoutError",
      { timeoutMs: 500 },
    );
  });

  it("maxRequests bounds a request flood", async () => {
    const before = allowed.hits.length;
    const r = await go(
      `let refused = 0; await Promise.all(Array.from({ length: 30 }, () =>
         fetch("http://127.0.0.1:${allowed.port}/").then((r) => r.text(), () => { refused++ }))); refused`,
      "ok",
      { network: { allow: [`http://127.0.0.1:${allowed.port}`], maxRequests: 5 } },
    );
    expect(r.value).toBe(25);
    expect(allowed.hits.length - before).toBe(5);
  });

  it("CR/LF in a header is refused before anything is sent", async () => {
    const before = allowed.hits.length;
    const r = await go(
      `try { await fetch("http://127.0.0.1:${allowed.port}/", { headers: { "x-a": "1\\r\\nHost: evil" } }); "sent" }
       catch (e) { e.name }`,
      "ok",
    );
    expect(r.value).toBe("TypeError");
    expect(allowed.hits.length).toBe(before);
  });
});
