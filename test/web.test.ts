// Web globals in the guest (URL, encoding, base64, structuredClone, abort, events, crypto, Blob, Headers, Request,
// Response, FormData) and fetch: denied unless network.allow grants the origin, then checked hop by hop and bounded.
// Every network exchange here goes to a server this file starts on 127.0.0.1; a guard on the process's sockets and
// name lookups refuses anything else before it happens and records it, so a policy failure cannot reach out.
import dns from "node:dns";
import http from "node:http";
import net from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type RunOptions, run as cordonRun, type RunResult } from "../src/index.js";

// Inline runs: the connection guard below watches this thread's sockets, so the guest's fetches must happen here.
const run = (code: string, options?: RunOptions): Promise<RunResult> =>
  cordonRun(code, { isolation: "inline", ...options });

async function value(code: string, options?: RunOptions): Promise<unknown> {
  const r = await run(code, options);
  if (!r.ok) throw new Error(`run failed: ${r.error?.name}: ${r.error?.message}\n${r.error?.stack ?? ""}`);
  return r.value;
}

// ---- the guard: only the ports of servers started here, on 127.0.0.1 ----------------------------------------------

const ownPorts = new Set<number>();
const connections: string[] = [];
const refusedConnections: string[] = [];
const lookups: string[] = [];
const originalConnect = net.Socket.prototype.connect;
const originalLookup = dns.promises.lookup;
const originalCallbackLookup = dns.lookup;

function connectTarget(args: unknown[]): { host: string; port: number } {
  const first = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
  if (first !== null && typeof first === "object") {
    const o = first as { host?: string; port?: number | string; path?: string };
    return { host: o.path ?? o.host ?? "localhost", port: Number(o.port) };
  }
  return { host: typeof args[1] === "string" ? args[1] : "localhost", port: Number(first) };
}

beforeAll(() => {
  net.Socket.prototype.connect = function guardedConnect(this: net.Socket, ...args: unknown[]) {
    const { host, port } = connectTarget(args);
    if (host !== "127.0.0.1" || !ownPorts.has(port)) {
      refusedConnections.push(`${host}:${port}`);
      throw new Error(`test guard: connection to ${host}:${port} refused`);
    }
    connections.push(`${host}:${port}`);
    return (originalConnect as (...a: unknown[]) => net.Socket).apply(this, args);
  } as typeof net.Socket.prototype.connect;
  dns.promises.lookup = ((hostname: string) => {
    lookups.push(hostname);
    return Promise.reject(new Error(`test guard: lookup of ${hostname} refused`));
  }) as typeof dns.promises.lookup;
  dns.lookup = ((hostname: string, ...rest: unknown[]) => {
    // An IP literal is answered locally (server.listen on 127.0.0.1 asks for it).
    if (net.isIP(hostname)) return (originalCallbackLookup as (...a: unknown[]) => void)(hostname, ...rest);
    lookups.push(hostname);
    const callback = rest.at(-1) as (error: Error) => void;
    process.nextTick(() => callback(new Error(`test guard: lookup of ${hostname} refused`)));
  }) as typeof dns.lookup;
});

afterAll(() => {
  net.Socket.prototype.connect = originalConnect;
  dns.promises.lookup = originalLookup;
  dns.lookup = originalCallbackLookup;
});

afterEach(() => {
  expect(refusedConnections, "connections to addresses other than the test's own servers").toEqual([]);
  expect(lookups, "name lookups").toEqual([]);
});

// ---- web globals -----------------------------------------------------------------------------------------------

describe("web globals", () => {
  it("URL and URLSearchParams", async () => {
    const v = await value(`
      const u = new URL("https://user:pw@example.com:8080/a/b/../c?x=1&y=two#frag");
      const sp = new URLSearchParams("a=1&b=2&a=3");
      sp.append("c", "x y");
      sp.sort();
      const built = new URL("/path", "https://example.org");
      built.searchParams.set("q", "a&b");
      [u.href, u.protocol, u.host, u.hostname, u.port, u.pathname, u.search, u.hash, u.username, u.searchParams.get("y"),
       new URL("../d", "https://e.com/a/b/c").href, sp.getAll("a"), sp.toString(), [...sp.keys()], built.href,
       URL.canParse ? URL.canParse("nope") : false, (() => { try { new URL("not a url") } catch (e) { return e.name } })(),
       Object.fromEntries(new URLSearchParams({ k: "v" }))]`);
    expect(v).toEqual([
      "https://user:pw@example.com:8080/a/c?x=1&y=two#frag",
      "https:",
      "example.com:8080",
      "example.com",
      "8080",
      "/a/c",
      "?x=1&y=two",
      "#frag",
      "user",
      "two",
      "https://e.com/a/d",
      ["1", "3"],
      "a=1&a=3&b=2&c=x+y",
      ["a", "a", "b", "c"],
      "https://example.org/path?q=a%26b",
      false,
      "TypeError",
      { k: "v" },
    ]);
  });

  it("TextEncoder and TextDecoder", async () => {
    const v = await value(`
      const bytes = new TextEncoder().encode("héllo €");
      const into = new Uint8Array(4);
      const result = new TextEncoder().encodeInto("€x", into);
      const decoder = new TextDecoder();
      const streamed = decoder.decode(bytes.subarray(0, 2), { stream: true }) + decoder.decode(bytes.subarray(2));
      let fatal; try { new TextDecoder("utf-8", { fatal: true }).decode(new Uint8Array([0xff])) } catch (e) { fatal = e.name }
      [Array.from(bytes), new TextDecoder().decode(bytes), new TextDecoder().decode(new Uint8Array([0xff])), streamed,
       [result.read, result.written], new TextDecoder().encoding, fatal, new TextDecoder("utf-16le").decode(new Uint8Array([104, 0, 105, 0]))]`);
    expect(v).toEqual([
      [104, 195, 169, 108, 108, 111, 32, 226, 130, 172],
      "héllo €",
      "\ufffd",
      "héllo €",
      [2, 4],
      "utf-8",
      "TypeError",
      "hi",
    ]);
  });

  it("atob and btoa", async () => {
    const v = await value(`
      const err = (f) => { try { f(); return "no error" } catch (e) { return e.name } };
      [btoa("hello"), atob("aGVsbG8="), atob(btoa("\\u00ff\\u0000")).charCodeAt(0), err(() => btoa("€")), err(() => atob("***"))]`);
    expect(v).toEqual(["aGVsbG8=", "hello", 255, "InvalidCharacterError", "InvalidCharacterError"]);
  });

  it("structuredClone round-trips Map, Set, Date, typed arrays and cycles; functions are a DataCloneError", async () => {
    const v = await value(`
      const shared = { s: 1 };
      const original = { m: new Map([["k", new Set([1, 2])]]), d: new Date(86400000), re: /a+/gi, bytes: new Uint8Array([1, 2]),
        big: 10n, a: shared, b: shared, nested: [undefined, NaN, -0] };
      original.self = original;
      const c = structuredClone(original);
      let error; try { structuredClone({ f: () => 1 }) } catch (e) { error = [e.name, e.message.length > 0, e instanceof Error] }
      [c !== original, c.self === c, c.m instanceof Map, c.m.get("k") instanceof Set, [...c.m.get("k")], c.d instanceof Date,
       c.d.getTime(), c.re.source + "/" + c.re.flags, Array.from(c.bytes), c.bytes !== original.bytes, c.big, c.a === c.b,
       c.a !== shared, Object.is(c.nested[2], -0), Number.isNaN(c.nested[1]), 0 in c.nested, error]`);
    expect(v).toEqual([
      true,
      true,
      true,
      true,
      [1, 2],
      true,
      86400000,
      "a+/gi",
      [1, 2],
      true,
      10n,
      true,
      true,
      true,
      true,
      true,
      ["DataCloneError", true, true],
    ]);
  });

  it("AbortController and AbortSignal", async () => {
    const v = await value(`
      const ac = new AbortController();
      const seen = [];
      ac.signal.addEventListener("abort", (e) => seen.push(e.type));
      ac.signal.onabort = () => seen.push("onabort");
      ac.abort("why");
      ac.abort("again");
      let thrown; try { ac.signal.throwIfAborted() } catch (e) { thrown = e }
      const plain = new AbortController(); plain.abort();
      const pre = AbortSignal.abort();
      const any = AbortSignal.any ? AbortSignal.any([new AbortController().signal, ac.signal]).aborted : true;
      [ac.signal.aborted, ac.signal.reason, seen, thrown, plain.signal.reason.name, plain.signal.reason.message.length > 0,
       pre.aborted, pre.reason.name, new AbortController().signal.aborted, ac.signal instanceof EventTarget, any]`);
    expect(v).toEqual([
      true,
      "why",
      ["abort", "onabort"],
      "why",
      "AbortError",
      true,
      true,
      "AbortError",
      false,
      true,
      true,
    ]);
  });

  it("AbortSignal.timeout(10) aborts an awaited operation with a TimeoutError", async () => {
    const started = performance.now();
    const v = await value(`
      const sleep = (ms, signal) => new Promise((resolve, reject) => {
        const timer = setTimeout(resolve, ms, "slept");
        signal.addEventListener("abort", () => { clearTimeout(timer); reject(signal.reason); }, { once: true });
      });
      const t0 = Date.now();
      const outcome = await sleep(2000, AbortSignal.timeout(10)).then((x) => x, (e) => [e.name, e.message]);
      [outcome, Date.now() - t0 < 1000]`);
    expect(v).toEqual([["TimeoutError", "The operation was aborted due to timeout"], true]);
    expect(performance.now() - started).toBeLessThan(1500);
  });

  it("Event, CustomEvent and EventTarget", async () => {
    const v = await value(`
      const target = new EventTarget();
      const log = [];
      const listener = (e) => log.push([e.type, e.detail, e.target === target, e instanceof Event]);
      target.addEventListener("ping", listener);
      target.addEventListener("ping", listener);
      target.addEventListener("ping", () => log.push("once"), { once: true });
      target.dispatchEvent(new CustomEvent("ping", { detail: 7 }));
      target.dispatchEvent(new CustomEvent("ping", { detail: 8 }));
      target.removeEventListener("ping", listener);
      target.dispatchEvent(new Event("ping"));
      const cancelable = new Event("x", { cancelable: true });
      target.addEventListener("x", (e) => e.preventDefault());
      const notPrevented = target.dispatchEvent(cancelable);
      class Custom extends EventTarget {}
      const c = new Custom(); let got = 0; c.addEventListener("e", () => got++); c.dispatchEvent(new Event("e"));
      [log, notPrevented, cancelable.defaultPrevented, got]`);
    expect(v).toEqual([[["ping", 7, true, true], "once", ["ping", 8, true, true]], false, true, 1]);
  });

  it("crypto.getRandomValues, randomUUID and subtle.digest", async () => {
    const v = await value(`
      const a = crypto.getRandomValues(new Uint8Array(32));
      const b = crypto.getRandomValues(new Uint32Array(4));
      const hex = (buf) => Array.from(new Uint8Array(buf), (x) => x.toString(16).padStart(2, "0")).join("");
      let tooBig; try { crypto.getRandomValues(new Uint8Array(65537)) } catch (e) { tooBig = e.name }
      [a.some((x) => x !== 0), b.length, crypto.randomUUID() !== crypto.randomUUID(),
       /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(crypto.randomUUID()),
       hex(await crypto.subtle.digest("SHA-256", new TextEncoder().encode("abc"))),
       hex(await crypto.subtle.digest("SHA-1", new TextEncoder().encode("abc"))),
       hex(await crypto.subtle.digest({ name: "SHA-512" }, new Uint8Array(0))).slice(0, 16), tooBig]`);
    expect(v).toEqual([
      true,
      4,
      true,
      true,
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
      "a9993e364706816aba3e25717850c26c9cd0d89d",
      "cf83e1357eefb8bd",
      "QuotaExceededError",
    ]);
  });

  it("Blob", async () => {
    const v = await value(`
      const blob = new Blob(["ab", new Uint8Array([99]), new Blob(["d"])], { type: "Text/Plain" });
      [blob.size, blob.type, await blob.text(), await blob.slice(1, 3).text(), await blob.slice(-1).text(),
       Array.from(new Uint8Array(await blob.arrayBuffer())), blob instanceof Blob, new Blob().size]`);
    expect(v).toEqual([4, "text/plain", "abcd", "bc", "d", [97, 98, 99, 100], true, 0]);
  });

  it("Headers", async () => {
    const v = await value(`
      const h = new Headers({ "Content-Type": "text/plain" });
      h.append("X-A", "1"); h.append("x-a", "2"); h.set("X-B", "b"); h.delete("x-b");
      let bad; try { h.set("bad header", "x") } catch (e) { bad = e.name }
      [h.get("content-type"), h.get("X-A"), h.has("x-b"), [...h.keys()], [...h], new Headers([["k", "v"]]).get("K"), bad]`);
    expect(v).toEqual([
      "text/plain",
      "1, 2",
      false,
      ["content-type", "x-a"],
      [
        ["content-type", "text/plain"],
        ["x-a", "1, 2"],
      ],
      "v",
      "TypeError",
    ]);
  });

  it("Request and Response", async () => {
    const v = await value(`
      const req = new Request("https://example.com/p?q=1", { method: "post", body: JSON.stringify({ a: 1 }),
        headers: { "content-type": "application/json" } });
      const copy = req.clone();
      const res = new Response("hi", { status: 201, statusText: "Created", headers: { a: "b" } });
      const json = Response.json({ z: 1 });
      const redirect = Response.redirect("https://example.com/next", 302);
      const err = Response.error();
      const bodyUsed = (async () => { const r = new Response("x"); await r.text(); try { await r.text(); return "read twice" } catch (e) { return [r.bodyUsed, e.name] } })();
      [req.method, req.url, await req.json(), req.headers.get("content-type"), await copy.text(),
       res.status, res.ok, res.statusText, await res.text(), res.headers.get("a"),
       (await json.json()).z, json.headers.get("content-type"), redirect.status, redirect.headers.get("location"),
       err.type, err.status, new Response(null, { status: 404 }).ok, await bodyUsed,
       await new Response(new Uint8Array([104, 105])).text(), await new Response(new Blob(["blob"])).text()]`);
    expect(v).toEqual([
      "POST",
      "https://example.com/p?q=1",
      { a: 1 },
      "application/json",
      '{"a":1}',
      201,
      true,
      "Created",
      "hi",
      "b",
      1,
      "application/json",
      302,
      "https://example.com/next",
      "error",
      0,
      false,
      [true, "TypeError"],
      "hi",
      "blob",
    ]);
  });

  it("FormData", async () => {
    const v = await value(`
      const fd = new FormData();
      fd.append("a", "1"); fd.append("a", "2"); fd.set("b", "3"); fd.append("file", new Blob(["content"]), "f.txt");
      fd.delete("nothing");
      const file = fd.get("file");
      [fd.getAll("a"), fd.get("b"), fd.has("c"), [...fd.keys()], typeof file === "object", file.name, await file.text()]`);
    expect(v).toEqual([["1", "2"], "3", false, ["a", "a", "b", "file"], true, "f.txt", "content"]);
  });
});

// ---- fetch -----------------------------------------------------------------------------------------------------

describe("fetch without network.allow", () => {
  it("is denied by default with a TypeError naming the host and network.allow", async () => {
    const v = await value(`
      try { await fetch("https://api.example.com/x"); "fetched" } catch (e) { [e.name, e instanceof TypeError, e.message] }`);
    const [name, isTypeError, message] = v as [string, boolean, string];
    expect(name).toBe("TypeError");
    expect(isTypeError).toBe(true);
    expect(message).toContain("api.example.com");
    expect(message).toContain("network.allow");
    expect(connections).toEqual([]);
  });

  it("rejects at once, before any connection: a 1 ms network timeout is never reached", async () => {
    const started = performance.now();
    const r = await run(
      `const t0 = Date.now();
       const message = await fetch("https://api.example.com/x", { method: "POST", body: "x" }).then(() => "fetched", (e) => e.name + ": " + e.message);
       [message, Date.now() - t0]`,
      { network: { allow: [], timeoutMs: 1 } },
    );
    expect(r.ok).toBe(true);
    const [message] = r.value as [string, number];
    expect(message).toMatch(/^TypeError: .*api\.example\.com.*network\.allow/);
    expect(message).not.toMatch(/timed out|TimeoutError/);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(connections).toEqual([]);
  });

  it("an uncaught denial fails the run with the same TypeError", async () => {
    const r = await run(`await fetch("https://api.example.com/data.json")`);
    expect(r.ok).toBe(false);
    expect(r.error?.name).toBe("TypeError");
    expect(r.error?.message).toContain("api.example.com");
    expect(r.error?.message).toContain("network.allow");
  });

  it("other hosts, ports and schemes than the allowed ones are refused by policy", async () => {
    const v = (await value(
      `const urls = ["http://api.example.com/", "https://api.example.com:8443/", "https://evil.example.com/",
         "file:///etc/passwd", "ftp://example.com/x"];
       const out = [];
       for (const u of urls) out.push(await fetch(u).then(() => "fetched", (e) => e.name + ": " + e.message));
       out`,
      { network: { allow: ["https://api.example.com"], timeoutMs: 1 } },
    )) as string[];
    for (const message of v) expect(message).toMatch(/^TypeError: /);
    expect(v[0]).toContain("http://api.example.com");
    expect(v[0]).toContain("network.allow");
    expect(v[1]).toContain("8443");
    expect(v[1]).toContain("network.allow");
    expect(v[2]).toContain("evil.example.com");
    expect(v[2]).toContain("network.allow");
    expect(v[3]).toMatch(/file:/);
    expect(v[4]).toMatch(/ftp:/);
    expect(connections).toEqual([]);
  });
});

describe("fetch to an allowed local server", () => {
  let server: http.Server;
  let base: string;
  let port: number;
  const closedSlowRequests: number[] = [];
  let slowStarted = 0;

  beforeAll(async () => {
    server = http.createServer(async (req, res) => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const body = Buffer.concat(chunks).toString();
      switch (url.pathname) {
        case "/json":
          res.setHeader("content-type", "application/json");
          res.end(JSON.stringify({ hello: "world", n: 42 }));
          return;
        case "/text":
          res.setHeader("content-type", "text/plain; charset=utf-8");
          res.end("plain text é");
          return;
        case "/bytes":
          res.end(Buffer.from([0, 1, 2, 253, 254, 255]));
          return;
        case "/echo":
          res.setHeader("content-type", "application/json");
          res.setHeader("x-reply", "pong");
          res.setHeader("x-multi", ["one", "two"]);
          res.end(
            JSON.stringify({
              method: req.method,
              body,
              contentType: req.headers["content-type"],
              custom: req.headers["x-custom"],
              host: req.headers.host,
              accept: req.headers.accept,
            }),
          );
          return;
        case "/status":
          res.statusCode = 418;
          res.statusMessage = "I'm a teapot";
          res.end("teapot");
          return;
        case "/redirect":
          res.statusCode = 302;
          res.setHeader("location", "/json");
          res.end();
          return;
        case "/redirect-post":
          res.statusCode = 307;
          res.setHeader("location", "/echo");
          res.end();
          return;
        case "/redirect-elsewhere":
          res.statusCode = 302;
          res.setHeader("location", "http://127.0.0.2:1/");
          res.end();
          return;
        case "/big":
          res.end("x".repeat(5000));
          return;
        case "/stream":
          res.setHeader("content-type", "text/plain");
          res.write("first,");
          setTimeout(() => res.write("second,"), 30);
          setTimeout(() => res.end("third"), 60);
          return;
        case "/slow": {
          slowStarted++;
          const timer = setTimeout(() => res.end("late"), 5000);
          res.on("close", () => {
            clearTimeout(timer);
            closedSlowRequests.push(performance.now());
          });
          return;
        }
        default:
          res.statusCode = 404;
          res.end("not found");
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as net.AddressInfo).port;
    ownPorts.add(port);
    base = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const allowed = (extra: Partial<NonNullable<RunOptions["network"]>> = {}): RunOptions => ({
    network: { allow: [base], ...extra },
  });

  it("GET as JSON, text and arrayBuffer", async () => {
    const before = connections.length;
    const v = await value(
      `const base = ${JSON.stringify(base)};
       const r1 = await fetch(base + "/json");
       const json = [r1.status, r1.ok, r1.statusText, r1.headers.get("content-type"), await r1.json(), r1.url, r1.redirected];
       const text = await (await fetch(base + "/text")).text();
       const bytes = Array.from(new Uint8Array(await (await fetch(new URL("/bytes", base))).arrayBuffer()));
       const missing = await fetch(base + "/missing");
       const teapot = await fetch(new Request(base + "/status"));
       [json, text, bytes, [missing.status, missing.ok, await missing.text()], [teapot.status, teapot.statusText]]`,
      allowed(),
    );
    expect(v).toEqual([
      [200, true, "OK", "application/json", { hello: "world", n: 42 }, `${base}/json`, false],
      "plain text é",
      [0, 1, 2, 253, 254, 255],
      [404, false, "not found"],
      [418, "I'm a teapot"],
    ]);
    // The guard saw the exchanges: it is in the path of every connection.
    expect(connections.length - before).toBe(5);
    expect(new Set(connections)).toEqual(new Set([`127.0.0.1:${port}`]));
  });

  it("POST with a JSON body, and headers both ways", async () => {
    const v = await value(
      `const res = await fetch(${JSON.stringify(`${base}/echo`)}, {
         method: "POST",
         body: JSON.stringify({ a: 1, text: "é" }),
         headers: { "Content-Type": "application/json", "X-Custom": "custom value", Accept: "application/json" },
       });
       [await res.json(), res.headers.get("x-reply"), res.headers.get("x-multi"), res.headers.has("content-length")]`,
      allowed(),
    );
    expect(v).toEqual([
      {
        method: "POST",
        body: '{"a":1,"text":"é"}',
        contentType: "application/json",
        custom: "custom value",
        host: `127.0.0.1:${port}`,
        accept: "application/json",
      },
      "pong",
      "one, two",
      true,
    ]);
  });

  it("sends Request objects, URLSearchParams and byte bodies", async () => {
    const v = await value(
      `const base = ${JSON.stringify(base)};
       const a = await (await fetch(new Request(base + "/echo", { method: "PUT", body: "raw text" }))).json();
       const b = await (await fetch(base + "/echo", { method: "POST", body: new URLSearchParams({ q: "a b" }) })).json();
       const c = await (await fetch(base + "/echo", { method: "POST", body: new Uint8Array([104, 105]) })).json();
       [[a.method, a.body], [b.body, b.contentType], c.body]`,
      allowed(),
    );
    expect(v).toEqual([
      ["PUT", "raw text"],
      ["q=a+b", "application/x-www-form-urlencoded;charset=UTF-8"],
      "hi",
    ]);
  });

  it("follows a redirect on the same server", async () => {
    const v = await value(
      `const base = ${JSON.stringify(base)};
       const r = await fetch(base + "/redirect");
       const kept = await fetch(base + "/redirect-post", { method: "POST", body: "kept" });
       const manual = await fetch(base + "/redirect", { redirect: "manual" });
       [r.status, r.redirected, r.url, await r.json(), (await kept.json()).body, manual.status, manual.headers.get("location")]`,
      allowed(),
    );
    expect(v).toEqual([200, true, `${base}/json`, { hello: "world", n: 42 }, "kept", 302, "/json"]);
  });

  it("refuses a redirect to a host that is not allowed, by policy, without contacting it", async () => {
    const v = await value(
      `try { await fetch(${JSON.stringify(`${base}/redirect-elsewhere`)}); "followed" } catch (e) { [e.name, e.message] }`,
      allowed(),
    );
    const [name, message] = v as [string, string];
    expect(name).toBe("TypeError");
    expect(message).toContain("127.0.0.2");
    expect(message).toContain("network.allow");
    expect(connections.every((c) => c === `127.0.0.1:${port}`)).toBe(true);
  });

  it("refuses the same server under another name or port than the allowed entry", async () => {
    const v = await value(
      `const out = [];
       for (const u of ["http://localhost:${port}/json", "http://127.0.0.1:${port + 1 === 65536 ? 1 : port + 1}/json", "https://127.0.0.1:${port}/json"])
         out.push(await fetch(u).then(() => "fetched", (e) => e.name + ": " + e.message));
       out`,
      allowed(),
    );
    for (const message of v as string[]) {
      expect(message).toMatch(/^TypeError: /);
      expect(message).toContain("network.allow");
    }
  });

  it("maxResponseBytes: a larger body is an error naming network.maxResponseBytes", async () => {
    const v = await value(
      `const res = await fetch(${JSON.stringify(`${base}/big`)});
       try { await res.text(); "read" } catch (e) { [res.status, e.name, e.message] }`,
      allowed({ maxResponseBytes: 1000 }),
    );
    const [status, name, message] = v as [number, string, string];
    expect(status).toBe(200);
    expect(name).toBe("TypeError");
    expect(message).toContain("network.maxResponseBytes");
    expect(message).toContain("1000");
    // Exactly at the limit is fine.
    const exact = await value(
      `(await (await fetch(${JSON.stringify(`${base}/big`)})).text()).length`,
      allowed({ maxResponseBytes: 5000 }),
    );
    expect(exact).toBe(5000);
  });

  it("maxRequests: 1 refuses the second fetch, naming network.maxRequests", async () => {
    const v = await value(
      `const first = await (await fetch(${JSON.stringify(`${base}/text`)})).text();
       const second = await fetch(${JSON.stringify(`${base}/text`)}).then(() => "fetched", (e) => [e.name, e.message]);
       [first, second]`,
      allowed({ maxRequests: 1 }),
    );
    const [first, [name, message]] = v as [string, [string, string]];
    expect(first).toBe("plain text é");
    expect(name).toBe("TypeError");
    expect(message).toContain("network.maxRequests");
    // Redirect hops count as requests.
    const redirected = await value(
      `await fetch(${JSON.stringify(`${base}/redirect`)}).then(() => "fetched", (e) => e.message)`,
      allowed({ maxRequests: 1 }),
    );
    expect(redirected).toContain("network.maxRequests");
  });

  it("streams a body with for await over res.body, and with a reader", async () => {
    const v = await value(
      `const decoder = new TextDecoder();
       const res = await fetch(${JSON.stringify(`${base}/stream`)});
       const parts = [];
       for await (const chunk of res.body) parts.push(decoder.decode(chunk, { stream: true }));
       const reader = (await fetch(${JSON.stringify(`${base}/stream`)})).body.getReader();
       let text = ""; for (;;) { const { done, value } = await reader.read(); if (done) break; text += decoder.decode(value); }
       [parts.join(""), parts.length >= 2, text]`,
      allowed(),
    );
    expect(v).toEqual(["first,second,third", true, "first,second,third"]);
  });

  it("an AbortSignal aborts a pending fetch", async () => {
    const closedBefore = closedSlowRequests.length;
    const startedBefore = slowStarted;
    const started = performance.now();
    const v = await value(
      `const ac = new AbortController();
       setTimeout(() => ac.abort(), 50);
       const aborted = await fetch(${JSON.stringify(`${base}/slow`)}, { signal: ac.signal }).then(() => "fetched", (e) => e.name);
       const timedOut = await fetch(${JSON.stringify(`${base}/slow`)}, { signal: AbortSignal.timeout(50) }).then(() => "fetched", (e) => e.name);
       [aborted, timedOut]`,
      { ...allowed(), timeoutMs: 10_000 },
    );
    expect(v).toEqual(["AbortError", "TimeoutError"]);
    // The exchanges are dropped too: the run does not wait for the server's late answers (5 s).
    expect(performance.now() - started).toBeLessThan(2000);
    // Every request that reached the server is closed (on a loaded machine an abort can come before a request
    // reaches the server at all; the run's-timeout test below checks one that surely did).
    await waitFor(() => closedSlowRequests.length - closedBefore >= slowStarted - startedBefore);
  });

  it("network.timeoutMs bounds a fetch", async () => {
    const started = performance.now();
    const v = await value(
      `await fetch(${JSON.stringify(`${base}/slow`)}).then(() => "fetched", (e) => [e.name, e.message])`,
      allowed({ timeoutMs: 200 }),
    );
    const [name, message] = v as [string, string];
    expect(name).toBe("TimeoutError");
    expect(message).toContain("network.timeoutMs");
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it("the run's timeout aborts a pending fetch and the server sees the connection closed", async () => {
    const startedBefore = slowStarted;
    const closedBefore = closedSlowRequests.length;
    const started = performance.now();
    const r = await run(`await fetch(${JSON.stringify(`${base}/slow`)}); "finished"`, {
      ...allowed(),
      timeoutMs: 500,
    });
    const elapsed = performance.now() - started;
    expect(r.ok).toBe(false);
    expect(r.error?.name).toBe("TimeoutError");
    expect(r.exitCode).toBe(124);
    expect(elapsed).toBeGreaterThanOrEqual(450);
    expect(elapsed).toBeLessThan(1500);
    expect(slowStarted).toBe(startedBefore + 1);
    await waitFor(() => closedSlowRequests.length > closedBefore);
    expect(closedSlowRequests.at(-1)! - started).toBeLessThan(2000);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const until = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > until) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
