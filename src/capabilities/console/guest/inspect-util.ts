// Low-level helpers for the inspector: built-ins captured at load time, side-effect-free
// property reads, brand checks and string escaping. Nothing here calls a user-defined
// getter, `toString`, `valueOf` or `Symbol.toPrimitive`.

import type { Ctx } from "./inspect-core.js";

type AnyFn = (...args: never[]) => unknown;

export const kObjectType = 0;
export const kArrayType = 1;
export const kArrayExtrasType = 2;
export type Formatter = (ctx: Ctx, value: object, recurseTimes: number) => string[];

export const remainingText = (n: number) => `... ${n} more item${n > 1 ? "s" : ""}`;

const apply = Reflect.apply;
export const getProto = Object.getPrototypeOf as (o: object) => object | null;
const getOwnDesc = Object.getOwnPropertyDescriptor;
const hasOwnFn = Object.prototype.hasOwnProperty;
const isEnumFn = Object.prototype.propertyIsEnumerable;
const fnToString = Function.prototype.toString;
const symToString = Symbol.prototype.toString;
export const ObjectProto: object = Object.prototype;
export const FunctionProto: object = Function.prototype;

/** Sentinel returned by `tryCall` when the call threw (a failed brand check). */
export const FAIL: unique symbol = Symbol("fail");

export function tryCall(fn: AnyFn | undefined, self: unknown, args: unknown[] = []): unknown {
  if (fn === undefined) return FAIL;
  try {
    return apply(fn as (...a: unknown[]) => unknown, self, args);
  } catch {
    return FAIL;
  }
}

export function desc(obj: object, key: PropertyKey): PropertyDescriptor | undefined {
  try {
    return getOwnDesc(obj, key);
  } catch {
    return undefined;
  }
}

export function hasOwn(obj: object, key: PropertyKey): boolean {
  try {
    return apply(hasOwnFn, obj, [key]) as boolean;
  } catch {
    return false;
  }
}

export function isEnumerable(obj: object, key: PropertyKey): boolean {
  try {
    return apply(isEnumFn, obj, [key]) as boolean;
  } catch {
    return false;
  }
}

export function protoOf(obj: object): object | null {
  try {
    return getProto(obj);
  } catch {
    return null;
  }
}

/** Finds the descriptor of `key` on `obj` or the nearest prototype that owns it. */
export function findDesc(obj: object, key: PropertyKey): PropertyDescriptor | undefined {
  let cur: object | null = obj;
  for (let i = 0; cur !== null && i < 1000; i++) {
    const d = desc(cur, key);
    if (d !== undefined) return d;
    cur = protoOf(cur);
  }
  return undefined;
}

/** Like `obj[key]`, but an accessor yields `undefined` instead of running the getter. */
export function readData(obj: object, key: PropertyKey): unknown {
  return findDesc(obj, key)?.value;
}

/** `Function.prototype[Symbol.hasInstance]` without reading user-defined hooks. */
export function inChain(obj: object, proto: unknown): boolean {
  if (proto === null || (typeof proto !== "object" && typeof proto !== "function")) return false;
  let cur = protoOf(obj);
  for (let i = 0; cur !== null && i < 1000; i++) {
    if (cur === proto) return true;
    cur = protoOf(cur);
  }
  return false;
}

export function fnSource(fn: unknown): string {
  const s = tryCall(fnToString as AnyFn, fn);
  return typeof s === "string" ? s : "";
}

export function symbolString(sym: symbol): string {
  return apply(symToString, sym, []) as string;
}

/** Converts a value to text without running user code (objects become a placeholder). */
export function safeString(v: unknown): string {
  if (typeof v === "symbol") return symbolString(v);
  if (v === null || (typeof v !== "object" && typeof v !== "function")) return String(v);
  return "[object Object]";
}

function getterOf(proto: object | undefined, key: PropertyKey): AnyFn | undefined {
  return proto === undefined ? undefined : (desc(proto, key)?.get as AnyFn | undefined);
}

const TypedArrayProto = getProto(Uint8Array.prototype) as object;
const SAB = typeof SharedArrayBuffer === "function" ? SharedArrayBuffer.prototype : undefined;
export const intrinsic = {
  mapSize: getterOf(Map.prototype, "size"),
  setSize: getterOf(Set.prototype, "size"),
  mapEntries: Map.prototype.entries as AnyFn,
  setValues: Set.prototype.values as AnyFn,
  mapIterProto: getProto(new Map().entries()) as object,
  setIterProto: getProto(new Set().values()) as object,
  mapIterNext: readData(new Map().entries(), "next") as AnyFn,
  setIterNext: readData(new Set().values(), "next") as AnyFn,
  taTag: getterOf(TypedArrayProto, Symbol.toStringTag),
  taLength: getterOf(TypedArrayProto, "length"),
  taByteLength: getterOf(TypedArrayProto, "byteLength"),
  taByteOffset: getterOf(TypedArrayProto, "byteOffset"),
  taBuffer: getterOf(TypedArrayProto, "buffer"),
  abByteLength: getterOf(ArrayBuffer.prototype, "byteLength"),
  sabByteLength: getterOf(SAB, "byteLength"),
  dvByteLength: getterOf(DataView.prototype, "byteLength"),
  dvByteOffset: getterOf(DataView.prototype, "byteOffset"),
  dvBuffer: getterOf(DataView.prototype, "buffer"),
  dateGetTime: Date.prototype.getTime as AnyFn,
  dateISO: Date.prototype.toISOString as AnyFn,
  reSource: getterOf(RegExp.prototype, "source"),
  weakMapHas: WeakMap.prototype.has as AnyFn,
  weakSetHas: WeakSet.prototype.has as AnyFn,
  asyncFnProto: getProto(async () => {}),
  genFnProto: getProto(function* () {}),
  asyncGenFnProto: getProto(async function* () {}),
};

const reFlags: [string, AnyFn | undefined][] = [
  ["hasIndices", "d"],
  ["global", "g"],
  ["ignoreCase", "i"],
  ["multiline", "m"],
  ["dotAll", "s"],
  ["unicode", "u"],
  ["unicodeSets", "v"],
  ["sticky", "y"],
].map(([name, flag]) => [flag as string, getterOf(RegExp.prototype, name as string)]);

/** `/source/flags` of a real RegExp, or undefined for anything else. */
export function regExpString(v: object): string | undefined {
  if (v === RegExp.prototype) return undefined;
  const source = tryCall(intrinsic.reSource, v);
  if (typeof source !== "string") return undefined;
  let flags = "";
  for (const [flag, get] of reFlags) if (get !== undefined && tryCall(get, v) === true) flags += flag;
  return `/${source}/${flags}`;
}

const boxes: [string, AnyFn][] = [
  ["Number", Number.prototype.valueOf as AnyFn],
  ["String", String.prototype.valueOf as AnyFn],
  ["Boolean", Boolean.prototype.valueOf as AnyFn],
  ["BigInt", BigInt.prototype.valueOf as AnyFn],
  ["Symbol", Symbol.prototype.valueOf as AnyFn],
];

/** For boxed primitives (`new Number(1)`) returns the type name and the primitive. */
export function unbox(v: object): [string, unknown] | undefined {
  for (const [type, unwrap] of boxes) {
    const prim = tryCall(unwrap, v);
    if (prim !== FAIL) return [type, prim];
  }
  return undefined;
}

/** Names of the global built-in constructors (those with native code). */
export const builtIns = new Set<string>();
for (const name of Object.getOwnPropertyNames(globalThis)) {
  if (!/^[A-Z][a-zA-Z0-9]+$/.test(name)) continue;
  const v = desc(globalThis, name)?.value;
  if (typeof v !== "function" || fnSource(v).includes("[native code]")) builtIns.add(name);
}

export function isError(v: object): boolean {
  return inChain(v, Error.prototype);
}

export function isArguments(v: object): boolean {
  const callee = desc(v, "callee");
  return (
    callee !== undefined &&
    !callee.enumerable &&
    protoOf(v) === ObjectProto &&
    desc(v, Symbol.iterator)?.value === Array.prototype.values
  );
}

const indexRegExp = /^(0|[1-9][0-9]*)$/;
export function isIndex(key: PropertyKey): boolean {
  return typeof key === "string" && indexRegExp.test(key) && +key < 2 ** 32 - 1;
}

/** Own keys that are not array indices, enumerable ones only unless `showHidden`. */
export function nonIndexKeys(v: object, showHidden: boolean): PropertyKey[] {
  return Reflect.ownKeys(v).filter((k) => !isIndex(k) && (showHidden || isEnumerable(v, k)));
}

export function getKeys(v: object, showHidden: boolean): PropertyKey[] {
  const symbols = Object.getOwnPropertySymbols(v);
  let keys: PropertyKey[];
  if (showHidden) return [...Object.getOwnPropertyNames(v), ...symbols];
  try {
    keys = Object.keys(v);
  } catch {
    keys = Object.getOwnPropertyNames(v);
  }
  for (const s of symbols) if (isEnumerable(v, s)) keys.push(s);
  return keys;
}

const meta: string[] = [];
for (let i = 0; i < 0xa0; i++) {
  const named = "\b\t\n\v\f\r".indexOf(String.fromCharCode(i));
  meta.push(
    i === 0x27
      ? "\\'"
      : i === 0x5c
        ? "\\\\"
        : i === 11 || named < 0
          ? `\\x${i.toString(16).toUpperCase().padStart(2, "0")}`
          : `\\${"btnvfr"[named]}`,
  );
}

const escapeAll =
  /[\x00-\x1f\x27\x5c\x7f-\x9f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const escapeNoQuote =
  /[\x00-\x1f\x5c\x7f-\x9f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function escapeFn(ch: string): string {
  const code = ch.charCodeAt(0);
  return meta[code] ?? `\\u${code.toString(16)}`;
}

/** Escapes control characters, quotes and backslashes without adding quotes. */
export function escapeRaw(str: string): string {
  return str.replace(escapeAll, escapeFn);
}

/** Quotes a string the way Node does: single quotes unless the text contains them. */
export function strEscape(str: string): string {
  let quote = "'";
  let re = escapeAll;
  if (str.includes("'")) {
    if (!str.includes('"')) quote = '"';
    else if (!str.includes("`") && !str.includes("${")) quote = "`";
    if (quote !== "'") re = escapeNoQuote;
  }
  return `${quote}${str.replace(re, escapeFn)}${quote}`;
}

function addSeparator(int: string): string {
  let result = "";
  let i = int.length;
  const start = int[0] === "-" ? 1 : 0;
  for (; i >= start + 4; i -= 3) result = `_${int.slice(i - 3, i)}${result}`;
  return i === int.length ? int : `${int.slice(0, i)}${result}`;
}

export function formatNumber(n: number, separator: boolean): string {
  if (!separator) return Object.is(n, -0) ? "-0" : `${n}`;
  const s = `${n}`;
  if (!Number.isFinite(n) || s.includes("e")) return s;
  const dot = s.indexOf(".");
  if (dot === -1) return addSeparator(s);
  const frac = s.slice(dot + 1).replace(/(\d{3})(?=\d)/g, "$1_");
  return `${addSeparator(s.slice(0, dot))}.${frac}`;
}

export function formatBigInt(n: bigint, separator: boolean): string {
  return `${separator ? addSeparator(`${n}`) : `${n}`}n`;
}

function isFullWidth(c: number): boolean {
  return (
    c >= 0x1100 &&
    (c <= 0x115f ||
      c === 0x2329 ||
      c === 0x232a ||
      (c >= 0x2e80 && c <= 0x3247 && c !== 0x303f) ||
      (c >= 0x3250 && c <= 0x4dbf) ||
      (c >= 0x4e00 && c <= 0xa4c6) ||
      (c >= 0xa960 && c <= 0xa97c) ||
      (c >= 0xac00 && c <= 0xd7a3) ||
      (c >= 0xf900 && c <= 0xfaff) ||
      (c >= 0xfe10 && c <= 0xfe19) ||
      (c >= 0xfe30 && c <= 0xfe6b) ||
      (c >= 0xff01 && c <= 0xff60) ||
      (c >= 0xffe0 && c <= 0xffe6) ||
      (c >= 0x1b000 && c <= 0x1b001) ||
      (c >= 0x1f200 && c <= 0x1f251) ||
      (c >= 0x1f300 && c <= 0x1f64f) ||
      (c >= 0x20000 && c <= 0x3fffd))
  );
}

function isZeroWidth(c: number): boolean {
  return (
    c <= 0x1f ||
    (c >= 0x7f && c <= 0x9f) ||
    (c >= 0x300 && c <= 0x36f) ||
    (c >= 0x200b && c <= 0x200f) ||
    (c >= 0x20d0 && c <= 0x20ff) ||
    (c >= 0xfe00 && c <= 0xfe0f) ||
    (c >= 0xfe20 && c <= 0xfe2f) ||
    (c >= 0xe0100 && c <= 0xe01ef)
  );
}

/** Number of terminal columns a string occupies (ASCII exact, East Asian wide = 2). */
export function stringWidth(str: string): number {
  let width = 0;
  for (let i = 0; i < str.length; i++) {
    const code = str.charCodeAt(i);
    if (code >= 127) {
      for (const ch of str.slice(i).normalize("NFC")) {
        const c = ch.codePointAt(0) ?? 0;
        width += isFullWidth(c) ? 2 : isZeroWidth(c) ? 0 : 1;
      }
      break;
    }
    width += code >= 32 ? 1 : 0;
  }
  return width;
}

export function fnName(fn: unknown): unknown {
  return typeof fn === "function" ? readData(fn, "name") : undefined;
}

/** The engine's class name for an object without a usable constructor. */
export function internalName(obj: object): string {
  const tag = readData(obj, Symbol.toStringTag);
  if (typeof tag === "string" && tag !== "") return tag;
  return typeof obj === "function" ? "Function" : Array.isArray(obj) ? "Array" : "Object";
}
