import { describe, expect, it, vi } from "vitest";
import { create as createEvents } from "./guest/events.js";
import { create } from "./guest/fetch.js";
import { create as createUrl } from "./guest/url.js";

type HeadersInit = ConstructorParameters<typeof Headers>[0];
type BlobPart = ConstructorParameters<typeof Blob>[0] extends Iterable<infer P> | undefined ? P : never;
type BodyInit = ConstructorParameters<typeof Response>[0];

type Globals = {
  Headers: typeof Headers;
  Request: typeof Request;
  Response: typeof Response;
  Blob: typeof Blob;
  File: typeof File;
  FormData: typeof FormData;
  fetch: typeof fetch;
};

interface Canned {
  status?: number;
  statusText?: string;
  headers?: [string, string][];
  url?: string;
  redirected?: boolean;
  chunks?: (Uint8Array | string)[];
  /** Rejects op("fetch") with this. */
  fail?: unknown;
  /** Rejects op("fetchRead") after the chunks with this. */
  failRead?: unknown;
  /** op("fetch") waits for this before resolving. */
  gate?: Promise<void>;
}

/** A fake host: serves canned responses and records every op call. */
function fakeHost(canned: Canned = {}) {
  const calls: unknown[][] = [];
  let nextId = 1;
  let exchangeId: number | undefined;
  const bodies = new Map<number, Uint8Array[]>();
  // The host protocol: op("fetch", requestJson, bodyArrayBuffer?) resolves to the head as JSON text, and
  // op("fetchRead", id) to an ArrayBuffer chunk or null. Calls are recorded with the request decoded.
  const op = vi.fn(async (name: string, ...args: unknown[]): Promise<unknown> => {
    if (name === "fetch") {
      const request = JSON.parse(args[0] as string) as Record<string, unknown>;
      request.body = args[1] === undefined ? undefined : new Uint8Array(args[1] as ArrayBuffer);
      exchangeId = args[2] as number;
      args = [request];
    }
    calls.push([name, ...args]);
    if (name === "fetch") {
      await canned.gate;
      if (canned.fail !== undefined) throw canned.fail;
      const id = exchangeId ?? nextId++;
      const enc = new TextEncoder();
      bodies.set(
        id,
        (canned.chunks ?? []).map((c) => (typeof c === "string" ? enc.encode(c) : c)),
      );
      const { url } = args[0] as { url: string };
      return JSON.stringify({
        id,
        status: canned.status ?? 200,
        statusText: canned.statusText ?? "OK",
        headers: canned.headers ?? [["content-type", "text/plain"]],
        url: canned.url ?? url,
        redirected: canned.redirected ?? false,
      });
    }
    if (name === "fetchRead") {
      const queue = bodies.get(args[0] as number)!;
      const chunk = queue.shift();
      if (chunk) return chunk.buffer.slice(chunk.byteOffset, chunk.byteOffset + chunk.byteLength);
      if (canned.failRead !== undefined) throw canned.failRead;
      return null;
    }
    if (name === "fetchCancel") return undefined;
    throw new Error(`unexpected op ${name}`);
  });
  return { op, calls };
}

// The fetch bundle finds URL, URLSearchParams and AbortController as globals (Node's, here); the guest
// versions are used where a test hands objects to fetch.
const webGlobals = { ...createUrl(() => undefined), ...createEvents(() => undefined) };
const G = create(fakeHost().op) as unknown as Globals;
const N: Globals = { Headers, Request, Response, Blob, File, FormData, fetch };
const Events = webGlobals as unknown as {
  AbortController: typeof AbortController;
  AbortSignal: typeof AbortSignal;
};

function same<T>(scenario: (impl: Globals) => T | Promise<T>) {
  return Promise.all([scenario(G), scenario(N)]).then(([mine, node]) => expect(mine).toEqual(node));
}
const outcome = <T>(f: () => T): T | string => {
  try {
    return f();
  } catch (e) {
    return (e as Error).name;
  }
};

describe("Headers matches Node's", () => {
  it("is case-insensitive, combines values and iterates sorted with set-cookie kept apart", () =>
    same(({ Headers }) => {
      const h = new Headers({ "X-B": "2", "x-a": " 1 \t" });
      h.append("X-b", "3");
      h.append("Set-Cookie", "a=1");
      h.append("set-cookie", "b=2");
      h.append("accept", "*/*");
      const out: unknown[] = [
        h.get("x-b"),
        h.get("X-A"),
        h.get("nope"),
        h.has("SET-COOKIE"),
        h.getSetCookie(),
      ];
      out.push([...h], [...h.keys()], [...h.values()], [...h.entries()]);
      h.set("x-b", "only");
      h.delete("Accept");
      const each: string[] = [];
      h.forEach((v, k) => {
        each.push(`${k}=${v}`);
      });
      out.push([...h], each, h.get("set-cookie"));
      return out;
    }));
  it("accepts the same inits as Node", () =>
    same(({ Headers }) => {
      const inits = [
        [
          ["a", "1"],
          ["A", "2"],
        ],
        new Map([["m", "v"]]),
        new Headers([
          ["c", "3"],
          ["set-cookie", "x"],
          ["set-cookie", "y"],
        ]),
        { z: "1", y: "2" },
      ];
      return inits.map((init) => [...new Headers(init as HeadersInit)]);
    }));
  it("validates names and values like Node", () =>
    same(({ Headers }) => {
      const tries: [string, string][] = [
        ["a b", "v"],
        ["", "v"],
        ["é", "v"],
        ["a", "x\ny"],
        ["a", "x\0y"],
        ["a", "\u20ac"],
        ["a", "é\x01"],
        ["a", " \t trimmed \t "],
        ["!#$%&'*+-.^_`|~", "ok"],
      ];
      return tries.map(([k, v]) =>
        outcome(() => {
          const h = new Headers();
          h.append(k, v);
          return h.get(k);
        }),
      );
    }));
  it("rejects malformed init pairs like Node", () =>
    same(({ Headers }) => [
      outcome(() => new Headers([["a"]] as unknown as HeadersInit)),
      outcome(() => new Headers([["a", "b", "c"]] as unknown as HeadersInit)),
      outcome(() => new Headers(5 as unknown as HeadersInit)),
    ]));
  it("iterates live, by index into the sorted list", () =>
    same(({ Headers }) => {
      const h = new Headers([["b", "1"]]);
      const seen: string[] = [];
      for (const [k] of h) {
        seen.push(k);
        if (seen.length < 4) h.append(`a${seen.length}`, "x");
      }
      return seen;
    }));
  it("has enumerable methods, like Node", () =>
    same(({ Headers, FormData }) => [
      Object.keys(Headers.prototype).sort(),
      Object.keys(FormData.prototype).sort(),
    ]));
});

describe("Blob and File match Node's", () => {
  const parts = () => [
    "héllo",
    new Uint8Array([1, 2, 3]),
    new Uint16Array([0x4142]).buffer,
    new DataView(new Uint8Array([9]).buffer),
    42,
  ];
  it("concatenates parts and reports size, type, bytes and text", () =>
    same(async ({ Blob }) => {
      const b = new Blob([...parts(), new Blob(["inner"])] as BlobPart[], {
        type: "Text/Plain;Charset=UTF-8",
      });
      const bad = new Blob([], { type: "a\u00e9" });
      return [b.size, b.type, bad.type, [...new Uint8Array(await b.arrayBuffer())], await b.text()];
    }));
  it("slices like Node", () =>
    same(async ({ Blob }) => {
      const b = new Blob(["0123456789"]);
      const ranges: [number?, number?, string?][] = [
        [],
        [2],
        [2, 5],
        [-3],
        [-3, -1],
        [5, 2],
        [0, 100],
        [-100, 3],
        [1, 4, "X/Y"],
      ];
      return Promise.all(
        ranges.map(async (r) => {
          const s = b.slice(...r);
          return [s.size, s.type, await s.text()];
        }),
      );
    }));
  it("drops a leading BOM in text() and converts endings when asked", () =>
    same(async ({ Blob }) => [
      await new Blob([new Uint8Array([0xef, 0xbb, 0xbf, 0x41])]).text(),
      await new Blob(["a\r\nb\nc\n"], { endings: "native" }).text(),
      await new Blob(["a\r\nb"], { endings: "transparent" }).text(),
    ]));
  it("converts a lone CR to LF with native endings (File API)", async () => {
    expect(await new G.Blob(["a\rb\r\nc"], { endings: "native" }).text()).toBe("a\nb\nc");
  });
  it("has bytes() and a readable stream()", async () => {
    const b = new G.Blob(["abc"]);
    expect(await b.bytes()).toEqual(new Uint8Array([97, 98, 99]));
    const chunks: Uint8Array[] = [];
    for await (const c of b.stream() as unknown as AsyncIterable<Uint8Array>) chunks.push(c);
    expect(chunks).toEqual([new Uint8Array([97, 98, 99])]);
  });
  it("rejects non-sequence parts", () => {
    expect(() => new G.Blob("abc" as unknown as BlobPart[])).toThrow(TypeError);
    expect(() => new N.Blob("abc" as unknown as BlobPart[])).toThrow(TypeError);
  });
  it("File has a name and lastModified", () =>
    same(async ({ File, Blob }) => {
      const f = new File(["x"], "a.txt", { type: "text/plain", lastModified: 5 });
      return [f.name, f.lastModified, f.type, f.size, await f.text(), f instanceof Blob];
    }));
});

describe("FormData matches Node's", () => {
  it("stores strings and files and implements the methods", () =>
    same(async ({ FormData, Blob, File }) => {
      const fd = new FormData();
      fd.append("a", "1");
      fd.append("b", new Blob(["blob"], { type: "text/x" }));
      fd.append("c", new Blob(["named"]), "n.txt");
      fd.append("a", "2");
      fd.set("d", new File(["f"], "f.bin"));
      const file = fd.get("b") as File;
      const out: unknown[] = [
        fd.get("a"),
        fd.getAll("a"),
        fd.has("c"),
        fd.get("zz"),
        file.name,
        file.type,
        await file.text(),
      ];
      out.push((fd.get("c") as File).name, (fd.get("d") as File).name, [...fd.keys()]);
      fd.set("a", "3");
      fd.delete("c");
      out.push([...fd].map(([k, v]) => [k, typeof v === "string" ? v : (v as File).name]));
      return out;
    }));
  it("keeps the same File object when no filename is given", () => {
    const fd = new G.FormData();
    const f = new G.File(["x"], "x.txt");
    fd.append("f", f);
    expect(fd.get("f")).toBe(f);
  });
  it("serializes to multipart/form-data that Node parses back", async () => {
    const fd = new G.FormData();
    fd.append('na"me\n', "line1\nline2\r\n");
    fd.append(
      "file",
      new G.Blob([new Uint8Array([0, 255, 13, 10])], { type: "application/x-bin" }),
      'd"ata.bin',
    );
    fd.append("text", "ü");
    const req = new G.Request("http://x/", { method: "POST", body: fd });
    const type = req.headers.get("content-type")!;
    expect(type).toMatch(/^multipart\/form-data; boundary=/);
    const parsed = await new Response(await req.arrayBuffer(), {
      headers: { "content-type": type },
    }).formData();
    expect([...parsed.keys()]).toEqual(['na"me\r\n', "file", "text"]);
    expect(parsed.get('na"me\r\n')).toBe("line1\r\nline2\r\n");
    const file = parsed.get("file") as File;
    expect([file.name, file.type, [...new Uint8Array(await file.arrayBuffer())]]).toEqual([
      'd"ata.bin',
      "application/x-bin",
      [0, 255, 13, 10],
    ]);
    expect(parsed.get("text")).toBe("ü");
  });
  it("sends a File's type, or application/octet-stream", async () => {
    const fd = new G.FormData();
    fd.append("a", new G.Blob(["x"]));
    const text = await new G.Request("http://x/", { method: "POST", body: fd }).text();
    expect(text).toContain(
      'Content-Disposition: form-data; name="a"; filename="blob"\r\nContent-Type: application/octet-stream\r\n\r\nx\r\n',
    );
  });
});

describe("Response matches Node's", () => {
  const view = async (r: Response) => [
    r.status,
    r.ok,
    r.statusText,
    r.type,
    r.url,
    r.redirected,
    [...r.headers],
    r.body === null,
    r.bodyUsed,
  ];
  it("constructs with defaults, bodies and content types", () =>
    same(async ({ Response, Blob }) => {
      const bodies: unknown[] = [
        undefined,
        null,
        "text",
        new Uint8Array([104, 105]),
        new Uint8Array([1, 2, 3]).buffer,
        new Blob(["b"], { type: "x/y" }),
        new URLSearchParams("a=1 2"),
      ];
      return Promise.all(
        bodies.map(async (b) => {
          const r = new Response(b as BodyInit, { status: 201, statusText: "Made", headers: { "x-a": "1" } });
          return [...(await view(r)), await r.text(), r.bodyUsed];
        }),
      );
    }));
  it("validates status and statusText like Node", () =>
    same(({ Response }) => [
      outcome(() => new Response(null, { status: 199 }).status),
      outcome(() => new Response(null, { status: 600 }).status),
      outcome(() => new Response(null, { status: 599 }).status),
      outcome(() => new Response("x", { status: 204 }).status),
      outcome(() => new Response(null, { status: 204 }).status),
      outcome(() => new Response(null, { statusText: "a\nb" }).status),
    ]));
  it("reads bodies as text, json, bytes, blob and arrayBuffer, once", () =>
    same(async ({ Response }) => {
      const out: unknown[] = [];
      out.push(await new Response('{"a":[1]}').json());
      out.push([...new Uint8Array(await new Response("hi").arrayBuffer())]);
      const blob = await new Response("x", {
        headers: { "content-type": "Text/HTML; Charset=utf-8" },
      }).blob();
      out.push(blob.type, blob.size);
      const r = new Response("once");
      out.push(await r.text(), r.bodyUsed);
      out.push(await r.text().catch((e) => e.name));
      out.push(await new Response("{bad").json().catch((e) => e.name));
      out.push(await new Response().text(), new Response().bodyUsed);
      return out;
    }));
  it("parses urlencoded bodies with formData()", () =>
    same(async ({ Response }) => {
      const r = new Response("a=1&b=x+y&a=%C3%A9", {
        headers: { "content-type": "application/x-www-form-urlencoded;charset=UTF-8" },
      });
      const fd = await r.formData();
      const bad = await new Response("a=1", { headers: { "content-type": "text/plain" } })
        .formData()
        .catch((e) => e.name);
      const noType = await new Response(new Uint8Array([97])).formData().catch((e) => e.name);
      return [[...fd], bad, noType];
    }));
  it("clones bodies and refuses to clone a used one", () =>
    same(async ({ Response }) => {
      const r = new Response("shared", { status: 202, headers: { a: "1" } });
      const c = r.clone();
      const out: unknown[] = [await c.text(), await r.text(), c.status, [...c.headers]];
      out.push(outcome(() => r.clone()));
      return out;
    }));
  it("Response.json, Response.error and Response.redirect", () =>
    same(async ({ Response }) => {
      const j = Response.json({ a: 1 }, { status: 201, headers: { "x-y": "z" } });
      const j2 = Response.json("s", { headers: { "content-type": "text/custom" } });
      const e = Response.error();
      const r = Response.redirect("http://a.com/x y", 301);
      return [
        await view(j),
        await j.text(),
        [...j2.headers],
        await view(e),
        outcome(() => e.headers.set("a", "b")),
        await view(r),
        outcome(() => r.headers.set("a", "b")),
        outcome(() => Response.redirect("http://a/", 200 as 301)),
        outcome(() => Response.redirect("relative", 302)),
        outcome(() => Response.json(undefined)),
      ];
    }));
  it("exposes the body as a stream with a reader", async () => {
    const r = new G.Response("abc");
    const body = r.body as unknown as {
      getReader(): { read(): Promise<{ done: boolean; value?: Uint8Array }>; releaseLock(): void };
      locked: boolean;
    };
    expect(r.body).toBe(r.body);
    const reader = body.getReader();
    expect(body.locked).toBe(true);
    expect(() => body.getReader()).toThrow(TypeError);
    expect(await reader.read()).toEqual({ done: false, value: new Uint8Array([97, 98, 99]) });
    expect(await reader.read()).toEqual({ done: true, value: undefined });
    expect(r.bodyUsed).toBe(true);
    reader.releaseLock();
    expect(body.locked).toBe(false);
    await expect(r.text()).rejects.toThrow(TypeError);
  });
  it("accepts another body's stream as a body", async () => {
    const piped = new G.Response(new G.Response("xyz").body);
    expect(await piped.text()).toBe("xyz");
  });
});

describe("Request matches Node's", () => {
  const view = (r: Request) => [
    r.url,
    r.method,
    [...r.headers],
    r.redirect,
    r.mode,
    r.credentials,
    r.cache,
    r.referrer,
    r.integrity,
    r.keepalive,
    r.body === null,
    r.bodyUsed,
  ];
  it("normalizes URL, method and headers, and sets Content-Type from the body", () =>
    same(async ({ Request }) => {
      const a = new Request("HTTP://A.com/p/../q?x#frag");
      const b = new Request("http://a.com/", {
        method: "post",
        body: "hi",
        headers: { "x-a": "1" },
        redirect: "manual",
      });
      const c = new Request("http://a.com/", { method: "patch", body: new URLSearchParams("q=1") });
      const d = new Request(b, { headers: { "x-b": "2" } });
      return [view(a), view(b), view(c), view(d), await d.text(), b.bodyUsed];
    }));
  it("rejects what Node rejects", () =>
    same(({ Request }) => [
      outcome(() => new Request("relative")),
      outcome(() => new Request("http://u:p@a.com/")),
      outcome(() => new Request("http://a.com/", { method: "GET", body: "x" })),
      outcome(() => new Request("http://a.com/", { method: "HEAD", body: "x" })),
      outcome(() => new Request("http://a.com/", { method: "CONNECT" })),
      outcome(() => new Request("http://a.com/", { method: "bad method" })),
      outcome(() => new Request("http://a.com/", { redirect: "nope" } as unknown as RequestInit)),
    ]));
  it("clones and reads its body", () =>
    same(async ({ Request }) => {
      const r = new Request("http://a.com/", { method: "PUT", body: "data" });
      const c = r.clone();
      return [await c.text(), await r.text(), c.method, outcome(() => r.clone())];
    }));
  it("has a signal, defaulting to a never-aborted one", () => {
    const none = new G.Request("http://a.com/");
    expect(none.signal).toBeInstanceOf(globalThis.AbortSignal);
    expect(none.signal.aborted).toBe(false);
    const ac = new Events.AbortController();
    expect(new G.Request("http://a.com/", { signal: ac.signal }).signal).toBe(ac.signal);
    expect(() => new G.Request("http://a.com/", { signal: {} as AbortSignal })).toThrow(TypeError);
  });
});

describe("fetch", () => {
  const dec = (b: Uint8Array) => new TextDecoder().decode(b);
  it("sends the request through op('fetch') and streams the body with op('fetchRead')", async () => {
    const host = fakeHost({
      status: 201,
      statusText: "Created",
      headers: [
        ["Content-Type", "application/json"],
        ["set-cookie", "a=1"],
        ["set-cookie", "b=2"],
      ],
      url: "http://b.com/final",
      redirected: true,
      chunks: ['{"a":', "1}"],
    });
    const g = create(host.op) as unknown as Globals;
    const res = await g.fetch("http://a.com/x#frag", {
      method: "POST",
      headers: { "X-Token": "t" },
      body: "payload",
    });
    const [name, req] = host.calls[0] as [
      string,
      { url: string; method: string; headers: [string, string][]; body: Uint8Array },
    ];
    expect(name).toBe("fetch");
    expect(req.url).toBe("http://a.com/x");
    expect(req.method).toBe("POST");
    expect(req.headers).toEqual([
      ["content-type", "text/plain;charset=UTF-8"],
      ["x-token", "t"],
    ]);
    expect(dec(req.body)).toBe("payload");
    expect([res.status, res.statusText, res.ok, res.url, res.redirected, res.type]).toEqual([
      201,
      "Created",
      true,
      "http://b.com/final",
      true,
      "basic",
    ]);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(res.headers.getSetCookie()).toEqual(["a=1", "b=2"]);
    expect(() => res.headers.set("x", "y")).toThrow(TypeError);
    expect(await res.json()).toEqual({ a: 1 });
    expect(host.calls.map((c) => c[0])).toEqual(["fetch", "fetchRead", "fetchRead", "fetchRead"]);
    expect(host.calls.slice(1).every((c) => c[1] === 1)).toBe(true);
  });
  it("sends no body for GET, and accepts a Request or a URL object", async () => {
    const host = fakeHost();
    const g = create(host.op) as unknown as Globals;
    const url = new (webGlobals as unknown as { URL: typeof URL }).URL("http://a.com/u");
    await g.fetch(url as unknown as string);
    await g.fetch(new g.Request("http://a.com/r", { method: "DELETE", headers: { a: "b" } }));
    expect(host.calls.filter((c) => c[0] === "fetch").map((c) => c[1])).toMatchObject([
      { url: "http://a.com/u", method: "GET", body: undefined, headers: [] },
      { url: "http://a.com/r", method: "DELETE", body: undefined, headers: [["a", "b"]] },
    ]);
  });
  it("reads the body chunk by chunk through the reader and async iteration", async () => {
    const host = fakeHost({ chunks: ["ab", "cd", "ef"] });
    const g = create(host.op) as unknown as Globals;
    const res = await g.fetch("http://a.com/");
    const reader = (res.body as unknown as ReadableStream<Uint8Array>).getReader();
    expect(dec((await reader.read()).value!)).toBe("ab");
    reader.releaseLock();
    const rest: string[] = [];
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) rest.push(dec(chunk));
    expect(rest).toEqual(["cd", "ef"]);
  });
  it("cancels the host body when the stream is cancelled or the iteration stops early", async () => {
    const host = fakeHost({ chunks: ["a", "b", "c"] });
    const g = create(host.op) as unknown as Globals;
    const res = await g.fetch("http://a.com/");
    for await (const _ of res.body as unknown as AsyncIterable<Uint8Array>) break;
    expect(host.calls.at(-1)).toEqual(["fetchCancel", 1]);
    const res2 = await g.fetch("http://a.com/");
    await (res2.body as unknown as ReadableStream).cancel();
    expect(host.calls.at(-1)).toEqual(["fetchCancel", 2]);
  });
  it("gives null-body responses no body and releases them on the host", async () => {
    const host = fakeHost({ status: 204 });
    const g = create(host.op) as unknown as Globals;
    const res = await g.fetch("http://a.com/");
    expect(res.body).toBeNull();
    expect(await res.text()).toBe("");
    expect(host.calls.at(-1)).toEqual(["fetchCancel", 1]);
  });
  it("turns host rejections into TypeErrors with the host's message", async () => {
    const g = create(
      fakeHost({ fail: new Error("network access is not allowed (grant it with allowNet)") }).op,
    ) as unknown as Globals;
    const err = await g.fetch("http://a.com/").catch((e) => e);
    expect(err).toBeInstanceOf(TypeError);
    expect(err.message).toBe("network access is not allowed (grant it with allowNet)");
    const g2 = create(fakeHost({ chunks: ["a"], failRead: "connection reset" }).op) as unknown as Globals;
    const res = await g2.fetch("http://a.com/");
    const readErr = await res.text().catch((e) => e);
    expect(readErr).toBeInstanceOf(TypeError);
    expect(readErr.message).toBe("connection reset");
  });
  it("rejects (without calling the host) when the request is invalid", async () => {
    const host = fakeHost();
    const g = create(host.op) as unknown as Globals;
    await expect(g.fetch("not a url")).rejects.toThrow(TypeError);
    await expect(g.fetch("http://a.com/", { method: "GET", body: "x" })).rejects.toThrow(TypeError);
    expect(host.op).not.toHaveBeenCalled();
  });
  it("rejects with the signal's reason when already aborted", async () => {
    const host = fakeHost();
    const g = create(host.op) as unknown as Globals;
    const reason = new Error("stop");
    await expect(g.fetch("http://a.com/", { signal: Events.AbortSignal.abort(reason) })).rejects.toBe(reason);
    const err = await g.fetch("http://a.com/", { signal: Events.AbortSignal.abort() }).catch((e) => e);
    expect(err.name).toBe("AbortError");
    expect(host.op).not.toHaveBeenCalled();
  });
  it("aborting while the request is in flight rejects and cancels it on the host", async () => {
    let open!: () => void;
    const host = fakeHost({ gate: new Promise<void>((r) => (open = r)) });
    const g = create(host.op) as unknown as Globals;
    const ac = new Events.AbortController();
    const pending = g.fetch("http://a.com/", { signal: ac.signal });
    await Promise.resolve();
    ac.abort("why");
    await expect(pending).rejects.toBe("why");
    open();
    await vi.waitFor(() => expect(host.calls.at(-1)).toEqual(["fetchCancel", 1]));
  });
  it("aborting after the response errors the body and cancels it on the host", async () => {
    const host = fakeHost({ chunks: ["a", "b"] });
    const g = create(host.op) as unknown as Globals;
    const ac = new Events.AbortController();
    const res = await g.fetch("http://a.com/", { signal: ac.signal });
    const reader = (res.body as unknown as ReadableStream<Uint8Array>).getReader();
    expect(dec((await reader.read()).value!)).toBe("a");
    ac.abort();
    expect(host.calls.at(-1)).toEqual(["fetchCancel", 1]);
    await expect(reader.read()).rejects.toMatchObject({ name: "AbortError" });
  });
  it("an abort after the body was read does nothing", async () => {
    const host = fakeHost({ chunks: ["a"] });
    const g = create(host.op) as unknown as Globals;
    const ac = new Events.AbortController();
    const res = await g.fetch("http://a.com/", { signal: ac.signal });
    expect(await res.text()).toBe("a");
    ac.abort();
    expect(host.calls.map((c) => c[0])).not.toContain("fetchCancel");
  });
  it("has the platform's names", () => {
    expect(G.fetch.name).toBe("fetch");
    expect(G.Headers.name).toBe("Headers");
    expect(Object.prototype.toString.call(new G.Headers())).toBe("[object Headers]");
    expect(Object.prototype.toString.call(new G.Blob([]))).toBe("[object Blob]");
  });
});
