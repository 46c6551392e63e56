import { describe, expect, it } from "vitest";
import { InvalidOptionError } from "../../errors.js";
import {
  type AddressClass,
  checkAddress,
  checkUrl,
  classifyAddress,
  parseAllowList,
  parseIp,
} from "./policy.js";

describe("parseIp: IPv4 spellings", () => {
  // Every spelling here is one the WHATWG URL parser accepts; each is checked against it too.
  it.each([
    ["127.0.0.1", "127.0.0.1"],
    ["2130706433", "127.0.0.1"],
    ["0x7f000001", "127.0.0.1"],
    ["0X7F000001", "127.0.0.1"],
    ["017700000001", "127.0.0.1"],
    ["0177.0.0.1", "127.0.0.1"],
    ["0177.0000.0.01", "127.0.0.1"],
    ["0x7f.0x0.0x0.0x1", "127.0.0.1"],
    ["127.1", "127.0.0.1"],
    ["127.0.1", "127.0.0.1"],
    ["0x7f.1", "127.0.0.1"],
    ["0177.1", "127.0.0.1"],
    ["0x7f.0.1", "127.0.0.1"],
    ["127.0x0.01", "127.0.0.1"],
    ["127.0.0.1.", "127.0.0.1"],
    ["169.254.43518", "169.254.169.254"],
    ["0xa9fea9fe", "169.254.169.254"],
    ["2852039166", "169.254.169.254"],
    ["0251.0376.0251.0376", "169.254.169.254"],
    ["0", "0.0.0.0"],
    ["0x", "0.0.0.0"],
    ["10.0x10.020", "10.16.0.16"],
    ["4294967295", "255.255.255.255"],
    ["1.2.3.4", "1.2.3.4"],
  ])("%s is %s", (text, address) => {
    expect(parseIp(text)).toEqual({ family: 4, bytes: address.split(".").map(Number), address });
    expect(new URL(`http://${text}/`).hostname).toBe(address);
  });

  it.each([
    ["127.0.0.1 trailing junk", "127.0.0.1"],
    ["127.1\tx", "127.0.0.1"],
  ])("%j (inet_aton ignores what follows whitespace) is %s", (text, address) => {
    expect(parseIp(text)?.address).toBe(address);
  });

  it.each([
    "",
    ".",
    "256.0.0.1",
    "1.2.3.256",
    "1.2.65536",
    "1.16777216",
    "4294967296",
    "1.2.3.4.5",
    "1..2.3",
    "08.0.0.1",
    "0x1g.0.0.1",
    "-1",
    "1.2.3.4x",
    "example.com",
    "127.0.0.1.example.com",
    " 127.0.0.1",
    "[127.0.0.1]",
  ])("%j is not an address", (text) => {
    expect(parseIp(text)).toBeNull();
  });
});

describe("parseIp: IPv6", () => {
  it.each([
    ["::1", "::1"],
    ["[::1]", "::1"],
    ["0:0:0:0:0:0:0:1", "::1"],
    ["0000:0000::0001", "::1"],
    ["::", "::"],
    ["::ffff:127.0.0.1", "::ffff:7f00:1"],
    ["[::ffff:127.0.0.1]", "::ffff:7f00:1"],
    ["::FFFF:7F00:1", "::ffff:7f00:1"],
    ["::127.0.0.1", "::7f00:1"],
    ["::ffff:0:127.0.0.1", "::ffff:0:7f00:1"],
    ["64:ff9b::127.0.0.1", "64:ff9b::7f00:1"],
    ["2002:7f00:1::", "2002:7f00:1::"],
    ["fd00:ec2::254", "fd00:ec2::254"],
    ["1:0:0:2:0:0:0:3", "1:0:0:2::3"],
    ["1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"],
    ["1::", "1::"],
    ["1:0::", "1::"],
  ])("%s is %s", (text, address) => {
    const parsed = parseIp(text);
    expect(parsed?.family).toBe(6);
    expect(parsed?.address).toBe(address);
    expect(parsed?.bytes).toHaveLength(16);
    const bare = text.replace(/^\[|\]$/g, "");
    expect(new URL(`http://[${bare}]/`).hostname).toBe(`[${address}]`);
  });

  it("drops a zone id", () => {
    expect(parseIp("fe80::1%eth0")?.address).toBe("fe80::1");
  });

  it.each([
    ":::",
    ":1",
    "1:",
    "1::2::3",
    "1:2:3:4:5:6:7:8:9",
    "12345::",
    "::ffff:127.0.0.01",
    "::ffff:1.2.3",
    "::ffff:1.2.3.4.5",
    "::ffff:256.0.0.1",
    "1:2:3:4:5:6:7:1.2.3.4",
    "[::1",
    "g::1",
  ])("%j is not an address", (text) => {
    expect(parseIp(text)).toBeNull();
  });
});

describe("classifyAddress", () => {
  const table: Record<AddressClass, string[]> = {
    public: [
      "8.8.8.8",
      "1.1.1.1",
      "100.63.255.255",
      "100.128.0.0",
      "172.15.255.255",
      "172.32.0.0",
      "192.167.255.255",
      "198.17.255.255",
      "198.20.0.0",
      "223.255.255.255",
      "2606:4700:4700::1111",
      "::ffff:8.8.8.8",
      "64:ff9b::808:808",
      "2002:808:808::1",
      "::8.8.8.8",
    ],
    private: [
      "10.0.0.1",
      "10.255.255.255",
      "172.16.0.0",
      "172.31.255.255",
      "192.168.0.1",
      "192.168.255.255",
      "fc00::1",
      "fd12:3456::1",
      "fec0::1",
      "64:ff9b:1::a00:1",
      "::ffff:10.0.0.1",
      "::ffff:c0a8:101",
      "2002:c0a8:101::",
    ],
    loopback: [
      "127.0.0.1",
      "127.255.255.254",
      "2130706433",
      "0x7f000001",
      "0177.0.0.1",
      "127.1",
      "127.0.1",
      "0x7f.1",
      "::1",
      "[::1]",
      "::ffff:127.0.0.1",
      "[::ffff:127.0.0.1]",
      "::ffff:7f00:1",
      "::ffff:0:127.0.0.1",
      "::127.0.0.1",
      "64:ff9b::127.0.0.1",
      "64:ff9b::7f00:1",
      "2002:7f00:1::",
      "2002:7f00:0001:1234::5",
    ],
    "link-local": [
      "169.254.0.1",
      "169.254.255.255",
      "fe80::1",
      "febf::ffff",
      "fe80::1%eth0",
      "::ffff:169.254.1.1",
    ],
    cgnat: ["100.64.0.0", "100.100.0.1", "100.127.255.255", "::ffff:100.64.0.1"],
    metadata: [
      "169.254.169.254",
      "0xa9fea9fe",
      "2852039166",
      "169.254.43518",
      "169.254.170.2",
      "100.100.100.200",
      "::ffff:169.254.169.254",
      "::ffff:a9fe:a9fe",
      "64:ff9b::169.254.169.254",
      "2002:a9fe:a9fe::",
      "fd00:ec2::254",
    ],
    unspecified: ["0.0.0.0", "0.1.2.3", "0", "::", "::ffff:0.0.0.0", "::0.0.0.2"],
    multicast: ["224.0.0.1", "239.255.255.255", "ff02::1", "ff0e::1", "::ffff:224.0.0.1"],
    reserved: [
      "240.0.0.1",
      "255.255.255.255",
      "192.0.0.1",
      "192.0.0.255",
      "192.88.99.1",
      "100::1",
      "2001::1",
      "2001:1ff::1",
      "4000::1",
      "::2:0:0:1",
      "64:ff9b::1:0:0:1",
      "not an address",
    ],
    documentation: [
      "192.0.2.1",
      "198.51.100.7",
      "203.0.113.255",
      "2001:db8::1",
      "3fff::1",
      "::ffff:192.0.2.1",
    ],
    benchmark: ["198.18.0.1", "198.19.255.255", "2001:2::1", "::ffff:198.18.0.1"],
  };
  for (const [kind, addresses] of Object.entries(table)) {
    it.each(addresses)(`%s is ${kind}`, (address) => {
      expect(classifyAddress(address)).toBe(kind);
    });
  }

  it("accepts a parsed address", () => {
    expect(classifyAddress(parseIp("10.1.2.3")!)).toBe("private");
  });
});

describe("parseAllowList", () => {
  it("reads bare hosts as https on 443", () => {
    expect(parseAllowList(["api.example.com", "API.Example.COM.", "x.com:443"])).toEqual([
      { entry: "api.example.com", scheme: "https:", host: "api.example.com", port: 443, wildcard: false },
      { entry: "API.Example.COM.", scheme: "https:", host: "api.example.com", port: 443, wildcard: false },
      { entry: "x.com:443", scheme: "https:", host: "x.com", port: 443, wildcard: false },
    ]);
  });

  it("reads schemes, ports, wildcards and literal addresses", () => {
    const [a, b, c, d, e, f] = parseAllowList([
      "https://*.example.org",
      "http://127.0.0.1:8080",
      "http://[::1]:3000",
      "http://x.com",
      "https://x.com:8443/",
      "http://0x7f.1",
    ]);
    expect(a).toMatchObject({ scheme: "https:", host: "example.org", port: 443, wildcard: true });
    expect(b).toMatchObject({ scheme: "http:", host: "127.0.0.1", port: 8080, address: "127.0.0.1" });
    expect(c).toMatchObject({ scheme: "http:", host: "[::1]", port: 3000, address: "::1" });
    expect(d).toMatchObject({ scheme: "http:", host: "x.com", port: 80, wildcard: false });
    expect(d?.address).toBeUndefined();
    expect(e).toMatchObject({ scheme: "https:", host: "x.com", port: 8443 });
    expect(f).toMatchObject({ host: "127.0.0.1", port: 80, address: "127.0.0.1" });
  });

  it.each([
    "",
    "   ",
    "ftp://x.com",
    "ws://x.com",
    "x.com:8080",
    "https://x.com/path",
    "https://x.com?q=1",
    "https://x.com#frag",
    "https://user@x.com",
    "https://user:pw@x.com",
    "*",
    "https://*",
    "https://a.*.com",
    "https://*x.com",
    "https://x.*",
    "**.x.com",
    "*.127.0.0.1",
    "https://*.[::1]",
    "http://exa mple.com",
    "http://x.com:99999",
    "https://",
  ])("refuses %j with an InvalidOptionError naming network.allow and the entry", (entry) => {
    let error: unknown;
    try {
      parseAllowList([entry]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidOptionError);
    expect((error as TypeError & { code: string }).code).toBe("ERR_CORDON_INVALID_OPTION");
    expect((error as Error).message).toContain("network.allow");
    expect((error as Error).message).toContain(JSON.stringify(entry));
  });

  it("refuses entries that are not strings, and a list that is not an array", () => {
    expect(() => parseAllowList([42 as unknown as string])).toThrow(/network\.allow.*"42"/);
    expect(() => parseAllowList("x.com" as unknown as string[])).toThrow(/network\.allow/);
  });
});

describe("checkUrl", () => {
  const rules = parseAllowList([
    "api.example.com",
    "https://*.example.org",
    "http://127.0.0.1:8080",
    "http://[::1]:3000",
  ]);
  const allowed = (url: string) => checkUrl(url, rules).ok;
  const reason = (url: string) => {
    const r = checkUrl(url, rules);
    return r.ok ? "" : r.reason;
  };

  it.each([
    "https://api.example.com/",
    "https://api.example.com/v1/items?q=1#top",
    "https://API.EXAMPLE.COM/",
    "https://api.example.com./",
    "https://api.example.com:443/",
    "https://a.example.org/",
    "https://a.b.example.org/",
    "https://A.Example.Org./",
    "http://127.0.0.1:8080/x",
    "http://2130706433:8080/",
    "http://0x7f.1:8080/",
    "http://%31%32%37.0.0.1:8080/",
    "http://\uff11\uff12\uff17\uff0e\uff10\uff0e\uff10\uff0e\uff11:8080/",
    "http://[::1]:3000/",
    "http://[0:0::1]:3000/",
  ])("allows %s", (url) => {
    expect(allowed(url)).toBe(true);
  });

  it("returns the parsed URL without a trailing dot", () => {
    const r = checkUrl("https://api.example.com./x?y", rules);
    expect(r.ok && r.url.href).toBe("https://api.example.com/x?y");
  });

  it.each([
    ["https://x.com/", 'fetch to https://x.com:443 is not allowed: add "x.com" to network.allow'],
    [
      "http://api.example.com/",
      'fetch to http://api.example.com:80 is not allowed: add "http://api.example.com"',
    ],
    [
      "https://api.example.com:8443/",
      'https://api.example.com:8443 is not allowed: add "https://api.example.com:8443"',
    ],
    ["https://example.org/", 'add "example.org"'],
    ["https://evilexample.org/", 'add "evilexample.org"'],
    ["https://example.org.evil.com/", 'add "example.org.evil.com"'],
    ["http://a.example.org/", 'add "http://a.example.org"'],
    ["https://a.example.org:444/", 'add "https://a.example.org:444"'],
    ["http://127.0.0.1:8081/", 'add "http://127.0.0.1:8081"'],
    ["http://127.0.0.1/", 'add "http://127.0.0.1"'],
    ["https://127.0.0.1:8080/", 'add "https://127.0.0.1:8080"'],
    ["http://127.0.0.2:8080/", 'add "http://127.0.0.2:8080"'],
    ["http://localhost:8080/", 'add "http://localhost:8080"'],
    ["http://[::2]:3000/", 'add "http://[::2]:3000"'],
    ["https://api.example.com.evil.com/", "not allowed"],
    ["https://user:pw@api.example.com/", "credentials"],
    ["https://user@api.example.com/", "credentials"],
    ["https://:pw@api.example.com/", "credentials"],
    ["file:///etc/passwd", "only http: and https:"],
    ["ftp://api.example.com/", "only http: and https:"],
    ["data:text/plain,x", "only http: and https:"],
    ["javascript:alert(1)", "only http: and https:"],
    ["not a url", "not a valid absolute URL"],
    ["/relative", "not a valid absolute URL"],
  ])("refuses %s", (url, text) => {
    expect(allowed(url)).toBe(false);
    expect(reason(url)).toContain(text);
  });

  it("refuses metadata host names unless an entry names them literally", () => {
    const wild = parseAllowList(["http://*.google.internal", "*.google.internal"]);
    expect(checkUrl("http://metadata.google.internal/computeMetadata/v1/", wild).ok).toBe(false);
    expect(checkUrl("https://metadata.google.internal/", wild).ok).toBe(false);
    expect(checkUrl("https://other.google.internal/", wild).ok).toBe(true);
    expect(checkUrl("http://metadata/", wild).ok).toBe(false);
    const literal = parseAllowList(["http://metadata.google.internal", "http://metadata"]);
    expect(checkUrl("http://metadata.google.internal/x", literal).ok).toBe(true);
    expect(checkUrl("http://Metadata./x", literal).ok).toBe(true);
  });

  it("a wildcard never matches an IP address", () => {
    expect(checkUrl("https://1.2.3.4/", parseAllowList(["https://*.3.4.example"])).ok).toBe(false);
  });
});

describe("checkAddress", () => {
  const rules = parseAllowList([
    "api.test",
    "https://*.svc.test",
    "http://127.0.0.1:8080",
    "http://local.test:8080",
    "http://[::1]:3000",
    "http://169.254.169.254",
  ]);
  const check = (ip: string, url: string) => checkAddress(ip, new URL(url), rules);

  it("allows public addresses for an allowed host", () => {
    expect(check("93.184.215.14", "https://api.test/")).toEqual({ ok: true });
    expect(check("2606:4700::1", "https://a.svc.test/")).toEqual({ ok: true });
  });

  it.each([
    ["10.0.0.1", "private"],
    ["127.0.0.1", "loopback"],
    ["169.254.169.254", "metadata"],
    ["::ffff:127.0.0.1", "loopback"],
    ["fd00:ec2::254", "metadata"],
    ["100.64.1.1", "cgnat"],
    ["0.0.0.0", "unspecified"],
  ])("refuses a host name resolving to %s (%s)", (ip, kind) => {
    const r = check(ip, "https://api.test/");
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reason).toContain(`api.test resolves to ${parseIp(ip)!.address}, a ${kind} address`);
      expect(r.reason).toContain("network.allow");
    }
  });

  it("allows a non-public address only when the matched entry names that address", () => {
    expect(check("127.0.0.1", "http://127.0.0.1:8080/")).toEqual({ ok: true });
    expect(check("::1", "http://[::1]:3000/")).toEqual({ ok: true });
    expect(check("169.254.169.254", "http://169.254.169.254/")).toEqual({ ok: true });
    // the matched entry names a host, not the address: refused even though another entry names the address
    const r = check("127.0.0.1", "http://local.test:8080/");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain('like "http://127.0.0.1:8080"');
    expect(check("10.1.2.3", "https://x.svc.test/").ok).toBe(false);
    expect(check("127.0.0.2", "http://127.0.0.1:8080/").ok).toBe(false);
  });

  it("explains a literal address that no entry names", () => {
    const r = checkAddress("10.0.0.1", new URL("http://10.0.0.1/"), []);
    expect(r).toEqual({
      ok: false,
      reason:
        "fetch to http://10.0.0.1:80 refused: 10.0.0.1 is a private address; such addresses are reachable only " +
        'through an entry naming the address itself, like "http://10.0.0.1:80", in network.allow',
    });
  });

  it("refuses text that is not an address", () => {
    expect(check("api.test", "https://api.test/").ok).toBe(false);
  });
});
