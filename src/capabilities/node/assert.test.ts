import nodeAssert from "node:assert";
import nodeStrict from "node:assert/strict";
import * as nodeUtil from "node:util";
import { describe, expect, it } from "vitest";
import { create } from "./guest/assert.js";
import { create as createStrict } from "./guest/assert-strict.js";
import { makeRequire } from "./guest/internal/testing.js";
import { create as createUtil } from "./guest/util.js";

const load = makeRequire(
  { assert: create, "assert/strict": createStrict, util: createUtil },
  { "internal:inspect": nodeUtil },
);
const assert = load("assert") as typeof nodeAssert;

type Shape = Record<string, unknown>;
/** What an assertion call did: its error's observable fields, or that it passed. */
function outcome(fn: () => unknown): Shape {
  try {
    fn();
    return { passed: true };
  } catch (e) {
    const err = e as Error & Shape;
    return {
      class: err.constructor?.name,
      name: err.name,
      code: err.code,
      message: err.message,
      generatedMessage: err.generatedMessage,
      operator: err.operator,
      actual: err.actual,
      expected: err.expected,
    };
  }
}
async function asyncOutcome(fn: () => Promise<unknown>): Promise<Shape> {
  try {
    await fn();
    return { passed: true };
  } catch (e) {
    const err = e as Error & Shape;
    return { class: err.constructor?.name, code: err.code, message: err.message, operator: err.operator };
  }
}

const big = Array.from({ length: 60 }, (_, i) => ({ id: i, name: `item${i}` }));
const bigChanged = big.map((x) => (x.id === 30 ? { ...x, name: "changed" } : x));
class Custom extends Error {}
const symX = Symbol("x");
const symY = Symbol("x");
const validator = function check() {
  return 1;
} as never;
const thrower = (err: unknown) => () => {
  throw err;
};

const CASES: [string, (a: typeof nodeAssert) => unknown][] = [
  ["ok true", (a) => a.ok(1)],
  ["ok false", (a) => a.ok(0, "zero")],
  ["ok no args", (a) => (a.ok as () => void)()],
  ["ok error message", (a) => a.ok(false, new TypeError("mine"))],
  ["assert()", (a) => a(null, "as function")],
  ["equal", (a) => a.equal(1, "1")],
  ["equal fails", (a) => a.equal(1, 2)],
  ["equal NaN", (a) => a.equal(Number.NaN, Number.NaN)],
  ["equal missing", (a) => (a.equal as (x: unknown) => void)(1)],
  ["notEqual", (a) => a.notEqual(1, "1")],
  ["strictEqual short", (a) => a.strictEqual(1, 2)],
  ["strictEqual strings", (a) => a.strictEqual("hello world", "hello there")],
  ["strictEqual long strings", (a) => a.strictEqual("a".repeat(50) + "b", "a".repeat(50) + "c")],
  ["strictEqual multiline", (a) => a.strictEqual("a\nb\nc", "a\nx\nc")],
  ["strictEqual objects", (a) => a.strictEqual({ a: 1 }, { a: 1 })],
  ["strictEqual object differ", (a) => a.strictEqual({ a: 1 }, { a: 2 })],
  ["strictEqual 0 -0", (a) => a.strictEqual(0, -0)],
  ["strictEqual with message", (a) => a.strictEqual(1, 2, "custom")],
  ["strictEqual with Error", (a) => a.strictEqual(1, 2, new RangeError("own"))],
  ["notStrictEqual", (a) => a.notStrictEqual(1, 1)],
  ["notStrictEqual long", (a) => a.notStrictEqual("abcdefgh", "abcdefgh")],
  [
    "notStrictEqual object",
    (a) => {
      const o = { a: [1, 2] };
      a.notStrictEqual(o, o);
    },
  ],
  ["deepEqual", (a) => a.deepEqual({ a: 1 }, { a: "1" })],
  ["deepEqual fails", (a) => a.deepEqual({ a: 1 }, { a: 2 })],
  ["notDeepEqual", (a) => a.notDeepEqual({ a: 1 }, { a: "1" })],
  ["notDeepEqual differing text", (a) => a.notDeepEqual([1], ["1"])],
  ["deepStrictEqual", (a) => a.deepStrictEqual({ a: [1, 2, { b: 3 }] }, { a: [1, 2, { b: 4 }] })],
  ["deepStrictEqual arrays", (a) => a.deepStrictEqual([1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 3, 4, 5, 6, 7, 9])],
  ["deepStrictEqual long", (a) => a.deepStrictEqual(big, bigChanged)],
  ["deepStrictEqual extra lines", (a) => a.deepStrictEqual({ a: 1, b: 2, c: 3 }, { a: 1 })],
  ["deepStrictEqual fewer lines", (a) => a.deepStrictEqual([1], [1, 2, 3, 4, 5, 6, 7, 8, 9])],
  ["deepStrictEqual same look", (a) => a.deepStrictEqual({ a: symX }, { a: symY })],
  ["deepStrictEqual errors", (a) => a.deepStrictEqual(new Error("a"), new Error("b"))],
  ["deepStrictEqual prims", (a) => a.deepStrictEqual(1, "1")],
  ["deepStrictEqual maps", (a) => a.deepStrictEqual(new Map([[1, 2]]), new Map([[1, 3]]))],
  ["notDeepStrictEqual", (a) => a.notDeepStrictEqual({ a: 1 }, { a: 1 })],
  ["notDeepStrictEqual prim", (a) => a.notDeepStrictEqual(5, 5)],
  ["fail", (a) => a.fail()],
  ["fail message", (a) => a.fail("boom")],
  ["fail error", (a) => a.fail(new TypeError("te"))],
  ["throws passes", (a) => a.throws(thrower(new TypeError("x")), TypeError)],
  ["throws missing", (a) => a.throws(() => {})],
  ["throws missing class", (a) => a.throws(() => {}, TypeError, "needed")],
  ["throws wrong class", (a) => a.throws(thrower(new RangeError("r")), TypeError)],
  ["throws same name other class", (a) => a.throws(thrower(new Error("e")), Custom)],
  ["throws regexp ok", (a) => a.throws(thrower(new Error("hello")), /hell/)],
  ["throws regexp fails", (a) => a.throws(thrower(new Error("hello")), /bye/)],
  [
    "throws object ok",
    (a) => a.throws(thrower(Object.assign(new Error("m"), { code: "X" })), { code: "X", message: /m/ }),
  ],
  [
    "throws object fails",
    (a) => a.throws(thrower(Object.assign(new Error("m"), { code: "X" })), { code: "Y", message: "m" }),
  ],
  ["throws object message", (a) => a.throws(thrower(new Error("m")), { message: "n" }, "custom")],
  ["throws error instance", (a) => a.throws(thrower(new TypeError("m")), new TypeError("m"))],
  ["throws error instance differs", (a) => a.throws(thrower(new TypeError("m")), new RangeError("m"))],
  ["throws empty object", (a) => a.throws(thrower(new Error("m")), {})],
  ["throws primitive thrown", (a) => a.throws(thrower("str"), { message: "x" })],
  ["throws validator ok", (a) => a.throws(thrower(new Error("v")), (e: unknown) => e instanceof Error)],
  ["throws validator fails", (a) => a.throws(thrower(new Error("v")), validator)],
  ["throws string message", (a) => a.throws(() => {}, "the message")],
  ["throws ambiguous", (a) => a.throws(thrower(new Error("same")), "same")],
  ["throws bad error arg", (a) => a.throws(thrower(new Error("x")), 5 as never)],
  ["throws not a function", (a) => a.throws(5 as never)],
  ["doesNotThrow passes", (a) => a.doesNotThrow(() => {})],
  ["doesNotThrow fails", (a) => a.doesNotThrow(thrower(new Error("oops")))],
  ["doesNotThrow message", (a) => a.doesNotThrow(thrower(new Error("oops")), "why")],
  ["doesNotThrow other class rethrows", (a) => a.doesNotThrow(thrower(new TypeError("t")), RangeError)],
  ["doesNotThrow matching class", (a) => a.doesNotThrow(thrower(new TypeError("t")), TypeError, "msg")],
  ["ifError null", (a) => a.ifError(null)],
  ["ifError error", (a) => a.ifError(new Error("bad"))],
  ["ifError empty message", (a) => a.ifError(new TypeError(""))],
  ["ifError value", (a) => a.ifError("str")],
  ["match", (a) => a.match("abc", /b/)],
  ["match fails", (a) => a.match("abc", /x/)],
  ["match not string", (a) => a.match(123 as never, /x/)],
  ["match bad regexp", (a) => a.match("abc", "x" as never)],
  ["doesNotMatch", (a) => a.doesNotMatch("abc", /b/)],
  ["doesNotMatch message", (a) => a.doesNotMatch("abc", /b/, "nope")],
];

describe("assert against Node", () => {
  for (const [name, run] of CASES) {
    it(name, () => {
      expect(outcome(() => run(assert))).toEqual(outcome(() => run(nodeAssert)));
    });
  }

  it("async rejects / doesNotReject", async () => {
    const cases: ((a: typeof nodeAssert) => Promise<unknown>)[] = [
      (a) => a.rejects(Promise.reject(new TypeError("t")), TypeError),
      (a) => a.rejects(Promise.resolve(1)),
      (a) => a.rejects(async () => 1, "must"),
      (a) => a.rejects(() => 5 as never),
      (a) => a.rejects(5 as never),
      (a) => a.rejects(Promise.reject(new Error("m")), { message: "n" }),
      (a) => a.doesNotReject(Promise.resolve(1)),
      (a) => a.doesNotReject(Promise.reject(new Error("x"))),
      (a) =>
        a.doesNotReject(async () => {
          throw new Error("y");
        }, "ctx"),
    ];
    for (const c of cases)
      expect(await asyncOutcome(() => c(assert))).toEqual(await asyncOutcome(() => c(nodeAssert)));
  });
});

describe("assert shape", () => {
  it("strict variants", () => {
    const strict = load("assert/strict") as typeof nodeStrict;
    expect(strict).toBe(assert.strict);
    expect(strict.strict).toBe(strict);
    expect(strict.equal).toBe(assert.strictEqual);
    expect(outcome(() => strict.equal(1, "1" as never))).toEqual(
      outcome(() => nodeStrict.equal(1, "1" as never)),
    );
    expect(outcome(() => strict.deepEqual({ a: 1 }, { a: "1" }))).toEqual(
      outcome(() => nodeStrict.deepEqual({ a: 1 }, { a: "1" })),
    );
    expect(outcome(() => strict(false))).toMatchObject({ code: "ERR_ASSERTION", operator: "==" });
    expect(Object.keys(strict).sort()).toEqual(
      Object.keys(nodeStrict)
        .filter((k) => k !== "CallTracker")
        .sort(),
    );
  });

  it("AssertionError", () => {
    const err = new assert.AssertionError({ actual: 1, expected: 2, operator: "strictEqual" });
    const theirs = new nodeAssert.AssertionError({ actual: 1, expected: 2, operator: "strictEqual" });
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toBe(theirs.message);
    expect(err.name).toBe("AssertionError");
    expect(err.code).toBe("ERR_ASSERTION");
    expect(String(err)).toBe(String(theirs));
    expect(Object.keys(err)).toEqual(Object.keys(theirs));
    const plain = new assert.AssertionError({ message: "m" });
    expect(plain.message).toBe("m");
    expect(plain.generatedMessage).toBe(false);
    expect(new assert.AssertionError({ actual: 1, expected: 2 }).message).toBe(
      new nodeAssert.AssertionError({ actual: 1, expected: 2 }).message,
    );
  });

  it("assert.ok without a message cannot quote source", () => {
    expect(outcome(() => assert.ok(false))).toMatchObject({
      message: "false == true",
      generatedMessage: true,
    });
  });
});
