// The Node connector against an HTTP server this file starts on 127.0.0.1; no other address is ever contacted.
import { promises as dns } from "node:dns";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createFetcher, type NetOptions, type NetResponse } from "../capabilities/net/transport.js";
import { nodeConnector, nodeResolver } from "./node-net.js";

let server: http.Server;
let origin = "";
const seen: { method: string; url: string; headers: http.IncomingHttpHeaders; body: string }[] = [];

beforeAll(async () => {
  server = http.createServer(async (req, res) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
    const path = req.url ?? "/";
    if (path === "/hello") {
      res.writeHead(200, "Fine", [
        ["X-Test", "1"],
        ["Set-Cookie", "a=1"],
        ["Set-Cookie", "b=2"],
      ]);
      res.write("hello ");
      setTimeout(() => res.end("world"), 20);
    } else if (path === "/echo") {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ method: req.method, headers: req.headers, body }));
    } else if (path === "/redirect") {
      res.writeHead(302, { location: "/hello" }).end("moved");
    } else if (path === "/redirect-out") {
      res.writeHead(302, { location: "http://169.254.169.254/latest/meta-data/" }).end();
    } else if (path === "/big") {
      res.end(Buffer.alloc(64 * 1024, 120));
    } else if (path === "/hang") {
      // never answers
    } else if (path === "/trickle") {
      res.writeHead(200);
      res.write("first");
    } else {
      res.writeHead(404).end("nope");
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** A resolver that must never be reached: every URL here is a literal 127.0.0.1. */
const noResolve = async (): Promise<never> => {
  throw new Error("unexpected lookup");
};

function fetcher(options: Partial<NetOptions> = {}) {
  return createFetcher({ allow: [origin], ...options }, { resolve: noResolve, connect: nodeConnector });
}

async function text(res: NetResponse): Promise<string> {
  const parts: Uint8Array[] = [];
  for await (const chunk of res.body) parts.push(chunk);
  return Buffer.concat(parts).toString();
}

async function failure(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error("expected a rejection");
}

describe("nodeConnector through createFetcher", () => {
  it("returns status, headers and a streamed body", async () => {
    const res = await fetcher().fetch({ url: `${origin}/hello`, method: "GET", headers: [] });
    expect(res).toMatchObject({ status: 200, statusText: "Fine", url: `${origin}/hello`, redirected: false });
    expect(res.headers).toContainEqual(["X-Test", "1"]);
    expect(res.headers.filter(([n]) => n === "Set-Cookie")).toEqual([
      ["Set-Cookie", "a=1"],
      ["Set-Cookie", "b=2"],
    ]);
    const chunks: string[] = [];
    for await (const chunk of res.body) {
      expect(chunk).toBeInstanceOf(Uint8Array);
      chunks.push(Buffer.from(chunk).toString());
    }
    expect(chunks).toEqual(["hello ", "world"]);
  });

  it("sends method, headers and body; Host is the URL's; Accept-Encoding is identity", async () => {
    const res = await fetcher().fetch({
      url: `${origin}/echo`,
      method: "put",
      headers: [
        ["X-One", "1"],
        ["Accept-Encoding", "gzip, br"],
        ["Cookie", "a=1"],
        ["Cookie", "b=2"],
      ],
      body: new TextEncoder().encode("payload"),
    });
    const echo = JSON.parse(await text(res));
    expect(echo.method).toBe("PUT");
    expect(echo.body).toBe("payload");
    expect(echo.headers).toMatchObject({
      host: origin.slice("http://".length),
      "x-one": "1",
      "accept-encoding": "identity",
      "content-length": "7",
      cookie: "a=1; b=2",
    });
    expect(echo.headers.connection).toBe("close");
  });

  it("follows a redirect on the same server and releases the redirect's body", async () => {
    const f = fetcher();
    const res = await f.fetch({ url: `${origin}/redirect`, method: "GET", headers: [] });
    expect(res).toMatchObject({ status: 200, url: `${origin}/hello`, redirected: true });
    expect(await text(res)).toBe("hello world");
    expect(f.requests).toBe(2);
  });

  it("refuses a redirect to an address the allow list does not grant, without connecting to it", async () => {
    const error = await failure(
      fetcher().fetch({ url: `${origin}/redirect-out`, method: "GET", headers: [] }),
    );
    expect(error.code).toBe("ERR_CORDON_NET_DENIED");
    expect(error.message).toContain('add "http://169.254.169.254"');
  });

  it("errors the body past maxResponseBytes", async () => {
    const res = await fetcher({ maxResponseBytes: 1000 }).fetch({
      url: `${origin}/big`,
      method: "GET",
      headers: [],
    });
    const error = await failure(text(res));
    expect(error.message).toContain("network.maxResponseBytes");
  });

  it("times out a server that never answers", async () => {
    const started = Date.now();
    const error = await failure(
      fetcher({ timeoutMs: 150 }).fetch({ url: `${origin}/hang`, method: "GET", headers: [] }),
    );
    expect(error.name).toBe("TimeoutError");
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("aborts while the body is streaming", async () => {
    const controller = new AbortController();
    const res = await fetcher().fetch(
      { url: `${origin}/trickle`, method: "GET", headers: [] },
      controller.signal,
    );
    const it = res.body[Symbol.asyncIterator]();
    expect(Buffer.from((await it.next()).value as Uint8Array).toString()).toBe("first");
    const next = it.next();
    controller.abort();
    expect((await failure(next)).name).toBe("AbortError");
  });

  it("abortAll() ends exchanges in flight", async () => {
    const f = fetcher();
    const before = seen.length;
    const pending = f.fetch({ url: `${origin}/hang`, method: "GET", headers: [] });
    await vi.waitFor(() => expect(seen.length).toBe(before + 1));
    f.abortAll();
    expect((await failure(pending)).name).toBe("AbortError");
  });

  it("connects to the checked address, not to what the host name would resolve to", async () => {
    // Node is handed the URL's name for Host and TLS, and a lookup that answers with the checked address; this
    // wraps that lookup to see Node ask it. (The name is "localhost" so that even a lookup that were bypassed
    // would stay on this machine.)
    const original = http.request;
    const asked: string[] = [];
    const spy = vi.spyOn(http, "request").mockImplementation(((
      options: http.RequestOptions,
      callback: (res: http.IncomingMessage) => void,
    ) => {
      const forced = options.lookup!;
      const lookup: typeof forced = (host, opts, done) => {
        asked.push(host);
        forced(host, opts, done);
      };
      expect(options).toMatchObject({ hostname: "localhost", agent: false, setHost: false });
      return original({ ...options, lookup }, callback);
    }) as unknown as typeof http.request);
    const port = Number(new URL(origin).port);
    try {
      const res = await nodeConnector({
        url: new URL(`http://localhost:${port}/echo`),
        address: "127.0.0.1",
        family: 4,
        method: "GET",
        headers: [["host", `localhost:${port}`]],
        signal: new AbortController().signal,
      });
      const parts: Uint8Array[] = [];
      for await (const chunk of res.body) parts.push(chunk);
      expect(JSON.parse(Buffer.concat(parts).toString()).headers.host).toBe(`localhost:${port}`);
    } finally {
      spy.mockRestore();
    }
    expect(asked).toEqual(["localhost"]);
  });
});

describe("nodeResolver", () => {
  it("asks dns.promises.lookup for all addresses", async () => {
    const lookup = vi.spyOn(dns, "lookup").mockResolvedValue([
      { address: "192.0.2.1", family: 4 },
      { address: "2001:db8::1", family: 6 },
    ] as never);
    expect(await nodeResolver("example.test")).toEqual([
      { address: "192.0.2.1", family: 4 },
      { address: "2001:db8::1", family: 6 },
    ]);
    expect(lookup).toHaveBeenCalledWith("example.test", { all: true });
    lookup.mockRestore();
  });
});
