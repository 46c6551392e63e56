import * as nodeQs from "node:querystring";
import { describe, expect, it } from "vitest";
import { create as createBuffer } from "./guest/buffer.js";
import { makeRequire } from "./guest/internal/testing.js";
import { create } from "./guest/querystring.js";

const qs = makeRequire({ querystring: create, buffer: createBuffer })("querystring") as typeof nodeQs;

/** Exported by Node but missing from its type definitions. */
type Legacy = { unescapeBuffer(s: string, decodeSpaces?: boolean): Uint8Array };
const plain = (o: object) => JSON.parse(JSON.stringify(o));

describe("querystring.parse against Node", () => {
  const inputs = [
    "",
    "a=1&b=2",
    "a=1&a=2&a=3",
    "a&&b",
    "&",
    "=",
    "==",
    "a==b",
    "a=b=c",
    "a+b=c+d",
    "a%20b=c%2Bd",
    "%zz=%41",
    "%E4%BD%A0=%E5%A5%BD",
    "bad=%E4%BD",
    "k=%",
    "k=%4",
    "%=%",
    "a[]=1&a[]=2",
    "__proto__=1&constructor=2",
    "foo=bar&&&baz=qux&",
    "x=" + "y".repeat(100),
    Array.from({ length: 1200 }, (_, i) => `k${i}=${i}`).join("&"),
    "a=1;b=2",
    "a:1,b:2",
    "a=1&&&&b=2",
    "emoji=%F0%9F%98%80",
    "lone=%ED%A0%80",
  ];
  const argSets: [string?, string?, object?][] = [
    [],
    [";"],
    [",", ":"],
    ["&&", "=="],
    ["&", "=", { maxKeys: 2 }],
    ["&", "=", { maxKeys: 0 }],
    ["&", "=", { decodeURIComponent: (s: string) => s.toUpperCase() }],
    [
      "&",
      "=",
      {
        decodeURIComponent: () => {
          throw new Error("x");
        },
      },
    ],
  ];
  for (const input of inputs) {
    it(JSON.stringify(input.slice(0, 40)), () => {
      for (const args of argSets) {
        const ours = qs.parse(input, ...(args as [string, string, nodeQs.ParseOptions]));
        const theirs = nodeQs.parse(input, ...(args as [string, string, nodeQs.ParseOptions]));
        expect(plain(ours)).toEqual(plain(theirs));
        expect(Object.getPrototypeOf(ours)).toBe(null);
      }
    });
  }
  it("non-strings give an empty object", () => {
    expect(plain(qs.parse(5 as never))).toEqual({});
  });
});

describe("querystring.stringify / escape / unescape against Node", () => {
  const objects: unknown[] = [
    { a: 1, b: "two", c: true, d: null, e: undefined, f: Number.NaN, g: 1e21, h: 5n },
    { list: [1, "x", false], empty: [] },
    { "key with space": "value/with?chars&=#", ü: "日本", emoji: "😀" },
    { "~!*()'": "-._" },
    "notobject",
    null,
    [1, 2],
  ];
  it("stringify", () => {
    for (const o of objects) {
      expect(qs.stringify(o as never)).toBe(nodeQs.stringify(o as never));
      expect(qs.stringify(o as never, ";", ":")).toBe(nodeQs.stringify(o as never, ";", ":"));
      const opts = { encodeURIComponent: (s: string) => `<${s}>` };
      expect(qs.stringify(o as never, "&", "=", opts)).toBe(nodeQs.stringify(o as never, "&", "=", opts));
    }
    expect(qs.encode).toBe(qs.stringify);
    expect(qs.decode).toBe(qs.parse);
  });
  it("escape", () => {
    for (const s of ["abc", "a b", "ü", "😀", "a\udc00b", "\u0800", "", 12, { toString: () => "o k" }]) {
      expect(qs.escape(s as string)).toBe(nodeQs.escape(s as string));
    }
    const err = (() => {
      try {
        qs.escape("end\ud800");
      } catch (e) {
        return e as URIError & { code: string };
      }
    })();
    expect(err).toBeInstanceOf(URIError);
    expect(err?.code).toBe("ERR_INVALID_URI");
    expect(err?.message).toBe("URI malformed");
  });
  it("unescape and unescapeBuffer", () => {
    for (const s of ["a%20b", "%zz", "%E4%BD%A0", "%E4%BD", "a+b", "%", "%4", "100%"]) {
      expect(qs.unescape(s)).toBe(nodeQs.unescape(s));
      const ours = (qs as unknown as Legacy).unescapeBuffer;
      const theirs = (nodeQs as unknown as Legacy).unescapeBuffer;
      expect(Array.from(ours(s, true))).toEqual(Array.from(theirs(s, true)));
      expect(Array.from(ours(s))).toEqual(Array.from(theirs(s)));
    }
  });
});
