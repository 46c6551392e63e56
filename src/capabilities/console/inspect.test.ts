import * as util from "node:util";
import { describe, expect, it } from "vitest";
import { format, formatWithOptions, type InspectOptions, inspect } from "./guest/inspect.js";

class Foo {
  x = 1;
  y = "s";
}
class Bar extends Foo {
  z = [1, 2];
}
class Empty {}
class WithAccessor {
  a = 1;
  get computed() {
    return 2;
  }
}
class MapSub<K, V> extends Map<K, V> {}
class ArraySub extends Array {}

function cyclic() {
  const o: Record<string, unknown> = { a: 1 };
  o.self = o;
  return o;
}
function cyclicDeep() {
  const inner: Record<string, unknown> = { name: "x" };
  inner.arr = [inner, { back: inner }];
  return { outer: inner };
}
function nullProto(props: object = {}) {
  return Object.assign(Object.create(null), props);
}
function error(make: () => Error, props: object = {}) {
  return Object.assign(make(), props);
}
/** An array of `length` holes with the given [index, value] entries filled in. */
function sparse(length: number, ...entries: [number, unknown][]) {
  const arr: unknown[] = new Array(length);
  for (const [i, v] of entries) arr[i] = v;
  return arr;
}
function range(n: number): number[];
function range<T>(n: number, f: (i: number) => T): T[];
function range(n: number, f: (i: number) => unknown = (i) => i) {
  return Array.from({ length: n }, (_, i) => f(i));
}
const sym = Symbol("s");
const throwingGetters = {
  get a(): number {
    throw new Error("getter called");
  },
  set b(_v: unknown) {},
  get c() {
    return 1;
  },
  set c(_v: number) {},
};

// Every value is inspected both by Node and by the guest implementation, with each option set.
const values: [string, unknown][] = [
  ["undefined", undefined],
  ["null", null],
  ["booleans", [true, false]],
  ["numbers", [42, -0, Number.NaN, -Infinity, 1.5e300, 0.1]],
  ["bigint", 1n],
  ["symbols", [Symbol("x"), Symbol(), Symbol.iterator]],
  ["string", "hello"],
  ["quotes", ["it's", `it's "x"`, `it's "x" \`y\``]],
  ["escapes", "a\nb\tc\u0001\u007f\\ \ud800x"],
  ["long string", "x".repeat(200)],
  ["multiline string", "line one is long enough\n".repeat(5)],
  ["empty array", []],
  ["empty object", {}],
  ["array", [1, 2, 3]],
  ["object", { a: 1, b: [1, 2] }],
  ["nested objects", { a: { b: { c: { d: 1 } } } }],
  ["nested arrays", [[[[1]]]]],
  ["deep mix", { l1: { l2: { l3: { l4: {} } }, arr: [{ a: [1, 2, { b: 1 }] }] } }],
  ["null prototype", nullProto({ k: 1 })],
  ["empty null prototype", nullProto()],
  ["proto of null proto", Object.create(nullProto())],
  ["class instance", new Foo()],
  ["subclass instance", new Bar()],
  ["empty class instance", new Empty()],
  ["class with accessor", new WithAccessor()],
  ["map", new Map([["a", 1]])],
  ["nested map", new Map<unknown, unknown>([["a", new Map([[{ k: 1 }, [1, 2]]])]])],
  ["empty map", new Map()],
  ["map of objects", new Map(range(5, (i) => [`key${i}`, { v: i, w: [i] }] as const))],
  ["long map", new Map(range(120, (i) => [i, i] as const))],
  ["set", new Set([1, 2])],
  ["set of objects", new Set([{ a: 1 }, [1, 2]])],
  ["long set", new Set(range(101))],
  ["map subclass", new MapSub([["a", 1]])],
  ["array subclass", new ArraySub()],
  ["dates", [new Date(0), new Date(Number.NaN), Object.assign(new Date(0), { a: 1 })]],
  ["regexps", [/ab+c/gi, /x/dsuy, Object.assign(/x/, { a: 1 })]],
  ["functions", [function f() {}, (() => () => {})(), () => {}, Object.assign(function g() {}, { a: 1 })]],
  ["classes", [class A {}, class B extends Foo {}, class S {}]],
  ["async and generators", [async function af() {}, function* g() {}, async function* ag() {}]],
  ["methods", { f() {}, g: () => 1, h: async () => {}, k: class {} }],
  ["symbol keys", { [sym]: 1, a: 2, [Symbol("with'quote")]: 3 }],
  ["quoted keys", { "a-b": 1, "1": 2, "c d": 3, "it's": 4, "": 5, ключ: 6, $d: 7, _ok: 8 }],
  ["__proto__ key", JSON.parse('{"__proto__": 1}')],
  ["getters", throwingGetters],
  ["boxed", [new Number(3), new String("x"), new Boolean(false), Object(Symbol("q")), Object(5n)]],
  ["typed arrays", [new Uint8Array([1, 2, 3]), new Float64Array([1.5, -0]), new BigInt64Array([1n, 2n])]],
  ["empty typed array", new Uint8Array(0)],
  ["long typed array", new Uint8Array(200)],
  ["float32 grouped", new Float32Array([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8])],
  ["array buffer", new Uint8Array([1, 2]).buffer],
  ["long array buffer", new ArrayBuffer(120)],
  ["data view", new DataView(new ArrayBuffer(2))],
  ["weak collections", [new WeakMap(), new WeakSet()]],
  ["cycle", cyclic()],
  ["nested cycle", cyclicDeep()],
  [
    "array cycle",
    (() => {
      const a: unknown[] = [1];
      a.push(a);
      return a;
    })(),
  ],
  [
    "map cycle",
    (() => {
      const m = new Map<unknown, unknown>();
      m.set("self", m);
      return m;
    })(),
  ],
  ["sparse", sparse(7, [0, 1], [2, 3], [6, 7])],
  ["trailing holes", sparse(3, [0, 1])],
  ["all holes", new Array(200)],
  ["hole past limit", Object.assign(new Array(150).fill(0), { 120: undefined })],
  ["array with props", Object.assign([1, 2, 3], { extra: true })],
  ["120 numbers", range(120)],
  ["7 numbers", [1, 2, 3, 4, 5, 6, 7]],
  ["26 numbers", range(26, (i) => i * 37)],
  ["negative numbers", [-1, 10, -100, 1000, 5, 6, 7, 8, 9, 10]],
  ["floats", range(30, (i) => i / 3)],
  ["bigints grouped", range(8, (i) => BigInt(i) ** 10n)],
  ["30 strings", range(30, (i) => `item${i}`)],
  [
    "mixed lengths",
    ["a", "bb", "ccc", "dddd", "eeeee", "ffffff", "ggggggg", "hhhhhhhh", "iiiiiiiii", "jjjjjjjjjj"],
  ],
  ["wide chars", ["日本語", "中文字", "한국어", "a", "b", "c", "d"]],
  ["mixed array", [1, "a", null, undefined, { a: 1 }, [2], 3, 4]],
  ["array of pairs", range(10, (i) => [i, i * 2])],
  ["array of objects", range(8, (i) => ({ id: i, name: `n${i}` }))],
  ["nested grouped", { a: { b: range(40) } }],
  [
    "long object",
    { alpha: "aaaaaaaaaaaaaaa", beta: "bbbbbbbbbbbbbbbbbbb", gamma: "ccccccccccccccccc", delta: "dddd" },
  ],
  ["26 keys", Object.fromEntries(range(26, (i) => [String.fromCharCode(97 + i), i] as const))],
  ["errors", [new Error("boom"), new TypeError("bad")]],
  ["error with props", error(() => new Error("boom"), { code: "X" })],
  ["nested error with props", { e: error(() => new Error("q"), { info: { deep: true } }) }],
  ["error with cause", new Error("outer", { cause: new Error("inner") })],
  ["error with string cause", new Error("x", { cause: "just a string" })],
  ["aggregate error", new AggregateError([new Error("a1"), new TypeError("a2")], "many")],
  ["error without stack", error(() => new Error("ns"), { stack: "" })],
  [
    "arguments",
    (function (..._a: unknown[]) {
      // biome-ignore lint/complexity/noArguments: the arguments object is what is being inspected
      return arguments;
    })(1, 2),
  ],
  ["own toStringTag", { [Symbol.toStringTag]: "T" }],
  ["null proto with tag", nullProto({ [Symbol.toStringTag]: "Z" })],
  ["Object.prototype", Object.prototype],
  ["Function.prototype", Function.prototype],
  ["generator object", (function* () {})()],
  ["null proto array", Object.setPrototypeOf([1, 2], null)],
  ["null proto map", Object.setPrototypeOf(new Map([[1, 2]]), null)],
];

const optionSets: InspectOptions[] = [
  {},
  { depth: 0 },
  { depth: 5 },
  { depth: null },
  { breakLength: 40 },
  { breakLength: Infinity },
  { compact: false },
  { compact: true },
  { compact: 1 },
  { maxArrayLength: 2 },
  { maxStringLength: 3 },
  { sorted: true },
  { showHidden: true },
  { numericSeparator: true },
];

describe("inspect matches node:util", () => {
  for (const options of optionSets) {
    describe(`options ${JSON.stringify(options)}`, () => {
      // With showHidden Node lists the entries of weak collections, which plain JavaScript cannot reach.
      const cases = options.showHidden ? values.filter(([name]) => name !== "weak collections") : values;
      it.each(cases)("%s", (_name, value) => {
        expect(inspect(value, options)).toBe(util.inspect(value, options));
      });
    });
  }

  it("matches Node with a sort comparator and a large compact value", () => {
    const value = { b: 1, a: { d: 1, c: [3, 2] }, s: "str".repeat(10), n: range(30) };
    const sorted = (a: string, b: string) => b.localeCompare(a);
    expect(inspect(value, { sorted })).toBe(util.inspect(value, { sorted }));
    expect(inspect(value, { compact: 5, breakLength: 120 })).toBe(
      util.inspect(value, { compact: 5, breakLength: 120 }),
    );
  });

  it("interrupts runaway recursion like Node", () => {
    let deep: object = {};
    for (let i = 0; i < 20000; i++) deep = { o: deep };
    const ours = inspect(deep, { depth: Infinity });
    expect(ours).toContain("[Object: Inspection interrupted prematurely. Maximum call stack size exceeded.]");
  });
});

describe("documented differences from Node", () => {
  it("cannot see Promise state", () => {
    expect(inspect(Promise.resolve(1))).toBe("Promise { <unknown> }");
    expect(inspect({ p: new Promise(() => {}) })).toBe("{ p: Promise { <unknown> } }");
  });

  it("cannot preview iterators", () => {
    expect(inspect(new Map([[1, 2]]).entries())).toBe("[Map Iterator] { <items unknown> }");
    expect(inspect(new Set([1]).values())).toBe("[Set Iterator] { <items unknown> }");
  });

  it("cannot list the entries of weak collections", () => {
    expect(inspect(new WeakMap([[{}, 1]]), { showHidden: true })).toBe("WeakMap { <items unknown> }");
    expect(inspect(new WeakSet([{}]))).toBe("WeakSet { <items unknown> }");
  });

  it("does not call a Symbol.toStringTag getter", () => {
    class Q {
      get [Symbol.toStringTag]() {
        return "X";
      }
    }
    expect(inspect(new Q())).toBe("Q {}");
  });

  it("adds a header to stacks that hold only frames, drops the sandbox's frames, names top-level code by file", () => {
    const err = error(() => new Error("boom"), {
      stack: "    at f (x.js:1:2)\n    at op (native)\n    at g (cordon:fs:1:9)\n    at <eval> (x.js:3:1)\n",
    });
    expect(inspect(err)).toBe("Error: boom\n    at f (x.js:1:2)\n    at x.js:3:1");
    expect(inspect({ err })).toBe("{\n  err: Error: boom\n      at f (x.js:1:2)\n      at x.js:3:1\n}");
    const typed = error(() => new TypeError("t"), { stack: "    at g (y.js:2:3)\n", code: 1 });
    expect(inspect(typed)).toBe("TypeError: t\n    at g (y.js:2:3) {\n  code: 1\n}");
  });

  it("never throws, even for hostile proxies", () => {
    const trap = () => {
      throw new Error("trap");
    };
    const hostile = new Proxy(
      {},
      { get: trap, getOwnPropertyDescriptor: trap, ownKeys: trap, getPrototypeOf: trap },
    );
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    expect(inspect(hostile)).toBe("[Object: Inspection interrupted prematurely]");
    expect(inspect([proxy])).toBe("[ [Object: Inspection interrupted prematurely] ]");
  });
});

describe("inspect runs none of the value's code", () => {
  it("does not call getters, toJSON, toString, valueOf, toPrimitive or inspect.custom", () => {
    const calls: string[] = [];
    const hostile = {
      get boom(): never {
        calls.push("getter");
        throw new Error("getter");
      },
      toJSON() {
        calls.push("toJSON");
        return 1;
      },
      toString() {
        calls.push("toString");
        return "s";
      },
      valueOf() {
        calls.push("valueOf");
        return 1;
      },
      [Symbol.toPrimitive]() {
        calls.push("toPrimitive");
        return 1;
      },
      [util.inspect.custom]() {
        calls.push("custom");
        return "custom";
      },
    };
    class Loud {
      get name() {
        calls.push("class getter");
        return "x";
      }
      static get [Symbol.hasInstance]() {
        calls.push("hasInstance");
        return () => true;
      }
    }
    const out = inspect({ hostile, nested: [hostile], loud: new Loud(), cls: Loud }, { depth: 4 });
    expect(calls).toEqual([]);
    expect(out).toContain("boom: [Getter]");
    expect(out).toContain("toJSON: [Function: toJSON]");
    expect(out).toContain("loud: Loud {}");
  });

  it("prints objects whose getters throw", () => {
    expect(inspect(throwingGetters)).toBe("{ a: [Getter], b: [Setter], c: [Getter/Setter] }");
    const err = new Error("x");
    Object.defineProperty(err, "message", {
      get() {
        throw new Error("nope");
      },
    });
    expect(() => inspect(err)).not.toThrow();
  });
});

const circular: Record<string, unknown> = {};
circular.c = circular;
class WithToString {
  toString() {
    return "custom!";
  }
}
const formatCases: unknown[][] = [
  ["%s", "a"],
  ["%s", 1],
  ["%s", -0],
  ["%s", 1n],
  ["%s", Symbol("s")],
  ["%s", { a: 1 }],
  ["%s", { a: { b: 1 } }],
  ["%s", [1, [2, [3]]]],
  ["%s", new Error("x")],
  ["%s", { toString: () => "own" }],
  ["%s", new WithToString()],
  ["%s", null],
  ["%s", undefined],
  ["%s", new Date(0)],
  ["%s", function ff() {}],
  ["%d", 42],
  ["%d", "42"],
  ["%d", {}],
  ["%d", []],
  ["%d", 1n],
  ["%d", -0],
  ["%d", Symbol()],
  ["%i", 42.9],
  ["%i", "0x10"],
  ["%i", 5n],
  ["%f", "1.5e3"],
  ["%f", "x"],
  ["%j", { a: [1] }],
  ["%j", circular],
  ["%j", undefined],
  ["%j", "s"],
  ["%o", { a: [1, 2] }],
  ["%o", [1, 2]],
  ["%o", function f() {}],
  ["%o", "str"],
  ["%O", { a: { b: { c: { d: {} } } } }],
  ["%O", "str"],
  ["%c styled", "color: red"],
  ["100%%", 1],
  ["%%s", 1],
  ["%s %s", "a"],
  ["%s", "a", "b", { c: 1 }],
  ["a%", 1],
  ["%x", 1],
  ["%s%", 1],
  ["%%"],
  ["%%", 1],
  ["%s"],
  ["only"],
  [],
  ["no specs", 1, "two", { t: 1 }],
  [1, "two", { t: 1 }],
  [{ a: 1 }, "%s", 1],
  ["%s:%d", "x", 5, 6],
];

describe("format matches node:util", () => {
  it.each(formatCases.map((args) => [JSON.stringify(args.map(String)), args] as const))(
    "format(%s)",
    (_n, args) => {
      expect(format(...args)).toBe(util.format(...args));
    },
  );

  it("formatWithOptions applies the options", () => {
    const args = ["%O and", { a: { b: 1 } }, { c: { d: 1 } }, [1, 2, 3]];
    for (const options of [{ depth: 0 }, { compact: false }, { maxArrayLength: 1 }]) {
      expect(formatWithOptions(options, ...args)).toBe(util.formatWithOptions(options, ...args));
    }
  });
});
