import { describe, expect, it } from "vitest";
import { create } from "./guest/url.js";

const guest = create(() => undefined);
const GuestURL = guest.URL as unknown as typeof URL;
const GuestParams = guest.URLSearchParams as unknown as typeof URLSearchParams;

const COMPONENTS = [
  "href",
  "origin",
  "protocol",
  "username",
  "password",
  "host",
  "hostname",
  "port",
  "pathname",
  "search",
  "hash",
] as const;

function components(C: typeof URL, input: string, base?: string): Record<string, string> | "failure" {
  try {
    const u = base === undefined ? new C(input) : new C(input, base);
    return Object.fromEntries(COMPONENTS.map((k) => [k, u[k]]));
  } catch (e) {
    if (!(e instanceof TypeError)) throw e;
    return "failure";
  }
}

// [input, base?]: every component must equal Node's URL.
const CASES: [string, string?][] = [
  // plain and case
  ["http://example.com/a/b?c#d"],
  ["HTTP://EXAMPLE.COM/Path"],
  ["https://example.com:443/"],
  ["https://example.com:0443/"],
  ["http://example.com:80/"],
  ["http://example.com:8080/"],
  ["http://example.com:65535/"],
  ["http://example.com:65536/"],
  ["http://example.com:/"],
  ["http://example.com:8a/"],
  ["ws://example.com:80/"],
  ["wss://example.com:443/chat"],
  ["ftp://example.com:21/file"],
  ["ftp://user@example.com/"],
  // whitespace and control characters
  ["  http://example.com/  "],
  ["\t\nhttp://exa\tmple.com/p\na\rth\n"],
  ["\u0000http://example.com/\u001f"],
  ["http://example.com/a b"],
  ["http://example.com/a%20b"],
  // backslashes and slashes
  ["http:\\\\example.com\\a\\b"],
  ["http:/example.com/"],
  ["http:example.com/"],
  ["http:///example.com/"],
  ["http:/\\/\\example.com/p"],
  ["\\\\x\\y", "http://a/b"],
  ["//x/y", "http://a/b"],
  ["///x/y", "http://a/b"],
  ["/\\x", "http://a/b"],
  ["non-special:\\\\x\\y"],
  ["non-special://x\\y"],
  // dot segments
  ["http://a/b/c/./../../g"],
  ["http://a/b/./c/../d"],
  ["http://a/%2e%2E/b"],
  ["http://a/.%2e/b"],
  ["http://a/%2e/b"],
  ["http://a/b/.."],
  ["http://a/b/."],
  ["http://a/.."],
  ["http://a/b/%2e%2e"],
  ["http://a/b/..%2f"],
  ["non-spec:/a/../b"],
  ["non-spec:/.//p"],
  ["non-spec:/..//p"],
  ["non-spec:/a/..//p"],
  // relative resolution (RFC 3986 examples)
  ["g", "http://a/b/c/d;p?q"],
  ["./g", "http://a/b/c/d;p?q"],
  ["g/", "http://a/b/c/d;p?q"],
  ["/g", "http://a/b/c/d;p?q"],
  ["//g", "http://a/b/c/d;p?q"],
  ["?y", "http://a/b/c/d;p?q"],
  ["g?y", "http://a/b/c/d;p?q"],
  ["#s", "http://a/b/c/d;p?q"],
  ["g#s", "http://a/b/c/d;p?q"],
  ["g?y#s", "http://a/b/c/d;p?q"],
  [";x", "http://a/b/c/d;p?q"],
  ["", "http://a/b/c/d;p?q"],
  [".", "http://a/b/c/d;p?q"],
  ["..", "http://a/b/c/d;p?q"],
  ["../g", "http://a/b/c/d;p?q"],
  ["../../g", "http://a/b/c/d;p?q"],
  ["../../../../g", "http://a/b/c/d;p?q"],
  ["g;x=1/../y", "http://a/b/c/d;p?q"],
  ["http:g", "http://a/b/c/d;p?q"],
  ["https:g", "http://a/b/c/d;p?q"],
  ["x", "http://a"],
  ["x", "non-spec:/a/b"],
  ["../x", "non-spec:/a/b/c"],
  ["x", "sc://h"],
  ["?q", "sc://h/p?old#f"],
  // opaque paths
  ["mailto:someone@example.com"],
  ["javascript:alert(1)"],
  ["data:text/plain,hello world"],
  ["data:text/html,<b>é</b>#frag"],
  ["a:b c  ?x"],
  ["a:b c  #x"],
  ["#f", "a:opaque"],
  ["x", "a:opaque"],
  ["", "a:opaque?q"],
  ["urn:isbn:0451450523"],
  ["about:blank"],
  ["blob:https://a.com/uuid"],
  ["blob:file:///x"],
  ["blob:not a url"],
  // credentials
  ["http://user:pass@example.com/"],
  ["http://user:pa:ss@example.com/"],
  ["http://us er:p@ss@example.com/"],
  ["http://a@b@c/"],
  ["http://:@example.com/"],
  ["http://user:@example.com/"],
  ["http://:pass@example.com/"],
  ["http://@example.com/"],
  ["http://@/"],
  ["http://user@/"],
  ["http://ü:ñ@h/"],
  ["sc://user:pass@host/"],
  // hosts
  ["http://EXAMPLE.com./"],
  ["http://a..b/"],
  ["http://%41.com"],
  ["http://%zz.com"],
  ["http://%ff/"],
  ["http://a%00b/"],
  ["http://a b/"],
  ["http://a<b/"],
  ["http://a^b/"],
  ["http://a%b/"],
  ["http://a|b/"],
  ["http:///"],
  ["http://"],
  ["sc://ñ/"],
  ["sc://%/"],
  ["sc://a b/"],
  ["sc://a^b/"],
  ["sc://"],
  ["sc:///p"],
  ["sc://[::1]/"],
  ["sc://[xx]/"],
  // IDN
  ["http://faß.de/"],
  ["http://ÉCOLE.fr/"],
  ["http://ＡＢＣ。com/"],
  ["http://münchen.de/"],
  ["http://日本語.jp/"],
  ["http://xn--ls8h.la/"],
  ["http://xn--abc.com/"],
  ["http://xn--/"],
  ["http://XN--MNCHEN-3YA.de/"],
  ["http://a\u00adb/"],
  ["http://ex\u200bample.com/"],
  ["http://ΣΣ.gr/"],
  ["http://aϲ.gr/"],
  ["http://a\u2025b/"],
  ["http://a\u2064b/"],
  ["http://a\u2062b/"],
  ["http://a\ufffcb/"],
  ["http://a\u{e0100}b/"],
  ["http://\u0301a/"],
  ["http://xn--ffff/"],
  ["http://a\u3000b/"],
  ["http://ｅｘａｍｐｌｅ．ｃｏｍ/"],
  // IPv4
  ["http://0x7f.1/"],
  ["http://127.0.0.1/"],
  ["http://127.1/"],
  ["http://0177.0.0.1/"],
  ["http://0x7f000001/"],
  ["http://2130706433/"],
  ["http://4294967295/"],
  ["http://4294967296/"],
  ["http://255.255.255.255/"],
  ["http://256.0.0.1/"],
  ["http://1.2.3.4.5/"],
  ["http://1.2.3.4./"],
  ["http://1.2.3/"],
  ["http://0x/"],
  ["http://0x.0x.0/"],
  ["http://09/"],
  ["http://foo.09/"],
  ["http://foo.0x/"],
  ["http://foo.1.2/"],
  ["http://1.foo/"],
  ["http://%30%78%37%66.1/"],
  ["http://0xffffffff1/"],
  ["sc://0x7f.1/"],
  // IPv6
  ["http://[::1]/"],
  ["http://[::]/"],
  ["http://[1:0:0:0:0:0:0:1]/"],
  ["http://[1:0:0:2:0:0:0:1]/"],
  ["http://[1:0::0:1]:8080/"],
  ["http://[0:0:0:0:0:0:0:0]/"],
  ["http://[ABCD:EF01::1]/"],
  ["http://[::ffff:1.2.3.4]/"],
  ["http://[::1.2.3.4]/"],
  ["http://[1:2:3:4:5:6:7:8]/"],
  ["http://[1:2:3:4:5:6:7:8:9]/"],
  ["http://[1::2::3]/"],
  ["http://[::1.2.3]/"],
  ["http://[::1.2.3.04]/"],
  ["http://[::1.2.3.256]/"],
  ["http://[1:2:3:4:5:6:7::]/"],
  ["http://[:1]/"],
  ["http://[1:]/"],
  ["http://[::1/"],
  ["http://[12345::]/"],
  ["http://[::1]x/"],
  // file
  ["file:///C:/x/../.."],
  ["file:c:\\foo\\bar"],
  ["file:///C|/x"],
  ["file://localhost/x"],
  ["file://LOCALHOST/x"],
  ["file://host/C:/x"],
  ["file://host/share/x"],
  ["file:/x"],
  ["file:x"],
  ["file:"],
  ["file://"],
  ["file:///"],
  ["file:?q"],
  ["file:#f"],
  ["//x/y", "file:///a"],
  ["C|/x", "file:///a/b"],
  ["/C|/x", "file:///a/b"],
  ["..", "file:///C:/"],
  ["x", "file:///C:/a/b"],
  ["/x", "file:///C:/a/b"],
  ["?q", "file:///a/b"],
  ["#f", "file://h/a"],
  ["file:/C|/x"],
  ["file:\\\\host\\x"],
  ["file://[::1]/x"],
  ["file://1.2.3.4/x"],
  // percent-encoding sets
  ["http://a/?'\"<>`{}|^ "],
  ["sc://a/?'\"<>`"],
  ['http://a/{}|^`"<> '],
  ["http://a/#'\"<>`{} "],
  ["http://a/é?é#é"],
  ["http://a/\u{1F600}?\u{1F600}#\u{1F600}"],
  ["http://a/\ud800"],
  ["http://a/%zz%2"],
  ["http://a/?%"],
  // schemes
  ["HtTpS://a"],
  ["a+b-c.d:x"],
  ["1http://a"],
  ["h_ttp://a"],
  ["://a"],
  [""],
  ["/path"],
  ["foo://host:99999"],
  ["foo://host:123/"],
  ["foo://h/p?q#f"],
];

describe("URL matches Node's URL", () => {
  it("has a large table of cases", () => {
    expect(CASES.length).toBeGreaterThanOrEqual(150);
  });
  it.each(CASES)("%j (base %j)", (input, base) => {
    expect(components(GuestURL, input, base)).toEqual(components(URL, input, base));
  });
  it.each(CASES)("canParse %j (base %j)", (input, base) => {
    expect(GuestURL.canParse(input, base)).toBe(URL.canParse(input, base));
  });
});

// [start, component, value]: the URL after the setter must equal Node's.
const SETTERS: [string, (typeof COMPONENTS)[number], string][] = [
  ["http://a.com/p", "protocol", "https"],
  ["http://a.com/p", "protocol", "HTTPS:"],
  ["http://a.com/p", "protocol", "foo"],
  ["foo://a.com/p", "protocol", "http"],
  ["http://a.com:443/p", "protocol", "https"],
  ["http://u@a.com/p", "protocol", "file"],
  ["file:///p", "protocol", "http"],
  ["http://a.com/p", "protocol", "1x"],
  ["http://a.com/p", "username", "us er@:"],
  ["file:///p", "username", "u"],
  ["http://a.com/p", "password", "p@ss:w"],
  ["http://u:p@a.com/p", "password", ""],
  ["http://a.com:81/p", "host", "b.com"],
  ["http://a.com:81/p", "host", "b.com:82"],
  ["http://a.com:81/p", "host", "b.com:"],
  ["http://a.com:81/p", "host", "c.com:99999"],
  ["http://a.com/p", "host", ""],
  ["http://a.com/p", "host", "x/y"],
  ["http://a.com/p", "host", "[::1]:9"],
  ["sc://a.com/p", "host", ""],
  ["mailto:x", "host", "a.com"],
  ["file://h/p", "host", "localhost"],
  ["http://a.com:81/p", "hostname", "b.com"],
  ["http://a.com/p", "hostname", "b.com:82"],
  ["http://a.com/p", "hostname", "0x7f.1"],
  ["http://a.com/p", "port", "8080"],
  ["http://a.com/p", "port", "80"],
  ["http://a.com:81/p", "port", ""],
  ["http://a.com/p", "port", "12ab"],
  ["http://a.com/p", "port", "ab"],
  ["http://a.com/p", "port", "70000"],
  ["file:///p", "port", "8"],
  ["http://a.com/p", "pathname", "x/../y z"],
  ["http://a.com/p", "pathname", "?#"],
  ["http://a.com/p", "pathname", ""],
  ["sc://a.com/p", "pathname", ""],
  ["sc:/p", "pathname", "//x"],
  ["mailto:x", "pathname", "y"],
  ["file:///C:/p", "pathname", "/D|/q"],
  ["http://a.com/p", "search", "a=1 2&b='"],
  ["http://a.com/p", "search", "?x"],
  ["http://a.com/p?x", "search", ""],
  ["http://a.com/p", "search", "#"],
  ["a:b c  ?x", "search", ""],
  ["http://a.com/p", "hash", "x y"],
  ["http://a.com/p#x", "hash", ""],
  ["http://a.com/p", "hash", "##"],
  ["a:b c  #x", "hash", ""],
  ["http://a.com/p", "href", "https://b.com/q?r#s"],
];

describe("URL setters match Node's URL", () => {
  it.each(SETTERS)("%s: %s = %j", (start, key, value) => {
    const mine = new GuestURL(start);
    const node = new URL(start);
    (mine as unknown as Record<string, string>)[key] = value;
    (node as unknown as Record<string, string>)[key] = value;
    expect(components(GuestURL, mine.href)).toEqual(components(URL, node.href));
    expect(mine.href).toBe(node.href);
    expect(mine.search).toBe(node.search);
  });
  it("throws a TypeError when href is set to an invalid URL", () => {
    const u = new GuestURL("http://a/");
    expect(() => {
      u.href = "nope";
    }).toThrow(TypeError);
    expect(u.href).toBe("http://a/");
  });
});

describe("URL API", () => {
  it("throws TypeError for invalid input and missing arguments", () => {
    expect(() => new GuestURL("nope")).toThrow(TypeError);
    expect(() => new GuestURL("/x", "nope")).toThrow(TypeError);
    expect(() => new (GuestURL as unknown as new () => URL)()).toThrow(TypeError);
  });
  it("serializes with toString, toJSON and JSON.stringify", () => {
    const u = new GuestURL("http://a.com/x?y#z");
    expect(String(u)).toBe("http://a.com/x?y#z");
    expect(u.toJSON()).toBe("http://a.com/x?y#z");
    expect(JSON.stringify({ u })).toBe('{"u":"http://a.com/x?y#z"}');
  });
  it("accepts URL objects as input and base", () => {
    const base = new GuestURL("http://a.com/dir/");
    expect(new GuestURL("x", base as unknown as string).href).toBe("http://a.com/dir/x");
    expect(new GuestURL(base as unknown as string).href).toBe("http://a.com/dir/");
  });
  it("has the platform's names", () => {
    expect(GuestURL.name).toBe("URL");
    expect(Object.prototype.toString.call(new GuestURL("http://a"))).toBe("[object URL]");
    expect(Object.prototype.toString.call(new GuestParams())).toBe("[object URLSearchParams]");
  });
  it("URL.parse returns null on failure", () => {
    const parse = (GuestURL as unknown as { parse(u: string, b?: string): URL | null }).parse;
    expect(parse("nope")).toBeNull();
    expect(parse("x", "http://a/")?.href).toBe("http://a/x");
  });
  it("keeps searchParams and search in sync", () => {
    const u = new GuestURL("http://a.com/?a=1&b=2");
    const params = u.searchParams;
    expect(u.searchParams).toBe(params);
    params.append("c", "x y");
    expect(u.href).toBe("http://a.com/?a=1&b=2&c=x+y");
    params.delete("a");
    expect(u.search).toBe("?b=2&c=x+y");
    u.search = "?z=9";
    expect([...params]).toEqual([["z", "9"]]);
    u.href = "http://b.com/?q=1";
    expect(params.get("q")).toBe("1");
    params.delete("q");
    expect(u.href).toBe("http://b.com/");
  });
  it("strips trailing spaces of an opaque path when the query goes away", () => {
    const mine = new GuestURL("a:b c  ?x=1");
    const node = new URL("a:b c  ?x=1");
    mine.searchParams.delete("x");
    node.searchParams.delete("x");
    expect(mine.href).toBe(node.href);
  });
});

describe("URLSearchParams matches Node's", () => {
  const inits: unknown[] = [
    "a=1&b=2&a=3",
    "?a=1",
    "??a=1",
    "a=b=c&&=x&y=&z",
    "a+b=c+d&%41%zz=%e2%82%ac%ff",
    "q=%F0%9F%98%80&%=%25",
    "",
    "&&&",
    [
      ["x", "1"],
      ["y", "2"],
      ["x", "3"],
    ],
    { b: "2", a: "1", é: "ü" },
    new Map([["m", "1"]]),
  ];
  it.each(inits)("init %j", (init) => {
    const mine = new GuestParams(init as string);
    const node = new URLSearchParams(init as string);
    expect([...mine]).toEqual([...node]);
    expect(mine.toString()).toBe(node.toString());
    expect(mine.size).toBe(node.size);
  });
  it("serializes with the application/x-www-form-urlencoded set", () => {
    let all = "";
    for (let c = 0; c < 0x80; c++) all += String.fromCharCode(c);
    all += "é€\u{1F600}\ud800";
    const mine = new GuestParams([[all, all]]);
    const node = new URLSearchParams([[all, all]]);
    expect(mine.toString()).toBe(node.toString());
    expect([...new GuestParams(mine.toString())]).toEqual([...new URLSearchParams(node.toString())]);
  });
  it("implements the methods like Node", () => {
    const ops = (P: typeof URLSearchParams) => {
      const p = new P("b=2&a=1&c=3&a=0&b=1");
      const out: unknown[] = [
        p.get("a"),
        p.get("zz"),
        p.getAll("b"),
        p.has("c"),
        p.has("a", "0"),
        p.has("a", "9"),
      ];
      p.set("b", "new");
      out.push(p.toString());
      p.delete("a", "1");
      out.push(p.toString());
      p.append("é", "x y");
      p.sort();
      out.push(p.toString(), [...p.keys()], [...p.values()], p.size);
      const seen: string[] = [];
      p.forEach((v, k) => {
        seen.push(`${k}:${v}`);
      });
      out.push(seen);
      p.delete("c");
      out.push(p.toString());
      return out;
    };
    expect(ops(GuestParams)).toEqual(ops(URLSearchParams));
  });
  it("sorts stably by UTF-16 code units", () => {
    const init = "z=1&\u{1F600}=2&\uFFFD=3&a=4&z=0&a=5&é=6";
    const mine = new GuestParams(init);
    const node = new URLSearchParams(init);
    mine.sort();
    node.sort();
    expect([...mine]).toEqual([...node]);
  });
  it("iterates live, seeing appended entries", () => {
    const p = new GuestParams("a=1");
    const seen: string[] = [];
    for (const [k] of p) {
      seen.push(k);
      if (seen.length < 3) p.append(`k${seen.length}`, "v");
    }
    expect(seen).toEqual(["a", "k1", "k2"]);
  });
  it("rejects malformed pair sequences", () => {
    expect(() => new GuestParams([["a"]] as unknown as string)).toThrow(TypeError);
    expect(() => new GuestParams([["a", "b", "c"]] as unknown as string)).toThrow(TypeError);
    expect(() => new GuestParams([1] as unknown as string)).toThrow(TypeError);
  });
});
