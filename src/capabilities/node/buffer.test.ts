import { Buffer as NodeBuffer } from "node:buffer";
import * as nodeBufferModule from "node:buffer";
import { describe, expect, it } from "vitest";
import { create } from "./guest/buffer.js";
import { makeRequire } from "./guest/internal/testing.js";

const mod = makeRequire({ buffer: create })("buffer") as typeof nodeBufferModule;
const B = mod.Buffer;

const ENCODINGS = [
  "utf8",
  "utf-8",
  "UTF8",
  "hex",
  "base64",
  "base64url",
  "latin1",
  "binary",
  "ascii",
  "utf16le",
  "ucs2",
] as unknown as BufferEncoding[];
const STRINGS = [
  "",
  "hello world",
  "héllo wörld ñ",
  "日本語テキスト",
  "emoji 😀🎉 mixed",
  "\u0000\u007f\u0080\u00ff\u0100",
  "lone \ud800 surrogate \udc00 end",
  "trailing high \ud83d",
  "deadBEEF0123",
  "abc",
  "abz1",
  "0",
  "SGVsbG8gd29ybGQ=",
  "SGVsbG8gd29ybGQ",
  "SGV sbG8\nd29y bGQ=",
  "a-b_c+d/e==",
  "QQ==QQ==",
  "====",
  "Zm9v!!!YmFy",
  "x".repeat(1000),
] as unknown as BufferEncoding[];

/** Error shape to compare: class, code and message. */
function thrown(fn: () => unknown): unknown {
  try {
    return { value: fn() };
  } catch (e) {
    const err = e as Error & { code?: string };
    // Engine errors (no code) word their messages differently across engines.
    return err.code === undefined
      ? { name: err.name }
      : { name: err.name, code: err.code, message: err.message };
  }
}

function same(ours: () => unknown, node: () => unknown) {
  const a = thrown(ours);
  const b = thrown(node);
  const norm = (r: unknown): unknown => {
    const v = (r as { value?: unknown }).value;
    if (v instanceof Uint8Array) return { bytes: Array.from(v) };
    return r;
  };
  expect(norm(a)).toEqual(norm(b));
}

describe("buffer: encodings against Node", () => {
  for (const enc of ENCODINGS) {
    it(`from/toString/byteLength round trips in ${enc}`, () => {
      for (const s of STRINGS) {
        const ours = B.from(s, enc);
        const theirs = NodeBuffer.from(s, enc);
        expect(Array.from(ours), `${enc} ${JSON.stringify(s)}`).toEqual(Array.from(theirs));
        expect(B.byteLength(s, enc)).toBe(NodeBuffer.byteLength(s, enc));
        for (const out of ENCODINGS) expect(ours.toString(out)).toBe(theirs.toString(out));
      }
    });
  }

  it("decodes arbitrary bytes like Node (utf8 replacement rules included)", () => {
    let seed = 7;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const interesting = [
      0x00, 0x41, 0x7f, 0x80, 0xbf, 0xc0, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff, 0xa0, 0x9f,
      0x90, 0x8f,
    ];
    for (let round = 0; round < 2000; round++) {
      const len = Math.floor(rand() * 9);
      const bytes = Array.from({ length: len }, () => interesting[Math.floor(rand() * interesting.length)]!);
      for (const enc of ["utf8", "latin1", "ascii", "hex", "base64", "base64url", "utf16le"] as const)
        expect(B.from(bytes).toString(enc), `${enc} ${bytes}`).toBe(NodeBuffer.from(bytes).toString(enc));
    }
  });

  it("toString with ranges and bad encodings", () => {
    const ours = B.from("héllo wörld");
    const theirs = NodeBuffer.from("héllo wörld");
    const args: unknown[][] = [
      [],
      ["utf8", 1],
      ["hex", 2, 5],
      ["utf8", -1, 100],
      ["latin1", 3, 2],
      ["utf8", 1.7, 4.2],
      ["utf8", "2", "6"],
      ["nope"],
      [null],
      ["", 1],
    ];
    for (const a of args)
      same(
        () => (ours.toString as (...x: unknown[]) => string)(...a),
        () => (theirs.toString as (...x: unknown[]) => string)(...a),
      );
  });
});

describe("buffer: construction", () => {
  it("from arrays, array buffers, buffers, objects", () => {
    const ab = new Uint8Array([1, 2, 3, 4, 5]).buffer;
    const cases: unknown[][] = [
      [[1, 2, 300, -1, 1.5, "7", "x"]],
      [ab],
      [ab, 1],
      [ab, 1, 2],
      [ab, 6],
      [ab, 1, 10],
      [new Uint16Array([1, 258, 65535])],
      [{ length: 2, 0: 9, 1: 8 }],
      [{ type: "Buffer", data: [4, 5] }],
      [{ length: "x" }],
      [new String("abc")],
      [{ [Symbol.toPrimitive]: () => "prim" }],
      [5],
      [null],
      [{}],
    ];
    for (const c of cases)
      same(
        () => (B.from as (...a: unknown[]) => unknown)(...c),
        () => (NodeBuffer.from as (...a: unknown[]) => unknown)(...c),
      );
    const src = B.from([1, 2, 3]);
    const copy = B.from(src);
    copy[0] = 9;
    expect(src[0]).toBe(1);
    const view = B.from(ab, 1, 2);
    view[0] = 42;
    expect(new Uint8Array(ab)[1]).toBe(42);
  });

  it("alloc, allocUnsafe, concat, compare, isBuffer, isEncoding", () => {
    const allocCases: unknown[][] = [
      [3],
      [4, 1],
      [5, "ab"],
      [4, "6162", "hex"],
      [3, 257],
      [3, ""],
      [-1],
      ["3"],
      [2, "zz", "hex"],
      [3, "x", "bogus"],
      [0, "a"],
    ];
    for (const c of allocCases)
      same(
        () => (B.alloc as (...a: unknown[]) => unknown)(...c),
        () => (NodeBuffer.alloc as (...a: unknown[]) => unknown)(...c),
      );
    expect(B.allocUnsafe(4).length).toBe(4);
    const lists: unknown[][] = [
      [[]],
      [[B.from("ab"), B.from("cd")]],
      [[B.from("ab"), new Uint8Array([1])], 2],
      [[B.from("ab")], 5],
      ["x"],
      [[1]],
    ];
    for (const [list, len] of lists) {
      const nodeList = Array.isArray(list)
        ? list.map((x) => (x instanceof Uint8Array ? NodeBuffer.from(x) : x))
        : list;
      same(
        () => (B.concat as (...a: unknown[]) => unknown)(list, len),
        () => (NodeBuffer.concat as (...a: unknown[]) => unknown)(nodeList, len),
      );
    }
    expect(B.compare(B.from("a"), B.from("b"))).toBe(-1);
    expect(B.compare(B.from("b"), B.from("a"))).toBe(1);
    expect(B.compare(B.from("ab"), B.from("a"))).toBe(1);
    expect(B.isBuffer(B.alloc(1))).toBe(true);
    expect(B.isBuffer(new Uint8Array(1))).toBe(false);
    for (const e of ["utf8", "UTF-8", "hex", "bogus", "", "binary", "ucs-2", 1])
      expect(B.isEncoding(e as string)).toBe(NodeBuffer.isEncoding(e as string));
  });

  it("is a Uint8Array subclass that works as a function, a constructor and a base class", () => {
    const b = B.from("hi");
    expect(b).toBeInstanceOf(Uint8Array);
    expect(b).toBeInstanceOf(B);
    expect(b.constructor).toBe(B);
    const sub = b.subarray(1);
    expect(sub).toBeInstanceOf(B);
    expect(sub.toString()).toBe("i");
    expect(b.map((x) => x + 1)).toBeInstanceOf(B);
    expect((B as unknown as (n: number) => Uint8Array)(3).length).toBe(3);
    expect(new (B as unknown as new (s: string) => Uint8Array)("abc").length).toBe(3);
    expect(B.of(1, 2).toString("hex")).toBe("0102");
    class Sub extends (B as unknown as typeof Uint8Array) {}
    expect(new Sub(2).length).toBe(2);
    expect(JSON.stringify(B.from("ab"))).toBe(JSON.stringify(NodeBuffer.from("ab")));
    expect((b as unknown as Record<symbol, () => string>)[Symbol.for("nodejs.util.inspect.custom")]!()).toBe(
      "<Buffer 68 69>",
    );
  });
});

describe("buffer: instance methods against Node", () => {
  const data = "abcabc héllo \u0000 end";
  const call = (buf: unknown, name: string, args: unknown[]) => () => {
    const r = (buf as Record<string, (...a: unknown[]) => unknown>)[name]!(...args);
    return r;
  };

  it("write", () => {
    const cases: unknown[][] = [
      ["xy"],
      ["xy", 2],
      ["héllo", 1, 3],
      ["日本", 0, 4],
      ["6869", "hex"],
      ["6869", 1, "hex"],
      ["aGk=", 2, 1, "base64"],
      ["ab", 0, 3, "utf16le"],
      ["xyz", 100],
      ["xyz", -1],
      ["xyz", 1, 50],
      ["xyz", 0, 2, "bogus"],
      [5],
      ["😀😀", 0, 6],
    ];
    for (const c of cases) {
      const ours = B.alloc(8);
      const theirs = NodeBuffer.alloc(8);
      same(call(ours, "write", c), call(theirs, "write", c));
      expect(Array.from(ours)).toEqual(Array.from(theirs));
    }
  });

  it("indexOf, lastIndexOf, includes", () => {
    const ours = B.from(data);
    const theirs = NodeBuffer.from(data);
    const values = ["abc", "c", "héllo", "", "zzz", 99, 97 + 256, B.from("bc"), "6263", 0];
    const offsets = [undefined, 0, 1, 3, -4, -100, 100, "hex", null, 2.7, Number.NaN];
    for (const name of ["indexOf", "lastIndexOf", "includes"])
      for (const v of values)
        for (const off of offsets) {
          const nodeV = v instanceof Uint8Array ? NodeBuffer.from(v) : v;
          same(call(ours, name, [v, off]), call(theirs, name, [nodeV, off]));
          same(call(ours, name, [v, off, "latin1"]), call(theirs, name, [nodeV, off, "latin1"]));
        }
    same(call(ours, "indexOf", [{}]), call(theirs, "indexOf", [{}]));
    same(call(ours, "indexOf", ["a", 0, "bogus"]), call(theirs, "indexOf", ["a", 0, "bogus"]));
  });

  it("fill, copy, compare, equals, slice, swap, toJSON", () => {
    const fills: unknown[][] = [
      [1],
      ["ab"],
      ["ab", 1],
      ["ab", 1, 4],
      ["6162", "hex"],
      ["é", 0, 5, "latin1"],
      [B.from([7, 8]), 2],
      [true],
      ["zz", "hex"],
      [1, 2, 100],
      [1, -1],
      ["x", 0, 3, "bogus"],
      [0x1ff],
      [""],
      [1.9, 1.5],
    ];
    for (const f of fills) {
      const ours = B.alloc(6);
      const theirs = NodeBuffer.alloc(6);
      const nodeF = f.map((x) => (x instanceof Uint8Array ? NodeBuffer.from(x) : x));
      same(call(ours, "fill", f), call(theirs, "fill", nodeF));
      expect(Array.from(ours)).toEqual(Array.from(theirs));
    }
    const copies: unknown[][] = [[], [2], [0, 1, 3], [4, 0, 10], [-1], [0, 7], [0, 2, 1], [1.5, "1"]];
    for (const c of copies) {
      const src = B.from("abcdef");
      const nsrc = NodeBuffer.from("abcdef");
      const ours = B.alloc(5);
      const theirs = NodeBuffer.alloc(5);
      same(call(src, "copy", [ours, ...c]), call(nsrc, "copy", [theirs, ...c]));
      expect(Array.from(ours)).toEqual(Array.from(theirs));
    }
    const cmp: unknown[][] = [[], [0, 2], [1, 3, 0, 2], [0, 10], [5, 1], ["x"], [0, 3, 2, 2]];
    for (const c of cmp)
      same(
        call(B.from("abcd"), "compare", [B.from("bcde"), ...c]),
        call(NodeBuffer.from("abcd"), "compare", [NodeBuffer.from("bcde"), ...c]),
      );
    expect(B.from("ab").equals(B.from("ab"))).toBe(true);
    expect(B.from("ab").equals(new Uint8Array([97, 98]))).toBe(true);
    same(
      () => B.from("ab").equals("ab" as never),
      () => NodeBuffer.from("ab").equals("ab" as never),
    );
    for (const s of [[1, 3], [-2], [2, -1], [5, 1], [1.5, 3.9], [undefined, 2], ["1", "3"]]) {
      same(call(B.from("abcde"), "slice", s), call(NodeBuffer.from("abcde"), "slice", s));
    }
    const sl = B.from("abcde");
    sl.slice(1, 2)[0] = 0x7a;
    expect(sl.toString()).toBe("azcde");
    for (const name of ["swap16", "swap32", "swap64"])
      for (const n of [8, 16, 6]) {
        const bytes = Array.from({ length: n }, (_, i) => i);
        same(call(B.from(bytes), name, []), call(NodeBuffer.from(bytes), name, []));
      }
    expect(B.from([1, 2]).toJSON()).toEqual(NodeBuffer.from([1, 2]).toJSON());
  });

  it("encoding-specific slice/write methods", () => {
    const b = B.from("héllo") as unknown as Record<string, (...a: unknown[]) => unknown>;
    expect(b.hexSlice!(0, 2)).toBe("68c3");
    expect(b.utf8Slice!()).toBe("héllo");
    expect(b.latin1Write!("ab", 1)).toBe(2);
    expect(b.toString!()).toBe("habllo");
  });
});

describe("buffer: numeric reads and writes against Node", () => {
  const bytes = [0x01, 0xff, 0x80, 0x7f, 0x00, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde];
  const names = Object.getOwnPropertyNames(NodeBuffer.prototype).filter(
    (n) => /^read[A-Z]/.test(n) && !/^read(U?Int|Uint)(LE|BE)$/.test(n),
  );

  it("exposes the same read/write method names", () => {
    const ours = Object.getOwnPropertyNames(B.prototype).filter((n) => /^(read|write)[A-Z]/.test(n));
    const theirs = Object.getOwnPropertyNames(NodeBuffer.prototype).filter((n) =>
      /^(read|write)[A-Z]/.test(n),
    );
    expect(ours.sort()).toEqual(theirs.sort());
  });

  it("reads", () => {
    for (const name of names)
      for (const off of [undefined, 0, 1, 3, 4, 5, 8, 11, 12, -1, 1.5, "1", null]) {
        same(call(B.from(bytes), name, [off]), call(NodeBuffer.from(bytes), name, [off]));
      }
    for (const name of ["readUIntLE", "readUIntBE", "readIntLE", "readIntBE", "readUintLE"])
      for (const [off, len] of [
        [0, 1],
        [1, 3],
        [2, 6],
        [6, 6],
        [7, 6],
        [0, 7],
        [0, 0],
        [undefined, 2],
        [0, undefined],
        [0, 1.5],
      ])
        same(call(B.from(bytes), name, [off, len]), call(NodeBuffer.from(bytes), name, [off, len]));
  });

  it("writes", () => {
    const values: unknown[] = [
      0,
      1,
      -1,
      127,
      128,
      255,
      256,
      -129,
      65535,
      65536,
      -32769,
      2 ** 31,
      2 ** 32,
      -(2 ** 31) - 1,
      1.5,
      -1.5,
      Number.NaN,
      3.4e38,
      1e300,
      2 ** 48,
      "7",
      5n,
      -5n,
      2n ** 64n,
      2n ** 63n,
      -(2n ** 63n) - 1n,
    ];
    const writeNames = names.map((n) => n.replace("read", "write"));
    for (const name of writeNames)
      for (const v of values)
        for (const off of [undefined, 0, 2, 10, -1, 1.5]) {
          const ours = B.alloc(12);
          const theirs = NodeBuffer.alloc(12);
          same(call(ours, name, [v, off]), call(theirs, name, [v, off]));
          expect(Array.from(ours), `${name}(${String(v)}, ${off})`).toEqual(Array.from(theirs));
        }
    for (const name of ["writeUIntLE", "writeUIntBE", "writeIntLE", "writeIntBE"])
      for (const v of [0, 1, -1, 255, 2 ** 40, -(2 ** 40), 2 ** 48, 70000])
        for (const [off, len] of [
          [0, 1],
          [1, 3],
          [2, 6],
          [7, 6],
          [0, 7],
        ]) {
          const ours = B.alloc(12);
          const theirs = NodeBuffer.alloc(12);
          same(call(ours, name, [v, off, len]), call(theirs, name, [v, off, len]));
          expect(Array.from(ours)).toEqual(Array.from(theirs));
        }
  });

  const call = (buf: unknown, name: string, args: unknown[]) => () =>
    (buf as Record<string, (...a: unknown[]) => unknown>)[name]!(...args);
});

describe("buffer: module exports", () => {
  it("constants and helpers", () => {
    expect(mod.kMaxLength).toBe(nodeBufferModule.kMaxLength);
    expect(mod.constants).toEqual(nodeBufferModule.constants);
    expect(mod.INSPECT_MAX_BYTES).toBe(50);
    for (const s of ["aGVsbG8=", " aGVs bG8 ", "aGVsbG8", "a", "aGVsbG8===", "a=b", "YQ", "@@@@"])
      same(
        () => mod.atob(s),
        () => nodeBufferModule.atob(s),
      );
    for (const s of ["hello", "é\u00ff", "日本"])
      same(
        () => mod.btoa(s),
        () => nodeBufferModule.btoa(s),
      );
    for (const bytes of [
      [0x61],
      [0xc3, 0xa9],
      [0xc3],
      [0xed, 0xa0, 0x80],
      [0xf0, 0x9f, 0x98, 0x80],
      [0xff],
    ]) {
      expect(mod.isUtf8(new Uint8Array(bytes))).toBe(nodeBufferModule.isUtf8(new Uint8Array(bytes)));
      expect(mod.isAscii(new Uint8Array(bytes))).toBe(nodeBufferModule.isAscii(new Uint8Array(bytes)));
    }
  });
});
