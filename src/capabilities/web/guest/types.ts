// Shapes and small helpers shared by the web-globals guest bundles. This code runs inside QuickJS.
export type { Op } from "../../../guest/types.js";

interface DOMExceptionCtor {
  new (message?: string, name?: string): Error;
}

/** A DOMException with the given name (the global exists in QuickJS-ng and in Node). */
export const domError = (message: string, name: string): Error =>
  new (globalThis as unknown as { DOMException: DOMExceptionCtor }).DOMException(message, name);

const tag = (v: unknown): string => Object.prototype.toString.call(v);

/** A view over the bytes of an ArrayBuffer, SharedArrayBuffer or view, without copying; null for anything else. */
export function bytesOf(v: unknown): Uint8Array | null {
  if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  const t = tag(v);
  return t === "[object ArrayBuffer]" || t === "[object SharedArrayBuffer]"
    ? new Uint8Array(v as ArrayBuffer)
    : null;
}

/** Converts to a string the way WebIDL converts to USVString: lone surrogates become U+FFFD (ES2024). */
export const usv = (v: unknown): string => (`${v}` as unknown as { toWellFormed(): string }).toWellFormed();

/** Throws the TypeError WebIDL throws when a required argument is missing. */
export function need(count: number, required: number, what: string): void {
  if (count < required)
    throw new TypeError(`${what}: ${required} argument required, but only ${count} present.`);
}

/**
 * Minifying renames classes and functions, so give every export its global's name. Classes also get the
 * `Symbol.toStringTag` the web platform's objects have, and enumerable members, as WebIDL defines them.
 */
export function named<T extends object>(globals: T): T {
  for (const [name, value] of Object.entries(globals)) {
    if (typeof value !== "function") continue;
    Object.defineProperty(value, "name", { value: name });
    if (/^[A-Z]/.test(name)) {
      const proto = value.prototype;
      for (const key of Object.getOwnPropertyNames(proto)) {
        if (key !== "constructor") Object.defineProperty(proto, key, { enumerable: true });
      }
      Object.defineProperty(proto, Symbol.toStringTag, { value: name, configurable: true });
    }
  }
  return globals;
}

/** Defines enumerable getters on `proto` that read `state(this)[name]` (a compact way to write WebIDL attributes). */
export function getters<T>(proto: object, names: string, state: (self: object) => T): void {
  for (const name of names.split(" ")) {
    Object.defineProperty(proto, name, {
      get(this: object) {
        return state(this)[name as keyof T];
      },
      enumerable: true,
      configurable: true,
    });
  }
}

type Pair = [string, unknown];

/**
 * Adds the WebIDL pair-iterable members (entries, keys, values, forEach, @@iterator) to a class whose
 * `list(self)` returns its current pairs; iteration is live, by index, as the standards specify.
 */
export function pairIterable(proto: object, list: (self: object) => Pair[]): void {
  function* entries(this: object): IterableIterator<Pair> {
    for (let i = 0; i < list(this).length; i++) yield [...list(this)[i]!];
  }
  Object.assign(proto, {
    entries,
    *keys(this: object) {
      for (const [k] of entries.call(this)) yield k;
    },
    *values(this: object) {
      for (const [, v] of entries.call(this)) yield v;
    },
    forEach(
      this: object,
      callback: (value: unknown, key: string, parent: object) => void,
      thisArg?: unknown,
    ) {
      if (typeof callback !== "function") throw new TypeError("The callback must be a function");
      for (const [k, v] of entries.call(this)) callback.call(thisArg, v, k, this);
    },
  });
  Object.defineProperty(proto, Symbol.iterator, { value: entries, configurable: true, writable: true });
}
