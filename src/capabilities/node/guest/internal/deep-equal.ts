// Deep equality with Node's semantics (lib/internal/util/comparisons.js): strict mode backs
// util.isDeepStrictEqual and assert.deepStrictEqual, loose mode assert.deepEqual.
import { typedArrayName, types } from "./types.js";

type Obj = Record<PropertyKey, unknown>;
interface Memos {
  set: Set<unknown> | undefined;
  a: unknown;
  b: unknown;
  c: unknown;
  d: unknown;
  deep: boolean;
  deleteFailures: boolean;
}

const { isDate, isRegExp, isNativeError, isSet, isMap, isAnyArrayBuffer, isBoxedPrimitive } = types;
const hasOwn = (o: object, k: PropertyKey) => Object.hasOwn(o, k);
const isEnumerable = (o: object, k: PropertyKey) => Object.prototype.propertyIsEnumerable.call(o, k);
const tagOf = (v: unknown) => Object.prototype.toString.call(v);
const isIndex = (k: string) => /^(0|[1-9]\d*)$/.test(k) && +k < 2 ** 32 - 1;

/** Own enumerable keys that are not array indices (and enumerable symbols unless loose). */
function nonIndexKeys(value: object, strict: boolean): PropertyKey[] {
  const keys: PropertyKey[] = Object.keys(value).filter((k) => !isIndex(k));
  if (strict) for (const s of Object.getOwnPropertySymbols(value)) if (isEnumerable(value, s)) keys.push(s);
  return keys;
}

function bytesOf(v: ArrayBufferView | ArrayBuffer): Uint8Array {
  return ArrayBuffer.isView(v) ? new Uint8Array(v.buffer, v.byteOffset, v.byteLength) : new Uint8Array(v);
}
function sameBytes(a: ArrayBufferView | ArrayBuffer, b: ArrayBufferView | ArrayBuffer): boolean {
  if (a.byteLength !== b.byteLength) return false;
  const x = bytesOf(a);
  const y = bytesOf(b);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

function sameBoxed(a: object, b: object): boolean {
  for (const C of [Number, String, Boolean, BigInt, Symbol] as unknown as {
    prototype: { valueOf(): unknown };
  }[]) {
    let va: unknown;
    try {
      va = C.prototype.valueOf.call(a);
    } catch {
      continue;
    }
    try {
      return Object.is(va, C.prototype.valueOf.call(b));
    } catch {
      return false;
    }
  }
  return false;
}

const NO_ITERATOR = 0;
const IS_ARRAY = 1;
const IS_SET = 2;
const IS_MAP = 3;

export function isDeepEqual(a: unknown, b: unknown, strict: boolean, memos?: Memos): boolean {
  if (a === b) return a !== 0 || Object.is(a, b) || !strict;
  if (strict) {
    if (typeof a === "number") return Number.isNaN(a) && Number.isNaN(b);
    if (
      typeof b !== "object" ||
      typeof a !== "object" ||
      a === null ||
      b === null ||
      Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)
    )
      return false;
  } else {
    if (a === null || typeof a !== "object") {
      if (b === null || typeof b !== "object")
        // biome-ignore lint/suspicious/noDoubleEquals: loose equality is the point here
        return a == b || (Number.isNaN(a) && Number.isNaN(b));
      return false;
    }
    if (b === null || typeof b !== "object") return false;
  }
  const x = a as Obj;
  const y = b as Obj;
  if (tagOf(x) !== tagOf(y)) return false;
  if (Array.isArray(x)) {
    if (!Array.isArray(y) || x.length !== y.length) return false;
    const keys = nonIndexKeys(x, strict);
    if (keys.length !== nonIndexKeys(y, strict).length) return false;
    return keyCheck(x, y, strict, memos, IS_ARRAY, keys);
  }
  if (tagOf(x) === "[object Object]") return keyCheck(x, y, strict, memos, NO_ITERATOR);
  if (isDate(x)) {
    if (!isDate(y) || Date.prototype.getTime.call(x) !== Date.prototype.getTime.call(y)) return false;
  } else if (isRegExp(x)) {
    const [r, s] = [x, y] as unknown as RegExp[];
    if (!isRegExp(y) || r!.source !== s!.source || r!.flags !== s!.flags || r!.lastIndex !== s!.lastIndex)
      return false;
  } else if (ArrayBuffer.isView(x)) {
    const name = typedArrayName(x);
    if (name !== typedArrayName(y)) return false;
    if (!strict && (name === "Float32Array" || name === "Float64Array")) {
      const [p, q] = [x, y] as unknown as Float64Array[];
      if (p!.length !== q!.length || p!.some((v, i) => v !== q![i])) return false;
    } else if (!sameBytes(x, y as unknown as ArrayBufferView)) return false;
    const keys = nonIndexKeys(x, strict);
    if (keys.length !== nonIndexKeys(y, strict).length) return false;
    return keyCheck(x, y, strict, memos, NO_ITERATOR, keys);
  } else if (isSet(x)) {
    if (!isSet(y) || (x as unknown as Set<unknown>).size !== (y as unknown as Set<unknown>).size)
      return false;
    return keyCheck(x, y, strict, memos, IS_SET);
  } else if (isMap(x)) {
    if (
      !isMap(y) ||
      (x as unknown as Map<unknown, unknown>).size !== (y as unknown as Map<unknown, unknown>).size
    )
      return false;
    return keyCheck(x, y, strict, memos, IS_MAP);
  } else if (isAnyArrayBuffer(x)) {
    if (!isAnyArrayBuffer(y) || !sameBytes(x as unknown as ArrayBuffer, y as unknown as ArrayBuffer))
      return false;
  } else if (isNativeError(x) || x instanceof Error) {
    if (!isNativeError(y) && !(y instanceof Error)) return false;
    for (const key of ["message", "name", "cause", "errors"]) {
      const enumerable = isEnumerable(x, key);
      if (
        enumerable !== isEnumerable(y, key) ||
        (!enumerable &&
          (key === "message" || key === "name"
            ? x[key] !== y[key]
            : !isDeepEqual(x[key], y[key], strict, memos)))
      )
        return false;
    }
  } else if (isBoxedPrimitive(x)) {
    if (!sameBoxed(x, y)) return false;
  } else if (
    Array.isArray(y) ||
    ArrayBuffer.isView(y) ||
    [isSet, isMap, isDate, isRegExp, isAnyArrayBuffer, isBoxedPrimitive, isNativeError].some((f) => f(y)) ||
    y instanceof Error
  ) {
    return false;
  } else if (isURL(x)) {
    if (!isURL(y) || x.href !== y.href) return false;
  }
  return keyCheck(x, y, strict, memos, NO_ITERATOR);
}

const isURL = (v: Obj) => Boolean(v.href && v.protocol && v.auth === undefined && v.path === undefined);

function keyCheck(
  a: Obj,
  b: Obj,
  strict: boolean,
  memos: Memos | undefined,
  kind: number,
  keys?: PropertyKey[],
) {
  const arrayLike = keys !== undefined;
  keys ??= Object.keys(a);
  for (const k of keys) if (!isEnumerable(b, k)) return false;
  if (!arrayLike) {
    if (keys.length !== Object.keys(b).length) return false;
    if (strict) {
      let count = 0;
      for (const s of Object.getOwnPropertySymbols(a)) {
        if (isEnumerable(a, s)) {
          if (!isEnumerable(b, s)) return false;
          keys.push(s);
          count++;
        } else if (isEnumerable(b, s)) return false;
      }
      if (Object.getOwnPropertySymbols(b).filter((s) => isEnumerable(b, s)).length !== count) return false;
    }
  }
  if (
    keys.length === 0 &&
    (kind === NO_ITERATOR ||
      (kind === IS_ARRAY && (a as unknown as unknown[]).length === 0) ||
      (a as unknown as Set<unknown>).size === 0)
  )
    return true;
  if (memos === undefined) {
    memos = { set: undefined, a, b, c: undefined, d: undefined, deep: false, deleteFailures: false };
    return objEquiv(a, b, strict, keys, memos, kind);
  }
  if (memos.set === undefined) {
    if (!memos.deep) {
      if (memos.a === a && memos.b === b) return true;
      memos.c = a;
      memos.d = b;
      memos.deep = true;
      const result = objEquiv(a, b, strict, keys, memos, kind);
      memos.deep = false;
      return result;
    }
    memos.set = new Set([memos.a, memos.b, memos.c, memos.d]);
  }
  const set = memos.set;
  const size = set.size;
  set.add(a);
  set.add(b);
  if (size === set.size) return true;
  const eq = objEquiv(a, b, strict, keys, memos, kind);
  if (eq || memos.deleteFailures) {
    set.delete(a);
    set.delete(b);
  }
  return eq;
}

function objEquiv(a: Obj, b: Obj, strict: boolean, keys: PropertyKey[], memos: Memos, kind: number): boolean {
  for (const k of keys) if (!isDeepEqual(a[k as string], b[k as string], strict, memos)) return false;
  if (kind === IS_ARRAY) {
    const len = (a as unknown as unknown[]).length;
    for (let i = 0; i < len; i++) {
      if (hasOwn(a, i)) {
        if (!hasOwn(b, i) || !isDeepEqual(a[i], b[i], strict, memos)) return false;
      } else if (hasOwn(b, i)) return false;
      else {
        const keysA = Object.keys(a);
        for (; i < keysA.length; i++) {
          const k = keysA[i]!;
          if (!hasOwn(b, k) || !isDeepEqual(a[k], b[k], strict, memos)) return false;
        }
        return keysA.length === Object.keys(b).length;
      }
    }
  } else if (kind === IS_SET) {
    return setEquiv(a as unknown as Set<unknown>, b as unknown as Set<unknown>, strict, memos);
  } else if (kind === IS_MAP) {
    return mapEquiv(
      a as unknown as Map<unknown, unknown>,
      b as unknown as Map<unknown, unknown>,
      strict,
      memos,
    );
  }
  return true;
}

const isObj = (v: unknown) => typeof v === "object" && v !== null;

/** For loose comparisons: whether a primitive may have a loosely equal counterpart (null: check undefined). */
function loosePrim(prim: unknown): boolean | null | undefined {
  switch (typeof prim) {
    case "undefined":
      return null;
    case "object":
      return undefined;
    case "symbol":
      return false;
    case "string":
      return !Number.isNaN(+(prim as string));
    case "number":
      return !Number.isNaN(prim);
  }
  return true;
}

/** Removes from `set` an element deep-equal to `value` (for maps: with an equal entry in `map`). */
function takeEqual(
  set: Set<unknown>,
  value: unknown,
  strict: boolean,
  memos: Memos,
  map?: Map<unknown, unknown>,
  item?: unknown,
) {
  const saved = memos.deleteFailures;
  memos.deleteFailures = true;
  let found = false;
  for (const other of set) {
    if (
      isDeepEqual(other, value, strict, memos) &&
      (!map || isDeepEqual(map.get(other), item, strict, memos))
    ) {
      set.delete(other);
      found = true;
      break;
    }
  }
  memos.deleteFailures = saved;
  return found;
}

function setEquiv(a: Set<unknown>, b: Set<unknown>, strict: boolean, memos: Memos): boolean {
  let set: Set<unknown> | null = null;
  for (const val of a) {
    if (!b.has(val)) {
      if (!isObj(val)) {
        if (strict) return false;
        const alt = loosePrim(val);
        if (alt != null ? !alt : !b.has(alt) || a.has(alt)) return false;
      }
      if (set === null) {
        if (b.size === 1) return isDeepEqual(val, b.values().next().value, strict, memos);
        set = new Set();
      }
      set.add(val);
    }
  }
  if (set === null) return true;
  for (const val of b) {
    if (isObj(val) || !strict) {
      if (!a.has(val) && !takeEqual(set, val, strict, memos)) return false;
    }
  }
  return set.size === 0;
}

function mapEquiv(
  a: Map<unknown, unknown>,
  b: Map<unknown, unknown>,
  strict: boolean,
  memos: Memos,
): boolean {
  let set: Set<unknown> | null = null;
  for (const [key, item1] of a) {
    if (isObj(key)) {
      if (set === null) {
        if (b.size === 1) {
          const [key2, item2] = b.entries().next().value!;
          return isDeepEqual(key, key2, strict, memos) && isDeepEqual(item1, item2, strict, memos);
        }
        set = new Set();
      }
      set.add(key);
    } else {
      const item2 = b.get(key);
      if ((item2 === undefined && !b.has(key)) || !isDeepEqual(item1, item2, strict, memos)) {
        if (strict) return false;
        const alt = loosePrim(key);
        if (alt != null) {
          if (!alt) return false;
        } else {
          const cur = b.get(alt);
          if (
            (cur === undefined && !b.has(alt)) ||
            !isDeepEqual(item1, cur, false, memos) ||
            a.has(alt) ||
            !isDeepEqual(item1, cur, false, memos)
          )
            return false;
        }
        set ??= new Set();
        set.add(key);
      }
    }
  }
  if (set === null) return true;
  for (const [key, item] of b) {
    if (isObj(key)) {
      if (!takeEqual(set, key, strict, memos, a, item)) return false;
    } else if (
      !strict &&
      (!a.has(key) || !isDeepEqual(a.get(key), item, strict, memos)) &&
      !takeEqual(set, key, strict, memos, a, item)
    )
      return false;
  }
  return set.size === 0;
}
