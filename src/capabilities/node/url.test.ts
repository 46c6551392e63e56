import * as nodeUrl from "node:url";
import { describe, expect, it } from "vitest";
import { makeRequire } from "./guest/internal/testing.js";
import { create as createPath } from "./guest/path.js";
import { create as createQs } from "./guest/querystring.js";
import { create } from "./guest/url.js";

const url = makeRequire({ url: create, path: createPath, querystring: createQs })("url") as typeof nodeUrl;

/** Exported by Node but missing from its type definitions. */
type Legacy = { Url: new () => object; resolveObject(from: string, to: string): object };
const plain = (o: unknown) => JSON.parse(JSON.stringify(o));
const thrown = (fn: () => unknown) => {
  try {
    return { value: plain(fn()) };
  } catch (e) {
    const err = e as Error & { code?: string };
    return { name: err.name, code: err.code, message: err.message };
  }
};

const URLS = [
  "http://user:pass@host.com:8080/p/a/t/h?query=string#hash",
  "HTTP://EXAMPLE.com/Path?Q=1",
  "https://example.com",
  "https://example.com/",
  "//example.com/path",
  "/just/a/path?x=1&y=2",
  "relative/path",
  "?only=query",
  "#only-hash",
  "mailto:someone@example.com",
  "javascript:alert(1)",
  "file:///etc/passwd",
  "file://localhost/etc/hosts",
  "file:relative",
  "http://[::1]:3000/x",
  "http://[fe80::1%25eth0]/",
  "http://a.com/p a t h?q=1 2#h 3",
  "  http://trim.me/  ",
  "http://x.com\\back\\slash?a\\b",
  "http://ünicode.com/ü",
  "http://a@b@c/",
  "http://host:/path",
  "http://host:abc/path",
  "ftp://ftp.example.com/pub/file.txt",
  "ws://socket.example/chat",
  "redis://:secret@localhost:6379/0",
  "postgres://user@db.example.com:5432/mydb?ssl=true",
  "x:y:z",
  "http://a.com?x#y?z",
  "http://a.com/%7Efoo/'quoted'\"double\"<angle>{curly}|pipe^caret`tick",
  "git+ssh://git@github.com:user/repo.git",
  "",
];

describe("url.parse / format against Node", () => {
  for (const input of URLS) {
    it(JSON.stringify(input), () => {
      for (const [pq, sdh] of [
        [false, false],
        [true, false],
        [false, true],
      ] as const) {
        const ours = thrown(() => url.parse(input, pq as false, sdh));
        const theirs = thrown(() => nodeUrl.parse(input, pq as false, sdh));
        expect(ours).toEqual(theirs);
        if ("value" in theirs) {
          expect(url.format(input)).toBe(nodeUrl.format(input));
          expect(url.parse(input)).toBeInstanceOf((url as unknown as Legacy).Url);
        }
      }
    });
  }

  it("formats objects", () => {
    const objects: nodeUrl.UrlObject[] = [
      { protocol: "http", host: "a.com", pathname: "/x", query: { a: 1, b: ["x", "y"] } },
      { protocol: "https:", hostname: "b.com", port: 8443, pathname: "p", search: "q=1", hash: "h" },
      { protocol: "file", pathname: "/tmp/x" },
      { protocol: "mailto", pathname: "a@b.c" },
      { hostname: "::1", port: 80 },
      { auth: "us er:pa:ss", host: "h", slashes: true },
      { pathname: "/a#b?c", search: "?x#y" },
      {},
    ];
    for (const o of objects) expect(url.format(o)).toBe(nodeUrl.format(o));
    expect(thrown(() => url.format(5 as never))).toEqual(thrown(() => nodeUrl.format(5 as never)));
    const whatwg = new URL("https://user:pw@example.com:81/a?b=1#c");
    for (const opts of [undefined, { auth: false }, { search: false, fragment: false }, { unicode: true }])
      expect(url.format(whatwg, opts)).toBe(nodeUrl.format(whatwg, opts));
  });
});

describe("url.resolve against Node", () => {
  const cases: [string, string][] = [
    ["/one/two/three", "four"],
    ["http://example.com/", "/one"],
    ["http://example.com/one", "/two"],
    ["http://example.com/a/b/c", "../d"],
    ["http://example.com/a/b/c", "./d/../e"],
    ["http://example.com/a/b/", "../../../../x"],
    ["http://example.com/a", "//other.com/b"],
    ["http://example.com/a", "https://secure.com"],
    ["http://example.com/a?x=1", "?y=2"],
    ["http://example.com/a#h", "#k"],
    ["http://example.com/a", ""],
    ["mailto:a@b.com", "c@d.com"],
    ["a/b/c", "../d"],
    ["http://u:p@h.com/a", "b"],
    ["http://h.com/a/", "."],
    ["http://h.com/a/b", ".."],
    ["file:///a/b", "c"],
    ["http://h.com", "javascript:x"],
    ["foo:bar/baz", "qux"],
  ];
  it("resolves like Node", () => {
    for (const [from, to] of cases) {
      expect(url.resolve(from, to), `${from} + ${to}`).toBe(nodeUrl.resolve(from, to));
      const ours = (url as unknown as Legacy).resolveObject(from, to);
      expect(plain(ours)).toEqual(plain((nodeUrl as unknown as Legacy).resolveObject(from, to)));
    }
  });
});

describe("url helpers against Node", () => {
  it("fileURLToPath", () => {
    for (const input of [
      "file:///etc/passwd",
      "file:///a%20b/c%23d",
      "file://localhost/x",
      "file://host/x",
      "file:///a%2Fb",
      "http://x/y",
      new URL("file:///tmp/%E2%82%AC"),
      5,
    ])
      expect(thrown(() => url.fileURLToPath(input as string))).toEqual(
        thrown(() => nodeUrl.fileURLToPath(input as string)),
      );
  });

  it("pathToFileURL", () => {
    for (const p of [
      "/etc/passwd",
      "/a b/c#d?e%f",
      "/trailing/",
      "/x/../y",
      "/tab\there",
      '/a[b]^c|d~e\\f"g',
      "/€",
    ]) {
      expect(url.pathToFileURL(p).href).toBe(nodeUrl.pathToFileURL(p).href);
    }
    expect(url.pathToFileURL("rel/x").href).toBe(nodeUrl.pathToFileURL("rel/x").href);
    expect(thrown(() => url.pathToFileURL(5 as never))).toEqual(
      thrown(() => nodeUrl.pathToFileURL(5 as never)),
    );
  });

  it("domainToASCII / domainToUnicode", () => {
    for (const d of [
      "español.com",
      "中文.com",
      "xn--iñvalid.com",
      "a/b",
      "a:80",
      "a@b",
      "Example.COM",
      "",
      "[::1]",
      "1.2.3.4",
      "xn--espaol-zwa.com",
      "xn--fiq228c.com",
      "ex ample.com",
      "a_b.com",
      "0x7f.1",
      "XN--ESPAOL-ZWA.COM",
      "x",
      "xn--mnchen-3ya.de",
      "bücher.example",
    ]) {
      expect(url.domainToASCII(d), d).toBe(nodeUrl.domainToASCII(d));
      expect(url.domainToUnicode(d), d).toBe(nodeUrl.domainToUnicode(d));
    }
  });

  it("urlToHttpOptions and the WHATWG classes", () => {
    const u = new URL("https://a:b@[::1]:8080/p?q=1#h");
    expect(plain(url.urlToHttpOptions(u))).toEqual(plain(nodeUrl.urlToHttpOptions(u)));
    expect(url.URL).toBe(globalThis.URL);
    expect(url.URLSearchParams).toBe(globalThis.URLSearchParams);
  });
});
