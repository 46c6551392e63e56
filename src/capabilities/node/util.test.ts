import nodeAssert from "node:assert";
import * as nodeUtil from "node:util";
import { describe, expect, it, vi } from "vitest";
import { create as createBuffer } from "./guest/buffer.js";
import { makeRequire } from "./guest/internal/testing.js";
import { create as createTimersPromises } from "./guest/timers-promises.js";
import { create } from "./guest/util.js";

const load = makeRequire(
  { util: create, buffer: createBuffer, "timers/promises": createTimersPromises },
  { "internal:inspect": nodeUtil },
);
const util = load("util") as typeof nodeUtil;
const looseEqual = (util as unknown as Record<symbol, (a: unknown, b: unknown) => boolean>)[
  Symbol.for("cordon.util.isDeepEqual")
]!;

function nodeLoose(a: unknown, b: unknown): boolean {
  try {
    nodeAssert.deepEqual(a, b);
    return true;
  } catch {
    return false;
  }
}

function pairs(): [string, unknown, unknown][] {
  const cyclicA: Record<string, unknown> = { x: 1 };
  cyclicA.self = cyclicA;
  const cyclicB: Record<string, unknown> = { x: 1 };
  cyclicB.self = cyclicB;
  const cyclicC: Record<string, unknown> = { x: 1 };
  cyclicC.self = { x: 1, self: cyclicC };
  const sym = Symbol("s");
  // biome-ignore lint/suspicious/noSparseArray: sparse arrays are under test
  const sparse = [1, , 3];
  const withProp = Object.assign([1, 2], { extra: true });
  const nonEnum = Object.defineProperty({ a: 1 }, "b", { value: 2 });
  const err1 = new Error("boom");
  const err2 = new Error("boom");
  const typeErr = new TypeError("boom");
  const args = (function (..._a: unknown[]) {
    // biome-ignore lint/complexity/noArguments: testing arguments objects
    return arguments;
  })(1, 2);
  class Foo {
    a = 1;
  }
  return [
    ["same number", 1, 1],
    ["1 vs '1'", 1, "1"],
    ["0 vs -0", 0, -0],
    ["NaN", Number.NaN, Number.NaN],
    ["null vs undefined", null, undefined],
    ["null vs {}", null, {}],
    ["objects", { a: 1, b: [1, 2] }, { b: [1, 2], a: 1 }],
    ["objects differ", { a: 1 }, { a: 2 }],
    ["object key count", { a: 1 }, { a: 1, b: undefined }],
    ["loose values", { a: 1 }, { a: "1" }],
    ["arrays", [1, 2, [3]], [1, 2, [3]]],
    ["array vs object", [1], { 0: 1 }],
    ["array lengths", [1], [1, undefined]],
    ["sparse vs undefined", sparse, [1, undefined, 3]],
    // biome-ignore lint/suspicious/noSparseArray: sparse arrays are under test
    ["sparse vs sparse", sparse, [1, , 3]],
    ["array extra prop", withProp, [1, 2]],
    ["non-enumerable ignored", nonEnum, { a: 1 }],
    ["dates", new Date(5), new Date(5)],
    ["dates differ", new Date(5), new Date(6)],
    ["date vs object", new Date(5), {}],
    ["regexps", /a/g, /a/g],
    ["regexp flags", /a/g, /a/i],
    ["regexp lastIndex", Object.assign(/a/g, { lastIndex: 2 }), /a/g],
    ["errors", err1, err2],
    ["error classes", err1, typeErr],
    ["error messages", new Error("a"), new Error("b")],
    ["maps", new Map([[1, { a: 1 }]]), new Map([[1, { a: 1 }]])],
    ["maps differ", new Map([[1, 1]]), new Map([[1, 2]])],
    ["map object keys", new Map([[{ k: 1 }, "v"]]), new Map([[{ k: 1 }, "v"]])],
    ["map loose keys", new Map([[1, "v"]]), new Map([["1", "v"]])],
    [
      "map swapped object keys",
      new Map([
        [{}, "a"],
        [{}, "b"],
      ]),
      new Map([
        [{}, "b"],
        [{}, "a"],
      ]),
    ],
    ["sets", new Set([1, 2, { a: 1 }]), new Set([2, 1, { a: 1 }])],
    ["sets differ", new Set([1, 2]), new Set([1, 3])],
    ["set loose prims", new Set([1]), new Set(["1"])],
    ["set undefined/null", new Set([undefined]), new Set([null])],
    ["typed arrays", new Uint8Array([1, 2]), new Uint8Array([1, 2])],
    ["typed array kinds", new Uint8Array([1, 2]), new Int8Array([1, 2])],
    ["typed differ", new Uint16Array([1, 2]), new Uint16Array([1, 3])],
    ["float NaN", new Float64Array([Number.NaN]), new Float64Array([Number.NaN])],
    ["float -0", new Float32Array([-0]), new Float32Array([0])],
    ["array buffers", new Uint8Array([1]).buffer, new Uint8Array([1]).buffer],
    ["array buffers differ", new Uint8Array([1]).buffer, new Uint8Array([2]).buffer],
    ["data views", new DataView(new ArrayBuffer(2)), new DataView(new ArrayBuffer(2))],
    ["boxed numbers", new Number(1), new Number(1)],
    ["boxed differ", new Number(1), new Number(2)],
    ["boxed vs prim", new String("a"), "a"],
    ["boxed string vs number", new String("1"), new Number(1)],
    ["boxed -0", new Number(-0), new Number(0)],
    ["symbol keys", { [sym]: 1 }, { [sym]: 1 }],
    ["symbol keys differ", { [sym]: 1 }, { [sym]: 2 }],
    ["symbol key missing", { [sym]: 1 }, {}],
    ["cycles", cyclicA, cyclicB],
    ["cycle shapes", cyclicA, cyclicC],
    ["prototypes", new Foo(), { a: 1 }],
    ["null prototype", Object.assign(Object.create(null), { a: 1 }), { a: 1 }],
    ["arguments", args, [1, 2]],
    ["functions", () => 1, () => 1],
    ["same function", Math.max, Math.max],
    ["wrapped primitive object", Object(1n), Object(1n)],
    ["promises", Promise.resolve(1), Promise.resolve(1)],
    ["weakmaps", new WeakMap(), new WeakMap()],
    ["nested loose", { a: [1, { b: "2" }] }, { a: ["1", { b: 2 }] }],
    ["symbols", Symbol.iterator, Symbol.iterator],
    ["bigints", 1n, 1n],
    ["bigint loose", 1n, 1],
    ["error causes", new Error("a", { cause: 1 }), new Error("a", { cause: 2 })],
    ["error same causes", new Error("a", { cause: { x: 1 } }), new Error("a", { cause: { x: 1 } })],
    ["error enumerable message", Object.assign(new Error("a"), { message: "a" }), new Error("a")],
    ["sets of objects", new Set([{ a: 1 }, { b: 2 }]), new Set([{ b: 2 }, { a: 1 }])],
    ["sets of objects differ", new Set([{ a: 1 }, { b: 2 }]), new Set([{ b: 2 }, { a: 2 }])],
    ["set single object", new Set([[1]]), new Set([[1]])],
    ["map single object key", new Map([[{ a: 1 }, 1]]), new Map([[{ a: 1 }, 1]])],
    ["map single object key differ", new Map([[{ a: 1 }, 1]]), new Map([[{ a: 1 }, 2]])],
    ["map loose value", new Map([["a", 1]]), new Map([["a", "1"]])],
    ["set with undefined loose", new Set([undefined, 1]), new Set([null, 1])],
    ["deep cycles", deepCycle(3), deepCycle(3)],
    ["deep cycles differ", deepCycle(3), deepCycle(4)],
    ["url objects", new URL("http://a/"), new URL("http://b/")],
    ["url objects same", new URL("http://a/"), new URL("http://a/")],
  ];
}

function deepCycle(n: number): unknown {
  const root: Record<string, unknown> = { n };
  let cur = root;
  for (let i = 0; i < n; i++) {
    const next: Record<string, unknown> = { i, list: [i, { i }] };
    cur.next = next;
    cur = next;
  }
  cur.next = root;
  return root;
}

/** Random nested values, so both implementations see many shapes. */
function randomValue(rand: () => number, depth: number): unknown {
  const prims = [0, -0, 1, "1", "", "a", null, undefined, true, Number.NaN, 1n];
  const r = rand();
  if (depth <= 0 || r < 0.4) return prims[Math.floor(rand() * prims.length)];
  const n = Math.floor(rand() * 3);
  const kids = () => Array.from({ length: n }, () => randomValue(rand, depth - 1));
  if (r < 0.55) return kids();
  if (r < 0.7) return Object.fromEntries(kids().map((v, i) => [`k${i % 2}${i}`, v]));
  if (r < 0.8) return new Set(kids());
  if (r < 0.9) return new Map(kids().map((v, i) => [i % 2 ? v : i, v]));
  return new Uint8Array(kids().map((v) => (typeof v === "number" ? v : 1)));
}

describe("deep equality on random values", () => {
  it("agrees with Node", () => {
    let seed = 42;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    for (let i = 0; i < 3000; i++) {
      const start = seed;
      const a = randomValue(rand, 3);
      // Same seed again: a distinct copy; otherwise a copy whose tail may differ.
      if (rand() < 0.7) seed = start;
      const b = randomValue(rand, 3);
      expect(util.isDeepStrictEqual(a, b)).toBe(nodeUtil.isDeepStrictEqual(a, b));
      expect(looseEqual(a, b)).toBe(nodeLoose(a, b));
    }
  });
});

describe("util.isDeepStrictEqual and loose deep equality against Node", () => {
  for (const [name, a, b] of pairs()) {
    it(name, () => {
      expect(util.isDeepStrictEqual(a, b)).toBe(nodeUtil.isDeepStrictEqual(a, b));
      expect(util.isDeepStrictEqual(b, a)).toBe(nodeUtil.isDeepStrictEqual(b, a));
      expect(looseEqual(a, b)).toBe(nodeLoose(a, b));
      expect(looseEqual(b, a)).toBe(nodeLoose(b, a));
    });
  }
});

describe("util.types against Node", () => {
  const values: unknown[] = [
    1,
    "s",
    null,
    undefined,
    {},
    [],
    () => {},
    async () => {},
    function* () {},
    async function* () {},
    (function* () {})(),
    (async function* () {})(),
    Promise.resolve(),
    // biome-ignore lint/suspicious/noThenProperty: a thenable that is not a promise
    { then() {} },
    new Date(),
    /x/,
    RegExp.prototype,
    { [Symbol.toStringTag]: "Date" },
    new Map(),
    new Set(),
    new WeakMap(),
    new WeakSet(),
    new Map().keys(),
    new Set().values(),
    new Error("e"),
    new TypeError("e"),
    Object.create(Error.prototype),
    new ArrayBuffer(1),
    new SharedArrayBuffer(1),
    new DataView(new ArrayBuffer(1)),
    new Uint8Array(1),
    new Float64Array(1),
    new BigInt64Array(1),
    new Uint8ClampedArray(1),
    new Number(1),
    new String("s"),
    new Boolean(false),
    Object(1n),
    Object(Symbol()),
    (function () {
      // biome-ignore lint/complexity/noArguments: testing arguments objects
      return arguments;
    })(),
  ];
  const names = Object.keys(nodeUtil.types).filter(
    (n) => !["isProxy", "isExternal", "isKeyObject", "isCryptoKey"].includes(n),
  );
  it("has every predicate", () => {
    for (const n of Object.keys(nodeUtil.types))
      expect(typeof (util.types as Record<string, unknown>)[n], n).toBe("function");
  });
  it("agrees on a table of values", () => {
    for (const n of names)
      values.forEach((v, i) => {
        const ours = (util.types as unknown as Record<string, (v: unknown) => boolean>)[n]!(v);
        const theirs = (nodeUtil.types as unknown as Record<string, (v: unknown) => boolean>)[n]!(v);
        expect(ours, `${n}(values[${i}])`).toBe(theirs);
      });
  });
});

describe("util functions", () => {
  it("promisify", async () => {
    const fn = (a: number, cb: (e: unknown, v?: number) => void) => cb(null, a + 1);
    const p = util.promisify(fn);
    await expect(p(1)).resolves.toBe(2);
    expect(p.name).toBe("fn");
    expect(util.promisify(p)).toBe(p);
    const failing = (cb: (e: unknown) => void) => cb(new Error("no"));
    await expect(util.promisify(failing)()).rejects.toThrow("no");
    const custom = Object.assign(() => {}, { [util.promisify.custom]: () => Promise.resolve("custom") });
    await expect((util.promisify(custom) as () => Promise<string>)()).resolves.toBe("custom");
    expect(util.promisify.custom).toBe(nodeUtil.promisify.custom);
    expect(() => util.promisify(1 as never)).toThrow(/The "original" argument must be of type function/);
    const self = {
      v: 3,
      m(cb: (e: unknown, v: number) => void) {
        cb(null, this.v);
      },
    };
    await expect(util.promisify(self.m).call(self)).resolves.toBe(3);
  });

  it("callbackify", async () => {
    const ok = util.callbackify(async (a: number) => a * 2);
    expect(ok.name).toBe(nodeUtil.callbackify(async (_a: number) => 0).name.replace("", ""));
    expect(ok.length).toBe(2);
    const got = await new Promise((resolve) => ok(4, (err, v) => resolve([err, v])));
    expect(got).toEqual([null, 8]);
    const bad = util.callbackify(() => Promise.reject(null));
    const err = await new Promise<Error & { code?: string; reason?: unknown }>((resolve) =>
      bad((e) => resolve(e as Error)),
    );
    expect(err.code).toBe("ERR_FALSY_VALUE_REJECTION");
    expect(err.reason).toBe(null);
    expect(() => (ok as unknown as (a: number) => void)(1)).toThrow(
      /The last argument must be of type function/,
    );
  });

  it("inherits", () => {
    function A(this: { a: number }) {
      this.a = 1;
    }
    A.prototype.hello = () => "hi";
    function B(this: { a: number }) {
      A.call(this);
    }
    util.inherits(B, A);
    const b = new (B as unknown as new () => { a: number; hello(): string })();
    expect(b.hello()).toBe("hi");
    expect((B as unknown as { super_: unknown }).super_).toBe(A);
    expect(() => util.inherits(B, null as never)).toThrow(TypeError);
  });

  it("deprecate warns once per code", () => {
    const spy = vi.spyOn(console, "error").mockImplementation(() => {});
    const saved = process.emitWarning;
    (process as { emitWarning: unknown }).emitWarning = undefined;
    try {
      const f = util.deprecate((x: number) => x + 1, "f is old", "DEP_TEST1");
      const g = util.deprecate(() => 0, "g is old", "DEP_TEST1");
      expect(f(1)).toBe(2);
      expect(f(2)).toBe(3);
      g();
      expect(spy).toHaveBeenCalledTimes(1);
      expect(String(spy.mock.calls[0]![0])).toMatch(/\[DEP_TEST1\] DeprecationWarning: f is old$/);
      class K {
        v = 5;
      }
      const D = util.deprecate(K, "K is old");
      expect(new (D as unknown as new () => K)().v).toBe(5);
    } finally {
      process.emitWarning = saved;
      spy.mockRestore();
    }
  });

  it("debuglog", () => {
    const spy = vi.spyOn(console, "error").mockImplementation(() => {});
    const saved = process.env.NODE_DEBUG;
    process.env.NODE_DEBUG = "foo,ba*";
    try {
      const foo = util.debuglog("foo");
      const bar = util.debuglog("barx");
      const off = util.debuglog("other");
      expect(foo.enabled).toBe(true);
      expect(bar.enabled).toBe(true);
      expect(off.enabled).toBe(false);
      foo("hello", 1);
      off("nothing");
      expect(spy).toHaveBeenCalledTimes(1);
      expect(String(spy.mock.calls[0]![0])).toMatch(/^FOO \d+: hello 1$/);
    } finally {
      process.env.NODE_DEBUG = saved;
      spy.mockRestore();
    }
  });

  it("inspect, format and the rest", () => {
    expect(util.inspect).toBe(nodeUtil.inspect);
    expect(util.inspect.custom).toBe(Symbol.for("nodejs.util.inspect.custom"));
    expect(util.format("%s=%d", "a", 1)).toBe("a=1");
    expect(util.TextEncoder).toBe(globalThis.TextEncoder);
    for (const s of ["a\ud800b", "\udc00", "ok😀", "\ud83d\ude00\ud83d"])
      expect(util.toUSVString(s)).toBe(nodeUtil.toUSVString(s));
    for (const s of ["\u001b[31mred\u001b[39m", "\u001b]8;;http://x\u0007link\u001b]8;;\u0007", "plain"])
      expect(util.stripVTControlCharacters(s)).toBe(nodeUtil.stripVTControlCharacters(s));
    const legacy = [
      "isArray",
      "isBoolean",
      "isBuffer",
      "isDate",
      "isError",
      "isFunction",
      "isNull",
      "isNullOrUndefined",
      "isNumber",
      "isObject",
      "isPrimitive",
      "isRegExp",
      "isString",
      "isSymbol",
      "isUndefined",
    ];
    const samples = [
      null,
      undefined,
      1,
      "s",
      true,
      Symbol(),
      {},
      [],
      () => {},
      new Date(),
      /x/,
      new Error(),
      Buffer.alloc(1),
    ];
    for (const name of legacy)
      for (const v of samples) {
        const nodeFn = (nodeUtil as unknown as Record<string, (v: unknown) => boolean>)[name]!;
        const ours = (util as unknown as Record<string, (v: unknown) => boolean>)[name]!;
        const value = v instanceof Buffer ? (load("buffer") as { Buffer: typeof Buffer }).Buffer.from(v) : v;
        expect(ours(value), name).toBe(nodeFn(v));
      }
    const extend = (util as unknown as { _extend(a: object, b: object): object })._extend;
    expect(extend({ a: 1 }, { b: 2 })).toEqual({ a: 1, b: 2 });
  });
});
