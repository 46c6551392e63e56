// The fetcher with an injected resolver and a fake connector: nothing here opens a socket.
import { describe, expect, it, vi } from "vitest";
import {
  type ConnectRequest,
  type ConnectResponse,
  type Connector,
  createFetcher,
  type NetOptions,
  type NetResponse,
  type Resolver,
} from "./transport.js";

const PUBLIC = "93.184.215.14";
const PUBLIC6 = "2606:2800:21f:cb07::1";
const enc = (s: string) => new TextEncoder().encode(s);

type Handler = (req: ConnectRequest) => ConnectResponse | Promise<ConnectResponse>;

function reply(status = 200, body: string[] = ["ok"], headers: [string, string][] = []): ConnectResponse {
  return { status, statusText: status === 200 ? "OK" : "", headers, body: chunks(body.map(enc)) };
}

/** A body that records whether it was released (return() called), even before its first read. */
function chunks(parts: Uint8Array[], state = { released: false }): AsyncIterable<Uint8Array> {
  return {
    [Symbol.asyncIterator]() {
      let i = 0;
      return {
        async next() {
          const value = parts[i++];
          return value ? { done: false, value } : { done: true, value: undefined };
        },
        async return() {
          state.released = true;
          return { done: true, value: undefined };
        },
      };
    },
  };
}

function setup(
  options: Partial<NetOptions> & { allow: string[] },
  dns: Record<string, string[] | (() => string[])> = {},
  handler: Handler = () => reply(),
) {
  const lookups: string[] = [];
  const calls: ConnectRequest[] = [];
  const resolve: Resolver = async (host) => {
    lookups.push(host);
    const entry = dns[host];
    if (!entry) throw new Error(`getaddrinfo ENOTFOUND ${host}`);
    const answers = typeof entry === "function" ? entry() : entry;
    return answers.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
  };
  const connect: Connector = async (req) => {
    calls.push(req);
    return handler(req);
  };
  return { fetcher: createFetcher(options, { resolve, connect }), lookups, calls };
}

const get = (url: string, headers: [string, string][] = []) => ({ url, method: "GET", headers });

async function text(res: NetResponse): Promise<string> {
  const decoder = new TextDecoder();
  let out = "";
  for await (const chunk of res.body) out += decoder.decode(chunk, { stream: true });
  return out + decoder.decode();
}

async function failure(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error("expected a rejection");
}

describe("fetch through the policy", () => {
  it("resolves once, connects to the checked address, sends Host for the original name", async () => {
    const { fetcher, lookups, calls } = setup({ allow: ["api.test"] }, { "api.test": [PUBLIC] }, () =>
      reply(200, ["hel", "lo"], [["Content-Type", "text/plain"]]),
    );
    const res = await fetcher.fetch(get("https://api.test/v1?q=1#frag", [["Accept", "text/plain"]]));
    expect(lookups).toEqual(["api.test"]);
    expect(calls).toHaveLength(1);
    const call = calls[0]!;
    expect(call.address).toBe(PUBLIC);
    expect(call.family).toBe(4);
    expect(call.url.href).toBe("https://api.test/v1?q=1");
    expect(call.method).toBe("GET");
    expect(call.headers).toEqual([
      ["host", "api.test"],
      ["Accept", "text/plain"],
    ]);
    expect(res).toMatchObject({
      status: 200,
      statusText: "OK",
      url: "https://api.test/v1?q=1",
      redirected: false,
    });
    expect(res.headers).toEqual([["Content-Type", "text/plain"]]);
    expect(await text(res)).toBe("hello");
    expect(fetcher.requests).toBe(1);
  });

  it("refuses a URL the allow list does not grant, before resolving", async () => {
    const { fetcher, lookups, calls } = setup({ allow: ["api.test"] }, { "other.test": [PUBLIC] });
    const error = await failure(fetcher.fetch(get("https://other.test/")));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.code).toBe("ERR_CORDON_NET_DENIED");
    expect(error.message).toBe(
      'fetch to https://other.test:443 is not allowed: add "other.test" to network.allow',
    );
    expect(lookups).toEqual([]);
    expect(calls).toEqual([]);
    expect(fetcher.requests).toBe(0);
  });

  it.each([
    "10.0.0.5",
    "127.0.0.1",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",
    "::1",
    "::ffff:10.0.0.1",
    "64:ff9b::7f00:1",
    "fd00:ec2::254",
    "fe80::1",
  ])("refuses a DNS answer of %s", async (ip) => {
    const { fetcher, calls } = setup({ allow: ["api.test"] }, { "api.test": [ip] });
    const error = await failure(fetcher.fetch(get("https://api.test/")));
    expect(error.code).toBe("ERR_CORDON_NET_DENIED");
    expect(error.message).toContain("api.test resolves to");
    expect(calls).toEqual([]);
  });

  it("refuses when any one of the answers is not public", async () => {
    const { fetcher, calls } = setup(
      { allow: ["api.test"] },
      { "api.test": [PUBLIC, PUBLIC6, "192.168.1.1"] },
    );
    expect((await failure(fetcher.fetch(get("https://api.test/")))).message).toContain("192.168.1.1");
    expect(calls).toEqual([]);
  });

  it("cannot be rebound: the connector gets the address that was checked, and nothing re-resolves", async () => {
    let n = 0;
    const answers = () => (n++ === 0 ? [PUBLIC] : ["127.0.0.1"]);
    const { fetcher, lookups, calls } = setup({ allow: ["api.test"] }, { "api.test": answers });
    await fetcher.fetch(get("https://api.test/"));
    expect(lookups).toHaveLength(1);
    expect(calls[0]?.address).toBe(PUBLIC);
    expect(calls[0]?.url.hostname).toBe("api.test");
    // the next lookup answers loopback: refused, and never connected
    expect((await failure(fetcher.fetch(get("https://api.test/")))).code).toBe("ERR_CORDON_NET_DENIED");
    expect(calls).toHaveLength(1);
  });

  it("connects to a literal address without resolving, when an entry names it", async () => {
    const { fetcher, lookups, calls } = setup({ allow: ["http://127.0.0.1:8080", "http://[::1]:3000"] });
    await fetcher.fetch(get("http://0x7f.1:8080/a"));
    await fetcher.fetch(get("http://[::1]:3000/b"));
    expect(lookups).toEqual([]);
    expect(calls.map((c) => [c.address, c.family, c.headers[0]])).toEqual([
      ["127.0.0.1", 4, ["host", "127.0.0.1:8080"]],
      ["::1", 6, ["host", "[::1]:3000"]],
    ]);
  });

  it("refuses a private address reached through a name even when another entry names the address", async () => {
    const { fetcher, calls } = setup(
      { allow: ["http://10.0.0.5", "http://intranet.test"] },
      { "intranet.test": ["10.0.0.5"] },
    );
    expect((await failure(fetcher.fetch(get("http://intranet.test/")))).code).toBe("ERR_CORDON_NET_DENIED");
    await fetcher.fetch(get("http://10.0.0.5/"));
    expect(calls.map((c) => c.address)).toEqual(["10.0.0.5"]);
  });

  it("sends Host with a non-default port and uses the first answer's family", async () => {
    const { fetcher, calls } = setup({ allow: ["http://api.test:8080"] }, { "api.test": [PUBLIC6, PUBLIC] });
    await fetcher.fetch(get("http://api.test:8080/"));
    expect(calls[0]).toMatchObject({ address: PUBLIC6, family: 6, headers: [["host", "api.test:8080"]] });
  });

  it("reports resolver and connector failures as TypeErrors", async () => {
    const { fetcher } = setup({ allow: ["api.test", "down.test"] }, { "down.test": [PUBLIC] }, () => {
      throw new Error("connect ECONNREFUSED");
    });
    const unresolved = await failure(fetcher.fetch(get("https://api.test/")));
    expect(unresolved).toMatchObject({ name: "TypeError", code: "ERR_CORDON_NET_FAILED" });
    expect(unresolved.message).toContain("could not resolve api.test");
    const refused = await failure(fetcher.fetch(get("https://down.test/")));
    expect(refused.message).toBe("fetch to https://down.test/ failed: connect ECONNREFUSED");
    const sync = createFetcher(
      { allow: ["http://127.0.0.1"] },
      {
        resolve: async () => [],
        connect: () => {
          throw new Error("boom");
        },
      },
    );
    expect(await failure(sync.fetch(get("http://127.0.0.1/")))).toMatchObject({
      code: "ERR_CORDON_NET_FAILED",
    });
  });
});

describe("request validation", () => {
  const allow = ["api.test"];
  const dns = { "api.test": [PUBLIC] };

  it.each([
    [[["X-A", "1\r\nX-Injected: 1"]]],
    [[["X-A", "1\nX-Injected: 1"]]],
    [[["X-A", "1\r"]]],
    [[["X-A", "a\0b"]]],
    [[["X-A\r\nX-Injected", "1"]]],
    [[["X A", "1"]]],
    [[["X-A:", "1"]]],
    [[["", "1"]]],
    [[["X-A", "snow ☃"]]],
  ] as [string, string][][][])("refuses headers %j", async (headers) => {
    const { fetcher, calls } = setup({ allow }, dns);
    const error = await failure(fetcher.fetch(get("https://api.test/", headers)));
    expect(error).toMatchObject({ name: "TypeError", code: "ERR_CORDON_NET_INVALID" });
    expect(calls).toEqual([]);
  });

  it.each(["GET /x HTTP/1.1\r\nHost: evil", "GE T", "", "CONNECT", "trace", "TRACK"])(
    "refuses method %j",
    async (method) => {
      const { fetcher, calls } = setup({ allow }, dns);
      const error = await failure(fetcher.fetch({ url: "https://api.test/", method, headers: [] }));
      expect(error.code).toBe("ERR_CORDON_NET_INVALID");
      expect(calls).toEqual([]);
    },
  );

  it("normalizes the standard methods' case, trims values, and drops transport headers", async () => {
    const { fetcher, calls } = setup({ allow }, dns);
    await fetcher.fetch({
      url: "https://api.test/",
      method: "post",
      headers: [
        ["Host", "evil.test"],
        ["Content-Length", "999"],
        ["Transfer-Encoding", "chunked"],
        ["Connection", "upgrade"],
        ["X-Ok", "  v \t"],
      ],
      body: enc("hi"),
    });
    await fetcher.fetch({ url: "https://api.test/", method: "patch", headers: [] });
    expect(calls[0]).toMatchObject({
      method: "POST",
      headers: [
        ["host", "api.test"],
        ["X-Ok", "v"],
      ],
      body: enc("hi"),
    });
    expect(calls[1]?.method).toBe("patch");
  });

  it("refuses a body on GET and HEAD", async () => {
    const { fetcher } = setup({ allow }, dns);
    for (const method of ["GET", "head"]) {
      const error = await failure(
        fetcher.fetch({ url: "https://api.test/", method, headers: [], body: enc("x") }),
      );
      expect(error.code).toBe("ERR_CORDON_NET_INVALID");
    }
  });

  it("validates its options", () => {
    const deps = { resolve: async () => [], connect: async () => reply() };
    expect(() => createFetcher({ allow: ["ftp://x"] }, deps)).toThrow(/network\.allow.*"ftp:\/\/x"/);
    expect(() => createFetcher({ allow: [], maxRequests: -1 }, deps)).toThrow(/network\.maxRequests/);
    expect(() => createFetcher({ allow: [], timeoutMs: 0 }, deps)).toThrow(/network\.timeoutMs/);
    expect(() => createFetcher({ allow: [], maxResponseBytes: 1.5 }, deps)).toThrow(
      /network\.maxResponseBytes/,
    );
    expect(() => createFetcher({ allow: [], maxRedirects: Number.NaN }, deps)).toThrow(
      /network\.maxRedirects/,
    );
  });
});

describe("redirects", () => {
  const dns = { "api.test": [PUBLIC], "cdn.test": [PUBLIC], "evil.test": ["10.0.0.1"] };
  const allow = ["api.test", "cdn.test", "evil.test"];
  /** Answers from a table of path -> response; anything else is 200 "ok". */
  const routes =
    (table: Record<string, () => ConnectResponse>): Handler =>
    (req) =>
      table[req.url.href]?.() ?? reply();
  const to = (status: number, location: string) => () => reply(status, [], [["Location", location]]);

  it("follows one hop at a time, re-checking and re-resolving every hop", async () => {
    const { fetcher, lookups, calls } = setup(
      { allow },
      dns,
      routes({ "https://api.test/a": to(302, "/b"), "https://api.test/b": to(301, "https://cdn.test/c") }),
    );
    const res = await fetcher.fetch(get("https://api.test/a"));
    expect(calls.map((c) => c.url.href)).toEqual([
      "https://api.test/a",
      "https://api.test/b",
      "https://cdn.test/c",
    ]);
    expect(lookups).toEqual(["api.test", "api.test", "cdn.test"]);
    expect(res).toMatchObject({ status: 200, url: "https://cdn.test/c", redirected: true });
    expect(fetcher.requests).toBe(3);
  });

  it.each([
    ["https://other.test/", 'add "other.test" to network.allow'],
    ["https://evil.test/", "evil.test resolves to 10.0.0.1, a private address"],
    ["http://169.254.169.254/latest/meta-data/", 'add "http://169.254.169.254"'],
    ["http://127.0.0.1:8080/", 'add "http://127.0.0.1:8080"'],
    ["file:///etc/passwd", "only http: and https:"],
    ["https://user:pw@api.test/", "credentials"],
  ])("refuses a redirect to %s mid-chain", async (location, reason) => {
    const { fetcher, calls } = setup({ allow }, dns, routes({ "https://api.test/a": to(307, location) }));
    const error = await failure(fetcher.fetch(get("https://api.test/a")));
    expect(error.code).toBe("ERR_CORDON_NET_DENIED");
    expect(error.message).toContain(reason);
    expect(calls).toHaveLength(1);
  });

  it("303 (and 301/302 after POST) become GET without body; 307/308 keep method and body", async () => {
    for (const status of [301, 302, 303, 307, 308]) {
      const { fetcher, calls } = setup({ allow }, dns, routes({ "https://api.test/a": to(status, "/b") }));
      await fetcher.fetch({
        url: "https://api.test/a",
        method: "POST",
        headers: [
          ["Content-Type", "text/plain"],
          ["X-Keep", "1"],
        ],
        body: enc("payload"),
      });
      const last = calls[1]!;
      if (status <= 303) {
        expect(last).toMatchObject({
          method: "GET",
          headers: [
            ["host", "api.test"],
            ["X-Keep", "1"],
          ],
        });
        expect(last.body).toBeUndefined();
      } else {
        expect(last).toMatchObject({ method: "POST", body: enc("payload") });
        expect(last.headers).toContainEqual(["Content-Type", "text/plain"]);
      }
    }
    // as in fetch, 301/302 change only POST; 303 changes everything but GET and HEAD
    const { fetcher, calls } = setup({ allow }, dns, (req) =>
      req.url.pathname === "/a" ? to(301, "/b")() : req.url.pathname === "/b" ? to(303, "/c")() : reply(),
    );
    await fetcher.fetch({ url: "https://api.test/a", method: "PUT", headers: [], body: enc("x") });
    expect(calls.map((c) => [c.method, c.body?.length])).toEqual([
      ["PUT", 1],
      ["PUT", 1],
      ["GET", undefined],
    ]);
  });

  it("strips Authorization and Cookie when the origin changes, and keeps them stripped", async () => {
    const { fetcher, calls } = setup(
      { allow },
      dns,
      routes({
        "https://api.test/a": to(302, "/b"),
        "https://api.test/b": to(302, "https://cdn.test/c"),
        "https://cdn.test/c": to(302, "https://api.test/d"),
      }),
    );
    const secrets: [string, string][] = [
      ["Authorization", "Bearer s"],
      ["cookie", "sid=1"],
      ["Proxy-Authorization", "p"],
      ["X-Other", "1"],
    ];
    await fetcher.fetch(get("https://api.test/a", secrets));
    const names = calls.map((c) => c.headers.map(([n]) => n.toLowerCase()).join(","));
    expect(names).toEqual([
      "host,authorization,cookie,proxy-authorization,x-other",
      "host,authorization,cookie,proxy-authorization,x-other",
      "host,x-other",
      "host,x-other",
    ]);
  });

  it("stops after maxRedirects", async () => {
    const { fetcher, calls } = setup({ allow, maxRedirects: 2 }, dns, () => to(302, "/again")());
    const error = await failure(fetcher.fetch(get("https://api.test/")));
    expect(error.code).toBe("ERR_CORDON_NET_LIMIT");
    expect(error.message).toContain("network.maxRedirects");
    expect(calls).toHaveLength(3);
  });

  it("releases each redirect's body, honours redirect modes, and returns a 3xx without Location", async () => {
    const state = { released: false };
    const first = (): ConnectResponse => ({
      status: 302,
      statusText: "Found",
      headers: [["location", "/b"]],
      body: chunks([enc("moved")], state),
    });
    const { fetcher } = setup(
      { allow },
      dns,
      routes({ "https://api.test/a": first, "https://api.test/n": to(304, "") }),
    );
    await fetcher.fetch(get("https://api.test/a"));
    expect(state.released).toBe(true);
    const manual = await fetcher.fetch({ ...get("https://api.test/a"), redirect: "manual" });
    expect(manual).toMatchObject({ status: 302, redirected: false, headers: [["location", "/b"]] });
    expect(
      (await failure(fetcher.fetch({ ...get("https://api.test/a"), redirect: "error" }))).message,
    ).toContain("redirect");
    const plain = setup({ allow }, dns, () => reply(301, [], [])).fetcher;
    expect((await plain.fetch(get("https://api.test/"))).status).toBe(301);
  });
});

describe("limits and aborts", () => {
  const allow = ["api.test"];
  const dns = { "api.test": [PUBLIC] };

  it("caps requests per fetcher, counting every hop", async () => {
    const { fetcher, calls } = setup({ allow, maxRequests: 3 }, dns, (req) =>
      req.url.pathname === "/r" ? reply(302, [], [["location", "/"]]) : reply(),
    );
    await fetcher.fetch(get("https://api.test/"));
    await fetcher.fetch(get("https://api.test/r"));
    const error = await failure(fetcher.fetch(get("https://api.test/")));
    expect(error.code).toBe("ERR_CORDON_NET_LIMIT");
    expect(error.message).toContain("at most 3 per run (network.maxRequests)");
    expect(calls).toHaveLength(3);
    expect(fetcher.requests).toBe(3);
  });

  it("errors the body stream past maxResponseBytes and releases the exchange", async () => {
    const state = { released: false };
    const parts = [enc("abcd"), enc("efgh"), enc("ij"), enc("k")];
    const { fetcher, calls } = setup({ allow, maxResponseBytes: 10 }, dns, () => ({
      ...reply(),
      body: chunks(parts, state),
    }));
    const res = await fetcher.fetch(get("https://api.test/"));
    const seen: string[] = [];
    const error = await failure(
      (async () => {
        for await (const c of res.body) seen.push(new TextDecoder().decode(c));
      })(),
    );
    expect(seen).toEqual(["abcd", "efgh", "ij"]);
    expect(error.code).toBe("ERR_CORDON_NET_LIMIT");
    expect(error.message).toBe("fetch: response body exceeds 10 bytes (network.maxResponseBytes)");
    expect(state.released).toBe(true);
    expect(calls[0]?.signal.aborted).toBe(true);
  });

  it("reads a body exactly at the cap, once", async () => {
    const { fetcher } = setup({ allow, maxResponseBytes: 4 }, dns, () => reply(200, ["ab", "cd"]));
    const res = await fetcher.fetch(get("https://api.test/"));
    expect(await text(res)).toBe("abcd");
    expect(() => res.body[Symbol.asyncIterator]()).toThrow(/only once/);
  });

  /** A connector that never answers until its signal aborts (and records that it saw the abort). */
  const hanging: Handler = (req) =>
    new Promise((_, reject) =>
      req.signal.addEventListener("abort", () => reject(new Error("socket destroyed"))),
    );

  it("rejects at once when the signal is already aborted", async () => {
    const { fetcher, calls } = setup({ allow }, dns);
    const controller = new AbortController();
    controller.abort(new DOMException("stop", "AbortError"));
    expect((await failure(fetcher.fetch(get("https://api.test/"), controller.signal))).message).toBe("stop");
    expect(calls).toEqual([]);
  });

  it("aborts an exchange in flight with the signal's reason, and aborts the connector", async () => {
    const { fetcher, calls } = setup({ allow }, dns, hanging);
    const controller = new AbortController();
    const pending = fetcher.fetch(get("https://api.test/"), controller.signal);
    await vi.waitFor(() => expect(calls).toHaveLength(1));
    controller.abort();
    const error = await failure(pending);
    expect(error.name).toBe("AbortError");
    expect(calls[0]?.signal.aborted).toBe(true);
  });

  it("aborts a body being read", async () => {
    let wake = () => {};
    const body = {
      async *[Symbol.asyncIterator]() {
        yield enc("first");
        await new Promise<void>((r) => {
          wake = r;
        });
        yield enc("never");
      },
    };
    const { fetcher } = setup({ allow }, dns, () => ({ ...reply(), body }));
    const controller = new AbortController();
    const res = await fetcher.fetch(get("https://api.test/"), controller.signal);
    const it = res.body[Symbol.asyncIterator]();
    expect((await it.next()).value).toEqual(enc("first"));
    const next = it.next();
    controller.abort(new DOMException("enough", "AbortError"));
    expect((await failure(next)).message).toBe("enough");
    wake();
  });

  it("times out after timeoutMs, in the exchange or in the body", async () => {
    const { fetcher } = setup({ allow, timeoutMs: 30 }, dns, hanging);
    const error = await failure(fetcher.fetch(get("https://api.test/")));
    expect(error.name).toBe("TimeoutError");
    expect(error.message).toContain("network.timeoutMs");
    const slow = {
      async *[Symbol.asyncIterator]() {
        yield enc("a");
        await new Promise(() => {});
      },
    };
    const body = setup({ allow, timeoutMs: 30 }, dns, () => ({ ...reply(), body: slow })).fetcher;
    const res = await body.fetch(get("https://api.test/"));
    expect((await failure(text(res))).name).toBe("TimeoutError");
  });

  it("abortAll() aborts everything in flight and refuses later calls", async () => {
    const { fetcher, calls } = setup({ allow }, dns, hanging);
    const pending = [fetcher.fetch(get("https://api.test/1")), fetcher.fetch(get("https://api.test/2"))];
    await vi.waitFor(() => expect(calls).toHaveLength(2));
    fetcher.abortAll();
    for (const p of pending) expect((await failure(p)).name).toBe("AbortError");
    expect(calls.every((c) => c.signal.aborted)).toBe(true);
    expect((await failure(fetcher.fetch(get("https://api.test/3")))).message).toContain("the run has ended");
    expect(calls).toHaveLength(2);
  });
});
