// Built-in module "buffer": a compact Buffer after Node's lib/buffer.js. Buffer is a function whose prototype
// is shared with an Uint8Array subclass, as in Node, so `Buffer(...)`, `new Buffer(...)`, subclassing and
// `instanceof` all behave; typed-array methods that create arrays (subarray, map, ...) go through
// `Buffer[Symbol.species]`.
import type { Op } from "../../../guest/types.js";
import { installNumeric } from "./internal/buffer-num.js";
import {
  adjustOffset,
  checkUint8,
  compareBytes,
  encodingOf,
  fillBytes,
  indexOf,
  isAnyArrayBuffer,
  kMaxLength,
  outOfBounds,
  swap,
  toInteger,
  unknownEncoding,
  validateOffset,
  validateSize,
  writeString,
} from "./internal/buffer-util.js";
import { byteLengthOf, decode, encode, normalizeEncoding } from "./internal/codec.js";
import { invalidArgType, outOfRange } from "./internal/errors.js";
import { G } from "./internal/globals.js";

type Bytes = Uint8Array;
type Method = (this: Bytes, ...args: never[]) => unknown;

const kStringMaxLength = 2 ** 29 - 24;
const INSPECT_MAX_BYTES = 50;

class FastBuffer extends Uint8Array {}

function fromString(s: string, enc: unknown): Bytes {
  const bytes = encode(s, typeof enc === "string" && enc.length > 0 ? encodingOf(enc) : "utf8");
  return new FastBuffer(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.length);
}

function from(value: unknown, encOrOffset?: unknown, length?: unknown): Bytes {
  if (typeof value === "string") return fromString(value, encOrOffset);
  if (typeof value === "object" && value !== null) {
    if (isAnyArrayBuffer(value)) {
      const offset = encOrOffset === undefined ? 0 : +(encOrOffset as number) || 0;
      const max = value.byteLength - offset;
      if (max < 0) throw outOfBounds("offset");
      let len = max;
      if (length !== undefined) {
        len = +(length as number);
        if (len > 0) {
          if (len > max) throw outOfBounds("length");
        } else len = 0;
      }
      return new FastBuffer(value, offset, len);
    }
    const prim = (value as { valueOf?(): unknown }).valueOf?.();
    if (prim != null && prim !== value && (typeof prim === "string" || typeof prim === "object"))
      return from(prim, encOrOffset, length);
    const obj = value as { length?: unknown; buffer?: unknown; type?: unknown; data?: unknown };
    if (obj.length !== undefined || isAnyArrayBuffer(obj.buffer)) {
      return typeof obj.length === "number" ? new FastBuffer(obj as ArrayLike<number>) : new FastBuffer(0);
    }
    if (obj.type === "Buffer" && Array.isArray(obj.data)) return new FastBuffer(obj.data);
    const toPrim = (value as { [Symbol.toPrimitive]?: unknown })[Symbol.toPrimitive];
    if (typeof toPrim === "function") {
      const s = toPrim.call(value, "string");
      if (typeof s === "string") return fromString(s, encOrOffset);
    }
  }
  throw invalidArgType(
    "first argument",
    "of type string or an instance of Buffer, ArrayBuffer, or Array or an Array-like Object",
    value,
  );
}

function alloc(size: unknown, fill?: unknown, encoding?: unknown): Bytes {
  validateSize(size);
  const buf = new FastBuffer(size);
  if (fill !== undefined && fill !== 0 && size > 0) fillBytes(buf, fill, 0, size, encoding);
  return buf;
}
function allocUnsafe(size: unknown): Bytes {
  validateSize(size);
  return new FastBuffer(size);
}

function Buffer(arg: unknown, encodingOrOffset?: unknown, length?: unknown): Bytes {
  if (typeof arg === "number") {
    if (typeof encodingOrOffset === "string") throw invalidArgType("string", "of type string", arg);
    return alloc(arg);
  }
  return from(arg, encodingOrOffset, length);
}
Buffer.prototype = FastBuffer.prototype;
Object.defineProperty(FastBuffer.prototype, "constructor", {
  value: Buffer,
  writable: true,
  configurable: true,
});
Object.setPrototypeOf(Buffer, Uint8Array);

function byteLength(value: unknown, encoding?: unknown): number {
  if (typeof value !== "string") {
    if (ArrayBuffer.isView(value) || isAnyArrayBuffer(value)) return value.byteLength;
    throw invalidArgType("string", "of type string or an instance of Buffer or ArrayBuffer", value);
  }
  return byteLengthOf(value, normalizeEncoding(encoding) ?? "utf8");
}

function concat(list: unknown, totalLength?: unknown): Bytes {
  if (!Array.isArray(list)) throw invalidArgType("list", "an instance of Array", list);
  if (list.length === 0) return new FastBuffer(0);
  let length = 0;
  list.forEach((b, i) => {
    checkUint8(b, `list[${i}]`);
    length += b.length;
  });
  if (totalLength !== undefined) {
    validateOffset(totalLength, "length");
    length = totalLength;
  }
  const out = new FastBuffer(length);
  let pos = 0;
  for (const b of list as Bytes[]) {
    if (pos >= length) break;
    out.set(b.length > length - pos ? b.subarray(0, length - pos) : b, pos);
    pos += b.length;
  }
  return out;
}

const methods: Record<string, Method> & ThisType<Bytes> = {
  toString(encoding?: unknown, start?: unknown, end?: unknown) {
    const len = this.length;
    let s = start as number;
    let e = end as number;
    if (s <= 0) s = 0;
    else if (s >= len) return "";
    else s = Math.trunc(s) || 0;
    if (e === undefined || e > len) e = len;
    else e = Math.trunc(e) || 0;
    if (e <= s) return "";
    if (encoding === undefined) return decode(this, "utf8", s, e);
    if (typeof encoding !== "string" || encoding === "") throw unknownEncoding(encoding);
    return decode(this, encodingOf(encoding), s, e);
  },
  equals(other: unknown) {
    checkUint8(other, "otherBuffer");
    return this === other || compareBytes(this, other) === 0;
  },
  compare(target: unknown, tStart?: unknown, tEnd?: unknown, sStart?: unknown, sEnd?: unknown) {
    checkUint8(target, "target");
    const offset = (value: unknown, name: string, fallback: number, max?: number): number => {
      if (value === undefined) return fallback;
      validateOffset(value, name, 0, max);
      return value;
    };
    const ts = offset(tStart, "targetStart", 0);
    const te = offset(tEnd, "targetEnd", target.length, target.length);
    const ss = offset(sStart, "sourceStart", 0);
    const se = offset(sEnd, "sourceEnd", this.length, this.length);
    if (ss >= se) return ts >= te ? 0 : -1;
    if (ts >= te) return 1;
    return compareBytes(this.subarray(ss, se), target.subarray(ts, te));
  },
  indexOf(value: unknown, byteOffset?: unknown, encoding?: unknown) {
    return indexOf(this, value, byteOffset, encoding, true);
  },
  lastIndexOf(value: unknown, byteOffset?: unknown, encoding?: unknown) {
    return indexOf(this, value, byteOffset, encoding, false);
  },
  includes(value: unknown, byteOffset?: unknown, encoding?: unknown) {
    return indexOf(this, value, byteOffset, encoding, true) !== -1;
  },
  fill(value: unknown, offset?: unknown, end?: unknown, encoding?: unknown) {
    return fillBytes(this, value, offset, end, encoding);
  },
  copy(target: unknown, targetStart?: unknown, sourceStart?: unknown, sourceEnd?: unknown) {
    checkUint8(target, "target");
    const ts = targetStart === undefined ? 0 : toInteger(targetStart);
    if (ts < 0) throw outOfRange("targetStart", ">= 0", targetStart);
    const ss = sourceStart === undefined ? 0 : toInteger(sourceStart);
    if (ss < 0 || ss > this.length) throw outOfRange("sourceStart", `>= 0 && <= ${this.length}`, sourceStart);
    let se = sourceEnd === undefined ? this.length : toInteger(sourceEnd);
    if (se < 0) throw outOfRange("sourceEnd", ">= 0", sourceEnd);
    if (ts >= target.length || ss >= se) return 0;
    se = Math.min(se, ss + target.length - ts, this.length);
    target.set(this.subarray(ss, se), ts);
    return se - ss;
  },
  write(string: unknown, offset?: unknown, length?: unknown, encoding?: unknown) {
    if (offset === undefined) return writeString(this, string, 0, this.length, "utf8");
    if (length === undefined && typeof offset === "string") {
      encoding = offset;
      length = this.length;
      offset = 0;
    } else {
      validateOffset(offset, "offset", 0, this.length);
      const remaining = this.length - offset;
      if (length === undefined) length = remaining;
      else if (typeof length === "string") {
        encoding = length;
        length = remaining;
      } else {
        validateOffset(length, "length", 0, this.length);
        if (length > remaining) length = remaining;
      }
    }
    return writeString(this, string, offset as number, length as number, encodingOf(encoding));
  },
  slice(start?: unknown, end?: unknown) {
    const len = this.length;
    const s = adjustOffset(start as number, len);
    const e = end !== undefined ? adjustOffset(end as number, len) : len;
    return new FastBuffer(this.buffer as ArrayBuffer, this.byteOffset + s, e > s ? e - s : 0);
  },
  toJSON() {
    return { type: "Buffer", data: Array.from(this) };
  },
  swap16() {
    return swap(this, 2);
  },
  swap32() {
    return swap(this, 4);
  },
  swap64() {
    return swap(this, 8);
  },
};
const inspectBytes = function (this: Bytes) {
  const max = Math.min(INSPECT_MAX_BYTES, this.length);
  const rest = this.length - INSPECT_MAX_BYTES;
  let str = decode(this, "hex", 0, max)
    .replace(/(.{2})/g, "$1 ")
    .trim();
  if (rest > 0) str += ` ... ${rest} more byte${rest > 1 ? "s" : ""}`;
  return `<${this.constructor.name} ${str}>`;
};
methods.toLocaleString = methods.toString!;
for (const [name, enc] of [
  ["utf8", "utf8"],
  ["ucs2", "utf16le"],
  ["utf16le", "utf16le"],
  ["latin1", "latin1"],
  ["ascii", "ascii"],
  ["base64", "base64"],
  ["base64url", "base64url"],
  ["hex", "hex"],
] as const) {
  methods[`${name}Slice`] = function (this: Bytes, start = 0, end: number = this.length) {
    return decode(this, enc, start, end);
  };
  methods[`${name}Write`] = function (
    this: Bytes,
    s: string,
    offset = 0,
    length: number = this.length - offset,
  ) {
    return writeString(this, s, offset, length, enc);
  };
}
installNumeric(methods as Record<string, (this: Bytes, ...args: unknown[]) => unknown>);
Object.assign(FastBuffer.prototype, methods);
Object.defineProperty(FastBuffer.prototype, Symbol.for("nodejs.util.inspect.custom"), {
  value: inspectBytes,
  writable: true,
  configurable: true,
});

function invalidChar(message = "Invalid character"): Error {
  const D = G.DOMException as (new (m: string, n: string) => Error) | undefined;
  return D ? new D(message, "InvalidCharacterError") : new Error(message);
}

const statics = {
  from,
  alloc,
  allocUnsafe,
  allocUnsafeSlow: allocUnsafe,
  byteLength,
  concat,
  poolSize: 8192,
  isBuffer: (b: unknown) => b instanceof Buffer,
  isEncoding: (e: unknown) => typeof e === "string" && e.length !== 0 && normalizeEncoding(e) !== undefined,
  compare(a: unknown, b: unknown) {
    checkUint8(a, "buf1");
    checkUint8(b, "buf2");
    return compareBytes(a, b);
  },
  copyBytesFrom(view: unknown, offset = 0, length?: number) {
    if (!ArrayBuffer.isView(view) || view instanceof DataView)
      throw invalidArgType("view", "an instance of TypedArray", view);
    const size = (view as Uint16Array).BYTES_PER_ELEMENT;
    const count = (view as Uint16Array).length;
    const end = length === undefined ? count : Math.min(count, offset + length);
    const start = Math.min(offset, count);
    const bytes = new Uint8Array(
      view.buffer,
      view.byteOffset + start * size,
      Math.max(0, end - start) * size,
    );
    return new FastBuffer(bytes);
  },
};
Object.assign(Buffer, statics);

export function create(_op: Op, _require: (id: string) => unknown): unknown {
  const exports = {
    Buffer,
    SlowBuffer: function SlowBuffer(size: number) {
      return allocUnsafe(size);
    },
    kMaxLength,
    kStringMaxLength,
    INSPECT_MAX_BYTES,
    constants: { MAX_LENGTH: kMaxLength, MAX_STRING_LENGTH: kStringMaxLength },
    isUtf8(input: unknown) {
      const b = isAnyArrayBuffer(input) ? new Uint8Array(input) : input;
      checkUint8(b, "input");
      return compareBytes(encode(decode(b, "utf8", 0, b.length), "utf8"), b) === 0;
    },
    isAscii(input: unknown) {
      const b = isAnyArrayBuffer(input) ? new Uint8Array(input) : input;
      checkUint8(b, "input");
      return b.every((c) => c < 128);
    },
    btoa(input: unknown) {
      const s = String(input);
      if (/[^\0-\xff]/.test(s)) throw invalidChar();
      return decode(encode(s, "latin1"), "base64", 0, s.length);
    },
    atob(input: unknown) {
      let s = String(input).replace(/[\t\n\f\r ]/g, "");
      if (s.length % 4 === 0) s = s.replace(/={1,2}$/, "");
      if (/[^A-Za-z0-9+/]/.test(s)) throw invalidChar();
      if (s.length % 4 === 1) throw invalidChar("The string to be decoded is not correctly encoded.");
      const b = encode(s, "base64");
      return decode(b, "latin1", 0, b.length);
    },
  };
  for (const name of ["Blob", "File"])
    Object.defineProperty(exports, name, { enumerable: true, get: () => G[name] });
  return exports;
}
