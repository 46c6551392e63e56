// Built-in module "assert" after Node's lib/assert.js. Messages match Node's, except that a failing
// `assert.ok(value)` without a message cannot quote the call's source text and reads `false == true`.
// CallTracker is not provided.
import type { Op } from "../../../guest/types.js";
import { type AssertionErrorOptions, makeAssertionError } from "./internal/assertion-error.js";
import { invalidArgType, nodeError, received } from "./internal/errors.js";
import { emitWarning } from "./internal/globals.js";

type Obj = Record<string, unknown>;
interface Util {
  inspect(value: unknown, options?: object): string;
  isDeepStrictEqual(a: unknown, b: unknown): boolean;
  types: {
    isPromise(v: unknown): boolean;
    isRegExp(v: unknown): v is RegExp;
    isNativeError(v: unknown): boolean;
  };
}

const NO_EXCEPTION = {};
const ERROR_TYPES = "of type function or an instance of Error, RegExp, or Object";

const missingArgs = () =>
  nodeError(TypeError, "ERR_MISSING_ARGS", 'The "actual" and "expected" arguments must be specified');

export function create(_op: Op, load: (id: string) => unknown): unknown {
  const util = load("util") as Util;
  const { inspect, isDeepStrictEqual } = util;
  const isDeepEqual = (util as unknown as Record<symbol, (a: unknown, b: unknown) => boolean>)[
    Symbol.for("cordon.util.isDeepEqual")
  ]!;
  const { isPromise, isRegExp, isNativeError } = util.types;
  const isError = (v: unknown) => isNativeError(v) || v instanceof Error;
  const AssertionError = makeAssertionError(inspect);
  type AE = InstanceType<typeof AssertionError>;

  const innerFail = (obj: AssertionErrorOptions): never => {
    if (obj.message instanceof Error) throw obj.message;
    throw new AssertionError(obj);
  };

  function innerOk(fn: Function, argLen: number, value?: unknown, message?: unknown) {
    if (value) return;
    let generated = false;
    if (argLen === 0) {
      generated = true;
      message = "No value argument passed to `assert.ok()`";
    } else if (message == null) generated = true;
    else if (isError(message)) throw message;
    const err = new AssertionError({
      actual: value,
      expected: true,
      message,
      operator: "==",
      stackStartFn: fn,
    });
    err.generatedMessage = generated;
    throw err;
  }

  /** An assertion of two values; fails when `test` says so. */
  const compare = (name: string, operator: string, test: (a: unknown, b: unknown) => boolean) =>
    Object.defineProperty(
      (...args: unknown[]) => {
        if (args.length < 2) throw missingArgs();
        const [actual, expected, message] = args;
        if (test(actual, expected)) innerFail({ actual, expected, message, operator });
      },
      "name",
      { value: name },
    );
  const bothNaN = (a: unknown, b: unknown) => Number.isNaN(a) && Number.isNaN(b);

  const ok = (...args: unknown[]) => innerOk(ok, args.length, ...args);
  const assert = ok as typeof ok & Obj;

  let warned = false;
  function fail(...args: unknown[]): never {
    let [actual, expected, message, operator] = args;
    let internal = false;
    if (actual == null && args.length <= 1) {
      internal = true;
      message = "Failed";
    } else if (args.length === 1) {
      message = actual;
      actual = undefined;
    } else {
      if (!warned) {
        warned = true;
        emitWarning(
          "assert.fail() with more than one argument is deprecated. Please use assert.strictEqual() instead or only pass a message.",
          "DeprecationWarning",
          "DEP0094",
        );
      }
      if (args.length === 2) operator = "!=";
    }
    if (message instanceof Error) throw message;
    const err = new AssertionError({
      actual,
      expected,
      operator: operator === undefined ? "fail" : (operator as string),
      message,
    });
    if (internal) err.generatedMessage = true;
    throw err;
  }

  class Comparison {
    constructor(obj: Obj, keys: string[], actual?: Obj) {
      for (const key of keys) {
        if (key in obj) {
          const expected = obj[key];
          (this as Obj)[key] =
            actual !== undefined &&
            typeof actual[key] === "string" &&
            isRegExp(expected) &&
            expected.exec(actual[key] as string) !== null
              ? actual[key]
              : expected;
        }
      }
    }
  }

  function expectedException(actual: unknown, expected: unknown, message: unknown, fn: Function): void {
    let generated = false;
    if (typeof expected !== "function") {
      if (isRegExp(expected)) {
        const str = String(actual);
        if (expected.exec(str) !== null) return;
        if (!message) {
          generated = true;
          message = `The input did not match the regular expression ${inspect(expected)}. Input:\n\n${inspect(str)}\n`;
        }
      } else if (typeof actual !== "object" || actual === null) {
        const err = new AssertionError({ actual, expected, message, operator: "deepStrictEqual" });
        err.operator = fn.name;
        throw err;
      } else {
        const keys = Object.keys(expected as object);
        if (expected instanceof Error) keys.push("name", "message");
        else if (keys.length === 0)
          throw nodeError(
            TypeError,
            "ERR_INVALID_ARG_VALUE",
            `The argument 'error' may not be an empty object. Received ${inspect(expected)}`,
          );
        const a = actual as Obj;
        const e = expected as Obj;
        for (const key of keys) {
          const want = e[key];
          if (typeof a[key] === "string" && isRegExp(want) && want.exec(a[key] as string) !== null) continue;
          if (key in a && isDeepStrictEqual(a[key], want)) continue;
          if (message) innerFail({ actual, expected, message, operator: fn.name });
          const err = new AssertionError({
            actual: new Comparison(a, keys),
            expected: new Comparison(e, keys, a),
            operator: "deepStrictEqual",
          });
          Object.assign(err, { actual, expected, operator: fn.name });
          throw err;
        }
        return;
      }
    } else if (expected.prototype !== undefined && actual instanceof expected) {
      return;
    } else if (Object.prototype.isPrototypeOf.call(Error, expected)) {
      if (!message) {
        generated = true;
        message = `The error is expected to be an instance of "${expected.name}". Received `;
        if (isError(actual)) {
          const err = actual as Error;
          const name = err.constructor?.name || err.name;
          message +=
            expected.name === name ? "an error with identical name but a different prototype." : `"${name}"`;
          if (err.message) message += `\n\nError message:\n\n${err.message}`;
        } else message += `"${inspect(actual, { depth: -1 })}"`;
      }
    } else {
      const res = Reflect.apply(expected, {}, [actual]);
      if (res === true) return;
      if (!message) {
        generated = true;
        const name = expected.name ? `"${expected.name}" ` : "";
        message = `The ${name}validation function is expected to return "true". Received ${inspect(res)}`;
        if (isError(actual)) message += `\n\nCaught error:\n\n${actual}`;
      }
    }
    const err = new AssertionError({ actual, expected, message, operator: fn.name });
    err.generatedMessage = generated;
    throw err;
  }

  function getActual(fn: unknown): unknown {
    if (typeof fn !== "function") throw invalidArgType("fn", "of type function", fn);
    try {
      fn();
    } catch (e) {
      return e;
    }
    return NO_EXCEPTION;
  }

  const checkIsPromise = (obj: unknown) =>
    isPromise(obj) ||
    (obj !== null &&
      typeof obj === "object" &&
      typeof (obj as Obj).then === "function" &&
      typeof (obj as Obj).catch === "function");

  async function waitForActual(promiseFn: unknown): Promise<unknown> {
    let result: unknown;
    if (typeof promiseFn === "function") {
      result = promiseFn();
      if (!checkIsPromise(result)) {
        throw nodeError(
          TypeError,
          "ERR_INVALID_RETURN_VALUE",
          `Expected instance of Promise to be returned from the "promiseFn" function but got ${received(result)}.`,
        );
      }
    } else if (checkIsPromise(promiseFn)) result = promiseFn;
    else throw invalidArgType("promiseFn", "of type function or an instance of Promise", promiseFn);
    try {
      await result;
    } catch (e) {
      return e;
    }
    return NO_EXCEPTION;
  }

  function expectsError(fn: Function, actual: unknown, ...rest: unknown[]): void {
    let [error, message] = rest;
    if (typeof error === "string") {
      if (rest.length === 2) throw invalidArgType("error", ERROR_TYPES, error);
      const same =
        typeof actual === "object" && actual !== null
          ? (actual as Obj).message === error && `The error message "${(actual as Obj).message}"`
          : actual === error && `The error "${actual}"`;
      if (same)
        throw nodeError(
          TypeError,
          "ERR_AMBIGUOUS_ARGUMENT",
          `The "error/message" argument is ambiguous. ${same} is identical to the message.`,
        );
      message = error;
      error = undefined;
    } else if (error != null && typeof error !== "object" && typeof error !== "function")
      throw invalidArgType("error", ERROR_TYPES, error);
    if (actual === NO_EXCEPTION) {
      let details = "";
      const name = (error as { name?: unknown } | undefined)?.name;
      if (error && name) details += ` (${name})`;
      details += message ? `: ${message}` : ".";
      const kind = fn === rejects ? "rejection" : "exception";
      innerFail({
        actual: undefined,
        expected: error,
        operator: fn.name,
        message: `Missing expected ${kind}${details}`,
      });
    }
    if (error) expectedException(actual, error, message, fn);
  }

  function hasMatchingError(actual: unknown, expected: unknown): boolean {
    if (typeof expected !== "function") {
      if (isRegExp(expected)) return expected.exec(String(actual)) !== null;
      throw invalidArgType("expected", "of type function or an instance of RegExp", expected);
    }
    if (expected.prototype !== undefined && actual instanceof expected) return true;
    if (Object.prototype.isPrototypeOf.call(Error, expected)) return false;
    return Reflect.apply(expected, {}, [actual]) === true;
  }

  function expectsNoError(fn: Function, actual: unknown, error?: unknown, message?: unknown): void {
    if (actual === NO_EXCEPTION) return;
    if (typeof error === "string") {
      message = error;
      error = undefined;
    }
    if (!error || hasMatchingError(actual, error)) {
      const details = message ? `: ${message}` : ".";
      const kind = fn === doesNotReject ? "rejection" : "exception";
      innerFail({
        actual,
        expected: error,
        operator: fn.name,
        message: `Got unwanted ${kind}${details}\nActual message: "${(actual as Obj | undefined)?.message}"`,
      });
    }
    throw actual;
  }

  function throws(fn: unknown, ...args: unknown[]) {
    expectsError(throws, getActual(fn), ...args);
  }
  async function rejects(fn: unknown, ...args: unknown[]) {
    expectsError(rejects, await waitForActual(fn), ...args);
  }
  function doesNotThrow(fn: unknown, ...args: unknown[]) {
    expectsNoError(doesNotThrow, getActual(fn), ...args);
  }
  async function doesNotReject(fn: unknown, ...args: unknown[]) {
    expectsNoError(doesNotReject, await waitForActual(fn), ...args);
  }

  function ifError(err: unknown) {
    if (err === null || err === undefined) return;
    let message = "ifError got unwanted exception: ";
    const e = err as Obj;
    if (typeof err === "object" && typeof e.message === "string") {
      message += e.message.length === 0 && e.constructor ? (e.constructor as Function).name : e.message;
    } else message += inspect(err);
    throw new AssertionError({ actual: err, expected: null, operator: "ifError", message });
  }

  function internalMatch(string: unknown, regexp: unknown, message: unknown, fn: Function) {
    if (!isRegExp(regexp)) throw invalidArgType("regexp", "an instance of RegExp", regexp);
    const match = fn === matchFn;
    if (typeof string === "string" && (regexp.exec(string) !== null) === match) return;
    if (message instanceof Error) throw message;
    const generated = !message;
    message ||=
      typeof string !== "string"
        ? `The "string" argument must be of type string. Received type ${typeof string} (${inspect(string)})`
        : `${
            match
              ? "The input did not match the regular expression "
              : "The input was expected to not match the regular expression "
          }${inspect(regexp)}. Input:\n\n${inspect(string)}\n`;
    const err: AE = new AssertionError({ actual: string, expected: regexp, message, operator: fn.name });
    err.generatedMessage = generated;
    throw err;
  }
  function matchFn(string: unknown, regexp: unknown, message?: unknown) {
    internalMatch(string, regexp, message, matchFn);
  }
  Object.defineProperty(matchFn, "name", { value: "match" });
  function doesNotMatch(string: unknown, regexp: unknown, message?: unknown) {
    internalMatch(string, regexp, message, doesNotMatch);
  }

  Object.assign(assert, {
    fail,
    AssertionError,
    ok,
    // biome-ignore lint/suspicious/noDoubleEquals: assert.equal is loose equality
    equal: compare("equal", "==", (a, b) => a != b && !bothNaN(a, b)),
    // biome-ignore lint/suspicious/noDoubleEquals: assert.notEqual is loose equality
    notEqual: compare("notEqual", "!=", (a, b) => a == b || bothNaN(a, b)),
    deepEqual: compare("deepEqual", "deepEqual", (a, b) => !isDeepEqual(a, b)),
    notDeepEqual: compare("notDeepEqual", "notDeepEqual", isDeepEqual),
    deepStrictEqual: compare("deepStrictEqual", "deepStrictEqual", (a, b) => !isDeepStrictEqual(a, b)),
    notDeepStrictEqual: compare("notDeepStrictEqual", "notDeepStrictEqual", isDeepStrictEqual),
    strictEqual: compare("strictEqual", "strictEqual", (a, b) => !Object.is(a, b)),
    notStrictEqual: compare("notStrictEqual", "notStrictEqual", Object.is),
    throws,
    rejects,
    doesNotThrow,
    doesNotReject,
    ifError,
    match: matchFn,
    doesNotMatch,
  });
  const strict = (...args: unknown[]) => innerOk(strict, args.length, ...args);
  assert.strict = Object.assign(strict, assert, {
    equal: assert.strictEqual,
    deepEqual: assert.deepStrictEqual,
    notEqual: assert.notStrictEqual,
    notDeepEqual: assert.notDeepStrictEqual,
  });
  (assert.strict as Obj).strict = assert.strict;
  return assert;
}
