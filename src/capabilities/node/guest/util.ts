// Built-in module "util". inspect, format and formatWithOptions come from the guest's inspect bundle
// ("internal:inspect"); the rest follows Node's lib/util.js. Not provided: parseArgs, MIMEType, styleText,
// getSystemErrorName, the `log` helper.
import type { Op } from "../../../guest/types.js";
import { isDeepEqual } from "./internal/deep-equal.js";
import { invalidArgType, nodeError, validateFunction } from "./internal/errors.js";
import { emitWarning, G } from "./internal/globals.js";
import { types } from "./internal/types.js";

type Fn = (...args: unknown[]) => unknown;
type Require = (id: string) => unknown;
interface InspectModule {
  inspect: Fn & { custom?: symbol };
  format: (...args: unknown[]) => string;
  formatWithOptions: (options: object, ...args: unknown[]) => string;
}

const customPromisify = Symbol.for("nodejs.util.promisify.custom");
const customPromisifyArgs = Symbol.for("nodejs.util.promisify.customArgs");

function copyProps(target: Function, source: Function, edit?: (d: PropertyDescriptorMap) => void) {
  const descriptors = Object.getOwnPropertyDescriptors(source);
  edit?.(descriptors);
  for (const d of Object.values(descriptors)) Object.setPrototypeOf(d, null);
  return Object.defineProperties(target, descriptors);
}

function promisify(original: unknown, load: Require): Fn {
  validateFunction(original, "original");
  const custom = (original as { [customPromisify]?: unknown })[customPromisify];
  let fn: Fn;
  if (custom) {
    validateFunction(custom, "util.promisify.custom");
    fn = custom as Fn;
  } else if (
    (original.name === "setTimeout" || original.name === "setImmediate") &&
    G[original.name] === original
  ) {
    // The guest's timer globals carry no promisify.custom; Node's resolve to timers/promises.
    fn = (load("timers/promises") as Record<string, Fn>)[original.name]!;
  } else {
    const names = (original as { [customPromisifyArgs]?: string[] })[customPromisifyArgs];
    fn = function (this: unknown, ...args: unknown[]) {
      return new Promise((resolve, reject) => {
        args.push((err: unknown, ...values: unknown[]) => {
          if (err) return reject(err);
          if (names !== undefined && values.length > 1) {
            const obj: Record<string, unknown> = {};
            names.forEach((name, i) => {
              obj[name] = values[i];
            });
            resolve(obj);
          } else resolve(values[0]);
        });
        Reflect.apply(original, this, args);
      });
    };
    Object.setPrototypeOf(fn, Object.getPrototypeOf(original));
    copyProps(fn, original);
  }
  return Object.defineProperty(fn, customPromisify, { value: fn, configurable: true });
}

function callbackify(fn: unknown): Fn {
  validateFunction(fn, "original");
  const original = fn;
  function callbackified(this: unknown, ...args: unknown[]) {
    const last = args.pop();
    validateFunction(last, "last argument");
    const cb = last.bind(this) as Fn;
    (Reflect.apply(original, this, args) as Promise<unknown>).then<void, void>(
      (ret) => queueMicrotask(() => cb(null, ret)),
      (reason) =>
        queueMicrotask(() => {
          if (!reason) {
            const err = nodeError(
              Error,
              "ERR_FALSY_VALUE_REJECTION",
              "Promise was rejected with falsy value",
            );
            (err as Error & { reason?: unknown }).reason = reason;
            reason = err;
          }
          cb(reason);
        }),
    );
  }
  return copyProps(callbackified, original, (d) => {
    if (typeof d.length?.value === "number") d.length.value++;
    if (typeof d.name?.value === "string") d.name.value += "Callbackified";
  }) as Fn;
}

function inherits(ctor: Function, superCtor: Function): void {
  if (ctor == null) throw invalidArgType("ctor", "of type function", ctor);
  if (superCtor == null) throw invalidArgType("superCtor", "of type function", superCtor);
  if (superCtor.prototype === undefined)
    throw invalidArgType("superCtor.prototype", "of type object", superCtor.prototype);
  Object.defineProperty(ctor, "super_", { value: superCtor, writable: true, configurable: true });
  Object.setPrototypeOf(ctor.prototype, superCtor.prototype);
}

const codesWarned = new Set<string>();
function deprecate<T extends Function>(fn: T, msg: string, code?: string): T {
  validateFunction(fn, "fn");
  // process.noDeprecation is read on the first call, so that wrapping functions at load time does not touch
  // `process`.
  let warned = false;
  function deprecated(this: unknown, ...args: unknown[]) {
    if (!warned) {
      warned = true;
      if (code === undefined || !codesWarned.has(code)) {
        if (code !== undefined) codesWarned.add(code);
        if (G.process?.throwDeprecation) throw nodeError(Error, code ?? "", msg);
        if (!G.process?.noDeprecation) emitWarning(msg, "DeprecationWarning", code);
      }
    }
    return new.target ? Reflect.construct(fn, args, new.target) : Reflect.apply(fn, this, args);
  }
  Object.setPrototypeOf(deprecated, fn);
  if (fn.prototype) deprecated.prototype = fn.prototype;
  return deprecated as unknown as T;
}

function debuglog(format: (...args: unknown[]) => string, set: string, cb?: (fn: Fn) => void) {
  let enabled: boolean | undefined;
  let impl: Fn | undefined;
  const test = () => {
    if (enabled === undefined) {
      set = set.toUpperCase();
      const spec = G.process?.env.NODE_DEBUG ?? "";
      const pattern = spec
        .replace(/[|\\{}()[\]^$+?.]/g, "\\$&")
        .replace(/\*/g, ".*")
        .replace(/,/g, "$|^");
      enabled = spec !== "" && new RegExp(`^${pattern}$`, "i").test(set);
    }
    return enabled;
  };
  const logger = (...args: unknown[]) => {
    if (!impl) {
      impl = test()
        ? (...a: unknown[]) => G.console.error(`${set} ${G.process?.pid ?? 1}: ${format(...a)}`)
        : () => {};
      cb?.(impl);
    }
    impl(...args);
  };
  return Object.defineProperty(logger, "enabled", { get: test, enumerable: true, configurable: true });
}

const ANSI =
  /[\u001B\u009B][[\]()#;?]*(?:(?:(?:(?:;[-a-zA-Z\d/#&.:=?%@~_]+)*|[a-zA-Z\d]+(?:;[-a-zA-Z\d/#&.:=?%@~_]*)*)?(?:\u0007|\u001B\u005C|\u009C))|(?:(?:\d{1,4}(?:;\d{0,4})*)?[\dA-PR-TZcf-ntqry=><~]))/g;

function checkString(value: unknown, name: string): asserts value is string {
  if (typeof value !== "string") throw invalidArgType(name, "of type string", value);
}

export function create(_op: Op, load: Require): unknown {
  const { inspect, format, formatWithOptions } = load("internal:inspect") as InspectModule;
  if (inspect.custom === undefined) inspect.custom = Symbol.for("nodejs.util.inspect.custom");
  const logFor = (set: string, cb?: (fn: Fn) => void) => debuglog(format, set, cb);
  const isError = (v: unknown) => types.isNativeError!(v) || v instanceof Error;
  const util = {
    inspect,
    format,
    formatWithOptions,
    promisify: Object.assign((fn: unknown) => promisify(fn, load), { custom: customPromisify }),
    callbackify,
    inherits,
    deprecate,
    debuglog: logFor,
    debug: logFor,
    isDeepStrictEqual: (a: unknown, b: unknown) => isDeepEqual(a, b, true),
    types,
    toUSVString: (s: unknown) =>
      String(s).replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd"),
    stripVTControlCharacters(str: unknown) {
      checkString(str, "str");
      return str.replace(ANSI, "");
    },
    _extend(target: object, source: unknown) {
      if (source === null || typeof source !== "object") return target;
      return Object.assign(
        target,
        Object.fromEntries(Object.keys(source).map((k) => [k, (source as Record<string, unknown>)[k]])),
      );
    },
    isArray: Array.isArray,
    isBoolean: (v: unknown) => typeof v === "boolean",
    isBuffer: (v: unknown) =>
      (load("buffer") as { Buffer: { isBuffer(v: unknown): boolean } }).Buffer.isBuffer(v),
    isDate: types.isDate,
    isError,
    isFunction: (v: unknown) => typeof v === "function",
    isNull: (v: unknown) => v === null,
    isNullOrUndefined: (v: unknown) => v == null,
    isNumber: (v: unknown) => typeof v === "number",
    isObject: (v: unknown) => v !== null && typeof v === "object",
    isPrimitive: (v: unknown) => v === null || (typeof v !== "object" && typeof v !== "function"),
    isRegExp: types.isRegExp,
    isString: (v: unknown) => typeof v === "string",
    isSymbol: (v: unknown) => typeof v === "symbol",
    isUndefined: (v: unknown) => v === undefined,
  };
  for (const name of ["TextEncoder", "TextDecoder"])
    Object.defineProperty(util, name, { enumerable: true, configurable: true, get: () => G[name] });
  // Loose deep equality for assert.deepEqual (not part of Node's util API).
  Object.defineProperty(util, Symbol.for("cordon.util.isDeepEqual"), {
    value: (a: unknown, b: unknown) => isDeepEqual(a, b, false),
  });
  return util;
}
